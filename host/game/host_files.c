/* host_files.c - the file services a game gets (read_file, write_file): a game's own files,
 * levels and saves, by names relative to the project directory, never to the current one, so
 * a game started from anywhere finds them.
 *
 * Owns the project directory's absolute path. Every failure is one "file-error" event and a
 * -1 for the game, never a crash. Writes go to a temporary file renamed into place, so a
 * crash or a full disk never leaves half a save behind.
 */
#include "host_files.h"
#include "host_dirty.h"
#include "host_event.h"
#include "host_os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char project[4096] = ".";

void host_files_open(const char *project_dir)
{
    if (host_os_realpath(project_dir, project, sizeof project) != 0)
        snprintf(project, sizeof project, "%s", project_dir);
}

/* name under the project directory (an absolute name stays as it is). 0, or -1 when too long. */
static int full_path(const char *name, char *out, size_t size)
{
    int n = name[0] == '/' ? snprintf(out, size, "%s", name)
                           : snprintf(out, size, "%s/%s", project, name);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

/* One file-error event: name as the game gave it, the path it meant and why it failed. */
static int fail(const char *op, const char *name, const char *path, const char *why)
{
    char text[900];
    snprintf(text, sizeof text, "%s %.600s: %s", op, path, why); /* a long path is cut */
    host_event(FILE_ERROR, HOST_WORD("name", name), HOST_TEXT("reason", text));
    return -1;
}

int64_t host_files_read(const char *name, void *buf, uint64_t size)
{
    char path[4096];
    if (!name || !name[0] || full_path(name, path, sizeof path) != 0)
        return fail("cannot read", name ? name : "(null)", name ? name : "(null)",
                    "empty or too long a name");
    /* O_NONBLOCK: a FIFO or a device must not freeze the frame; only regular files are read. */
    int fd = open(path, O_RDONLY | HOST_O_PRIVATE | HOST_O_NONBLOCK);
    if (fd < 0)
        return fail("cannot read", name, path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail("cannot read", name, path, "not a regular file");
    }
    uint64_t want = size < (uint64_t)st.st_size ? size : (uint64_t)st.st_size, got = 0;
    host_dirty_will_write(buf, want); /* read(2) into a protected state page would fail */
    while (got < want) {
        ssize_t n = read(fd, (char *)buf + got, (size_t)(want - got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (uint64_t)n;
    }
    close(fd);
    if (got < want)
        return fail("cannot read", name, path, "the file shrank while it was read");
    return (int64_t)st.st_size;
}

/* mkdir -p of the directories above path. */
static int make_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = host_os_mkdir(path);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

int host_files_write(const char *name, const void *data, uint64_t size)
{
    char path[4096], tmp[4200];
    if (!name || !name[0] || full_path(name, path, sizeof path) != 0)
        return fail("cannot write", name ? name : "(null)", name ? name : "(null)",
                    "empty or too long a name");
    if (make_parents(path) != 0)
        return fail("cannot write", name, path, strerror(errno));
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | HOST_O_PRIVATE, 0666);
    if (fd < 0)
        return fail("cannot write", name, path, strerror(errno));
    uint64_t put = 0;
    while (put < size) {
        ssize_t n = write(fd, (const char *)data + put, (size_t)(size - put));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        put += (uint64_t)n;
    }
    int err = put < size ? errno : 0;
    if (close(fd) != 0 && !err)
        err = errno;
    if (err || host_os_rename(tmp, path) != 0) {
        if (!err)
            err = errno;
        unlink(tmp);
        return fail("cannot write", name, path, strerror(err ? err : EIO));
    }
    return 0;
}
