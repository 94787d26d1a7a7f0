/* sdl_game.c - a test game written the way real SDL2 games are: it includes SDL.h, links SDL2
 * and SDL2_ttf, makes its own SDL textures, draws text with a TTF font opened through
 * host->asset_path, reads its level through host->read_file, draws a frame of a sprite sheet,
 * leaves a clip rect on the renderer, counts events with an SDL event watch, and writes a copy
 * of its level through host->write_file (a missing file gives a file-error event, no crash).
 *
 * The watch is added in init and reload and removed in unload, the reload-safe pattern;
 * -DKEEP_WATCH forgets the removal, so the old build's callback stays registered with SDL.
 * -DBUILD=N changes the code, not the picture: every build draws the same frame.
 */
#include "game_api.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>

#ifndef BUILD
#define BUILD 1
#endif

typedef struct sdl_state {
    SDL_Texture *canvas; /* the game's own render target */
    SDL_Texture *label;  /* text from SDL2_ttf */
    TTF_Font *font;
    int label_w, label_h;
    int boxes;          /* from assets/level.txt */
    game_texture sheet; /* a host texture: a two-frame sprite sheet */
    int events_seen;    /* counted by the event watch */
} sdl_state;

static int SDLCALL count_event(void *user, SDL_Event *event)
{
    (void)event;
    ((sdl_state *)user)->events_seen++;
    return 0;
}

static void sdl_init(void *s, const host_services *host)
{
    sdl_state *st = s;
    SDL_Renderer *r = host->renderer;
    if (!TTF_WasInit() && TTF_Init() != 0)
        host->log("TTF_Init: %s", TTF_GetError());
    st->font = TTF_OpenFont(host->asset_path("font.ttf"), 32);
    if (!st->font) {
        host->log("no font: %s", TTF_GetError());
    } else {
        SDL_Surface *text =
            TTF_RenderText_Solid(st->font, "HELLO", (SDL_Color){ 255, 255, 0, 255 });
        st->label = SDL_CreateTextureFromSurface(r, text);
        st->label_w = text->w;
        st->label_h = text->h;
        SDL_FreeSurface(text);
    }
    st->canvas = SDL_CreateTexture(r, SDL_PIXELFORMAT_RGBA8888, SDL_TEXTUREACCESS_TARGET, 32, 32);
    char level[32] = { 0 };
    int64_t n = host->read_file("assets/level.txt", level, sizeof level - 1);
    if (n > 0) {
        st->boxes = atoi(level);
        host->write_file("saves/level-copy.txt", level, (uint64_t)n);
    }
    if (host->read_file("assets/no-such-level.txt", level, sizeof level) != -1)
        host->log("a missing file was read");
    st->sheet = host->texture_keyed("sheet.bmp", GAME_RGBA(255, 0, 255, 255));
    SDL_AddEventWatch(count_event, st);
    host->log("init build=%d boxes=%d", BUILD, st->boxes);
}

static void sdl_reload(void *s, const host_services *host)
{
    SDL_AddEventWatch(count_event, s);
    host->log("reload build=%d events=%d", BUILD, ((sdl_state *)s)->events_seen);
}

static void sdl_unload(void *s, const host_services *host)
{
    (void)host;
#ifndef KEEP_WATCH
    SDL_DelEventWatch(count_event, s);
#else
    (void)s;
#endif
}

static void sdl_shutdown(void *s, const host_services *host)
{
    (void)host;
    sdl_state *st = s;
    SDL_DestroyTexture(st->canvas);
    SDL_DestroyTexture(st->label);
    TTF_CloseFont(st->font);
}

static void sdl_update(void *s, const host_services *host, const game_input *in)
{
    (void)s;
    (void)host;
    (void)in;
}

static void sdl_render(const void *s, const host_services *host)
{
    const sdl_state *st = s;
    SDL_Renderer *r = host->renderer;
    host->clear(GAME_RGBA(16, 16, 48, 255));
    /* The game's own texture, drawn into with SDL and left as the target's default after. */
    SDL_SetRenderTarget(r, st->canvas);
    SDL_SetRenderDrawColor(r, 0, 200, 100, 255);
    SDL_RenderClear(r);
    SDL_SetRenderTarget(r, NULL);
    SDL_RenderCopy(r, st->canvas, NULL, &(SDL_Rect){ 20, 20, 64, 64 });
    if (st->label)
        SDL_RenderCopy(r, st->label, NULL, &(SDL_Rect){ 20, 100, st->label_w, st->label_h });
    for (int i = 0; i < st->boxes; i++)
        host->fill_rect(120.0f + (float)i * 30.0f, 20, 20, 20, GAME_RGBA(200, 40, 40, 255));
    /* The sheet's second frame (its right half), mirrored and tinted. */
    host->draw_sprite(st->sheet, &(game_sprite){ .x = 300,
                                                 .y = 100,
                                                 .w = 64,
                                                 .h = 64,
                                                 .src_x = 8,
                                                 .src_w = 8,
                                                 .src_h = 8,
                                                 .flip = GAME_FLIP_X,
                                                 .tint = GAME_RGBA(255, 255, 255, 255) });
    /* Left on the renderer on purpose: the host's screens must not be clipped or scaled. */
    SDL_RenderSetClipRect(r, &(SDL_Rect){ 0, 0, 8, 8 });
    SDL_RenderSetScale(r, 0.5f, 0.5f);
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(sdl_state),
    .init = sdl_init,
    .reload = sdl_reload,
    .unload = sdl_unload,
    .update = sdl_update,
    .render = sdl_render,
    .shutdown = sdl_shutdown,
};
