/* host_release.c - what a shipped build (make release) adds to the host: the table through
 * which hr_static.c finds the game linked into the program (hr.h, hr_static_symbols).
 *
 * Taking the address of the game's API struct makes the link itself need it: a game without
 * GAME_EXPORT const game_api GAME_API_SYMBOL_NAME fails to link ("undefined reference to
 * livehost_game") instead of starting without a game. Kept out of host/ itself, whose files
 * the hot-reload host is built from: there the game is loaded, never linked.
 */
#include "game_api.h"
#include "hr.h"

extern const game_api GAME_API_SYMBOL_NAME;

/* The cast drops const: slots are void *, and the host reads the struct through a const
 * game_api * again. */
const hr_static_symbol hr_static_symbols[] = {
    { GAME_API_SYMBOL, (void *)&GAME_API_SYMBOL_NAME },
    { NULL, NULL },
};
