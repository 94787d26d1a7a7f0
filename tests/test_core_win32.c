/* test_core_win32.c - the hot-reload core (include/hr.h) on Windows, against fixture DLLs built
 * from tests/fixtures/ by `make win` (fx_v1/2/3.dll return 1/2/3; fx_nosym.dll lacks the
 * symbol; undef_fx.dll imports from a DLL that does not exist; ctor_*.dll misbehave in their
 * constructor). Run by tests/test_win32.sh under wine, or on Windows as it is:
 *     set B=build\win & build\win\tests\test_core_win32.exe
 * The cases every platform shares are in core_cases.h; this file adds the Windows side of them
 * and the cases only Windows has. Every case works in its own directory under %TEMP%. */
#include "check.h"
#include "hr.h"

#include <stdlib.h>
#include <windows.h>

static char fixtures[MAX_PATH];  /* %B%/tests/fixtures */
static char preflight[MAX_PATH]; /* %B%/hr-preflight.exe */
static char work[MAX_PATH];      /* this case's temp directory */
static char lib_path[MAX_PATH];  /* work\lib.dll: the file the "build" writes */

static const char *const fx_names[] = { "fx_value", "fx_data" };

#define FX(name) name ".dll"

#include "core_cases.h"

static const char *fixture(const char *name)
{
    static char path[MAX_PATH + 64];
    snprintf(path, sizeof path, "%s\\%s", fixtures, name);
    return path;
}

/* The test's own setup failed (not the code under test): say what, and stop. */
static void die(const char *what, const char *path)
{
    printf("FAIL setup: %s %s: error %lu\n", what, path, GetLastError());
    exit(1);
}

static void remove_tree(const char *dir);

static void new_work_dir(void)
{
    static unsigned n;
    char tmp[MAX_PATH];
    GetTempPathA(sizeof tmp, tmp);
    snprintf(work, sizeof work, "%shr-test-%lu-%u", tmp, (unsigned long)GetCurrentProcessId(), ++n);
    remove_tree(work); /* wine reuses small process ids: a killed run's directory may be here */
    if (!CreateDirectoryA(work, NULL))
        die("cannot create", work);
    snprintf(lib_path, sizeof lib_path, "%s\\lib.dll", work);
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

static void write_file(const char *path, const char *data, long size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, (size_t)size, f) != (size_t)size)
        die("cannot write", path);
    fclose(f);
}

/* What a well-behaved build does: write a temp name, rename it over the library. */
static void install_data(const char *data, long size, const char *dst)
{
    char tmp[MAX_PATH + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    write_file(tmp, data, size);
    if (!MoveFileExA(tmp, dst, MOVEFILE_REPLACE_EXISTING))
        die("cannot rename over", dst);
}

/* The same with a fixture, copied through a small buffer (fx_big.dll is 16 MiB). */
static void install(const char *fixture_name, const char *dst)
{
    static char buf[1 << 16];
    char tmp[MAX_PATH + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    FILE *in = fopen(fixture(fixture_name), "rb"), *out = fopen(tmp, "wb");
    size_t n, total = 0;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0 && fwrite(buf, 1, n, out) == n)
        total += n;
    if (!in || ferror(in) || total == 0)
        die("cannot read", fixture(fixture_name));
    if (!out || ferror(out) || fclose(out) != 0)
        die("cannot write", tmp);
    fclose(in);
    if (!MoveFileExA(tmp, dst, MOVEFILE_REPLACE_EXISTING))
        die("cannot rename over", dst);
}

static int exists(const char *path)
{
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

/* 1 if the loader has a module mapped from exactly this file. */
static int mapped(const char *path)
{
    HMODULE h;
    return GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, path, &h) != 0;
}

static int count_entries(const char *dir)
{
    char pattern[MAX_PATH + 4];
    snprintf(pattern, sizeof pattern, "%s\\*", dir);
    WIN32_FIND_DATAA fd;
    HANDLE find = FindFirstFileA(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return -1;
    int n = 0;
    do
        n += fd.cFileName[0] != '.';
    while (FindNextFileA(find, &fd));
    FindClose(find);
    return n;
}

/* Notifications and the pre-flight process are waited for with a generous deadline (wine on a
 * busy machine): only a case that fails ever reaches it. */
#define DEADLINE_MS 120000u
/* A pre-flight timeout no good load reaches, even under wine on a busy machine. */
#define GENEROUS_MS 60000

static int before(DWORD end)
{
    return (LONG)(end - GetTickCount()) > 0;
}

/* Checks until the core reports a reload (polling settles over two checks). */
static hr_status check_until_reloaded(hr_lib *lib)
{
    hr_status st = HR_UNCHANGED;
    for (DWORD end = GetTickCount() + DEADLINE_MS; st != HR_RELOADED && before(end);) {
        st = hr_check(lib);
        if (st != HR_RELOADED)
            Sleep(5); /* notifications arrive asynchronously */
    }
    return st;
}

/* Checks while a build is being copied or pre-flighted, returns the first other status. */
static hr_status check_while_checking(hr_lib *lib)
{
    hr_status st = HR_NOT_READY;
    for (DWORD end = GetTickCount() + DEADLINE_MS;
         st == HR_NOT_READY && hr_is_checking(lib) && before(end);) {
        st = hr_check(lib);
        if (st == HR_NOT_READY && hr_is_checking(lib))
            Sleep(5);
    }
    return st;
}

static void remove_work_dir(void)
{
    remove_tree(work);
}

static void remove_file(const char *path)
{
    DeleteFileA(path);
}

static void make_dir(const char *path)
{
    CreateDirectoryA(path, NULL);
}

/* Checks until the core reports anything: directory notifications arrive asynchronously. */
static hr_status check_until_changed(hr_lib *lib)
{
    hr_status st = HR_UNCHANGED;
    for (DWORD end = GetTickCount() + DEADLINE_MS; st == HR_UNCHANGED && before(end);) {
        st = hr_check(lib);
        if (st == HR_UNCHANGED)
            Sleep(5);
    }
    return st;
}

/* --- cases --------------------------------------------------------------------------------- */

/* The point of copy-before-load on Windows: the loader locks the file it maps, so the build
 * could not replace a DLL loaded in place. The core maps a copy; the original stays free. */
static void original_stays_writable_while_loaded(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.dll"), buf, sizeof buf);
    new_work_dir();
    install("fx_v1.dll", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(hr_is_loaded(lib) && mapped(hr_loaded_path(lib)), "the copy is not mapped");
    CHECK(!mapped(lib_path), "the original itself is mapped");
    /* Exclusive write access succeeds only when nobody, the loader included, holds the file. */
    HANDLE h = CreateFileA(lib_path, GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE, "cannot rewrite the loaded original: error %lu",
          GetLastError());
    DWORD put = 0;
    if (h != INVALID_HANDLE_VALUE) {
        WriteFile(h, buf, (DWORD)n, &put, NULL);
        CloseHandle(h);
    }
    CHECK(put == (DWORD)n, "short write");
    CHECK(value(slots) == 1, "old code lost while the original was rewritten");
    hr_status st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after rewrite in place: %s (%s)",
          hr_status_name(st), hr_error_text(lib));
    CHECK(DeleteFileA(lib_path), "cannot delete the original: error %lu", GetLastError());
    hr_close(lib);
    remove_work_dir();
}

static void in_place_writer_waits_for_close(void)
{
    static char buf[1 << 20];
    long n = read_file(fixture("fx_v2.dll"), buf, sizeof buf);
    new_work_dir();
    install("fx_v1.dll", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    /* A writer that lets others read, as compilers and editors do. */
    HANDLE h =
        CreateFileA(lib_path, GENERIC_WRITE, FILE_SHARE_READ, NULL, TRUNCATE_EXISTING, 0, NULL);
    DWORD put = 0;
    WriteFile(h, buf, (DWORD)(n / 2), &put, NULL);
    Sleep(20);
    hr_status st = hr_check(lib);
    CHECK(st == HR_NOT_READY, "half-written: %s", hr_status_name(st));
    CHECK(value(slots) == 1, "old code lost while writing");
    WriteFile(h, buf + n / 2, (DWORD)(n - n / 2), &put, NULL);
    Sleep(20);
    st = hr_check(lib);
    CHECK(st == HR_NOT_READY, "complete but still open: %s", hr_status_name(st));
    CloseHandle(h);
    st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "after close: %s (%s)", hr_status_name(st),
          hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

/* Cut-short builds wait for the writer; files that can never load say what they are. */
static void bad_and_foreign_files(void)
{
    static char buf[1 << 20], data[1 << 22];
    long n = read_file(fixture("fx_v1.dll"), buf, sizeof buf);
    char obj[MAX_PATH + 64], exe[MAX_PATH];
    snprintf(obj, sizeof obj, "%s\\..\\..\\obj\\host\\core\\hr.o", fixtures);
    GetModuleFileNameA(NULL, exe, sizeof exe);
    unsigned pe = (unsigned char)buf[0x3c] | (unsigned char)buf[0x3d] << 8;
    struct {
        const char *what, *source;
        long size; /* bytes of fx_v1.dll to keep (source NULL) */
        int patch; /* 1: machine becomes arm64, 2: random bytes, 3: ELF magic */
        hr_status want;
        const char *reason;
    } cases[] = {
        { "empty", NULL, 0, 0, HR_NOT_READY, "empty" },
        { "10 bytes", NULL, 10, 0, HR_NOT_READY, "truncated" },
        { "half", NULL, n / 2, 0, HR_NOT_READY, "truncated" },
        { "all but 1 byte", NULL, n - 1, 0, HR_NOT_READY, "truncated" },
        { "text", NULL, -1, 0, HR_LOAD_FAILED, "not a PE file" },
        { "random bytes", NULL, n, 2, HR_LOAD_FAILED, "not a PE file" },
        { "ELF library", NULL, n, 3, HR_LOAD_FAILED, "ELF" },
        { "other machine", NULL, n, 1, HR_LOAD_FAILED, "arm64" },
        { "object file", obj, 0, 0, HR_LOAD_FAILED, "object file" },
        { "executable", exe, 0, 0, HR_LOAD_FAILED, "an executable, not a DLL" },
    };
    new_work_dir();
    install("fx_v1.dll", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long size = cases[i].size;
        memcpy(data, buf, (size_t)n);
        if (cases[i].source)
            size = read_file(cases[i].source, data, sizeof data);
        if (size < 0)
            size = snprintf(data, sizeof data, "this is not a library\n");
        if (cases[i].patch == 1)
            data[pe + 4] = (char)0x64, data[pe + 5] = (char)0xaa;
        unsigned seed = 12345;
        for (long j = 0; cases[i].patch == 2 && j < size; j++)
            data[j] = (char)((seed = seed * 1103515245u + 12345u) >> 16);
        static const char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
        if (cases[i].patch == 3)
            memcpy(data, elf_magic, sizeof elf_magic);
        CHECK(size >= 0, "%s: no data", cases[i].what);
        install_data(data, size, lib_path);
        hr_status st = HR_UNCHANGED;
        for (DWORD end = GetTickCount() + DEADLINE_MS; st == HR_UNCHANGED && before(end); Sleep(5))
            st = hr_check(lib);
        CHECK(st == cases[i].want, "%s: %s (%s)", cases[i].what, hr_status_name(st),
              hr_error_text(lib));
        CHECK(strstr(hr_error_text(lib), cases[i].reason) != NULL, "%s: text '%s' lacks '%s'",
              cases[i].what, hr_error_text(lib), cases[i].reason);
        CHECK(hr_is_loaded(lib) && value(slots) == 1, "%s: old code lost", cases[i].what);
    }
    CHECK(count_entries(hr_temp_dir(lib)) == 1, "rejected copies left behind: %d files",
          count_entries(hr_temp_dir(lib)));
    install("fx_v2.dll", lib_path);
    CHECK(check_until_reloaded(lib) == HR_RELOADED && value(slots) == 2,
          "good build after bad ones");
    hr_close(lib);
    remove_work_dir();
}

static void missing_import_gives_loader_text(void)
{
    new_work_dir();
    install("undef_fx.dll", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    CHECK(!hr_is_loaded(lib), "loaded a DLL with a missing import");
    CHECK(hr_error_code(lib) == HR_ERR_DLOPEN, "error %s: %s", hr_error_name(hr_error_code(lib)),
          hr_error_text(lib));
    CHECK(strstr(hr_error_text(lib), "LoadLibrary") && strstr(hr_error_text(lib), "error 126"),
          "no loader text: %s", hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
}

static void extra_reference_is_reported(void)
{
    new_work_dir();
    install("fx_v1.dll", lib_path);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    HMODULE extra = LoadLibraryA(hr_loaded_path(lib));
    install("fx_v2.dll", lib_path);
    hr_status st = check_until_reloaded(lib);
    CHECK(st == HR_RELOADED && value(slots) == 2, "reload with extra ref: %s", hr_status_name(st));
    CHECK(hr_error_code(lib) == HR_ERR_STILL_LOADED, "no still-loaded warning: %s",
          hr_error_name(hr_error_code(lib)));
    CHECK(strstr(hr_error_text(lib), "LoadLibrary") != NULL, "warning names no cause: %s",
          hr_error_text(lib));
    if (extra)
        FreeLibrary(extra);
    hr_close(lib);
    remove_work_dir();
}

static void private_dir_and_cleanup(void)
{
    new_work_dir();
    install("fx_v1.dll", lib_path);
    /* A leftover of a killed process (pid 999999 does not exist) and one of a live one. */
    char stale[MAX_PATH + 32], live[MAX_PATH + 32], stale_file[MAX_PATH + 64];
    snprintf(stale, sizeof stale, "%s\\hr-999999-abcdef", work);
    snprintf(live, sizeof live, "%s\\hr-%lu-abcdef", work, (unsigned long)GetCurrentProcessId());
    CreateDirectoryA(stale, NULL);
    CreateDirectoryA(live, NULL);
    snprintf(stale_file, sizeof stale_file, "%s\\1-lib.dll", stale);
    write_file(stale_file, "x", 1);
    void *slots[2];
    hr_lib *lib = open_lib(slots, HR_WATCH_DEFAULT);
    char dir[MAX_PATH];
    snprintf(dir, sizeof dir, "%s", hr_temp_dir(lib));
    CHECK(strncmp(dir, work, strlen(work)) == 0 && exists(dir), "private dir %s", dir);
    CHECK(!exists(stale), "leftover of a dead process not removed");
    CHECK(exists(live), "directory of a live process removed");
    hr_close(lib);
    CHECK(!exists(dir), "private dir %s survives hr_close", dir);
    remove_work_dir();

    /* Without desc.temp_dir the directory goes under %TEMP%. */
    char tmp[MAX_PATH];
    GetTempPathA(sizeof tmp, tmp);
    lib = hr_open(&(hr_desc){ .path = "no-such.dll" });
    CHECK(strncmp(hr_temp_dir(lib), tmp, strlen(tmp) - 1) == 0, "%s is not under %s",
          hr_temp_dir(lib), tmp);
    hr_close(lib);
}

/* The status of loading fixture_name after fx_v1.dll, and its text; -1 if fx_v1.dll did not
 * load first or did not keep running after a failed load. With a short timeout (a constructor
 * that must be stopped) the fixture is the first load itself: wine charges a pre-flight's own
 * start-up to its CPU time, over a second of it on a busy machine, which a good first load
 * under that timeout would not survive there (Windows' start-up costs milliseconds). */
static int preflight_status(const char *fixture_name, int timeout_ms, char *text, size_t size)
{
    const int alone = timeout_ms < GENEROUS_MS;
    new_work_dir();
    install(alone ? fixture_name : "fx_v1.dll", lib_path);
    void *slots[2];
    hr_lib *lib = hr_open(&(hr_desc){ .path = lib_path,
                                      .symbols = fx_names,
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .temp_dir = work,
                                      .preflight = preflight,
                                      .preflight_timeout_ms = timeout_ms });
    int ok = alone ? lib && !hr_is_loaded(lib) : hr_is_loaded(lib) && value(slots) == 1;
    hr_status st = HR_LOAD_FAILED;
    if (!alone) {
        install(fixture_name, lib_path);
        st = HR_NOT_READY;
        for (DWORD end = GetTickCount() + DEADLINE_MS;
             (st == HR_NOT_READY || st == HR_UNCHANGED) && before(end); Sleep(10))
            st = hr_check(lib);
        ok = ok && hr_is_loaded(lib) && value(slots) == (st == HR_RELOADED ? 2 : 1);
    }
    snprintf(text, size, "%s: %s", hr_status_name(st), hr_error_text(lib));
    hr_close(lib);
    remove_work_dir();
    return ok ? (int)st : -1;
}

/* A constructor that exits, aborts, loops or blocks costs the pre-flight process, not this one.
 * (ctor_crash.dll is left out: wine, unlike Windows, swallows a fault inside DLL
 * initialisation and reports the load as a success.) */
static void preflight_guards_the_process(void)
{
    static const struct {
        const char *fixture, *reason;
        hr_status want;
        int timeout_ms; /* short only where the pre-flight must be stopped */
    } cases[] = {
        { "fx_v2.dll", "", HR_RELOADED, GENEROUS_MS },
        { "ctor_exit.dll", "status 7", HR_LOAD_FAILED, GENEROUS_MS },
        { "ctor_abort.dll", "0xC0000409 (abort or fast fail)", HR_LOAD_FAILED, GENEROUS_MS },
        /* Stopped after its timeout of CPU time, or five times that of waiting on a machine too
         * busy to give it a fifth of a core. A blocked constructor is stopped too, by either
         * limit: wine charges a sleeping process for its own threads' work (about 12% of a
         * core here), which Windows does not. */
        { "ctor_loop.dll", "did not finish within ", HR_LOAD_FAILED, 1000 },
        { "ctor_block.dll", "did not finish within ", HR_LOAD_FAILED, 1000 },
        { "fx_nosym.dll", "does not export 'fx_value'", HR_LOAD_FAILED, GENEROUS_MS },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1200];
        int st = preflight_status(cases[i].fixture, cases[i].timeout_ms, text, sizeof text);
        CHECK(st == (int)cases[i].want && strstr(text, cases[i].reason), "%s: %s", cases[i].fixture,
              text);
    }
}

int main(void)
{
    const char *b = getenv("B");
    snprintf(fixtures, sizeof fixtures, "%s\\tests\\fixtures", b && b[0] ? b : "build\\win");
    snprintf(preflight, sizeof preflight, "%s\\hr-preflight.exe", b && b[0] ? b : "build\\win");
    /* A crash in this test must print and exit, not wait for a click on an error box. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    check_cleanup = remove_work_dir; /* a failed case leaves no temp directory */
    int passed = 0, failed = 0;
#define RUN_CASE(fn) RUN(fn, passed, failed);
    CORE_CASES(RUN_CASE)
    RUN(original_stays_writable_while_loaded, passed, failed);
    RUN(in_place_writer_waits_for_close, passed, failed);
    RUN(bad_and_foreign_files, passed, failed);
    RUN(missing_import_gives_loader_text, passed, failed);
    RUN(extra_reference_is_reported, passed, failed);
    RUN(private_dir_and_cleanup, passed, failed);
    RUN(preflight_guards_the_process, passed, failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
