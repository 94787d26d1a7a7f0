/* hr.c - the portable part of the hot-reload core: the hr_lib handle (open, check, unload,
 * close), symbol access, error texts (the codes' names: hr_names.c). The load pipeline is in
 * hr_load.c; all OS calls go through hr_platform.h.
 *
 * Owns, per hr_lib: the private temp directory (and the copies in it, via hr_load.c), the
 * watcher, the symbol names and the internal slots. No global state: libraries are independent.
 */
#include "hr_lib.h"
#include "hr_preflight.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void default_log(int level, const char *text, void *user)
{
    (void)user;
    static const char *const levels[] = { "", "warning: ", "error: " };
    fprintf(stderr, "hr: %s%s\n", levels[level < 0 ? 0 : level > 2 ? 2 : level], text);
}

/* Records the failure text ("<error name>: <detail>") and returns the code. */
hr_error hr__fail(hr_lib *lib, hr_error code, const char *fmt, ...)
{
    int n = snprintf(lib->error_text, sizeof lib->error_text, "%s: ", hr_error_name(code));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lib->error_text + n, sizeof lib->error_text - (size_t)n, fmt, ap);
    va_end(ap);
    lib->error = code;
    return code;
}

void hr__clear_error(hr_lib *lib)
{
    lib->error = HR_ERR_NONE;
    lib->error_text[0] = 0;
}

/* Gives the log hook the outcome of a load attempt and returns st; how is what a success did
 * ("loaded", "rolled back to the build before as"). A check that found nothing new has nothing
 * to tell, and the idle path never comes here. */
hr_status hr__tell(hr_lib *lib, hr_status st, const char *how)
{
    char line[1200];
    switch (st) {
    case HR_UNCHANGED: return st;
    case HR_NOT_READY:
        /* A wait is told once per reason, not at every check while a build is written. A copy
         * in a thread and the pre-flight are the normal path, and how they end is told: no
         * line for them. */
        if (lib->error == HR_ERR_CHECKING)
            break;
        if (strcmp(lib->error_text, lib->told_wait) != 0) {
            memcpy(lib->told_wait, lib->error_text, sizeof lib->told_wait);
            lib->log(0, lib->error_text, lib->user);
        }
        return st;
    case HR_RELOADED:
        /* total_ns: the time spent in the core's calls, the stall a caller feels. */
        snprintf(line, sizeof line, "%s %s version %u in %.2f ms", lib->path, how, lib->version,
                 (double)lib->timing.total_ns / 1e6);
        lib->log(0, line, lib->user);
        break;
    case HR_LOAD_FAILED:
    case HR_REFUSED: lib->log(2, lib->error_text, lib->user); break;
    }
    lib->told_wait[0] = 0; /* the wait is over: the same reason later is news again */
    return st;
}

static void clear_slots(hr_lib *lib)
{
    for (int i = 0; i < lib->count; i++)
        lib->slots[i] = NULL;
}

/* The OS's change notification, or NULL. Without it the core polls: normal while the library's
 * directory does not exist yet (a first build makes it, and hr_check moves up then), but
 * worth one warning when notification itself is unavailable (a system limit, say). */
static hr_watch *open_native(hr_lib *lib)
{
    char why[512] = "";
    hr_watch *w = hr_watch_native_open(lib->path, why, sizeof why);
    if (!w && why[0] && !lib->told_polling) {
        lib->told_polling = 1;
        hr__fail(lib, HR_ERR_NO_WATCH, "%s is watched by polling, one stat() per check: %s",
                 lib->path, why);
        lib->log(1, lib->error_text, lib->user);
    }
    return w;
}

static void open_watch(hr_lib *lib)
{
    if (lib->watch_mode == HR_WATCH_NONE)
        return;
    if (lib->watch_mode == HR_WATCH_DEFAULT)
        lib->watch = open_native(lib);
    if (!lib->watch) {
        lib->watch_fallback = lib->watch_mode == HR_WATCH_DEFAULT;
        lib->watch_mode = HR_WATCH_POLL;
        lib->watch = hr_watch_poll_open(lib->path);
    }
}

static void free_lib(hr_lib *lib)
{
    if (lib->names)
        for (int i = 0; i < lib->count; i++)
            free(lib->names[i]);
    free(lib->names);
    free(lib->own_slots);
    free(lib->next_slots);
    free(lib->forbidden);
    free(lib->preflight);
    free(lib->path);
    free(lib);
}

hr_lib *hr_open(const hr_desc *desc)
{
    assert(desc && desc->path && "hr_open: desc->path is required");
    assert(desc->symbol_count >= 0 && (desc->symbol_count == 0 || desc->symbols));
    hr_lib *lib = calloc(1, sizeof *lib);
    if (!lib)
        return NULL;
    lib->count = desc->symbol_count;
    lib->path = strdup(desc->path);
    lib->names = calloc((size_t)lib->count + 1, sizeof *lib->names);
    lib->next_slots = calloc((size_t)lib->count + 1, sizeof *lib->next_slots);
    lib->slots = desc->slots;
    if (!lib->slots)
        lib->slots = lib->own_slots = calloc((size_t)lib->count + 1, sizeof *lib->slots);
    if (!lib->path || !lib->names || !lib->next_slots || !lib->slots)
        goto nomem;
    for (int i = 0; i < lib->count; i++) {
        assert(desc->symbols[i] && "hr_open: NULL symbol name");
        if (!(lib->names[i] = strdup(desc->symbols[i])))
            goto nomem;
    }
    /* The file name names the copies. Windows paths may use '\\' too; elsewhere a '\\' in a
     * name only shortens the copy's name, which is harmless. */
    lib->base = lib->path;
    for (const char *p = lib->path; *p; p++)
        if (*p == '/' || *p == '\\')
            lib->base = p + 1;
    lib->watch_mode = desc->watch;
    lib->validate = desc->validate;
    lib->unload = desc->unload;
    lib->prepare = desc->prepare;
    lib->log = desc->log ? desc->log : default_log;
    lib->user = desc->user;
    lib->proc.out_fd = -1;
    lib->preflight_timeout_ms = desc->preflight_timeout_ms > 0 ? desc->preflight_timeout_ms : 2000;
    if (desc->preflight && !(lib->preflight = strdup(desc->preflight)))
        goto nomem;
    clear_slots(lib);

    char why[512];
    if (hr_os_make_private_dir(desc->temp_dir, lib->dir, sizeof lib->dir, why, sizeof why) != 0) {
        hr__fail(lib, HR_ERR_TEMP, "%s", why);
        hr__tell(lib, HR_LOAD_FAILED, "loaded");
        return lib; /* carries the reason; hr_check retries nothing without a directory */
    }
    lib->have_dir = 1;
    open_watch(lib);
    /* The first load waits for its copy and its pre-flight: a program starts with its code or
     * a reason. */
    hr_status st = hr__load(lib);
    while (st == HR_NOT_READY && hr__is_busy(lib)) {
        st = hr__poll_busy(lib);
        if (st == HR_NOT_READY)
            hr_os_sleep_ms(1);
    }
    hr__tell(lib, st, "loaded");
    return lib;

nomem:
    free_lib(lib);
    return NULL;
}

void hr_close(hr_lib *lib)
{
    if (!lib)
        return;
    hr_unload(lib);
    hr__cancel_pending(lib);
    if (lib->prev[0])
        hr_os_remove(lib->prev);
    if (lib->watch)
        lib->watch->close(lib->watch);
    if (lib->have_dir)
        hr_os_remove_private_dir(lib->dir);
    free_lib(lib);
}

/* 1 if the file is still the running build. An event can leave it in place: a touch or chmod
 * moves only its times (the same file, size and bytes), and a build that rewrote the same file
 * with the very same bytes made nothing new either. Only then are the bytes compared, with the
 * running build's copy, up to the first difference. */
static int is_running_build(hr_lib *lib)
{
    hr_file_sig now = hr_os_stat(lib->path);
    const hr_file_sig *was = &lib->loaded_sig;
    if (hr_os_same_file(&now, was))
        return 1;
    if (now.kind != HR_FILE_REGULAR || now.dev != was->dev || now.ino != was->ino ||
        now.size != was->size || !hr_os_same_content(lib->path, lib->loaded))
        return 0;
    lib->loaded_sig = now; /* the next event compares times again, not bytes */
    return 1;
}

hr_status hr_check(hr_lib *lib)
{
    assert(lib);
    if (!lib->have_dir || !lib->watch)
        return hr__tell(lib, hr__poll_busy(lib), "loaded");
    hr_watch_event ev = lib->watch->poll(lib->watch);
    if (ev == HR_WATCH_LOST) {
        /* The directory was removed or moved, or a link on the way to the file now leads
         * elsewhere: watch afresh (polling if the directory is gone). */
        lib->watch->close(lib->watch);
        lib->watch = NULL;
        if (lib->watch_mode == HR_WATCH_POLL)
            lib->watch_mode = HR_WATCH_DEFAULT;
        open_watch(lib);
        ev = HR_WATCH_CHANGED;
    }
    if (lib->watch_fallback && lib->watch && ev != HR_WATCH_QUIET) {
        /* Polling because the directory was missing at open (a first build makes it): now
         * that the file is there, move up to the native watch, and look at the file now
         * instead of waiting for it to settle (the image check still turns a half-written
         * one away). */
        hr_watch *native = open_native(lib);
        if (native) {
            lib->watch->close(lib->watch);
            lib->watch = native;
            lib->watch_mode = HR_WATCH_DEFAULT;
            lib->watch_fallback = 0;
            ev = HR_WATCH_CHANGED;
        }
    }
    if (ev == HR_WATCH_WRITING) {
        hr__cancel_pending(lib); /* a newer build is coming: the candidate (its copy) is stale */
        hr__fail(lib, HR_ERR_INCOMPLETE, "%s is being written; waiting until it is complete",
                 lib->path);
        return hr__tell(lib, HR_NOT_READY, "loaded");
    }
    if (ev == HR_WATCH_QUIET && !lib->retry)
        return hr__tell(lib, hr__poll_busy(lib), "loaded"); /* nothing in flight: unchanged */
    lib->retry = 0;
    if (lib->handle && !lib->pending[0] && is_running_build(lib))
        return HR_UNCHANGED;
    return hr__tell(lib, hr__load(lib), "loaded");
}

hr_status hr_reload(hr_lib *lib)
{
    assert(lib);
    return hr__tell(lib, lib->have_dir ? hr__load(lib) : HR_LOAD_FAILED, "loaded");
}

void hr_unload(hr_lib *lib)
{
    assert(lib);
    hr__close_loaded(lib, 0); /* the unload hook still sees the slots */
    clear_slots(lib);
    lib->loaded_sig = (hr_file_sig){ 0 };
}

int hr_is_loaded(const hr_lib *lib)
{
    return lib && lib->handle != NULL;
}

int hr_is_checking(const hr_lib *lib)
{
    return lib && hr__is_busy(lib);
}

void *hr_slot(const hr_lib *lib, int i)
{
    assert(lib && i >= 0 && i < lib->count);
    return lib->slots[i];
}

void *hr_sym(hr_lib *lib, const char *name)
{
    assert(lib && name);
    if (!lib->handle)
        return NULL;
    for (int i = 0; i < lib->count; i++)
        if (strcmp(lib->names[i], name) == 0)
            return lib->slots[i];
    return hr_dl_sym(lib->handle, name);
}

hr_error hr_call(hr_lib *lib, const char *name, void *arg)
{
    assert(lib && name);
    if (!lib->handle)
        return hr__fail(lib, HR_ERR_NOT_LOADED, "cannot call '%s': %s is not loaded", name,
                        lib->path);
    void *fn = hr_sym(lib, name);
    if (!fn)
        return hr__fail(lib, HR_ERR_SYMBOL, "%s " HR_NOT_EXPORTED_FMT, lib->path, name);
    ((void (*)(void *))fn)(arg);
    return HR_ERR_NONE;
}

unsigned hr_version(const hr_lib *lib)
{
    return lib->version;
}

hr_error hr_error_code(const hr_lib *lib)
{
    return lib->error;
}

const char *hr_error_text(const hr_lib *lib)
{
    return lib->error_text;
}

const char *hr_loaded_path(const hr_lib *lib)
{
    return lib->handle ? lib->loaded : NULL;
}

const char *hr_temp_dir(const hr_lib *lib)
{
    return lib->dir;
}

hr_timing hr_last_timing(const hr_lib *lib)
{
    return lib->timing;
}

int hr_code_ranges(const hr_lib *lib, hr_range *out, int max)
{
    int n = lib->handle ? lib->range_count : 0;
    n = n < max ? n : max;
    memcpy(out, lib->ranges, sizeof *out * (size_t)(n > 0 ? n : 0));
    return n;
}
