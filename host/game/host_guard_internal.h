/* host_guard_internal.h - what the crash guard's platform files (host_guard_posix.c,
 * host_guard_win32.c) share from host_guard_code.c: the line a host ends with when code of an
 * unloaded build ran outside a game call; and what host_crash_where.c asks of its platform's
 * file (host_crash_where_posix.c, host_crash_where_win32.c). Internal to the guard.
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

/* Names pc as "FUNCTION FILE:LINE in LIBRARY+0xOFFSET" (what the platform knows of it), or says
 * it lies outside any library. A library inside copy_dir is a private copy of the game and is
 * named game_file; the offset is the same in both, the copy being the same bytes. */
void host_crash_describe_pc(void *pc, const char *copy_dir, const char *game_file, char *out,
                            size_t size);
/* 1 and the file name (no directory) of the library holding pc, or 0 when no library holds it. */
int host_crash_module_name(const void *pc, char *out, size_t size);

#endif /* HOST_GUARD_INTERNAL_H */
