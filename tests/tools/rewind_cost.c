/* rewind_cost.c - what the rewind history (host/host_rewind.c) costs per update, for states
 * of 1 KiB, 1 MiB and 64 MiB: when one small field changes per update (a typical game), and
 * when every byte does (the worst case). Prints one line per case: microseconds per push and
 * per step back, bytes kept per snapshot, and how many snapshots a 5 s history then holds.
 *
 *   rewind_cost            all cases
 *
 * The module is compiled in whole into this tool (it needs nothing of the host but the layout
 * type), so the numbers are those of the code the host runs, and no Makefile rule is needed.
 * No thresholds: tests/test_host_time.sh prints the table into its log.
 */
#include "../../host/host_rewind.c" /* NOLINT(bugprone-suspicious-include) */

#include <stdio.h>
#include <time.h>

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

static int measure(const char *name, size_t size, int all, int pushes)
{
    unsigned char *block = calloc(1, size);
    host_game_layout layout = { .size = size, .version = 1, .hash = 0 };
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
        update(block, size, all, (unsigned)i + 1);
        double t0 = now_us();
        host_rewind_push(block, &layout);
        push_us += now_us() - t0;
    }
    int held = host_rewind_available();
    size_t bytes = host_rewind_memory() - size;
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
    printf("%-7s %-13s push %9.1f us   step %9.1f us   %9zu bytes/snapshot   5 s history: %3zu "
           "snapshots, %6.1f MiB + the %s copy\n",
           name, all ? "every byte" : "one field", push_us / pushes, steps ? step_us / steps : 0,
           per, fit < 300 ? fit : 300, (double)((fit < 300 ? fit : 300) * per) / (1 << 20), name);
    host_rewind_close();
    free(block);
    return 0;
}

int main(void)
{
    int failed = 0;
    printf("rewind history cost per update (page %d bytes, arena budget %zu MiB)\n", PAGE_SIZE,
           ARENA_BUDGET >> 20);
    failed |= measure("1 KiB", 1 << 10, 0, 600);
    failed |= measure("1 KiB", 1 << 10, 1, 600);
    failed |= measure("1 MiB", 1 << 20, 0, 600);
    failed |= measure("1 MiB", 1 << 20, 1, 120);
    failed |= measure("64 MiB", (size_t)64 << 20, 0, 30);
    failed |= measure("64 MiB", (size_t)64 << 20, 1, 6);
    return failed;
}
