/* host_assets.c - images from the assets directory, as textures the host owns.
 *
 * A game asks for a texture by file name and gets a small integer handle (index + 1) that
 * stays valid across reloads, because the table lives here and not in the game library.
 * Each name is loaded once: .png through stb_image, anything else through SDL_LoadBMP.
 * A missing or broken file never ends the game: it gets a magenta/black checker placeholder
 * (impossible to overlook on screen) and one asset-missing event.
 * Saved images reload: a directory watcher on it (host_os.h; one non-blocking read per look:
 * every frame at 60 frames per second, at most once per millisecond faster, see host_look.c)
 * reports files closed after writing, renamed into place or removed, and the texture behind
 * the same handle is replaced in that frame (asset-reloaded), or by the placeholder when the
 * new file is missing or broken. Only files directly in the directory are watched. The names
 * of the files that changed also go to one listener (host_audio.c reloads sounds with them).
 */
#include "host_assets.h"
#include "game_api.h"
#include "host_clock.h"
#include "host_event.h"
#include "host_look.h"
#include "host_os.h"

#include <SDL.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The PNG reader is compiled here and nowhere else; PNG is the only format it needs. */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

/* The modules told about saved files besides the images: fonts, sounds. */
#define LISTENERS_MAX 4
/* The names one look hands them (a look reads at most 4 KiB of changes on Linux). */
#define NAMES_MAX 256
#define NAMES_BYTES 8192

typedef struct asset {
    char *name;           /* the name the game asked for */
    int keyed;            /* 1: pixels of colour key become transparent */
    uint32_t key;         /* 0xRRGGBB00 (alpha ignored) */
    SDL_Texture *texture; /* the image, or the placeholder */
    int w, h;             /* texture size in pixels */
    int changed;          /* its file was saved or removed: reload in this poll */
} asset;

static struct {
    SDL_Renderer *renderer; /* makes the textures; not owned */
    char *dir;              /* assets directory, absolute */
    char path[4096];        /* asset_path's answer */
    host_dirwatch *watch;   /* on dir; NULL when it cannot be watched */
    uint64_t last_look_ns;  /* when host_assets_poll last read it (host_look.c) */
    host_assets_listener on_change[LISTENERS_MAX]; /* told the names of changed files */
    int listeners;
    asset *items; /* handle h is items[h - 1] */
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
        snprintf(why, why_size, "cannot decode %.400s: %s", path, stbi_failure_reason());
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
        snprintf(why, why_size, "cannot open %.400s: %s", path, strerror(errno));
        return NULL;
    }
    fclose(f);
    size_t n = strlen(name);
    if (n >= 4 && SDL_strcasecmp(name + n - 4, ".png") == 0)
        return load_png(path, why, why_size);
    SDL_Surface *surface = SDL_LoadBMP(path);
    if (!surface)
        snprintf(why, why_size, "cannot decode %.400s: %s", path, SDL_GetError());
    return surface;
}

static SDL_Surface *make_placeholder(void)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, PLACEHOLDER_SIZE, PLACEHOLDER_SIZE, 32,
                                                    SDL_PIXELFORMAT_RGBA32);
    if (!s)
        return NULL;
    for (int y = 0; y < PLACEHOLDER_SIZE; y++) {
        Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (ptrdiff_t)y * s->pitch);
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
    /* Absolute, so that the paths asset_path hands a game's libraries stay right whatever
     * the current directory is. */
    char real[4096], cwd[2048];
    if (host_os_realpath(dir, real, sizeof real) == 0)
        assets.dir = SDL_strdup(real);
    else if (dir[0] != '/' && host_os_realpath(".", cwd, sizeof cwd) == 0)
        SDL_asprintf(&assets.dir, "%s/%s", cwd, dir);
    else
        assets.dir = SDL_strdup(dir);
    /* Only a file done being written is read (no image half written). A directory that is not
     * there gives no watch: its images stay placeholders until the host restarts. */
    char why[300];
    assets.watch = host_dirwatch_open(why, sizeof why);
    if (assets.watch && host_dirwatch_add(assets.watch, dir, 0, why, sizeof why) < 0) {
        host_dirwatch_close(assets.watch);
        assets.watch = NULL;
    }
}

void host_assets_set_renderer(SDL_Renderer *renderer)
{
    assets.renderer = renderer;
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
    host_dirwatch_close(assets.watch);
    memset(&assets, 0, sizeof assets);
}

/* (Re)makes a's texture from its file, or from the placeholder after an asset-missing event;
 * the handle stays the same. Returns 1 when the file itself was loaded. */
static int load(asset *a)
{
    char why[512] = "";
    SDL_Surface *surface = a->name ? load_image(a->name, why, sizeof why) : NULL;
    int from_file = surface != NULL;
    if (!surface && a->name) {
        host_event(ASSET_MISSING, HOST_WORD("name", a->name), HOST_TEXT("reason", why));
        surface = make_placeholder();
    }
    if (!surface)
        return 0;
    if (from_file && a->keyed)
        SDL_SetColorKey(surface, SDL_TRUE,
                        SDL_MapRGB(surface->format, (Uint8)(a->key >> 24), (Uint8)(a->key >> 16),
                                   (Uint8)(a->key >> 8)));
    SDL_Texture *texture = SDL_CreateTextureFromSurface(assets.renderer, surface);
    if (texture) {
        if (a->texture)
            SDL_DestroyTexture(a->texture);
        a->texture = texture;
        a->w = surface->w;
        a->h = surface->h;
    }
    SDL_FreeSurface(surface);
    return from_file && texture;
}

/* The handle of name with that key (keyed 0: none), loading it the first time. */
static game_texture find_or_load(const char *name, int keyed, uint32_t key)
{
    if (!name)
        name = "";
    key &= 0xffffff00u;
    for (int i = 0; i < assets.count; i++)
        if (strcmp(assets.items[i].name, name) == 0 && assets.items[i].keyed == keyed &&
            assets.items[i].key == key)
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

    asset a = { .name = strdup(name), .keyed = keyed, .key = key };
    load(&a);
    if (!a.name) {
        if (a.texture)
            SDL_DestroyTexture(a.texture);
        return 0;
    }
    assets.items[assets.count++] = a;
    return (game_texture)assets.count;
}

game_texture host_assets_texture(const char *name)
{
    return find_or_load(name, 0, 0);
}

game_texture host_assets_texture_keyed(const char *name, uint32_t key_rgba)
{
    return find_or_load(name, 1, key_rgba);
}

void *host_assets_texture_sdl(game_texture tex)
{
    return host_assets_sdl(tex);
}

const char *host_assets_path(const char *name)
{
    snprintf(assets.path, sizeof assets.path, "%s/%s", assets.dir ? assets.dir : ".",
             name ? name : "");
    return assets.path;
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

/* The names of the files one look saw changed, each once, copied out of the watcher's report. */
typedef struct changed_names {
    const char *names[NAMES_MAX];
    int count;
    char bytes[NAMES_BYTES];
    size_t used;
} changed_names;

/* A file done or gone: marks every image of that name, and notes the name once. A file that
 * only appeared is not done yet; new directories are no images. */
static void on_change(const host_change *c, void *ctx)
{
    changed_names *changed = ctx;
    if ((c->kind != HOST_CHANGE_DONE && c->kind != HOST_CHANGE_GONE) || !c->name[0])
        return;
    for (int i = 0; i < assets.count; i++)
        if (strcmp(assets.items[i].name, c->name) == 0)
            assets.items[i].changed = 1;
    for (int i = 0; i < changed->count; i++)
        if (strcmp(changed->names[i], c->name) == 0)
            return;
    size_t n = strlen(c->name) + 1;
    if (changed->count == NAMES_MAX || n > sizeof changed->bytes - changed->used)
        return;
    char *copy = memcpy(changed->bytes + changed->used, c->name, n);
    changed->used += n;
    changed->names[changed->count++] = copy;
}

void host_assets_poll(void)
{
    if (!assets.watch || !host_look_due(&assets.last_look_ns))
        return;
    /* First mark every image the changes name, then load each once: a save that arrives as
     * "removed, then written" within one look is one reload, not a placeholder in between. */
    changed_names changed;
    changed.count = 0;
    changed.used = 0;
    if (host_dirwatch_read(assets.watch, on_change, &changed) == 0)
        return;
    for (int i = 0; i < assets.count; i++) {
        asset *a = &assets.items[i];
        if (!a->changed)
            continue;
        a->changed = 0;
        uint64_t t0 = host_now_ns();
        if (load(a)) {
            double ms = (double)(host_now_ns() - t0) / 1e6;
            host_event(ASSET_RELOADED, HOST_WORD("name", a->name), HOST_REAL("ms", ms, 2));
        }
    }
    for (int i = 0; changed.count && i < assets.listeners; i++)
        assets.on_change[i](changed.names, changed.count);
}

const char *host_assets_dir(void)
{
    return assets.dir ? assets.dir : ".";
}

void host_assets_listen(host_assets_listener listener)
{
    if (assets.listeners < LISTENERS_MAX)
        assets.on_change[assets.listeners++] = listener;
}
