/* lib_calls.c - the fixture library of the call-overhead and detection rows.
 *
 * BENCH_BUILD_ID (default 1) is what bench_id() returns, so a benchmark can tell which build
 * runs. bench_tick() has the same body as the direct-call baseline in bench_calls.c;
 * bench_tick_undeclared() is the same again, for calls by a name hr was not told about.
 */
#include "game_api.h"

#ifndef BENCH_BUILD_ID
#define BENCH_BUILD_ID 1
#endif

#define EXPORT __attribute__((visibility("default")))

EXPORT int bench_id(void);
EXPORT void bench_tick(void *counter);
EXPORT void bench_tick_undeclared(void *counter);
EXPORT const game_api bench_api;

int bench_id(void)
{
    return BENCH_BUILD_ID;
}

void bench_tick(void *counter)
{
    ++*(volatile unsigned *)counter;
}

void bench_tick_undeclared(void *counter)
{
    ++*(volatile unsigned *)counter;
}

static void api_update(void *state, const host_services *host, const game_input *input)
{
    (void)host, (void)input;
    ++*(volatile unsigned *)state;
}

const game_api bench_api = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(unsigned),
    .update = api_update,
};
