/* host_font.c - TrueType fonts from the assets directory, as handles the host owns.
 *
 * font(name, pixel_height) reads a file once per name and size (stb_truetype) and gives a small
 * integer handle (index + 1) that stays valid across reloads, because the table lives here and
 * not in the game library. Each font has one texture atlas: white pixels whose alpha is the
 * glyph's coverage, tinted when drawn. ASCII is baked at load and any other codepoint the first
 * time it is drawn or measured; a full atlas doubles in height, and past the renderer's limit
 * starts over with the glyphs of the text at hand.
 * A missing or broken file never ends the game: one asset-missing event, and the handle draws
 * with the built-in font (host_draw_text) at about the same height. A file saved while the game
 * runs is read again behind the same handle (asset-reloaded): host_assets.c, which watches the
 * assets directory, names the saved files.
 * stb_truetype trusts the file it reads: host_font_file.c checks it first.
 */
#include "host_font.h"
#include "game_api.h"
#include "host_assets.h"
#include "host_clock.h"
#include "host_draw.h"
#include "host_event.h"

#include <SDL.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The TrueType reader is compiled here and nowhere else. Its asserts are off: some fire on
 * unexpected data in a file (a character map format it does not know), and a bad file must
 * never end the game. */
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_assert(x) ((void)0)
#include <stb_truetype.h>

enum {
    ATLAS_MAX = 4096,  /* texture side when the renderer names no limit */
    BUILTIN_LINE = 12, /* the built-in font's line advance at scale 1 */
};

typedef struct glyph {
    uint32_t codepoint; /* 0: an empty slot of the table */
    int index;          /* the glyph in the font (0: its missing-glyph box) */
    int x, y, w, h;     /* its bitmap in the atlas; w or h 0: nothing to draw (a space) */
    int dx, dy;         /* the bitmap's top-left corner from the pen on the baseline */
    float advance;      /* pixels the pen moves on */
} glyph;

typedef struct font {
    char *name;          /* the name the game asked for */
    float height;        /* the pixel height it asked for */
    int changed;         /* its file was saved or removed: read again in this poll */
    unsigned char *data; /* the whole file; NULL: drawn with the built-in font */
    stbtt_fontinfo info; /* reads data */
    float scale;         /* pixels per font unit */
    float ascent, line;  /* baseline below the top of a line, line height, in pixels */
    glyph *glyphs;       /* open addressing by codepoint, glyph_slots entries (a power of 2) */
    int glyph_count, glyph_slots;
    unsigned char *atlas; /* coverage, atlas_w x atlas_h bytes */
    int atlas_w, atlas_h;
    int pen_x, pen_y, row_h; /* where the next glyph goes: rows of glyphs, top to bottom */
    SDL_Texture *texture;    /* the atlas as RGBA: white, alpha = coverage */
} font;

static struct {
    SDL_Renderer *renderer; /* makes the atlases; not owned */
    font *items;            /* handle h is items[h - 1] */
    int count, capacity;
} fonts;

void host_font_set_renderer(SDL_Renderer *renderer)
{
    fonts.renderer = renderer;
}

void host_font_open(SDL_Renderer *renderer)
{
    fonts.renderer = renderer;
    host_assets_listen(host_font_files_changed); /* saved fonts reload like images */
}

/* Back to the state before the file was read: no data, no glyphs, no atlas. */
static void forget(font *f)
{
    free(f->data);
    free(f->glyphs);
    free(f->atlas);
    if (f->texture)
        SDL_DestroyTexture(f->texture);
    f->data = NULL;
    f->glyphs = NULL;
    f->atlas = NULL;
    f->texture = NULL;
    f->glyph_count = f->glyph_slots = 0;
}

void host_font_close(void)
{
    for (int i = 0; i < fonts.count; i++) {
        forget(&fonts.items[i]);
        free(fonts.items[i].name);
    }
    free(fonts.items);
    memset(&fonts, 0, sizeof fonts);
}

/* ---- the atlas ---- */

/* Copies the atlas rectangle x, y, w, h into the texture, as white with coverage for alpha. */
static void upload(font *f, int x, int y, int w, int h)
{
    if (!f->texture || w <= 0 || h <= 0)
        return;
    uint8_t *rgba = malloc((size_t)w * (size_t)h * 4);
    if (!rgba)
        return;
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++) {
            uint8_t *p = rgba + ((size_t)row * (size_t)w + (size_t)col) * 4;
            p[0] = p[1] = p[2] = 255;
            p[3] = f->atlas[(size_t)(y + row) * (size_t)f->atlas_w + (size_t)(x + col)];
        }
    SDL_UpdateTexture(f->texture, &(SDL_Rect){ x, y, w, h }, rgba, w * 4);
    free(rgba);
}

/* Gives the atlas height h (growing it keeps the glyphs: rows are only added below) and a
 * texture of that size. Returns 0, or -1 with the atlas as it was. */
static int atlas_resize(font *f, int h)
{
    unsigned char *atlas = realloc(f->atlas, (size_t)f->atlas_w * (size_t)h);
    if (!atlas)
        return -1;
    f->atlas = atlas;
    if (h > f->atlas_h)
        memset(atlas + (size_t)f->atlas_w * (size_t)f->atlas_h, 0,
               (size_t)f->atlas_w * (size_t)(h - f->atlas_h));
    SDL_Texture *texture = SDL_CreateTexture(fonts.renderer, SDL_PIXELFORMAT_RGBA32,
                                             SDL_TEXTUREACCESS_STATIC, f->atlas_w, h);
    if (!texture)
        return -1;
    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND);
    if (f->texture)
        SDL_DestroyTexture(f->texture);
    f->texture = texture;
    f->atlas_h = h;
    upload(f, 0, 0, f->atlas_w, h);
    return 0;
}

/* The renderer's largest texture side. */
static int atlas_limit(void)
{
    SDL_RendererInfo info = { 0 };
    SDL_GetRendererInfo(fonts.renderer, &info);
    int limit = info.max_texture_height ? info.max_texture_height : ATLAS_MAX;
    return limit < ATLAS_MAX ? limit : ATLAS_MAX;
}

/* Finds room for a w x h bitmap (with a pixel of space around it) at *x, *y. Returns 0, or
 * -1 when the atlas cannot hold it even grown to the renderer's limit. */
static int atlas_place(font *f, int w, int h, int *x, int *y)
{
    if (w + 2 > f->atlas_w)
        return -1;
    if (f->pen_x + w + 1 > f->atlas_w) {
        f->pen_x = 1;
        f->pen_y += f->row_h + 1;
        f->row_h = 0;
    }
    while (f->pen_y + h + 1 > f->atlas_h)
        if (f->atlas_h * 2 > atlas_limit() || atlas_resize(f, f->atlas_h * 2) != 0)
            return -1;
    *x = f->pen_x;
    *y = f->pen_y;
    f->pen_x += w + 1;
    f->row_h = h > f->row_h ? h : f->row_h;
    return 0;
}

/* ---- glyphs ---- */

static void glyphs_clear(font *f)
{
    memset(f->glyphs, 0, (size_t)f->glyph_slots * sizeof *f->glyphs);
    f->glyph_count = 0;
    memset(f->atlas, 0, (size_t)f->atlas_w * (size_t)f->atlas_h);
    upload(f, 0, 0, f->atlas_w, f->atlas_h);
    f->pen_x = f->pen_y = 1;
    f->row_h = 0;
}

static glyph *glyph_slot(glyph *table, int slots, uint32_t codepoint)
{
    uint32_t i = codepoint * 2654435761u;
    for (;; i++) {
        glyph *g = &table[i & (uint32_t)(slots - 1)];
        if (g->codepoint == codepoint || g->codepoint == 0)
            return g;
    }
}

/* Room for one more glyph in the table (kept at most half full). 0, or -1 out of memory. */
static int glyphs_reserve(font *f)
{
    if ((f->glyph_count + 1) * 2 <= f->glyph_slots)
        return 0;
    const int slots = f->glyph_slots ? f->glyph_slots * 2 : 256;
    glyph *table = calloc((size_t)slots, sizeof *table);
    if (!table)
        return -1;
    for (int i = 0; i < f->glyph_slots; i++)
        if (f->glyphs[i].codepoint)
            *glyph_slot(table, slots, f->glyphs[i].codepoint) = f->glyphs[i];
    free(f->glyphs);
    f->glyphs = table;
    f->glyph_slots = slots;
    return 0;
}

/* Draws the glyph's bitmap into the atlas. A glyph too big for it is left without one. */
static void glyph_bake(font *f, glyph *g)
{
    int x0, y0, x1, y1;
    stbtt_GetGlyphBitmapBox(&f->info, g->index, f->scale, f->scale, &x0, &y0, &x1, &y1);
    const int w = x1 - x0, h = y1 - y0;
    g->dx = x0;
    g->dy = y0;
    if (w <= 0 || h <= 0)
        return;
    if (atlas_place(f, w, h, &g->x, &g->y) != 0) {
        /* Full: start over, keeping only what this text draws from now on. The renderer
         * finishes drawing with the old atlas before the texture changes. */
        const uint32_t codepoint = g->codepoint;
        const int index = g->index;
        const float advance = g->advance;
        glyphs_clear(f);
        g = glyph_slot(f->glyphs, f->glyph_slots, codepoint);
        *g = (glyph){
            .codepoint = codepoint, .index = index, .dx = x0, .dy = y0, .advance = advance
        };
        f->glyph_count = 1;
        if (atlas_place(f, w, h, &g->x, &g->y) != 0)
            return;
    }
    g->w = w;
    g->h = h;
    stbtt_MakeGlyphBitmap(&f->info, f->atlas + (size_t)g->y * (size_t)f->atlas_w + (size_t)g->x, w,
                          h, f->atlas_w, f->scale, f->scale, g->index);
    upload(f, g->x, g->y, w, h);
}

/* The glyph of codepoint, baked the first time; NULL when out of memory. */
static const glyph *glyph_get(font *f, uint32_t codepoint)
{
    glyph *g = f->glyph_slots ? glyph_slot(f->glyphs, f->glyph_slots, codepoint) : NULL;
    if (g && g->codepoint == codepoint)
        return g;
    if (glyphs_reserve(f) != 0)
        return NULL;
    g = glyph_slot(f->glyphs, f->glyph_slots, codepoint);
    int advance, lsb;
    const int index = stbtt_FindGlyphIndex(&f->info, (int)codepoint);
    stbtt_GetGlyphHMetrics(&f->info, index, &advance, &lsb);
    *g = (glyph){ .codepoint = codepoint, .index = index, .advance = (float)advance * f->scale };
    f->glyph_count++;
    glyph_bake(f, g);
    /* Baking may have started the table over: look again. */
    return glyph_slot(f->glyphs, f->glyph_slots, codepoint);
}

/* ---- loading ---- */

/* (Re)reads f's file, or falls back to the built-in font after an asset-missing event; the
 * handle stays the same. Returns 1 when the file itself was loaded. */
static int load(font *f)
{
    char path[1024], why[512] = "";
    snprintf(path, sizeof path, "%s/%s", host_assets_dir(), f->name);
    int start = 0;
    unsigned char *data = host_font_file_read(path, &start, why, sizeof why);
    stbtt_fontinfo info;
    if (data && !stbtt_InitFont(&info, data, start)) {
        snprintf(why, sizeof why, "not a TrueType font: tables missing");
        free(data);
        data = NULL;
    }
    forget(f);
    if (!data) {
        host_event(ASSET_MISSING, HOST_WORD("name", f->name), HOST_TEXT("reason", why));
        return 0;
    }
    f->data = data;
    f->info = info;
    f->scale = stbtt_ScaleForPixelHeight(&info, f->height);
    int ascent, descent, gap;
    stbtt_GetFontVMetrics(&info, &ascent, &descent, &gap);
    f->ascent = (float)ascent * f->scale;
    f->line = (float)(ascent - descent + gap) * f->scale;
    /* Wide enough for a row of about a dozen glyphs, a quarter as tall to start with. */
    int w = 64;
    while (w < f->height * 12 && w < atlas_limit())
        w *= 2;
    f->atlas_w = w;
    f->atlas_h = 0;
    f->pen_x = f->pen_y = 1;
    f->row_h = 0;
    if (atlas_resize(f, w / 4) != 0) {
        snprintf(why, sizeof why, "no texture for its glyphs: %s", SDL_GetError());
        forget(f);
        host_event(ASSET_MISSING, HOST_WORD("name", f->name), HOST_TEXT("reason", why));
        return 0;
    }
    for (uint32_t c = 32; c < 127; c++)
        glyph_get(f, c);
    return 1;
}

game_font host_font_load(const char *name, float pixel_height)
{
    if (!name)
        name = "";
    /* Also catches NaN; the upper bound keeps a glyph within any atlas. */
    const float height = pixel_height >= 1 ? (pixel_height <= 1000 ? pixel_height : 1000) : 1;
    for (int i = 0; i < fonts.count; i++)
        if (strcmp(fonts.items[i].name, name) == 0 && fonts.items[i].height == height)
            return (game_font)(i + 1);
    if (!fonts.renderer)
        return 0;
    if (fonts.count == fonts.capacity) {
        int capacity = fonts.capacity ? fonts.capacity * 2 : 8;
        font *items = realloc(fonts.items, (size_t)capacity * sizeof *items);
        if (!items)
            return 0;
        fonts.items = items;
        fonts.capacity = capacity;
    }
    font f = { .name = strdup(name), .height = height };
    if (!f.name)
        return 0;
    load(&f);
    fonts.items[fonts.count++] = f;
    return (game_font)fonts.count;
}

/* ---- drawing and measuring ---- */

static font *font_get(game_font handle)
{
    return handle >= 1 && handle <= (game_font)fonts.count ? &fonts.items[handle - 1] : NULL;
}

/* The next codepoint of UTF-8 text at *p (moved past it); U+FFFD for a malformed sequence. */
static uint32_t utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    uint32_t c = *s++;
    int more = c < 0x80 ? 0 : c < 0xc2 ? -1 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : c < 0xf5 ? 3 : -1;
    if (more < 0) {
        *p = s;
        return 0xfffd;
    }
    if (more)
        c &= 0x3fu >> more;
    for (; more; more--, s++) {
        if ((*s & 0xc0) != 0x80) {
            *p = s;
            return 0xfffd;
        }
        c = c << 6 | (*s & 0x3fu);
    }
    *p = s;
    return c;
}

/* The built-in font's scale for a handle whose file did not load: a whole number, so the
 * strokes stay even, that gives about the pixel height asked for. */
static float builtin_scale(const font *f)
{
    const float scale = roundf(f->height / BUILTIN_LINE);
    return scale > 1 ? scale : 1;
}

/* text made ASCII for the built-in font, in buf if it fits, else in memory the caller frees
 * (*owned). NULL when out of memory. */
static char *builtin_text(const char *text, char *buf, size_t size, char **owned)
{
    const size_t len = strlen(text);
    char *out = buf;
    *owned = NULL;
    if (len >= size && !(out = *owned = malloc(len + 1)))
        return NULL;
    memcpy(out, text, len + 1);
    host_draw_ascii(out);
    return out;
}

/* Walks text as drawn from x, y; with draw 0 only measures. The widest line's advance goes to
 * *w, the lines' height to *h. */
static void walk(font *f, float x, float y, uint32_t rgba, const char *text, int draw, float *w,
                 float *h)
{
    float pen = x, base = y + f->ascent, widest = 0;
    int lines = 1, previous = -1;
    SDL_Texture *tinted = NULL;
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        const uint32_t c = utf8_next(&p);
        if (c == '\n') {
            widest = pen - x > widest ? pen - x : widest;
            pen = x;
            base += f->line;
            lines++;
            previous = -1;
            continue;
        }
        const glyph *g = glyph_get(f, c);
        if (!g)
            continue;
        if (previous >= 0)
            pen += (float)stbtt_GetGlyphKernAdvance(&f->info, previous, g->index) * f->scale;
        previous = g->index;
        if (draw && g->w > 0 && f->texture) {
            if (tinted != f->texture) { /* a new atlas texture takes the colour too */
                tinted = f->texture;
                SDL_SetTextureColorMod(tinted, (Uint8)(rgba >> 24), (Uint8)(rgba >> 16),
                                       (Uint8)(rgba >> 8));
                SDL_SetTextureAlphaMod(tinted, (Uint8)rgba);
            }
            /* Whole pixels, so the bitmaps land as they were baked, sharp. */
            const SDL_FRect dst = { floorf(pen + 0.5f) + (float)g->dx,
                                    floorf(base + 0.5f) + (float)g->dy, (float)g->w, (float)g->h };
            SDL_RenderCopyF(fonts.renderer, f->texture, &(SDL_Rect){ g->x, g->y, g->w, g->h },
                            &dst);
        }
        pen += g->advance;
    }
    widest = pen - x > widest ? pen - x : widest;
    if (w)
        *w = widest;
    if (h)
        *h = f->line * (float)lines;
}

void host_font_draw_text(game_font handle, float x, float y, uint32_t rgba, const char *text)
{
    font *f = font_get(handle);
    if (!f || !text || !fonts.renderer)
        return;
    if (f->data) {
        walk(f, x, y, rgba, text, 1, NULL, NULL);
        return;
    }
    char buf[512], *owned, *ascii = builtin_text(text, buf, sizeof buf, &owned);
    if (ascii)
        host_draw_text(x, y, builtin_scale(f), rgba, ascii);
    free(owned);
}

void host_font_measure_text(game_font handle, const char *text, float *w, float *h)
{
    font *f = font_get(handle);
    if (w)
        *w = 0;
    if (h)
        *h = 0;
    if (!f || !text)
        return;
    if (f->data) {
        walk(f, 0, 0, 0, text, 0, w, h);
        return;
    }
    char buf[512], *owned, *ascii = builtin_text(text, buf, sizeof buf, &owned);
    if (ascii)
        host_draw_text_size(ascii, builtin_scale(f), w, h);
    free(owned);
}

/* ---- fonts saved while the game runs ---- */

void host_font_files_changed(const char *const *names, int count)
{
    /* Mark first, then read each once: a font named twice in one poll is one reload. */
    for (int n = 0; n < count; n++)
        for (int i = 0; i < fonts.count; i++)
            if (strcmp(fonts.items[i].name, names[n]) == 0)
                fonts.items[i].changed = 1;
    for (int i = 0; i < fonts.count; i++) {
        font *f = &fonts.items[i];
        if (!f->changed)
            continue;
        f->changed = 0;
        const uint64_t t0 = host_now_ns();
        if (load(f)) {
            const double ms = (double)(host_now_ns() - t0) / 1e6;
            host_event(ASSET_RELOADED, HOST_WORD("name", f->name), HOST_REAL("ms", ms, 2));
        }
    }
}
