/* host_guard_internal.h - what the crash guard's platform files (host_guard_posix.c,
 * host_guard_win32.c) share from host_guard_code.c: the game's code ranges and the line a host
 * ends with when code of an unloaded build ran outside a game call. Internal to the guard.
 */
#ifndef HOST_GUARD_INTERNAL_H
#define HOST_GUARD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Writes the whole "crash ... kind=stale-code" event line (newline included) into out: code of
 * unloaded build `version` ran at where, outside any game call, stopped by sig; the hook set by
 * host_guard_on_stale adds what it saved. Async-signal-safe (no printf, no malloc). Returns its
 * length. */
size_t host_guard_stale_line(char *out, size_t size, int sig, uintptr_t where, unsigned version);

#endif /* HOST_GUARD_INTERNAL_H */
