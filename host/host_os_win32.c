/* host_os_win32.c - the small Windows answers behind host_os.h and host_clock.h: the build's
 * shell, the clocks, a thread's signals, whether stderr can take a line, whether a debugger is
 * attached.
 *
 * Owns nothing. The directory watcher has a file of its own (host_dirwatch_win32.c), the build's
 * process is the core's (hr_proc_win32.c).
 */
#include "host_os.h"

#include "core/hr_platform.h"

#include <stdlib.h>
#include <windows.h>

/* cmd.exe by its full path: CreateProcessW is given the program's path and searches no PATH.
 * %ComSpec% names it on every Windows; the default stands in for an environment without it.
 * hr_proc_start_with hands the command to cmd.exe verbatim (cmd.exe splits its line its own
 * way, not the C runtime's). */
void host_os_shell_argv(const char *command, const char *argv[4])
{
    const char *comspec = getenv("ComSpec");
    argv[0] = comspec && comspec[0] ? comspec : "C:\\Windows\\System32\\cmd.exe";
    argv[1] = "/c";
    argv[2] = command;
    argv[3] = NULL;
}

/* The core's clock: QueryPerformanceCounter. */
uint64_t host_now_ns(void)
{
    return hr_os_now_ns();
}

/* GetTickCount64 reads a counter the kernel keeps in memory shared with every process: no
 * system call. It moves by the system's clock tick (10-16 ms), coarser than Linux's 1-4 ms:
 * "at most once per tick" (host_look.c) is then at most once per 16 ms or so. */
uint64_t host_now_coarse_ns(void)
{
    return GetTickCount64() * 1000000u;
}

/* Windows sends no asynchronous signals to a thread: Ctrl-C runs its handler on a thread of its
 * own, and the watchdog interrupts a thread by suspending it. Nothing to block. */
void host_os_thread_block_signals(void)
{
}

/* Windows cannot tell whether a write would block without making it. A console and a file take
 * a line at once. A pipe's free room (NtQueryInformationFile's WriteQuotaAvailable) is no
 * answer: it shrinks by the size of every read its reader has pending, so an empty pipe read by
 * a parent blocked in ReadFile looks full, and wine does not fill it in at all. So stderr is
 * taken as able to take a line whenever there is one; a write that must never hang the process
 * is made bounded by its caller (on a thread of its own, the process ended after the timeout).
 * timeout_ms is not needed. */
int host_os_stderr_can_write(int timeout_ms)
{
    (void)timeout_ms;
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    return h && h != INVALID_HANDLE_VALUE; /* none: a windowed program started without one */
}

int host_os_is_debugger_attached(void)
{
    return IsDebuggerPresent() != 0;
}
