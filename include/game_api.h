/* game_api.h - the whole contract between the livehost host and a game library.
 *
 * A game is one shared library that exports exactly one symbol, GAME_API_SYMBOL, a const
 * game_api struct. The host owns everything with a lifetime (window, renderer, textures, the
 * state block); the game gets it all through host_services and keeps every bit of its state in
 * the block the host hands it, because a reload resets the library's own statics.
 *
 *     typedef struct my_state { float x; int score; } my_state;
 *     static void my_update(void *s, const host_services *h, const game_input *in) {...}
 *     GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
 *         .api_version = GAME_API_VERSION,
 *         .state_size = sizeof(my_state),
 *         .update = my_update, .render = my_render,
 *     };
 *
 * No SDL header is needed: drawing, textures, text and input all come through this file.
 * Games that want the raw SDL_Renderer may include SDL.h themselves and use host->renderer.
 */
#ifndef GAME_API_H
#define GAME_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever this header changes incompatibly; the host refuses other versions. */
#define GAME_API_VERSION 1

/* The one exported symbol, as a name for dlsym and as an identifier for the definition. */
#define GAME_API_SYMBOL "livehost_game"
#define GAME_API_SYMBOL_NAME livehost_game

/* Marks the API struct as the library's only exported symbol (build with -fvisibility=hidden). */
#if defined(_WIN32)
#define GAME_EXPORT __declspec(dllexport)
#else
#define GAME_EXPORT __attribute__((visibility("default")))
#endif

/* Colours are 0xRRGGBBAA. */
#define GAME_RGBA(r, g, b, a)                                                                      \
    ((uint32_t)(((uint32_t)(r) << 24) | ((uint32_t)(g) << 16) | ((uint32_t)(b) << 8) |             \
                (uint32_t)(a)))

/* Logical buttons, mapped by the host from the keyboard (arrows/WASD, space, enter, ...). */
enum {
    GAME_BUTTON_LEFT = 1u << 0,   /* Left arrow or A */
    GAME_BUTTON_RIGHT = 1u << 1,  /* Right arrow or D */
    GAME_BUTTON_UP = 1u << 2,     /* Up arrow or W */
    GAME_BUTTON_DOWN = 1u << 3,   /* Down arrow or S */
    GAME_BUTTON_ACTION = 1u << 4, /* Space */
    GAME_BUTTON_START = 1u << 5,  /* Return */
};

/* Size of game_input.keys: indexed by USB HID usage, the same numbers as SDL_Scancode
 * (e.g. 4 = A, 44 = Space). */
#define GAME_KEY_COUNT 512

/* One frame of input. Plain values only, so the host can record and replay it. */
typedef struct game_input {
    uint32_t buttons;             /* GAME_BUTTON_* bits held down */
    uint32_t pressed;             /* GAME_BUTTON_* bits that went down this frame */
    float mouse_x, mouse_y;       /* pointer position in logical pixels */
    uint32_t mouse_buttons;       /* bit 0 left, bit 1 middle, bit 2 right */
    uint8_t keys[GAME_KEY_COUNT]; /* 1 while the key with that scancode is held */
} game_input;

/* Textures are handles owned by the host; they stay valid across reloads. 0 = none. */
typedef uint32_t game_texture;

/* What the host offers the game. Valid only during the call it is passed to: never store the
 * pointer, or any pointer it hands out, in statics or in the state block. */
typedef struct host_services {
    int width, height; /* logical size of the drawing area in pixels */
    float dt;          /* fixed time step of one update, in seconds */
    uint64_t frame;    /* frames run since the host started */
    unsigned reloads;  /* game library loads so far (1 = first load) */
    void *renderer;    /* the SDL_Renderer, for games that include SDL.h themselves */

    /* One line in the host's event log, printf-style. */
    void (*log)(const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 1, 2)))
#endif
        ;
    /* Loads (once) an image from the assets directory, e.g. "ship.bmp". A missing or broken
     * file gives a visible placeholder texture and an event, never 0 and never a crash. */
    game_texture (*texture)(const char *asset_name);
    void (*texture_size)(game_texture tex, int *w, int *h);

    void (*clear)(uint32_t rgba);
    void (*fill_rect)(float x, float y, float w, float h, uint32_t rgba);
    void (*draw_texture)(game_texture tex, float x, float y, float w, float h);
    /* Draws ASCII text with the host's built-in font; scale 1 = 7 px tall glyphs. */
    void (*draw_text)(float x, float y, float scale, uint32_t rgba, const char *text);
} host_services;

/* The one struct a game exports. A NULL hook is skipped. */
typedef struct game_api {
    uint32_t api_version;   /* GAME_API_VERSION this library was built against */
    uint32_t state_version; /* the game's own layout version: bump it when the state changes */
    uint64_t state_size;    /* sizeof the game's state; the host refuses a build whose size
                               differs from the live block (unless migrate accepts it) */
    uint64_t state_hash;    /* optional hash of the state layout; 0 = not checked */

    /* The state block is fresh (all zero bytes): set up a new game. */
    void (*init)(void *state, const host_services *host);
    /* New code was just loaded into a running game; the state is kept as it was. */
    void (*reload)(void *state, const host_services *host);
    /* One fixed time step (host->dt seconds). */
    void (*update)(void *state, const host_services *host, const game_input *input);
    /* Draws the current state; must not change it. */
    void (*render)(const void *state, const host_services *host);
    /* The game ends or is restarted; release nothing the host owns. */
    void (*shutdown)(void *state, const host_services *host);
    /* Optional: turn a block of another layout into this one. new_state is zeroed and
     * state_size bytes long. Return 0 on success; anything else keeps the old code running. */
    int (*migrate)(void *new_state, const void *old_state, uint64_t old_size, uint32_t old_version,
                   uint64_t old_hash);
} game_api;

#ifdef __cplusplus
}
#endif
#endif /* GAME_API_H */
