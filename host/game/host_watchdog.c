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
 * Owns the thread. The main loop reads no clock for it: a guarded call and a frame only count
 * up a sequence number in an atomic (no lock, no syscall, no clock read), and this thread
 * times each call and each frame from the look that first sees its number. So a budget is
 * counted from up to one watchdog period (10 ms; a quarter of a budget under 40 ms) after the
 * call began: a hang is interrupted between the budget and the budget plus two periods.
 */
#include "host_watchdog.h"
#include "host_clock.h"
#include "host_guard.h"
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

    /* +1 as a call enters, +1 as it leaves: odd while a game call runs, and a new number for
     * every call, so a late interruption cannot hit the next one. */
    atomic_uint_fast64_t call_seq;
    atomic_uint_fast64_t fire_seq;     /* the call the watchdog is interrupting */
    atomic_uint_fast64_t call_seen_ns; /* when this thread first saw the running call */
    _Atomic(const char *) call_name;
    atomic_uint_fast64_t frame_seq;               /* +1 per frame */
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
    uint64_t seen_call = 0, seen_frame = 0; /* the sequence numbers of the last look */
    uint64_t frame_seen_ns = awake;         /* when this thread first saw the current frame */
    while (!atomic_load(&dog.stop)) {
        const uint64_t seq = atomic_load_explicit(&dog.call_seq, memory_order_acquire);
        const uint64_t frames = atomic_load_explicit(&dog.frame_seq, memory_order_relaxed);
        const uint64_t now = host_now_ns();
        /* This thread sleeps at most 50 ms at a time: a much longer gap means the whole process
         * was stopped (Ctrl-Z, a suspended machine). Time before it is nobody's hang. */
        if (now - awake > 500 * ms)
            resumed = now;
        awake = now;
        /* A new number: a call or a frame began since the last look; it is timed from now. */
        const int in_call = seq & 1;
        if (seq != seen_call && in_call)
            atomic_store_explicit(&dog.call_seen_ns, now, memory_order_relaxed);
        seen_call = seq;
        if (frames != seen_frame)
            frame_seen_ns = now;
        seen_frame = frames;
        const uint64_t start = atomic_load_explicit(&dog.call_seen_ns, memory_order_relaxed);
        const uint64_t call_ms = in_call ? (now - (start > resumed ? start : resumed)) / ms : 0;
        const uint64_t frame_ms = (now - (frame_seen_ns > resumed ? frame_seen_ns : resumed)) / ms;
        if (in_call && dog.budget_ms && call_ms > (uint64_t)dog.budget_ms) {
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
            if (atomic_load(&dog.call_seq) == seq)
                host_guard_interrupt();
            sleep_us(100);
            continue;
        }
        if (!in_call && dog.stall_ms && frame_ms > (uint64_t)dog.stall_ms &&
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

/* Only the frame loop's thread calls game code, so call_seq has one writer: a load and a
 * release store, no locked read-modify-write. The release orders call_name before
 * the number the watchdog acts on. */
static void next_call_seq(void)
{
    const uint64_t seq = atomic_load_explicit(&dog.call_seq, memory_order_relaxed);
    atomic_store_explicit(&dog.call_seq, seq + 1, memory_order_release);
}

void host_watchdog_enter(const char *name)
{
    atomic_store_explicit(&dog.call_name, name, memory_order_relaxed);
    next_call_seq();
}

void host_watchdog_leave(void)
{
    next_call_seq();
}

uint64_t host_watchdog_call_ms(void)
{
    const uint64_t seen = atomic_load(&dog.call_seen_ns);
    return seen ? (host_now_ns() - seen) / 1000000u : 0;
}

int host_watchdog_is_firing(void)
{
    const uint64_t seq = atomic_load(&dog.call_seq);
    return (seq & 1) && atomic_load(&dog.fire_seq) == seq;
}

void host_watchdog_frame(void)
{
    const uint64_t frames = atomic_load_explicit(&dog.frame_seq, memory_order_relaxed);
    atomic_store_explicit(&dog.frame_seq, frames + 1, memory_order_relaxed);
}
