/* host_guard.c - every signal handler of the host: the crash guard around game calls and the
 * SIGINT/SIGTERM quit request.
 *
 * A fault inside a guarded call (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) jumps back out of
 * the game with siglongjmp, so the host lives on with the state and a message; the same fault
 * anywhere else is the host's own bug and gets the default action (a core dump), because
 * carrying on after it would hide it. The handlers run on their own stack, so a stack
 * overflow in the game can still be caught. sigsetjmp(env, 1) saves the signal mask:
 * siglongjmp restores it, or the caught signal would stay blocked and the next fault of
 * the same kind would kill the process.
 *
 * Never does stdio or allocation inside a handler (neither is async-signal-safe).
 */
#include "host.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static sigjmp_buf guard_env;
static volatile sig_atomic_t in_game_call; /* a guarded call is running: faults jump out */
static volatile sig_atomic_t caught_signal;
static void *volatile fault_address;
static volatile sig_atomic_t quit_requested;

/* The handlers' own stack: big enough for the handler and the frames siglongjmp unwinds. */
static char alt_stack[64 * 1024] __attribute__((aligned(16)));

static void on_fault(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (!in_game_call) {
        /* Not the game's fault: die the way the signal means, with the default action. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    in_game_call = 0;
    caught_signal = sig;
    fault_address = info ? info->si_addr : NULL;
    siglongjmp(guard_env, 1);
}

static void on_quit(int sig)
{
    (void)sig;
    quit_requested = 1;
}

int host_guard_install(void)
{
    stack_t ss = { .ss_sp = alt_stack, .ss_size = sizeof alt_stack };
    if (sigaltstack(&ss, NULL) != 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
        if (sigaction(fault_signals[i], &sa, NULL) != 0)
            return -1;

    struct sigaction quit;
    memset(&quit, 0, sizeof quit);
    quit.sa_handler = on_quit;
    sigemptyset(&quit.sa_mask);
    if (sigaction(SIGINT, &quit, NULL) != 0 || sigaction(SIGTERM, &quit, NULL) != 0)
        return -1;
    return 0;
}

int host_guard_quit_requested(void)
{
    return quit_requested;
}

int host_guard_call(void (*fn)(void *arg), void *arg)
{
    /* This frame stays alive for the whole call, which is what makes the jump back legal. */
    if (sigsetjmp(guard_env, 1) != 0)
        return caught_signal;
    caught_signal = 0;
    in_game_call = 1;
    fn(arg);
    in_game_call = 0;
    return 0;
}

void *host_guard_fault_address(void)
{
    return fault_address;
}

const char *host_guard_signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "signal";
    }
}
