/* game.h - the demo game's tunables and its functions, shared by game.c (logic) and
 * game_draw.c (drawing). The state itself is in game_state.h.
 *
 * The game: fly the ship with the arrows or WASD, catch the falling stars, dodge the rocks.
 * Everything the game remembers is in game_state, inside the block the host keeps across
 * reloads; the library itself holds no statics, so any build can take over a running game.
 */
#ifndef GAME_H
#define GAME_H

#include "game_state.h"

/* ---- Tweak these while the game runs and save: the host rebuilds and reloads the game. ---- */
#define GAME_BACKGROUND GAME_RGBA(18, 22, 52, 255) /* the sky */
#define GAME_TEXT_COLOR GAME_RGBA(255, 255, 255, 255)
#define GAME_ROCK_COLOR GAME_RGBA(130, 120, 110, 255)
#define GAME_SHIP_SPEED 240.0f /* pixels per second */
#define GAME_FALL_SPEED 70.0f  /* slowest falling speed, pixels per second */
#define GAME_ROCK_CHANCE 4     /* one falling thing in N is a rock */
#define GAME_SPRITE_SCALE 3    /* the sprites are tiny pixel art: draw them this many times */

/* Draws the whole frame (game_draw.c). */
void game_draw(const game_state *s, const host_services *host);

/* Size of the ship / an item on screen, in pixels. */
void game_ship_size(const game_state *s, const host_services *host, float *w, float *h);
void game_item_size(const game_state *s, const host_services *host, float *w, float *h);

#endif /* GAME_H */
