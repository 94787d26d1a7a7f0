/* game_state.h - everything the demo game remembers: the layout of the state block.
 *
 * Kept apart from the tunables on purpose: the host reads game_state's layout from each
 * build's debug information (game_api.state_type) and refuses a build whose fields differ
 * from the running block's - a reordered or retyped field of the same size included - unless
 * game_migrate converts it. Edit game.h freely; edit this file knowing the state moves.
 */
#ifndef GAME_STATE_H
#define GAME_STATE_H

#include "game_api.h"

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

#endif /* GAME_STATE_H */
