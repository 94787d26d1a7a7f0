/* hr.c - the portable part of the hot-reload core: the hr_lib handle, the load/reload/unload
 * sequence, symbol slots and error reporting. All OS calls go through hr_platform.h.
 *
 * Owns, per hr_lib: the private temp directory, the copy that is loaded, the loader handle,
 * the watcher, the symbol names and the internal slots. The rule it keeps: the old code stays
 * loaded and the caller's slots untouched until a new build has been copied, checked, opened,
 * fully resolved and accepted; only then are the slots switched and the old copy closed.
 */
#include "hr.h"
#include "hr_platform.h"

#include <assert.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one list of error codes and their names, so the two cannot drift apart. */
#define HR_ERRORS(X)                                                                          \
    X(HR_ERR_NONE, "ok")                                                                      \
    X(HR_ERR_NOMEM, "out of memory")                                                          \
    X(HR_ERR_MISSING, "file missing")                                                         \
    X(HR_ERR_NOT_FILE, "not a regular file")                                                  \
    X(HR_ERR_INCOMPLETE, "incomplete file")                                                   \
    X(HR_ERR_NOT_LIBRARY, "not a loadable library")                                           \
    X(HR_ERR_TEMP, "private copy failed")                                                     \
    X(HR_ERR_DLOPEN, "dlopen failed")                                                         \
    X(HR_ERR_SYMBOL, "symbol missing")                                                        \
    X(HR_ERR_REFUSED, "refused")                                                              \
    X(HR_ERR_STILL_LOADED, "old copy still loaded")                                           \
    X(HR_ERR_NOT_LOADED, "nothing loaded")

#define HR_STATUSES(X)                                                                        \
    X(HR_UNCHANGED, "unchanged")                                                              \
    X(HR_RELOADED, "reloaded")                                                                \
    X(HR_NOT_READY, "not ready")                                                              \
    X(HR_LOAD_FAILED, "load failed")                                                          \
    X(HR_REFUSED, "refused")

#define AS_CASE(code, text)                                                                   \
    case code: return text;

struct hr_lib {
    char *path;                /* the file the build writes */
    const char *base;          /* its file name, inside path */
    char dir[PATH_MAX];        /* private directory for copies */
    int have_dir;
    char **names;              /* symbol names, copied from the desc */
    int count;
    void **slots;              /* caller's or own array of count pointers */
    void **own_slots;          /* set when slots is ours to free */
    void **next_slots;         /* scratch: the candidate build's symbols */
    hr_watch_mode watch_mode;
    hr_watch *watch;
    hr_validate_fn validate;
    hr_log_fn log;
    void *user;

    void *handle;              /* loader handle of the running copy, NULL if none */
    char loaded[PATH_MAX];     /* path of the running copy */
    hr_file_sig loaded_sig;    /* the build the running copy came from */
    unsigned version;          /* successful loads */
    unsigned attempts;         /* copies made, for unique copy names */
    int retry;                 /* a change is pending: look again at the next check */

    hr_error error;
    char error_text[1024];
    hr_timing timing;
};

const char *hr_error_name(hr_error error)
{
    switch (error) { HR_ERRORS(AS_CASE) }
    return "unknown error";
}

const char *hr_status_name(hr_status status)
{
    switch (status) { HR_STATUSES(AS_CASE) }
    return "unknown status";
}

static void default_log(int level, const char *text, void *user)
{
    (void)user;
    static const char *const levels[] = { "", "warning: ", "error: " };
    fprintf(stderr, "hr: %s%s\n", levels[level < 0 ? 0 : level > 2 ? 2 : level], text);
}

/* Records the failure text ("<error name>: <detail>") and returns the code. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static hr_error fail(hr_lib *lib, hr_error code, const char *fmt, ...)
{
    int n = snprintf(lib->error_text, sizeof lib->error_text, "%s: ", hr_error_name(code));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lib->error_text + n, sizeof lib->error_text - (size_t)n, fmt, ap);
    va_end(ap);
    lib->error = code;
    return code;
}

static void clear_error(hr_lib *lib)
{
    lib->error = HR_ERR_NONE;
    lib->error_text[0] = 0;
}

static void set_slots(hr_lib *lib, void *const *from)
{
    for (int i = 0; i < lib->count; i++)
        lib->slots[i] = from ? from[i] : NULL;
}

/* Closes the running copy, checks that it really left the process, deletes the file. */
static void close_loaded(hr_lib *lib)
{
    if (!lib->handle)
        return;
    uint64_t t0 = hr_os_now_ns();
    hr_dl_close(lib->handle);
    lib->handle = NULL;
    if (hr_dl_is_still_loaded(lib->loaded)) {
        fail(lib, HR_ERR_STILL_LOADED, "%s stayed in memory after dlclose; %s", lib->loaded,
             hr_dl_unload_hint());
        lib->log(1, lib->error_text, lib->user);
    }
    hr_os_remove(lib->loaded);
    lib->loaded[0] = 0;
    lib->timing.close_ns = hr_os_now_ns() - t0;
}

static hr_status status_for(hr_error err)
{
    switch (err) {
    case HR_ERR_NONE: return HR_RELOADED;
    case HR_ERR_MISSING:
    case HR_ERR_INCOMPLETE: return HR_NOT_READY;
    case HR_ERR_REFUSED: return HR_REFUSED;
    default: return HR_LOAD_FAILED;
    }
}

/* Copies, checks, opens and resolves the current file; swaps it in if everything held.
 * Returns HR_ERR_NONE or the reason the running code was kept. */
static hr_error try_load(hr_lib *lib)
{
    char copy[PATH_MAX + 64], why[768] = "";
    hr_file_sig sig;
    uint64_t t0 = hr_os_now_ns();
    lib->timing = (hr_timing){ 0 };

    int n = snprintf(copy, sizeof copy, "%s/%u-%s", lib->dir, ++lib->attempts, lib->base);
    if (n < 0 || (size_t)n >= sizeof copy)
        return fail(lib, HR_ERR_TEMP, "copy path for %s is too long", lib->path);
    hr_error err = hr_os_copy(lib->path, copy, &sig, why, sizeof why);
    uint64_t t1 = hr_os_now_ns();
    lib->timing.copy_ns = t1 - t0;
    if (err != HR_ERR_NONE) {
        hr_os_remove(copy);
        if (err == HR_ERR_MISSING)
            return fail(lib, err, "%s does not exist (yet); waiting for a build", lib->path);
        return fail(lib, err, "%s", why);
    }
    err = hr_image_check(copy, why, sizeof why);
    uint64_t t2 = hr_os_now_ns();
    lib->timing.check_ns = t2 - t1;
    if (err != HR_ERR_NONE) {
        hr_os_remove(copy);
        return fail(lib, err, "%s: %s", lib->path, why);
    }
    void *handle = hr_dl_open(copy, why, sizeof why);
    uint64_t t3 = hr_os_now_ns();
    lib->timing.open_ns = t3 - t2;
    if (!handle) {
        hr_os_remove(copy);
        return fail(lib, HR_ERR_DLOPEN, "%s: %s", lib->path, why);
    }
    for (int i = 0; i < lib->count; i++) {
        lib->next_slots[i] = hr_dl_sym(handle, lib->names[i]);
        if (!lib->next_slots[i]) {
            err = fail(lib, HR_ERR_SYMBOL,
                       "%s does not export '%s' (is it static, hidden or misspelt?)",
                       lib->path, lib->names[i]);
            break;
        }
    }
    if (err == HR_ERR_NONE && lib->validate) {
        why[0] = 0;
        if (lib->validate(lib->next_slots, lib->user, why, sizeof why) != 0)
            err = fail(lib, HR_ERR_REFUSED, "%s: %s", lib->path, why[0] ? why : "no reason");
    }
    lib->timing.resolve_ns = hr_os_now_ns() - t3;
    if (err != HR_ERR_NONE) {
        hr_dl_close(handle);
        hr_os_remove(copy);
        return err;
    }

    /* Commit: the caller sees the new code from here on, the old copy goes. */
    clear_error(lib);
    close_loaded(lib);
    lib->handle = handle;
    memcpy(lib->loaded, copy, strlen(copy) + 1);
    lib->loaded_sig = sig;
    lib->version++;
    set_slots(lib, lib->next_slots);
    return lib->error; /* HR_ERR_NONE, or the still-loaded warning of the old copy */
}

static hr_status load(hr_lib *lib)
{
    uint64_t t0 = hr_os_now_ns();
    hr_error err = try_load(lib);
    lib->timing.total_ns = hr_os_now_ns() - t0;
    if (err == HR_ERR_STILL_LOADED)
        err = HR_ERR_NONE; /* a warning: the new code runs */
    /* Polling has no "file closed" event: look again next check while it settles. */
    lib->retry = (err == HR_ERR_INCOMPLETE) && lib->watch_mode == HR_WATCH_POLL;
    return status_for(err);
}

static void open_watch(hr_lib *lib)
{
    if (lib->watch_mode == HR_WATCH_NONE)
        return;
    if (lib->watch_mode == HR_WATCH_DEFAULT)
        lib->watch = hr_watch_inotify_open(lib->path);
    if (!lib->watch) {
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
    const char *slash = strrchr(lib->path, '/');
    lib->base = slash ? slash + 1 : lib->path;
    lib->watch_mode = desc->watch;
    lib->validate = desc->validate;
    lib->log = desc->log ? desc->log : default_log;
    lib->user = desc->user;
    set_slots(lib, NULL);

    char why[512];
    if (hr_os_make_private_dir(desc->temp_dir, lib->dir, sizeof lib->dir, why, sizeof why) != 0) {
        fail(lib, HR_ERR_TEMP, "%s", why);
        return lib; /* carries the reason; hr_check retries nothing without a directory */
    }
    lib->have_dir = 1;
    open_watch(lib);
    load(lib);
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
    if (lib->watch)
        lib->watch->close(lib->watch);
    if (lib->have_dir)
        hr_os_remove_private_dir(lib->dir);
    free_lib(lib);
}

hr_status hr_check(hr_lib *lib)
{
    assert(lib);
    if (!lib->have_dir || !lib->watch)
        return HR_UNCHANGED;
    hr_watch_event ev = lib->watch->poll(lib->watch);
    if (ev == HR_WATCH_LOST) {
        /* The directory was removed or moved: watch afresh (polling if it is gone). */
        lib->watch->close(lib->watch);
        lib->watch = NULL;
        if (lib->watch_mode == HR_WATCH_POLL)
            lib->watch_mode = HR_WATCH_DEFAULT;
        open_watch(lib);
        ev = HR_WATCH_CHANGED;
    }
    if (ev == HR_WATCH_WRITING) {
        fail(lib, HR_ERR_INCOMPLETE, "%s is being written; waiting until it is complete",
             lib->path);
        return HR_NOT_READY;
    }
    if (ev == HR_WATCH_QUIET && !lib->retry)
        return HR_UNCHANGED;
    lib->retry = 0;
    /* An event that left the same build in place (a touch of attributes, say) is no change. */
    hr_file_sig now = hr_os_stat(lib->path);
    if (lib->handle && hr_os_same_file(&now, &lib->loaded_sig))
        return HR_UNCHANGED;
    return load(lib);
}

hr_status hr_reload(hr_lib *lib)
{
    assert(lib);
    if (!lib->have_dir)
        return HR_LOAD_FAILED;
    return load(lib);
}

void hr_unload(hr_lib *lib)
{
    assert(lib);
    set_slots(lib, NULL);
    close_loaded(lib);
    lib->loaded_sig = (hr_file_sig){ 0 };
}

int hr_is_loaded(const hr_lib *lib)
{
    return lib && lib->handle != NULL;
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
        return fail(lib, HR_ERR_NOT_LOADED, "cannot call '%s': %s is not loaded", name,
                    lib->path);
    void *fn = hr_sym(lib, name);
    if (!fn)
        return fail(lib, HR_ERR_SYMBOL, "cannot call '%s': %s does not export it", name,
                    lib->path);
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
