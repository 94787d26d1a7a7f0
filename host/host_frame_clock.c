/* host_frame_clock.c - the frame's clock: one read of the fine clock per frame, shared.
 *
 * A read of CLOCK_MONOTONIC costs about 45 ns on a virtual machine's kvm-clock, which is a
 * large part of an idle frame when several modules each read it: this module reads it once,
 * at the frame's start, and hands that value out. The game's wall_time comes from it too:
 * the offset between the system clock and the monotonic one is read once a second, so a frame
 * pays no CLOCK_REALTIME read either. Owns the frame's timestamp; never sleeps, never calls out.
 */
#include "host_clock.h"

#include <time.h>

enum {
    WALL_RESYNC_NS = 1000000000 /* how often the system clock's offset is read again */
};

static struct {
    uint64_t now_ns;       /* the fine clock at this frame's start */
    uint64_t resync_ns;    /* when the system clock's offset is read next */
    int64_t wall_minus_ns; /* system clock minus the monotonic one, ns */
    double wall;           /* now_ns by the system clock, seconds since 1970 */
} frame_clock;

void host_frame_clock_tick(void)
{
    const uint64_t now = host_now_ns();
    if (now >= frame_clock.resync_ns) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        const int64_t wall_ns = (int64_t)ts.tv_sec * 1000000000 + (int64_t)ts.tv_nsec;
        frame_clock.wall_minus_ns = wall_ns - (int64_t)now;
        frame_clock.resync_ns = now + WALL_RESYNC_NS;
    }
    frame_clock.now_ns = now;
    frame_clock.wall = (double)((int64_t)now + frame_clock.wall_minus_ns) / 1e9;
}

uint64_t host_frame_clock_ns(void)
{
    return frame_clock.now_ns;
}

double host_frame_clock_wall(void)
{
    return frame_clock.wall;
}
