/* host_os.h - the seam between the host and the operating system.
 *
 * What the host needs from the OS beyond SDL and the core goes through these declarations; each
 * group lives in files of its own, POSIX and Win32 side by side, picked by the Makefile:
 *   directories watched for changes   host_dirwatch_inotify.c   host_dirwatch_win32.c
 *   the build's process               the core's hr_proc_posix.c / hr_proc_win32.c
 *                                     (hr_proc_start_with), host_os_posix.c / host_os_win32.c
 *   clocks                            host_clock.h (inline on POSIX) / host_os_win32.c
 *   signal masks, stderr, debugger    host_os_posix.c           host_os_win32.c
 *   crash guard, watchdog interrupt   host_guard_posix.c        host_guard_win32.c
 *   where a crash happened            host_crash_where_posix.c  host_crash_where_win32.c
 *   state block write tracking        host_dirty_posix.c        host_dirty_win32.c
 * A port to macOS adds files behind the same declarations and changes no caller.
 */
#ifndef HOST_OS_H
#define HOST_OS_H

#include "host_clock.h"

#include <stddef.h>
#include <stdint.h>

struct hr_proc;

/* ---- directories watched for changes (the host build's sources, the assets) ---- */

typedef enum host_change_kind {
    HOST_CHANGE_DONE = 1, /* a file was closed after writing, or renamed into place: complete */
    HOST_CHANGE_CREATED,  /* a file appeared; its DONE follows once it is written */
    HOST_CHANGE_GONE,     /* a file was deleted or renamed away */
    HOST_CHANGE_NEW_DIR,  /* a directory appeared (a tree watch watches it from now on) */
    HOST_CHANGE_LOST      /* changes were lost (the queue overflowed): assume anything changed */
} host_change_kind;

typedef struct host_change {
    host_change_kind kind;
    int watch;        /* what host_dirwatch_add returned for the directory (-1 with LOST) */
    const char *dir;  /* the directory the file is in, as added (or below it, for a tree) */
    const char *name; /* the file's name in dir ("" with LOST) */
} host_change;

typedef struct host_dirwatch host_dirwatch;

/* A watcher with nothing watched yet. NULL with why when the OS refuses one. */
host_dirwatch *host_dirwatch_open(char *why, size_t why_size);
/* Watches dir; tree 1: every subdirectory too, present and future. Returns the watch's id
 * (>= 0; adding a directory already watched returns its id), or -1 with why. */
int host_dirwatch_add(host_dirwatch *w, const char *dir, int tree, char *why, size_t why_size);
/* One non-blocking look: calls on_change for every change the OS reported since the last
 * look, in order. Returns how many; never blocks. */
int host_dirwatch_read(host_dirwatch *w, void (*on_change)(const host_change *c, void *ctx),
                       void *ctx);
/* Sleeps up to timeout_ms, waking early when w (may be NULL) has changes to read or proc (may
 * be NULL) has printed something or ended. 1 if woken early, 0 at the timeout. */
int host_dirwatch_wait(host_dirwatch *w, const struct hr_proc *proc, int timeout_ms);
void host_dirwatch_close(host_dirwatch *w);

/* ---- the build's process ---- */

/* argv for the system's shell running command: POSIX /bin/sh -c command, Windows cmd.exe /c
 * command. argv must hold 4 entries; it points into command (no copy). */
void host_os_shell_argv(const char *command, const char *argv[4]);

/* ---- threads and the process (host_os_posix.c / host_os_win32.c) ---- */

/* Keeps the host's asynchronous signals (Ctrl-C, a screenshot request, the watchdog's
 * interruption) off the calling thread: call first thing in a thread of the host's own that
 * must never run their handlers (the watchdog, the layout reader). Faults (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL) still reach it. Windows: nothing to do. */
void host_os_thread_block_signals(void);
/* 1 if stderr can take a line within timeout_ms without blocking: a paused terminal or a pipe
 * nobody reads cannot (the watchdog's last words must not hang the process they end). */
int host_os_stderr_can_write(int timeout_ms);
/* 1 while a debugger is attached to the process: a breakpoint stops every thread, and time
 * that passed in one is no hang. */
int host_os_is_debugger_attached(void);

/* ---- files and the process's own (host_os_posix.c / host_os_win32.c) ---- */

/* open(2) flags one side lacks. POSIX: close-on-exec (no build the host starts inherits a
 * descriptor) and non-blocking (a FIFO or a device never freezes a frame; the callers then
 * check for a regular file). Windows: not inherited, and binary (no CR-LF translation of a
 * save or a state file); it has no FIFO an open could block on. */
#ifdef _WIN32
#define HOST_O_PRIVATE (O_NOINHERIT | O_BINARY)
#define HOST_O_NONBLOCK 0
#else
#define HOST_O_PRIVATE O_CLOEXEC
#define HOST_O_NONBLOCK O_NONBLOCK
#endif

/* mkdir with the default permissions (POSIX 0777 less the umask). 0, or -1 with errno. */
int host_os_mkdir(const char *path);
/* Renames from to to, replacing a file at to in one step (Windows' rename() refuses an
 * existing target; MoveFileEx does it). 0, or -1 with errno. */
int host_os_rename(const char *from, const char *to);
/* The absolute path of the existing file or directory path, links resolved, into out;
 * Windows: with '/' separators ("C:/games/demo"). 0, or -1 with errno (ENOENT when missing,
 * ERANGE when out is too small). */
int host_os_realpath(const char *path, char *out, size_t size);
/* The running program's own file ("build/host", "C:/livehost/livehost.exe") into out; 0, or
 * -1 when the OS does not say. */
int host_os_exe_path(char *out, size_t size);
/* The file of the loaded library or program that holds addr (a symbol's address) into out;
 * 0, or -1 when no loaded file holds it. */
int host_os_library_path(const void *addr, char *out, size_t size);
/* size bytes (a multiple of align, a power of two) aligned to align; NULL when out of memory.
 * Free it with host_os_aligned_free only: Windows' _aligned_malloc block is no malloc block. */
void *host_os_aligned_alloc(size_t align, size_t size);
void host_os_aligned_free(void *block);
/* The size of a memory page: the unit the state block's write tracking protects. */
size_t host_os_page_size(void);
/* Started with stdin, stdout or stderr closed, the next file a POSIX process opens takes the
 * lowest free number, and would receive the event log: each closed one of 0-2 is opened on
 * the null device first. Windows: nothing to do (the C runtime's descriptors 0-2 are never
 * handed to a later file). */
void host_os_claim_std_descriptors(void);

#endif /* HOST_OS_H */
