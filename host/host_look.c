/* host_look.c - one rule for the watchers that cost a system call per look (the game library's
 * and the assets' inotify reads, the host build's, SDL's gamepad hotplug polls): each looks at
 * most once per HOST_LOOK_MS. A frame loop paced at 60 frames per second still looks at every
 * frame; a headless run with --frames, which draws as fast as it can, looks once per
 * millisecond instead of once per frame, which is where those calls were most of a frame.
 * Anything a look has started (a pre-flight, a build, an F5 reset) is followed every frame by
 * its owner, as before: only the idle look waits.
 *
 * The clock is the coarse one (host_clock.h): cheaper than the fine clock, and it moves by one
 * tick (1-4 ms), so a look happens at most once per tick.
 */
#include "host_look.h"

#include "host_clock.h"

enum {
    HOST_LOOK_MS = 1
};

int host_look_due(uint64_t *last_ns)
{
    const uint64_t now = host_now_coarse_ns();
    if (*last_ns && now - *last_ns < (uint64_t)HOST_LOOK_MS * 1000000u)
        return 0;
    *last_ns = now;
    return 1;
}
