/* stale.c - a test game that calls code it should not: -DKEEP_POINTER keeps a function
 * pointer in the state from init and calls it in update (after a reload it points into the
 * unloaded build); -DCALL_NOWHERE calls an address with no code at all. Either must be a crash
 * event and a recovery, never a silent death of the host.
 */
#include "game_api.h"

#include <stdint.h>

#ifndef BUILD
#define BUILD 1
#endif

typedef struct stale_state {
    void (*step)(int *counter); /* the mistake under test: a pointer into the library */
    int counter;
} stale_state;

static void stale_step(int *counter)
{
    *counter += BUILD;
}

static void stale_init(void *s, const host_services *host)
{
    (void)host;
    ((stale_state *)s)->step = stale_step;
}

static void stale_update(void *s, const host_services *host, const game_input *in)
{
    (void)in;
    stale_state *st = s;
#if defined(CALL_NOWHERE)
    if (host->frame > 5)
        ((void (*)(int *))(uintptr_t)0xdead0000u)(&st->counter);
#elif defined(KEEP_POINTER)
    (void)host;
    st->step(&st->counter);
#else
    (void)host;
    stale_step(&st->counter);
#endif
}

static void stale_render(const void *s, const host_services *host)
{
    (void)s;
    host->clear(GAME_RGBA(30, 60, 90, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(stale_state),
    .init = stale_init,
    .update = stale_update,
    .render = stale_render,
};
