/* hr.h - the hot-reload core: load a shared library, resolve its symbols into slots the
 * caller keeps, notice when the file changes, reload it safely, unload it.
 *
 * Reusable on its own: no SDL, no game types, no global state. Each hr_lib owns one private
 * temp directory (mode 0700), the copies of the library inside it, the loader handle and the
 * change watcher. The file the compiler writes is never dlopen'ed: every load copies it first,
 * so a build can overwrite it at any time.
 *
 *     enum { SYM_ADD, SYM_COUNT };
 *     static const char *names[SYM_COUNT] = { "add" };
 *     void *slots[SYM_COUNT];
 *     hr_lib *lib = hr_open(&(hr_desc){ .path = "build/libadd.so",
 *                                       .symbols = names, .symbol_count = SYM_COUNT,
 *                                       .slots = slots });
 *     if (!hr_is_loaded(lib)) fprintf(stderr, "%s\n", hr_error_text(lib));
 *     for (;;) {
 *         if (hr_check(lib) == HR_RELOADED) puts("new code");
 *         if (hr_is_loaded(lib)) ((int (*)(int, int))slots[SYM_ADD])(1, 2);
 *     }
 *     hr_close(lib);
 */
#ifndef HR_H
#define HR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The largest library the core loads, in bytes (1 GiB; game libraries are a few MiB even
 * with debug information). A bigger file at the path is refused (HR_ERR_NOT_LIBRARY) without
 * being copied: every load copies the file first, into memory on a tmpfs. */
#define HR_MAX_LIBRARY_BYTES ((uint64_t)1 << 30)

/* The largest library copied inside the call that sees it (4 MiB: about a millisecond). A
 * bigger one (debug information makes a library hundreds of MiB) is copied by a thread while
 * hr_check() returns HR_NOT_READY with HR_ERR_CHECKING, and loaded by a later check. */
#define HR_MAX_SYNC_COPY_BYTES ((uint64_t)4 << 20)

/* What hr_check() saw. 0 is "nothing to do". */
typedef enum hr_status {
    HR_UNCHANGED = 0, /* no new build since the last check */
    HR_RELOADED,      /* a new build is loaded and every slot points into it */
    HR_NOT_READY,     /* a change was seen but the file is missing or still being written, or
                         the new build is being copied (over HR_MAX_SYNC_COPY_BYTES) or tried
                         in the pre-flight process (HR_ERR_CHECKING): the old code stays, a
                         later check loads it */
    HR_LOAD_FAILED,   /* the new build could not be loaded (see hr_error_text); old code stays */
    HR_REFUSED,       /* the validate hook refused the new build; old code stays */
} hr_status;

/* Why the last operation failed. Codes and names come from one list (HR_ERRORS, hr_names.c). */
typedef enum hr_error {
    HR_ERR_NONE = 0,     /* no error */
    HR_ERR_NOMEM,        /* out of memory */
    HR_ERR_MISSING,      /* the library file does not exist (yet) */
    HR_ERR_NOT_FILE,     /* the path is a directory or another non-regular file */
    HR_ERR_INCOMPLETE,   /* the file is empty, truncated or still being written */
    HR_ERR_NOT_LIBRARY,  /* not a shared library for this machine (wrong format, arch, type) */
    HR_ERR_TEMP,         /* the private temp directory or the copy could not be made */
    HR_ERR_DLOPEN,       /* the dynamic loader refused the copy (dlerror text follows) */
    HR_ERR_SYMBOL,       /* a requested symbol is missing from the library */
    HR_ERR_REFUSED,      /* the validate hook said no (its reason follows) */
    HR_ERR_STILL_LOADED, /* an old copy stayed mapped after dlclose (warning, not fatal) */
    HR_ERR_NOT_LOADED,   /* a call needs loaded code but nothing is loaded */
    HR_ERR_PREFLIGHT,    /* loading the build in a separate process crashed, failed or hung */
    HR_ERR_FORBIDDEN,    /* this exact content was marked bad with hr_forbid() */
    HR_ERR_NO_ROLLBACK,  /* hr_rollback() has no earlier good build to go back to */
    HR_ERR_CHECKING,     /* not a failure: the new build is being copied into the private
                            directory by a thread (a big one), or loaded in the pre-flight
                            process; the next checks load it or say why not */
    HR_ERR_NO_WATCH,     /* the OS's change notification is unavailable (a system limit, say):
                            changes are seen by polling (warning, not fatal) */
} hr_error;

/* How changes are noticed. */
typedef enum hr_watch_mode {
    HR_WATCH_DEFAULT = 0, /* the OS's notification on the library's directory (inotify,
                             ReadDirectoryChangesW), polling if unavailable (a warning says
                             why, HR_ERR_NO_WATCH) */
    HR_WATCH_POLL,        /* one stat() per check: nanosecond mtime + ctime, size and inode */
    HR_WATCH_NONE,        /* never reload by itself; hr_reload() still works */
} hr_watch_mode;

/* Called with every event line the core has to tell, never by a check that found nothing new:
 *   level 0, info: a build loaded (the file, hr_version(), how long), or a change is not ready
 *            (hr_check() returned HR_NOT_READY): told once per reason, not at every check,
 *            and not for a copy or pre-flight under way (HR_ERR_CHECKING), whose outcome is
 *            told;
 *   level 1, warning: something is off but nothing failed (HR_ERR_STILL_LOADED, and once
 *            HR_ERR_NO_WATCH: changes are seen by polling, and why);
 *   level 2, error: a load failed or was refused (HR_LOAD_FAILED, HR_REFUSED, also from
 *            hr_open() and hr_rollback()); the old code stays. The text is hr_error_text()'s.
 * The text has no trailing newline and is valid during the call only. */
typedef void (*hr_log_fn)(int level, const char *text, void *user);

/* Called after a new build is loaded and resolved, before it replaces the old one.
 * slots: the new build's resolved symbols, in desc.symbols order (not yet visible to the caller).
 * Return 0 to accept; anything else refuses the build: write a one-line reason into why. */
typedef int (*hr_validate_fn)(void *const *slots, void *user, char *why, size_t why_size);

/* Called once a new build's private copy is made and checked, before it is loaded (and before
 * its pre-flight starts, when there is one). copy: the file that will be loaded, valid until the
 * next check or hr_close(). The place to start reading the file elsewhere (its debug
 * information, in a thread), so that work runs beside the pre-flight instead of stalling the
 * frame that loads the build. */
typedef void (*hr_prepare_fn)(const char *copy, void *user);

/* Called right before the running build is closed, while its code can still run: once a new
 * build has passed every check (the validate hook included), and from hr_rollback(),
 * hr_unload() and hr_close(). slots: the outgoing build's symbols. The place to remove what
 * points into the library from outside it (callbacks handed to other libraries). */
typedef void (*hr_unload_fn)(void *const *slots, void *user);

/* Everything hr_open() needs. Zero means default for every field. */
typedef struct hr_desc {
    const char *path;           /* shared library to load; required */
    const char *const *symbols; /* names to resolve on every load; default none */
    int symbol_count;           /* entries in symbols; default 0 */
    void **slots;               /* caller's array of symbol_count pointers, rewritten on every
                                   load (NULL while nothing is loaded); default: internal,
                                   read with hr_slot() */
    const char *temp_dir;       /* parent of the private copy directory; default the first of
                                   $XDG_RUNTIME_DIR, $TMPDIR, /dev/shm, /tmp that can hold one
                                   (one that is unset, missing, a file or read-only is skipped) */
    hr_watch_mode watch;        /* default HR_WATCH_DEFAULT */
    hr_validate_fn validate;    /* default: accept every build that resolves */
    hr_unload_fn unload;        /* default: nothing runs before a build is closed */
    hr_prepare_fn prepare;      /* default: nothing runs when a build's copy is made */
    hr_log_fn log;              /* default: "hr: ..." lines on stderr */
    void *user;                 /* passed to validate, unload, prepare and log; default NULL */
    const char *preflight;      /* path of the hr-preflight program: every new build is first
                                   loaded there, in a separate process, so a constructor that
                                   crashes, exits or hangs never touches this one. While it
                                   runs hr_check() returns HR_NOT_READY (HR_ERR_CHECKING)
                                   without blocking.
                                   default NULL: load in this process directly */
    int preflight_timeout_ms;   /* a pre-flight that used this much CPU time (a constructor
                                   that loops), or waited 5 times as long (one that blocks),
                                   fails; a busy machine only makes it slower. Default 2000;
                                   wall time alone where the OS cannot tell CPU time */
} hr_desc;

/* An address range of loaded machine code, [start, end). A build has at most
 * HR_MAX_CODE_RANGES of them (one per executable segment: a library has one or two). */
#define HR_MAX_CODE_RANGES 8
typedef struct hr_range {
    uintptr_t start; /* first byte */
    uintptr_t end;   /* one past the last byte */
} hr_range;

/* Time spent in the phases of the last load attempt, in nanoseconds. */
typedef struct hr_timing {
    uint64_t copy_ns;      /* copying the library into the private directory (a big one: in a
                              thread, spread over several checks) */
    uint64_t check_ns;     /* structural checks of the file (before the copy) and the copy */
    uint64_t preflight_ns; /* the separate-process load, spread over several checks */
    uint64_t open_ns;      /* dlopen of the copy */
    uint64_t resolve_ns;   /* symbol lookups and the validate hook */
    uint64_t close_ns;     /* dlclose of the replaced copy and the unload check */
    uint64_t total_ns;     /* the whole hr_check/hr_reload call */
} hr_timing;

typedef struct hr_lib hr_lib;

/* Creates the private temp directory (cleaning leftovers of killed processes beside it),
 * starts watching desc->path and loads it once. That first load waits for its copy and its
 * pre-flight (until preflight_timeout_ms stops it, when a constructor never returns): only
 * hr_check() never blocks.
 * Returns a handle even when the first load fails: hr_is_loaded() says whether code runs,
 * hr_error_text() says why not, and a later hr_check() loads the first good build.
 * Returns NULL only when out of memory. Free with hr_close(). */
hr_lib *hr_open(const hr_desc *desc);

/* Unloads the library, removes its copies and the private directory, frees the handle; a copy
 * or pre-flight under way is stopped first. Every slot is set to NULL. Accepts NULL. */
void hr_close(hr_lib *lib);

/* Looks for a new build (one non-blocking read, or one stat() when polling) and loads it if
 * one is complete; a build over HR_MAX_SYNC_COPY_BYTES is copied by a thread, and a pre-flight
 * runs in a process of its own, so the load may take several checks (HR_NOT_READY,
 * HR_ERR_CHECKING, meanwhile). A newer build seen meanwhile replaces the one under way.
 * On anything but HR_RELOADED the previous code and slots stay valid.
 * A touch or chmod of the running build's file is no new build (HR_UNCHANGED), and neither is
 * a build that rewrites that file in place with the very same bytes (a relink that changed
 * nothing); a build renamed into place loads, whatever its bytes. */
hr_status hr_check(hr_lib *lib);

/* Loads the file now, changed or not (a "force reload"), dropping a build under way. Same
 * results as hr_check(). */
hr_status hr_reload(hr_lib *lib);

/* Unloads the code (slots become NULL) but keeps watching: the next change loads again. */
void hr_unload(hr_lib *lib);

/* 1 while code is loaded and the slots are valid, else 0. */
int hr_is_loaded(const hr_lib *lib);

/* 1 while a new build is being copied by a thread or tried in the pre-flight process: the next
 * hr_check() may load it (a caller can look again sooner than usual), else 0. */
int hr_is_checking(const hr_lib *lib);

/* The resolved symbol at index i of desc.symbols, or NULL while nothing is loaded. */
void *hr_slot(const hr_lib *lib, int i);

/* Looks a symbol up by name in the loaded code: the declared names first, then the loader.
 * Convenient, but slower than a slot. NULL if not loaded or not found. */
void *hr_sym(hr_lib *lib, const char *name);

/* Calls `void name(void *arg)` by name. Returns HR_ERR_NONE, HR_ERR_NOT_LOADED or
 * HR_ERR_SYMBOL (with hr_error_text() naming the symbol). */
hr_error hr_call(hr_lib *lib, const char *name, void *arg);

/* Marks the running build as bad: its exact content (hashed) is refused from now on
 * (HR_REFUSED, HR_ERR_FORBIDDEN), whatever the file is called, until hr_close(). It stays
 * loaded: use it when the code crashed or hung, before hr_rollback() (which makes the build
 * before it the running one):
 *     hr_forbid(lib);                                  // never load this content again
 *     if (hr_rollback(lib) != HR_RELOADED) stop_calling_plugin();  // nothing to go back to
 */
void hr_forbid(hr_lib *lib);

/* Goes back to the build that ran before the current one (kept as a private copy), e.g. after
 * the current one crashed. Returns HR_RELOADED (hr_version() counts it as a new load), or
 * HR_LOAD_FAILED with HR_ERR_NO_ROLLBACK when there is no earlier build (nothing changes then).
 * Goes back one build only. Later changes of the file load as usual. */
hr_status hr_rollback(hr_lib *lib);

/* Fills out (room for max ranges; HR_MAX_CODE_RANGES is always enough) with the executable
 * address ranges of the loaded code, returns how many there are (0 if nothing is loaded). A
 * signal handler or watchdog can test an instruction pointer against them without calling into
 * the loader. */
int hr_code_ranges(const hr_lib *lib, hr_range *out, int max);

/* Number of successful loads so far (1 after the first load, 2 after the first reload...). */
unsigned hr_version(const hr_lib *lib);

/* Code and text of the last failure or warning, or of why a check was not ready; text is ""
 * when there was none. The text starts with the code's name (hr_error_name, "symbol missing:
 * ...") and names the file, the symbol and the loader's or OS's reason: print it as it is.
 * Valid until the next call on lib. */
hr_error hr_error_code(const hr_lib *lib);
const char *hr_error_text(const hr_lib *lib);

/* Short fixed name of a status or error code, e.g. "reloaded", "symbol missing". */
const char *hr_status_name(hr_status status);
const char *hr_error_name(hr_error error);

/* Path of the copy currently loaded (inside the private directory), or NULL. */
const char *hr_loaded_path(const hr_lib *lib);

/* The private directory holding the copies. */
const char *hr_temp_dir(const hr_lib *lib);

/* Phase timings of the last load attempt. */
hr_timing hr_last_timing(const hr_lib *lib);

/* A program can link its library in instead of loading it (a shipped build): built with
 * hr_static.c in place of the loading core, hr_open() resolves desc.symbols in this table,
 * which the program defines, ending with a { NULL, NULL } entry. Nothing is copied, watched or
 * reloaded then: hr_check() says HR_UNCHANGED, hr_rollback() has nothing to go back to, and
 * hr_code_ranges() gives the program's own code. */
typedef struct hr_static_symbol {
    const char *name; /* as in hr_desc.symbols */
    void *address;    /* its definition, linked into the program */
} hr_static_symbol;
extern const hr_static_symbol hr_static_symbols[];

#ifdef __cplusplus
}
#endif
#endif /* HR_H */
