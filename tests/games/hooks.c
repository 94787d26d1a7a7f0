/* hooks.c - a test game that logs every hook call with its build number (-DBUILD=N), for the
 * order the host promises: new build checked -> old unload -> old code closed -> new reload.
 * -DCRASH_IN_UPDATE makes its update fault, which sends the host back to the build before.
 */
#include "game_api.h"

#ifndef BUILD
#define BUILD 1
#endif

typedef struct hooks_state {
    int ticks;
} hooks_state;

#define LOG_HOOK(host, name) (host)->log("hook=%s build=%d", name, BUILD)

static void hooks_init(void *s, const host_services *host)
{
    (void)s;
    LOG_HOOK(host, "init");
}

static void hooks_reload(void *s, const host_services *host)
{
    (void)s;
    LOG_HOOK(host, "reload");
}

static void hooks_unload(void *s, const host_services *host)
{
    (void)s;
    LOG_HOOK(host, "unload");
}

static void hooks_shutdown(void *s, const host_services *host)
{
    (void)s;
    LOG_HOOK(host, "shutdown");
}

static void hooks_update(void *s, const host_services *host, const game_input *in)
{
    (void)host;
    (void)in;
    ((hooks_state *)s)->ticks++;
#ifdef CRASH_IN_UPDATE
    *(volatile int *)(void *)0 = 1;
#endif
}

static void hooks_render(const void *s, const host_services *host)
{
    (void)s;
    host->clear(GAME_RGBA(10, 20, 30, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(hooks_state),
    .init = hooks_init,
    .reload = hooks_reload,
    .unload = hooks_unload,
    .update = hooks_update,
    .render = hooks_render,
    .shutdown = hooks_shutdown,
};
