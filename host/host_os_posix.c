/* host_os_posix.c - the small POSIX answers behind host_os.h: the build's shell, a thread's
 * signal mask, whether stderr can take a line, whether a debugger is attached.
 *
 * Owns nothing. The directory watcher has a file of its own (host_dirwatch_inotify.c), the
 * build's process is the core's (hr_proc_posix.c).
 */
#include "host_os.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
