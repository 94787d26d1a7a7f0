/* test_os_win32.c - the host's OS seam on Windows (host/host_os.h): the directory watcher
 * (host_dirwatch_win32.c), the build's process (hr_proc_start_with in hr_proc_win32.c, the
 * shell of host_os_win32.c) and the clocks. Run by tests/test_win32.sh under wine, or on Windows
 * as it is: build\win\tests\test_os_win32.exe
 * Every case works in its own directory under %TEMP%. Only Windows programs run as children
 * (cmd.exe and its builtins, this program itself): wine starts a Linux program detached.
 * Started as "test_os_win32.exe hold DIR" it is the long-running grandchild of the process tree
 * case: it writes its process id to DIR\pid.txt and then waits for a file that never comes. */
#include "check.h"
#include "host_os.h"

#include "core/hr_platform.h"

#include <stdlib.h>
#include <windows.h>

enum {
    DEADLINE_MS = 60000, /* generous: wine on a loaded machine is slow, never this slow */
    MAX_SEEN = 64
};

static char work[MAX_PATH]; /* this case's temp directory */
static char self[MAX_PATH]; /* this program, for the grandchild */

/* The test's own setup failed (not the code under test): say what, and stop. */
static void die(const char *what, const char *path)
{
    printf("FAIL setup: %s %s: error %lu\n", what, path, GetLastError());
    exit(1);
}

static void remove_tree(const char *dir)
{
    char pattern[MAX_PATH + 4], path[2 * MAX_PATH];
    snprintf(pattern, sizeof pattern, "%s\\*", dir);
    WIN32_FIND_DATAA fd;
    HANDLE find = FindFirstFileA(pattern, &fd);
    if (find != INVALID_HANDLE_VALUE) {
        do {
            if (strcmp(fd.cFileName, ".") == 0 || strcmp(fd.cFileName, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s\\%s", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(path);
            else
                DeleteFileA(path);
        } while (FindNextFileA(find, &fd));
        FindClose(find);
    }
    RemoveDirectoryA(dir);
}

static void new_work_dir(void)
{
    static unsigned n;
    char tmp[MAX_PATH];
    GetTempPathA(sizeof tmp, tmp);
    snprintf(work, sizeof work, "%shr-os-test-%lu-%u", tmp, (unsigned long)GetCurrentProcessId(),
             ++n);
    remove_tree(work); /* wine reuses small process ids: a killed run's directory may be here */
    if (!CreateDirectoryA(work, NULL))
        die("cannot create", work);
}

static void remove_work_dir(void)
{
    remove_tree(work);
}

static const char *in_work(const char *name)
{
    static char path[2][2 * MAX_PATH];
    static int next;
    next = !next;
    snprintf(path[next], sizeof path[next], "%s\\%s", work, name);
    return path[next];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0)
        die("cannot write", path);
    fclose(f);
}

static int exists(const char *path)
{
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

/* ---- the watcher ---- */

typedef struct seen {
    int count;
    struct {
        host_change_kind kind;
        int watch;
        char dir[MAX_PATH], name[MAX_PATH];
    } c[MAX_SEEN];
} seen;

static void note(const host_change *c, void *ctx)
{
    seen *s = ctx;
    if (s->count == MAX_SEEN)
        return;
    s->c[s->count].kind = c->kind;
    s->c[s->count].watch = c->watch;
    snprintf(s->c[s->count].dir, sizeof s->c[s->count].dir, "%s", c->dir);
    snprintf(s->c[s->count].name, sizeof s->c[s->count].name, "%s", c->name);
    s->count++;
}

static int has(const seen *s, host_change_kind kind, int watch, const char *dir, const char *name)
{
    for (int i = 0; i < s->count; i++)
        if (s->c[i].kind == kind && s->c[i].watch == watch && strcmp(s->c[i].dir, dir) == 0 &&
            strcmp(s->c[i].name, name) == 0)
            return 1;
    return 0;
}

/* What was seen, for a failure's text. */
static const char *listing(const seen *s)
{
    static char text[2048];
    static const char *const kinds[] = { "?", "DONE", "CREATED", "GONE", "NEW_DIR", "LOST" };
    size_t len = 0;
    text[0] = 0;
    for (int i = 0; i < s->count && len < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, " [%s %d %s | %s]",
                                kinds[s->c[i].kind <= HOST_CHANGE_LOST ? s->c[i].kind : 0],
                                s->c[i].watch, s->c[i].dir, s->c[i].name);
    return s->count ? text : " nothing";
}

/* Reads changes into s until one of kind for dir\name came, waiting in between. */
static int read_until(host_dirwatch *w, seen *s, host_change_kind kind, int watch, const char *dir,
                      const char *name)
{
    ULONGLONG end = GetTickCount64() + DEADLINE_MS;
    for (;;) {
        host_dirwatch_read(w, note, s);
        if (has(s, kind, watch, dir, name))
            return 1;
        if (GetTickCount64() >= end)
            return 0;
        host_dirwatch_wait(w, NULL, 1000);
    }
}

static host_dirwatch *open_watch(const char *dir, int tree, int *id)
{
    char why[512] = "";
    host_dirwatch *w = host_dirwatch_open(why, sizeof why);
    CHECK(w, "host_dirwatch_open: %s", why);
    *id = host_dirwatch_add(w, dir, tree, why, sizeof why);
    if (*id < 0)
        host_dirwatch_close(w);
    CHECK(*id >= 0, "host_dirwatch_add %s: %s", dir, why);
    return w;
}

/* A file written, then renamed into place: CREATED for the temporary, DONE for the new name. */
static void watch_sees_write_and_rename(void)
{
    new_work_dir();
    int id;
    host_dirwatch *w = open_watch(work, 0, &id);
    seen s = { 0 };
    write_file(in_work("lib.tmp"), "new build");
    int ok = MoveFileExA(in_work("lib.tmp"), in_work("lib.dll"), MOVEFILE_REPLACE_EXISTING);
    int done = ok && read_until(w, &s, HOST_CHANGE_DONE, id, work, "lib.dll");
    host_dirwatch_close(w);
    CHECK(ok, "rename: error %lu", GetLastError());
    CHECK(done && has(&s, HOST_CHANGE_CREATED, id, work, "lib.tmp"),
          "want CREATED lib.tmp and DONE lib.dll in %s, got%s", work, listing(&s));
    remove_work_dir();
}

/* A tree watch sees a new subdirectory and a file two levels down in it, with dir the file's
 * directory in the separator the watch was added with ('/' here) and name the file's own. */
static void tree_watch_sees_new_subdirectory(void)
{
    new_work_dir();
    char slashed[MAX_PATH], sub[2 * MAX_PATH], deep[2 * MAX_PATH], file[3 * MAX_PATH];
    snprintf(slashed, sizeof slashed, "%s", work);
    for (char *p = slashed; *p; p++)
        if (*p == '\\')
            *p = '/';
    int id;
    host_dirwatch *w = open_watch(slashed, 1, &id);
    seen s = { 0 };
    snprintf(sub, sizeof sub, "%s\\sub", work);
    snprintf(deep, sizeof deep, "%s\\sub\\deep", work);
    snprintf(file, sizeof file, "%s\\game.c", deep);
    int made = CreateDirectoryA(sub, NULL) && CreateDirectoryA(deep, NULL);
    if (made)
        write_file(file, "int x;");
    snprintf(deep, sizeof deep, "%s/sub/deep", slashed);
    int dir_seen = made && read_until(w, &s, HOST_CHANGE_NEW_DIR, id, slashed, "sub");
    int file_seen = dir_seen && read_until(w, &s, HOST_CHANGE_DONE, id, deep, "game.c");
    host_dirwatch_close(w);
    CHECK(made, "mkdir %s: error %lu", deep, GetLastError());
    CHECK(dir_seen, "want NEW_DIR sub in %s, got%s", slashed, listing(&s));
    CHECK(file_seen, "want DONE game.c in %s, got%s", deep, listing(&s));
    remove_work_dir();
}

static void watch_sees_delete(void)
{
    new_work_dir();
    write_file(in_work("old.c"), "int y;");
    int id;
    host_dirwatch *w = open_watch(work, 0, &id);
    seen s = { 0 };
    int deleted = DeleteFileA(in_work("old.c"));
    int gone = deleted && read_until(w, &s, HOST_CHANGE_GONE, id, work, "old.c");
    host_dirwatch_close(w);
    CHECK(deleted, "delete: error %lu", GetLastError());
    CHECK(gone, "want GONE old.c in %s, got%s", work, listing(&s));
    remove_work_dir();
}

/* A directory added again, and one inside a tree watch, give the id it already has. */
static void same_directory_same_id(void)
{
    new_work_dir();
    char sub[2 * MAX_PATH], why[512] = "";
    snprintf(sub, sizeof sub, "%s\\sub", work);
    if (!CreateDirectoryA(sub, NULL))
        die("cannot create", sub);
    int id;
    host_dirwatch *w = open_watch(work, 1, &id);
    char again[MAX_PATH + 2];
    snprintf(again, sizeof again, "%s\\", work);
    int same = host_dirwatch_add(w, again, 0, why, sizeof why);
    int inside = host_dirwatch_add(w, sub, 0, why, sizeof why);
    int missing = host_dirwatch_add(w, in_work("nothing"), 0, why, sizeof why);
    host_dirwatch_close(w);
    CHECK(same == id && inside == id, "want %d for %s and %s, got %d and %d", id, again, sub, same,
          inside);
    CHECK(missing < 0 && strstr(why, "nothing"), "a missing directory: got %d, why '%s'", missing,
          why);
    remove_work_dir();
}

/* A directory first added alone, then as a tree: the same id, LOST for what the old watch
 * held unread, and from then on its subdirectories too. */
static void watch_becomes_a_tree(void)
{
    new_work_dir();
    char why[512] = "", sub[2 * MAX_PATH];
    snprintf(sub, sizeof sub, "%s\\sub", work);
    int id;
    host_dirwatch *w = open_watch(work, 0, &id);
    seen s = { 0 };
    int tree = host_dirwatch_add(w, work, 1, why, sizeof why);
    int made = CreateDirectoryA(sub, NULL);
    if (made)
        write_file(in_work("sub\\level.txt"), "1");
    int lost = tree == id && read_until(w, &s, HOST_CHANGE_LOST, -1, "", "");
    int file_seen = lost && made && read_until(w, &s, HOST_CHANGE_DONE, id, sub, "level.txt");
    host_dirwatch_close(w);
    CHECK(tree == id, "want %d, got %d: %s", id, tree, why);
    CHECK(made, "mkdir %s: error %lu", sub, GetLastError());
    CHECK(lost && file_seen, "want LOST, then DONE level.txt in %s, got%s", sub, listing(&s));
    remove_work_dir();
}

/* Nothing happened: read returns at once with nothing, wait sleeps to its timeout; then a
 * change wakes the wait long before it. */
static void read_never_blocks_and_wait_wakes(void)
{
    new_work_dir();
    int id;
    host_dirwatch *w = open_watch(work, 0, &id);
    seen s = { 0 };
    int quiet = host_dirwatch_read(w, note, &s);
    int slept = host_dirwatch_wait(w, NULL, 100);
    int none = host_dirwatch_wait(NULL, NULL, 10), idle_seen = s.count;
    write_file(in_work("save.c"), "int z;");
    int woke = host_dirwatch_wait(w, NULL, DEADLINE_MS);
    int read = host_dirwatch_read(w, note, &s);
    host_dirwatch_close(w);
    CHECK(quiet == 0 && idle_seen == 0 && slept == 0 && none == 0,
          "idle: read %d, wait %d, wait without watcher %d, seen%s", quiet, slept, none,
          listing(&s));
    CHECK(woke == 1 && read > 0, "after a save: wait %d, read %d, seen%s", woke, read, listing(&s));
    remove_work_dir();
}

/* ---- the build's process ---- */

typedef struct run_result {
    int started, ended, code;
    char why[512], out[4096];
} run_result;

/* Runs argv with opts to its end, following it as the host does: wait, read, poll. */
static run_result run(const char *const *argv, const hr_proc_opts *opts)
{
    run_result r = { 0 };
    hr_proc p = { .out_fd = -1 };
    r.started = hr_proc_start_with(argv, opts, &p, r.why, sizeof r.why) == 0;
    ULONGLONG end = GetTickCount64() + DEADLINE_MS;
    while (r.started && !r.ended && GetTickCount64() < end) {
        host_dirwatch_wait(NULL, &p, 1000);
        hr_proc_read(&p, r.out, sizeof r.out);
        r.ended = hr_proc_poll(&p, &r.code) == 0;
    }
    if (r.started) {
        hr_proc_read(&p, r.out, sizeof r.out);
        hr_proc_end(&p);
    }
    return r;
}

static void shell_argv_is_cmd(void)
{
    const char *command = "echo hi", *argv[4] = { 0 };
    host_os_shell_argv(command, argv);
    size_t len = argv[0] ? strlen(argv[0]) : 0;
    CHECK(len >= 7 && _stricmp(argv[0] + len - 7, "cmd.exe") == 0 && strcmp(argv[1], "/c") == 0 &&
              argv[2] == command && !argv[3],
          "got %s %s %s", argv[0], argv[1], argv[2]);
}

/* cmd.exe /c in a given directory with a given environment: its code, its output, the
 * command's own quotes kept as they are. */
static void start_with_cwd_env_and_code(void)
{
    new_work_dir();
    char root[MAX_PATH + 16] = "SystemRoot=C:\\windows";
    const char *system_root = getenv("SystemRoot");
    if (system_root)
        snprintf(root, sizeof root, "SystemRoot=%s", system_root);
    char word[] = "HR_TEST_WORD=from the test";
    char *env[] = { word, root, NULL };
    const char *argv[4];
    host_os_shell_argv("echo [%HR_TEST_WORD%] & cd & echo \"two words\" & exit /b 3", argv);
    run_result r = run(argv, &(hr_proc_opts){ .cwd = work, .envp = env, .stdin_null = 1 });
    CHECK(r.started, "%s", r.why);
    CHECK(r.ended && r.code == 3, "want code 3, got %d (ended %d): %s", r.code, r.ended, r.out);
    CHECK(strstr(r.out, "[from the test]"), "no variable in: %s", r.out);
    CHECK(strstr(r.out, work), "no %s in: %s", work, r.out);
    CHECK(strstr(r.out, "\"two words\""), "no quoted words in: %s", r.out);
    remove_work_dir();
}

/* A failed start says which program, and in which directory it was to run. */
static void start_of_missing_program_fails(void)
{
    new_work_dir();
    const char *argv[] = { in_work("missing.exe"), NULL }, *shell[4];
    run_result r = run(argv, &(hr_proc_opts){ .own_group = 1 });
    CHECK(!r.started && strstr(r.why, "missing.exe"), "started %d: %s", r.started, r.why);
    host_os_shell_argv("echo hi", shell);
    r = run(shell, &(hr_proc_opts){ .cwd = in_work("nowhere") });
    CHECK(!r.started && strstr(r.why, "nowhere"), "started %d: %s", r.started, r.why);
    remove_work_dir();
}

/* The grandchild: "hold DIR". */
static int hold(const char *dir)
{
    char tmp[MAX_PATH + 16], path[MAX_PATH + 16], marker[MAX_PATH + 16];
    snprintf(tmp, sizeof tmp, "%s\\pid.tmp", dir);
    snprintf(path, sizeof path, "%s\\pid.txt", dir);
    snprintf(marker, sizeof marker, "%s\\survived.txt", dir);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return 2;
    fprintf(f, "%lu\n", (unsigned long)GetCurrentProcessId());
    fclose(f);
    MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING); /* read whole or not at all */
    /* Ended from outside long before this; the marker says it was not. */
    for (int i = 0; i < 6000 && !exists(marker); i++)
        Sleep(100);
    write_file(marker, "the tree's end missed this process");
    return 0;
}

/* hr_proc_end with own_group ends the whole tree: cmd.exe and the program it started. */
static void end_ends_the_process_tree(void)
{
    new_work_dir();
    char command[3 * MAX_PATH], why[512] = "";
    snprintf(command, sizeof command, "\"%s\" hold \"%s\"", self, work);
    const char *argv[4];
    host_os_shell_argv(command, argv);
    hr_proc p = { .out_fd = -1 };
    int started =
        hr_proc_start_with(argv, &(hr_proc_opts){ .own_group = 1 }, &p, why, sizeof why) == 0;
    CHECK(started, "%s", why);
    ULONGLONG end = GetTickCount64() + DEADLINE_MS;
    while (!exists(in_work("pid.txt")) && GetTickCount64() < end)
        host_dirwatch_wait(NULL, &p, 100);
    unsigned long pid = 0;
    FILE *f = fopen(in_work("pid.txt"), "r");
    if (f) {
        if (fscanf(f, "%lu", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    HANDLE grandchild = pid ? OpenProcess(SYNCHRONIZE, FALSE, (DWORD)pid) : NULL;
    hr_proc_end(&p);
    DWORD waited = grandchild ? WaitForSingleObject(grandchild, DEADLINE_MS) : WAIT_FAILED;
    if (grandchild)
        CloseHandle(grandchild);
    CHECK(pid, "the grandchild never wrote %s", in_work("pid.txt"));
    CHECK(waited == WAIT_OBJECT_0, "process %lu still runs after hr_proc_end (wait %lu)", pid,
          waited);
    CHECK(!exists(in_work("survived.txt")), "the grandchild ran on");
    CHECK(p.pid == 0 && p.out_fd == -1 && !p.starting, "hr_proc not reset: %ld %d %p", p.pid,
          p.out_fd, p.starting);
    remove_work_dir();
}

/* The wait wakes when the build prints or ends, not at its timeout. */
static void wait_wakes_on_the_build(void)
{
    const char *argv[4];
    char why[512] = "", out[256] = "";
    host_os_shell_argv("echo printed", argv);
    hr_proc p = { .out_fd = -1 };
    int started = hr_proc_start_with(argv, NULL, &p, why, sizeof why) == 0;
    CHECK(started, "%s", why);
    int woke = host_dirwatch_wait(NULL, &p, DEADLINE_MS);
    int code = -1;
    ULONGLONG end = GetTickCount64() + DEADLINE_MS;
    while (hr_proc_poll(&p, &code) && GetTickCount64() < end)
        host_dirwatch_wait(NULL, &p, 1000);
    hr_proc_read(&p, out, sizeof out);
    hr_proc_end(&p);
    CHECK(woke == 1, "the wait ran to its timeout");
    CHECK(code == 0 && strstr(out, "printed"), "code %d, output: %s", code, out);
}

/* ---- clocks ---- */

/* Both clocks count nanoseconds and never go back. A sleep of 50 ms moves each by at least
 * a millisecond: a clock in micro- or milliseconds would not. */
static void clocks_count_nanoseconds(void)
{
    uint64_t fine = host_now_ns(), coarse = host_now_coarse_ns();
    Sleep(50);
    uint64_t fine2 = host_now_ns(), coarse2 = host_now_coarse_ns();
    CHECK(fine2 >= fine + 1000000u, "fine clock: %llu then %llu", (unsigned long long)fine,
          (unsigned long long)fine2);
    CHECK(coarse2 >= coarse + 1000000u, "coarse clock: %llu then %llu", (unsigned long long)coarse,
          (unsigned long long)coarse2);
}

/* ---- threads and the process ---- */

/* stderr a file: it can take a line; no stderr at all: it cannot. (A pipe's room cannot be
 * told on Windows: see host_os_win32.c.) */
static void stderr_can_write_when_there_is_one(void)
{
    new_work_dir();
    HANDLE out = GetStdHandle(STD_ERROR_HANDLE);
    HANDLE file = CreateFileA(in_work("err.txt"), GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CHECK(file != INVALID_HANDLE_VALUE, "cannot create %s: error %lu", in_work("err.txt"),
          GetLastError());
    SetStdHandle(STD_ERROR_HANDLE, file);
    int to_file = host_os_stderr_can_write(100);
    SetStdHandle(STD_ERROR_HANDLE, NULL);
    int to_nothing = host_os_stderr_can_write(100);
    SetStdHandle(STD_ERROR_HANDLE, out);
    CloseHandle(file);
    CHECK(to_file == 1 && to_nothing == 0, "to a file %d, without stderr %d", to_file, to_nothing);
    remove_work_dir();
}

static void no_debugger_attached(void)
{
    host_os_thread_block_signals(); /* nothing to do on Windows; callable all the same */
    CHECK(host_os_is_debugger_attached() == 0, "a debugger is attached to the test");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "hold") == 0)
        return hold(argv[2]);
    if (!GetModuleFileNameA(NULL, self, sizeof self))
        die("cannot find", "this program");
    /* A crash in this test must print and exit, not wait for a click on an error box. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    check_cleanup = remove_work_dir; /* a failed case leaves no temp directory */
    int passed = 0, failed = 0;
    RUN(watch_sees_write_and_rename, passed, failed);
    RUN(tree_watch_sees_new_subdirectory, passed, failed);
    RUN(watch_sees_delete, passed, failed);
    RUN(same_directory_same_id, passed, failed);
    RUN(watch_becomes_a_tree, passed, failed);
    RUN(read_never_blocks_and_wait_wakes, passed, failed);
    RUN(shell_argv_is_cmd, passed, failed);
    RUN(start_with_cwd_env_and_code, passed, failed);
    RUN(start_of_missing_program_fails, passed, failed);
    RUN(end_ends_the_process_tree, passed, failed);
    RUN(wait_wakes_on_the_build, passed, failed);
    RUN(clocks_count_nanoseconds, passed, failed);
    RUN(stderr_can_write_when_there_is_one, passed, failed);
    RUN(no_debugger_attached, passed, failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
