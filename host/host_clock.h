/* host_clock.h - the host's one clock: every time the host measures or compares (frame pacing,
 * build and load phases, event timestamps, the watchdog's budgets) is read from it.
 * Monotonic: a changed wall clock never makes a duration negative or a hang out of a sleep.
 */
#ifndef HOST_CLOCK_H
#define HOST_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds of CLOCK_MONOTONIC. The vDSO answers without a system call, so the frame loop
 * may call it freely; the watchdog thread and signal handlers may too (clock_gettime is
 * async-signal-safe). */
static inline uint64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif /* HOST_CLOCK_H */
