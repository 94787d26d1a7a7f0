/* host_assets.c - images from the assets directory, as textures the host owns.
 *
 * A game asks for a texture by file name and gets a small integer handle (index + 1) that
 * stays valid across reloads, because the table lives here and not in the game library.
 * Each name is loaded once: .png through stb_image, anything else through SDL_LoadBMP.
 * A missing or broken file never ends the game: it gets a magenta/black checker placeholder
 * (impossible to overlook on screen) and one asset-missing event.
 */
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The PNG reader is compiled here and nowhere else; PNG is the only format it needs. */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

typedef struct asset {
    char *name;           /* the name the game asked for */
    SDL_Texture *texture; /* the image, or the placeholder */
    int w, h;             /* texture size in pixels */
} asset;

static struct {
    SDL_Renderer *renderer; /* makes the textures; not owned */
    char *dir;              /* assets directory */
    asset *items;           /* handle h is items[h - 1] */
    int count, capacity;
} assets;

enum {
    PLACEHOLDER_SIZE = 16,
    PLACEHOLDER_CELL = 4
};

static SDL_Surface *load_png(const char *path, char *why, size_t why_size)
{
    int w, h, n;
    unsigned char *pixels = stbi_load(path, &w, &h, &n, 4);
    if (!pixels) {
        snprintf(why, why_size, "cannot decode %s: %s", path, stbi_failure_reason());
        return NULL;
    }
    SDL_Surface *view =
        SDL_CreateRGBSurfaceWithFormatFrom(pixels, w, h, 32, w * 4, SDL_PIXELFORMAT_RGBA32);
    /* A copy that owns its pixels, so the stb buffer can go right away. */
    SDL_Surface *surface = view ? SDL_DuplicateSurface(view) : NULL;
    if (!surface)
        snprintf(why, why_size, "%s", SDL_GetError());
    SDL_FreeSurface(view);
    stbi_image_free(pixels);
    return surface;
}

static SDL_Surface *load_image(const char *name, char *why, size_t why_size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", assets.dir, name);
    /* Both decoders word a missing file obscurely ("can't fopen"): say it plainly first. */
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_size, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    fclose(f);
    size_t n = strlen(name);
    if (n >= 4 && SDL_strcasecmp(name + n - 4, ".png") == 0)
        return load_png(path, why, why_size);
    SDL_Surface *surface = SDL_LoadBMP(path);
    if (!surface)
        snprintf(why, why_size, "cannot decode %s: %s", path, SDL_GetError());
    return surface;
}

static SDL_Surface *make_placeholder(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, PLACEHOLDER_SIZE, PLACEHOLDER_SIZE, 32,
                                                    SDL_PIXELFORMAT_RGBA32);
    if (!s)
        return NULL;
    for (int y = 0; y < PLACEHOLDER_SIZE; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < PLACEHOLDER_SIZE; x++) {
            int magenta = ((x / PLACEHOLDER_CELL) + (y / PLACEHOLDER_CELL)) % 2 == 0;
            row[x] = SDL_MapRGBA(s->format, magenta ? 255 : 0, 0, magenta ? 255 : 0, 255);
        }
    }
    return s;
}

void host_assets_open(SDL_Renderer *renderer, const char *dir)
{
    assets.renderer = renderer;
    assets.dir = SDL_strdup(dir);
}

void host_assets_close(void)
{
    for (int i = 0; i < assets.count; i++) {
        if (assets.items[i].texture)
            SDL_DestroyTexture(assets.items[i].texture);
        free(assets.items[i].name);
    }
    free(assets.items);
    SDL_free(assets.dir);
    memset(&assets, 0, sizeof assets);
}

game_texture host_assets_texture(const char *name)
{
    if (!name)
        name = "";
    for (int i = 0; i < assets.count; i++)
        if (strcmp(assets.items[i].name, name) == 0)
            return (game_texture)(i + 1);
    if (!assets.renderer)
        return 0;
    if (assets.count == assets.capacity) {
        int capacity = assets.capacity ? assets.capacity * 2 : 16;
        asset *items = realloc(assets.items, (size_t)capacity * sizeof *items);
        if (!items)
            return 0;
        assets.items = items;
        assets.capacity = capacity;
    }

    char why[512] = "";
    SDL_Surface *surface = load_image(name, why, sizeof why);
    if (!surface) {
        char word[300], quoted[600];
        host_event("asset-missing", "name=%s reason=%s", host_event_word(word, sizeof word, name),
                   host_event_quote(quoted, sizeof quoted, why));
        surface = make_placeholder();
    }
    asset a = { .name = strdup(name) };
    if (surface) {
        a.texture = SDL_CreateTextureFromSurface(assets.renderer, surface);
        a.w = surface->w;
        a.h = surface->h;
        SDL_FreeSurface(surface);
    }
    if (!a.name) {
        if (a.texture)
            SDL_DestroyTexture(a.texture);
        return 0;
    }
    assets.items[assets.count++] = a;
    return (game_texture)assets.count;
}

void host_assets_texture_size(game_texture tex, int *w, int *h)
{
    int valid = tex >= 1 && tex <= (game_texture)assets.count;
    if (w)
        *w = valid ? assets.items[tex - 1].w : 0;
    if (h)
        *h = valid ? assets.items[tex - 1].h : 0;
}

SDL_Texture *host_assets_sdl(game_texture tex)
{
    if (tex < 1 || tex > (game_texture)assets.count)
        return NULL;
    return assets.items[tex - 1].texture;
}
