/* empty_game.c - a game that does nothing: the library the frame-cost row runs the host on,
 * and the small stand-in for build/game.so before a real game exists.
 *
 * BENCH_STATE_SIZE (default 64) sets the state block size and BENCH_STATE_VERSION (default 1)
 * its layout version, for the state-size rows: two builds that differ only in the version make
 * the host migrate the whole block on every reload. Exports only the API struct, like a real
 * game.
 */
#include "game_api.h"

#include <string.h>

#ifndef BENCH_STATE_SIZE
#define BENCH_STATE_SIZE 64
#endif
#ifndef BENCH_STATE_VERSION
#define BENCH_STATE_VERSION 1
#endif

static void empty_init(void *state, const host_services *host)
{
    (void)state, (void)host;
}

static void empty_update(void *state, const host_services *host, const game_input *input)
{
    (void)state, (void)host, (void)input;
}

static void empty_render(const void *state, const host_services *host)
{
    (void)state, (void)host;
}

/* Carries every byte over: the cost of a migration of this size. */
static int empty_migrate(void *new_state, const void *old_state, uint64_t old_size,
                         uint32_t old_version, uint64_t old_hash)
{
    (void)old_version, (void)old_hash;
    memcpy(new_state, old_state, old_size < BENCH_STATE_SIZE ? old_size : BENCH_STATE_SIZE);
    return 0;
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_version = BENCH_STATE_VERSION,
    .state_size = BENCH_STATE_SIZE,
    .init = empty_init,
    .update = empty_update,
    .render = empty_render,
    .migrate = empty_migrate,
};
