/* core_hostile.h - the core's Linux cases against hostile files and a system at its limits:
 * a named pipe or a device where the library should be, a file of gigabytes, a disk that fills
 * up during the copy, a library path that is a chain of symbolic links, touch and chmod of a
 * library that did not change, inotify at its limits, temp directories that cannot hold one,
 * a big build's copy in a thread meeting a pre-flight, a writer, a full disk or a change.
 * Included by
 * tests/test_core.c after its helpers (work, lib_path, install, write_file, open_heard,
 * open_with_preflight, ...);
 * HOSTILE_CASES(X) lists the cases for its RUN lines.
 */
#ifndef CORE_HOSTILE_H
#define CORE_HOSTILE_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>

#define HOSTILE_CASES(X)                                                                           \
    X(named_pipe_never_blocks)                                                                     \
    X(huge_files_are_not_copied)                                                                   \
    X(symlinked_library_sees_its_target)                                                           \
    X(touch_and_chmod_are_no_build)                                                                \
    X(polling_instead_of_inotify_is_told)                                                          \
    X(unusable_temp_dirs_are_skipped)                                                              \
    X(big_build_copies_meet_trouble)

/* A reader stuck in open() of a named pipe waits for a writer forever. The guard opens the
 * pipe's writing end after a generous deadline, which lets such a reader go on: the case then
 * fails ("released") instead of hanging the suite. Static: a case that ends early leaves it
 * to stop by itself. */
static struct {
    pthread_t thread;
    char path[300];
    atomic_int done, released;
} pipe_guard;

static void *guard_pipe(void *arg)
{
    (void)arg;
    for (int ms = 0; ms < 10000 && !atomic_load(&pipe_guard.done); ms++)
        usleep(1000);
    for (int ms = 0; ms < 10000 && !atomic_load(&pipe_guard.done); ms++) {
        int fd = open(pipe_guard.path, O_WRONLY | O_NONBLOCK); /* ENXIO: no reader waits */
        if (fd >= 0) {
            atomic_store(&pipe_guard.released, 1);
            close(fd);
        }
        usleep(1000);
    }
    return NULL;
}

static void start_pipe_guard(const char *path)
{
    snprintf(pipe_guard.path, sizeof pipe_guard.path, "%s", path);
    atomic_store(&pipe_guard.done, 0);
    atomic_store(&pipe_guard.released, 0);
    if (pthread_create(&pipe_guard.thread, NULL, guard_pipe, NULL) != 0)
        abort();
}

static void stop_pipe_guard(void)
{
    atomic_store(&pipe_guard.done, 1);
    pthread_join(pipe_guard.thread, NULL);
}

/* A named pipe (or a device) where the library should be: at open and at a check, the core
 * says what it is without opening it to read, and the next real build loads. */
static void named_pipe_never_blocks(void)
{
    new_work_dir();
    CHECK(mkfifo(lib_path, 0600) == 0, "mkfifo: %s", strerror(errno));
    start_pipe_guard(lib_path);
    void *slots[2];
    heard h = { 0 };
    hr_lib *lib = open_heard(lib_path, slots, &h, NULL);
    CHECK(!atomic_load(&pipe_guard.released), "hr_open blocked on the named pipe");
    CHECK(!hr_is_loaded(lib) && hr_error_code(lib) == HR_ERR_NOT_FILE &&
              strstr(hr_error_text(lib), "named pipe") && strstr(hr_error_text(lib), lib_path),
          "at open: %s", hr_error_text(lib));
    install("fx_v1.so", lib_path); /* renamed over the pipe */
    hr_status st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 1, "build after the pipe: %s (%s)",
          hr_status_name(st), hr_error_text(lib));

    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.fifo", lib_path);
    CHECK(mkfifo(tmp, 0600) == 0 && rename(tmp, lib_path) == 0, "pipe over the library");
    st = check_until_changed(lib);
    CHECK(!atomic_load(&pipe_guard.released), "hr_check blocked on the named pipe");
    CHECK(st == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_NOT_FILE &&
              strstr(hr_error_text(lib), "named pipe"),
          "pipe at a check: %s (%s)", hr_status_name(st), hr_error_text(lib));
    CHECK(hr_is_loaded(lib) && value(slots) == 1, "old code lost");
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "%d files in the private dir (want 1)",
          count_entries(hr_temp_dir(lib)));

    CHECK(symlink("/dev/zero", tmp) == 0 && rename(tmp, lib_path) == 0, "device link");
    st = check_until_changed(lib);
    CHECK(st == HR_LOAD_FAILED && strstr(hr_error_text(lib), "a device"), "device: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    install("fx_v2.so", lib_path);
    st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "build after the device: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    stop_pipe_guard();
    hr_close(lib);
    remove_work_dir();
}

/* Writes beyond bytes fail with EFBIG from now on, as on a full disk (SIGXFSZ ignored); 0
 * lifts the limit. A core that copies a file it should have turned away unread hits it. */
static void limit_file_size(rlim_t bytes)
{
    struct rlimit r;
    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = bytes ? bytes : r.rlim_max;
    signal(SIGXFSZ, bytes ? SIG_IGN : SIG_DFL);
    if (setrlimit(RLIMIT_FSIZE, &r) != 0)
        abort();
}

/* A file of size bytes at path, renamed into place, holding data's first head bytes and a
 * hole after them (no disk space used). */
static void install_sparse(const char *path, const char *data, long head, uint64_t size)
{
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0 || write(fd, data, (size_t)head) != head || ftruncate(fd, (off_t)size) != 0 ||
        close(fd) != 0 || rename(tmp, path) != 0)
        abort();
}

/* Gigabytes at the library path are turned away before a byte is copied: zeros as a build
 * still being written, a library grown past HR_MAX_LIBRARY_BYTES as too large. A copy that
 * fails half way (a full disk) leaves no partial file. The old code runs throughout. */
static void huge_files_are_not_copied(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.so"), buf, sizeof buf);
    struct {
        const char *what;
        long head;     /* bytes of fx_v2.so at the start */
        uint64_t size; /* the file's size, a hole after head */
        hr_status want;
        hr_error code;
        const char *text;
    } cases[] = {
        { "2 GiB of zeros", 0, (uint64_t)2 << 30, HR_NOT_READY, HR_ERR_INCOMPLETE, "zero bytes" },
        { "a library grown past the limit", n, HR_MAX_LIBRARY_BYTES + 1, HR_LOAD_FAILED,
          HR_ERR_NOT_LIBRARY, "more than a library may be" },
    };
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    heard h = { 0 };
    hr_lib *lib = open_heard(lib_path, slots, &h, NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        install_sparse(lib_path, buf, cases[i].head, cases[i].size);
        limit_file_size(64 << 20);
        hr_status st = check_until_changed(lib);
        limit_file_size(0);
        CHECK(st == cases[i].want && hr_error_code(lib) == cases[i].code &&
                  strstr(hr_error_text(lib), cases[i].text),
              "%s: %s (%s)", cases[i].what, hr_status_name(st), hr_error_text(lib));
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: old code lost", cases[i].what);
        CHECK(count_entries(hr_temp_dir(lib)) == 1, "%s: %d files in the private dir (want 1)",
              cases[i].what, count_entries(hr_temp_dir(lib)));
    }
    install("fx_v2.so", lib_path);
    limit_file_size(4096);
    hr_status st = check_until_changed(lib);
    limit_file_size(0);
    CHECK(st == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_TEMP, "full disk: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "full disk: %d files in the private dir (want 1)",
          count_entries(hr_temp_dir(lib)));
    install("fx_v3.so", lib_path);
    st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 3, "good build after: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

/* What a build writing in place does: the fixture's bytes into the existing file. */
static void write_in_place(const char *fixture_name, const char *dst)
{
    static char buf[1 << 20];
    long n = read_file(fixture(fixture_name), buf, sizeof buf);
    int fd = open(dst, O_WRONLY | O_TRUNC);
    if (n <= 0 || fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) != 0)
        abort();
}

/* Points the link at path to target, the way `ln -sfn` with a rename does: never missing. */
static void relink(const char *target, const char *path)
{
    char tmp[800];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    if (symlink(target, tmp) != 0 || rename(tmp, path) != 0)
        abort();
}

/* The library path is a chain of links, link.so -> mid.so -> build/lib.so: rebuilds of the
 * file it ends at load (renamed in or written in place), and so do re-pointing a link on the
 * way and the rebuilds of its new target; with the native watch and with polling. */
static void symlinked_library_sees_its_target(void)
{
    static const char *const mode_names[] = { "native", "poll" };
    for (int mode = 0; mode < 2; mode++) {
        new_work_dir();
        char dir[700], target[760], other[760], mid[760], link[760];
        snprintf(dir, sizeof dir, "%s/build", work);
        snprintf(target, sizeof target, "%s/lib.so", dir);
        snprintf(other, sizeof other, "%s/other.so", work);
        snprintf(mid, sizeof mid, "%s/mid.so", work);
        snprintf(link, sizeof link, "%s/link.so", work);
        make_dir(dir);
        install("fx_v1.so", target);
        relink("build/lib.so", mid);
        relink("mid.so", link);
        void *slots[2];
        hr_lib *lib = hr_open(&(hr_desc){ .path = link,
                                          .symbols = fx_names,
                                          .symbol_count = 2,
                                          .slots = slots,
                                          .watch = mode ? HR_WATCH_POLL : HR_WATCH_DEFAULT,
                                          .temp_dir = work });
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: first load: %s", mode_names[mode],
              hr_error_text(lib));
        struct {
            const char *what;
            int value;
        } steps[] = {
            { "target renamed into place", 2 }, { "target written in place", 3 },
            { "middle link re-pointed", 1 },    { "new target rebuilt", 2 },
            { "first link re-pointed", 3 },     { "target rebuilt again", 1 },
        };
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
            switch (i) {
            case 0: install("fx_v2.so", target); break;
            case 1: write_in_place("fx_v3.so", target); break;
            case 2:
                install("fx_v1.so", other);
                relink("other.so", mid);
                break;
            case 3: install("fx_v2.so", other); break;
            case 4: relink("build/lib.so", link); break;
            default: install("fx_v1.so", target); break;
            }
            hr_status st = check_until_reloaded(lib);
            CHECK(st == HR_RELOADED && value(slots) == steps[i].value, "%s: %s: %s (%s), value %d",
                  mode_names[mode], steps[i].what, hr_status_name(st), hr_error_text(lib),
                  value(slots));
        }
        hr_close(lib);
        remove_work_dir();
    }
}

/* touch, chmod and a rewrite with the very same bytes leave the running build running: no
 * reload, no version, no log line (polling may tell one wait while the times settle). A
 * rewrite in place with other bytes of the same size loads, and hr_reload still loads. */
static void touch_and_chmod_are_no_build(void)
{
    static const char *const mode_names[] = { "native", "poll" };
    for (int mode = 0; mode < 2; mode++) {
        new_work_dir();
        install("fx_v1.so", lib_path);
        void *slots[2];
        heard h = { 0 };
        hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                          .symbols = fx_names,
                                          .symbol_count = 2,
                                          .slots = slots,
                                          .watch = mode ? HR_WATCH_POLL : HR_WATCH_DEFAULT,
                                          .temp_dir = work,
                                          .log = hear,
                                          .user = &h });
        h.calls = 0;
        for (int i = 0; i < 13; i++) {
            const char *what = i < 10    ? "touch"
                               : i == 10 ? "chmod"
                               : i == 11 ? "chmod back"
                                         : "same bytes";
            struct timeval t[2] = { { 1000000000 + i, 0 }, { 1000000000 + i, 0 } };
            if (i < 10)
                utimes(lib_path, t);
            else if (i < 12)
                chmod(lib_path, i == 10 ? 0700 : 0755);
            else
                write_in_place("fx_v1.so", lib_path);
            hr_status st = HR_UNCHANGED;
            for (int tries = 0; tries < 3 && st != HR_RELOADED; tries++)
                st = hr_check(lib);
            CHECK(st != HR_RELOADED && hr_version(lib) == 1 && value(slots) == 1,
                  "%s: %s %d: %s, version %u", mode_names[mode], what, i, hr_status_name(st),
                  hr_version(lib));
        }
        CHECK(mode == 1 || h.calls == 0, "%s: %d log lines, last '%s'", mode_names[mode], h.calls,
              h.text);
        write_in_place("fx_v2.so", lib_path); /* the same size, other bytes */
        hr_status st = check_until_reloaded(lib);
        CHECK(st == HR_RELOADED && value(slots) == 2, "%s: other bytes in place: %s (%s)",
              mode_names[mode], hr_status_name(st), hr_error_text(lib));
        CHECK(hr_reload(lib) == HR_RELOADED && hr_version(lib) == 3, "%s: forced reload: %s",
              mode_names[mode], hr_error_text(lib));
        hr_close(lib);
        remove_work_dir();
    }
}

/* The core's inotify calls come here first (a definition in the program wins over libc's), so
 * a case can make them fail the way a system at its limits does: inotify_init1 with EMFILE
 * (fs.inotify.max_user_instances), inotify_add_watch with ENOSPC (max_user_watches). */
static int fail_inotify; /* the errno to fail with; 0: the real calls */

int inotify_init1(int flags)
{
    if (fail_inotify == EMFILE) {
        errno = EMFILE;
        return -1;
    }
    return (int)syscall(SYS_inotify_init1, flags);
}

int inotify_add_watch(int fd, const char *path, uint32_t mask)
{
    if (fail_inotify == ENOSPC) {
        errno = ENOSPC;
        return -1;
    }
    return (int)syscall(SYS_inotify_add_watch, fd, path, mask);
}

/* A log hook that counts the warnings (level 1) and keeps the last one's text. */
typedef struct warned {
    int count;
    char text[1024];
} warned;

static void hear_warnings(int level, const char *text, void *user)
{
    warned *w = user;
    if (level == 1) {
        w->count++;
        snprintf(w->text, sizeof w->text, "%s", text);
    }
}

/* Without inotify the core polls, and says so once, with the reason, as a warning; builds
 * still load. A directory that does not exist yet (a clean tree) is no reason to warn. */
static void polling_instead_of_inotify_is_told(void)
{
    struct {
        int error;
        const char *reason;
    } cases[] = { { EMFILE, "max_user_instances" }, { ENOSPC, "max_user_watches" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        new_work_dir();
        install("fx_v1.so", lib_path);
        void *slots[2];
        warned w = { 0 };
        fail_inotify = cases[i].error;
        hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                          .symbols = fx_names,
                                          .symbol_count = 2,
                                          .slots = slots,
                                          .temp_dir = work,
                                          .log = hear_warnings,
                                          .user = &w });
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: first load: %s", cases[i].reason,
              hr_error_text(lib));
        CHECK(w.count == 1 && strstr(w.text, "polling") && strstr(w.text, cases[i].reason) &&
                  strstr(w.text, lib_path),
              "%s: %d warnings, last '%s'", cases[i].reason, w.count, w.text);
        for (int v = 2; v <= 3; v++) {
            install(v == 2 ? "fx_v2.so" : "fx_v3.so", lib_path);
            hr_status st = check_until_reloaded(lib);
            CHECK(st == HR_RELOADED && value(slots) == v, "%s: build %d: %s (%s)", cases[i].reason,
                  v, hr_status_name(st), hr_error_text(lib));
        }
        CHECK(w.count == 1, "%s: told %d times", cases[i].reason, w.count);
        fail_inotify = 0;
        hr_close(lib);
        remove_work_dir();
    }
    new_work_dir();
    char path[700];
    snprintf(path, sizeof path, "%s/build/lib.so", work);
    warned w = { 0 };
    hr_lib *lib =
        hr_open(&(hr_desc){ .path = path, .temp_dir = work, .log = hear_warnings, .user = &w });
    CHECK(w.count == 0, "warned of a directory that does not exist yet: '%s'", w.text);
    hr_close(lib);
    remove_work_dir();
}

/* $XDG_RUNTIME_DIR or $TMPDIR that exist but cannot hold a directory (a file, /proc) are
 * skipped like unset ones: the private directory goes to the next candidate, the game loads. */
static void unusable_temp_dirs_are_skipped(void)
{
    char saved_xdg[700] = "", saved_tmp[700] = "", file[700], usable[700];
    const char *xdg = getenv("XDG_RUNTIME_DIR"), *tmp = getenv("TMPDIR");
    snprintf(saved_xdg, sizeof saved_xdg, "%s", xdg ? xdg : "");
    snprintf(saved_tmp, sizeof saved_tmp, "%s", tmp ? tmp : "");
    new_work_dir();
    install("fx_v1.so", lib_path);
    snprintf(file, sizeof file, "%s/a-file", work);
    write_file(file, "x", 1);
    chmod(file, 0700); /* "writable and searchable" to access(), still no directory */
    snprintf(usable, sizeof usable, "%s/usable", work);
    make_dir(usable);
    struct {
        const char *xdg, *tmp, *want; /* want: the private directory's parent, NULL: any other */
    } cases[] = { { file, usable, usable }, { "/proc", usable, usable }, { file, "/proc", NULL } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("XDG_RUNTIME_DIR", cases[i].xdg, 1);
        setenv("TMPDIR", cases[i].tmp, 1);
        void *slots[2];
        hr_lib *lib = hr_open(
            &(hr_desc){ .path = lib_path, .symbols = fx_names, .symbol_count = 2, .slots = slots });
        const char *dir = hr_temp_dir(lib);
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "XDG_RUNTIME_DIR=%s TMPDIR=%s: %s",
              cases[i].xdg, cases[i].tmp, hr_error_text(lib));
        CHECK(
            cases[i].want ? strncmp(dir, cases[i].want, strlen(cases[i].want)) == 0
                          : strncmp(dir, file, strlen(file)) != 0 && strncmp(dir, "/proc", 5) != 0,
            "XDG_RUNTIME_DIR=%s TMPDIR=%s: private directory %s", cases[i].xdg, cases[i].tmp, dir);
        hr_close(lib);
    }
    if (saved_xdg[0])
        setenv("XDG_RUNTIME_DIR", saved_xdg, 1);
    else
        unsetenv("XDG_RUNTIME_DIR");
    if (saved_tmp[0])
        setenv("TMPDIR", saved_tmp, 1);
    else
        unsetenv("TMPDIR");
    remove_work_dir();
}

/* The core's sendfile calls come here first too. An armed gate holds the copy at its second
 * slice until the case says go: the case then acts while the copy is surely under way,
 * however fast or slow the machine. A generous deadline lets a forgotten copy go on. */
static struct {
    atomic_int armed, calls, held, go;
} copy_gate;

ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
    if (atomic_load(&copy_gate.armed) && atomic_fetch_add(&copy_gate.calls, 1) == 1) {
        atomic_store(&copy_gate.held, 1);
        for (int ms = 0; ms < 120000 && !atomic_load(&copy_gate.go); ms++)
            usleep(1000);
    }
    return (ssize_t)syscall(SYS_sendfile, out_fd, in_fd, offset, count);
}

static void arm_copy_gate(void)
{
    atomic_store(&copy_gate.calls, 0);
    atomic_store(&copy_gate.held, 0);
    atomic_store(&copy_gate.go, 0);
    atomic_store(&copy_gate.armed, 1);
}

/* 1 once the copy waits at the gate (0 if it never came). */
static int copy_held(void)
{
    for (double end = now_s() + 120; !atomic_load(&copy_gate.held) && now_s() < end;)
        usleep(1000);
    return atomic_load(&copy_gate.held);
}

static void open_copy_gate(void)
{
    atomic_store(&copy_gate.go, 1);
    atomic_store(&copy_gate.armed, 0);
}

/* A big build's copy, made in a thread, on the rough paths: hr_open waits for it and its
 * pre-flight, and a check goes from the copy to the pre-flight; a writer starting in place
 * during the copy stops it; a disk that fills up fails it (HR_ERR_TEMP); a source that changes
 * while it is copied is not loaded (HR_ERR_INCOMPLETE). No partial copy stays, the old code
 * runs throughout. */
static void big_build_copies_meet_trouble(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.so"), buf, sizeof buf);
    new_work_dir();
    install("fx_big.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_with_preflight(slots, 0);
    CHECK(hr_is_loaded(lib) && value(slots) == 3 && !hr_is_checking(lib),
          "hr_open of a big build: %s", hr_error_text(lib));
    install("fx_v1.so", lib_path);
    CHECK(check_until_settled(lib) == HR_RELOADED && value(slots) == 1, "small build: %s",
          hr_error_text(lib));
    install("fx_big.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_NOT_READY && strstr(hr_error_text(lib), "being copied"), "copy: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    while (st == HR_NOT_READY && !strstr(hr_error_text(lib), "(pre-flight)") &&
           hr_is_checking(lib)) {
        usleep(1000);
        st = hr_check(lib);
    }
    CHECK(st == HR_NOT_READY && hr_error_code(lib) == HR_ERR_CHECKING && hr_is_checking(lib),
          "after the copy, the pre-flight: %s (%s)", hr_status_name(st), hr_error_text(lib));
    st = check_until_settled(lib);
    CHECK(st == HR_RELOADED && value(slots) == 3, "big build after its pre-flight: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    hr_close(lib);

    install("fx_v1.so", lib_path);
    lib = open_lib(slots, HR_WATCH_DEFAULT);
    install("fx_big.so", lib_path);
    st = hr_check(lib);
    CHECK(st == HR_NOT_READY && hr_is_checking(lib), "copy: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    int fd = open(lib_path, O_WRONLY | O_TRUNC);
    CHECK(write(fd, buf, (size_t)n / 2) == n / 2, "short write");
    st = hr_check(lib);
    CHECK(st == HR_NOT_READY && hr_error_code(lib) == HR_ERR_INCOMPLETE && !hr_is_checking(lib),
          "a writer during the copy: %s (%s)", hr_status_name(st), hr_error_text(lib));
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "writer: %d files in the private dir (want 1)",
          count_entries(hr_temp_dir(lib)));
    CHECK(write(fd, buf + n / 2, (size_t)(n - n / 2)) == n - n / 2, "short write");
    close(fd);
    st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after the writer: %s (%s)", hr_status_name(st),
          hr_error_text(lib));

    install("fx_big.so", lib_path);
    limit_file_size(4096);
    st = hr_check(lib);
    hr_status end = check_while_checking(lib);
    limit_file_size(0);
    CHECK(st == HR_NOT_READY && end == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_TEMP &&
              strstr(hr_error_text(lib), "failed"),
          "full disk: %s then %s (%s)", hr_status_name(st), hr_status_name(end),
          hr_error_text(lib));
    CHECK(hr_is_loaded(lib) && value(slots) == 2, "full disk: old code lost");
    CHECK(count_entries(hr_temp_dir(lib)) == 2, "full disk: %d files in the private dir (want 2)",
          count_entries(hr_temp_dir(lib)));
    hr_close(lib);

    install("fx_v1.so", lib_path);
    lib = open_lib(slots, HR_WATCH_NONE);
    install("fx_big.so", lib_path);
    arm_copy_gate();
    st = hr_reload(lib);
    int held = copy_held();
    if (held && truncate(lib_path, 1 << 20) != 0)
        held = 0;
    open_copy_gate();
    CHECK(st == HR_NOT_READY && held, "copy: %s (%s), held %d", hr_status_name(st),
          hr_error_text(lib), held);
    st = check_while_checking(lib);
    CHECK(st == HR_NOT_READY && hr_error_code(lib) == HR_ERR_INCOMPLETE &&
              strstr(hr_error_text(lib), "changed while it was copied"),
          "changed during the copy: %s (%s)", hr_status_name(st), hr_error_text(lib));
    CHECK(hr_is_loaded(lib) && value(slots) == 1, "changed: old code lost");
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "changed: %d files in the private dir (want 1)",
          count_entries(hr_temp_dir(lib)));
    hr_close(lib);
    remove_work_dir();
}

#endif /* CORE_HOSTILE_H */
