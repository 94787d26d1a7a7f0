/* hr_watch_inotify.c - change detection with Linux inotify: one non-blocking read() per check.
 *
 * Watches the library's directory, not the file: compilers, linkers and editors replace a file
 * by renaming a new one over it, and a watch on the old inode would never fire again.
 * A file written in place (IN_MODIFY) counts as "writing" until the writer closes it
 * (IN_CLOSE_WRITE), so a half-written library is never reported as ready.
 */
#include "hr_platform.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

typedef struct inotify_watch {
    hr_watch base;
    int fd;
    char *name;  /* the library's file name inside the watched directory */
    int writing; /* modified in place and not closed yet */
} inotify_watch;

#define EVENTS                                                                                     \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MODIFY |            \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

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
            if (!e->len || strcmp(e->name, iw->name) != 0)
                continue;
            if (e->mask & IN_MODIFY) {
                iw->writing = 1;
            } else if (e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
                iw->writing = 0;
                changed = 1;
            } else {
                changed = 1; /* created, deleted, moved away, attributes */
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
    close(iw->fd);
    free(iw->name);
    free(iw);
}

hr_watch *hr_watch_native_open(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    if (slash) {
        size_t len = (size_t)(slash - path);
        if (len >= sizeof dir)
            return NULL;
        memcpy(dir, path, len);
        dir[len ? len : 1] = 0; /* "/lib.so" lives in "/" */
        if (!len)
            dir[0] = '/';
    } else {
        strcpy(dir, ".");
    }
    inotify_watch *iw = calloc(1, sizeof *iw);
    if (!iw)
        return NULL;
    iw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    iw->name = strdup(slash ? slash + 1 : path);
    if (iw->fd < 0 || !iw->name || inotify_add_watch(iw->fd, dir, EVENTS | IN_ONLYDIR) < 0) {
        if (iw->fd >= 0)
            close(iw->fd);
        free(iw->name);
        free(iw);
        return NULL;
    }
    iw->base.poll = inotify_check;
    iw->base.close = inotify_close;
    return &iw->base;
}
