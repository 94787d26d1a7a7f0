/* hr_proc_posix.c - child processes for the core's pre-flight check: start, poll without
 * blocking, read what it printed, kill and reap.
 *
 * posix_spawn, not fork: the caller may have threads (SDL's among them), and a forked child of
 * a threaded process may only call async-signal-safe functions - dlopen is not one.
 * posix_spawn holds its caller until the child has exec'd (~150 us, more on a slow machine):
 * that would land on a game's frame. So a helper thread, one per child, makes the call and then
 * waits for the child to end; the caller only creates the pipe and the thread, and polls a flag.
 * The helper lives exactly as long as the child, which the pre-flight program needs: its
 * PR_SET_PDEATHSIG follows the thread that spawned it. The helper blocks every signal (the
 * host's handlers are for its own threads) and gives the child the caller's signal mask, the
 * one a direct spawn would have passed on. The child's environment says which process started it
 * (HR_PARENT_PID): a child whose parent died before it could ask for PR_SET_PDEATHSIG (between
 * the exec and its main, which a sanitizer's start-up makes long) sees another parent and ends.
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
#include <unistd.h>

extern char **environ;

/* One child and its helper thread. */
typedef struct start_job {
    pthread_t thread;
    int out_write;     /* the pipe's write end: the child's stdout and stderr */
    sigset_t mask;     /* the caller's signal mask, for the child */
    char **argv;       /* a copy: the caller's strings may go before the helper runs */
    char **envp;       /* environ's entries and HR_PARENT_PID (the last one is the job's) */
    atomic_long pid;   /* the child's, once spawned */
    atomic_int cancel; /* hr_proc_end wants the child gone */
    atomic_int done;   /* the child ended (or never started): status is set */
    int spawn_rc;      /* posix_spawn's result */
    int status;        /* waitpid's */
} start_job;

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
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &job->mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    job->spawn_rc = posix_spawn(&pid, job->argv[0], &fa, &attr, job->argv, job->envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(job->out_write);
    if (job->spawn_rc == 0) {
        /* Either this sees cancel or hr_proc_end sees the pid (both sequentially consistent):
         * a child that hr_proc_end wants gone is killed at least once. */
        atomic_store(&job->pid, (long)pid);
        if (atomic_load(&job->cancel))
            kill(pid, SIGKILL);
        while (waitpid(pid, &job->status, 0) < 0 && errno == EINTR)
            ;
    }
    atomic_store(&job->done, 1);
    return NULL;
}

static void free_job(start_job *job)
{
    for (char **a = job->argv; a && *a; a++)
        free(*a);
    free(job->argv);
    if (job->envp) {
        size_t n = 0;
        while (job->envp[n])
            n++;
        free(job->envp[n - 1]); /* HR_PARENT_PID=..., the one string of its own */
        free(job->envp);
    }
    free(job);
}

/* environ without any HR_PARENT_PID, then HR_PARENT_PID=this process; NULL when out of memory. */
static char **child_environment(void)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **envp = calloc(n + 2, sizeof *envp);
    char *mine = malloc(40);
    if (!envp || !mine) {
        free(envp);
        free(mine);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "HR_PARENT_PID=", 14) != 0)
            envp[k++] = environ[i];
    snprintf(mine, 40, "HR_PARENT_PID=%ld", (long)getpid());
    envp[k] = mine;
    return envp;
}

/* A copy of argv, or NULL when out of memory. */
static char **copy_argv(const char *const *argv)
{
    size_t n = 0;
    while (argv[n])
        n++;
    char **copy = calloc(n + 1, sizeof *copy);
    for (size_t i = 0; copy && i < n; i++)
        if (!(copy[i] = strdup(argv[i]))) {
            for (size_t k = 0; k < i; k++)
                free(copy[k]);
            free(copy);
            copy = NULL;
        }
    return copy;
}

int hr_proc_start(const char *const *argv, hr_proc *p, char *why, size_t why_size)
{
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
        job->argv = copy_argv(argv);
        job->envp = child_environment();
    }
    if (!job || !job->argv || !job->envp) {
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
            kill((pid_t)pid, SIGKILL);
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
