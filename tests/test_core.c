/* test_core.c - unit tests of the hot-reload core (include/hr.h) against fixture libraries
 * built from tests/fixtures/ (fx_v1/2/3.so return 1/2/3; fx_nosym.so lacks the symbol;
 * undef_fx.so needs a symbol nobody defines). Every case works in its own temp directory. */
#include "check.h"
#include "hr.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char fixtures[512]; /* $B/tests/fixtures */
static char work[256];     /* this case's temp directory */
static char lib_path[300]; /* work/lib.so: the file the "build" writes */

static const char *const fx_names[] = { "fx_value", "fx_data" };

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

static long read_file(const char *path, char *buf, long cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long n = (long)fread(buf, 1, (size_t)cap, f);
    fclose(f);
    return n;
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
    static char buf[1 << 20];
    char tmp[700];
    long n = read_file(fixture(fixture_name), buf, sizeof buf);
    if (n <= 0)
        abort();
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    write_file(tmp, buf, n);
    if (rename(tmp, dst) != 0)
        abort();
}

static int value(void *const *slots)
{
    return ((int (*)(void))slots[0])();
}

static hr_lib *open_lib(void **slots, hr_watch_mode mode)
{
    return hr_open(&(hr_desc){ .path = lib_path,
                               .symbols = fx_names,
                               .symbol_count = 2,
                               .slots = slots,
                               .watch = mode,
                               .temp_dir = work });
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

/* --- cases --------------------------------------------------------------------------------- */

static void open_loads_and_resolves(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(hr_is_loaded(lib), "not loaded: %s", hr_error_text(lib));
    CHECK(hr_error_code(lib) == HR_ERR_NONE, "error %s", hr_error_text(lib));
    CHECK(value(slots) == 1, "fx_value() = %d", value(slots));
    CHECK(*(const int *)slots[1] == 1, "data symbol = %d", *(const int *)slots[1]);
    CHECK(hr_slot(lib, 0) == slots[0], "hr_slot differs from the caller's slot");
    CHECK(hr_version(lib) == 1, "version %u", hr_version(lib));
    const char *copy = hr_loaded_path(lib);
    CHECK(copy && strncmp(copy, hr_temp_dir(lib), strlen(hr_temp_dir(lib))) == 0,
          "loaded %s, not a copy in %s", copy ? copy : "NULL", hr_temp_dir(lib));
    CHECK(hr_check(lib) == HR_UNCHANGED, "idle check is not UNCHANGED");
    hr_close(lib);
    remove_work_dir();
}

static void reload_on_rename(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char old_copy[700];
    snprintf(old_copy, sizeof old_copy, "%s", hr_loaded_path(lib));
    install("fx_v2.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_RELOADED, "check after rename: %s (%s)", hr_status_name(st), hr_error_text(lib));
    CHECK(value(slots) == 2, "fx_value() = %d after reload", value(slots));
    CHECK(hr_version(lib) == 2, "version %u", hr_version(lib));
    CHECK(mapped(old_copy) == 0, "old copy %s still mapped", old_copy);
    CHECK(access(old_copy, F_OK) == 0, "old copy %s not kept for rollback", old_copy);
    CHECK(hr_check(lib) == HR_UNCHANGED, "second check not UNCHANGED");
    install("fx_v3.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 3, "third build");
    CHECK(access(old_copy, F_OK) != 0, "copy two builds back %s still on disk", old_copy);
    CHECK(count_entries(hr_temp_dir(lib)) == 2, "%d files in the private dir (want 2)",
          count_entries(hr_temp_dir(lib)));
    hr_close(lib);
    remove_work_dir();
}

static void five_builds_in_one_second_all_seen(void)
{
    static const char *const order[] = { "fx_v2.so", "fx_v3.so", "fx_v1.so", "fx_v2.so",
                                         "fx_v3.so" };
    static const int expect[] = { 2, 3, 1, 2, 3 };
    for (int mode = 0; mode < 2; mode++) {
        new_work_dir();
        install("fx_v1.so", lib_path);
        void *slots[2];
        hr_lib *lib = open_lib(slots, mode ? HR_WATCH_POLL : HR_WATCH_DEFAULT);
        for (int i = 0; i < 5; i++) {
            install(order[i], lib_path);
            int reloaded = 0;
            for (int tries = 0; tries < 3 && !reloaded; tries++) /* polling settles first */
                reloaded = hr_check(lib) == HR_RELOADED;
            CHECK(reloaded && value(slots) == expect[i], "%s mode, build %d: value %d",
                  mode ? "poll" : "inotify", i + 1, value(slots));
        }
        CHECK(hr_version(lib) == 6, "version %u after 5 rebuilds", hr_version(lib));
        hr_close(lib);
        remove_work_dir();
    }
}

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
    hr_status st = HR_UNCHANGED;
    for (int tries = 0; tries < 3 && st != HR_RELOADED; tries++)
        st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "status %s, value %d", hr_status_name(st),
          value(slots));
    hr_close(lib);
    remove_work_dir();
}

static void missing_file_then_appears(void)
{
    new_work_dir();
    void *slots[2] = { (void *)1, (void *)1 };
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(lib != NULL, "hr_open returned NULL");
    CHECK(!hr_is_loaded(lib), "loaded a missing file");
    CHECK(hr_error_code(lib) == HR_ERR_MISSING, "error %s", hr_error_name(hr_error_code(lib)));
    CHECK(strstr(hr_error_text(lib), lib_path) != NULL, "text does not name the file: %s",
          hr_error_text(lib));
    CHECK(slots[0] == NULL && slots[1] == NULL, "slots not cleared");
    CHECK(hr_call(lib, "fx_value", NULL) == HR_ERR_NOT_LOADED, "hr_call on nothing loaded");
    install("fx_v1.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 1, "after the file appeared: %s",
          hr_status_name(st));
    hr_close(lib);
    remove_work_dir();
}

static void deleted_file_keeps_code_and_returns(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    unlink(lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_NOT_READY, "after delete: %s", hr_status_name(st));
    CHECK(hr_is_loaded(lib) && value(slots) == 1, "old code gone after delete");
    install("fx_v2.so", lib_path);
    st = hr_check(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after it came back: %s", hr_status_name(st));
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

static void missing_symbol_is_named(void)
{
    new_work_dir();
    install("fx_nosym.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded without its symbols");
    CHECK(hr_error_code(lib) == HR_ERR_SYMBOL, "error %s", hr_error_name(hr_error_code(lib)));
    CHECK(strstr(hr_error_text(lib), "'fx_value'") && strstr(hr_error_text(lib), lib_path),
          "text: %s", hr_error_text(lib));
    install("fx_v1.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED, "good build did not load");
    install("fx_nosym.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_LOAD_FAILED && value(slots) == 1, "reload to nosym: %s", hr_status_name(st));
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

static void directory_instead_of_file(void)
{
    new_work_dir();
    mkdir(lib_path, 0700);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded a directory");
    CHECK(hr_error_code(lib) == HR_ERR_NOT_FILE, "error %s: %s", hr_error_name(hr_error_code(lib)),
          hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

static int refuse_version_2(void *const *slots, void *user, char *why, size_t size)
{
    (*(int *)user)++;
    if (((int (*)(void))slots[0])() == 2) {
        snprintf(why, size, "version 2 is not welcome");
        return 1;
    }
    return 0;
}

static void validate_hook_refuses(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    int calls = 0;
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .temp_dir = work,
                                      .validate = refuse_version_2,
                                      .user = &calls });
    CHECK(hr_is_loaded(lib) && calls == 1, "first load: loaded %d, calls %d", hr_is_loaded(lib),
          calls);
    install("fx_v2.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_REFUSED, "status %s", hr_status_name(st));
    CHECK(value(slots) == 1 && hr_version(lib) == 1, "refused build replaced the old code");
    CHECK(strstr(hr_error_text(lib), "not welcome") != NULL, "text: %s", hr_error_text(lib));
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "refused copy left behind (%d files)",
          count_entries(hr_temp_dir(lib)));
    install("fx_v3.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 3, "accepted build after refusal");
    hr_close(lib);
    remove_work_dir();
}

static void call_by_name_and_sym(void)
{
    new_work_dir();
    install("fx_v2.so", lib_path);
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path, .temp_dir = work });
    int counter = 0;
    CHECK(hr_call(lib, "fx_add_version", &counter) == HR_ERR_NONE && counter == 2,
          "call by name: counter %d", counter);
    CHECK(hr_call(lib, "fx_nope", &counter) == HR_ERR_SYMBOL, "missing function call");
    CHECK(strstr(hr_error_text(lib), "fx_nope") != NULL, "text: %s", hr_error_text(lib));
    CHECK(hr_sym(lib, "fx_value") != NULL, "hr_sym found nothing");
    hr_close(lib);
    remove_work_dir();
}

static void several_libraries_at_once(void)
{
    new_work_dir();
    char other[700];
    snprintf(other, sizeof other, "%s/other.so", work);
    install("fx_v1.so", lib_path);
    install("fx_v3.so", other);
    void *a[2], *b[2];
    hr_lib *la = open_lib(a, HR_WATCH_DEFAULT);
    hr_lib *lb = hr_open(&(hr_desc){
        .path = other, .symbols = fx_names, .symbol_count = 2, .slots = b, .temp_dir = work });
    CHECK(value(a) == 1 && value(b) == 3, "values %d %d", value(a), value(b));
    CHECK(strcmp(hr_temp_dir(la), hr_temp_dir(lb)) != 0, "libraries share a private dir");
    install("fx_v2.so", other);
    CHECK(hr_check(la) == HR_UNCHANGED, "a saw b's change");
    CHECK(hr_check(lb) == HR_RELOADED && value(b) == 2 && value(a) == 1, "b did not reload");
    hr_close(la);
    hr_close(lb);
    remove_work_dir();
}

static void unload_then_load_again(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char copy[700];
    snprintf(copy, sizeof copy, "%s", hr_loaded_path(lib));
    hr_unload(lib);
    CHECK(!hr_is_loaded(lib) && slots[0] == NULL, "still loaded after hr_unload");
    CHECK(mapped(copy) == 0 && access(copy, F_OK) != 0, "copy still mapped or on disk");
    install("fx_v2.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 2, "no load after unload");
    CHECK(hr_reload(lib) == HR_RELOADED && hr_version(lib) == 3, "forced reload");
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

/* Checks until the pre-flight is over (bounded), returns the final status. */
static hr_status check_until_settled(hr_lib *lib)
{
    hr_status st = HR_NOT_READY;
    for (int i = 0; i < 5000 && st == HR_NOT_READY; i++) {
        st = hr_check(lib);
        if (st == HR_NOT_READY)
            usleep(1000);
    }
    return st;
}

static void preflight_loads_good_builds(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .temp_dir = work,
                                      .preflight = preflight_path });
    CHECK(hr_is_loaded(lib) && value(slots) == 1, "first load: %s", hr_error_text(lib));
    install("fx_v2.so", lib_path);
    hr_status st = hr_check(lib);
    CHECK(st == HR_NOT_READY && value(slots) == 1, "while checking: %s", hr_status_name(st));
    st = check_until_settled(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after pre-flight: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
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

static void preflight_survives_bad_constructors(void)
{
    struct {
        const char *fixture, *reason;
    } cases[] = {
        /* In sanitizer builds the sanitizer reports the crash and exits instead. */
        { "ctor_crash.so", "SIGSEGV|runtime error|AddressSanitizer" },
        { "ctor_abort.so", "SIGABRT|AddressSanitizer" },
        { "ctor_exit.so", "exited with status 7" },
        { "ctor_loop.so", "did not finish within 300 ms" },
        { "undef_fx.so", "fx_symbol_nobody_defines" },
        { "fx_nosym.so", "'fx_value'" },
    };
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .temp_dir = work,
                                      .preflight = preflight_path,
                                      .preflight_timeout_ms = 300 });
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        install(cases[i].fixture, lib_path);
        hr_status st = check_until_settled(lib);
        CHECK(st == HR_LOAD_FAILED, "%s: %s", cases[i].fixture, hr_status_name(st));
        CHECK(contains_any(hr_error_text(lib), cases[i].reason), "%s: text '%s' lacks '%s'",
              cases[i].fixture, hr_error_text(lib), cases[i].reason);
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: old code lost", cases[i].fixture);
    }
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "%d files left in the private dir",
          count_entries(hr_temp_dir(lib)));
    install("fx_v3.so", lib_path);
    CHECK(check_until_settled(lib) == HR_RELOADED && value(slots) == 3, "good build after");
    hr_close(lib);
    remove_work_dir();
}

static void rollback_and_forbid(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    hr_status st = hr_rollback(lib);
    CHECK(st == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_NO_ROLLBACK,
          "rollback with no history: %s", hr_status_name(st));
    CHECK(value(slots) == 1, "rollback with no history changed the code");
    install("fx_v2.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 2, "v2 did not load");
    hr_forbid(lib); /* v2 "crashed" */
    st = hr_rollback(lib);
    CHECK(st == HR_RELOADED && value(slots) == 1, "rollback: %s, value %d", hr_status_name(st),
          value(slots));
    CHECK(hr_check(lib) == HR_UNCHANGED, "the bad file was reloaded by itself");
    install("fx_v2.so", lib_path); /* the same content again, as a new file */
    st = hr_check(lib);
    CHECK(st == HR_REFUSED && hr_error_code(lib) == HR_ERR_FORBIDDEN, "same content again: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    CHECK(value(slots) == 1, "forbidden build replaced the code");
    install("fx_v3.so", lib_path);
    CHECK(hr_check(lib) == HR_RELOADED && value(slots) == 3, "changed build refused");
    hr_close(lib);
    remove_work_dir();
}

static void code_ranges_cover_functions(void)
{
    new_work_dir();
    install("fx_v1.so", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    hr_range r[8];
    int n = hr_code_ranges(lib, r, 8);
    uintptr_t fn = (uintptr_t)slots[0];
    int inside = 0;
    for (int i = 0; i < n; i++)
        inside |= fn >= r[i].start && fn < r[i].end;
    CHECK(n > 0 && inside, "%d ranges, fx_value at %#lx not inside", n, (unsigned long)fn);
    uintptr_t here = (uintptr_t)&code_ranges_cover_functions;
    for (int i = 0; i < n; i++)
        CHECK(!(here >= r[i].start && here < r[i].end), "range covers the test program");
    hr_unload(lib);
    CHECK(hr_code_ranges(lib, r, 8) == 0, "ranges after unload");
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

static void names_of_codes(void)
{
    CHECK(strcmp(hr_status_name(HR_RELOADED), "reloaded") == 0, "status name");
    CHECK(strcmp(hr_error_name(HR_ERR_SYMBOL), "symbol missing") == 0, "error name");
    CHECK(strcmp(hr_error_name((hr_error)999), "unknown error") == 0, "unknown code");
}

int main(void)
{
    const char *b = getenv("B");
    snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures", b && b[0] ? b : "build");
    snprintf(preflight_path, sizeof preflight_path, "%s/hr-preflight", b && b[0] ? b : "build");
    int passed = 0, failed = 0;
    RUN(open_loads_and_resolves, passed, failed);
    RUN(reload_on_rename, passed, failed);
    RUN(five_builds_in_one_second_all_seen, passed, failed);
    RUN(build_restoring_older_mtime_is_seen, passed, failed);
    RUN(missing_file_then_appears, passed, failed);
    RUN(deleted_file_keeps_code_and_returns, passed, failed);
    RUN(text_file_is_not_a_library, passed, failed);
    RUN(bad_builds_keep_old_code, passed, failed);
    RUN(in_place_writer_waits_for_close, passed, failed);
    RUN(foreign_files_are_refused, passed, failed);
    RUN(missing_symbol_is_named, passed, failed);
    RUN(undefined_symbol_gives_dlerror, passed, failed);
    RUN(directory_instead_of_file, passed, failed);
    RUN(validate_hook_refuses, passed, failed);
    RUN(call_by_name_and_sym, passed, failed);
    RUN(several_libraries_at_once, passed, failed);
    RUN(unload_then_load_again, passed, failed);
    RUN(extra_reference_is_reported, passed, failed);
    RUN(private_dir_and_cleanup, passed, failed);
    RUN(preflight_loads_good_builds, passed, failed);
    RUN(preflight_survives_bad_constructors, passed, failed);
    RUN(rollback_and_forbid, passed, failed);
    RUN(code_ranges_cover_functions, passed, failed);
    RUN(planted_files_are_refused, passed, failed);
    RUN(names_of_codes, passed, failed);
    return failed != 0;
}
