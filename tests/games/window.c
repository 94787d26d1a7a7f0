/* window.c - a test game that picks its own window: 320 x 200, titled, scaled to fit. It fills
 * the drawing area it is given and logs its size and the wall clock, so a test can check that
 * the host gave it what it asked for (or what the flags said instead).
 */
#include "game_api.h"

typedef struct window_state {
    int logged;
} window_state;

static void window_update(void *s, const host_services *host, const game_input *in)
{
    (void)in;
    window_state *st = s;
    if (!st->logged++)
        host->log("area=%dx%d clock=%s", host->width, host->height,
                  host->wall_time > 1.6e9 ? "set" : "unset");
}

static void window_render(const void *s, const host_services *host)
{
    (void)s;
    host->clear(GAME_RGBA(0, 0, 0, 255));
    host->fill_rect(0, 0, (float)host->width, (float)host->height, GAME_RGBA(90, 200, 30, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(window_state),
    .window = { .width = 320, .height = 200, .title = "Tiny game" },
    .update = window_update,
    .render = window_render,
};
