/* host_clock.h - the host's one clock: every time the host measures or compares (frame pacing,
 * build and load phases, event timestamps, the watchdog's budgets) is read from it.
 * Monotonic: a changed wall clock never makes a duration negative or a hang out of a sleep.
 * POSIX: inline reads of CLOCK_MONOTONIC; Windows: host_os_win32.c.
 */
#ifndef HOST_CLOCK_H
#define HOST_CLOCK_H

#include <stdint.h>

#ifdef _WIN32
/* QueryPerformanceCounter, in nanoseconds. */
uint64_t host_now_ns(void);
/* A cheaper clock that moves by a tick (GetTickCount64), for "at most once per millisecond". */
uint64_t host_now_coarse_ns(void);
#else
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

/* CLOCK_MONOTONIC_COARSE: the vDSO reads it without the time stamp counter, about a quarter
 * of the fine clock's price on a virtual machine; it moves by one kernel tick (1-4 ms). */
static inline uint64_t host_now_coarse_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

/* The frame's clock (host_frame_clock.c): the frame loop reads the fine clock once, at the
 * start of each frame, and whatever needs "now" only to frame precision (the overlay's frame
 * rate, the game's wall_time) takes it from there instead of reading the clock again. */
void host_frame_clock_tick(void);
/* host_now_ns() at the start of this frame; 0 before the first frame. */
uint64_t host_frame_clock_ns(void);
/* The same moment by the system clock: seconds since 1970 (CLOCK_REALTIME, read once a
 * second; a changed system clock shows within a second). 0 before the first frame. */
double host_frame_clock_wall(void);

#endif /* HOST_CLOCK_H */
