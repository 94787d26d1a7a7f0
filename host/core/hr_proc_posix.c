/* hr_proc_posix.c - child processes for the core's pre-flight check and the host's build:
 * start, poll without blocking, read what it printed, kill and reap.
 *
 * posix_spawn, not fork: the caller may have threads (SDL's among them), and a forked child of
 * a threaded process may only call async-signal-safe functions - dlopen is not one.
 * posix_spawn holds its caller until the child has exec'd (~150 us, more on a slow machine):
 * that would land on a game's frame. So a helper thread, one per child, makes the call and then
 * waits for the child to end; the caller only creates the pipe and the thread, and polls a flag.
 * The helper lives exactly as long as the child, which the pre-flight program needs: its
 * PR_SET_PDEATHSIG follows the thread that spawned it. The helper blocks every signal (the
 * host's handlers are for its own threads) and gives the child the caller's signal mask, the
 * one a direct spawn would have passed on; SIGPIPE, SIGINT and SIGTERM start at their default
 * action whatever the caller ignores. Without an environment of the caller's
 * (hr_proc_opts.envp), the child's says which process started it (HR_PARENT_PID): a child whose
 * parent died before it could ask for PR_SET_PDEATHSIG (between the exec and its main, which a
 * sanitizer's start-up makes long) sees another parent and ends.
 * A child with a process group of its own (a build: make and every compiler it runs) is ended
 * whole: SIGTERM to the group, then the helper reaps it. The CPU time a child has used is read
 * from its CPU-time clock (clock_getcpuclockid).
 */
#include "hr_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* One child and its helper thread. */
typedef struct start_job {
    pthread_t thread;
    int out_write;     /* the pipe's write end: the child's stdout and stderr */
    sigset_t mask;     /* the caller's signal mask, for the child */
    char **argv;       /* a copy: the caller's strings may go before the helper runs */
    char **envp;       /* a copy of the child's environment */
    char *cwd;         /* a copy of the child's working directory, or NULL */
    int own_group;     /* the child leads a process group of its own */
    int stdin_null;    /* the child's stdin reads /dev/null */
    atomic_long pid;   /* the child's, once spawned */
    atomic_int cancel; /* hr_proc_end wants the child gone */
    atomic_int done;   /* the child ended (or never started): status is set */
    int spawn_rc;      /* posix_spawn's result */
    int status;        /* waitpid's */
} start_job;

/* What hr_proc_end does to a child that still runs: a group of its own gets SIGTERM whole (make
 * passes it on and removes what it was writing), a lone child SIGKILL. */
static void end_child(const start_job *job, pid_t pid)
{
    if (job->own_group)
        kill(-pid, SIGTERM);
    else
        kill(pid, SIGKILL);
}

static void *start_child(void *arg)
{
    start_job *job = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, job->out_write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, job->out_write, STDERR_FILENO);
    if (job->stdin_null)
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (job->cwd)
        posix_spawn_file_actions_addchdir_np(&fa, job->cwd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &job->mask);
    /* exec resets a handled signal, not an ignored one: nothing ignored here leaks. */
    sigset_t deflt;
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGPIPE);
    sigaddset(&deflt, SIGINT);
    sigaddset(&deflt, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &deflt);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (job->own_group) {
        posix_spawnattr_setpgroup(&attr, 0);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    posix_spawnattr_setflags(&attr, flags);
    pid_t pid = 0;
    job->spawn_rc = posix_spawn(&pid, job->argv[0], &fa, &attr, job->argv, job->envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    /* The code 127 alone would not say why (a working directory that is gone, say). */
    if (job->spawn_rc != 0)
        dprintf(job->out_write, "cannot start %s: %s\n", job->argv[0], strerror(job->spawn_rc));
    close(job->out_write);
    if (job->spawn_rc == 0) {
        /* Either this sees cancel or hr_proc_end sees the pid (both sequentially consistent):
         * a child that hr_proc_end wants gone is killed at least once. */
        atomic_store(&job->pid, (long)pid);
        if (atomic_load(&job->cancel))
            end_child(job, pid);
        while (waitpid(pid, &job->status, 0) < 0 && errno == EINTR)
            ;
    }
    atomic_store(&job->done, 1);
    return NULL;
}

static void free_strings(char **list)
{
    for (char **s = list; s && *s; s++)
        free(*s);
    free(list);
}

static void free_job(start_job *job)
{
    free_strings(job->argv);
    free_strings(job->envp);
    free(job->cwd);
    free(job);
}

/* A copy of list's strings, without those that start with skip (may be NULL), then
 * last (may be NULL). NULL when out of memory. */
static char **copy_strings(const char *const *list, const char *skip, const char *last)
{
    size_t n = 0, k = 0;
    while (list && list[n])
        n++;
    char **copy = calloc(n + 2, sizeof *copy);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (skip && strncmp(list[i], skip, strlen(skip)) == 0)
            continue;
        if (!(copy[k++] = strdup(list[i])))
            goto fail;
    }
    if (last && !(copy[k] = strdup(last)))
        goto fail;
    return copy;

fail:
    free_strings(copy);
    return NULL;
}

/* The child's environment: the caller's own envp, or environ with HR_PARENT_PID=this process
 * in place of any it had. NULL when out of memory. */
static char **child_environment(char *const *envp)
{
    if (envp)
        return copy_strings((const char *const *)envp, NULL, NULL);
    char mine[40];
    snprintf(mine, sizeof mine, "HR_PARENT_PID=%ld", (long)getpid());
    return copy_strings((const char *const *)environ, "HR_PARENT_PID=", mine);
}

int hr_proc_start(const char *const *argv, hr_proc *p, char *why, size_t why_size)
{
    return hr_proc_start_with(argv, NULL, p, why, why_size);
}

int hr_proc_start_with(const char *const *argv, const hr_proc_opts *opts, hr_proc *p, char *why,
                       size_t why_size)
{
    const hr_proc_opts none = { 0 };
    if (!opts)
        opts = &none;
    /* What a direct spawn would have said at once, checked here: a missing program. */
    if (access(argv[0], X_OK) != 0) {
        snprintf(why, why_size, "cannot start %s: %s", argv[0], strerror(errno));
        return -1;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        return -1;
    }
    start_job *job = calloc(1, sizeof *job);
    if (job) {
        job->argv = copy_strings(argv, NULL, NULL);
        job->envp = child_environment(opts->envp);
        job->cwd = opts->cwd ? strdup(opts->cwd) : NULL;
        job->own_group = opts->own_group;
        job->stdin_null = opts->stdin_null;
    }
    if (!job || !job->argv || !job->envp || (opts->cwd && !job->cwd)) {
        snprintf(why, why_size, "cannot start %s: out of memory", argv[0]);
        goto fail;
    }
    job->out_write = fds[1];
    pthread_sigmask(SIG_BLOCK, NULL, &job->mask);
    int rc = pthread_create(&job->thread, NULL, start_child, job);
    if (rc != 0) {
        snprintf(why, why_size, "cannot start %s: thread: %s", argv[0], strerror(rc));
        goto fail;
    }
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    p->pid = HR_PROC_RUNNING;
    p->out_fd = fds[0];
    p->starting = job;
    return 0;

fail:
    if (job)
        free_job(job);
    close(fds[0]);
    close(fds[1]);
    return -1;
}

/* Ends the helper (it has reaped the child) and frees the job. */
static void finish_job(hr_proc *p)
{
    start_job *job = p->starting;
    pthread_join(job->thread, NULL);
    free_job(job);
    p->starting = NULL;
    p->pid = 0;
}

int hr_proc_poll(hr_proc *p, int *code)
{
    start_job *job = p->starting;
    if (!job) {
        *code = -SIGKILL; /* nothing runs: treat as killed */
        return 0;
    }
    if (!atomic_load(&job->done))
        return 1;
    if (job->spawn_rc != 0)
        *code = 127; /* the exit code of a program that could not be run */
    else
        *code = WIFEXITED(job->status) ? WEXITSTATUS(job->status) : -WTERMSIG(job->status);
    finish_job(p);
    return 0;
}

/* The child is not reaped before done is set: until then its pid is still its own. A child
 * not spawned yet, or ended, has used nothing more; 0 too if its clock cannot be read (the
 * pre-flight is then stopped by its waiting limit alone). */
long hr_proc_cpu_ms(const hr_proc *p)
{
    const start_job *job = p->starting;
    long pid = job ? atomic_load(&job->pid) : 0;
    clockid_t clock;
    struct timespec ts;
    if (pid <= 0 || atomic_load(&job->done) || clock_getcpuclockid((pid_t)pid, &clock) != 0 ||
        clock_gettime(clock, &ts) != 0)
        return 0;
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
    start_job *job = p->starting;
    if (job) {
        atomic_store(&job->cancel, 1);
        long pid = atomic_load(&job->pid);
        if (pid > 0 && !atomic_load(&job->done))
            end_child(job, (pid_t)pid);
        finish_job(p);
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
