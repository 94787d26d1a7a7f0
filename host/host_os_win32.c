/* host_os_win32.c - the host's OS seam on Windows (host_os.h, host_clock.h) beside the directory
 * watcher: the build's shell and the clocks. Owns nothing.
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
 * system call; it moves by the timer tick (~16 ms unless someone asked for a finer one). */
uint64_t host_now_coarse_ns(void)
{
    return GetTickCount64() * 1000000u;
}
