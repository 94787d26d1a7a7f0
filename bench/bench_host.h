/* bench_host.h - drives a livehost host process for the benchmarks that need one: starts it
 * headless with its stderr on a pipe, waits for one event line ("livehost: reloaded ...") with a
 * timeout, and stops it.
 *
 * Owns the child process and the pipe; never parses more of a line than the caller asks for.
 */
#ifndef BENCH_HOST_H
#define BENCH_HOST_H

#include "bench.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

typedef struct host_proc {
    pid_t pid;
    int fd;          /* its stderr */
    char buf[65536]; /* unread bytes */
    size_t len;
} host_proc;

/* Starts argv[0] with argv in the directory dir (NULL: ours), its stderr on a pipe. */
static inline void host_start_argv(host_proc *h, const char *dir, const char *const *argv)
{
    int fds[2];
    if (pipe(fds) != 0)
        bench_die("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    if (dir)
        posix_spawn_file_actions_addchdir_np(&fa, dir);
    if (posix_spawn(&h->pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0)
        bench_die(argv[0]);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    h->fd = fds[0];
    h->len = 0;
}

static inline void host_start(host_proc *h, const char *host, const char *lib, const char *assets,
                              long frames, const char *screenshot)
{
    char nframes[32];
    bench_str(nframes, sizeof nframes, "%ld", frames);
    const char *argv[] = { host,       "--headless", "--frames",
                           nframes,    "--game",     lib,
                           "--assets", assets,       screenshot ? "--screenshot" : NULL,
                           screenshot, NULL };
    host_start_argv(h, NULL, argv);
}

/* 1 if the n-byte line is the event `name` ("livehost: name" alone or followed by a space). */
static inline int host_is_event(const char *line, size_t n, const char *name)
{
    size_t len = strlen("livehost: ") + strlen(name);
    return n >= len && memcmp(line, "livehost: ", 10) == 0 &&
           memcmp(line + 10, name, len - 10) == 0 && (n == len || line[len] == ' ');
}

/* Reads event lines until the event `name` comes; copies that line into line. Failed reloads
 * on the way are echoed to stderr. Returns 0, or -1 on timeout or when the host ended. */
static inline int host_wait(host_proc *h, const char *name, char *line, size_t size, int timeout_ms)
{
    uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000u;
    for (;;) {
        char *nl;
        while ((nl = memchr(h->buf, '\n', h->len)) != NULL) {
            size_t n = (size_t)(nl - h->buf);
            int match = host_is_event(h->buf, n, name);
            if (match) {
                size_t c = n < size - 1 ? n : size - 1;
                memcpy(line, h->buf, c);
                line[c] = 0;
            } else if (host_is_event(h->buf, n, "reload-failed") ||
                       host_is_event(h->buf, n, "refused") || host_is_event(h->buf, n, "crash")) {
                fprintf(stderr, "bench: host said: %.*s\n", (int)n, h->buf);
            }
            memmove(h->buf, nl + 1, h->len - n - 1);
            h->len -= n + 1;
            if (match)
                return 0;
        }
        int64_t left = (int64_t)(deadline - bench_now_ns()) / 1000000;
        if (left <= 0 || h->len == sizeof h->buf)
            return -1;
        struct pollfd p = { .fd = h->fd, .events = POLLIN };
        if (poll(&p, 1, (int)left) <= 0)
            return -1;
        ssize_t r = read(h->fd, h->buf + h->len, sizeof h->buf - h->len);
        if (r <= 0)
            return -1;
        h->len += (size_t)r;
    }
}

/* Ends the host; returns its exit status (-1 if it was killed or crashed). */
static inline int host_stop(host_proc *h, int kill_it)
{
    int status;
    if (kill_it)
        kill(h->pid, SIGTERM);
    char sink[4096];
    while (read(h->fd, sink, sizeof sink) > 0)
        ;
    close(h->fd);
    if (waitpid(h->pid, &status, 0) != h->pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* BENCH_HOST_H */
