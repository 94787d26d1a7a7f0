/* hr_watch_inotify.c - change detection with Linux inotify: one non-blocking read() per check.
 *
 * Watches the library's directory, not the file: compilers, linkers and editors replace a file
 * by renaming a new one over it, and a watch on the old inode would never fire again.
 * A file written in place (IN_MODIFY) counts as "writing" until the writer closes it
 * (IN_CLOSE_WRITE), so a half-written library is never reported as ready.
 * A path that is a symbolic link (--game link.so -> build/game.so) is followed: the directory
 * of every link on the way and of the file it ends at is watched, so a rebuild of the target
 * is seen like one of the path itself. When a link on the way changes, the watch reports
 * itself lost and the caller opens a new one, which follows the new links.
 */
#include "hr_platform.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_HOPS 8 /* links followed from the path to the file; more is a loop in practice */

/* One name in one watched directory: the path itself, a link it leads through, the file. */
typedef struct watched {
    int wd;           /* inotify watch of its directory (shared by names in one directory) */
    char *path;       /* the name's full path */
    const char *name; /* its last component, inside path */
    int is_link;      /* a link on the way: any change to it means other names to watch */
} watched;

typedef struct inotify_watch {
    hr_watch base;
    int fd;
    watched names[MAX_HOPS + 1];
    int count;
    int writing; /* the file was modified in place and not closed yet */
} inotify_watch;

#define EVENTS                                                                                     \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MODIFY |            \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* What the event means for the watched name it concerns: 1 changed, 0 nothing yet, -1 the
 * links changed (watch afresh). */
static int on_event(inotify_watch *iw, const watched *n, uint32_t mask)
{
    if (n->is_link)
        return -1;
    if (mask & IN_MODIFY) {
        iw->writing = 1;
        return 0;
    }
    if (mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
        iw->writing = 0;
    /* A link put where the file was leads somewhere else. */
    struct stat st;
    if ((mask & (IN_CREATE | IN_MOVED_TO)) && lstat(n->path, &st) == 0 && S_ISLNK(st.st_mode))
        return -1;
    return 1; /* renamed in, closed after writing, created, deleted, moved away, attributes */
}

static hr_watch_event inotify_check(hr_watch *w)
{
    inotify_watch *iw = (inotify_watch *)w;
    /* Aligned for struct inotify_event; holds many events, the kernel never splits one. */
    char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    int changed = 0, lost = 0;
    for (;;) {
        ssize_t n = read(iw->fd, buf, sizeof buf);
        if (n <= 0)
            break; /* EAGAIN: nothing (more) to read - the idle path is this one syscall */
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            p += sizeof *e + e->len;
            if (e->mask & IN_Q_OVERFLOW) {
                changed = 1; /* events were dropped: assume ours was among them */
                continue;
            }
            if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
                lost = 1;
                continue;
            }
            for (int i = 0; e->len && i < iw->count; i++) {
                if (e->wd != iw->names[i].wd || strcmp(e->name, iw->names[i].name) != 0)
                    continue;
                int r = on_event(iw, &iw->names[i], e->mask);
                lost |= r < 0;
                changed |= r > 0;
            }
        }
        if ((size_t)n < sizeof buf - (sizeof(struct inotify_event) + NAME_MAX + 1))
            break; /* a short read drained the queue: skip the extra EAGAIN read */
    }
    if (lost)
        return HR_WATCH_LOST;
    if (iw->writing)
        return HR_WATCH_WRITING;
    return changed ? HR_WATCH_CHANGED : HR_WATCH_QUIET;
}

static void inotify_close(hr_watch *w)
{
    inotify_watch *iw = (inotify_watch *)w;
    if (iw->fd >= 0)
        close(iw->fd);
    for (int i = 0; i < iw->count; i++)
        free(iw->names[i].path);
    free(iw);
}

/* Watches path's directory for path's name. 0, or -1 with why ("" when the directory does not
 * exist). */
static int watch_name(inotify_watch *iw, const char *path, char *why, size_t why_size)
{
    watched *n = &iw->names[iw->count];
    if (!(n->path = strdup(path))) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    iw->count++;
    const char *slash = strrchr(n->path, '/');
    n->name = slash ? slash + 1 : n->path;
    char dir[PATH_MAX];
    size_t len = slash ? (size_t)(slash - n->path) : 0;
    if (len >= sizeof dir) {
        snprintf(why, why_size, "the directory's path is too long");
        return -1;
    }
    if (slash) {
        memcpy(dir, n->path, len);
        dir[len] = 0;
        if (!len)
            strcpy(dir, "/"); /* "/lib.so" lives in "/" */
    } else {
        strcpy(dir, ".");
    }
    n->wd = inotify_add_watch(iw->fd, dir, EVENTS | IN_ONLYDIR);
    if (n->wd >= 0)
        return 0;
    int e = errno;
    if (e == ENOENT || e == ENOTDIR)
        why[0] = 0;
    else
        snprintf(why, why_size, "inotify_add_watch on %s: %s%s", dir, strerror(e),
                 e == ENOSPC ? " (the per-user limit fs.inotify.max_user_watches is reached)" : "");
    return -1;
}

/* The next name on the way: where the link at path points (relative to its directory), or ""
 * when path is no link. */
static int follow(const char *path, char *next, size_t size)
{
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) {
        next[0] = 0;
        return 0;
    }
    target[n] = 0;
    const char *slash = strrchr(path, '/');
    int len = target[0] == '/' || !slash
                  ? snprintf(next, size, "%s", target)
                  : snprintf(next, size, "%.*s/%s", (int)(slash - path), path, target);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

hr_watch *hr_watch_native_open(const char *path, char *why, size_t why_size)
{
    inotify_watch *iw = calloc(1, sizeof *iw);
    if (!iw) {
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    iw->base.poll = inotify_check;
    iw->base.close = inotify_close;
    iw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (iw->fd < 0) {
        int e = errno;
        snprintf(why, why_size, "inotify_init1: %s%s", strerror(e),
                 e == EMFILE ? " (the per-user limit fs.inotify.max_user_instances, or the "
                               "open-file limit, is reached)"
                             : "");
        goto fail;
    }
    char cur[PATH_MAX], next[PATH_MAX];
    snprintf(cur, sizeof cur, "%s", path);
    while (cur[0] && iw->count <= MAX_HOPS) {
        if (watch_name(iw, cur, why, why_size) != 0)
            goto fail;
        if (follow(cur, next, sizeof next) != 0) {
            snprintf(why, why_size, "the link %s leads to a path that is too long", cur);
            goto fail;
        }
        iw->names[iw->count - 1].is_link = next[0] != 0;
        memcpy(cur, next, sizeof cur);
    }
    return &iw->base;

fail:
    inotify_close(&iw->base);
    return NULL;
}
