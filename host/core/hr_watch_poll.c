/* hr_watch_poll.c - change detection by polling: one stat() per check.
 *
 * The fallback where inotify is not available. Compares nanosecond mtime, ctime, size and
 * inode, so two builds within one second and a build that restores an older mtime are both
 * seen. A new inode (a build renamed into place) is reported at once; any other change counts
 * as "writing" until the file looked the same on two checks in a row, so a file still being
 * written in place is not loaded.
 */
#include "hr_platform.h"

#include <stdlib.h>
#include <string.h>

typedef struct poll_watch {
    hr_watch base;
    char *path;
    hr_file_sig seen; /* the file as the last check saw it */
    int settling;     /* it changed at the last check: report it once it holds still */
} poll_watch;

static hr_watch_event poll_check(hr_watch *w)
{
    poll_watch *p = (poll_watch *)w;
    hr_file_sig now = hr_os_stat(p->path);
    if (!hr_os_same_file(&now, &p->seen)) {
        /* A new inode was renamed into place whole: no need to wait for it to settle. */
        int renamed = now.kind == HR_FILE_REGULAR && p->seen.kind == HR_FILE_REGULAR &&
                      (now.ino != p->seen.ino || now.dev != p->seen.dev) && now.size > 0;
        p->seen = now;
        p->settling = !renamed;
        return renamed ? HR_WATCH_CHANGED : HR_WATCH_WRITING;
    }
    if (p->settling) {
        p->settling = 0;
        return HR_WATCH_CHANGED;
    }
    return HR_WATCH_QUIET;
}

static void poll_close(hr_watch *w)
{
    poll_watch *p = (poll_watch *)w;
    free(p->path);
    free(p);
}

hr_watch *hr_watch_poll_open(const char *path)
{
    poll_watch *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->path = strdup(path);
    if (!p->path) {
        free(p);
        return NULL;
    }
    p->base.poll = poll_check;
    p->base.close = poll_close;
    p->seen = hr_os_stat(path);
    return &p->base;
}
