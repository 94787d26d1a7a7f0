/* host_draw.h - the drawing services and the host's own screens (host_draw.c).
 */
#ifndef HOST_DRAW_H
#define HOST_DRAW_H

#include "game_api.h"

#include <stddef.h>
#include <stdint.h>

/* SDL's own, named here so that this header needs no SDL.h. */
struct SDL_Renderer;

/* Routes the drawing services to renderer (NULL: drawing does nothing). */
void host_draw_bind(struct SDL_Renderer *renderer);

/* The clear / fill_rect / draw_texture / draw_text services (see host_services). */
void host_draw_clear(uint32_t rgba);
void host_draw_fill_rect(float x, float y, float w, float h, uint32_t rgba);
void host_draw_texture(game_texture tex, float x, float y, float w, float h);
void host_draw_text(float x, float y, float scale, uint32_t rgba, const char *text);
void host_draw_sprite(game_texture tex, const game_sprite *sprite);
/* The draw_line / draw_circle / fill_circle / fill_polygon services. */
void host_draw_line(float x1, float y1, float x2, float y2, uint32_t rgba);
void host_draw_circle(float x, float y, float radius, uint32_t rgba);
void host_draw_fill_circle(float x, float y, float radius, uint32_t rgba);
void host_draw_fill_polygon(const float *xy, int count, uint32_t rgba);
/* The size draw_text gives text at scale: the widest line, the lines' height. */
void host_draw_text_size(const char *text, float scale, float *w, float *h);
/* Around the game's render: remembers the renderer's target, logical size, scale, viewport,
 * clip, draw colour and blend mode, and puts them back. */
void host_draw_save_state(void);
void host_draw_restore_state(void);
/* Copies into line (size bytes) the start of text that fits max_w pixels at scale 1, cut at
 * a space when it can and at a newline always; at least one character. Returns the bytes of
 * text it took (the caller skips the spaces and newline after them). */
size_t host_draw_fit(const char *text, float max_w, char *line, size_t size);
/* Makes text drawable in place: the font has glyphs for ASCII 32..126 only (other bytes would
 * index past its table). UTF-8 quotes (gcc's) become ASCII ones, tabs spaces, the rest '?'. */
void host_draw_ascii(char *text);

/* A full-screen message in the host's colours: a title and a body wrapped to width. */
void host_draw_message(int width, int height, uint32_t background, const char *title,
                       const char *body);
/* A status bar along the bottom edge, as tall as the wrapped text needs. */
void host_draw_status(int width, int height, uint32_t background, const char *text);

#endif /* HOST_DRAW_H */
