/* host_video.c - the window (or the headless surface), its renderer and screenshots.
 * Owns SDL's video subsystem, the window, the surface and the renderer. Headless mode draws
 * with the very same renderer calls into an SDL_Surface, so a headless screenshot shows what
 * the window would. Knows nothing about games.
 */
#include "host_video.h"
#include "game_api.h"
#include "host_args.h"
#include "host_event.h"
#include "host_version.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The PNG writer is compiled here and nowhere else. */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

static int fail(const char *what)
{
    char why[512];
    snprintf(why, sizeof why, "%s: %s", what, SDL_GetError());
    host_event(ERROR, HOST_TEXT("reason", why));
    return -1;
}

int host_video_open(host_video *video, const host_args *args)
{
    *video = (host_video){ .width = args->width, .height = args->height };
    if (args->headless)
        SDL_setenv("SDL_VIDEODRIVER", "dummy", 0); /* 0: a driver the user chose wins */
    /* SIGINT/SIGTERM belong to host_guard_posix.c, which ends the loop without SDL's help. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return fail("cannot start SDL video");

    if (args->headless) {
        video->surface = SDL_CreateRGBSurfaceWithFormat(0, args->width, args->height, 32,
                                                        SDL_PIXELFORMAT_ARGB8888);
        if (!video->surface)
            return fail("cannot create the headless surface");
        video->renderer = SDL_CreateSoftwareRenderer(video->surface);
    } else {
        /* A shipped build is the game: its window bears the program's name (host_game.c
         * puts the game's own title there once it runs). */
        char title[300];
        const char *name = args->game_path;
        if (HOST_RELEASE && strrchr(name, '/'))
            name = strrchr(name, '/') + 1;
        snprintf(title, sizeof title, "%s%s", HOST_RELEASE ? "" : "livehost - ", name);
        video->window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                         args->width, args->height, SDL_WINDOW_RESIZABLE);
        if (!video->window)
            return fail("cannot open a window");
        const Uint32 vsync = args->vsync ? SDL_RENDERER_PRESENTVSYNC : 0;
        video->renderer = SDL_CreateRenderer(video->window, -1, vsync);
        if (!video->renderer) /* no GPU driver at all: the software one always works */
            video->renderer = SDL_CreateRenderer(video->window, -1, SDL_RENDERER_SOFTWARE | vsync);
    }
    if (!video->renderer)
        return fail("cannot create a renderer");
    /* Games draw in logical pixels; a resized window scales the picture, not the game. */
    SDL_RenderSetLogicalSize(video->renderer, args->width, args->height);
    SDL_SetRenderDrawBlendMode(video->renderer, SDL_BLENDMODE_BLEND);

    SDL_RendererInfo info = { 0 };
    SDL_GetRendererInfo(video->renderer, &info);
    /* Vsync as asked and granted (headless has no display to wait for): without it the host
     * paces the frames itself, at --fps. With it, a frame lasts one refresh of the display
     * (60 when the display does not say). */
    SDL_DisplayMode mode = { 0 };
    video->vsync = video->window && args->vsync && (info.flags & SDL_RENDERER_PRESENTVSYNC);
    video->fps = args->fps;
    if (video->vsync)
        video->fps = SDL_GetCurrentDisplayMode(0, &mode) == 0 && mode.refresh_rate > 0
                         ? mode.refresh_rate
                         : 60;
    char size[32];
    snprintf(size, sizeof size, "%dx%d", args->width, args->height);
    host_event(START, HOST_WORD("game", args->game_path), HOST_WORD("assets", args->assets_dir),
               HOST_WORD("size", size), HOST_WORD("video", args->headless ? "headless" : "window"),
               HOST_WORD("renderer", info.name ? info.name : "unknown"),
               HOST_WORD("vsync", video->vsync ? "on" : "off"), HOST_INT("fps", video->fps),
               HOST_WORD("preflight", args->preflight ? args->preflight : "none"),
               HOST_INT("pid", getpid()));
    return 0;
}

void host_video_output_size(host_video *video, int *w, int *h)
{
    SDL_GetRendererOutputSize(video->renderer, w, h);
}

/* The headless surface and its renderer, remade at another size. 0, or -1 (the old ones stay). */
static int remake_headless(host_video *video, int w, int h)
{
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *renderer = surface ? SDL_CreateSoftwareRenderer(surface) : NULL;
    if (!renderer) {
        SDL_FreeSurface(surface);
        return -1;
    }
    SDL_DestroyRenderer(video->renderer);
    SDL_FreeSurface(video->surface);
    video->surface = surface;
    video->renderer = renderer;
    SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
    return 0;
}

int host_video_apply(host_video *video, const game_window *want, const host_args *args)
{
    int w = args->width_given || want->width <= 0 ? video->width : want->width;
    int h = args->height_given || want->height <= 0 ? video->height : want->height;
    if (w < 16 || h < 16 || w > 16384 || h > 16384) {
        w = video->width;
        h = video->height;
    }
    const int none = want->scale == GAME_SCALE_NONE;
    if (w == video->width && h == video->height && !want->title && !none)
        return 0;
    if (video->surface && (w != video->width || h != video->height) &&
        remake_headless(video, w, h) != 0) {
        w = video->width;
        h = video->height;
    }
    if (video->window) {
        SDL_SetWindowSize(video->window, w, h);
        if (want->title)
            SDL_SetWindowTitle(video->window, want->title);
    }
    video->width = w;
    video->height = h;
    /* FIT: a fixed logical size, scaled and letterboxed; NONE: the window's own pixels. */
    SDL_RenderSetLogicalSize(video->renderer, none ? 0 : w, none ? 0 : h);
    char size[32];
    snprintf(size, sizeof size, "%dx%d", w, h);
    host_event(WINDOW, HOST_WORD("size", size), HOST_WORD("scale", none ? "none" : "fit"),
               HOST_TEXT("title", want->title ? want->title : ""));
    return 1;
}

void host_video_toggle_fullscreen(host_video *video)
{
    const int want = !video->fullscreen;
    if (video->window &&
        SDL_SetWindowFullscreen(video->window, want ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0) != 0) {
        host_event(WINDOW, HOST_INT("fullscreen", video->fullscreen),
                   HOST_TEXT("reason", SDL_GetError()));
        return;
    }
    video->fullscreen = want;
    host_event(WINDOW, HOST_INT("fullscreen", want));
}

void host_video_close(host_video *video)
{
    if (video->renderer)
        SDL_DestroyRenderer(video->renderer);
    if (video->surface)
        SDL_FreeSurface(video->surface);
    if (video->window)
        SDL_DestroyWindow(video->window);
    *video = (host_video){ 0 };
    SDL_Quit();
}

void host_video_present(host_video *video)
{
    if (video->window)
        SDL_RenderPresent(video->renderer);
}

static int ends_with_png(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && SDL_strcasecmp(path + n - 4, ".png") == 0;
}

int host_video_screenshot(host_video *video, const char *path)
{
    char why[512] = "";
    int w = 0, h = 0;
    SDL_GetRendererOutputSize(video->renderer, &w, &h);
    /* RGB without alpha: a screenshot shows what the eye sees, whatever alpha the game used. */
    SDL_Surface *shot = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!shot) {
        snprintf(why, sizeof why, "no memory for the picture: %s", SDL_GetError());
    } else if (SDL_RenderReadPixels(video->renderer, NULL, SDL_PIXELFORMAT_RGB24, shot->pixels,
                                    shot->pitch) != 0) {
        snprintf(why, sizeof why, "cannot read the frame back: %s", SDL_GetError());
    } else if (ends_with_png(path)) {
        if (!stbi_write_png(path, w, h, 3, shot->pixels, shot->pitch))
            snprintf(why, sizeof why, "cannot write the PNG file");
    } else if (SDL_SaveBMP(shot, path) != 0) {
        snprintf(why, sizeof why, "%s", SDL_GetError());
    }
    SDL_FreeSurface(shot);
    if (why[0]) {
        host_event(SCREENSHOT_FAILED, HOST_WORD("path", path), HOST_TEXT("reason", why));
        return -1;
    }
    host_event(SCREENSHOT, HOST_WORD("path", path));
    return 0;
}
