/* hr_proc_posix.c - child processes for the core's pre-flight check: start, poll without
 * blocking, read what it printed, kill and reap.
 *
 * posix_spawn, not fork: the caller may have threads (SDL's among them), and a forked child of
 * a threaded process may only call async-signal-safe functions - dlopen is not one.
 */
#include "hr_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int hr_proc_start(const char *const *argv, hr_proc *p, char *why, size_t why_size)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        snprintf(why, why_size, "cannot start %s: %s", argv[0], strerror(rc));
        return -1;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    p->pid = pid;
    p->out_fd = fds[0];
    return 0;
}

int hr_proc_poll(hr_proc *p, int *code)
{
    int status;
    pid_t r = waitpid((pid_t)p->pid, &status, WNOHANG);
    if (r == 0)
        return 1;
    p->pid = 0;
    if (r < 0)
        *code = -SIGKILL; /* reaped elsewhere: treat as killed */
    else
        *code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return 0;
}

void hr_proc_read(hr_proc *p, char *buf, size_t size)
{
    size_t len = strlen(buf);
    while (p->out_fd >= 0 && len + 1 < size) {
        ssize_t n = read(p->out_fd, buf + len, size - len - 1);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = 0;
}

void hr_proc_end(hr_proc *p)
{
    if (p->pid > 0) {
        kill((pid_t)p->pid, SIGKILL);
        waitpid((pid_t)p->pid, NULL, 0);
        p->pid = 0;
    }
    if (p->out_fd >= 0)
        close(p->out_fd);
    p->out_fd = -1;
}

void hr_proc_signal_text(int sig, char *buf, size_t size)
{
    const char *abbrev = sigabbrev_np(sig);
    snprintf(buf, size, "SIG%s (%s)", abbrev ? abbrev : "?", strsignal(sig));
}
