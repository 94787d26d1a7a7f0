/* sound.c - a test game that plays a.wav on its 30th update, for tests/test_host_audio.sh.
 * -DPAN=X plays it panned, -DLOOP loops it (the voice stays in the state, across reloads),
 * -DTWO plays b.wav at the same update too, -DBUILD=N tells its builds apart. It logs
 * "played at tick=30" and every reload, and draws nothing but a clear.
 */
#include "game_api.h"

#ifndef PAN
#define PAN 0.0f
#endif
#ifndef LOOP
#define LOOP 0
#endif
#ifndef BUILD
#define BUILD 1
#endif

typedef struct sound_state {
    int ticks;
    game_sound a, b;
    game_voice voice;
} sound_state;

static void sound_init(void *s, const host_services *host)
{
    sound_state *st = s;
    st->a = host->sound("a.wav");
    st->b = host->sound("b.wav");
}

static void sound_reload(void *s, const host_services *host)
{
    (void)s;
    host->log("reload build=%d", BUILD);
}

static void sound_update(void *s, const host_services *host, const game_input *in)
{
    sound_state *st = s;
    (void)in;
    if (++st->ticks != 30)
        return;
    st->voice = host->play(st->a, 1, PAN, 1, LOOP);
#ifdef TWO
    host->play(st->b, 1, PAN, 1, 0);
#endif
    host->log("played at tick=%d", st->ticks);
}

static void sound_render(const void *s, const host_services *host)
{
    (void)s;
    host->clear(GAME_RGBA(0, 0, 0, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(sound_state),
    .init = sound_init,
    .reload = sound_reload,
    .update = sound_update,
    .render = sound_render,
};
