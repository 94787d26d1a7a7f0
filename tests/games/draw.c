/* draw.c - a test game that draws each primitive and text in TrueType fonts, at known places
 * and in colours nothing else on screen has, for tests/test_host_draw.sh to count in a
 * screenshot. It logs what the pixels are compared with: measure_text's answers ("measure"),
 * its font handles ("fonts") and the width of the text in live.ttf whenever it changes ("live",
 * a font the test saves over while the game runs); "handle changed" would mean a font's handle
 * did not survive a reload of its file.
 */
#include "game_api.h"

typedef struct draw_state {
    game_font sans, broken, cut, missing, live;
    float live_w; /* live.ttf's text width as last logged */
} draw_state;

static const char hello[] = "Hello, W\xc3\xb6rld AV"; /* "Hello, World AV" with an o-umlaut */

static void draw_init(void *s, const host_services *host)
{
    draw_state *st = s;
    st->sans = host->font("DejaVuSans.ttf", 32);
    st->broken = host->font("broken.ttf", 24);
    st->cut = host->font("cut.ttf", 24);
    st->missing = host->font("missing.ttf", 24);
    st->live = host->font("live.ttf", 24);
    host->log("fonts sans=%u broken=%u cut=%u missing=%u live=%u", st->sans, st->broken, st->cut,
              st->missing, st->live);
    float w, h, a, v, av;
    host->measure_text(st->sans, hello, &w, &h);
    host->log("measure hello w=%.2f h=%.2f", w, h);
    host->measure_text(st->sans, "A", &a, &h);
    host->measure_text(st->sans, "V", &v, &h);
    host->measure_text(st->sans, "AV", &av, &h);
    host->log("measure A=%.2f V=%.2f AV=%.2f", a, v, av);
}

static void draw_update(void *s, const host_services *host, const game_input *in)
{
    (void)in;
    draw_state *st = s;
    if (host->font("live.ttf", 24) != st->live)
        host->log("handle changed");
    float w, h;
    host->measure_text(st->live, "live text", &w, &h);
    if (w != st->live_w)
        host->log("live w=%.2f h=%.2f", w, h);
    st->live_w = w;
}

static void draw_render(const void *s, const host_services *host)
{
    const draw_state *st = s;
    host->clear(GAME_RGBA(0x10, 0x20, 0x30, 255));
    host->fill_circle(80, 80, 40, GAME_RGBA(255, 0, 0, 255));
    host->draw_circle(200, 80, 40, GAME_RGBA(0, 255, 0, 255));
    host->draw_line(20, 150, 220, 210, GAME_RGBA(0, 0, 255, 255));
    const float trapezoid[] = { 260, 40, 360, 40, 380, 120, 240, 120 };
    host->fill_polygon(trapezoid, 4, GAME_RGBA(255, 255, 0, 255));
    /* A translucent hexagon (area 4080): a fan of four triangles whose shared edges must not
     * blend twice. */
    const float hexagon[] = { 510, 80, 490, 46, 450, 46, 430, 80, 450, 114, 490, 114 };
    host->fill_polygon(hexagon, 6, GAME_RGBA(0, 255, 255, 128));

    host->fill_rect(0, 230, 640, 130, GAME_RGBA(0x20, 0x20, 0x20, 255));
    host->draw_font_text(st->sans, 20, 240, GAME_RGBA(255, 255, 255, 255), hello);
    host->draw_font_text(st->sans, 560, 240, GAME_RGBA(255, 128, 0, 255), "\xe2\x82\xac"); /* € */
    host->draw_font_text(st->broken, 20, 290, GAME_RGBA(255, 0, 255, 255), "BROKEN");
    host->draw_font_text(st->cut, 200, 290, GAME_RGBA(0, 128, 255, 255), "CUT");
    host->draw_font_text(st->missing, 20, 320, GAME_RGBA(0, 255, 128, 255), "MISSING");
    host->draw_font_text(st->live, 300, 300, GAME_RGBA(0, 192, 255, 255), "live text");
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(draw_state),
    .init = draw_init,
    .update = draw_update,
    .render = draw_render,
};
