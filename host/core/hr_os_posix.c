/* hr_os_posix.c - files, private directories and time for the core on POSIX systems, and
 * copies made by a thread of their own (hr_os_copy_start).
 *
 * Owns nothing but a copy under way (its thread and files, until it is polled over or
 * cancelled): hr.c owns the directory path and the copies. The trap this file exists for:
 * copies must never land at a predictable path in a shared directory (another user could plant
 * a symlink there), so every copy goes into a mkdtemp directory of mode 0700 and is created
 * with O_EXCL | O_NOFOLLOW.
 */
#include "hr_platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DIR_PREFIX "hr-"

uint64_t hr_os_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hr_os_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static hr_file_kind kind_of(mode_t mode)
{
    if (S_ISREG(mode))
        return HR_FILE_REGULAR;
    if (S_ISDIR(mode))
        return HR_FILE_DIRECTORY;
    if (S_ISFIFO(mode))
        return HR_FILE_PIPE;
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return HR_FILE_DEVICE;
    return HR_FILE_OTHER;
}

static hr_file_sig sig_from_stat(const struct stat *st)
{
    hr_file_sig sig = {
        .kind = kind_of(st->st_mode),
        .dev = (uint64_t)st->st_dev,
        .ino = (uint64_t)st->st_ino,
        .size = (uint64_t)st->st_size,
        .mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
        .ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec,
    };
    return sig;
}

hr_file_sig hr_os_stat(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return (hr_file_sig){ .kind = HR_FILE_MISSING };
    return sig_from_stat(&st);
}

int hr_os_same_file(const hr_file_sig *a, const hr_file_sig *b)
{
    return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* Removes regular files and symlinks directly inside dirfd's directory (never follows them). */
static void empty_dir(int dirfd)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd, e->d_name, 0);
    }
    closedir(d); /* closes dirfd too */
}

/* A directory "hr-<pid>-XXXXXX" whose process is gone was left by a killed program: remove it.
 * Only our own real directories are touched, never a symlink or another user's entry. */
static void clean_leftovers(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid;
        char tail[16];
        if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) != 0 ||
            sscanf(e->d_name + strlen(DIR_PREFIX), "%ld-%15s", &pid, tail) != 2 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
            st.st_uid != getuid())
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (fd >= 0)
            empty_dir(fd);
        unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
    }
    closedir(d);
}

/* Makes "hr-<pid>-XXXXXX" under parent, cleaning leftovers beside it first. 0, or -1 with why. */
static int make_under(const char *parent, char *out, size_t out_size, char *why, size_t why_size)
{
    clean_leftovers(parent);
    int n = snprintf(out, out_size, "%s/" DIR_PREFIX "%ld-XXXXXX", parent, (long)getpid());
    if (n < 0 || (size_t)n >= out_size) {
        snprintf(why, why_size, "temp directory path under %s is too long", parent);
        return -1;
    }
    if (!mkdtemp(out)) { /* mkdtemp creates it with mode 0700 */
        snprintf(why, why_size, "cannot create a private directory under %s: %s", parent,
                 strerror(errno));
        return -1;
    }
    return 0;
}

int hr_os_make_private_dir(const char *parent, char *out, size_t out_size, char *why,
                           size_t why_size)
{
    if (parent && parent[0])
        return make_under(parent, out, out_size, why, why_size);
    /* tmpfs first: creating and copying there is several times cheaper than on a disk. Each
     * candidate is tried, not just looked at: one that exists but cannot hold a directory (a
     * file, /proc, a read-only mount) is skipped like an unset one. */
    const char *const candidates[] = { getenv("XDG_RUNTIME_DIR"), getenv("TMPDIR"), "/dev/shm",
                                       "/tmp" };
    int rc = -1;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && rc != 0; i++)
        if (candidates[i] && candidates[i][0])
            rc = make_under(candidates[i], out, out_size, why, why_size);
    return rc;
}

void hr_os_remove_private_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd >= 0)
        empty_dir(fd);
    rmdir(dir);
}

/* A copy in a thread goes in slices of this size (a few milliseconds each, from a cold disk
 * too), so that cancelling it waits for one slice at most. */
#define COPY_SLICE ((uint64_t)1 << 20)

/* sendfile copies inside the kernel, across filesystems too (the build's disk -> tmpfs), in
 * one call for a game-sized library; read/write is the fallback. With stop (a copy in a
 * thread), in slices, looking at *stop before each. 0 copied all, 1 the source shrank meanwhile
 * (or stop was set), -1 error. */
static int copy_bytes(int in, int out, uint64_t size, atomic_int *stop)
{
    uint64_t done = 0;
    int use_sendfile = 1;
    while (done < size) {
        if (stop && atomic_load(stop))
            return 1;
        uint64_t want = size - done;
        if (stop && want > COPY_SLICE)
            want = COPY_SLICE;
        ssize_t n = -1;
        if (use_sendfile) {
            n = sendfile(out, in, NULL, (size_t)want);
            if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
                use_sendfile = 0;
                continue;
            }
        } else {
            char buf[1 << 16];
            n = read(in, buf, want < sizeof buf ? (size_t)want : sizeof buf);
            if (n > 0 && write(out, buf, (size_t)n) != n)
                return -1;
        }
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += (uint64_t)n;
    }
    return done == size ? 0 : 1;
}

/* Opens src for reading only if it is a regular file. The trap: open() of a named pipe waits
 * for a writer, forever (a frozen host), and opening a device can have effects of its own. So
 * stat() first, and O_NONBLOCK for the moment the path could be swapped for a pipe after it;
 * fstat() then says what was really opened. -1 with *err and why on failure. */
static int open_regular(const char *src, struct stat *st, hr_error *err, char *why, size_t why_size)
{
    if (stat(src, st) != 0) {
        int e = errno;
        snprintf(why, why_size, "%s: %s", src, strerror(e));
        *err = e == ENOENT || e == ENOTDIR ? HR_ERR_MISSING : HR_ERR_TEMP;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        snprintf(why, why_size, "%s: not a regular file", src);
        *err = HR_ERR_NOT_FILE;
        return -1;
    }
    int fd = open(src, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(why, why_size, "%s: %s", src, strerror(e));
        *err = e == ENOENT ? HR_ERR_MISSING : HR_ERR_TEMP;
        return -1;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        snprintf(why, why_size, "%s: not a regular file", src);
        *err = HR_ERR_NOT_FILE;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); /* plain blocking reads from here */
    return fd;
}

int hr_os_same_content(const char *a, const char *b)
{
    struct stat sa, sb;
    hr_error err;
    char why[16]; /* the reason is not needed: unreadable counts as different */
    int fa = open_regular(a, &sa, &err, why, sizeof why);
    int fb = open_regular(b, &sb, &err, why, sizeof why);
    int same = fa >= 0 && fb >= 0 && sa.st_size == sb.st_size;
    char x[1 << 15], y[1 << 15];
    for (off_t off = 0; same;) {
        ssize_t n = pread(fa, x, sizeof x, off);
        if (n <= 0) {
            same = n == 0;
            break;
        }
        same = pread(fb, y, (size_t)n, off) == n && memcmp(x, y, (size_t)n) == 0;
        off += n;
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    return same;
}

/* The part of a copy that is decided at once: the source opened (a regular file of at most
 * HR_MAX_LIBRARY_BYTES), dst created. HR_ERR_NONE with both open, else the code and why. */
static hr_error copy_open(const char *src, const char *dst, int *in, int *out, struct stat *before,
                          char *why, size_t why_size)
{
    hr_error err = HR_ERR_NONE;
    *in = open_regular(src, before, &err, why, why_size);
    if (*in < 0)
        return err;
    if ((uint64_t)before->st_size > HR_MAX_LIBRARY_BYTES) {
        close(*in);
        snprintf(why, why_size, "%s is %llu bytes, more than a library may be (%llu)", src,
                 (unsigned long long)before->st_size, (unsigned long long)HR_MAX_LIBRARY_BYTES);
        return HR_ERR_NOT_LIBRARY;
    }
    *out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0700);
    if (*out < 0) {
        snprintf(why, why_size, "cannot create the private copy %s: %s", dst, strerror(errno));
        close(*in);
        return HR_ERR_TEMP;
    }
    return HR_ERR_NONE;
}

/* Copies the bytes, closes both files and says how it went; removes dst unless all went well.
 * stop: see copy_bytes. */
static hr_error copy_run(const char *src, const char *dst, int in, int out,
                         const struct stat *before, atomic_int *stop, hr_file_sig *sig, char *why,
                         size_t why_size)
{
    struct stat after;
    hr_error err = HR_ERR_NONE;
    int rc = copy_bytes(in, out, (uint64_t)before->st_size, stop);
    int saved = errno;
    fstat(in, &after);
    close(in);
    if (close(out) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    *sig = sig_from_stat(before);
    hr_file_sig now = sig_from_stat(&after);
    if (rc < 0) {
        snprintf(why, why_size, "copying %s to %s failed: %s", src, dst, strerror(saved));
        err = HR_ERR_TEMP;
    } else if (rc > 0 || !hr_os_same_file(sig, &now)) {
        snprintf(why, why_size, "%s changed while it was copied (still being written)", src);
        err = HR_ERR_INCOMPLETE;
    }
    if (err != HR_ERR_NONE)
        unlink(dst); /* a copy cut short (a full disk) is never left behind */
    return err;
}

hr_error hr_os_copy(const char *src, const char *dst, hr_file_sig *sig, char *why, size_t why_size)
{
    int in, out;
    struct stat before;
    hr_error err = copy_open(src, dst, &in, &out, &before, why, why_size);
    if (err != HR_ERR_NONE)
        return err;
    return copy_run(src, dst, in, out, &before, NULL, sig, why, why_size);
}

/* A copy under way: its thread owns the files until done is set; the caller owns the rest. */
struct hr_copy {
    pthread_t thread;
    char *src, *dst; /* copies of the caller's paths */
    int in, out;
    struct stat before;
    atomic_int stop; /* hr_os_copy_cancel wants it over */
    atomic_int done; /* err, sig and why are set, the files closed */
    hr_error err;
    hr_file_sig sig;
    char why[768];
};

static void *copy_thread(void *arg)
{
    hr_copy *job = arg;
    job->err = copy_run(job->src, job->dst, job->in, job->out, &job->before, &job->stop, &job->sig,
                        job->why, sizeof job->why);
    atomic_store(&job->done, 1);
    return NULL;
}

static void free_copy(hr_copy *job)
{
    free(job->src);
    free(job->dst);
    free(job);
}

hr_error hr_os_copy_start(const char *src, const char *dst, hr_copy **job, char *why,
                          size_t why_size)
{
    *job = NULL;
    hr_copy *j = calloc(1, sizeof *j);
    if (j) {
        j->src = strdup(src);
        j->dst = strdup(dst);
    }
    if (!j || !j->src || !j->dst) {
        snprintf(why, why_size, "cannot copy %s: out of memory", src);
        if (j)
            free_copy(j);
        return HR_ERR_TEMP;
    }
    hr_error err = copy_open(src, dst, &j->in, &j->out, &j->before, why, why_size);
    if (err != HR_ERR_NONE) {
        free_copy(j);
        return err;
    }
    /* The thread starts with every signal blocked (the program's handlers are for its own
     * threads), set here so that none arrives before it could block them itself. A write past
     * RLIMIT_FSIZE then fails with EFBIG instead of raising SIGXFSZ. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, copy_thread, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(why, why_size, "cannot copy %s: thread: %s", src, strerror(rc));
        close(j->in);
        close(j->out);
        unlink(dst);
        free_copy(j);
        return HR_ERR_TEMP;
    }
    *job = j;
    return HR_ERR_NONE;
}

int hr_os_copy_poll(hr_copy *job, hr_error *err, hr_file_sig *sig, char *why, size_t why_size)
{
    if (!atomic_load(&job->done))
        return 1;
    pthread_join(job->thread, NULL); /* it has finished: returns at once */
    *err = job->err;
    *sig = job->sig;
    snprintf(why, why_size, "%s", job->why);
    free_copy(job);
    return 0;
}

void hr_os_copy_cancel(hr_copy *job)
{
    if (!job)
        return;
    atomic_store(&job->stop, 1);
    pthread_join(job->thread, NULL);
    unlink(job->dst);
    free_copy(job);
}

void hr_os_remove(const char *path)
{
    unlink(path);
}
