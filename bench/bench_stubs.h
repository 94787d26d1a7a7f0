/* bench_stubs.h - a do-nothing host for benchmarks that call real game code without SDL:
 * host_services whose drawing calls return at once, and "call the new code" as the host would
 * after a reload (render the current state, which must not change it).
 *
 * Owns one state block per game; never draws, never touches the OS.
 */
#ifndef BENCH_STUBS_H
#define BENCH_STUBS_H

#include "game_api.h"

#include <stdarg.h>
#include <stdlib.h>

static void stub_log(const char *fmt, ...)
{
    (void)fmt;
}
static game_texture stub_texture(const char *name)
{
    (void)name;
    return 1;
}
static void stub_texture_size(game_texture tex, int *w, int *h)
{
    (void)tex;
    *w = 16;
    *h = 16;
}
static void stub_clear(uint32_t rgba)
{
    (void)rgba;
}
static void stub_fill_rect(float x, float y, float w, float h, uint32_t rgba)
{
    (void)x, (void)y, (void)w, (void)h, (void)rgba;
}
static void stub_draw_texture(game_texture tex, float x, float y, float w, float h)
{
    (void)tex, (void)x, (void)y, (void)w, (void)h;
}
static void stub_draw_text(float x, float y, float scale, uint32_t rgba, const char *text)
{
    (void)x, (void)y, (void)scale, (void)rgba, (void)text;
}

static const host_services stub_host = {
    .width = 640,
    .height = 360,
    .dt = 1.0f / 60,
    .log = stub_log,
    .texture = stub_texture,
    .texture_size = stub_texture_size,
    .clear = stub_clear,
    .fill_rect = stub_fill_rect,
    .draw_texture = stub_draw_texture,
    .draw_text = stub_draw_text,
};

/* Creates the state block and runs init, as the host does at the first load. NULL on failure. */
static inline void *stub_game_start(const game_api *api)
{
    void *state = calloc(1, api->state_size ? (size_t)api->state_size : 1);
    if (state && api->init)
        api->init(state, &stub_host);
    return state;
}

/* The first call into a freshly loaded build: render (or update when there is no render). */
static inline void stub_game_call(const game_api *api, void *state)
{
    static game_input input;
    if (api->render)
        api->render(state, &stub_host);
    else if (api->update)
        api->update(state, &stub_host, &input);
}

#endif /* BENCH_STUBS_H */
