/* host_guard_code.c - the crash guard's portable part: the game library's code ranges (where a
 * hang may be jumped out of), the names of the signals it reports, and the line of a host that
 * ran code of an unloaded build outside a game call. Both platform files use it
 * (host_guard_posix.c, host_guard_win32.c); everything here may run in a fault handler.
 */
#include "host_guard.h"
#include "host_guard_internal.h"

#include <signal.h>
#include <string.h>

#ifndef SIGTRAP
#define SIGTRAP 5 /* Windows has none: a breakpoint is reported under the POSIX number */
#endif
#ifndef SIGBUS
#define SIGBUS 7 /* ... and an in-page error or misaligned access under this one */
#endif

/* The game library's machine code, published by host_game.c after each load. */
static volatile uintptr_t code_start[HR_MAX_CODE_RANGES], code_end[HR_MAX_CODE_RANGES];
static volatile sig_atomic_t code_count;

/* What the handler says about stale code outside a game call (host_guard_on_stale). */
static char stale_game_name[256];
static host_guard_stale_fn stale_hook;

void host_guard_set_code(const hr_range *ranges, int count)
{
    code_count = 0; /* no jump out while the table changes */
    for (int i = 0; i < count && i < HR_MAX_CODE_RANGES; i++) {
        code_start[i] = ranges[i].start;
        code_end[i] = ranges[i].end;
    }
    code_count = count < HR_MAX_CODE_RANGES ? count : HR_MAX_CODE_RANGES;
}

int host_guard_in_game_code(const void *pc)
{
    const uintptr_t at = (uintptr_t)pc;
    for (int i = 0; i < code_count; i++)
        if (at >= code_start[i] && at < code_end[i])
            return 1;
    return 0;
}

void host_guard_on_stale(const char *game_name, host_guard_stale_fn hook)
{
    size_t n = strlen(game_name);
    if (n >= sizeof stale_game_name)
        n = sizeof stale_game_name - 1;
    memcpy(stale_game_name, game_name, n);
    stale_game_name[n] = 0;
    stale_hook = hook;
}

/* Appends text to out (size bytes, always NUL-terminated) at *len. */
static void put(char *out, size_t size, size_t *len, const char *text)
{
    while (*text && *len + 1 < size)
        out[(*len)++] = *text++;
    out[*len] = 0;
}

/* Appends v in decimal or as 0x-prefixed hex, without printf. */
static void put_number(char *out, size_t size, size_t *len, uintptr_t v, int hex)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % (hex ? 16 : 10)];
        v /= hex ? 16 : 10;
    } while (v);
    char text[28];
    int o = 0;
    if (hex) {
        text[o++] = '0';
        text[o++] = 'x';
    }
    while (n)
        text[o++] = digits[--n];
    text[o] = 0;
    put(out, size, len, text);
}

size_t host_guard_stale_line(char *out, size_t size, int sig, uintptr_t where, unsigned version)
{
    char saved[700] = "";
    if (!stale_hook || !stale_hook(saved, sizeof saved))
        saved[0] = 0;
    size_t len = 0;
    out[0] = 0;
    put(out, size, &len, "livehost: crash signal=");
    put(out, size, &len, host_guard_signal_name(sig));
    put(out, size, &len, " kind=stale-code function=none addr=");
    put_number(out, size, &len, where, 1);
    put(out, size, &len, " build=");
    put_number(out, size, &len, version, 0);
    put(out, size, &len, " exit=");
    put_number(out, size, &len, HOST_EXIT_STALE_CODE, 0);
    if (saved[0]) {
        put(out, size, &len, " ");
        put(out, size, &len, saved);
    }
    put(out, size, &len, " reason=\"code of load ");
    put_number(out, size, &len, version, 0);
    put(out, size, &len, " of ");
    put(out, size, &len, stale_game_name);
    put(out, size, &len,
        ", unloaded by a reload, was called from outside the game: a callback kept across a "
        "reload (an SDL event watch, a timer, a log or hint callback); remove it in the game's "
        "unload hook and add it again in reload\"\n");
    return len;
}

const char *host_guard_signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGTRAP: return "SIGTRAP";
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case HOST_GUARD_HANG: return "hang";
    default: return "signal";
    }
}
