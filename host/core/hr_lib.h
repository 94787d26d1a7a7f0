/* hr_lib.h - the inside of an hr_lib, shared by hr.c (the handle, checks and getters) and
 * hr_load.c (the load pipeline). Internal: not part of the public API. */
#ifndef HR_LIB_H
#define HR_LIB_H

#include "hr.h"
#include "hr_platform.h"

#include <limits.h>

/* A pre-flight that has not used preflight_timeout_ms of CPU time still fails after this many
 * times that of waiting: a constructor that blocks rather than loops. */
#define HR_PREFLIGHT_WAIT_FACTOR 5

struct hr_lib {
    /* What the caller asked for. */
    char *path;        /* the file the build writes */
    const char *base;  /* its file name, inside path */
    char **names;      /* symbol names, copied from the desc */
    int count;         /* number of names */
    void **slots;      /* caller's or own array of count pointers */
    void **own_slots;  /* set when slots is ours to free */
    void **next_slots; /* scratch: the candidate build's symbols */
    hr_validate_fn validate;
    hr_unload_fn unload;
    hr_prepare_fn prepare;
    hr_log_fn log;
    void *user;
    char *preflight; /* hr-preflight program, or NULL */
    int preflight_timeout_ms;

    /* Resources. */
    char dir[PATH_MAX]; /* private directory for copies */
    int have_dir;
    hr_watch_mode watch_mode; /* resolved: never HR_WATCH_DEFAULT once inotify failed */
    int watch_fallback;       /* polling only because the native watch failed at open */
    int told_polling;         /* the warning that the native watch is unavailable was given */
    hr_watch *watch;
    hr_copy *copy; /* the candidate's copy under way in a thread (a big build), or NULL */
    uint64_t copy_started_ns;
    hr_proc proc; /* the running pre-flight, pid 0 if none */
    uint64_t proc_started_ns;

    /* The running build. */
    void *handle;           /* loader handle, NULL if none */
    char loaded[PATH_MAX];  /* path of its copy */
    hr_file_sig loaded_sig; /* the source file it came from */
    hr_range ranges[HR_MAX_CODE_RANGES];
    int range_count;
    unsigned version; /* successful loads */

    /* The build that ran before it, kept as a file for hr_rollback(). */
    char prev[PATH_MAX];
    hr_file_sig prev_sig;

    /* The candidate being checked. */
    char pending[PATH_MAX]; /* its copy, "" if none */
    hr_file_sig pending_sig;
    unsigned attempts; /* copies made, for unique copy names */
    int retry;         /* look again at the next check even without an event */

    uint64_t *forbidden; /* content hashes refused by hr_forbid() */
    int forbidden_count;

    hr_error error;
    char error_text[1024];
    char told_wait[1024]; /* the not-ready reason last given to the log hook, "" if none */
    hr_timing timing;
};

/* hr.c */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
hr_error
hr__fail(hr_lib *lib, hr_error code, const char *fmt, ...);
void hr__clear_error(hr_lib *lib);
hr_status hr__tell(hr_lib *lib, hr_status st, const char *how); /* log what an attempt ended in */

/* hr_load.c */
hr_status hr__load(hr_lib *lib); /* start loading the file as it is now */
/* 1 while a candidate is in flight: its copy is being made in a thread, or its pre-flight runs.
 * Every step that waits on something outside the caller's thread counts here, and only here. */
int hr__is_busy(const hr_lib *lib);
/* Follows the candidate in flight one step, without blocking: HR_NOT_READY (HR_ERR_CHECKING)
 * while it is, what its load ended in once it is over; HR_UNCHANGED when nothing is in flight. */
hr_status hr__poll_busy(hr_lib *lib);
void hr__cancel_pending(hr_lib *lib); /* drop the candidate (its copy under way, its pre-flight) */
void hr__close_loaded(hr_lib *lib, int keep_as_prev);

#endif /* HR_LIB_H */
