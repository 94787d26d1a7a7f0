/* host_guard_posix.c - every signal handler of the host: the crash guard around game calls, the
 * watchdog's interruption of a hung call (SIGUSR2 to the thread in the call, host_guard_interrupt),
 * the SIGINT/SIGTERM quit request, SIGUSR1's screenshot
 * request, and SIGPIPE (a reader of the event log that goes away must not end the game: with a
 * handler in place of the default action a write to the closed pipe fails with EPIPE; a
 * handler, not SIG_IGN, because exec resets a handler while an ignored signal would be
 * inherited by the build and pre-flight processes).
 *
 * A fault inside a guarded call (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP) jumps back
 * out of the game with siglongjmp, so the host lives on with the state and a message. The
 * same fault anywhere else is not the game's and is not swallowed: it goes to the handler that
 * was installed before ours, or gets the default action (a core dump, the right exit signal).
 *
 * Traps it avoids:
 * - The handler runs with its signal blocked; left by a jump, it stays blocked and the next
 *   fault of that kind kills the process. sigsetjmp(env, 1) would save and restore the mask,
 *   but with a system call on every guarded call (most of the host's cost per frame): the
 *   handler keeps the mask it interrupted instead, and only the crash path puts it back.
 * - The handlers run on an alternate stack of 64 KiB (smaller ones, even ones sigaltstack
 *   accepts, were seen to die on a stack overflow), one per thread that calls game code.
 * - A stack overflow is told from other SIGSEGVs by its fault address, against the stack
 *   pointer at the fault and the stack bounds read when the thread was set up:
 *   pthread_getattr_np allocates and reads /proc/self/maps, neither of which a handler may do.
 * - The watchdog's signal only jumps out when the interrupted instruction lies in the game
 *   library's code: jumping out of libc (malloc, printf) would leave its locks held and
 *   deadlock the host. Elsewhere the handler returns and the watchdog tries again.
 * - Code of an unloaded build: its address range stays reserved with no access (see
 *   host_guard_add_gone), so a stale callback or function pointer always faults there and the
 *   fault names the build, instead of running whatever was loaded at that address later.
 *   Inside a game call it is a crash like any other; outside one (SDL calling an event watch
 *   the game forgot to remove) the host cannot go on, so the handler says what happened, saves
 *   the state if it was asked to, and ends the process with HOST_EXIT_STALE_CODE.
 * - The unwinder (backtrace) reads the instruction bytes at the fault's PC: at an address with
 *   no code it would fault again inside the handler, with the signal blocked, and the kernel
 *   would end the process without a word. The PC is checked first (a write of its byte into a
 *   pipe fails with EFAULT where it cannot be read); without code there, the caller's return
 *   address is taken from the stack instead.
 * Never does stdio or allocation inside a handler (neither is async-signal-safe).
 */
#include "host_dirty.h"
#include "host_guard.h"
#include "host_guard_internal.h"
#include "host_watchdog.h"
#include "hr.h"

#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* The signal host_guard_interrupt sends to the thread running a game call that overran. */
#define WATCHDOG_SIGNAL SIGUSR2
#define ALT_STACK_SIZE ((size_t)64 * 1024)
/* The code of the last four unloaded builds stays reserved and recognised; the oldest range is
 * let go after that. */
#define MAX_GONE_RANGES (4 * HR_MAX_CODE_RANGES)
#define MAX_FRAMES 32
/* A fault this far below the lowest stack address is still the stack's: Linux keeps a 1 MiB
 * gap under a growing stack, and a thread's guard pages are inside that reach. */
#define STACK_GUARD_REACH ((uintptr_t)1 << 20)
/* A fault this close to the stack pointer is a frame that did not fit: a probe
 * (-fstack-clash-protection), a push or the first store of a large local array. Covers threads
 * whose bounds could not be read and a main stack that grows past them (no rlimit). */
#define STACK_POINTER_REACH ((uintptr_t)64 * 1024)

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP };
static struct sigaction previous[sizeof fault_signals / sizeof fault_signals[0]];

/* Per thread: the guarded call in progress on this thread, if any. */
static _Thread_local sigjmp_buf guard_env;
static _Thread_local volatile sig_atomic_t in_game_call;
static _Thread_local volatile sig_atomic_t caught_signal;
static _Thread_local void *volatile fault_address;
static _Thread_local volatile sig_atomic_t fault_has_address;
static _Thread_local volatile sig_atomic_t fault_stack_overflow;
static _Thread_local void *volatile fault_pc;
static _Thread_local void *fault_frames[MAX_FRAMES];
static _Thread_local volatile int fault_frame_count;
static _Thread_local void *alt_stack;
static _Thread_local uintptr_t stack_low, stack_high; /* 0, 0: not known */
static _Thread_local volatile unsigned fault_gone_version;
static _Thread_local sigset_t fault_mask; /* the mask the jumping handler interrupted */

/* The thread that last entered a guarded call: the one host_guard_interrupt signals. */
static _Atomic(pthread_t) call_thread;
static atomic_int call_thread_known;

/* Code of unloaded builds (host_guard_add_gone): reserved, page-aligned, with the load number
 * of the build it held. A ring: the oldest entry is reused. */
static volatile uintptr_t gone_start[MAX_GONE_RANGES], gone_end[MAX_GONE_RANGES];
static volatile unsigned gone_version[MAX_GONE_RANGES];
static int gone_next;

static volatile sig_atomic_t quit_requested;
static volatile sig_atomic_t screenshot_requested;

static void *context_pc(void *context)
{
    const ucontext_t *uc = context;
#if defined(__x86_64__)
    return (void *)uc->uc_mcontext.gregs[REG_RIP]; /* NOLINT(performance-no-int-to-ptr) */
#elif defined(__i386__)
    return (void *)uc->uc_mcontext.gregs[REG_EIP]; /* NOLINT(performance-no-int-to-ptr) */
#elif defined(__aarch64__)
    return (void *)uc->uc_mcontext.pc; /* NOLINT(performance-no-int-to-ptr) */
#else
    (void)uc;
    return NULL; /* unknown machine: the watchdog then never jumps out, it ends the process */
#endif
}

static void *context_sp(void *context)
{
    const ucontext_t *uc = context;
#if defined(__x86_64__)
    return (void *)uc->uc_mcontext.gregs[REG_RSP]; /* NOLINT(performance-no-int-to-ptr) */
#elif defined(__i386__)
    return (void *)uc->uc_mcontext.gregs[REG_ESP]; /* NOLINT(performance-no-int-to-ptr) */
#elif defined(__aarch64__)
    return (void *)uc->uc_mcontext.sp; /* NOLINT(performance-no-int-to-ptr) */
#else
    (void)uc;
    return NULL; /* unknown machine: only the stack bounds tell an overflow */
#endif
}

static unsigned gone_version_of(uintptr_t addr)
{
    for (int i = 0; i < MAX_GONE_RANGES; i++)
        if (addr >= gone_start[i] && addr < gone_end[i])
            return gone_version[i];
    return 0;
}

/* A pipe the handler writes one byte of an address into: write() fails with EFAULT instead
 * of faulting when the byte cannot be read (unmapped, or mapped with no access: a reserved
 * range, a sanitizer's shadow gap). Made at install, never closed. */
static int probe_pipe[2] = { -1, -1 };

/* 1 if the byte at addr can be read: the unwinder may look at it. */
static int has_code(uintptr_t addr)
{
    char byte;
    if (!addr || gone_version_of(addr) || probe_pipe[1] < 0)
        return 0;
    if (write(probe_pipe[1], (const void *)addr, 1) != 1) /* NOLINT(performance-no-int-to-ptr) */
        return 0;
    return read(probe_pipe[0], &byte, 1) == 1;
}

/* The return address of the call that jumped to a bad PC: on top of the stack on x86 (the
 * call pushed it), in the link register on aarch64. NULL if unknown. */
static void *caller_of_bad_jump(void *context)
{
    const ucontext_t *uc = context;
#if defined(__x86_64__) || defined(__i386__)
    uintptr_t sp = (uintptr_t)context_sp(context);
    (void)uc;
    return has_code(sp) ? *(void *const *)sp : NULL; /* NOLINT(performance-no-int-to-ptr) */
#elif defined(__aarch64__)
    return (void *)uc->uc_mcontext.regs[30];       /* NOLINT(performance-no-int-to-ptr) */
#else
    (void)uc;
    return NULL;
#endif
}

/* Writes text to stderr with nothing but write(2). */
static void say(const char *text)
{
    size_t n = strlen(text);
    while (n > 0) {
        ssize_t w = write(2, text, n);
        if (w <= 0)
            return;
        text += w;
        n -= (size_t)w;
    }
}

/* Code of unloaded build `version` ran outside any game call: SDL (or another library) called
 * a callback the game gave it and did not take back. Nothing can be jumped back to: tell,
 * let the host save what it can, and end the process. */
static void die_of_stale_code(int sig, uintptr_t where, unsigned version)
{
    char line[1500];
    host_guard_stale_line(line, sizeof line, sig, where, version);
    say(line);
    _exit(HOST_EXIT_STALE_CODE);
}

static int signal_index(int sig)
{
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
        if (fault_signals[i] == sig)
            return (int)i;
    return -1;
}

/* A fault that is not the game's: hand it to whoever had it before us, else die of it. */
static void pass_on(int sig, siginfo_t *info, void *context)
{
    int i = signal_index(sig);
    const struct sigaction *old = i >= 0 ? &previous[i] : NULL;
    if (old && (old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
        old->sa_sigaction(sig, info, context);
        return;
    }
    if (old && !(old->sa_flags & SA_SIGINFO) && old->sa_handler != SIG_DFL &&
        old->sa_handler != SIG_IGN) {
        old->sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    /* Returning re-executes the faulting instruction, which now gets the default action;
     * a raised signal (abort, a trap) needs raising again. */
    if (info && info->si_code <= 0)
        raise(sig);
}

/* si_addr means something only for a fault the kernel raised at an address. A signal sent by a
 * process (abort, raise, kill: si_code <= 0) keeps the sender's pid in the same bytes, and
 * SI_KERNEL (x86's int3, a general protection fault) leaves it 0. */
static int has_address(const siginfo_t *info)
{
    return info && info->si_code > 0 && info->si_code != SI_KERNEL;
}

/* A SIGSEGV at an address in this thread's stack or just below it, or right by its stack
 * pointer: a runaway recursion or a local array too large for the stack. */
static int is_stack_overflow(int sig, const siginfo_t *info, void *context)
{
    if (sig != SIGSEGV || !has_address(info))
        return 0;
    uintptr_t addr = (uintptr_t)info->si_addr;
    if (stack_high && addr < stack_high && addr + STACK_GUARD_REACH >= stack_low)
        return 1;
    uintptr_t sp = (uintptr_t)context_sp(context);
    return sp && (addr > sp ? addr - sp : sp - addr) <= STACK_POINTER_REACH;
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    /* A first write to a page of the state block, recorded and let through (host_dirty). */
    if (sig == SIGSEGV && info && info->si_code == SEGV_ACCERR &&
        host_dirty_on_fault(info->si_addr))
        return;
    const uintptr_t pc = (uintptr_t)context_pc(context);
    const int with_address = has_address(info);
    const uintptr_t addr = with_address ? (uintptr_t)info->si_addr : 0;
    unsigned gone = gone_version_of(pc);
    uintptr_t gone_at = pc;
    if (!gone && with_address && (gone = gone_version_of(addr)) != 0)
        gone_at = addr;
    if (!in_game_call) {
        if (gone)
            die_of_stale_code(sig, gone_at, gone);
        pass_on(sig, info, context);
        return;
    }
    in_game_call = 0;
    caught_signal = sig;
    fault_has_address = with_address;
    fault_address = (void *)addr; /* NOLINT(performance-no-int-to-ptr) */
    fault_stack_overflow = is_stack_overflow(sig, info, context);
    fault_pc = (void *)pc; /* NOLINT(performance-no-int-to-ptr) */
    fault_gone_version = gone;
    fault_mask = ((const ucontext_t *)context)->uc_sigmask;
    if (has_code(pc)) {
        /* Where the game was when libc faulted for it (abort, a bad free): the unwinder was
         * loaded at install time, so this allocates nothing. */
        fault_frame_count = backtrace(fault_frames, MAX_FRAMES);
    } else {
        fault_frames[0] = caller_of_bad_jump(context);
        fault_frame_count = fault_frames[0] ? 1 : 0;
    }
    siglongjmp(guard_env, 1);
}

static void on_watchdog(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)info;
    void *pc = context_pc(context);
    if (!in_game_call || !host_watchdog_is_firing())
        return; /* a late signal for a call that already ended */
    if (!host_guard_in_game_code(pc))
        return; /* in libc or the host: not safe to leave from here; the watchdog retries */
    in_game_call = 0;
    caught_signal = HOST_GUARD_HANG;
    fault_has_address = 0;
    fault_stack_overflow = 0;
    fault_gone_version = 0;
    fault_address = pc;
    fault_pc = pc;
    fault_frame_count = 0;
    fault_mask = ((const ucontext_t *)context)->uc_sigmask;
    siglongjmp(guard_env, 1);
}

static void on_quit(int sig)
{
    (void)sig;
    quit_requested = 1;
}

static void on_screenshot(int sig)
{
    (void)sig;
    screenshot_requested = 1;
}

static void on_pipe(int sig)
{
    (void)sig;
}

/* For the main thread glibc reports the range the stack rlimit lets it grow to. Unknown bounds
 * are not fatal: the stack pointer test still tells most overflows. */
static void read_stack_bounds(void)
{
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return;
    void *low;
    size_t size;
    if (pthread_attr_getstack(&attr, &low, &size) == 0) {
        stack_low = (uintptr_t)low;
        stack_high = stack_low + size;
    }
    pthread_attr_destroy(&attr);
}

int host_guard_thread_init(void)
{
    if (alt_stack)
        return 0;
    read_stack_bounds();
    alt_stack = malloc(ALT_STACK_SIZE);
    if (!alt_stack)
        return -1;
    stack_t ss = { .ss_sp = alt_stack, .ss_size = ALT_STACK_SIZE };
    return sigaltstack(&ss, NULL);
}

void host_guard_thread_end(void)
{
    /* A thread that is gone can be signalled no more (pthread_kill of it is undefined). */
    if (atomic_load(&call_thread_known) && pthread_equal(atomic_load(&call_thread), pthread_self()))
        atomic_store(&call_thread_known, 0);
    if (!alt_stack)
        return;
    stack_t ss = { .ss_flags = SS_DISABLE };
    sigaltstack(&ss, NULL);
    free(alt_stack);
    alt_stack = NULL;
    stack_low = stack_high = 0;
}

int host_guard_install(void)
{
    if (host_guard_thread_init() != 0)
        return -1;
    if (probe_pipe[0] < 0 && pipe2(probe_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    /* The first backtrace() loads the unwinder (and allocates): do it now, not in a handler. */
    void *warm[2];
    backtrace(warm, 2);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
        if (sigaction(fault_signals[i], &sa, &previous[i]) != 0)
            return -1;

    /* SA_RESTART: a system call of libc or the host interrupted by a retry just goes on. */
    struct sigaction dog = sa;
    dog.sa_sigaction = on_watchdog;
    dog.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    if (sigaction(WATCHDOG_SIGNAL, &dog, NULL) != 0)
        return -1;

    struct sigaction quit;
    memset(&quit, 0, sizeof quit);
    quit.sa_handler = on_quit;
    sigemptyset(&quit.sa_mask);
    if (sigaction(SIGINT, &quit, NULL) != 0 || sigaction(SIGTERM, &quit, NULL) != 0)
        return -1;
    struct sigaction shot = quit, pipe_gone = quit;
    shot.sa_handler = on_screenshot;
    pipe_gone.sa_handler = on_pipe;
    if (sigaction(SIGUSR1, &shot, NULL) != 0 || sigaction(SIGPIPE, &pipe_gone, NULL) != 0)
        return -1;
    return 0;
}

void host_guard_uninstall(void)
{
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
        sigaction(fault_signals[i], &previous[i], NULL);
    signal(WATCHDOG_SIGNAL, SIG_DFL);
    host_guard_thread_end();
}

void host_guard_add_gone(const hr_range *ranges, int count, unsigned version)
{
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < count; i++) {
        uintptr_t start = ranges[i].start & ~(page - 1);
        uintptr_t end = (ranges[i].end + page - 1) & ~(page - 1);
        /* MAP_FIXED_NOREPLACE: only where nothing was mapped since the unload. */
        void *at =
            mmap((void *)start, end - start, PROT_NONE, /* NOLINT(performance-no-int-to-ptr) */
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
        if (at == MAP_FAILED)
            continue;
        if ((uintptr_t)at != start) { /* a kernel without MAP_FIXED_NOREPLACE took it as a hint */
            munmap(at, end - start);
            continue;
        }
        int slot = gone_next;
        gone_next = (gone_next + 1) % MAX_GONE_RANGES;
        if (gone_end[slot]) {
            uintptr_t old_start = gone_start[slot], old_end = gone_end[slot];
            gone_end[slot] = 0;                             /* no match while the entry changes */
            munmap((void *)old_start, old_end - old_start); /* NOLINT(performance-no-int-to-ptr) */
        }
        gone_version[slot] = version;
        gone_start[slot] = start;
        gone_end[slot] = end;
    }
}

void host_guard_release_gone(void)
{
    for (int i = 0; i < MAX_GONE_RANGES; i++) {
        if (!gone_end[i])
            continue;
        uintptr_t start = gone_start[i], end = gone_end[i];
        gone_end[i] = 0;
        munmap((void *)start, end - start); /* NOLINT(performance-no-int-to-ptr) */
    }
}

unsigned host_guard_fault_stale_build(void)
{
    return fault_gone_version;
}

int host_guard_quit_requested(void)
{
    return quit_requested;
}

int host_guard_screenshot_requested(void)
{
    if (!screenshot_requested)
        return 0;
    screenshot_requested = 0;
    return 1;
}

int host_guard_call(void (*fn)(void *arg), void *arg)
{
    /* This frame stays alive for the whole call, which is what makes the jump back legal. */
    if (sigsetjmp(guard_env, 0) != 0) {
        pthread_sigmask(SIG_SETMASK, &fault_mask, NULL); /* the signal is blocked until here */
        return caught_signal;
    }
    caught_signal = 0;
    /* Relaxed: a plain store on the machines we run on, no cost on the call's path. */
    atomic_store_explicit(&call_thread, pthread_self(), memory_order_relaxed);
    atomic_store_explicit(&call_thread_known, 1, memory_order_release);
    in_game_call = 1;
    fn(arg);
    in_game_call = 0;
    return 0;
}

void host_guard_interrupt(void)
{
    /* The handler (on_watchdog) jumps out only from game code, and only while the watchdog is
     * firing at this call: a late signal is harmless. */
    if (atomic_load_explicit(&call_thread_known, memory_order_acquire))
        pthread_kill(atomic_load_explicit(&call_thread, memory_order_relaxed), WATCHDOG_SIGNAL);
}

void *host_guard_fault_address(void)
{
    return fault_address;
}

int host_guard_fault_has_address(void)
{
    return fault_has_address;
}

int host_guard_fault_is_stack_overflow(void)
{
    return fault_stack_overflow;
}

void *host_guard_fault_pc(void)
{
    return fault_pc;
}

int host_guard_fault_frames(void *const **frames)
{
    *frames = fault_frames;
    return fault_frame_count;
}
