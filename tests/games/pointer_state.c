/* pointer_state.c - a test game that keeps a raw pointer in its state (into its own block), the
 * kind of value a state file cannot carry to another process: loaded from a file, the pointer
 * is wrong and the first update crashes. The host must blame the file, not the build.
 */
#include "game_api.h"

typedef struct pointer_state {
    int *counter; /* points at storage below, in this process */
    int storage;
    int ticks;
} pointer_state;

static void ps_init(void *s, const host_services *host)
{
    (void)host;
    pointer_state *st = s;
    st->counter = &st->storage;
}

static void ps_update(void *s, const host_services *host, const game_input *in)
{
    (void)in;
    pointer_state *st = s;
    ++*st->counter;
    if (++st->ticks == 30)
        host->log("ran 30 updates");
}

static void ps_render(const void *s, const host_services *host)
{
    (void)s;
    host->clear(GAME_RGBA(40, 40, 40, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(pointer_state),
    .init = ps_init,
    .update = ps_update,
    .render = ps_render,
};
