/* input.c - a test game that shows every kind of input it gets: typed text, the mouse wheel,
 * window bits and size, which gamepads are connected, the first two gamepads' buttons and the
 * first one's left stick. It logs what changes and draws a box the stick moves, so a
 * recording's replay can be compared picture for picture, and marks the bottom-right corner of
 * its drawing area. -DFOLLOW asks for GAME_SCALE_NONE (its drawing area follows the window) and
 * a window of 400 x 300.
 */
#include "game_api.h"

typedef struct input_state {
    float x;       /* moved by the left stick */
    float wheel;   /* wheel turned so far */
    int presses;   /* pad buttons pressed so far */
    float last_x;  /* the stick as last logged */
    uint32_t seen; /* the window bits as last logged */
    uint32_t pads; /* connected pads as last logged, a bit each */
    uint64_t rng;  /* game_random's state: a replay must draw the same numbers */
    uint32_t dots; /* random dots drawn so far */
} input_state;

static void input_init(void *s, const host_services *host)
{
    input_state *st = s;
    st->x = 100;
    st->rng = 42;
    host->log("init pads=%d", 0);
}

static void input_update(void *s, const host_services *host, const game_input *in)
{
    input_state *st = s;
    const game_pad *pad = &in->pads[0];
    if (in->text[0])
        host->log("text=%s", in->text);
    if (in->wheel_x != 0 || in->wheel_y != 0)
        host->log("wheel=%.1f,%.1f", in->wheel_x, in->wheel_y);
    uint32_t pads = 0;
    for (int i = 0; i < GAME_PAD_COUNT; i++)
        pads |= in->pads[i].connected ? 1u << i : 0;
    if (pads != st->pads) {
        st->pads = pads;
        host->log("connected=0x%x", pads);
    }
    if (pad->pressed)
        host->log("pad0 pressed=0x%x", pad->pressed);
    if (in->pads[1].pressed)
        host->log("pad1 pressed=0x%x", in->pads[1].pressed);
    if (pad->axes[GAME_AXIS_LEFT_X] != st->last_x) {
        st->last_x = pad->axes[GAME_AXIS_LEFT_X];
        host->log("leftx=%.2f", st->last_x);
    }
    if (in->window != st->seen) {
        st->seen = in->window;
        host->log("window=0x%x area=%dx%d", in->window, host->width, host->height);
    }
    st->wheel += in->wheel_y;
    st->presses += __builtin_popcount(pad->pressed);
    st->x += pad->axes[GAME_AXIS_LEFT_X] * 120.0f * host->dt;
    st->dots = game_random(&st->rng) % 200;
}

static void input_render(const void *s, const host_services *host)
{
    const input_state *st = s;
    host->clear(GAME_RGBA(20, 20, 20, 255));
    host->fill_rect(st->x, 100, 30, 30, GAME_RGBA(0, 200, 255, 255));
    host->fill_rect(10, 10, 10.0f * (float)st->presses, 10, GAME_RGBA(255, 200, 0, 255));
    host->fill_rect(10, 30, 10.0f * st->wheel, 10, GAME_RGBA(255, 0, 120, 255));
    host->fill_rect((float)st->dots, 300, 4, 4, GAME_RGBA(255, 255, 255, 255));
    /* The drawing area's bottom-right corner, wherever the host says it is. */
    host->fill_rect((float)host->width - 8, (float)host->height - 8, 8, 8,
                    GAME_RGBA(0, 255, 0, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(input_state),
#ifdef FOLLOW
    .window = { .width = 400, .height = 300, .scale = GAME_SCALE_NONE },
#endif
    .init = input_init,
    .update = input_update,
    .render = input_render,
};
