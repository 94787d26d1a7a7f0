/* rewind_cost.c - what the rewind history (host/frame/host_rewind.c) costs per update, for states
 * of 1 KiB, 1 MiB and 64 MiB: when one small field changes per update (a typical game), and
 * when every byte does (the worst case). Prints one line per case: microseconds per push and
 * per step back, bytes kept per snapshot, and how many snapshots a 5 s history then holds.
 *
 *   rewind_cost            all cases
 *
 * Blocks of HOST_DIRTY_MIN or more are also measured as the host runs them, with their pages
 * tracked (host/game/host_dirty_posix.c, its fault handler installed here): "push" then includes
 * the update's first writes to its pages. The modules are compiled in whole into this tool (they
 * need nothing of the host but the layout type), so the numbers are those of the code the host
 * runs, and no Makefile rule is needed.
 * No thresholds: tests/test_host_time.sh prints the table into its log.
 */
#include "../../host/frame/host_rewind.c"     /* NOLINT(bugprone-suspicious-include) */
#include "../../host/game/host_dirty_posix.c" /* NOLINT(bugprone-suspicious-include) */

#include <signal.h>
#include <stdio.h>
#include <time.h>

static void on_fault(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (!host_dirty_on_fault(info->si_addr)) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One "update": a counter and one small field change, or every 8th byte of the block. */
static void update(unsigned char *block, size_t size, int all, unsigned tick)
{
    if (all) {
        for (size_t i = 0; i < size; i += 8)
            block[i] = (unsigned char)(block[i] + 1 + tick);
        return;
    }
    memcpy(block, &tick, sizeof tick);
    block[size / 2] ^= (unsigned char)tick; /* a second page on big states */
}

static int measure(const char *name, size_t size, int all, int tracked, int pushes)
{
    unsigned char *block = aligned_alloc(4096, (size + 4095) / 4096 * 4096);
    host_game_layout layout = { .size = size, .version = 1, .hash = 0 };
    if (block)
        memset(block, 0, size);
    if (block && tracked && host_dirty_track(block, size) != 0) {
        fprintf(stderr, "the %s block cannot be tracked\n", name);
        free(block);
        return 1;
    }
    if (!block || host_rewind_open(5) != 0) {
        fprintf(stderr, "out of memory for %s\n", name);
        free(block);
        return 1;
    }
    if (host_rewind_push(block, &layout) != 0) { /* the first push sizes the buffers */
        fprintf(stderr, "out of memory for the %s history\n", name);
        host_rewind_close();
        free(block);
        return 1;
    }
    double push_us = 0;
    for (int i = 0; i < pushes; i++) {
        double t0 = now_us();
        update(block, size, all, (unsigned)i + 1);
        if (!tracked) /* untracked, the update's writes cost the host nothing */
            t0 = now_us();
        host_rewind_push(block, &layout);
        push_us += now_us() - t0;
    }
    int held = host_rewind_available();
    size_t bytes = host_rewind_memory() - (tracked ? 0 : size);
    double step_us = 0;
    int steps = held < 10 ? held : 10;
    for (int i = 0; i < steps; i++) {
        double t0 = now_us();
        host_rewind_step(block, &layout);
        step_us += now_us() - t0;
    }
    /* 300 snapshots (5 s) of this kind, or as many as the arena holds. */
    size_t per = held ? bytes / (size_t)held : 0;
    size_t fit = per ? rw.arena_size / per : 300;
    printf(
        "%-7s %-13s %-7s push %9.1f us   step %9.1f us   %9zu bytes/snapshot   5 s history: %3zu "
        "snapshots, %6.1f MiB + the %s copy\n",
        name, all ? "every byte" : "one field", tracked ? "tracked" : "copy", push_us / pushes,
        steps ? step_us / steps : 0, per, fit < 300 ? fit : 300,
        (double)((fit < 300 ? fit : 300) * per) / (1 << 20), name);
    host_rewind_close();
    host_dirty_forget(block);
    free(block);
    return 0;
}

int main(void)
{
    int failed = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    printf("rewind history cost per update (page %d bytes, arena budget %zu MiB)\n", PAGE_SIZE,
           ARENA_BUDGET >> 20);
    failed |= measure("1 KiB", 1 << 10, 0, 0, 600);
    failed |= measure("1 KiB", 1 << 10, 1, 0, 600);
    failed |= measure("1 MiB", 1 << 20, 0, 0, 600);
    failed |= measure("1 MiB", 1 << 20, 0, 1, 600);
    failed |= measure("1 MiB", 1 << 20, 1, 0, 120);
    failed |= measure("64 MiB", (size_t)64 << 20, 0, 0, 30);
    failed |= measure("64 MiB", (size_t)64 << 20, 0, 1, 30);
    failed |= measure("64 MiB", (size_t)64 << 20, 1, 0, 6);
    return failed;
}
