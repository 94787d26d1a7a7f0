/* inspect.c - a test game for the state inspector: a state with a field of every kind the
 * inspector shows (integers, a float, a double, a bool, an enum, a bitfield, a nested struct, a
 * scalar array), whose values it logs after every update ("values build=N tick=N ...") and
 * whose bool picks the colour of the picture (green, or red when `red` is true).
 * `lives` never changes by itself, `distance` grows by `speed` every update, `right_presses`
 * counts presses of the Right button: an edit shows in the log, and a key the inspector took
 * does not.
 * -DBUILD=N puts N in the log (a reload is seen); -DEXTRA_FIELD inserts a field before lives;
 * -DNO_STATE_TYPE leaves state_type out; -DBIG_STATE makes the block 512 KiB bigger (big blocks
 * are tracked page by page).
 */
#include "game_api.h"

#include <stdbool.h>
#include <stddef.h>

#ifndef BUILD
#define BUILD 1
#endif

typedef enum mode {
    MODE_IDLE,
    MODE_RUN,
    MODE_JUMP
} mode;

typedef struct vec2 {
    float x, y;
} vec2;

typedef struct inspect_state {
    uint64_t tick; /* updates since init */
#ifdef EXTRA_FIELD
    int extra; /* a field inserted before lives: the next build migrates by field name */
#endif
    int lives;          /* 3 from init; nothing but an edit changes it */
    float speed;        /* added to distance every update */
    bool red;           /* the picture is red, else green */
    mode mode;          /* MODE_RUN from init */
    unsigned flags : 3; /* 5 from init */
    vec2 at;            /* 1.5, -2 from init */
    short hits[4];      /* 10, 20, 30, 40 from init */
    double distance;    /* the sum of speed over the updates */
    int right_presses;  /* presses of the Right button the game saw */
#ifdef BIG_STATE
    unsigned char big[512 << 10]; /* a block the host write-protects page by page */
#endif
} inspect_state;

#ifndef EXTRA_FIELD
/* The test reads lives from a state file at this offset. */
_Static_assert(offsetof(inspect_state, lives) == 8, "lives is at byte 8 of the state");
#endif

static void inspect_init(void *state, const host_services *host)
{
    inspect_state *s = state;
    s->lives = 3;
    s->speed = 2.5f;
    s->mode = MODE_RUN;
    s->flags = 5;
    s->at = (vec2){ 1.5f, -2.0f };
    for (int i = 0; i < 4; i++)
        s->hits[i] = (short)(10 * (i + 1));
    host->log("new game");
}

static void inspect_update(void *state, const host_services *host, const game_input *in)
{
    inspect_state *s = state;
    s->tick++;
    s->distance += s->speed;
    s->right_presses += (in->pressed & GAME_BUTTON_RIGHT) != 0;
    host->log("values build=%d tick=%llu lives=%d speed=%g red=%s mode=%d flags=%u at=%g,%g "
              "hits=%d,%d,%d,%d distance=%.15g right_presses=%d",
              BUILD, (unsigned long long)s->tick, s->lives, (double)s->speed,
              s->red ? "true" : "false", (int)s->mode, (unsigned)s->flags, (double)s->at.x,
              (double)s->at.y, s->hits[0], s->hits[1], s->hits[2], s->hits[3], s->distance,
              s->right_presses);
}

static void inspect_render(const void *state, const host_services *host)
{
    const inspect_state *s = state;
    host->clear(s->red ? GAME_RGBA(200, 30, 30, 255) : GAME_RGBA(30, 160, 60, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(inspect_state),
#ifndef NO_STATE_TYPE
    .state_type = "inspect_state",
#endif
    .init = inspect_init,
    .update = inspect_update,
    .render = inspect_render,
};
