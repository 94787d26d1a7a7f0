/* host_assets.h - textures owned by the host, stable across reloads, and the assets directory's
 * watch (host_assets.c).
 */
#ifndef HOST_ASSETS_H
#define HOST_ASSETS_H

#include "game_api.h"

#include <stdint.h>

/* SDL's own, named here so that this header needs no SDL.h. */
struct SDL_Renderer;
struct SDL_Texture;

/* Remembers where images live (made absolute) and which renderer makes textures. */
void host_assets_open(struct SDL_Renderer *renderer, const char *dir);
/* A new renderer (the headless surface was remade before any texture existed). */
void host_assets_set_renderer(struct SDL_Renderer *renderer);
/* Destroys every texture. Handles become invalid. */
void host_assets_close(void);

/* The texture / texture_size services (see host_services). */
game_texture host_assets_texture(const char *name);
game_texture host_assets_texture_keyed(const char *name, uint32_t key_rgba);
void host_assets_texture_size(game_texture tex, int *w, int *h);
/* The SDL texture behind a handle, or NULL for 0 or an unknown handle. */
struct SDL_Texture *host_assets_sdl(game_texture tex);
/* The texture_sdl service: host_assets_sdl for a game, which sees no SDL types. */
void *host_assets_texture_sdl(game_texture tex);
/* The asset_path service: the absolute path of name in the assets directory, in a buffer of
 * this module's that the next call overwrites. */
const char *host_assets_path(const char *name);
/* Reloads the images saved since the last call, keeping their handles (one non-blocking read
 * of the assets directory's inotify descriptor; call once per frame). */
void host_assets_poll(void);
/* The assets directory, absolute. */
const char *host_assets_dir(void);
/* Told by host_assets_poll the names of the files in the assets directory that were saved,
 * renamed into place or removed since the last poll, each once (the names are valid during
 * the call only). */
typedef void (*host_assets_listener)(const char *const *names, int count);
/* Adds a listener (up to four: fonts, sounds). */
void host_assets_listen(host_assets_listener listener);

#endif /* HOST_ASSETS_H */
