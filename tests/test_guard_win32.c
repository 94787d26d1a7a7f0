/* test_guard_win32.c - the crash guard on Windows (host/game/host_guard_win32.c), where it finds a
 * crash (host/game/host_crash_where.c and _win32.c) and the write tracker that is off there
 * (host/game/host_dirty_win32.c), against tests/fixtures/guard_game_win32.c: a DLL that faults in
 * every way a game can, whose code ranges the test publishes as the game's. Cases: each exception
 * kind, a stack overflow twice in a row, a fault on a second thread, the watchdog's interruption
 * of a hang (and none while the program's own code runs inside the call), the frames and the
 * crash's place, the code of an unloaded build, and in child processes of this program the
 * faults outside any game call. Run by tests/test_win32.sh under wine, or on Windows as it is:
 *     set B=build\win & build\win\tests\test_guard_win32.exe
 */
#define SDL_MAIN_HANDLED /* main is this program's own, not SDL's */
#include "check.h"
#include "host_dirty.h"
#include "host_guard.h"
#include "host_watchdog.h"

#include <limits.h>
#include <stdlib.h>
#include <windows.h>

#define DEADLINE_MS 60000 /* generous: wine on a busy machine */

/* The watchdog, as far as the guard asks it: the interruption is wanted while this is 1. */
static volatile LONG firing;

int host_watchdog_is_firing(void)
{
    return firing != 0;
}

static char fixture_path[MAX_PATH]; /* %B%\tests\fixtures\guard_game_win32.dll */
static char fixture_dir[MAX_PATH];

/* The game's functions, from the DLL. */
static struct {
    HMODULE module;
    void (*write_null)(void);
    int (*read_null)(void);
    int (*divide)(int, int);
    void (*illegal)(void);
    void (*privileged)(void);
    void (*breakpoint)(void);
    unsigned (*recurse)(unsigned);
    void (*raise)(DWORD);
    void (*spin)(volatile LONG *);
    void (*call_back)(void (*)(void));
    void (*nested_fault)(void);
    void (*abort)(void);
} gg;

static int before(DWORD end)
{
    return (LONG)(end - GetTickCount()) > 0;
}

/* The test's own setup failed (not the code under test): say what, and stop. */
static void die(const char *what, const char *detail)
{
    printf("FAIL setup: %s %s: error %lu\n", what, detail, GetLastError());
    fflush(stdout);
    exit(1);
}

/* The executable sections of a loaded module, as hr_code_ranges gives them for the game. */
static int code_ranges(HMODULE module, hr_range *out, int max)
{
    const unsigned char *base = (const unsigned char *)module;
    const IMAGE_NT_HEADERS *nt =
        (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
    const IMAGE_SECTION_HEADER *sec = IMAGE_FIRST_SECTION(nt);
    int n = 0;
    for (unsigned i = 0; i < nt->FileHeader.NumberOfSections && n < max; i++)
        if (sec[i].Characteristics & IMAGE_SCN_MEM_EXECUTE)
            out[n++] =
                (hr_range){ (uintptr_t)base + sec[i].VirtualAddress,
                            (uintptr_t)base + sec[i].VirtualAddress + sec[i].Misc.VirtualSize };
    return n;
}

static void *symbol(HMODULE module, const char *name)
{
    void *p =
        (void *)(uintptr_t)GetProcAddress(module, name); /* NOLINT(performance-no-int-to-ptr) */
    if (!p)
        die("no export", name);
    return p;
}

static void load_game(void)
{
    gg.module = LoadLibraryA(fixture_path);
    if (!gg.module)
        die("cannot load", fixture_path);
    gg.write_null = (void (*)(void))symbol(gg.module, "gg_write_null");
    gg.read_null = (int (*)(void))symbol(gg.module, "gg_read_null");
    gg.divide = (int (*)(int, int))symbol(gg.module, "gg_divide");
    gg.illegal = (void (*)(void))symbol(gg.module, "gg_illegal");
    gg.privileged = (void (*)(void))symbol(gg.module, "gg_privileged");
    gg.breakpoint = (void (*)(void))symbol(gg.module, "gg_breakpoint");
    gg.recurse = (unsigned (*)(unsigned))symbol(gg.module, "gg_recurse");
    gg.raise = (void (*)(DWORD))symbol(gg.module, "gg_raise");
    gg.spin = (void (*)(volatile LONG *))symbol(gg.module, "gg_spin");
    gg.call_back = (void (*)(void (*)(void)))symbol(gg.module, "gg_call_back");
    gg.nested_fault = (void (*)(void))symbol(gg.module, "gg_nested_fault");
    gg.abort = (void (*)(void))symbol(gg.module, "gg_abort");
    hr_range ranges[HR_MAX_CODE_RANGES];
    host_guard_set_code(ranges, code_ranges(gg.module, ranges, HR_MAX_CODE_RANGES));
}

/* 1 if pc lies within the first bytes of fn: the fault is in that function. */
static int starts_in(const void *pc, void (*fn)(void))
{
    uintptr_t at = (uintptr_t)pc, start = (uintptr_t)fn;
    return at >= start && at - start < 64;
}

static void write_null(void *arg)
{
    (void)arg;
    gg.write_null();
}

static volatile int sink;

static void read_null(void *arg)
{
    (void)arg;
    sink = gg.read_null();
}

static void divide_by_zero(void *arg)
{
    (void)arg;
    sink = gg.divide(1, 0);
}

static void divide_overflow(void *arg)
{
    (void)arg;
    sink = gg.divide(INT_MIN, -1);
}

static void illegal(void *arg)
{
    (void)arg;
    gg.illegal();
}

static void privileged(void *arg)
{
    (void)arg;
    gg.privileged();
}

static void breakpoint(void *arg)
{
    (void)arg;
    gg.breakpoint();
}

static void recurse(void *arg)
{
    sink = (int)gg.recurse(*(const unsigned *)arg);
}

static void raise_code(void *arg)
{
    gg.raise(*(const DWORD *)arg);
}

static void nested_fault(void *arg)
{
    (void)arg;
    gg.nested_fault();
}

static void call_abort(void *arg)
{
    (void)arg;
    gg.abort();
}

/* Runs fn guarded and checks it stopped with the signal named sig. */
#define EXPECT_STOP(fn, arg, sig)                                                                  \
    do {                                                                                           \
        int got_ = host_guard_call(fn, arg);                                                       \
        CHECK(got_ != 0 && strcmp(host_guard_signal_name(got_), sig) == 0, "want %s, got %d (%s)", \
              sig, got_, host_guard_signal_name(got_));                                            \
    } while (0)

static void write_at_null_is_sigsegv(void)
{
    EXPECT_STOP(write_null, NULL, "SIGSEGV");
    CHECK(host_guard_fault_has_address() && host_guard_fault_address() == NULL, "address %p",
          host_guard_fault_address());
    CHECK(starts_in(host_guard_fault_pc(), gg.write_null), "pc %p, function at %p",
          host_guard_fault_pc(), (void *)gg.write_null);
    CHECK(host_guard_in_game_code(host_guard_fault_pc()), "pc %p", host_guard_fault_pc());
    CHECK(!host_guard_fault_is_stack_overflow(), "taken for a stack overflow");
    CHECK(host_guard_fault_stale_build() == 0, "stale build %u", host_guard_fault_stale_build());
    void *const *frames;
    int n = host_guard_fault_frames(&frames);
    /* The caller of the game's function: this file's write_null, just after its call. */
    CHECK(n >= 2 && !host_guard_in_game_code(frames[0]) &&
              (uintptr_t)frames[0] - (uintptr_t)write_null < 64,
          "%d frames, the first %p, write_null at %p", n, n ? frames[0] : NULL, (void *)write_null);
    char where[600];
    host_crash_where(where, sizeof where, fixture_dir, "game.dll");
    CHECK(strncmp(where, "gg_write_null+0x", 16) == 0 && strstr(where, " in game.dll+0x"),
          "where: %s", where);
    host_crash_where(where, sizeof where, "C:\\nowhere", "game.dll");
    CHECK(strstr(where, " in guard_game_win32.dll+0x"), "where (not a copy): %s", where);
}

static void read_at_null_is_sigsegv(void)
{
    EXPECT_STOP(read_null, NULL, "SIGSEGV");
    CHECK(host_guard_fault_has_address() && host_guard_fault_address() == NULL, "address %p",
          host_guard_fault_address());
    CHECK(starts_in(host_guard_fault_pc(), (void (*)(void))gg.read_null), "pc %p",
          host_guard_fault_pc());
}

static void integer_division_is_sigfpe(void)
{
    EXPECT_STOP(divide_by_zero, NULL, "SIGFPE");
    CHECK(starts_in(host_guard_fault_pc(), (void (*)(void))gg.divide), "pc %p",
          host_guard_fault_pc());
    CHECK(host_guard_fault_has_address() && host_guard_fault_address() == host_guard_fault_pc(),
          "address %p, pc %p", host_guard_fault_address(), host_guard_fault_pc());
    EXPECT_STOP(divide_overflow, NULL, "SIGFPE"); /* INT_MIN / -1 */
}

static void bad_instructions_are_sigill(void)
{
    EXPECT_STOP(illegal, NULL, "SIGILL"); /* ud2 */
    CHECK(starts_in(host_guard_fault_pc(), gg.illegal), "pc %p", host_guard_fault_pc());
    EXPECT_STOP(privileged, NULL, "SIGILL"); /* hlt */
    CHECK(starts_in(host_guard_fault_pc(), gg.privileged), "pc %p", host_guard_fault_pc());
}

static void breakpoint_is_sigtrap(void)
{
    EXPECT_STOP(breakpoint, NULL, "SIGTRAP"); /* int3 */
    CHECK(!host_guard_fault_has_address(), "a breakpoint has no fault address");
    CHECK(starts_in(host_guard_fault_pc(), gg.breakpoint), "pc %p", host_guard_fault_pc());
}

/* Twice: the guard page is put back after the first, or the second would end the process. */
static void stack_overflow_twice(void)
{
    unsigned depth = UINT_MAX;
    for (int i = 0; i < 3; i++) {
        EXPECT_STOP(recurse, &depth, "SIGSEGV");
        CHECK(host_guard_fault_is_stack_overflow(), "overflow %d not told as one", i + 1);
        CHECK(host_guard_in_game_code(host_guard_fault_pc()), "overflow %d: pc %p", i + 1,
              host_guard_fault_pc());
    }
    unsigned shallow = 100; /* and the stack is good for ordinary calls */
    CHECK(host_guard_call(recurse, &shallow) == 0, "a shallow recursion after the overflows");
}

/* An exception raised in kernelbase: the place is the game's call, the DLL named after it. */
static void raised_exception_names_the_caller(void)
{
    DWORD code = EXCEPTION_ARRAY_BOUNDS_EXCEEDED;
    EXPECT_STOP(raise_code, &code, "SIGSEGV");
    CHECK(!host_guard_in_game_code(host_guard_fault_pc()), "pc %p in the game",
          host_guard_fault_pc());
    char where[600];
    host_crash_where(where, sizeof where, fixture_dir, "game.dll");
    CHECK(strncmp(where, "gg_raise+0x", 11) == 0 && strstr(where, " in game.dll+0x") &&
              strstr(where, " (inside "),
          "where: %s", where);
}

/* A fault one call deep: the return address into the game's caller comes first. */
static void frames_lead_back_through_the_game(void)
{
    EXPECT_STOP(nested_fault, NULL, "SIGSEGV");
    void *const *frames;
    int n = host_guard_fault_frames(&frames);
    CHECK(n >= 3 && starts_in(frames[0], gg.nested_fault) && host_guard_in_game_code(frames[0]) &&
                  (uintptr_t)frames[1] -
                      (uintptr_t)nested_fault<64, "%d frames: %p %p, gg_nested_fault at %p", n, n> 0
              ? frames[0]
              : NULL,
          n > 1 ? frames[1] : NULL, (void *)gg.nested_fault);
    char where[600];
    host_crash_where(where, sizeof where, fixture_dir, "game.dll");
    /* write_to is static: not exported, named by its offset alone. */
    CHECK(strncmp(where, "in game.dll+0x", 14) == 0, "where: %s", where);
}

/* abort() in the game, twice (the C runtime resets the handler each time): the place is the
 * game's call into the C runtime. */
static void abort_is_sigabrt(void)
{
    for (int i = 0; i < 2; i++) {
        EXPECT_STOP(call_abort, NULL, "SIGABRT");
        CHECK(!host_guard_fault_has_address(), "abort %d has a fault address", i + 1);
        char where[600];
        host_crash_where(where, sizeof where, fixture_dir, "game.dll");
        CHECK(strncmp(where, "gg_abort+0x", 11) == 0 && strstr(where, " in game.dll+0x") &&
                  strstr(where, " (inside "),
              "abort %d: where: %s", i + 1, where);
    }
}

static DWORD WINAPI fault_on_thread(void *arg)
{
    int *result = arg;
    if (host_guard_thread_init() != 0)
        return 1;
    result[0] = host_guard_call(write_null, NULL);
    result[1] = host_guard_fault_pc() != NULL && starts_in(host_guard_fault_pc(), gg.write_null);
    host_guard_thread_end();
    return 0;
}

static void fault_on_second_thread(void)
{
    int result[2] = { -1, 0 };
    HANDLE t = CreateThread(NULL, 0, fault_on_thread, result, 0, NULL);
    CHECK(t != NULL, "CreateThread: error %lu", GetLastError());
    DWORD waited = WaitForSingleObject(t, DEADLINE_MS);
    CloseHandle(t);
    CHECK(waited == WAIT_OBJECT_0, "the thread did not end");
    CHECK(strcmp(host_guard_signal_name(result[0]), "SIGSEGV") == 0 && result[1],
          "got %d, pc in gg_write_null: %d", result[0], result[1]);
    EXPECT_STOP(write_null, NULL, "SIGSEGV"); /* this thread's guard is still its own */
}

/* The watchdog's side: interrupts until the call ends, then lets a spinning game go. */
static struct {
    volatile LONG call_done;    /* the guarded call returned */
    volatile LONG stop;         /* gg_spin's way out, should the interruption fail */
    volatile LONG in_host;      /* host_side_spin runs */
    volatile LONG release_host; /* host_side_spin may return */
    volatile LONG interrupts;   /* host_guard_interrupt calls made */
} dog;

static DWORD WINAPI interrupt_until_done(void *arg)
{
    (void)arg;
    for (DWORD end = GetTickCount() + DEADLINE_MS; !dog.call_done && before(end); Sleep(1)) {
        host_guard_interrupt();
        InterlockedIncrement(&dog.interrupts);
    }
    dog.stop = 1;
    return 0;
}

static void spin(void *arg)
{
    (void)arg;
    gg.spin(&dog.stop);
}

static int run_with_interrupter(void (*fn)(void *), LPTHREAD_START_ROUTINE interrupter)
{
    memset((void *)&dog, 0, sizeof dog);
    HANDLE t = CreateThread(NULL, 0, interrupter, NULL, 0, NULL);
    CHECK(t != NULL, "CreateThread: error %lu", GetLastError());
    int got = host_guard_call(fn, NULL);
    dog.call_done = 1;
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    return got;
}

static void hang_in_game_is_interrupted(void)
{
    firing = 1;
    int got = run_with_interrupter(spin, interrupt_until_done);
    firing = 0;
    CHECK(got == HOST_GUARD_HANG, "got %d (%s) after %ld interrupts, the game stopped: %ld", got,
          host_guard_signal_name(got), dog.interrupts, dog.stop);
    CHECK(strcmp(host_guard_signal_name(got), "hang") == 0, "named %s",
          host_guard_signal_name(got));
    CHECK(starts_in(host_guard_fault_pc(), (void (*)(void))gg.spin), "pc %p, gg_spin at %p",
          host_guard_fault_pc(), (void *)gg.spin);
    void *const *frames;
    CHECK(!host_guard_fault_has_address() && host_guard_fault_frames(&frames) == 0,
          "a hang has no address and no frames");
    unsigned shallow = 100; /* the thread goes on as before */
    CHECK(host_guard_call(recurse, &shallow) == 0, "a call after the hang");
}

static void hang_needs_the_watchdog_firing(void)
{
    firing = 0; /* a late interruption of a call the watchdog no longer watches */
    int got = run_with_interrupter(spin, interrupt_until_done);
    CHECK(got == 0 && dog.stop, "got %d after %ld interrupts", got, dog.interrupts);
}

/* The program's own code, called by the game: running inside the call, never left by a jump. */
static void host_side_spin(void)
{
    dog.in_host = 1;
    while (!dog.release_host)
        ;
}

static void call_back_spin(void *arg)
{
    (void)arg;
    gg.call_back(host_side_spin);
}

#define HOST_SIDE_INTERRUPTS 1000

static DWORD WINAPI interrupt_host_side(void *arg)
{
    (void)arg;
    for (DWORD end = GetTickCount() + DEADLINE_MS; !dog.in_host && before(end); Sleep(1))
        ;
    for (int i = 0; i < HOST_SIDE_INTERRUPTS && dog.in_host; i++) {
        host_guard_interrupt();
        InterlockedIncrement(&dog.interrupts);
    }
    dog.release_host = 1;
    return 0;
}

static void no_interrupt_outside_game_code(void)
{
    firing = 1;
    int got = run_with_interrupter(call_back_spin, interrupt_host_side);
    firing = 0;
    CHECK(dog.in_host, "the game's call back never ran");
    CHECK(got == 0 && dog.interrupts == HOST_SIDE_INTERRUPTS,
          "got %d (%s) after %ld interrupts while the program's code ran", got,
          host_guard_signal_name(got), dog.interrupts);
}

/* A second copy of the game DLL in a temp directory, loaded, its function pointer and code
 * ranges kept, and unloaded: what a reload leaves behind. */
static void *unloaded_copy(hr_range *ranges, int *count, char *copy, size_t size)
{
    char tmp[MAX_PATH];
    GetTempPathA(sizeof tmp, tmp);
    snprintf(copy, size, "%sguard-gone-%lu.dll", tmp, (unsigned long)GetCurrentProcessId());
    if (!CopyFileA(fixture_path, copy, FALSE))
        die("cannot copy to", copy);
    HMODULE m = LoadLibraryA(copy);
    if (!m)
        die("cannot load", copy);
    void *fn = symbol(m, "gg_write_null");
    *count = code_ranges(m, ranges, HR_MAX_CODE_RANGES);
    FreeLibrary(m);
    return fn;
}

static void *stale_fn;

static void call_stale(void *arg)
{
    (void)arg;
    ((void (*)(void))stale_fn)();
}

static DWORD state_of(const void *addr)
{
    MEMORY_BASIC_INFORMATION mbi;
    return VirtualQuery(addr, &mbi, sizeof mbi) == sizeof mbi ? mbi.State : 0;
}

static void gone_code_faults_as_stale(void)
{
    hr_range ranges[HR_MAX_CODE_RANGES];
    int count;
    char copy[MAX_PATH + 40];
    stale_fn = unloaded_copy(ranges, &count, copy, sizeof copy);
    DeleteFileA(copy);
    host_guard_add_gone(ranges, count, 7);
    CHECK(state_of(stale_fn) == MEM_RESERVE, "the unloaded code is not reserved: state 0x%lx",
          state_of(stale_fn));
    EXPECT_STOP(call_stale, NULL, "SIGSEGV");
    CHECK(host_guard_fault_stale_build() == 7, "stale build %u", host_guard_fault_stale_build());
    CHECK(host_guard_fault_pc() == stale_fn, "pc %p, the stale function %p", host_guard_fault_pc(),
          stale_fn);
    void *const *frames;
    int n = host_guard_fault_frames(&frames);
    CHECK(n >= 1 && (uintptr_t)frames[0] - (uintptr_t)call_stale < 64,
          "%d frames, the first %p, call_stale at %p", n, n ? frames[0] : NULL, (void *)call_stale);
    host_guard_release_gone();
    CHECK(state_of(stale_fn) == MEM_FREE, "still reserved after release: state 0x%lx",
          state_of(stale_fn));
    EXPECT_STOP(write_null, NULL, "SIGSEGV");
    CHECK(host_guard_fault_stale_build() == 0, "stale build %u after a fresh fault",
          host_guard_fault_stale_build());
}

static void dirty_tracking_is_off(void)
{
    static unsigned char block[HOST_DIRTY_MIN];
    CHECK(host_dirty_track(block, sizeof block) == -1, "the tracker took the block");
    CHECK(!host_dirty_is_tracking(block) && host_dirty_page_size() == 0, "tracking");
    const uint32_t *pages;
    const unsigned char *images;
    CHECK(host_dirty_history(&pages, &images) == 0 && !pages && !images, "a history");
}

/* ---- child processes: faults outside any game call end the process ---- */

static int stale_hook(char *fields, size_t size)
{
    snprintf(fields, size, "state-saved=test.state");
    return 1;
}

/* Runs as `test_guard_win32.exe MODE`: dies the way MODE says; returning is a failure. */
static int child(const char *mode)
{
    if (host_guard_install() != 0)
        return 10;
    if (strcmp(mode, "stale-outside") == 0) {
        hr_range ranges[HR_MAX_CODE_RANGES];
        int count;
        char copy[MAX_PATH + 40];
        stale_fn = unloaded_copy(ranges, &count, copy, sizeof copy);
        DeleteFileA(copy);
        host_guard_add_gone(ranges, count, 3);
        host_guard_on_stale("game.dll", stale_hook);
        call_stale(NULL);
    } else if (strcmp(mode, "fault-outside") == 0) {
        load_game();
        write_null(NULL);
    } else if (strcmp(mode, "ctrl-c") == 0) {
        if (host_guard_quit_requested() || host_guard_screenshot_requested())
            return 12;
        if (!GenerateConsoleCtrlEvent(CTRL_C_EVENT, 0))
            return 13;
        for (DWORD end = GetTickCount() + DEADLINE_MS; !host_guard_quit_requested() && before(end);
             Sleep(10))
            ;
        return host_guard_quit_requested() ? 0 : 14;
    }
    return 11;
}

/* Runs this program as `MODE`, its stderr into a file read back into err; flags: CreateProcess's
 * creation flags. */
static DWORD run_child(const char *mode, DWORD flags, char *err, size_t size)
{
    char self[MAX_PATH], log[MAX_PATH + 40], tmp[MAX_PATH], cmd[2 * MAX_PATH];
    GetModuleFileNameA(NULL, self, sizeof self);
    GetTempPathA(sizeof tmp, tmp);
    snprintf(log, sizeof log, "%sguard-%s-%lu.txt", tmp, mode,
             (unsigned long)GetCurrentProcessId());
    snprintf(cmd, sizeof cmd, "\"%s\" %s", self, mode);
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    HANDLE out = CreateFileA(log, GENERIC_WRITE, FILE_SHARE_READ, &sa, CREATE_ALWAYS, 0, NULL);
    if (out == INVALID_HANDLE_VALUE)
        die("cannot create", log);
    STARTUPINFOA si = { .cb = sizeof si, .dwFlags = STARTF_USESTDHANDLES };
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = out;
    PROCESS_INFORMATION pi;
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, flags, NULL, NULL, &si, &pi))
        die("cannot start", cmd);
    CloseHandle(out);
    DWORD code = (DWORD)-1;
    if (WaitForSingleObject(pi.hProcess, DEADLINE_MS) == WAIT_OBJECT_0)
        GetExitCodeProcess(pi.hProcess, &code);
    else
        TerminateProcess(pi.hProcess, 99);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    err[0] = 0;
    FILE *f = fopen(log, "rb");
    if (f) {
        size_t n = fread(err, 1, size - 1, f);
        err[n] = 0;
        fclose(f);
    }
    DeleteFileA(log);
    return code;
}

static void stale_code_outside_a_call_ends_the_process(void)
{
    char err[4096];
    DWORD code = run_child("stale-outside", 0, err, sizeof err);
    CHECK(code == HOST_EXIT_STALE_CODE, "exit code %lu, stderr: %s", code, err);
    CHECK(strstr(err, "livehost: crash signal=SIGSEGV kind=stale-code") &&
              strstr(err, " build=3 exit=4 state-saved=test.state reason=\"code of load 3 of "
                          "game.dll"),
          "stderr: %s", err);
}

static void fault_outside_a_call_is_not_swallowed(void)
{
    char err[4096];
    DWORD code = run_child("fault-outside", 0, err, sizeof err);
    CHECK(code == (DWORD)EXCEPTION_ACCESS_VIOLATION, "exit code 0x%lx, stderr: %s", code, err);
}

/* Ctrl-C is a quit request. In a console of its own: run headless, with its output in files,
 * this process has none to send the event to. */
static void console_ctrl_c_requests_quit(void)
{
    char err[4096];
    DWORD code = run_child("ctrl-c", CREATE_NEW_CONSOLE, err, sizeof err);
    CHECK(code == 0,
          "exit code %lu (12: asked before, 13: no event sent, 14: no quit request), "
          "stderr: %s",
          code, err);
}

int main(int argc, char **argv)
{
    /* A crash must print and exit, not wait for a click on an error box. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    const char *b = getenv("B");
    char dir[MAX_PATH];
    snprintf(dir, sizeof dir, "%s\\tests\\fixtures", b && b[0] ? b : "build\\win");
    /* Absolute, like the core's private directory the host passes to host_crash_where. */
    if (!GetFullPathNameA(dir, sizeof fixture_dir, fixture_dir, NULL))
        die("no full path for", dir);
    snprintf(fixture_path, sizeof fixture_path, "%s\\guard_game_win32.dll", fixture_dir);
    if (argc > 1)
        return child(argv[1]);
    if (host_guard_install() != 0)
        die("host_guard_install", "");
    load_game();
    int passed = 0, failed = 0;
    RUN(write_at_null_is_sigsegv, passed, failed);
    RUN(read_at_null_is_sigsegv, passed, failed);
    RUN(integer_division_is_sigfpe, passed, failed);
    RUN(bad_instructions_are_sigill, passed, failed);
    RUN(breakpoint_is_sigtrap, passed, failed);
    RUN(stack_overflow_twice, passed, failed);
    RUN(raised_exception_names_the_caller, passed, failed);
    RUN(frames_lead_back_through_the_game, passed, failed);
    RUN(abort_is_sigabrt, passed, failed);
    RUN(fault_on_second_thread, passed, failed);
    RUN(hang_in_game_is_interrupted, passed, failed);
    RUN(hang_needs_the_watchdog_firing, passed, failed);
    RUN(no_interrupt_outside_game_code, passed, failed);
    RUN(gone_code_faults_as_stale, passed, failed);
    RUN(dirty_tracking_is_off, passed, failed);
    RUN(stale_code_outside_a_call_ends_the_process, passed, failed);
    RUN(fault_outside_a_call_is_not_swallowed, passed, failed);
    RUN(console_ctrl_c_requests_quit, passed, failed);
    host_guard_set_code(NULL, 0);
    host_guard_uninstall();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
