/* host_record.c - input recording and looped playback: F2 snapshots the state block and records
 * the input of every update; F2 again loops it (state put back, inputs played again) until F3,
 * so every reload shows the same moment of play with the new code. --record FILE writes the
 * recording when its loop starts (or at exit); --replay FILE loops a saved one from the start.
 *
 * Owns the snapshot and the recorded inputs (host_state_data, the same shape a file has).
 * Works in updates, not frames: pause, slow motion and fast forward change how many updates a
 * frame runs, never which input an update gets, so a loop replays exactly. The loop's snapshot
 * goes back into the game through host_game_adopt(), which migrates it after a layout change
 * (a rebuild inside the loop, or a --replay file of an older build, whose layout text says which
 * field went where; "record-migrated", and the snapshot is then replaced by the migrated block,
 * once) or refuses it.
 * Never touches SDL: the live input comes in as a game_input.
 */
#include "host_record.h"
#include "game_api.h"
#include "host_args.h"
#include "host_event.h"
#include "host_game.h"
#include "host_state_file.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ten minutes at 60 updates per second (about 19 MB of inputs): the loop starts there. */
#define MAX_INPUTS ((uint64_t)60 * 60 * 10)

enum {
    LIVE,
    RECORDING,
    LOOPING
};

static struct {
    int mode;
    host_state_data rec;   /* the snapshot and the inputs recorded or loaded */
    uint64_t capacity;     /* inputs allocated in rec.inputs */
    uint64_t position;     /* looping: the next input; == input_count puts the snapshot back */
    uint64_t loops;        /* times the snapshot was put back */
    const char *save_path; /* --record */
    int saved;             /* this recording is in save_path already */
    const char *replay;    /* --replay, set until its loop starts */
    int replay_failed;     /* ... and it could not: refused once, then the game plays live */
} rec;

static void save_recording(void)
{
    char why[512];
    if (!rec.save_path || rec.saved)
        return;
    rec.saved = 1;
    if (host_state_file_write(rec.save_path, HOST_STATE_FILE_RECORDING, &rec.rec, why,
                              sizeof why) == 0)
        host_event(RECORD_SAVED, HOST_WORD("path", rec.save_path),
                   HOST_UINT("frames", rec.rec.input_count));
    else
        host_event(RECORD_REFUSED, HOST_WORD("path", rec.save_path), HOST_TEXT("reason", why));
}

static void go_live(const char *reason)
{
    if (rec.mode == LIVE)
        return;
    rec.mode = LIVE;
    host_event(RECORD, HOST_WORD("state", "live"), HOST_WORD("reason", reason),
               HOST_UINT("loops", rec.loops));
}

static void start_loop(void)
{
    rec.mode = LOOPING;
    rec.position = rec.rec.input_count; /* the first update puts the snapshot back */
    rec.loops = 0;
    host_event(RECORD, HOST_WORD("state", "looping"), HOST_UINT("frames", rec.rec.input_count));
}

int host_record_open(const host_args *args)
{
    memset(&rec, 0, sizeof rec);
    rec.save_path = args->record;
    if (!args->replay)
        return 0;
    char why[512];
    if (host_state_file_read(args->replay, HOST_STATE_FILE_RECORDING, &rec.rec, why, sizeof why) !=
        0) {
        host_event(RECORD_REFUSED, HOST_WORD("path", args->replay), HOST_TEXT("reason", why));
        rec.replay_failed = 1;
        return -1;
    }
    if (rec.rec.input_count == 0) {
        host_event(RECORD_REFUSED, HOST_WORD("path", args->replay),
                   HOST_TEXT("reason", "it holds no inputs"));
        host_state_file_free(&rec.rec);
        rec.replay_failed = 1;
        return -1;
    }
    rec.capacity = rec.rec.input_count;
    rec.saved = 1; /* nothing new to write */
    rec.replay = args->replay;
    return 0;
}

void host_record_toggle(void)
{
    if (rec.mode == RECORDING) {
        if (rec.rec.input_count == 0) {
            go_live("nothing recorded");
            return;
        }
        start_loop();
        save_recording();
        return;
    }
    host_game_layout layout;
    const void *state = host_game_state(&layout);
    if (!state || !host_game_is_running()) {
        host_event(RECORD_REFUSED, HOST_TEXT("reason", "no game is running"));
        return;
    }
    if (rec.mode == LOOPING)
        go_live("F2");
    void *copy = realloc(rec.rec.state, layout.size ? (size_t)layout.size : 1);
    if (!copy) {
        host_event(RECORD_REFUSED, HOST_TEXT("reason", "out of memory for the snapshot"));
        return;
    }
    memcpy(copy, state, (size_t)layout.size);
    rec.rec.state = copy;
    rec.rec.layout = layout;
    free(rec.rec.layout_text); /* its layout, for a later build: NULL (not known) if no memory */
    rec.rec.layout_text = strdup(host_game_layout_text());
    rec.rec.input_count = 0;
    rec.replay = NULL;
    rec.saved = 0;
    rec.mode = RECORDING;
    host_event(RECORD, HOST_WORD("state", "recording"));
}

void host_record_live(const char *reason)
{
    if (rec.mode == RECORDING && rec.rec.input_count)
        save_recording(); /* --record keeps what there is */
    go_live(reason);
}

static void append(const game_input *live)
{
    if (rec.rec.input_count == rec.capacity) {
        uint64_t cap = rec.capacity ? rec.capacity * 2 : 600;
        cap = cap > MAX_INPUTS ? MAX_INPUTS : cap;
        game_input *grown = rec.rec.input_count < MAX_INPUTS
                                ? realloc(rec.rec.inputs, (size_t)cap * sizeof *grown)
                                : NULL;
        if (!grown) { /* full (or out of memory): loop what there is */
            start_loop();
            save_recording();
            return;
        }
        rec.rec.inputs = grown;
        rec.capacity = cap;
    }
    rec.rec.inputs[rec.rec.input_count++] = *live;
}

/* Puts the loop's snapshot back. 0, or -1 after leaving the loop with the reason. */
static int restore(void)
{
    char why[1024];
    int adopted = host_game_adopt(rec.rec.state, &rec.rec.layout, rec.rec.layout_text, rec.replay,
                                  why, sizeof why);
    if (adopted < 0) {
        host_event(RECORD_REFUSED, HOST_WORD("path", rec.replay), HOST_TEXT("reason", why));
        /* A --replay that cannot start is given up, not tried again every frame. */
        rec.replay_failed |= rec.replay != NULL;
        rec.replay = NULL;
        go_live("refused");
        return -1;
    }
    if (adopted == 1)
        host_event(RECORD_MIGRATED, HOST_WORD("path", rec.replay),
                   HOST_TEXT("changes", why[0] ? why : NULL));
    rec.replay = NULL;
    if (adopted == 1) { /* migrated: keep the new layout, so later loops are plain copies */
        host_game_layout layout;
        const void *state = host_game_state(&layout);
        void *copy = state ? realloc(rec.rec.state, (size_t)layout.size) : NULL;
        if (copy) {
            memcpy(copy, state, (size_t)layout.size);
            rec.rec.state = copy;
            rec.rec.layout = layout;
            free(rec.rec.layout_text);
            rec.rec.layout_text = strdup(host_game_layout_text());
        }
    }
    return 0;
}

const game_input *host_record_input(const game_input *live)
{
    if (rec.replay && rec.mode == LIVE)
        start_loop(); /* --replay: the game runs now */
    if (rec.mode == RECORDING) {
        append(live);
        return live;
    }
    if (rec.mode != LOOPING)
        return live;
    if (rec.position >= rec.rec.input_count) {
        if (restore() != 0)
            return live;
        rec.position = 0;
        rec.loops++;
    }
    return &rec.rec.inputs[rec.position++];
}

int host_record_replay_failed(void)
{
    return rec.replay_failed;
}

void host_record_close(void)
{
    if (rec.mode == RECORDING && rec.rec.input_count)
        save_recording();
    go_live("exit");
    host_state_file_free(&rec.rec);
    memset(&rec, 0, sizeof rec);
}
