/* game.h - the demo game's tunables and its state, shared by game.c (logic) and
 * game_draw.c (drawing).
 *
 * The game: fly the ship with the arrows or WASD, catch the falling stars, dodge the rocks.
 * Everything the game remembers is in game_state, inside the block the host keeps across
 * reloads; the library itself holds no statics, so any build can take over a running game.
 */
#ifndef GAME_H
#define GAME_H

#include "game_api.h"

/* ---- Tweak these while the game runs: save, run `make`, and the host reloads the build. ---- */
#define GAME_BACKGROUND GAME_RGBA(18, 22, 52, 255) /* the sky */
#define GAME_TEXT_COLOR GAME_RGBA(255, 255, 255, 255)
#define GAME_ROCK_COLOR GAME_RGBA(130, 120, 110, 255)
#define GAME_SHIP_SPEED 240.0f /* pixels per second */
#define GAME_FALL_SPEED 70.0f  /* slowest falling speed, pixels per second */
#define GAME_ROCK_CHANCE 4     /* one falling thing in N is a rock */
#define GAME_SPRITE_SCALE 3    /* the sprites are tiny pixel art: draw them this many times */
/* How many things fall at once. It sizes game_state, so changing it changes the layout:
 * game_migrate carries the running game over (the array is the state's last field). */
#define GAME_ITEM_COUNT 12
/* Bump when game_state changes in any other way: the host then restarts with a fresh state
 * (F5 or --reset) instead of reading the old bytes as the new layout. */
#define GAME_STATE_VERSION 1

enum {
    GAME_ITEM_NONE,
    GAME_ITEM_STAR,
    GAME_ITEM_ROCK
};

typedef struct game_item {
    float x, y;  /* top-left corner, pixels */
    float speed; /* pixels per second, downwards */
    int kind;    /* GAME_ITEM_*; NONE is respawned at the top */
} game_item;

typedef struct game_state {
    uint64_t tick;                    /* updates since init; carries on across reloads */
    uint32_t rng;                     /* xorshift32 state, seeded in init: same inputs, same game */
    int score, best;                  /* stars caught since the last rock; the record */
    game_texture ship, star;          /* host texture handles, valid across reloads */
    float ship_x, ship_y;             /* top-left corner of the ship, pixels */
    float flash;                      /* seconds left of the red flash after a rock hit */
    game_item items[GAME_ITEM_COUNT]; /* last, so game_migrate can resize it */
} game_state;

/* Draws the whole frame (game_draw.c). */
void game_draw(const game_state *s, const host_services *host);

/* Size of the ship / an item on screen, in pixels. */
void game_ship_size(const game_state *s, const host_services *host, float *w, float *h);
void game_item_size(const game_state *s, const host_services *host, float *w, float *h);

#endif /* GAME_H */
