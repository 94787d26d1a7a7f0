/* host_os_posix.c - the small POSIX answers behind host_os.h: the build's shell, a thread's
 * signal mask, whether stderr can take a line, whether a debugger is attached; files (mkdir,
 * rename, realpath), the program's and a library's own file, aligned blocks, the standard
 * descriptors.
 *
 * Owns nothing. The directory watcher has a file of its own (host_dirwatch_inotify.c), the
 * build's process is the core's (hr_proc_posix.c).
 */
#include "host_os.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void host_os_shell_argv(const char *command, const char *argv[4])
{
    argv[0] = "/bin/sh";
    argv[1] = "-c";
    argv[2] = command;
    argv[3] = NULL;
}

void host_os_thread_block_signals(void)
{
    /* A fault stays deliverable: blocked, it would end the process without the guard's word. */
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
}

int host_os_stderr_can_write(int timeout_ms)
{
    struct pollfd out = { .fd = STDERR_FILENO, .events = POLLOUT };
    return poll(&out, 1, timeout_ms) == 1 && (out.revents & POLLOUT);
}

int host_os_is_debugger_attached(void)
{
    /* Linux: /proc/self/status names the tracer; elsewhere the file is missing: no debugger. */
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[128];
    int traced = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "TracerPid:", 10) == 0)
            traced = atoi(line + 10) != 0;
    fclose(f);
    return traced;
}

int host_os_mkdir(const char *path)
{
    return mkdir(path, 0777);
}

int host_os_rename(const char *from, const char *to)
{
    return rename(from, to);
}

int host_os_realpath(const char *path, char *out, size_t size)
{
    char *real = realpath(path, NULL);
    if (!real)
        return -1;
    int n = snprintf(out, size, "%s", real);
    free(real);
    if (n < 0 || (size_t)n >= size) {
        errno = ERANGE;
        return -1;
    }
    return 0;
}

int host_os_exe_path(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    out[n] = 0;
    return 0;
}

int host_os_library_path(const void *addr, char *out, size_t size)
{
    Dl_info info;
    if (!dladdr(addr, &info) || !info.dli_fname)
        return -1;
    int n = snprintf(out, size, "%s", info.dli_fname);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

void *host_os_aligned_alloc(size_t align, size_t size)
{
    return aligned_alloc(align, size); /* C11: size is a multiple of align */
}

void host_os_aligned_free(void *block)
{
    free(block);
}

size_t host_os_page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* Started with a descriptor closed (`2>&-`), the next file the process opens - an inotify
 * descriptor, SDL's netlink socket - would become descriptor 2 and receive the event log.
 * open() takes the lowest free number. */
void host_os_claim_std_descriptors(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF && open("/dev/null", O_RDWR) < 0)
            return;
}
