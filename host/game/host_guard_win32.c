/* host_guard_win32.c - the crash guard on Windows: host.h's host_guard_* with a vectored exception
 * handler where host_guard_posix.c has signal handlers, the watchdog's interruption of a hung
 * call (SuspendThread, GetThreadContext, SetThreadContext), and Ctrl-C, Ctrl-Break and the
 * console window's close button as the quit request.
 *
 * An exception inside a guarded call (access violation, stack overflow, array bounds, in-page
 * error, misalignment, integer or unmasked floating-point arithmetic, illegal or privileged
 * instruction, breakpoint) is named with the POSIX signal the host already reports (SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGTRAP), so the events read the same on both systems. The same
 * exception anywhere else is not the game's: the handler lets the search go on (the thread's own
 * SEH frames, then Windows' unhandled-exception path and the process' end).
 * No SIGUSR1 on Windows: host_guard_screenshot_requested always answers 0.
 *
 * How a call is left: the handler never jumps out of itself (the exception dispatcher's frames
 * would be skipped). It rewrites the faulting context instead - the instruction pointer to
 * jump_out(), the stack pointer to dead stack just below the guarded call's frame - and returns
 * EXCEPTION_CONTINUE_EXECUTION; the system resumes the thread there, in an ordinary context, and
 * jump_out() does __builtin_longjmp back into host_guard_call (no SEH unwinding of the game's
 * frames, which have no handlers to run, and no signal mask to put back). The watchdog does the
 * same to a suspended thread with SetThreadContext.
 *
 * Traps it avoids:
 * - A stack overflow leaves the handler a few pages: the frames are walked into this thread's
 *   slot (static memory), not into locals, and SetThreadStackGuarantee keeps 64 KiB for it.
 *   The jump out runs on the stack the game gave back; there _resetstkoflw() puts the guard page
 *   back, or the next overflow would end the process without a word.
 * - The handler runs on any thread and must not allocate: a thread finds its slot by its id in
 *   a static table (no thread-local storage, which mingw emulates with a malloc on first use).
 * - The watchdog only moves a thread whose instruction pointer lies in the game's code: moved out
 *   of the C runtime (malloc, printf) it would leave that code's locks held and the host would
 *   deadlock. Elsewhere it resumes the thread and tries again. A suspended thread is looked at
 *   only after GetThreadContext: SuspendThread returns before the thread has stopped.
 * - Code of an unloaded build: its addresses stay reserved with no access (host_guard_add_gone),
 *   so a stale function pointer faults there and the fault names the build. Outside a game call
 *   the host cannot go on: the handler writes the crash line with WriteFile (no stdio: the
 *   faulting thread may hold its lock) and ends the process with HOST_EXIT_STALE_CODE.
 * - An exception the called code would catch itself with SEH (__try, IsBadReadPtr) is taken as a
 *   crash too: a vectored handler runs before the frame handlers. C games do not use SEH.
 */
#include "host_guard.h"
#include "host_guard_internal.h"
#include "host_watchdog.h"
#include "hr.h"

#include <malloc.h> /* _resetstkoflw */
#include <signal.h>
#include <string.h>
#include <windows.h>

/* The POSIX numbers of the signals Windows has no name for, as Linux numbers them. */
#ifndef SIGTRAP
#define SIGTRAP 5
#endif
#ifndef SIGBUS
#define SIGBUS 7
#endif

/* Threads that may call game code at the same time (the main thread, the audio thread...). */
#define MAX_THREADS 16
/* Unloaded builds whose addresses stay reserved; the oldest is let go after that. */
#define MAX_GONE (4 * HR_MAX_CODE_RANGES)
#define MAX_FRAMES 32
/* Kept free below an overflowed stack for the handler (SetThreadStackGuarantee). */
#define STACK_GUARANTEE ((ULONG)64 * 1024)
/* A fault this close to the stack pointer is a frame that did not fit (a __chkstk probe, a
 * push): a stack overflow even when it is not the guard page's exception (a thread whose guard
 * page is gone). */
#define STACK_POINTER_REACH ((uintptr_t)64 * 1024)
/* How far below the guarded call's frame the jump out runs: clear of that frame's locals. */
#define ESCAPE_GAP ((uintptr_t)256)

typedef struct guard_thread {
    CONTEXT walk;             /* the frame walker's scratch: never on an overflowed stack */
    HANDLE handle;            /* the thread, for host_guard_interrupt */
    uintptr_t escape_frame;   /* the guarded call's frame: the stack below it dies on a jump */
    uintptr_t stack_low;      /* the stack's reserved range, 0, 0: not known */
    uintptr_t stack_high;     /* one past its highest byte */
    void *fault_address;      /* see host_guard_fault_address */
    void *fault_pc;           /* the instruction that faulted or was interrupted */
    void *env[5];             /* __builtin_setjmp's buffer of the call in progress */
    void *frames[MAX_FRAMES]; /* return addresses at the fault, innermost first */
    volatile DWORD id;        /* the thread's id, 0: a free slot */
    volatile LONG in_call;    /* 1 while game code runs in a guarded call */
    int caught;               /* the signal number or HOST_GUARD_HANG of the last stop */
    int has_address;          /* fault_address is an address the fault was at */
    int stack_overflow;       /* the last stop was a stack overflow */
    unsigned gone_version;    /* the unloaded build the last stop was in, 0: none */
    int frame_count;          /* how many of frames */
} guard_thread;

static guard_thread threads[MAX_THREADS];
/* The thread in a guarded call, for the watchdog (it watches one call at a time). */
static guard_thread *volatile calling;
static PVOID exception_handler; /* AddVectoredExceptionHandler's handle, NULL: not installed */

/* Code of unloaded builds (host_guard_add_gone), one reservation each, a ring. */
static volatile uintptr_t gone_start[MAX_GONE], gone_end[MAX_GONE];
static volatile unsigned gone_version[MAX_GONE];
static int gone_next;

static volatile LONG quit_requested;

/* This thread's slot, or NULL before host_guard_thread_init. Reads the TEB and a static table:
 * safe in the exception handler. */
static guard_thread *find_self(void)
{
    DWORD me = GetCurrentThreadId(); /* NOLINT(bugprone-signal-handler): see on_abort */
    for (int i = 0; i < MAX_THREADS; i++)
        if (threads[i].id == me)
            return &threads[i];
    return NULL;
}

static unsigned gone_version_of(uintptr_t addr)
{
    for (int i = 0; i < MAX_GONE; i++)
        if (addr >= gone_start[i] && addr < gone_end[i])
            return gone_version[i];
    return 0;
}

/* The POSIX signal an exception is reported as, 0 for exceptions that are not crashes (a
 * debugger's messages, C++ exceptions, a thread name) and are left alone. */
static int signal_of(DWORD code)
{
    switch (code) {
    case EXCEPTION_ACCESS_VIOLATION:
    case EXCEPTION_STACK_OVERFLOW:
    case EXCEPTION_ARRAY_BOUNDS_EXCEEDED: return SIGSEGV;
    case EXCEPTION_IN_PAGE_ERROR:
    case EXCEPTION_DATATYPE_MISALIGNMENT: return SIGBUS;
    case EXCEPTION_INT_DIVIDE_BY_ZERO:
    case EXCEPTION_INT_OVERFLOW:
    case EXCEPTION_FLT_DIVIDE_BY_ZERO:
    case EXCEPTION_FLT_INVALID_OPERATION:
    case EXCEPTION_FLT_OVERFLOW:
    case EXCEPTION_FLT_UNDERFLOW:
    case EXCEPTION_FLT_INEXACT_RESULT:
    case EXCEPTION_FLT_DENORMAL_OPERAND:
    case EXCEPTION_FLT_STACK_CHECK: return SIGFPE;
    case EXCEPTION_ILLEGAL_INSTRUCTION:
    case EXCEPTION_PRIV_INSTRUCTION: return SIGILL;
    case EXCEPTION_BREAKPOINT: return SIGTRAP;
    default: return 0;
    }
}

/* Writes text to stderr with nothing but WriteFile. */
static void say(const char *text)
{
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD n = (DWORD)strlen(text), written;
    while (n > 0 && err && err != INVALID_HANDLE_VALUE) {
        if (!WriteFile(err, text, n, &written, NULL) || written == 0)
            return;
        text += written;
        n -= written;
    }
}

/* Code of unloaded build `version` ran outside any game call: a callback the game gave SDL (or
 * another library) and did not take back. Nothing can be jumped back to: tell, let the host
 * save what it can, and end the process (TerminateProcess: ExitProcess would run DLL detach
 * code under the loader lock from a crashed thread). */
static void die_of_stale_code(int sig, uintptr_t where, unsigned version)
{
    char line[1500];
    host_guard_stale_line(line, sizeof line, sig, where, version);
    say(line);
    TerminateProcess(GetCurrentProcess(), HOST_EXIT_STALE_CODE);
}

/* The committed part of this thread's stack, which the walker may read. */
static int on_stack(uintptr_t addr)
{
    const NT_TIB *tib = (const NT_TIB *)NtCurrentTeb();
    return addr >= (uintptr_t)tib->StackLimit &&
           addr + sizeof(DWORD64) <= (uintptr_t)tib->StackBase;
}

/* The return addresses above the faulting frame, from the exception's context: the unwind
 * tables of each module (RtlVirtualUnwind), and for code without them (a leaf function, a call
 * to NULL or to an unloaded build) the return address the call left on top of the stack. */
static void walk_frames(guard_thread *t, const CONTEXT *at)
{
    CONTEXT *c = &t->walk;
    *c = *at;
    int n = 0;
    while (n < MAX_FRAMES && on_stack((uintptr_t)c->Rsp)) {
        DWORD64 image_base;
        PRUNTIME_FUNCTION fn = RtlLookupFunctionEntry(c->Rip, &image_base, NULL);
        if (fn) {
            void *handler_data;
            DWORD64 establisher;
            RtlVirtualUnwind(UNW_FLAG_NHANDLER, image_base, c->Rip, fn, c, &handler_data,
                             &establisher, NULL);
        } else {
            c->Rip = *(const DWORD64 *)(uintptr_t)c->Rsp; /* NOLINT(performance-no-int-to-ptr) */
            c->Rsp += sizeof(DWORD64);
        }
        if (!c->Rip)
            break;
        t->frames[n++] = (void *)(uintptr_t)c->Rip; /* NOLINT(performance-no-int-to-ptr) */
    }
    t->frame_count = n;
}

/* An access violation in this thread's stack reservation or right by its stack pointer: a
 * runaway recursion or a local array too large for the stack, without the guard page. */
static int is_stack_overflow(const guard_thread *t, DWORD code, uintptr_t addr, uintptr_t sp)
{
    if (code == EXCEPTION_STACK_OVERFLOW)
        return 1;
    if (code != EXCEPTION_ACCESS_VIOLATION)
        return 0;
    if (t->stack_high && addr >= t->stack_low && addr < t->stack_high)
        return 1;
    return (addr > sp ? addr - sp : sp - addr) <= STACK_POINTER_REACH;
}

/* Where jump_out starts: dead stack below the guarded call's frame, aligned the way a function
 * finds it on entry (16-byte aligned before the call pushed its return address). */
static DWORD64 escape_stack(const guard_thread *t)
{
    return ((t->escape_frame - ESCAPE_GAP) & ~(uintptr_t)15) - sizeof(DWORD64);
}

/* The thread resumes here after a fault or an interruption, in an ordinary context. */
__attribute__((noreturn, noinline)) static void jump_out(void)
{
    __builtin_longjmp(find_self()->env, 1);
}

static void redirect(const guard_thread *t, CONTEXT *c)
{
    c->Rip = (DWORD64)(uintptr_t)jump_out;
    c->Rsp = escape_stack(t);
}

static LONG CALLBACK on_exception(EXCEPTION_POINTERS *ep)
{
    const EXCEPTION_RECORD *rec = ep->ExceptionRecord;
    CONTEXT *c = ep->ContextRecord;
    const int sig = signal_of(rec->ExceptionCode);
    if (!sig)
        return EXCEPTION_CONTINUE_SEARCH;
    const uintptr_t pc = (uintptr_t)c->Rip;
    /* An access (violation, in-page error, overflow) says where it was; arithmetic and
     * instruction faults are at the instruction, as Linux reports them; a breakpoint at none. */
    int has_address = 1;
    uintptr_t addr = (uintptr_t)rec->ExceptionAddress;
    if (rec->ExceptionCode == EXCEPTION_ACCESS_VIOLATION ||
        rec->ExceptionCode == EXCEPTION_IN_PAGE_ERROR ||
        rec->ExceptionCode == EXCEPTION_STACK_OVERFLOW)
        addr = rec->NumberParameters >= 2 ? (uintptr_t)rec->ExceptionInformation[1]
                                          : (uintptr_t)c->Rsp;
    else if (rec->ExceptionCode == EXCEPTION_BREAKPOINT)
        has_address = 0, addr = 0;
    unsigned gone = gone_version_of(pc);
    uintptr_t gone_at = pc;
    if (!gone && has_address && (gone = gone_version_of(addr)) != 0)
        gone_at = addr;
    guard_thread *t = find_self();
    if (!t || !t->in_call) {
        if (gone)
            die_of_stale_code(sig, gone_at, gone);
        return EXCEPTION_CONTINUE_SEARCH;
    }
    t->in_call = 0;
    t->caught = sig;
    t->has_address = has_address;
    t->fault_address = (void *)addr; /* NOLINT(performance-no-int-to-ptr) */
    t->fault_pc = (void *)pc;        /* NOLINT(performance-no-int-to-ptr) */
    t->stack_overflow = is_stack_overflow(t, rec->ExceptionCode, addr, (uintptr_t)c->Rsp);
    t->gone_version = gone;
    walk_frames(t, c);
    redirect(t, c);
    return EXCEPTION_CONTINUE_EXECUTION;
}

void host_guard_interrupt(void)
{
    guard_thread *t = calling;
    if (!t || SuspendThread(t->handle) == (DWORD)-1)
        return;
    CONTEXT c;
    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    /* Suspended now (GetThreadContext waits for that): its state holds still. */
    if (!GetThreadContext(t->handle, &c)) {
        ResumeThread(t->handle);
        return;
    }
    void *pc = (void *)(uintptr_t)c.Rip; /* NOLINT(performance-no-int-to-ptr) */
    if (calling == t && t->in_call && host_watchdog_is_firing() && host_guard_in_game_code(pc)) {
        redirect(t, &c);
        t->in_call = 0;
        if (SetThreadContext(t->handle, &c)) {
            t->caught = HOST_GUARD_HANG;
            t->has_address = 0;
            t->stack_overflow = 0;
            t->gone_version = 0;
            t->fault_address = pc;
            t->fault_pc = pc;
            t->frame_count = 0;
        } else {
            t->in_call = 1; /* still in the call: the watchdog tries again */
        }
    }
    ResumeThread(t->handle);
}

/* abort() (a failed assert) raises no exception on Windows: the C runtime calls the SIGABRT
 * handler on the aborting thread, in an ordinary context, and ends the process (exit code 3) if
 * it returns. Inside a game call it jumps out like a crash, with the frames that lead back to
 * the game; the runtime resets the handler before calling it, so host_guard_call puts it back.
 * Not an asynchronous signal (raise() calls it on the thread that aborted): the checks for
 * async-signal-safety do not apply. */
static void on_abort(int sig)
{
    /* NOLINTBEGIN(bugprone-signal-handler) */
    guard_thread *t = find_self();
    if (!t || !t->in_call)
        return; /* not the game's: the process ends as abort() means it to */
    t->in_call = 0;
    t->caught = sig;
    t->has_address = 0;
    t->stack_overflow = 0;
    t->gone_version = 0;
    t->fault_address = NULL;
    t->fault_pc = __builtin_return_address(0); /* in the C runtime's raise() */
    t->frame_count = RtlCaptureStackBackTrace(1, MAX_FRAMES, t->frames, NULL);
    __builtin_longjmp(t->env, 1);
    /* NOLINTEND(bugprone-signal-handler) */
}

static BOOL WINAPI on_console_event(DWORD type)
{
    switch (type) {
    case CTRL_C_EVENT:
    case CTRL_BREAK_EVENT: quit_requested = 1; return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_LOGOFF_EVENT:
    case CTRL_SHUTDOWN_EVENT:
        /* The system ends the process as soon as this returns (or after its timeout, 5 s by
         * default): wait here while the frame loop quits, saves and exits, which ends this
         * thread too. */
        quit_requested = 1;
        Sleep(INFINITE);
        return TRUE;
    default: return FALSE;
    }
}

/* The stack's reserved range: its base from the thread's TIB, its low end the reservation's
 * base. (GetCurrentThreadStackLimits gives the same two numbers but needs Windows 8; the build
 * targets 7.) */
static void read_stack_bounds(guard_thread *t)
{
    const NT_TIB *tib = (const NT_TIB *)NtCurrentTeb();
    MEMORY_BASIC_INFORMATION mbi;
    if (VirtualQuery(tib->StackLimit, &mbi, sizeof mbi) == sizeof mbi) {
        t->stack_low = (uintptr_t)mbi.AllocationBase;
        t->stack_high = (uintptr_t)tib->StackBase;
    }
}

int host_guard_thread_init(void)
{
    if (find_self())
        return 0;
    const DWORD me = GetCurrentThreadId();
    for (int i = 0; i < MAX_THREADS; i++) {
        guard_thread *t = &threads[i];
        if (InterlockedCompareExchange((volatile LONG *)&t->id, (LONG)me, 0) != 0)
            continue;
        if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                             &t->handle,
                             THREAD_SUSPEND_RESUME | THREAD_GET_CONTEXT | THREAD_SET_CONTEXT |
                                 THREAD_QUERY_INFORMATION,
                             FALSE, 0)) {
            t->id = 0;
            return -1;
        }
        read_stack_bounds(t);
        ULONG guarantee = STACK_GUARANTEE;
        SetThreadStackGuarantee(&guarantee);
        return 0;
    }
    return -1;
}

void host_guard_thread_end(void)
{
    guard_thread *t = find_self();
    if (!t)
        return;
    CloseHandle(t->handle);
    memset(t, 0, sizeof *t); /* id 0: the slot is free again */
}

int host_guard_install(void)
{
    if (host_guard_thread_init() != 0)
        return -1;
    /* First: the game's faults are ours before any other vectored handler sees them. */
    if (!exception_handler && !(exception_handler = AddVectoredExceptionHandler(1, on_exception)))
        return -1;
    if (signal(SIGABRT, on_abort) == SIG_ERR)
        return -1;
    return SetConsoleCtrlHandler(on_console_event, TRUE) ? 0 : -1;
}

void host_guard_uninstall(void)
{
    if (exception_handler)
        RemoveVectoredExceptionHandler(exception_handler);
    exception_handler = NULL;
    signal(SIGABRT, SIG_DFL);
    SetConsoleCtrlHandler(on_console_event, FALSE);
    host_guard_thread_end();
}

/* One reservation per build, from the start of its image to the end of its last code range:
 * a reservation starts on the allocation granularity (64 KiB), where the loader put the image,
 * and everything in between was the same image. */
void host_guard_add_gone(const hr_range *ranges, int count, unsigned version)
{
    if (count <= 0)
        return;
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    uintptr_t low = UINTPTR_MAX, high = 0;
    for (int i = 0; i < count; i++) {
        low = ranges[i].start < low ? ranges[i].start : low;
        high = ranges[i].end > high ? ranges[i].end : high;
    }
    const uintptr_t grain = si.dwAllocationGranularity, page = si.dwPageSize;
    const uintptr_t start = low & ~(grain - 1), end = (high + page - 1) & ~(page - 1);
    /* Only where nothing was mapped since the unload: at any other address VirtualAlloc fails. */
    void *wanted = (void *)start; /* NOLINT(performance-no-int-to-ptr) */
    void *at = VirtualAlloc(wanted, end - start, MEM_RESERVE, PAGE_NOACCESS);
    if ((uintptr_t)at != start) {
        if (at)
            VirtualFree(at, 0, MEM_RELEASE);
        return;
    }
    int slot = gone_next;
    gone_next = (gone_next + 1) % MAX_GONE;
    if (gone_end[slot]) {
        uintptr_t old = gone_start[slot];
        gone_end[slot] = 0;                       /* no match while the entry changes */
        VirtualFree((void *)old, 0, MEM_RELEASE); /* NOLINT(performance-no-int-to-ptr) */
    }
    gone_version[slot] = version;
    gone_start[slot] = start;
    gone_end[slot] = end;
}

void host_guard_release_gone(void)
{
    for (int i = 0; i < MAX_GONE; i++) {
        if (!gone_end[i])
            continue;
        uintptr_t start = gone_start[i];
        gone_end[i] = 0;
        VirtualFree((void *)start, 0, MEM_RELEASE); /* NOLINT(performance-no-int-to-ptr) */
    }
}

int host_guard_quit_requested(void)
{
    return quit_requested != 0;
}

int host_guard_screenshot_requested(void)
{
    return 0; /* no SIGUSR1 on Windows */
}

/* The frame below which everything dies when the call is left by a jump. noinline: a frame of
 * its own, below host_guard_call's, which the jump returns to. */
__attribute__((noinline)) static void run_guarded(guard_thread *t, void (*fn)(void *arg), void *arg)
{
    t->escape_frame = (uintptr_t)__builtin_frame_address(0);
    t->in_call = 1;
    fn(arg);
    t->in_call = 0;
}

int host_guard_call(void (*fn)(void *arg), void *arg)
{
    guard_thread *t = find_self();
    if (!t && (host_guard_thread_init() != 0 || !(t = find_self()))) {
        fn(arg); /* every slot taken: unguarded, as a thread without the guard would be */
        return 0;
    }
    /* This frame stays alive for the whole call, which is what makes the jump back legal. */
    if (__builtin_setjmp(t->env)) {
        t = find_self();
        calling = NULL;
        if (t->stack_overflow && t->caught != HOST_GUARD_HANG)
            _resetstkoflw(); /* the guard page again, for the next overflow */
        if (t->caught == SIGABRT)
            signal(SIGABRT, on_abort);
        return t->caught;
    }
    t->caught = 0;
    calling = t;
    run_guarded(t, fn, arg);
    calling = NULL;
    return 0;
}

void *host_guard_fault_address(void)
{
    const guard_thread *t = find_self();
    return t ? t->fault_address : NULL;
}

int host_guard_fault_has_address(void)
{
    const guard_thread *t = find_self();
    return t && t->has_address;
}

int host_guard_fault_is_stack_overflow(void)
{
    const guard_thread *t = find_self();
    return t && t->stack_overflow;
}

void *host_guard_fault_pc(void)
{
    const guard_thread *t = find_self();
    return t ? t->fault_pc : NULL;
}

int host_guard_fault_frames(void *const **frames)
{
    const guard_thread *t = find_self();
    *frames = t ? t->frames : NULL;
    return t ? t->frame_count : 0;
}

unsigned host_guard_fault_stale_build(void)
{
    const guard_thread *t = find_self();
    return t ? t->gone_version : 0;
}
