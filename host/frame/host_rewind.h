/* host_rewind.h - the rewind history: F12, --rewind-seconds (host_rewind.c).
 */
#ifndef HOST_REWIND_H
#define HOST_REWIND_H

#include "host_game.h"

#include <stddef.h>

/* Keeps up to seconds * 60 snapshots (0: none). Returns 0, or -1 when out of memory. */
int host_rewind_open(int seconds);
void host_rewind_close(void);
/* Adds the block as the newest snapshot (a new layout starts the history over). Returns 0, or
 * -1 when out of memory for a new layout's buffers (nothing is kept for it). */
int host_rewind_push(const void *block, const host_game_layout *layout);
/* Writes the snapshot before the newest one into block (or the newest one, if block changed
 * since it was pushed). Returns 1, or 0 when there is nothing older (block unchanged). */
int host_rewind_step(void *block, const host_game_layout *layout);
/* Snapshots that can still be stepped back to, and the bytes the history holds. */
int host_rewind_available(void);
size_t host_rewind_memory(void);

#endif /* HOST_REWIND_H */
