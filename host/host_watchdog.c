/* host_watchdog.c - a thread that notices a game call running past its budget and a frame
 * loop that stopped advancing, so the host never freezes silently.
 *
 * A game call over budget is interrupted: the watchdog asks the guard to interrupt the calling
 * thread every ~100 us (host_guard_interrupt), and the guard jumps out as soon as one lands
 * while the game's own code runs (never from inside libc: its locks would stay held). If that
 * does not happen within the grace period - the game sleeps in a system call or waits on a
 * lock - or the frame loop itself stalls (blocked on a full stderr pipe, say), the watchdog writes
 * one diagnostic line with write(2) (stdio's lock may be held by the stuck thread) and ends the
 * process with HOST_EXIT_STUCK; just before, its last_words hook (main wires --save-state to it)
 * saves what can be saved without the stuck thread's locks. Never fires while a debugger is
 * attached: a breakpoint is not a hang.
 *
 * Owns the thread. The main loop only stores timestamps into atomics: no lock, no syscall
 * beyond the vDSO clock read per guarded call.
 */
#include "host.h"
#include "host_os.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
    pthread_t thread;
    int running;
    atomic_int stop;
    int budget_ms, grace_ms, stall_ms;

    atomic_uint_fast64_t call_start; /* ns; 0 while no game call runs */
    atomic_uint_fast64_t call_seq;   /* one per call, so a late interruption cannot hit the next */
    atomic_uint_fast64_t fire_seq;   /* the call the watchdog is interrupting */
    _Atomic(const char *) call_name;
    atomic_uint_fast64_t last_frame;
    int (*last_words)(char *fields, size_t size); /* before a stuck exit (--save-state) */
} dog;

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The last word of a stuck host. stderr itself may be what the host is stuck on (a paused
 * terminal, a pipe nobody reads): write only if it can take the line now, and end anyway. */
static void die_stuck(const char *what, const char *name, uint64_t ms, const char *advice)
{
    char line[1400], extra[700] = "";
    if (dog.last_words && dog.last_words(extra + 1, sizeof extra - 1))
        extra[0] = ' ';
    int n = snprintf(line, sizeof line, "livehost: stuck %s=%s ms=%llu exit=%d%s reason=\"%s\"\n",
                     what, name, (unsigned long long)ms, HOST_EXIT_STUCK, extra, advice);
    if (n > 0 && host_os_stderr_can_write(100) && write(STDERR_FILENO, line, (size_t)n) < 0)
        _exit(HOST_EXIT_STUCK);
    _exit(HOST_EXIT_STUCK);
}

static void *watch(void *arg)
{
    (void)arg;
    /* Ctrl-C and the guard's signals are for the threads that act on them. */
    host_os_thread_block_signals();
    const uint64_t ms = 1000000u;
    uint64_t awake = host_now_ns(); /* when this thread last looked */
    uint64_t resumed = 0;           /* the end of the last gap in which the whole process slept */
    while (!atomic_load(&dog.stop)) {
        /* start before now: a call that begins in between must not look like one that began
         * in the future (an unsigned "elapsed" would wrap to centuries). */
        uint64_t seq = atomic_load(&dog.call_seq);
        uint64_t start = atomic_load(&dog.call_start);
        uint64_t frame = atomic_load(&dog.last_frame);
        uint64_t now = host_now_ns();
        /* This thread sleeps at most 50 ms at a time: a much longer gap means the whole process
         * was stopped (Ctrl-Z, a suspended machine). Time before it is nobody's hang. */
        if (now - awake > 500 * ms)
            resumed = now;
        awake = now;
        uint64_t call_ms = start ? (now - (start > resumed ? start : resumed)) / ms : 0;
        uint64_t frame_ms = frame ? (now - (frame > resumed ? frame : resumed)) / ms : 0;
        if (start && dog.budget_ms && call_ms > (uint64_t)dog.budget_ms) {
            if (host_os_is_debugger_attached()) {
                sleep_us(50000);
                continue;
            }
            if (call_ms > (uint64_t)dog.budget_ms + (uint64_t)dog.grace_ms)
                die_stuck("function", atomic_load(&dog.call_name), call_ms,
                          "a game call ran past its budget and could not be interrupted: it "
                          "waits in a system call or on a lock (sleep, read, a mutex); fix "
                          "the code and run the host again");
            atomic_store(&dog.fire_seq, seq);
            if (atomic_load(&dog.call_seq) == seq && atomic_load(&dog.call_start))
                host_guard_interrupt();
            sleep_us(100);
            continue;
        }
        if (!start && dog.stall_ms && frame_ms > (uint64_t)dog.stall_ms &&
            !host_os_is_debugger_attached())
            die_stuck("loop", "frame", frame_ms,
                      "the host's frame loop stopped advancing outside game code");
        sleep_us(dog.budget_ms && dog.budget_ms < 40 ? dog.budget_ms * 250 : 10000);
    }
    return NULL;
}

int host_watchdog_start(int budget_ms, int grace_ms, int stall_ms)
{
    dog.budget_ms = budget_ms;
    dog.grace_ms = grace_ms;
    dog.stall_ms = stall_ms;
    atomic_store(&dog.stop, 0);
    atomic_store(&dog.last_frame, host_now_ns());
    if (!budget_ms && !stall_ms)
        return 0;
    int rc = pthread_create(&dog.thread, NULL, watch, NULL);
    dog.running = rc == 0;
    return rc == 0 ? 0 : -1;
}

void host_watchdog_on_stuck(int (*last_words)(char *fields, size_t size))
{
    dog.last_words = last_words;
}

void host_watchdog_stop(void)
{
    if (!dog.running)
        return;
    atomic_store(&dog.stop, 1);
    pthread_join(dog.thread, NULL);
    dog.running = 0;
}

void host_watchdog_enter(const char *name)
{
    atomic_store(&dog.call_name, name);
    atomic_fetch_add(&dog.call_seq, 1);
    atomic_store(&dog.call_start, host_now_ns());
}

void host_watchdog_leave(void)
{
    atomic_store(&dog.call_start, 0);
}

int host_watchdog_is_firing(void)
{
    return atomic_load(&dog.call_start) != 0 &&
           atomic_load(&dog.fire_seq) == atomic_load(&dog.call_seq);
}

void host_watchdog_frame(void)
{
    atomic_store(&dog.last_frame, host_now_ns());
}
