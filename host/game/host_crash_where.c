/* host_crash_where.c - where a crash or hang happened, in words a user can act on: the game's
 * function, line and offset ("game_update game.c:68 in game.so+0x14e0"), or, when the fault
 * happened in another library (libc's abort, a bad free, kernelbase), the game's call into it
 * with that library named after it ("... (inside libc.so.6)").
 *
 * The portable part: which address to name. Naming one is the platform's
 * (host_crash_where_posix.c: dladdr and addr2line; host_crash_where_win32.c: the module and
 * its exports). Runs after the guard jumped back out of the game, never inside a signal or
 * exception handler. Owns nothing.
 */
#include "host_guard.h"
#include "host_guard_internal.h"

#include <stdio.h>
#include <string.h>

void host_crash_where(char *out, size_t size, const char *copy_dir, const char *game_file)
{
    void *pc = host_guard_fault_pc();
    void *const *frames;
    int n = host_guard_in_game_code(pc) ? 0 : host_guard_fault_frames(&frames);
    for (int i = 0; i < n; i++) {
        if (!host_guard_in_game_code(frames[i]))
            continue;
        char inner[300], module[256];
        unsigned stale = host_guard_fault_stale_build();
        /* A return address points after the call: one byte back is the call's line. */
        host_crash_describe_pc((char *)frames[i] - 1, copy_dir, game_file, out, size);
        if (stale)
            snprintf(inner, sizeof inner, " (calling %p: code of load %u, unloaded)", pc, stale);
        else if (host_crash_module_name(pc, module, sizeof module))
            snprintf(inner, sizeof inner, " (inside %s)", module);
        else
            snprintf(inner, sizeof inner, " (calling %p, where there is no code)", pc);
        strncat(out, inner, size - strlen(out) - 1);
        return;
    }
    host_crash_describe_pc(pc, copy_dir, game_file, out, size);
}
