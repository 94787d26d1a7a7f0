/* core_cases.h - the cases of the hot-reload core that hold on every platform, shared by
 * tests/test_core.c (Linux) and tests/test_core_win32.c (Windows, run under wine).
 *
 * A driver defines, before including this file: FX(name), the fixture's file name
 * (FX("fx_v1") is "fx_v1.so" or "fx_v1.dll"); work and lib_path, this case's directory and
 * the library the "build" writes there; fx_names, { "fx_value", "fx_data" }. After it, the
 * platform's side of the functions declared below: the work directory, installing a fixture
 * the way a build does (write, then rename), files and directories, whether a copy is still
 * mapped, and checking until the core reports a change (notifications may arrive late on some
 * platforms) or a reload, or while a build is being copied or pre-flighted (hr_is_checking). This
 * file gives the helpers that need nothing of the platform (read_file, value, open_lib; hear and
 * check_heard, a log hook that records what it is told), and CORE_CASES(X) lists the cases for the
 * drivers' RUN lines.
 */
#ifndef CORE_CASES_H
#define CORE_CASES_H

#include <stdio.h>

/* The driver's side, defined after the include. */
static void new_work_dir(void);
static void remove_work_dir(void);
static void install(const char *fixture_name, const char *dst);
static void make_dir(const char *path);
static void remove_file(const char *path);
static int count_entries(const char *dir);
static int exists(const char *path);
static int mapped(const char *path);
static hr_status check_until_changed(hr_lib *lib);
static hr_status check_until_reloaded(hr_lib *lib);
static hr_status check_while_checking(hr_lib *lib);

#define CORE_CASES(X)                                                                              \
    X(open_loads_and_resolves)                                                                     \
    X(reload_on_rename)                                                                            \
    X(five_builds_all_seen)                                                                        \
    X(missing_file_then_appears)                                                                   \
    X(deleted_file_keeps_code_and_returns)                                                         \
    X(missing_symbol_is_named)                                                                     \
    X(directory_instead_of_file)                                                                   \
    X(validate_hook_refuses)                                                                       \
    X(prepare_hook_sees_the_copy)                                                                  \
    X(call_by_name_and_sym)                                                                        \
    X(several_libraries_at_once)                                                                   \
    X(unload_then_load_again)                                                                      \
    X(unload_hook_runs_on_the_old_code)                                                            \
    X(rollback_and_forbid)                                                                         \
    X(code_ranges_cover_functions)                                                                 \
    X(log_tells_each_event)                                                                        \
    X(big_builds_are_copied_in_a_thread)                                                           \
    X(names_of_codes)

static long read_file(const char *path, char *buf, long cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long n = (long)fread(buf, 1, (size_t)cap, f);
    fclose(f);
    return n;
}

/* fx_value() of the loaded build; -1 when nothing is loaded (a failure, not a crash). */
static int value(void *const *slots)
{
    return slots[0] ? ((int (*)(void))slots[0])() : -1;
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

static void open_loads_and_resolves(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(hr_is_loaded(lib), "not loaded: %s", hr_error_text(lib));
    CHECK(hr_error_code(lib) == HR_ERR_NONE, "error %s", hr_error_text(lib));
    CHECK(value(slots) == 1, "fx_value() = %d", value(slots));
    CHECK(slots[1] && *(const int *)slots[1] == 1, "data symbol missing or not 1");
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
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char old_copy[1024];
    snprintf(old_copy, sizeof old_copy, "%s", hr_loaded_path(lib));
    install(FX("fx_v2"), lib_path);
    hr_status st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED, "check after rename: %s (%s)", hr_status_name(st), hr_error_text(lib));
    CHECK(value(slots) == 2, "fx_value() = %d after reload", value(slots));
    CHECK(hr_version(lib) == 2, "version %u", hr_version(lib));
    CHECK(!mapped(old_copy), "old copy %s still mapped", old_copy);
    CHECK(exists(old_copy), "old copy %s not kept for rollback", old_copy);
    CHECK(hr_check(lib) == HR_UNCHANGED, "second check not UNCHANGED");
    install(FX("fx_v3"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 3, "third build");
    CHECK(!exists(old_copy), "copy two builds back %s still on disk", old_copy);
    CHECK(count_entries(hr_temp_dir(lib)) == 2, "%d files in the private dir (want 2)",
          count_entries(hr_temp_dir(lib)));
    hr_close(lib);
    remove_work_dir();
}

/* Five builds in quick succession, with the native watcher and with polling: none missed. */
static void five_builds_all_seen(void)
{
    static const char *const order[] = { FX("fx_v2"), FX("fx_v3"), FX("fx_v1"), FX("fx_v2"),
                                         FX("fx_v3") };
    static const int expect[] = { 2, 3, 1, 2, 3 };
    for (int mode = 0; mode < 2; mode++) {
        new_work_dir();
        install(FX("fx_v1"), lib_path);
        void *slots[2];
        hr_lib *lib = open_lib(slots, mode ? HR_WATCH_POLL : HR_WATCH_DEFAULT);
        for (int i = 0; i < 5; i++) {
            install(order[i], lib_path);
            hr_status st = check_until_reloaded(lib);
            CHECK(st == HR_RELOADED && value(slots) == expect[i], "%s mode, build %d: %s, value %d",
                  mode ? "poll" : "native", i + 1, hr_status_name(st), value(slots));
        }
        CHECK(hr_version(lib) == 6, "version %u after 5 rebuilds", hr_version(lib));
        hr_close(lib);
        remove_work_dir();
    }
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
    install(FX("fx_v1"), lib_path);
    hr_status st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 1, "after the file appeared: %s",
          hr_status_name(st));
    hr_close(lib);
    remove_work_dir();
}

static void deleted_file_keeps_code_and_returns(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    remove_file(lib_path);
    hr_status st = check_until_changed(lib);
    CHECK(st == HR_NOT_READY, "after delete: %s", hr_status_name(st));
    CHECK(hr_is_loaded(lib) && value(slots) == 1, "old code gone after delete");
    install(FX("fx_v2"), lib_path);
    st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after it came back: %s", hr_status_name(st));
    hr_close(lib);
    remove_work_dir();
}

static void missing_symbol_is_named(void)
{
    new_work_dir();
    install(FX("fx_nosym"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded without its symbols");
    CHECK(hr_error_code(lib) == HR_ERR_SYMBOL, "error %s", hr_error_name(hr_error_code(lib)));
    CHECK(strstr(hr_error_text(lib), "'fx_value'") && strstr(hr_error_text(lib), lib_path),
          "text: %s", hr_error_text(lib));
    install(FX("fx_v1"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED, "good build did not load");
    install(FX("fx_nosym"), lib_path);
    hr_status st = check_until_changed(lib);
    CHECK(st == HR_LOAD_FAILED && value(slots) == 1, "reload to nosym: %s", hr_status_name(st));
    hr_close(lib);
    remove_work_dir();
}

static void directory_instead_of_file(void)
{
    new_work_dir();
    make_dir(lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded a directory");
    CHECK(hr_error_code(lib) == HR_ERR_NOT_FILE, "error %s: %s", hr_error_name(hr_error_code(lib)),
          hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

/* A validate hook that refuses fx_v2; user is left to the caller. */
static int refuse_value_2(void *const *slots, void *user, char *why, size_t size)
{
    (void)user;
    if (value(slots) == 2) {
        snprintf(why, size, "version 2 is not welcome");
        return 1;
    }
    return 0;
}

/* The same, counting its calls in *(int *)user. */
static int refuse_version_2(void *const *slots, void *user, char *why, size_t size)
{
    (*(int *)user)++;
    return refuse_value_2(slots, user, why, size);
}

static void validate_hook_refuses(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
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
    install(FX("fx_v2"), lib_path);
    hr_status st = check_until_changed(lib);
    CHECK(st == HR_REFUSED, "status %s", hr_status_name(st));
    CHECK(value(slots) == 1 && hr_version(lib) == 1, "refused build replaced the old code");
    CHECK(strstr(hr_error_text(lib), "not welcome") != NULL, "text: %s", hr_error_text(lib));
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "refused copy left behind (%d files)",
          count_entries(hr_temp_dir(lib)));
    install(FX("fx_v3"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 3,
          "accepted build after refusal");
    hr_close(lib);
    remove_work_dir();
}

/* What the prepare and validate hooks saw, in order. */
typedef struct prepared {
    int calls, validated; /* prepare calls; validate calls */
    int copy_existed;     /* the copy was there at every prepare */
    int before_validate;  /* every prepare came before its validate */
    char copy[1024];      /* the last copy named */
} prepared;

static void note_prepare(const char *copy, void *user)
{
    prepared *p = user;
    if (p->calls == 0)
        p->copy_existed = 1;
    p->calls++;
    p->copy_existed = p->copy_existed && exists(copy);
    p->before_validate = p->calls == p->validated + 1;
    snprintf(p->copy, sizeof p->copy, "%s", copy);
}

static int note_validate(void *const *slots, void *user, char *why, size_t size)
{
    ((prepared *)user)->validated++;
    return refuse_value_2(slots, user, why, size);
}

/* The prepare hook names each build's private copy, in the temp directory, before the build
 * is validated; a refused build was prepared too. */
static void prepare_hook_sees_the_copy(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    prepared p = { 0 };
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .temp_dir = work,
                                      .validate = note_validate,
                                      .prepare = note_prepare,
                                      .user = &p });
    CHECK(hr_is_loaded(lib) && p.calls == 1 && p.validated == 1,
          "first load: loaded %d, prepare %d, validate %d", hr_is_loaded(lib), p.calls,
          p.validated);
    CHECK(p.copy_existed && p.before_validate, "copy existed %d, before validate %d",
          p.copy_existed, p.before_validate);
    const char *dir = hr_temp_dir(lib);
    CHECK(strncmp(p.copy, dir, strlen(dir)) == 0, "copy %s is not in %s", p.copy, dir);
    install(FX("fx_v2"), lib_path);
    CHECK(check_until_changed(lib) == HR_REFUSED && p.calls == 2 && p.validated == 2,
          "refused build: prepare %d, validate %d", p.calls, p.validated);
    install(FX("fx_v3"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 3 && p.calls == 3,
          "accepted build: value %d, prepare %d", value(slots), p.calls);
    CHECK(p.copy_existed && p.before_validate, "copy existed %d, before validate %d",
          p.copy_existed, p.before_validate);
    hr_close(lib);
    remove_work_dir();
}

static void call_by_name_and_sym(void)
{
    new_work_dir();
    install(FX("fx_v2"), lib_path);
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path, .temp_dir = work });
    int counter = 0;
    CHECK(hr_call(lib, "fx_add_version", &counter) == HR_ERR_NONE && counter == 2,
          "call by name: counter %d (%s)", counter, hr_error_text(lib));
    CHECK(hr_call(lib, "fx_nope", &counter) == HR_ERR_SYMBOL, "missing function call");
    CHECK(strstr(hr_error_text(lib), "fx_nope") != NULL, "text: %s", hr_error_text(lib));
    CHECK(hr_sym(lib, "fx_value") != NULL, "hr_sym found nothing");
    hr_close(lib);
    remove_work_dir();
}

static void several_libraries_at_once(void)
{
    new_work_dir();
    char other[1024];
    snprintf(other, sizeof other, "%s/%s", work, FX("other"));
    install(FX("fx_v1"), lib_path);
    install(FX("fx_v3"), other);
    void *a[2], *b[2];
    hr_lib *la = open_lib(a, HR_WATCH_DEFAULT);
    hr_lib *lb = hr_open(&(hr_desc){
        .path = other, .symbols = fx_names, .symbol_count = 2, .slots = b, .temp_dir = work });
    CHECK(value(a) == 1 && value(b) == 3, "values %d %d", value(a), value(b));
    CHECK(strcmp(hr_temp_dir(la), hr_temp_dir(lb)) != 0, "libraries share a private dir");
    install(FX("fx_v2"), other);
    CHECK(check_until_reloaded(lb) == HR_RELOADED && value(b) == 2, "b did not reload");
    CHECK(hr_check(la) == HR_UNCHANGED && value(a) == 1, "a saw b's change");
    hr_close(la);
    hr_close(lb);
    remove_work_dir();
}

static void unload_then_load_again(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", hr_loaded_path(lib));
    hr_unload(lib);
    CHECK(!hr_is_loaded(lib) && slots[0] == NULL, "still loaded after hr_unload");
    CHECK(!mapped(copy) && !exists(copy), "copy still mapped or on disk");
    install(FX("fx_v2"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 2, "no load after unload");
    CHECK(hr_reload(lib) == HR_RELOADED && hr_version(lib) == 3, "forced reload");
    hr_close(lib);
    remove_work_dir();
}

/* What the unload hook saw: the outgoing build's fx_value() at each call. */
typedef struct unloads {
    int values[8];
    int count;
} unloads;

static void record_unload(void *const *slots, void *user)
{
    unloads *u = user;
    if (u->count < 8)
        u->values[u->count++] = value(slots);
}

/* The hook runs once per outgoing build, while its code can still be called: after a new
 * build passed its checks (not for one that failed), and from hr_unload and hr_rollback. */
static void unload_hook_runs_on_the_old_code(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    unloads u = { .count = 0 };
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .unload = record_unload,
                                      .user = &u,
                                      .temp_dir = work });
    CHECK(value(slots) == 1 && u.count == 0, "first load: value %d, %d unloads", value(slots),
          u.count);
    install(FX("fx_nosym"), lib_path);
    CHECK(check_until_changed(lib) == HR_LOAD_FAILED && u.count == 0,
          "a build that failed its checks unloaded the old code (%d unloads)", u.count);
    install(FX("fx_v2"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED, "no reload");
    CHECK(u.count == 1 && u.values[0] == 1, "reload: %d unloads, the first saw %d", u.count,
          u.values[0]);
    CHECK(hr_rollback(lib) == HR_RELOADED && u.count == 2 && u.values[1] == 2,
          "rollback: %d unloads, the last saw %d", u.count, u.values[1]);
    hr_unload(lib);
    CHECK(u.count == 3 && u.values[2] == 1, "hr_unload: %d unloads, the last saw %d", u.count,
          u.values[2]);
    hr_close(lib);
    CHECK(u.count == 3, "hr_close unloaded again with nothing loaded (%d unloads)", u.count);
    remove_work_dir();
}

static void rollback_and_forbid(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    hr_status st = hr_rollback(lib);
    CHECK(st == HR_LOAD_FAILED && hr_error_code(lib) == HR_ERR_NO_ROLLBACK,
          "rollback with no history: %s", hr_status_name(st));
    CHECK(value(slots) == 1, "rollback with no history changed the code");
    install(FX("fx_v2"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 2, "v2 did not load");
    hr_forbid(lib); /* v2 "crashed" */
    st = hr_rollback(lib);
    CHECK(st == HR_RELOADED && value(slots) == 1, "rollback: %s (%s), value %d", hr_status_name(st),
          hr_error_text(lib), value(slots));
    st = hr_check(lib); /* the bad file is still there: it must not come back by itself */
    CHECK(st != HR_RELOADED && value(slots) == 1, "the bad build came back: %s",
          hr_status_name(st));
    install(FX("fx_v2"), lib_path); /* the same content again, as a new file */
    st = check_until_changed(lib);
    CHECK(st == HR_REFUSED && hr_error_code(lib) == HR_ERR_FORBIDDEN, "same content again: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    CHECK(value(slots) == 1, "forbidden build replaced the code");
    install(FX("fx_v3"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 3, "changed build refused");
    hr_close(lib);
    remove_work_dir();
}

static void code_ranges_cover_functions(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    hr_range r[HR_MAX_CODE_RANGES];
    int n = hr_code_ranges(lib, r, HR_MAX_CODE_RANGES), fn_inside = 0, data_inside = 0,
        ours_inside = 0;
    uintptr_t fn = (uintptr_t)slots[0], data = (uintptr_t)slots[1];
    uintptr_t ours = (uintptr_t)&code_ranges_cover_functions;
    for (int i = 0; i < n; i++) {
        fn_inside |= fn >= r[i].start && fn < r[i].end;
        data_inside |= data >= r[i].start && data < r[i].end;
        ours_inside |= ours >= r[i].start && ours < r[i].end;
    }
    CHECK(n > 0 && fn_inside, "%d ranges, fx_value not inside", n);
    CHECK(!data_inside, "fx_data lies in a code range");
    CHECK(!ours_inside, "a range covers the test program");
    hr_unload(lib);
    CHECK(hr_code_ranges(lib, r, HR_MAX_CODE_RANGES) == 0, "ranges after unload");
    hr_close(lib);
    remove_work_dir();
}

/* What a log hook heard since the last look. */
typedef struct heard {
    int calls;
    int level;       /* of the last call */
    char text[1024]; /* of the last call */
} heard;

static void hear(int level, const char *text, void *user)
{
    heard *h = user;
    h->calls++;
    h->level = level;
    snprintf(h->text, sizeof h->text, "%s", text);
}

/* open_lib at path, with hear() recording into h and an optional validate hook. */
static hr_lib *open_heard(const char *path, void **slots, heard *h, hr_validate_fn validate)
{
    return hr_open(&(hr_desc){ .path = path,
                               .symbols = fx_names,
                               .symbol_count = 2,
                               .slots = slots,
                               .temp_dir = work,
                               .validate = validate,
                               .log = hear,
                               .user = h });
}

/* The hook heard one line since the last look, of this level, naming the library (an error
 * line is hr_error_text's); then forgets it. */
static void check_heard(heard *h, hr_lib *lib, int level, const char *what)
{
    CHECK(h->calls == 1 && h->level == level && strstr(h->text, lib_path) &&
              (level != 2 || strcmp(h->text, hr_error_text(lib)) == 0),
          "%s: %d calls, want 1 of level %d naming %s; last: level %d '%s' (error text '%s')", what,
          h->calls, level, lib_path, h->level, h->text, hr_error_text(lib));
    h->calls = 0;
}

/* One log line per load, failure, refusal and wait; none for a check that finds nothing. */
static void log_tells_each_event(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    heard h = { 0 };
    hr_lib *lib = open_heard(lib_path, slots, &h, refuse_value_2);
    check_heard(&h, lib, 0, "first load");
    CHECK(strstr(h.text, "version 1"), "load line without the version: %s", h.text);
    CHECK(hr_check(lib) == HR_UNCHANGED && hr_check(lib) == HR_UNCHANGED && h.calls == 0,
          "unchanged checks told %d lines, last '%s'", h.calls, h.text);
    install(FX("fx_nosym"), lib_path);
    CHECK(check_until_changed(lib) == HR_LOAD_FAILED, "nosym did not fail: %s", hr_error_text(lib));
    check_heard(&h, lib, 2, "failed load");
    install(FX("fx_v2"), lib_path);
    CHECK(check_until_changed(lib) == HR_REFUSED, "v2 not refused: %s", hr_error_text(lib));
    check_heard(&h, lib, 2, "refusal");
    remove_file(lib_path);
    CHECK(check_until_changed(lib) == HR_NOT_READY, "delete: %s", hr_error_text(lib));
    check_heard(&h, lib, 0, "missing file");
    CHECK(hr_reload(lib) == HR_NOT_READY && h.calls == 0, "same wait told again: '%s'", h.text);
    install(FX("fx_v3"), lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED, "v3: %s", hr_error_text(lib));
    check_heard(&h, lib, 0, "reload");
    CHECK(strstr(h.text, "version 2"), "reload line without the version: %s", h.text);
    CHECK(hr_check(lib) == HR_UNCHANGED && h.calls == 0, "idle check told '%s'", h.text);
    hr_close(lib);
    remove_work_dir();
}

/* A build over HR_MAX_SYNC_COPY_BYTES (fx_big, 16 MiB) is copied by a thread: the check that
 * sees it says so (HR_NOT_READY, HR_ERR_CHECKING, hr_is_checking; no wait line) and a later one
 * loads it, the old code running meanwhile. A newer build seen during the copy wins, and
 * hr_reload starts it over; hr_close stops it. No partial copy is left behind. */
static void big_builds_are_copied_in_a_thread(void)
{
    new_work_dir();
    install(FX("fx_v1"), lib_path);
    void *slots[2];
    heard h = { 0 };
    hr_lib *lib = open_heard(lib_path, slots, &h, NULL);
    check_heard(&h, lib, 0, "first load");
    install(FX("fx_big"), lib_path);
    hr_status st = check_until_changed(lib);
    CHECK(st == HR_NOT_READY && hr_error_code(lib) == HR_ERR_CHECKING &&
              strstr(hr_error_text(lib), "being copied into the private directory") &&
              hr_is_checking(lib),
          "the check that saw it: %s (%s), checking %d", hr_status_name(st), hr_error_text(lib),
          hr_is_checking(lib));
    CHECK(value(slots) == 1 && h.calls == 0, "during the copy: value %d, %d lines, last '%s'",
          value(slots), h.calls, h.text);
    st = check_while_checking(lib);
    CHECK(st == HR_RELOADED && value(slots) == 3 && !hr_is_checking(lib),
          "after the copy: %s (%s), value %d", hr_status_name(st), hr_error_text(lib),
          value(slots));
    check_heard(&h, lib, 0, "load after the copy");
    CHECK(hr_last_timing(lib).copy_ns > 0, "no copy time recorded");
    CHECK(count_entries(hr_temp_dir(lib)) == 2, "%d files in the private dir (want 2)",
          count_entries(hr_temp_dir(lib)));

    install(FX("fx_big"), lib_path);
    st = check_until_changed(lib);
    CHECK(st == HR_NOT_READY && hr_is_checking(lib), "second copy: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    install(FX("fx_v2"), lib_path);
    st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2 && !hr_is_checking(lib),
          "a newer build during the copy: %s (%s), value %d", hr_status_name(st),
          hr_error_text(lib), value(slots));
    CHECK(count_entries(hr_temp_dir(lib)) == 2, "newer build: %d files in the private dir (want 2)",
          count_entries(hr_temp_dir(lib)));

    install(FX("fx_big"), lib_path);
    st = check_until_changed(lib);
    CHECK(st == HR_NOT_READY && hr_is_checking(lib), "third copy: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    st = hr_reload(lib);
    CHECK(st == HR_NOT_READY && hr_error_code(lib) == HR_ERR_CHECKING && hr_is_checking(lib),
          "hr_reload during the copy: %s (%s)", hr_status_name(st), hr_error_text(lib));
    st = check_while_checking(lib);
    CHECK(st == HR_RELOADED && value(slots) == 3, "after hr_reload: %s (%s), value %d",
          hr_status_name(st), hr_error_text(lib), value(slots));
    CHECK(count_entries(hr_temp_dir(lib)) == 2, "hr_reload: %d files in the private dir (want 2)",
          count_entries(hr_temp_dir(lib)));

    install(FX("fx_big"), lib_path);
    st = check_until_changed(lib);
    CHECK(st == HR_NOT_READY && hr_is_checking(lib), "fourth copy: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", hr_temp_dir(lib));
    hr_close(lib);
    CHECK(!exists(dir), "hr_close during a copy left %s behind", dir);
    remove_work_dir();
}

static void names_of_codes(void)
{
    CHECK(strcmp(hr_status_name(HR_RELOADED), "reloaded") == 0, "status name");
    CHECK(strcmp(hr_error_name(HR_ERR_SYMBOL), "symbol missing") == 0, "error name");
    CHECK(strcmp(hr_error_name(HR_ERR_CHECKING), "checking") == 0, "checking: %s",
          hr_error_name(HR_ERR_CHECKING));
    CHECK(strcmp(hr_error_name((hr_error)999), "unknown error") == 0, "unknown code");
}

#endif /* CORE_CASES_H */
