/* host_os_win32.c - the small Windows answers behind host_os.h and host_clock.h: the build's
 * shell, the clocks, a thread's signals, whether stderr can take a line, whether a debugger is
 * attached; files (mkdir, rename over a file, realpath), the program's and a library's own file,
 * aligned blocks.
 *
 * Owns nothing. The directory watcher has a file of its own (host_dirwatch_win32.c), the build's
 * process is the core's (hr_proc_win32.c). Paths are the C runtime's (the ANSI code page), as the
 * host's fopen() and open() take them; '/' and '\' both separate, and the paths returned here
 * use '/'.
 */
#include "host_os.h"

#include "core/hr_platform.h"

#include <direct.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
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

/* '\' -> '/': the host joins and splits paths at '/', which every Windows call accepts. */
static void forward_slashes(char *path)
{
    for (char *p = path; *p; p++)
        if (*p == '\\')
            *p = '/';
}

int host_os_mkdir(const char *path)
{
    return _mkdir(path);
}

/* rename() of the C runtime fails when to exists; MoveFileEx replaces it in one step (on the
 * same volume: a rename in the file system, as POSIX's). */
int host_os_rename(const char *from, const char *to)
{
    if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING))
        return 0;
    DWORD err = GetLastError();
    errno = err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND     ? ENOENT
            : err == ERROR_ACCESS_DENIED || err == ERROR_SHARING_VIOLATION ? EACCES
                                                                           : EIO;
    return -1;
}

/* _fullpath makes the path absolute without asking whether it exists; realpath's answer for a
 * missing one is ENOENT. (No links to resolve that the host relies on.) */
int host_os_realpath(const char *path, char *out, size_t size)
{
    char full[4096];
    if (!_fullpath(full, path, sizeof full)) {
        errno = ERANGE;
        return -1;
    }
    if (GetFileAttributesA(full) == INVALID_FILE_ATTRIBUTES) {
        errno = ENOENT;
        return -1;
    }
    int n = snprintf(out, size, "%s", full);
    if (n < 0 || (size_t)n >= size) {
        errno = ERANGE;
        return -1;
    }
    forward_slashes(out);
    return 0;
}

int host_os_exe_path(char *out, size_t size)
{
    DWORD n = GetModuleFileNameA(NULL, out, (DWORD)size);
    if (n == 0 || n >= size)
        return -1;
    forward_slashes(out);
    return 0;
}

int host_os_library_path(const void *addr, char *out, size_t size)
{
    HMODULE module;
    if (!GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (LPCSTR)addr, &module))
        return -1;
    DWORD n = GetModuleFileNameA(module, out, (DWORD)size);
    if (n == 0 || n >= size)
        return -1;
    forward_slashes(out);
    return 0;
}

void *host_os_aligned_alloc(size_t align, size_t size)
{
    return _aligned_malloc(size, align);
}

void host_os_aligned_free(void *block)
{
    _aligned_free(block);
}

size_t host_os_page_size(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwPageSize;
}

void host_os_claim_std_descriptors(void)
{
}
