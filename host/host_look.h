/* host_look.h - how often the frame loop asks the OS about changes it cannot be told of for
 * free: a new game build, a saved asset, a saved source, a gamepad plugged in.
 */
#ifndef HOST_LOOK_H
#define HOST_LOOK_H

#include <stdint.h>

/* 1 when a watcher whose last look was at *last_ns (0: never) is due to look again, and then
 * *last_ns becomes now; 0 when it looked less than a millisecond ago (HOST_LOOK_MS). */
int host_look_due(uint64_t *last_ns);

#endif
