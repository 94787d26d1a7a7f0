/* host_draw.c - the drawing services a game gets (clear, rectangles, lines, circles, polygons,
 * textures, sprites, text) and the host's own screens (waiting, crashed, the status bar), all
 * through one SDL_Renderer; and the renderer's state kept around the game's render, so nothing a
 * game sets on the renderer (a clip rect, a scale, a render target) reaches the host's screens or
 * the overlay.
 *
 * The services carry no context pointer (host_services is plain function pointers), so the
 * renderer they draw with is bound here once. Text is stb_easy_font: quads drawn as filled
 * rectangles, no font file and no texture.
 */
#include "host_draw.h"
#include "game_api.h"
#include "host_assets.h"

#include <SDL.h>
#include <math.h>
#include <string.h>

#include <stb_easy_font.h>

static SDL_Renderer *target;

/* Room for the quads of a few thousand characters (stb_easy_font: 64 bytes a quad). */
static unsigned char quads[256 * 1024];

enum {
    FONT_LINE = 12
}; /* stb_easy_font's line advance at scale 1 */

static void set_color(uint32_t rgba)
{
    SDL_SetRenderDrawColor(target, (Uint8)(rgba >> 24), (Uint8)(rgba >> 16), (Uint8)(rgba >> 8),
                           (Uint8)rgba);
}

void host_draw_bind(SDL_Renderer *renderer)
{
    target = renderer;
}

void host_draw_clear(uint32_t rgba)
{
    if (!target)
        return;
    set_color(rgba);
    SDL_RenderClear(target);
}

void host_draw_fill_rect(float x, float y, float w, float h, uint32_t rgba)
{
    if (!target)
        return;
    set_color(rgba);
    SDL_RenderFillRectF(target, &(SDL_FRect){ x, y, w, h });
}

void host_draw_texture(game_texture tex, float x, float y, float w, float h)
{
    SDL_Texture *t = host_assets_sdl(tex);
    if (target && t)
        SDL_RenderCopyF(target, t, NULL, &(SDL_FRect){ x, y, w, h });
}

static SDL_BlendMode sdl_blend(game_blend blend)
{
    switch (blend) {
    case GAME_BLEND_NONE: return SDL_BLENDMODE_NONE;
    case GAME_BLEND_ADD: return SDL_BLENDMODE_ADD;
    case GAME_BLEND_MOD: return SDL_BLENDMODE_MOD;
    case GAME_BLEND_DEFAULT:
    case GAME_BLEND_ALPHA: break;
    }
    return SDL_BLENDMODE_BLEND;
}

void host_draw_sprite(game_texture tex, const game_sprite *sprite)
{
    SDL_Texture *t = host_assets_sdl(tex);
    if (!target || !t || !sprite)
        return;
    const game_sprite *s = sprite;
    int tw, th;
    host_assets_texture_size(tex, &tw, &th);
    SDL_Rect src = { 0, 0, tw, th };
    if (s->src_w > 0 && s->src_h > 0)
        src = (SDL_Rect){ (int)s->src_x, (int)s->src_y, (int)s->src_w, (int)s->src_h };
    SDL_FRect dst = { s->x, s->y, s->w > 0 ? s->w : (float)src.w, s->h > 0 ? s->h : (float)src.h };
    const uint32_t tint = s->tint ? s->tint : 0xffffffffu;
    int flip = SDL_FLIP_NONE;
    if (s->flip & GAME_FLIP_X)
        flip |= SDL_FLIP_HORIZONTAL;
    if (s->flip & GAME_FLIP_Y)
        flip |= SDL_FLIP_VERTICAL;
    /* The texture's modes are shared by every draw of it: set for this one, then put back. */
    SDL_BlendMode old_blend;
    SDL_GetTextureBlendMode(t, &old_blend);
    SDL_SetTextureColorMod(t, (Uint8)(tint >> 24), (Uint8)(tint >> 16), (Uint8)(tint >> 8));
    SDL_SetTextureAlphaMod(t, (Uint8)tint);
    SDL_SetTextureBlendMode(t, sdl_blend(s->blend));
    SDL_RenderCopyExF(target, t, &src, &dst, s->angle, NULL, (SDL_RendererFlip)flip);
    SDL_SetTextureColorMod(t, 255, 255, 255);
    SDL_SetTextureAlphaMod(t, 255);
    SDL_SetTextureBlendMode(t, old_blend);
}

void host_draw_line(float x1, float y1, float x2, float y2, uint32_t rgba)
{
    if (!target)
        return;
    set_color(rgba);
    SDL_RenderDrawLineF(target, x1, y1, x2, y2);
}

/* Circles are drawn as one rectangle per row of pixels, not as a polygon: a pixel belongs to
 * the disc when its centre does, so a filled circle covers about pi r^2 pixels on every
 * renderer, and its outline is exactly the disc's border pixels (no gaps, nothing drawn twice,
 * which a translucent colour would show). */
typedef struct rows {
    float cx, cy, r;      /* the circle */
    int first, last;      /* the rows worth drawing: the circle's, cut to the viewport */
    float left, right;    /* x is clamped to these, so a huge circle converts safely */
    SDL_FRect rects[256]; /* batched for SDL_RenderFillRectsF */
    int count;
} rows;

static int rows_begin(rows *c, float cx, float cy, float r)
{
    /* Also false for NaN: nothing is drawn. */
    if (!target || !(r > 0) || !isfinite(cx) || !isfinite(cy) || !isfinite(r))
        return 0;
    SDL_Rect view;
    SDL_RenderGetViewport(target, &view);
    *c = (rows){ .cx = cx, .cy = cy, .r = r, .left = -1, .right = (float)view.w + 1 };
    const float top = fmaxf(floorf(cy - r), -1), bottom = fminf(ceilf(cy + r), (float)view.h + 1);
    c->first = (int)top;
    c->last = (int)bottom;
    return c->first <= c->last;
}

/* The pixels of row y whose centres lie in the circle: x0..x1. Returns 0 when there are none. */
static int rows_span(const rows *c, int y, int *x0, int *x1)
{
    const float dy = (float)y + 0.5f - c->cy, q = c->r * c->r - dy * dy;
    if (q < 0)
        return 0;
    const float half = sqrtf(q);
    *x0 = (int)fmaxf(ceilf(c->cx - half - 0.5f), c->left);
    *x1 = (int)fminf(floorf(c->cx + half - 0.5f), c->right);
    return *x0 <= *x1;
}

static void rows_flush(rows *c)
{
    if (c->count)
        SDL_RenderFillRectsF(target, c->rects, c->count);
    c->count = 0;
}

/* Pixels x0..x1 of row y. */
static void rows_add(rows *c, int y, int x0, int x1)
{
    c->rects[c->count++] = (SDL_FRect){ (float)x0, (float)y, (float)(x1 - x0 + 1), 1 };
    if (c->count == (int)(sizeof c->rects / sizeof c->rects[0]))
        rows_flush(c);
}

void host_draw_fill_circle(float x, float y, float radius, uint32_t rgba)
{
    rows c;
    if (!rows_begin(&c, x, y, radius))
        return;
    set_color(rgba);
    for (int row = c.first; row <= c.last; row++) {
        int x0, x1;
        if (rows_span(&c, row, &x0, &x1))
            rows_add(&c, row, x0, x1);
    }
    rows_flush(&c);
}

void host_draw_circle(float x, float y, float radius, uint32_t rgba)
{
    rows c;
    if (!rows_begin(&c, x, y, radius))
        return;
    set_color(rgba);
    for (int row = c.first; row <= c.last; row++) {
        int x0, x1, up0, up1, down0, down1;
        if (!rows_span(&c, row, &x0, &x1))
            continue;
        /* A pixel of the disc is on the border unless its four neighbours are in the disc too:
         * the inner ones lie in the rows above and below and not at the span's ends. */
        int in0 = x0 + 1, in1 = x1 - 1;
        if (rows_span(&c, row - 1, &up0, &up1) && rows_span(&c, row + 1, &down0, &down1)) {
            in0 = up0 > in0 ? up0 : in0;
            in0 = down0 > in0 ? down0 : in0;
            in1 = up1 < in1 ? up1 : in1;
            in1 = down1 < in1 ? down1 : in1;
        } else {
            in0 = x1 + 1; /* no inner pixels: the whole row is border */
        }
        if (in0 > in1) {
            rows_add(&c, row, x0, x1);
        } else {
            rows_add(&c, row, x0, in0 - 1);
            rows_add(&c, row, in1 + 1, x1);
        }
    }
    rows_flush(&c);
}

void host_draw_fill_polygon(const float *xy, int count, uint32_t rgba)
{
    if (!target || !xy || count < 3)
        return;
    const SDL_Color color = { (Uint8)(rgba >> 24), (Uint8)(rgba >> 16), (Uint8)(rgba >> 8),
                              (Uint8)rgba };
    /* A fan from the first point; the renderers fill shared edges once (the top-left rule), so
     * a translucent polygon shows no seams. Sent in batches of up to 64 triangles. */
    SDL_Vertex v[3 * 64];
    int n = 0;
    for (int i = 1; i + 1 < count; i++) {
        const int corners[3] = { 0, i, i + 1 };
        for (int k = 0; k < 3; k++)
            v[n++] =
                (SDL_Vertex){ { xy[(ptrdiff_t)2 * corners[k]], xy[(ptrdiff_t)2 * corners[k] + 1] },
                              color,
                              { 0, 0 } };
        if (n == (int)(sizeof v / sizeof v[0]) || i + 2 == count) {
            SDL_RenderGeometry(target, NULL, v, n, NULL, 0);
            n = 0;
        }
    }
}

/* What a game may change on the renderer. */
typedef struct render_state {
    SDL_Texture *render_target;
    int logical_w, logical_h;
    SDL_bool integer_scale;
    float scale_x, scale_y;
    SDL_Rect viewport, clip;
    SDL_bool clipped;
    Uint8 r, g, b, a;
    SDL_BlendMode blend;
} render_state;

static render_state saved; /* as it was before the game's render */

static void read_state(render_state *s)
{
    *s = (render_state){ .render_target = SDL_GetRenderTarget(target) };
    SDL_RenderGetLogicalSize(target, &s->logical_w, &s->logical_h);
    s->integer_scale = SDL_RenderGetIntegerScale(target);
    SDL_RenderGetScale(target, &s->scale_x, &s->scale_y);
    SDL_RenderGetViewport(target, &s->viewport);
    s->clipped = SDL_RenderIsClipEnabled(target);
    SDL_RenderGetClipRect(target, &s->clip);
    SDL_GetRenderDrawColor(target, &s->r, &s->g, &s->b, &s->a);
    SDL_GetRenderDrawBlendMode(target, &s->blend);
}

static int same_rect(const SDL_Rect *a, const SDL_Rect *b)
{
    return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

void host_draw_save_state(void)
{
    if (target)
        read_state(&saved);
}

void host_draw_restore_state(void)
{
    if (!target)
        return;
    /* Reading is a few field loads; setting queues render commands: only what the game
     * changed is set back, most frames nothing but the draw colour. In this order: a new
     * target resets the viewport, a logical size sets scale and viewport, so each comes
     * before what it overrides. */
    render_state now;
    read_state(&now);
    const int new_target = now.render_target != saved.render_target;
    const int layout = new_target || now.logical_w != saved.logical_w ||
                       now.logical_h != saved.logical_h ||
                       now.integer_scale != saved.integer_scale || now.scale_x != saved.scale_x ||
                       now.scale_y != saved.scale_y || !same_rect(&now.viewport, &saved.viewport);
    if (new_target)
        SDL_SetRenderTarget(target, saved.render_target);
    if (layout) {
        SDL_RenderSetLogicalSize(target, saved.logical_w, saved.logical_h);
        SDL_RenderSetIntegerScale(target, saved.integer_scale);
        SDL_RenderSetScale(target, saved.scale_x, saved.scale_y);
        SDL_RenderSetViewport(target, &saved.viewport);
    }
    if (layout || now.clipped != saved.clipped ||
        (saved.clipped && !same_rect(&now.clip, &saved.clip)))
        SDL_RenderSetClipRect(target, saved.clipped ? &saved.clip : NULL);
    SDL_SetRenderDrawColor(target, saved.r, saved.g, saved.b, saved.a);
    if (now.blend != saved.blend)
        SDL_SetRenderDrawBlendMode(target, saved.blend);
}

void host_draw_text(float x, float y, float scale, uint32_t rgba, const char *text)
{
    if (!target || !text)
        return;
    /* stb_easy_font takes char * but only reads the text. */
    int count = stb_easy_font_print(0, 0, (char *)text, NULL, quads, sizeof quads);
    const float *v = (const float *)quads; /* per vertex: x, y, z, then 4 colour bytes */
    SDL_FRect rects[128];
    int n = 0;
    set_color(rgba);
    for (int q = 0; q < count; q++, v += 16) {
        /* Corners 0 and 2 of each quad span the rectangle. */
        rects[n++] = (SDL_FRect){ x + v[0] * scale, y + v[1] * scale, (v[8] - v[0]) * scale,
                                  (v[9] - v[1]) * scale };
        if (n == (int)(sizeof rects / sizeof rects[0]) || q == count - 1) {
            SDL_RenderFillRectsF(target, rects, n);
            n = 0;
        }
    }
}

void host_draw_text_size(const char *text, float scale, float *w, float *h)
{
    int lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    /* stb_easy_font takes char * but only reads the text. */
    if (w)
        *w = (float)stb_easy_font_width((char *)text) * scale;
    if (h)
        *h = (float)(lines * FONT_LINE) * scale;
}

size_t host_draw_fit(const char *text, float max_w, char *line, size_t size)
{
    size_t len = 0, cut = 0;
    float w = 0;
    while (text[len] && text[len] != '\n' && len < size - 1) {
        /* stb_easy_font's widths add up: a string's width is the sum of its characters'. */
        char one[2] = { text[len], 0 };
        w += (float)stb_easy_font_width(one);
        if (w > max_w)
            break;
        len++;
        if (text[len] == ' ')
            cut = len;
    }
    if (text[len] && text[len] != '\n' && cut)
        len = cut;
    if (len == 0 && text[0] && text[0] != '\n')
        len = 1;
    memcpy(line, text, len);
    line[len] = 0;
    return len;
}

void host_draw_ascii(char *text)
{
    char *out = text;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0x98 && p[2] <= 0x9d) {
            *out++ = p[2] <= 0x9b ? '\'' : '"'; /* U+2018..U+201D */
            p += 2;
        } else if (*p == '\n' || (*p >= 32 && *p < 127)) {
            *out++ = (char)*p;
        } else if (*p == '\t') {
            *out++ = ' ';
        } else if (*p < 0x80 || *p >= 0xc0) { /* one '?' per character, not per byte */
            *out++ = '?';
        }
    }
    *out = 0;
}

/* Draws text word-wrapped into max_w pixels (at scale). Returns the y below the last line.
 * draw = 0 only measures. */
static float draw_wrapped(float x, float y, float scale, float max_w, uint32_t rgba,
                          const char *text, int draw)
{
    char line[512];
    while (*text) {
        text += host_draw_fit(text, max_w / scale, line, sizeof line);
        if (draw)
            host_draw_text(x, y, scale, rgba, line);
        y += FONT_LINE * scale;
        while (*text == ' ' || *text == '\n')
            text++;
    }
    return y;
}

void host_draw_message(int width, int height, uint32_t background, const char *title,
                       const char *body)
{
    const float margin = 16, w = (float)width - 2 * margin;
    host_draw_clear(background);
    /* Centred vertically, so the overlay's panel at the top does not hide the title. */
    const float tall =
        draw_wrapped(0, 0, 2, w, 0, title, 0) + 8 + draw_wrapped(0, 0, 1, w, 0, body, 0);
    float y = ((float)height - tall) / 2;
    y = draw_wrapped(margin, y < margin ? margin : y, 2, w, 0xffffffffu, title, 1);
    draw_wrapped(margin, y + 8, 1, w, 0xd0d0d0ffu, body, 1);
}

void host_draw_status(int width, int height, uint32_t background, const char *text)
{
    const float w = (float)width - 8;
    const float bar = draw_wrapped(0, 0, 1, w, 0, text, 0) + 4;
    host_draw_fill_rect(0, (float)height - bar, (float)width, bar, background);
    draw_wrapped(4, (float)height - bar + 3, 1, w, 0xffffffffu, text, 1);
}
