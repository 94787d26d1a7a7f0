/* test_core.c - unit tests of the hot-reload core (include/hr.h) on Linux, against fixture
 * libraries built from tests/fixtures/ (fx_v1/2/3.so return 1/2/3; fx_nosym.so lacks the
 * symbol; undef_fx.so needs a symbol nobody defines; ctor_*.so misbehave in a constructor).
 * The cases every platform shares are in core_cases.h; this file adds the Linux side of them
 * and the cases only Linux has. Every case works in its own temp directory. */
#include "check.h"
#include "hr.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char fixtures[512]; /* $B/tests/fixtures */
static char work[256];     /* this case's temp directory */
static char lib_path[300]; /* work/lib.so: the file the "build" writes */

static const char *const fx_names[] = { "fx_value", "fx_data" };

#define FX(name) name ".so"

#include "core_cases.h"

static const char *fixture(const char *name)
{
    static char path[700];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    return path;
}

static void new_work_dir(void)
{
    snprintf(work, sizeof work, "/tmp/hr-test-XXXXXX");
    if (!mkdtemp(work))
        abort();
    snprintf(lib_path, sizeof lib_path, "%s/lib.so", work);
}

static void remove_work_dir(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", work);
}

static void write_file(const char *path, const char *data, long size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, (size_t)size, f) != (size_t)size)
        abort();
    fclose(f);
}

/* What a well-behaved build does: write a temp name, rename it over the library. */
static void install(const char *fixture_name, const char *dst)
{
    static char buf[1 << 16];
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    FILE *in = fopen(fixture(fixture_name), "rb"), *out = fopen(tmp, "wb");
    size_t n, total = 0;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0 && fwrite(buf, 1, n, out) == n)
        total += n;
    if (!in || !out || ferror(in) || ferror(out) || total == 0 || fclose(out) != 0 ||
        rename(tmp, dst) != 0)
        abort();
    fclose(in);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static int mapped(const char *path)
{
    static char maps[1 << 20];
    long n = read_file("/proc/self/maps", maps, sizeof maps - 1);
    if (n < 0)
        return -1;
    maps[n] = 0;
    return strstr(maps, path) != NULL;
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void remove_file(const char *path)
{
    unlink(path);
}

static void make_dir(const char *path)
{
    mkdir(path, 0700);
}

/* inotify reports synchronously: the first check after a change sees it; polling may take a
 * second check to settle an in-place write. */
static hr_status check_until_changed(hr_lib *lib)
{
    hr_status st = HR_UNCHANGED;
    for (int tries = 0; tries < 3 && st == HR_UNCHANGED; tries++)
        st = hr_check(lib);
    return st;
}

static hr_status check_until_reloaded(hr_lib *lib)
{
    hr_status st = HR_UNCHANGED;
    for (int tries = 0; tries < 3 && st != HR_RELOADED; tries++)
        st = hr_check(lib);
    return st;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Checks while a build is being copied or pre-flighted, returns the first other status. The
 * deadline is generous (a sanitizer build on a busy machine): only a case that fails ever
 * reaches it. */
static hr_status check_while_checking(hr_lib *lib)
{
    hr_status st = HR_NOT_READY;
    for (double end = now_s() + 120; st == HR_NOT_READY && hr_is_checking(lib) && now_s() < end;) {
        st = hr_check(lib);
        if (st == HR_NOT_READY && hr_is_checking(lib))
            usleep(1000);
    }
    return st;
}

/* --- cases --------------------------------------------------------------------------------- */

static void build_restoring_older_mtime_is_seen(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    struct timeval old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    utimes(lib_path, old);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_POLL);
    install("fx_v2.so", lib_path);
    utimes(lib_path, old); /* same old mtime as the loaded build */
    hr_status st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "status %s, value %d", hr_status_name(st),
          value(slots));
    hr_close(lib);
    remove_work_dir();
}

/* The library's directory does not exist yet (a clean tree before its first build): the core
 * polls, and once the build made the directory and renamed the library in, the first check
 * loads it and the watch moves up to inotify, so the next build is seen at the first check. */
static void directory_made_by_the_first_build(void)
{
    new_work_dir();
    char dir[700], path[760];
    snprintf(dir, sizeof dir, "%s/build", work);
    snprintf(path, sizeof path, "%s/lib.so", dir);
    void *slots[2];
    heard h = { 0 }; /* keeps the default hook's lines off the test's output */
    hr_lib *lib = open_heard(path, slots, &h, NULL);
    CHECK(!hr_is_loaded(lib) && hr_error_code(lib) == HR_ERR_MISSING, "loaded nothing: %s",
          hr_error_text(lib));
    make_dir(dir);
    install("fx_v1.so", path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 1, "first check after the first build: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    install("fx_v2.so", path);
    st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "first check after the second build: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

static void text_file_is_not_a_library(void)
{
    new_work_dir();
    write_file(lib_path, "this is not a library\n", 22);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded a text file");
    CHECK(hr_error_code(lib) == HR_ERR_NOT_LIBRARY, "error %s: %s",
          hr_error_name(hr_error_code(lib)), hr_error_text(lib));
    CHECK(count_entries(hr_temp_dir(lib)) == 0, "rejected copy left behind");
    hr_close(lib);
    remove_work_dir();
}

static void bad_builds_keep_old_code(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.so"), buf, sizeof buf);
    struct {
        const char *what;
        long size;     /* bytes of fx_v2.so to keep */
        int zero_tail; /* then pad with zeros to the full size */
        hr_status want;
    } cases[] = {
        { "empty", 0, 0, HR_NOT_READY },           { "10 bytes", 10, 0, HR_NOT_READY },
        { "half", n / 2, 0, HR_NOT_READY },        { "all but 1 byte", n - 1, 0, HR_NOT_READY },
        { "zeroed tail", n / 2, 1, HR_NOT_READY },
    };
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", lib_path);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static char cut[1 << 20];
        memset(cut, 0, sizeof cut);
        memcpy(cut, buf, (size_t)cases[i].size);
        write_file(tmp, cut, cases[i].zero_tail ? n : cases[i].size);
        rename(tmp, lib_path);
        hr_status st = hr_check(lib);
        CHECK(st == cases[i].want, "%s: %s (%s)", cases[i].what, hr_status_name(st),
              hr_error_text(lib));
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: old code lost", cases[i].what);
    }
    install("fx_v2.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 2, "good build after bad ones");
    hr_close(lib);
    remove_work_dir();
}

static void in_place_writer_waits_for_close(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.so"), buf, sizeof buf);
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    int fd = open(lib_path, O_WRONLY | O_TRUNC);
    CHECK(write(fd, buf, (size_t)n / 2) == n / 2, "short write");
    hr_status st = hr_check(lib);
    CHECK(st == HR_NOT_READY, "half-written: %s", hr_status_name(st));
    CHECK(value(slots) == 1, "old code lost while writing");
    CHECK(write(fd, buf + n / 2, (size_t)(n - n / 2)) == n - n / 2, "short write");
    st = hr_check(lib);
    CHECK(st == HR_NOT_READY, "complete but still open: %s", hr_status_name(st));
    close(fd);
    st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after close: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

/* Files that can never load are refused with a reason naming what they are. */
static void foreign_files_are_refused(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v1.so"), buf, sizeof buf);
    char obj[700];
    snprintf(obj, sizeof obj, "%s/fx_v1.o", fixtures);
    struct {
        const char *what, *source, *reason;
        int patch; /* 1: flip e_machine to aarch64, 2: random bytes */
    } cases[] = {
        { "other architecture", NULL, "aarch64", 1 },
        { "random bytes", NULL, "not an ELF file", 2 },
        { "object file", obj, "object file", 0 },
        { "executable", "/proc/self/exe", "executable", 0 },
    };
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", lib_path);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static char data[1 << 22];
        long size = n;
        memcpy(data, buf, (size_t)n);
        if (cases[i].source)
            size = read_file(cases[i].source, data, sizeof data);
        if (cases[i].patch == 1)
            data[18] = (char)183, data[19] = 0; /* EM_AARCH64 */
        unsigned seed = 12345;
        for (long j = 0; cases[i].patch == 2 && j < size; j++)
            data[j] = (char)((seed = seed * 1103515245u + 12345u) >> 16);
        CHECK(size > 0, "%s: cannot read %s", cases[i].what, cases[i].source);
        if (size <= 0)
            continue;
        write_file(tmp, data, size);
        rename(tmp, lib_path);
        hr_status st = hr_check(lib);
        CHECK(st == HR_LOAD_FAILED, "%s: %s", cases[i].what, hr_status_name(st));
        CHECK(hr_error_code(lib) == HR_ERR_NOT_LIBRARY &&
                  strstr(hr_error_text(lib), cases[i].reason) != NULL,
              "%s: text '%s' lacks '%s'", cases[i].what, hr_error_text(lib), cases[i].reason);
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: old code lost", cases[i].what);
    }
    hr_close(lib);
    remove_work_dir();
}

/* A file that is no library is one error line; a build written in place, seen by two checks,
 * is one wait line. */
static void log_tells_bad_files_once(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.so"), buf, sizeof buf);
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    heard h = { 0 };
    hr_lib *lib = open_heard(lib_path, slots, &h, NULL);
    check_heard(&h, lib, 0, "first load");
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", lib_path);
    write_file(tmp, "this is not a library\n", 22);
    rename(tmp, lib_path);
    CHECK(hr_check(lib) == HR_LOAD_FAILED, "text file: %s", hr_error_text(lib));
    check_heard(&h, lib, 2, "text file");
    int fd = open(lib_path, O_WRONLY | O_TRUNC);
    CHECK(write(fd, buf, (size_t)n / 2) == n / 2, "short write");
    CHECK(hr_check(lib) == HR_NOT_READY, "half-written: %s", hr_error_text(lib));
    CHECK(write(fd, buf + n / 2, (size_t)(n - n / 2)) == n - n / 2, "short write");
    CHECK(hr_check(lib) == HR_NOT_READY, "still open: %s", hr_error_text(lib));
    close(fd);
    check_heard(&h, lib, 0, "written in place");
    CHECK(hr_check(lib) == HR_RELOADED, "after close: %s", hr_error_text(lib));
    check_heard(&h, lib, 0, "reload");
    hr_close(lib);
    remove_work_dir();
}

static void undefined_symbol_gives_dlerror(void)
{
    new_work_dir();
    install("undef_fx.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded a library with an undefined symbol");
    CHECK(hr_error_code(lib) == HR_ERR_DLOPEN, "error %s", hr_error_name(hr_error_code(lib)));
    CHECK(strstr(hr_error_text(lib), "fx_symbol_nobody_defines") != NULL,
          "dlerror text missing: %s", hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

static void extra_reference_is_reported(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    void *extra = dlopen(hr_loaded_path(lib), RTLD_NOW | RTLD_NOLOAD);
    install("fx_v2.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "reload with extra ref: %s", hr_status_name(st));
    CHECK(hr_error_code(lib) == HR_ERR_STILL_LOADED, "no still-loaded warning: %s",
          hr_error_name(hr_error_code(lib)));
    CHECK(strstr(hr_error_text(lib), "gnu-unique") != NULL, "warning names no cause: %s",
          hr_error_text(lib));
    if (extra)
        dlclose(extra);
    hr_close(lib);
    remove_work_dir();
}

static void private_dir_and_cleanup(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    /* A leftover of a killed process (pid 999999 does not exist) and one of a live one. */
    char stale[700], live[700], stale_file[800];
    snprintf(stale, sizeof stale, "%s/hr-999999-abcdef", work);
    snprintf(live, sizeof live, "%s/hr-%ld-abcdef", work, (long)getppid());
    mkdir(stale, 0700);
    mkdir(live, 0700);
    snprintf(stale_file, sizeof stale_file, "%s/1-lib.so", stale);
    write_file(stale_file, "x", 1);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char dir[700];
    snprintf(dir, sizeof dir, "%s", hr_temp_dir(lib));
    struct stat st;
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "private dir mode %o",
          st.st_mode & 0777);
    CHECK(access(stale, F_OK) != 0, "leftover of a dead process not removed");
    CHECK(access(live, F_OK) == 0, "directory of a live process removed");
    hr_close(lib);
    CHECK(access(dir, F_OK) != 0, "private dir %s survives hr_close", dir);
    rmdir(live);
    remove_work_dir();
}

static char preflight_path[600];

/* Checks until the pre-flight is over, returns the final status. The deadline is generous (a
 * sanitizer build on a busy machine): only a case that fails ever reaches it. */
static hr_status check_until_settled(hr_lib *lib)
{
    hr_status st = HR_NOT_READY;
    for (double end = now_s() + 120; st == HR_NOT_READY && now_s() < end;) {
        st = hr_check(lib);
        if (st == HR_NOT_READY)
            usleep(1000);
    }
    return st;
}

/* hr_open of lib_path with the pre-flight, stopped after timeout_ms (0: the default). */
static hr_lib *open_with_preflight(void **slots, int timeout_ms)
{
    return hr_open(&(hr_desc){ .path = lib_path,
                               .symbols = fx_names,
                               .symbol_count = 2,
                               .slots = slots,
                               .temp_dir = work,
                               .preflight = preflight_path,
                               .preflight_timeout_ms = timeout_ms });
}

static void preflight_loads_good_builds(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    heard h = { 0 };
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .temp_dir = work,
                                      .log = hear,
                                      .user = &h,
                                      .preflight = preflight_path });
    CHECK(hr_is_loaded(lib) && value(slots) == 1, "first load: %s", hr_error_text(lib));
    check_heard(&h, lib, 0, "first load");
    install("fx_v2.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_NOT_READY && value(slots) == 1, "while checking: %s", hr_status_name(st));
    CHECK(hr_error_code(lib) == HR_ERR_CHECKING && strstr(hr_error_text(lib), "(pre-flight)"),
          "while checking: %s (%s)", hr_error_name(hr_error_code(lib)), hr_error_text(lib));
    CHECK(h.calls == 0, "the pre-flight was told as a wait: %s", h.text);
    st = check_until_settled(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after pre-flight: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    check_heard(&h, lib, 0, "load after the pre-flight");
    CHECK(hr_last_timing(lib).preflight_ns > 0, "no pre-flight time recorded");
    hr_close(lib);
    remove_work_dir();
}

/* 1 if text contains one of the '|'-separated words. */
static int contains_any(const char *text, const char *words)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", words);
    for (char *w = strtok(buf, "|"); w; w = strtok(NULL, "|"))
        if (strstr(text, w))
            return 1;
    return 0;
}

/* The looping constructor is stopped after a short pre-flight timeout; every other bad build
 * gets a generous one, so that a slow pre-flight on a busy machine is not taken for a loop. */
static void preflight_survives_bad_constructors(void)
{
    struct {
        const char *fixture, *reason;
        int timeout_ms;
    } cases[] = {
        /* In sanitizer builds the sanitizer reports the crash and exits instead. */
        { "ctor_crash.so", "SIGSEGV|runtime error|AddressSanitizer", 60000 },
        { "ctor_abort.so", "SIGABRT|AddressSanitizer", 60000 },
        { "ctor_exit.so", "exited with status 7", 60000 },
        /* Stopped by its CPU time; on a machine too busy to give it a fifth of a core, by the
         * waiting limit (five times the timeout). */
        { "ctor_loop.so", "did not finish within 300 ms of its CPU time|within 1500 ms, using",
          300 },
        { "ctor_block.so", "did not finish within 1500 ms, using", 300 },
        { "undef_fx.so", "fx_symbol_nobody_defines", 60000 },
        { "fx_nosym.so", "'fx_value'", 60000 },
    };
    new_work_dir();
    void *slots[2];
    hr_lib *lib = NULL;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!lib || (i > 0 && cases[i].timeout_ms != cases[i - 1].timeout_ms)) {
            hr_close(lib);
            install("fx_v1.so", lib_path);
            lib = open_with_preflight(slots, cases[i].timeout_ms);
            CHECK(hr_is_loaded(lib), "first load: %s", hr_error_text(lib));
        }
        install(cases[i].fixture, lib_path);
        hr_status st = check_until_settled(lib);
        CHECK(st == HR_LOAD_FAILED, "%s: %s", cases[i].fixture, hr_status_name(st));
        CHECK(contains_any(hr_error_text(lib), cases[i].reason), "%s: text '%s' lacks '%s'",
              cases[i].fixture, hr_error_text(lib), cases[i].reason);
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: old code lost", cases[i].fixture);
    }
    /* A missing symbol has the same code whether the pre-flight or the core finds it. */
    install("fx_nosym.so", lib_path);
    CHECK(check_until_settled(lib) == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_SYMBOL,
          "missing symbol in the pre-flight: %s", hr_error_name(hr_error_code(lib)));
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "%d files left in the private dir",
          count_entries(hr_temp_dir(lib)));
    install("fx_v3.so", lib_path);
    CHECK(check_until_settled(lib) == HR_RELOADED && value(slots) == 3, "good build after");
    hr_close(lib);
    remove_work_dir();
}

/* The timeout is the pre-flight's CPU time: a constructor that waits twice the timeout
 * (ctor_slow.so, 600 ms) without running loads, on an idle machine or a busy one. */
static void preflight_waiting_is_not_looping(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_with_preflight(slots, 300);
    CHECK(hr_is_loaded(lib), "first load: %s", hr_error_text(lib));
    install("ctor_slow.so", lib_path);
    hr_status st = check_until_settled(lib);
    CHECK(st == HR_RELOADED && value(slots) == 7, "slow constructor: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    CHECK(hr_last_timing(lib).preflight_ns >= 600000000u, "pre-flight took %llu ns, under 600 ms",
          (unsigned long long)hr_last_timing(lib).preflight_ns);
    hr_close(lib);
    remove_work_dir();
}

/* Nothing planted in the copy directory is followed, and nothing of another user is removed. */
static void planted_files_are_refused(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    /* The next copy will be "2-lib.so": plant a symlink there pointing at a victim file. */
    char planted[700], victim[700];
    snprintf(planted, sizeof planted, "%s/2-lib.so", hr_temp_dir(lib));
    snprintf(victim, sizeof victim, "%s/victim", work);
    write_file(victim, "keep", 4);
    CHECK(symlink(victim, planted) == 0, "could not plant a symlink");
    install("fx_v2.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_TEMP, "planted symlink: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    char buf[16] = "";
    CHECK(read_file(victim, buf, sizeof buf) == 4 && memcmp(buf, "keep", 4) == 0,
          "the symlink's target was written through");
    CHECK(value(slots) == 1, "old code lost");
    install("fx_v3.so", lib_path); /* the next copy has a fresh name */
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 3, "no reload after the refusal");
    hr_close(lib);

    /* A leftover directory of a dead process that belongs to someone else stays. */
    char foreign[700];
    snprintf(foreign, sizeof foreign, "%s/hr-999998-foreign", work);
    mkdir(foreign, 0700);
    int chowned = geteuid() == 0 && chown(foreign, 65534, 65534) == 0;
    lib = open_lib(slots, HR_WATCH_DEFAULT);
    if (chowned)
        CHECK(access(foreign, F_OK) == 0, "another user's directory was removed");
    hr_close(lib);
    rmdir(foreign);
    remove_work_dir();
}

#include "core_hostile.h"

int main(void)
{
    const char *b = getenv("B");
    snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures", b && b[0] ? b : "build");
    snprintf(preflight_path, sizeof preflight_path, "%s/hr-preflight", b && b[0] ? b : "build");
    check_cleanup = remove_work_dir; /* a failed case leaves no temp directory */
    int passed = 0, failed = 0;
#define RUN_CASE(fn) RUN(fn, passed, failed);
    CORE_CASES(RUN_CASE)
    RUN(build_restoring_older_mtime_is_seen, passed, failed);
    RUN(directory_made_by_the_first_build, passed, failed);
    RUN(text_file_is_not_a_library, passed, failed);
    RUN(bad_builds_keep_old_code, passed, failed);
    RUN(in_place_writer_waits_for_close, passed, failed);
    RUN(foreign_files_are_refused, passed, failed);
    RUN(log_tells_bad_files_once, passed, failed);
    RUN(undefined_symbol_gives_dlerror, passed, failed);
    RUN(extra_reference_is_reported, passed, failed);
    RUN(private_dir_and_cleanup, passed, failed);
    RUN(preflight_loads_good_builds, passed, failed);
    RUN(preflight_survives_bad_constructors, passed, failed);
    RUN(preflight_waiting_is_not_looping, passed, failed);
    RUN(planted_files_are_refused, passed, failed);
    HOSTILE_CASES(RUN_CASE)
    return failed != 0;
}
