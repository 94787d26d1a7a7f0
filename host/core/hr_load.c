/* hr_load.c - the load pipeline of the core: copy, check, pre-flight, open, resolve, validate,
 * commit; plus rollback to the previous build and refusing forbidden content. A step that runs
 * outside the caller's thread (the copy of a big build, the pre-flight) spreads the pipeline
 * over several checks: hr__poll_busy follows it.
 *
 * The rule it keeps: the running code and the caller's slots stay untouched until a candidate
 * has passed every step. The loader itself is never interrupted (jumping out of a crashing
 * dlopen would leave its locks held), which is why risky candidates go through the pre-flight
 * process first.
 */
#include "hr_lib.h"
#include "hr_preflight.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over the file's bytes: cheap, and only computed once something was forbidden. */
static int hash_file(const char *path, uint64_t *hash)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    uint64_t h = 14695981039346656037u;
    unsigned char buf[1 << 15];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211u;
    fclose(f);
    *hash = h;
    return 0;
}

static int is_forbidden(const hr_lib *lib, const char *copy, uint64_t *hash)
{
    if (lib->forbidden_count == 0 || hash_file(copy, hash) != 0)
        return 0;
    for (int i = 0; i < lib->forbidden_count; i++)
        if (lib->forbidden[i] == *hash)
            return 1;
    return 0;
}

int hr__is_busy(const hr_lib *lib)
{
    return lib->copy != NULL || lib->proc.pid > 0;
}

void hr__cancel_pending(hr_lib *lib)
{
    hr_os_copy_cancel(lib->copy); /* removes what it copied so far */
    lib->copy = NULL;
    if (lib->proc.pid > 0 || lib->proc.out_fd >= 0)
        hr_proc_end(&lib->proc);
    if (lib->pending[0])
        hr_os_remove(lib->pending);
    lib->pending[0] = 0;
}

void hr__close_loaded(hr_lib *lib, int keep_as_prev)
{
    if (!lib->handle)
        return;
    if (lib->unload)
        lib->unload(lib->slots, lib->user);
    uint64_t t0 = hr_os_now_ns();
    hr_dl_close(lib->handle);
    lib->handle = NULL;
    lib->range_count = 0;
    if (hr_dl_is_still_loaded(lib->loaded)) {
        hr__fail(lib, HR_ERR_STILL_LOADED, "%s stayed in memory after dlclose; %s", lib->loaded,
                 hr_dl_unload_hint());
        lib->log(1, lib->error_text, lib->user);
    }
    if (lib->prev[0])
        hr_os_remove(lib->prev);
    lib->prev[0] = 0;
    if (keep_as_prev) {
        memcpy(lib->prev, lib->loaded, sizeof lib->prev);
        lib->prev_sig = lib->loaded_sig;
    } else {
        hr_os_remove(lib->loaded);
    }
    lib->loaded[0] = 0;
    lib->timing.close_ns = hr_os_now_ns() - t0;
}

/* Opens copy, resolves every name, asks the validate hook, and if all holds makes it the
 * running build. On failure the copy is left for the caller to remove. */
static hr_error commit(hr_lib *lib, const char *copy, const hr_file_sig *sig, int keep_old)
{
    char why[768] = "";
    uint64_t t0 = hr_os_now_ns();
    const size_t objects_before = hr_dl_object_count();
    void *handle = hr_dl_open(copy, why, sizeof why);
    uint64_t t1 = hr_os_now_ns();
    lib->timing.open_ns = t1 - t0;
    if (!handle)
        return hr__fail(lib, HR_ERR_DLOPEN, "%s: %s", lib->path, why);
    hr_error err = HR_ERR_NONE;
    for (int i = 0; i < lib->count && err == HR_ERR_NONE; i++) {
        lib->next_slots[i] = hr_dl_sym(handle, lib->names[i]);
        if (!lib->next_slots[i])
            err = hr__fail(lib, HR_ERR_SYMBOL, "%s " HR_NOT_EXPORTED_FMT, lib->path, lib->names[i]);
    }
    if (err == HR_ERR_NONE && lib->validate) {
        why[0] = 0;
        if (lib->validate(lib->next_slots, lib->user, why, sizeof why) != 0)
            err = hr__fail(lib, HR_ERR_REFUSED, "%s: %s", lib->path, why[0] ? why : "no reason");
    }
    lib->timing.resolve_ns = hr_os_now_ns() - t1;
    if (err != HR_ERR_NONE) {
        hr_dl_close(handle);
        return err;
    }

    /* From here on the caller sees the new code; the old copy goes. The libraries the new build
     * brought in stay for good, so a later unload (or a build that drops one) never takes
     * their state along. */
    hr_dl_pin_since(objects_before, copy);
    hr__clear_error(lib);
    hr__close_loaded(lib, keep_old);
    lib->handle = handle;
    memmove(lib->loaded, copy, strlen(copy) + 1);
    lib->loaded_sig = *sig;
    lib->range_count = hr_dl_code_ranges(handle, lib->loaded, lib->ranges, HR_MAX_CODE_RANGES);
    lib->version++;
    for (int i = 0; i < lib->count; i++)
        lib->slots[i] = lib->next_slots[i];
    return lib->error == HR_ERR_STILL_LOADED ? HR_ERR_NONE : lib->error; /* a warning only */
}

static hr_status status_for(hr_error err)
{
    switch (err) {
    case HR_ERR_NONE: return HR_RELOADED;
    case HR_ERR_MISSING:
    case HR_ERR_INCOMPLETE: return HR_NOT_READY;
    case HR_ERR_REFUSED:
    case HR_ERR_FORBIDDEN: return HR_REFUSED;
    default: return HR_LOAD_FAILED;
    }
}

static const char *kind_text(hr_file_kind kind)
{
    switch (kind) {
    case HR_FILE_DIRECTORY: return "a directory";
    case HR_FILE_PIPE: return "a named pipe (FIFO)";
    case HR_FILE_DEVICE: return "a device";
    default: return "a socket or another special file";
    }
}

static hr_error missing(hr_lib *lib)
{
    return hr__fail(lib, HR_ERR_MISSING, "%s does not exist (yet); waiting for a build", lib->path);
}

/* Takes the outcome of the copy (err, with hr_os_copy's why) and checks the copy: its headers
 * again (the build may have replaced the file since they were read) and whether its content
 * was forbidden. HR_ERR_NONE when lib->pending may be loaded. */
static hr_error copied(hr_lib *lib, hr_error err, const char *why)
{
    if (err == HR_ERR_MISSING)
        return missing(lib);
    if (err != HR_ERR_NONE)
        return hr__fail(lib, err, "%s", why);
    char text[768] = "";
    uint64_t t0 = hr_os_now_ns();
    err = hr_image_check(lib->pending, text, sizeof text);
    lib->timing.check_ns += hr_os_now_ns() - t0;
    if (err != HR_ERR_NONE)
        return hr__fail(lib, err, "%s: %s", lib->path, text);
    uint64_t hash;
    if (is_forbidden(lib, lib->pending, &hash))
        return hr__fail(lib, HR_ERR_FORBIDDEN,
                        "%s is the exact build that was marked bad with hr_forbid before "
                        "(content %016llx); change it to try again",
                        lib->path, (unsigned long long)hash);
    return HR_ERR_NONE;
}

/* Looks at the file and copies it into the private directory, under a new name kept in
 * lib->pending: what is loaded is always the copy, never the original, which the build may
 * rewrite at any moment. A build over HR_MAX_SYNC_COPY_BYTES is copied by a thread: then
 * lib->copy is set and the result is HR_ERR_CHECKING; the copy is checked once it is over. */
static hr_error stage(hr_lib *lib)
{
    char why[768] = "";
    uint64_t t0 = hr_os_now_ns();
    /* What is there, before anything opens it: reading a named pipe waits for a writer. */
    hr_file_sig src = hr_os_stat(lib->path);
    if (src.kind == HR_FILE_MISSING)
        return missing(lib);
    if (src.kind != HR_FILE_REGULAR)
        return hr__fail(lib, HR_ERR_NOT_FILE,
                        "%s is %s, not a library file; a build writes a regular file there",
                        lib->path, kind_text(src.kind));
    /* The original's headers, before a byte is copied: a file that can never load, or one
     * still being written (a 2 GiB file of zeros), is turned away with a few reads instead of
     * being copied into memory first. The copy is checked again: the build may replace the
     * file in between. */
    hr_error err = hr_image_check(lib->path, why, sizeof why);
    uint64_t t1 = hr_os_now_ns();
    lib->timing.check_ns = t1 - t0;
    if (err == HR_ERR_MISSING)
        return missing(lib);
    if (err != HR_ERR_NONE)
        return hr__fail(lib, err, "%s: %s", lib->path, why);
    int n = snprintf(lib->pending, sizeof lib->pending, "%s/%u-%s", lib->dir, ++lib->attempts,
                     lib->base);
    if (n < 0 || (size_t)n >= sizeof lib->pending) {
        lib->pending[0] = 0;
        return hr__fail(lib, HR_ERR_TEMP, "copy path for %s is too long", lib->path);
    }
    if (src.size > HR_MAX_SYNC_COPY_BYTES) {
        /* Hundreds of milliseconds for a library with a lot of debug information: never
         * inside the caller's frame. The next checks follow it (hr__poll_busy). */
        err = hr_os_copy_start(lib->path, lib->pending, &lib->copy, why, sizeof why);
        if (err != HR_ERR_NONE)
            return err == HR_ERR_MISSING ? missing(lib) : hr__fail(lib, err, "%s", why);
        lib->copy_started_ns = t1;
        return hr__fail(lib, HR_ERR_CHECKING,
                        "%s is being copied into the private directory (%llu MiB)", lib->path,
                        (unsigned long long)(src.size >> 20));
    }
    err = hr_os_copy(lib->path, lib->pending, &lib->pending_sig, why, sizeof why);
    lib->timing.copy_ns = hr_os_now_ns() - t1;
    return copied(lib, err, why);
}

static hr_error start_preflight(hr_lib *lib)
{
    const char **argv = calloc((size_t)lib->count + 3, sizeof *argv);
    if (!argv)
        return hr__fail(lib, HR_ERR_NOMEM, "starting the pre-flight of %s", lib->path);
    argv[0] = lib->preflight;
    argv[1] = lib->pending;
    for (int i = 0; i < lib->count; i++)
        argv[i + 2] = lib->names[i];
    char why[512] = "";
    lib->proc_started_ns = hr_os_now_ns(); /* the spawn is part of the pre-flight's time */
    int rc = hr_proc_start(argv, &lib->proc, why, sizeof why);
    free(argv);
    if (rc != 0)
        return hr__fail(lib, HR_ERR_PREFLIGHT, "%s", why);
    hr__fail(lib, HR_ERR_CHECKING, "%s is being loaded in a separate process (pre-flight)",
             lib->path);
    return HR_ERR_NONE;
}

/* Ends the attempt: timing, candidate cleanup, and the status for the caller. */
static hr_status finish(hr_lib *lib, hr_error err, uint64_t t0)
{
    lib->timing.total_ns += hr_os_now_ns() - t0;
    if (err != HR_ERR_NONE)
        hr__cancel_pending(lib);
    lib->pending[0] = 0;
    /* Polling has no "file closed" event: look again next check while the file settles. */
    lib->retry = (err == HR_ERR_INCOMPLETE) && lib->watch_mode == HR_WATCH_POLL;
    return status_for(err);
}

/* The steps after a good copy: the prepare hook, then the pre-flight or the load. Ends the
 * attempt unless a pre-flight was started. t0: when the caller's call began. */
static hr_status after_copy(hr_lib *lib, hr_error err, uint64_t t0)
{
    if (err == HR_ERR_NONE && lib->prepare)
        lib->prepare(lib->pending, lib->user);
    if (err == HR_ERR_NONE && lib->preflight) {
        err = start_preflight(lib);
        if (err == HR_ERR_NONE) {
            lib->timing.total_ns += hr_os_now_ns() - t0;
            return HR_NOT_READY;
        }
    } else if (err == HR_ERR_NONE) {
        err = commit(lib, lib->pending, &lib->pending_sig, 1);
    }
    return finish(lib, err, t0);
}

hr_status hr__load(hr_lib *lib)
{
    uint64_t t0 = hr_os_now_ns();
    hr__cancel_pending(lib);
    lib->timing = (hr_timing){ 0 };
    hr_error err = stage(lib);
    if (err == HR_ERR_CHECKING) { /* copying in a thread */
        lib->timing.total_ns += hr_os_now_ns() - t0;
        return HR_NOT_READY;
    }
    return after_copy(lib, err, t0);
}

/* Follows a copy made in a thread; once it is over, the load goes on from the copy. */
static hr_status poll_copy(hr_lib *lib)
{
    uint64_t t0 = hr_os_now_ns();
    hr_error err;
    char why[768] = "";
    if (hr_os_copy_poll(lib->copy, &err, &lib->pending_sig, why, sizeof why))
        return HR_NOT_READY;
    lib->copy = NULL;
    lib->timing.copy_ns = t0 - lib->copy_started_ns;
    return after_copy(lib, copied(lib, err, why), t0);
}

static void describe_exit(int code, const char *out, char *why, size_t size)
{
    char sig[96];
    if (code < 0) {
        hr_proc_signal_text(-code, sig, sizeof sig);
        snprintf(why, size, "loading it crashed with %s (a constructor, or a corrupt file)%s%s",
                 sig, out[0] ? ": " : "", out);
    } else if (code == HR_PREFLIGHT_LOAD_FAILED || code == HR_PREFLIGHT_NO_SYMBOL) {
        snprintf(why, size, "%s", out);
    } else if (code == HR_PREFLIGHT_NOT_RUN) {
        snprintf(why, size, "the dynamic loader gave up on it (exit 127: corrupt file?)%s%s",
                 out[0] ? ": " : "", out);
    } else {
        snprintf(why, size, "loading it exited with status %d (a constructor called exit?)%s%s",
                 code, out[0] ? ": " : "", out);
    }
}

static hr_status poll_preflight(hr_lib *lib)
{
    uint64_t t0 = hr_os_now_ns();
    int code = 0;
    char out[512] = "";
    if (hr_proc_poll(&lib->proc, &code)) {
        /* Stopped after timeout ms of its own CPU time (a constructor that loops), however busy
         * the machine, or after HR_PREFLIGHT_WAIT_FACTOR times that of waiting (one that
         * blocks); by the clock alone where the CPU time is not known. */
        const long timeout = lib->preflight_timeout_ms;
        const long wall_ms = (long)((t0 - lib->proc_started_ns) / 1000000u);
        const long cpu_ms = hr_proc_cpu_ms(&lib->proc);
        const int spun = cpu_ms >= 0 ? cpu_ms >= timeout : wall_ms >= timeout;
        const int waited = cpu_ms >= 0 && wall_ms >= timeout * HR_PREFLIGHT_WAIT_FACTOR;
        if (!spun && !waited)
            return HR_NOT_READY;
        char used[96] = " (a constructor that never returns?)";
        if (cpu_ms >= 0 && spun)
            snprintf(used, sizeof used, " of its CPU time (a constructor that never returns?)");
        else if (cpu_ms >= 0)
            snprintf(used, sizeof used,
                     ", using %ld ms of CPU time (a constructor that blocks, or never returns?)",
                     cpu_ms);
        hr__fail(lib, HR_ERR_PREFLIGHT, "%s: loading it did not finish within %ld ms%s%s",
                 lib->path, spun ? timeout : timeout * HR_PREFLIGHT_WAIT_FACTOR, used,
                 lib->handle ? "; the old code keeps running" : "");
        return finish(lib, HR_ERR_PREFLIGHT, t0);
    }
    lib->timing.preflight_ns = t0 - lib->proc_started_ns;
    hr_proc_read(&lib->proc, out, sizeof out);
    out[strcspn(out, "\n")] = 0;
    hr_proc_end(&lib->proc);
    hr_error err;
    if (code != HR_PREFLIGHT_OK) {
        char why[768];
        describe_exit(code, out, why, sizeof why);
        /* A missing symbol, or a file the loader refuses (an undefined symbol), is the same
         * mistake whether the pre-flight or the core found it: the same code. */
        err = hr__fail(lib,
                       code == HR_PREFLIGHT_NO_SYMBOL     ? HR_ERR_SYMBOL
                       : code == HR_PREFLIGHT_LOAD_FAILED ? HR_ERR_DLOPEN
                                                          : HR_ERR_PREFLIGHT,
                       "%s: %s", lib->path, why);
    } else {
        err = commit(lib, lib->pending, &lib->pending_sig, 1);
    }
    return finish(lib, err, t0);
}

hr_status hr__poll_busy(hr_lib *lib)
{
    if (lib->copy)
        return poll_copy(lib);
    if (lib->proc.pid > 0)
        return poll_preflight(lib);
    return HR_UNCHANGED;
}

void hr_forbid(hr_lib *lib)
{
    uint64_t hash;
    if (!lib->handle || hash_file(lib->loaded, &hash) != 0)
        return;
    uint64_t *grown = realloc(lib->forbidden, sizeof *grown * (size_t)(lib->forbidden_count + 1));
    if (!grown)
        return;
    lib->forbidden = grown;
    lib->forbidden[lib->forbidden_count++] = hash;
}

hr_status hr_rollback(hr_lib *lib)
{
    uint64_t t0 = hr_os_now_ns();
    lib->timing = (hr_timing){ 0 };
    if (!lib->prev[0]) {
        hr__fail(lib, HR_ERR_NO_ROLLBACK, "%s: no earlier good build to go back to", lib->path);
        return hr__tell(lib, HR_LOAD_FAILED, "rolled back to the build before as");
    }
    hr__cancel_pending(lib);
    char prev[PATH_MAX];
    memcpy(prev, lib->prev, sizeof prev);
    hr_file_sig prev_sig = lib->prev_sig;
    lib->prev[0] = 0; /* the build being left behind is not kept: it is the bad one */
    hr_error err = commit(lib, prev, &prev_sig, 0);
    lib->timing.total_ns = hr_os_now_ns() - t0;
    if (err != HR_ERR_NONE)
        hr_os_remove(prev);
    return hr__tell(lib, status_for(err), "rolled back to the build before as");
}
