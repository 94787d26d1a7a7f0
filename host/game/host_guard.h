/* host_guard.h - the crash guard: every signal and exception handler of the process
 * (host_guard_posix.c, host_guard_win32.c), and where the last crash happened
 * (host_crash_where_posix.c, host_crash_where_win32.c).
 */
#ifndef HOST_GUARD_H
#define HOST_GUARD_H

#include "hr.h"

#include <signal.h>
#include <stddef.h>

/* ---- host_guard_posix.c, host_guard_win32.c: the crash guard ---- */

/* host_guard_call's answer when the watchdog interrupted a call that ran too long. */
#define HOST_GUARD_HANG 1000
/* Asks the thread in a guarded game call to jump out of it if it is running game code
 * (POSIX: a signal to it, whose handler looks at the PC; Windows: the thread is suspended
 * and its context looked at). Called on the watchdog thread, again and again until the
 * call ends or the grace runs out. */
void host_guard_interrupt(void);

/* Installs the crash handlers (on an alternate stack), the watchdog's handler and the
 * SIGINT/SIGTERM quit handler. Returns 0, or -1 with errno set. */
int host_guard_install(void);
/* Puts back the handlers that were there before, frees this thread's alternate stack. */
void host_guard_uninstall(void);
/* Gives the calling thread its own alternate signal stack and reads its stack bounds (which
 * tell a stack overflow; host_guard_install does both for the main thread); call on every
 * other thread that calls game code. 0 or -1. */
int host_guard_thread_init(void);
void host_guard_thread_end(void);

/* Publishes the game library's code ranges: the watchdog jumps out of a hung call only when
 * it stopped inside them. Call after every load (count 0 while nothing is loaded). */
void host_guard_set_code(const hr_range *ranges, int count);

/* 1 once SIGINT or SIGTERM arrived. */
int host_guard_quit_requested(void);
/* 1 once after each SIGUSR1 (a screenshot of the next frame, play goes on). */
int host_guard_screenshot_requested(void);

/* Runs fn(arg) with the crash guard armed on this thread. Returns 0, the signal number that
 * stopped it, or HOST_GUARD_HANG (fn did not finish). Not reentrant. */
int host_guard_call(void (*fn)(void *arg), void *arg);

/* The fault address and the instruction of the last call stopped on this thread. The address
 * is only meaningful when host_guard_fault_has_address() is 1: a fault the kernel raised at an
 * address, not a signal sent by a process (abort, raise, kill). */
void *host_guard_fault_address(void);
int host_guard_fault_has_address(void);
/* 1 if the last crash on this thread was a stack overflow: a SIGSEGV in or just below the
 * thread's stack, or by its stack pointer. */
int host_guard_fault_is_stack_overflow(void);
void *host_guard_fault_pc(void);
/* The return addresses on the stack at the last crash (none for a hang), innermost first. */
int host_guard_fault_frames(void *const **frames);
/* 1 if pc lies in the game library's code (see host_guard_set_code). */
int host_guard_in_game_code(const void *pc);

/* Exit code of a host ended by code of an unloaded build called from outside any game call. */
#define HOST_EXIT_STALE_CODE 4
/* Remembers the code ranges of a build that was just unloaded (version: its load number) and
 * keeps their addresses reserved with no access, so that a stale callback or function pointer
 * into it always faults and is recognised (up to 32 ranges; the oldest is let go). */
void host_guard_add_gone(const hr_range *ranges, int count, unsigned version);
/* Lets every reserved range go (at exit). */
void host_guard_release_gone(void);
/* Called inside the signal handler when stale code ran outside a game call, right before the
 * process ends: async-signal-safe work only (no stdio, no malloc). Writes the event fields it
 * adds ("state-saved=FILE") into fields and returns 1, or returns 0 (nothing to add). */
typedef int (*host_guard_stale_fn)(char *fields, size_t size);
/* game_name: the library the user built ("game.so"), for the crash line; hook may be NULL. */
void host_guard_on_stale(const char *game_name, host_guard_stale_fn hook);
/* The load number of the unloaded build the last crash on this thread was in (its code ran,
 * or its memory was read), or 0. */
unsigned host_guard_fault_stale_build(void);

/* "SIGSEGV", "hang" and friends. */
const char *host_guard_signal_name(int sig);

/* ---- host_crash_where.c: where the last crash on this thread happened ---- */

/* Writes "FUNCTION FILE:LINE in LIBRARY+0xOFFSET" for the last call the guard stopped (the
 * game's own frame when libc faulted for it). A library inside copy_dir (the core's private
 * directory, hr_temp_dir) is a copy of the game and is named game_file, the file the user built
 * ("game.so"). Call right after host_guard_call returned non-zero. */
void host_crash_where(char *out, size_t size, const char *copy_dir, const char *game_file);

#endif /* HOST_GUARD_H */
