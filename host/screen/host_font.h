/* host_font.h - TrueType fonts owned by the host (host_font.c), and font files checked before
 * stb_truetype reads them (host_font_file.c).
 */
#ifndef HOST_FONT_H
#define HOST_FONT_H

#include "game_api.h"

#include <stddef.h>
#include <stdint.h>

/* SDL's own, named here so that this header needs no SDL.h. */
struct SDL_Renderer;

/* ---- host_font.c: TrueType fonts owned by the host, stable across reloads ---- */

/* Remembers which renderer makes the atlases (fonts are read from host_assets_dir(), after
 * host_assets_open) and listens for saved fonts. */
void host_font_open(struct SDL_Renderer *renderer);
/* A new renderer (the headless surface was remade before any font existed). */
void host_font_set_renderer(struct SDL_Renderer *renderer);
/* Destroys every font and its atlas. Handles become invalid. */
void host_font_close(void);
/* The font / draw_font_text / measure_text services (see host_services). */
game_font host_font_load(const char *name, float pixel_height);
void host_font_draw_text(game_font font, float x, float y, uint32_t rgba, const char *text);
void host_font_measure_text(game_font font, const char *text, float *w, float *h);
/* Reads again the fonts among these saved files, keeping their handles (a
 * host_assets_listener). */
void host_font_files_changed(const char *const *names, int count);

/* ---- host_font_file.c: TrueType files checked before stb_truetype reads them ---- */

/* Reads the font file at path and checks what stb_truetype reads of it against its size.
 * Returns the file's bytes (the caller frees them) with the first font's offset in *start, or
 * NULL with the reason in why (missing, unreadable, not a font, cut short, broken tables). */
unsigned char *host_font_file_read(const char *path, int *start, char *why, size_t why_size);

#endif /* HOST_FONT_H */
