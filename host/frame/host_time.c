/* host_time.c - the game's clock: how many fixed updates a frame runs and with which input.
 * Pause (F7), one step while paused (F8), slow motion (F10: 1x, 1/2x, 1/4x), fast forward
 * (F11: 1x, 2x, 4x) and rewind (F12 held) bend it; the recording (F2, F3) and the state files
 * (F4, F9) hang off it, because they all work on the same updates.
 *
 * dt never changes: slow motion runs one update every 2nd or 4th frame, fast forward 2 or 4
 * per frame (at 60 frames per second; --fps 30 runs twice as many per frame, 120 half), so a
 * recording plays back the same at any speed. After every update the block goes into the rewind
 * history; holding F12 runs no update and steps one snapshot back per frame instead, and the
 * sounds of each update it takes back stop (host_audio_timeline). Owns only the
 * clock; the modules it drives own their own data. Never calls game code itself: updates go through
 * host_game_update().
 */
#include "host_time.h"
#include "game_api.h"
#include "host_args.h"
#include "host_audio.h"
#include "host_event.h"
#include "host_game.h"
#include "host_input.h"
#include "host_record.h"
#include "host_rewind.h"
#include "host_state_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static struct {
    int paused;
    int quarters;      /* speed in quarters: 1 (1/4x), 2, 4 (1x), 8, 16 (4x) */
    int fps;           /* frames per second: a frame stands for 60 / fps updates at 1x */
    int owed;          /* quarters of an update, times fps, carried to the next frame */
    uint64_t updates;  /* updates run so far */
    uint64_t timeline; /* updates behind the state the game holds: updates, less rewind steps */
    int rewinding;     /* F12 is held */
    int crashed;       /* the game was stopped by a crash when the rewind began */
    uint64_t rewound;  /* snapshots stepped back in this rewind */
    int rewind_broken; /* the history ran out of memory: reported once */
} game_clock;

static void time_event(const char *state)
{
    char speed[16];
    snprintf(speed, sizeof speed, "%g", game_clock.quarters / 4.0);
    host_event(TIME, HOST_WORD("state", state), HOST_WORD("speed", speed),
               HOST_UINT("updates", game_clock.updates));
}

int host_time_open(const host_args *args, int fps)
{
    memset(&game_clock, 0, sizeof game_clock);
    game_clock.fps = fps > 0 ? fps : 60;
    game_clock.paused = args->paused;
    game_clock.quarters = args->speed_quarters ? args->speed_quarters : 4;
    if (game_clock.paused || game_clock.quarters != 4)
        time_event(game_clock.paused ? "paused" : "running");
    host_state_open(args);
    host_record_open(args);
    if (host_rewind_open(args->rewind_seconds) != 0)
        host_event(REWIND, HOST_WORD("state", "off"), HOST_TEXT("reason", "out of memory"));
    return 0;
}

void host_time_close(void)
{
    host_record_close();
    host_state_close();
    host_rewind_close();
}

/* F12 held: one snapshot back per frame, no update. */
static void rewind_frame(void)
{
    host_game_layout layout;
    if (!game_clock.rewinding) {
        game_clock.rewinding = 1;
        game_clock.rewound = 0;
        game_clock.crashed = host_game_state(NULL) && !host_game_is_running();
        host_record_live("rewind"); /* the loop or the recording would no longer match */
        host_event(REWIND, HOST_WORD("state", "started"),
                   HOST_INT("snapshots", host_rewind_available()));
    }
    void *block = host_game_state(&layout);
    if (block && host_rewind_step(block, &layout)) {
        game_clock.rewound++;
        game_clock.timeline -= game_clock.timeline > 0;
        host_audio_timeline(game_clock.timeline); /* the sounds of the update taken back stop */
    }
}

static void rewind_end(void)
{
    game_clock.rewinding = 0;
    host_event(REWIND, HOST_WORD("state", "stopped"), HOST_UINT("steps", game_clock.rewound),
               HOST_INT("snapshots", host_rewind_available()));
    /* Back before a crash: hold still there, so the fixed build (a crash stops the game until
     * one loads) shows that moment instead of running on at once; F7 or F8 go on. */
    if (game_clock.crashed && game_clock.rewound && !game_clock.paused) {
        game_clock.paused = 1;
        time_event("paused");
    }
}

static int slower(int q)
{
    return q > 4 ? 2 : q == 1 ? 4 : q / 2; /* 1x -> 1/2x -> 1/4x -> 1x; fast -> 1/2x */
}

static int faster(int q)
{
    return q < 4 ? 8 : q == 16 ? 4 : q * 2; /* 1x -> 2x -> 4x -> 1x; slow -> 2x */
}

/* How many updates this frame runs. */
static int updates_due(unsigned actions)
{
    if (actions & HOST_INPUT_PAUSE) {
        game_clock.paused = !game_clock.paused;
        game_clock.owed = 0;
        time_event(game_clock.paused ? "paused" : "running");
    }
    if (actions & (HOST_INPUT_SLOWER | HOST_INPUT_FASTER)) {
        game_clock.quarters =
            actions & HOST_INPUT_SLOWER ? slower(game_clock.quarters) : faster(game_clock.quarters);
        game_clock.owed = 0;
        time_event(game_clock.paused ? "paused" : "running");
    }
    if (actions & HOST_INPUT_STEP) {
        if (!game_clock.paused) {
            game_clock.paused = 1;
            time_event("paused");
            return 0;
        }
        return -1; /* one step, reported once it ran */
    }
    if (game_clock.paused)
        return 0;
    /* quarters * 60 / fps quarters of an update per frame, the remainder kept exactly. */
    game_clock.owed += game_clock.quarters * 60;
    int n = game_clock.owed / (4 * game_clock.fps);
    game_clock.owed %= 4 * game_clock.fps;
    return n;
}

void host_time_frame(unsigned actions, const game_input *live, uint64_t frame)
{
    host_game_frame(frame);
    if (actions & HOST_INPUT_RESET)
        host_record_live(host_input_key_name(HOST_INPUT_RESET)); /* F5, or its --key */
    if (actions & HOST_INPUT_RECORD)
        host_record_toggle();
    if (actions & HOST_INPUT_LIVE)
        host_record_live(host_input_key_name(HOST_INPUT_LIVE));
    host_state_frame(actions);
    if (actions & HOST_INPUT_REWIND) {
        rewind_frame();
        return;
    }
    if (game_clock.rewinding)
        rewind_end();

    int due = updates_due(actions), step = due < 0;
    for (int i = 0; i < (step ? 1 : due) && host_game_is_running(); i++) {
        host_audio_timeline(game_clock.timeline);
        host_game_update(host_record_input(live), frame);
        host_audio_out_update(); /* --audio-out: this update's 1/60 s of sound */
        game_clock.updates++;
        game_clock.timeline++;
        host_game_layout layout;
        void *block = host_game_is_running() ? host_game_state(&layout) : NULL;
        if (block && host_rewind_push(block, &layout) != 0 && !game_clock.rewind_broken) {
            game_clock.rewind_broken = 1;
            host_event(REWIND, HOST_WORD("state", "off"),
                       HOST_TEXT("reason", "out of memory for the history"));
        }
    }
    if (step)
        time_event("step");
}
