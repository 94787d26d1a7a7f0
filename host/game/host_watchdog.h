/* host_watchdog.h - the watchdog thread: hung game calls and a stalled host (host_watchdog.c).
 */
#ifndef HOST_WATCHDOG_H
#define HOST_WATCHDOG_H

#include <stddef.h>
#include <stdint.h>

/* Exit code of a host that ended itself because it was stuck beyond recovery. */
#define HOST_EXIT_STUCK 3

/* Starts the watchdog thread. budget_ms: a game call running longer is interrupted (0 turns
 * the watchdog off); grace_ms: how long it keeps trying before it ends the process; stall_ms:
 * a frame loop that does not advance for this long ends the process. 0 or -1. */
int host_watchdog_start(int budget_ms, int grace_ms, int stall_ms);
void host_watchdog_stop(void);
/* Marks the start and the end of a guarded game call on this thread (name: the hook). */
void host_watchdog_enter(const char *name);
void host_watchdog_leave(void);
/* How long the last call ran by the watchdog's count (from its first look at the call, up to
 * one period after the call began): the hang event's ms=. Reads the clock. */
uint64_t host_watchdog_call_ms(void);
/* The frame loop is alive (call once per frame). */
void host_watchdog_frame(void);
/* 1 while the watchdog is interrupting the current call (async-signal-safe). */
int host_watchdog_is_firing(void);
/* Called on the watchdog thread just before a stuck host exits, while the main thread is still
 * stuck: last_words may save what it can (with plain system calls only) and write fields for
 * the "stuck" event into fields (size bytes); it returns 1 if it wrote any. Set it before
 * host_watchdog_start. */
void host_watchdog_on_stuck(int (*last_words)(char *fields, size_t size));

#endif /* HOST_WATCHDOG_H */
