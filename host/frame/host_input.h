/* host_input.h - SDL's events made into the game's input and the host's key actions (host_input.c).
 */
#ifndef HOST_INPUT_H
#define HOST_INPUT_H

#include "game_api.h"
#include "host_args.h"

#include <stddef.h>

enum {
    HOST_INPUT_QUIT = 1u << 0,         /* the window was closed */
    HOST_INPUT_RESET = 1u << 1,        /* F5: restart the game with a fresh state */
    HOST_INPUT_RECORD = 1u << 2,       /* F2: start recording / loop the recording */
    HOST_INPUT_LIVE = 1u << 3,         /* F3: leave the loop, play on live */
    HOST_INPUT_SAVE_STATE = 1u << 4,   /* F4: write the state block to the state file */
    HOST_INPUT_FORCE_RELOAD = 1u << 5, /* F6: reload the current build now, state kept */
    HOST_INPUT_PAUSE = 1u << 6,        /* F7: pause / resume */
    HOST_INPUT_STEP = 1u << 7,         /* F8: one update while paused (pauses if running) */
    HOST_INPUT_LOAD_STATE = 1u << 8,   /* F9: load the state file */
    HOST_INPUT_SLOWER = 1u << 9,       /* F10: 1x, 1/2x, 1/4x */
    HOST_INPUT_FASTER = 1u << 10,      /* F11: 1x, 2x, 4x */
    HOST_INPUT_REWIND = 1u << 11,      /* F12 held (set every frame while it is down) */
    HOST_INPUT_OVERLAY = 1u << 12,     /* F1: show / hide the overlay */
    HOST_INPUT_RESIZED = 1u << 13,     /* the window's size changed */
    HOST_INPUT_FULLSCREEN = 1u << 14,  /* Alt+Return: desktop fullscreen on / off */
    HOST_INPUT_INSPECT = 1u << 15,     /* `: show / hide the state inspector */
};

/* Starts SDL's game controller subsystem (after host_video_open). 0, or -1 after a "pads-off"
 * event (the game then sees no pads). */
int host_input_open(void);
/* Closes the pads still open. */
void host_input_close(void);

/* Drains the SDL event queue, fills in (keys, buttons, the buttons pressed since the last
 * call, mouse, wheel, text, window bits, pads) and returns HOST_INPUT_* bits. */
unsigned host_input_poll(game_input *in);
/* Moves the host's keys as args->keys say (--key ACTION=KEY). Returns 0, or -1 with the reason
 * in why (an unknown action or key name, two actions on one key). */
int host_input_bind(const host_args *args, char *why, size_t size);
/* The key of one HOST_INPUT_* action, as SDL names it ("F1"). */
const char *host_input_key_name(unsigned action);

#endif /* HOST_INPUT_H */
