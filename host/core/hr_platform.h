/* hr_platform.h - the seam between the portable core (hr.c) and the operating system.
 *
 * Everything hr.c needs from the OS goes through the functions below; each group lives in its
 * own file, picked by the Makefile (Linux: hr_os_posix.c, hr_dl_posix.c, hr_image_elf.c,
 * hr_watch_inotify.c, hr_watch_poll.c). A port to macOS or Windows adds files behind these
 * declarations (hr_dl_win32.c, hr_image_pe.c, ...) and changes nothing in hr.c.
 * Internal: not part of the public API.
 */
#ifndef HR_PLATFORM_H
#define HR_PLATFORM_H

#include "hr.h"

#include <stddef.h>
#include <stdint.h>

/* --- files and time (hr_os_*.c) ---------------------------------------------------------- */

typedef enum hr_file_kind {
    HR_FILE_MISSING = 0,
    HR_FILE_REGULAR,
    HR_FILE_DIRECTORY,
    HR_FILE_PIPE,   /* a named pipe (FIFO): opening it to read waits for a writer */
    HR_FILE_DEVICE, /* a character or block device */
    HR_FILE_OTHER   /* a socket, or anything else that is no file */
} hr_file_kind;

/* Identity of one version of a file. Two builds differ in at least one field even within the
 * same second or when the build restores an older mtime (ctime and inode still move). */
typedef struct hr_file_sig {
    hr_file_kind kind; /* what is at the path */
    uint64_t dev, ino; /* which file */
    uint64_t size;     /* bytes */
    int64_t mtime_ns;  /* content change time, nanoseconds */
    int64_t ctime_ns;  /* inode change time, nanoseconds: cannot be set back by tools */
} hr_file_sig;

uint64_t hr_os_now_ns(void);
void hr_os_sleep_ms(int ms);
/* The identity of what is at path (links followed), without opening it. */
hr_file_sig hr_os_stat(const char *path);
int hr_os_same_file(const hr_file_sig *a, const hr_file_sig *b);
/* 1 if the regular files a and b hold the same bytes, else 0 (also when either cannot be read).
 * Reads until the first difference; never blocks on a path that is not a regular file. */
int hr_os_same_content(const char *a, const char *b);

/* Makes a fresh private directory (owner-only) under parent (NULL = the first candidate of
 * hr_desc.temp_dir's default chain where one can be made) and removes leftovers of killed
 * processes beside it. 0 on success. */
int hr_os_make_private_dir(const char *parent, char *out, size_t out_size, char *why,
                           size_t why_size);
/* Removes the files hr made inside dir, then dir itself. */
void hr_os_remove_private_dir(const char *dir);

/* Copies src to the new file dst (created exclusively, never through a symlink).
 * *sig receives the source identity seen while copying. Never blocks on a source that is not a
 * regular file (a named pipe, a device), and copies nothing of one larger than
 * HR_MAX_LIBRARY_BYTES. Returns HR_ERR_NONE, HR_ERR_MISSING, HR_ERR_NOT_FILE,
 * HR_ERR_NOT_LIBRARY (too large), HR_ERR_INCOMPLETE (the source changed or shrank while being
 * copied) or HR_ERR_TEMP; on any failure dst does not exist. */
hr_error hr_os_copy(const char *src, const char *dst, hr_file_sig *sig, char *why, size_t why_size);
void hr_os_remove(const char *path);

/* A copy made off the caller's thread: a big build takes hundreds of milliseconds to copy,
 * which must not land inside one frame. */
typedef struct hr_copy hr_copy;

/* Starts copying src to the new file dst, as hr_os_copy() would, in a thread of its own. What
 * can be told at once is told here, with hr_os_copy()'s codes and why, *job left NULL: a source
 * that is missing, no regular file or too large, a dst that cannot be created. Else returns
 * HR_ERR_NONE with *job the copy under way: follow it with hr_os_copy_poll() until it is over,
 * or end it with hr_os_copy_cancel(). Opens the files on the caller's thread and never blocks
 * on a source that is not a regular file. A platform where a thread cannot do the job may copy
 * everything here and report it over at the first poll (Windows: see hr_os_win32.c). */
hr_error hr_os_copy_start(const char *src, const char *dst, hr_copy **job, char *why,
                          size_t why_size);
/* 1 while the copy runs. 0 once it is over: then *err, *sig and why are what hr_os_copy()
 * would have given (dst exists only on HR_ERR_NONE) and the job is freed. Never blocks. */
int hr_os_copy_poll(hr_copy *job, hr_error *err, hr_file_sig *sig, char *why, size_t why_size);
/* Stops a copy under way (waiting for the slice of a few milliseconds it is writing), removes
 * dst and frees the job. Accepts NULL. */
void hr_os_copy_cancel(hr_copy *job);

/* --- dynamic loader (hr_dl_*.c) ----------------------------------------------------------- */

/* Opens with every symbol bound now and kept local. NULL on failure with the loader's text. */
void *hr_dl_open(const char *path, char *why, size_t why_size);
void *hr_dl_sym(void *handle, const char *name);
void hr_dl_close(void *handle);
/* 1 if the file at path is still mapped into the process after its last close. */
int hr_dl_is_still_loaded(const char *path);
/* Why a closed library can stay mapped, for the warning text. */
const char *hr_dl_unload_hint(void);
/* The executable address ranges of the library loaded from path; returns how many (<= max). */
int hr_dl_code_ranges(void *handle, const char *path, hr_range *out, int max);
/* How many objects (libraries, the program) the loader holds now, in load order. */
size_t hr_dl_object_count(void);
/* Keeps every object loaded after the first `count` (hr_dl_object_count before an open) in
 * the process for good, except the library at path itself: the libraries a build brought in
 * stay loaded after it is closed, with their state (fonts, caches, an init flag). */
void hr_dl_pin_since(size_t count, const char *path);

/* --- child processes (hr_proc_*.c) -------------------------------------------------------- */

typedef struct hr_proc {
    long pid;       /* 0 when no process runs; POSIX: HR_PROC_RUNNING while one does */
    int out_fd;     /* read end of the child's stdout+stderr, non-blocking */
    void *starting; /* POSIX: the helper thread that starts and reaps it (hr_proc_posix.c) */
} hr_proc;

/* hr_proc.pid while a helper thread runs the child (POSIX): "running" to the core, never a
 * real process id (only the helper signals or waits for the child). */
#define HR_PROC_RUNNING 0x7fffffffL

/* Starts argv[0] (a path) with argv; 0 on success, else -1 with why. The start may finish
 * off the caller's thread: a child that could not be started then ends with code 127. */
int hr_proc_start(const char *const *argv, hr_proc *p, char *why, size_t why_size);
/* 1 while it runs; 0 once it ended, with *code = exit status, or -(signal number). */
int hr_proc_poll(hr_proc *p, int *code);
/* Appends what the child printed so far to buf (always NUL-terminated). */
void hr_proc_read(hr_proc *p, char *buf, size_t size);
/* The CPU time the running child has used so far, in ms (user and system; 0 before it started),
 * or -1 when the platform cannot tell. */
long hr_proc_cpu_ms(const hr_proc *p);
/* What hr_proc_start_with changes from hr_proc_start's defaults (all zero: the same start). */
typedef struct hr_proc_opts {
    const char *cwd;   /* the child's working directory; NULL: the caller's */
    char *const *envp; /* the child's whole environment; NULL: the caller's */
    int own_group;     /* 1: a process group (POSIX) or job (Windows) of its own, which
                          hr_proc_end ends whole: a build's make and every compiler it runs */
    int stdin_null;    /* 1: stdin reads the null device */
} hr_proc_opts;

/* hr_proc_start with opts (NULL: none): the host's build runs through it. */
int hr_proc_start_with(const char *const *argv, const hr_proc_opts *opts, hr_proc *p, char *why,
                       size_t why_size);
/* Kills the child if it still runs (its whole group or job, with own_group), reaps it, closes
 * the pipe. */
void hr_proc_end(hr_proc *p);
/* "SIGSEGV (Segmentation fault)" for a signal number. */
void hr_proc_signal_text(int sig, char *buf, size_t size);

/* --- executable image check (hr_image_*.c) ------------------------------------------------ */

/* Structural check of a library file before the loader sees it: format, class, machine and
 * type, and that every header and loadable segment lies inside the file. Reads the headers
 * only, and never blocks on a path that is not a regular file. Returns HR_ERR_NONE,
 * HR_ERR_INCOMPLETE (empty or cut short: wait for the writer), HR_ERR_NOT_LIBRARY (never
 * loadable here), HR_ERR_MISSING, HR_ERR_NOT_FILE or HR_ERR_TEMP (cannot be read), with a
 * one-line reason in why. */
hr_error hr_image_check(const char *path, char *why, size_t why_size);

/* --- change watchers (hr_watch_*.c) ------------------------------------------------------- */

typedef enum hr_watch_event {
    HR_WATCH_QUIET = 0, /* nothing happened to the file */
    HR_WATCH_CHANGED,   /* a new version is in place (renamed in, closed after writing,
                           created or deleted) */
    HR_WATCH_WRITING,   /* the file is being written or has not settled: wait */
    HR_WATCH_LOST,      /* the watch died (directory removed or moved) or no longer follows
                           the path's links: open a new one */
} hr_watch_event;

typedef struct hr_watch hr_watch;
struct hr_watch {
    hr_watch_event (*poll)(hr_watch *w); /* one cheap non-blocking look */
    void (*close)(hr_watch *w);          /* frees the watcher */
};

/* The OS's own change notification, one per platform: inotify (hr_watch_inotify.c),
 * ReadDirectoryChangesW (hr_watch_win32.c). A path that is a symbolic link is followed, and a
 * change of the file it leads to is seen (inotify). NULL when it cannot watch: use polling.
 * why then says what failed (a system limit, say), or is "" when only the directory does not
 * exist yet (the normal state of a clean tree: a first build makes it). */
hr_watch *hr_watch_native_open(const char *path, char *why, size_t why_size);
hr_watch *hr_watch_poll_open(const char *path);

#endif /* HR_PLATFORM_H */
