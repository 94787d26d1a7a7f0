/* host_script.h - scripted input, --script (host_script.c).
 */
#ifndef HOST_SCRIPT_H
#define HOST_SCRIPT_H

#include <stdint.h>

/* Reads a script of key presses by frame. Returns 0, or -1 after an "error" event. */
int host_script_open(const char *path);
/* Pushes the script's events for this frame into SDL's queue (call before host_input_poll). */
void host_script_push(uint64_t frame);
void host_script_close(void);

#endif /* HOST_SCRIPT_H */
