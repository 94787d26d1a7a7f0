/* host_time.h - how many updates a frame runs: pause, step, speed, rewind (host_time.c).
 */
#ifndef HOST_TIME_H
#define HOST_TIME_H

#include "game_api.h"
#include "host_args.h"

#include <stdint.h>

/* Sets the clock from --pause / --speed and the frame rate fps (video.fps), and opens the record,
 * rewind and state-file modules. Returns 0. */
int host_time_open(const host_args *args, int fps);
/* Acts on this frame's HOST_INPUT_* bits (F2-F4, F5's effect on a loop, F7-F12) and runs this
 * frame's updates (0 to 4, or one step) on live or recorded input. Call after
 * host_game_check(), before host_game_render(). */
void host_time_frame(unsigned actions, const game_input *live, uint64_t frame);
/* Writes --record / --save-state files still due, frees the history. */
void host_time_close(void);

#endif /* HOST_TIME_H */
