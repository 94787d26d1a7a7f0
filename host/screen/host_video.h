/* host_video.h - the window (or the headless surface), its renderer, screenshots (host_video.c).
 */
#ifndef HOST_VIDEO_H
#define HOST_VIDEO_H

#include "game_api.h"
#include "host_args.h"

/* SDL's own, named here so that this header needs no SDL.h. */
struct SDL_Window;
struct SDL_Surface;
struct SDL_Renderer;

typedef struct host_video {
    struct SDL_Window *window;     /* NULL when headless */
    struct SDL_Surface *surface;   /* headless render target, NULL with a window */
    struct SDL_Renderer *renderer; /* draws into the window or the surface */
    int width, height;             /* logical size of the drawing area */
    int fullscreen;                /* 1 in desktop fullscreen (headless: what a window would be) */
    int vsync;                     /* 1 when present waits for the display (--vsync on, granted) */
    int fps;                       /* frames per second: the display's with vsync, else --fps */
} host_video;

/* Opens the window (or the headless surface) and its renderer. Returns 0, or -1 after printing
 * an "error" event. Call host_video_close() either way. */
int host_video_open(host_video *video, const host_args *args);
void host_video_close(host_video *video);

/* Gives the window what the game would like at its first load (game_api.window): size, title,
 * scaling; --width/--height win. Headless, a new size means a new surface and renderer
 * (video->renderer changes; no texture exists yet at the first load). Prints a "window"
 * event when anything changed. Returns 1 when the renderer or the drawing area changed. */
int host_video_apply(host_video *video, const game_window *want, const host_args *args);
/* The drawing area's size in pixels of the output (GAME_SCALE_NONE follows the window). */
void host_video_output_size(host_video *video, int *w, int *h);

/* Alt+Return: the window goes desktop fullscreen, or back. Prints a "window fullscreen=0|1"
 * event (with a reason when SDL refused, the state then unchanged). Headless, only the flag
 * and the event change: there is no window. */
void host_video_toggle_fullscreen(host_video *video);

/* Shows the frame drawn since the last present (a no-op headless). */
void host_video_present(host_video *video);

/* Writes what the renderer holds now (call before present): .png, anything else .bmp.
 * Returns 0, or -1 after printing a "screenshot-failed" event. */
int host_video_screenshot(host_video *video, const char *path);

#endif /* HOST_VIDEO_H */
