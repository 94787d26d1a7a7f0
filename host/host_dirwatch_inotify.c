/* host_dirwatch_inotify.c - host_os.h's directory watcher on Linux: one inotify descriptor for
 * every directory the host watches (the build's sources, the library's landing, the Makefile,
 * the assets).
 *
 * Owns the descriptor and the table of watched directories. A look (host_dirwatch_read) is one
 * non-blocking read() of the descriptor, whatever is watched: the host looks every frame, so an
 * idle host pays one system call per look; what does not fit in one read waits for the next.
 * inotify is not recursive: a tree watch adds every subdirectory itself, those present when it
 * is added and those that appear later (before their NEW_DIR is reported; a file written into a
 * new directory before its watch is in place is not seen). The kernel gives one watch per
 * directory, whatever path reaches it: a directory added twice, or a subdirectory of a tree
 * added again on its own, keeps the id it was first reported with (IN_MASK_ADD: a second add
 * never narrows what the first one watches).
 * IN_CLOSE_WRITE, not IN_MODIFY: a file still being written (`cat > game.c` at a terminal) is not
 * DONE until it is closed.
 */
#include "host_os.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hr_platform.h"

enum {
    WATCH_MAX = 256,  /* directories watched, subdirectories of trees included */
    READ_SIZE = 4096, /* one look's read */
};

#define CHANGE_MASK                                                                                \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ONLYDIR |           \
     IN_MASK_ADD)

typedef struct watched {
    int wd;    /* inotify's watch descriptor */
    int id;    /* what changes in it report: the wd of the directory that was added */
    int tree;  /* its new subdirectories are watched too */
    char *dir; /* its path, as added (or below a tree's) */
} watched;

struct host_dirwatch {
    int fd;
    watched dirs[WATCH_MAX];
    int count;
    /* Aligned for struct inotify_event. */
    char buf[READ_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));
};

host_dirwatch *host_dirwatch_open(char *why, size_t why_size)
{
    host_dirwatch *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(why, why_size, "inotify: out of memory");
        return NULL;
    }
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        snprintf(why, why_size, "inotify: %s", strerror(errno));
        free(w);
        return NULL;
    }
    return w;
}

static watched *find(host_dirwatch *w, int wd)
{
    for (int i = 0; i < w->count; i++)
        if (w->dirs[i].wd == wd)
            return &w->dirs[i];
    return NULL;
}

/* Watches dir (and, for a tree, every subdirectory under it) with the id of the directory that
 * was added (-1: dir's own). Returns the entry changes in dir report, or NULL with why. */
static const watched *watch(host_dirwatch *w, const char *dir, int id, int tree, char *why,
                            size_t why_size)
{
    int wd = inotify_add_watch(w->fd, dir, CHANGE_MASK);
    if (wd < 0) {
        snprintf(why, why_size, "cannot watch %s: %s", dir, strerror(errno));
        return NULL;
    }
    const watched *known = find(w, wd);
    if (known)
        return known; /* already watched (a directory named twice, or moved back) */
    char *copy = w->count < WATCH_MAX ? strdup(dir) : NULL;
    if (!copy) {
        inotify_rm_watch(w->fd, wd);
        snprintf(why, why_size, "cannot watch %s: %s", dir,
                 w->count < WATCH_MAX ? "out of memory" : "too many directories");
        return NULL;
    }
    /* A fixed array: adding below never moves e (only host_dirwatch_read removes entries). */
    watched *e = &w->dirs[w->count++];
    *e = (watched){ .wd = wd, .id = id >= 0 ? id : wd, .tree = tree, .dir = copy };
    DIR *d = tree ? opendir(dir) : NULL;
    if (!d)
        return e;
    const struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        char sub[1024], ignored[8];
        struct stat st;
        if (ent->d_name[0] == '.' ||
            snprintf(sub, sizeof sub, "%s/%s", dir, ent->d_name) >= (int)sizeof sub)
            continue;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            watch(w, sub, e->id, 1, ignored, sizeof ignored);
    }
    closedir(d);
    return e;
}

int host_dirwatch_add(host_dirwatch *w, const char *dir, int tree, char *why, size_t why_size)
{
    const watched *e = watch(w, dir, -1, tree, why, why_size);
    return e ? e->id : -1;
}

static host_change_kind kind_of(uint32_t mask)
{
    if ((mask & IN_ISDIR) && (mask & (IN_CREATE | IN_MOVED_TO)))
        return HOST_CHANGE_NEW_DIR;
    if (mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
        return HOST_CHANGE_DONE;
    if (mask & IN_CREATE)
        return HOST_CHANGE_CREATED;
    return HOST_CHANGE_GONE; /* IN_DELETE, IN_MOVED_FROM */
}

int host_dirwatch_read(host_dirwatch *w, void (*on_change)(const host_change *c, void *ctx),
                       void *ctx)
{
    ssize_t n = read(w->fd, w->buf, sizeof w->buf);
    int changes = 0;
    for (ssize_t off = 0; n > 0 && off < n;) {
        const struct inotify_event *ev = (const struct inotify_event *)(w->buf + off);
        off += (ssize_t)(sizeof *ev + ev->len);
        if (ev->mask & IN_Q_OVERFLOW) {
            on_change(
                &(host_change){ .kind = HOST_CHANGE_LOST, .watch = -1, .dir = "", .name = "" },
                ctx);
            changes++;
            continue;
        }
        watched *e = find(w, ev->wd);
        if (e && (ev->mask & IN_IGNORED)) { /* the directory is gone: its slot is free */
            free(e->dir);
            *e = w->dirs[--w->count];
            continue;
        }
        if (!e || !ev->len) /* an event on the directory itself, or one already let go */
            continue;
        host_change c = {
            .kind = kind_of(ev->mask), .watch = e->id, .dir = e->dir, .name = ev->name
        };
        if (c.kind == HOST_CHANGE_NEW_DIR && e->tree) {
            char sub[1024], ignored[8];
            if (snprintf(sub, sizeof sub, "%s/%s", e->dir, ev->name) < (int)sizeof sub)
                watch(w, sub, e->id, 1, ignored, sizeof ignored);
        }
        on_change(&c, ctx);
        changes++;
    }
    return changes;
}

int host_dirwatch_wait(host_dirwatch *w, const struct hr_proc *proc, int timeout_ms)
{
    const int out = proc && proc->pid ? proc->out_fd : -1;
    struct pollfd fds[2] = { { .fd = w ? w->fd : -1, .events = POLLIN },
                             { .fd = out, .events = POLLIN } };
    int ready = poll(fds, 2, timeout_ms);
    /* A child whose output has ended (every writer closed the pipe) is ending: the pipe stays
     * ready from now on, but the child cannot be reaped for a moment yet. Wake at most 1 ms
     * later instead of spinning on the closed pipe. */
    if (ready == 1 && (fds[1].revents & (POLLHUP | POLLERR)) && !(fds[1].revents & POLLIN)) {
        fds[1].fd = -1;
        poll(fds, 1, timeout_ms < 1 ? timeout_ms : 1);
    }
    return ready > 0;
}

void host_dirwatch_close(host_dirwatch *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->count; i++)
        free(w->dirs[i].dir);
    close(w->fd);
    free(w);
}
