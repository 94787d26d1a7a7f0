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
 * No SDL header is needed: drawing, textures, text, files and input all come through this file.
 * Games that want SDL itself may include SDL.h and link SDL2: host->renderer and
 * host->texture_sdl() hand out the host's objects (the host puts the renderer's state back
 * after render), and anything the game gives SDL that points into the library (an event
 * watch, a timer, a log function) is removed in unload and added again in reload.
 *
 * The same header compiles as C11 and as C++11 or later; GAME_EXPORT gives the API struct C
 * linkage in C++.
 */
#ifndef GAME_API_H
#define GAME_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever this header changes incompatibly; the host refuses other versions. */
#define GAME_API_VERSION 2

/* The one exported symbol, as a name for dlsym and as an identifier for the definition. */
#define GAME_API_SYMBOL "livehost_game"
#define GAME_API_SYMBOL_NAME livehost_game

/* Marks the API struct as the library's only exported symbol (build with -fvisibility=hidden).
 * In C++ it also gives the struct C linkage (a const at namespace scope would otherwise be
 * internal, and its name mangled). */
#if defined(__cplusplus)
#define GAME_EXPORT_LINKAGE extern "C"
#else
#define GAME_EXPORT_LINKAGE
#endif
#if defined(_WIN32)
#define GAME_EXPORT GAME_EXPORT_LINKAGE __declspec(dllexport)
#else
#define GAME_EXPORT GAME_EXPORT_LINKAGE __attribute__((visibility("default")))
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

/* Gamepads: up to GAME_PAD_COUNT, in the order they were plugged in (SDL GameController). */
#define GAME_PAD_COUNT 4

/* Bits of game_pad.buttons, in SDL_GameControllerButton order (Xbox names). */
enum {
    GAME_PAD_A = 1u << 0,
    GAME_PAD_B = 1u << 1,
    GAME_PAD_X = 1u << 2,
    GAME_PAD_Y = 1u << 3,
    GAME_PAD_BACK = 1u << 4,
    GAME_PAD_GUIDE = 1u << 5,
    GAME_PAD_START = 1u << 6,
    GAME_PAD_LEFT_STICK = 1u << 7,
    GAME_PAD_RIGHT_STICK = 1u << 8,
    GAME_PAD_LEFT_SHOULDER = 1u << 9,
    GAME_PAD_RIGHT_SHOULDER = 1u << 10,
    GAME_PAD_UP = 1u << 11,
    GAME_PAD_DOWN = 1u << 12,
    GAME_PAD_LEFT = 1u << 13,
    GAME_PAD_RIGHT = 1u << 14,
};

/* Indexes of game_pad.axes. */
enum {
    GAME_AXIS_LEFT_X,
    GAME_AXIS_LEFT_Y,
    GAME_AXIS_RIGHT_X,
    GAME_AXIS_RIGHT_Y,
    GAME_AXIS_TRIGGER_LEFT,
    GAME_AXIS_TRIGGER_RIGHT,
    GAME_AXIS_COUNT
};

/* One gamepad's state this frame. */
typedef struct game_pad {
    uint32_t connected;          /* 1 while plugged in */
    uint32_t buttons;            /* GAME_PAD_* bits held down */
    uint32_t pressed;            /* GAME_PAD_* bits that went down this frame */
    float axes[GAME_AXIS_COUNT]; /* sticks -1..1 (down and right positive), triggers 0..1 */
} game_pad;

/* Bits of game_input.window: what happened to the window this frame. */
enum {
    GAME_WINDOW_RESIZED = 1u << 0, /* host->width/height changed (GAME_SCALE_NONE games) */
    GAME_WINDOW_FOCUSED = 1u << 1, /* held while the window has the keyboard focus */
};

/* Size of game_input.text: the UTF-8 typed this frame, zero-terminated. */
#define GAME_TEXT_SIZE 32

/* One frame of input. Plain values only, so the host can record and replay it. */
typedef struct game_input {
    uint32_t buttons;             /* GAME_BUTTON_* bits held down */
    uint32_t pressed;             /* GAME_BUTTON_* bits that went down this frame */
    float mouse_x, mouse_y;       /* pointer position in logical pixels */
    uint32_t mouse_buttons;       /* bit 0 left, bit 1 middle, bit 2 right */
    uint8_t keys[GAME_KEY_COUNT]; /* 1 while the key with that scancode is held */
    float wheel_x, wheel_y;       /* mouse wheel this frame (y > 0: away from the user) */
    char text[GAME_TEXT_SIZE];    /* text typed this frame, UTF-8 (names, consoles) */
    uint32_t window;              /* GAME_WINDOW_* bits */
    game_pad pads[GAME_PAD_COUNT];
} game_input;

/* Textures, fonts and sounds are handles owned by the host; they stay valid across reloads.
 * 0 = none. */
typedef uint32_t game_texture;
typedef uint32_t game_font;
typedef uint32_t game_sound;
/* One playing sound, from play(); 0 = none. Stopping a voice that has ended does nothing. */
typedef uint32_t game_voice;

/* Flip bits of game_sprite.flip. */
enum {
    GAME_FLIP_NONE = 0,
    GAME_FLIP_X = 1u << 0, /* mirror left-right */
    GAME_FLIP_Y = 1u << 1, /* mirror top-bottom */
};

/* Blend modes of game_sprite.blend (the same as SDL's). */
typedef enum game_blend {
    GAME_BLEND_DEFAULT = 0, /* the texture's own: alpha blending */
    GAME_BLEND_NONE,        /* copy, alpha ignored */
    GAME_BLEND_ALPHA,       /* dst = src * a + dst * (1 - a) */
    GAME_BLEND_ADD,         /* dst = src * a + dst (glows, fire) */
    GAME_BLEND_MOD,         /* dst = src * dst (shadows, tinting the scene) */
} game_blend;

/* How draw_sprite draws a texture. Zero means default for every field. */
typedef struct game_sprite {
    float x, y, w, h;                 /* where, in logical pixels; w or h 0: the source's size */
    float src_x, src_y, src_w, src_h; /* the part of the texture, in texels (a frame of a sprite
                                         sheet); src_w or src_h 0: the whole texture */
    float angle;                      /* degrees clockwise around the centre of x, y, w, h */
    uint32_t flip;                    /* GAME_FLIP_* bits; default none */
    uint32_t tint;                    /* 0xRRGGBBAA multiplied into the pixels (alpha: opacity);
                                         default 0 = no tint, fully opaque */
    game_blend blend;                 /* default GAME_BLEND_DEFAULT */
} game_sprite;

/* What the host offers the game. Valid only during the call it is passed to: never store the
 * pointer, or any pointer it hands out, in statics or in the state block. */
typedef struct host_services {
    int width, height; /* logical size of the drawing area in pixels */
    float dt;          /* fixed time step of one update, in seconds */
    uint64_t frame;    /* frames run since the host started */
    unsigned reloads;  /* game library loads so far (1 = first load) */
    void *renderer;    /* the SDL_Renderer, for games that include SDL.h themselves; what render
                          changes on it (target, viewport, clip, scale, colour, blend) is put
                          back after render */
    double wall_time;  /* seconds since 1970 by the system clock, at the frame's start. Not
                          recorded: a replay sees the time of the replay, so keep it out of game
                          logic that must replay */

    /* One line in the host's event log, printf-style. */
    void (*log)(const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 1, 2)))
#endif
        ;
    /* Loads (once) an image from the assets directory, e.g. "ship.bmp". A missing or broken
     * file gives a visible placeholder texture and an event, never 0 and never a crash. */
    game_texture (*texture)(const char *asset_name);
    /* The same with a colour key: pixels of colour key_rgba (its alpha is ignored) become
     * transparent, as in old sprite sheets with a magenta background. */
    game_texture (*texture_keyed)(const char *asset_name, uint32_t key_rgba);
    void (*texture_size)(game_texture tex, int *w, int *h);
    /* The SDL_Texture behind a handle (NULL for 0 or an unknown handle), for games that use SDL
     * themselves. Owned by the host: it changes when the image file is edited, so keep the
     * handle in the state and ask again each frame, never keep this pointer. */
    void *(*texture_sdl)(game_texture tex);

    /* Files. A name is relative to the project directory (the one holding game/, or given with
     * --project), never to the current directory, so a game started from anywhere finds its
     * files: "assets/level1.txt", "saves/slot1.bin". */
    /* The absolute path of an asset (a name under the assets directory), for libraries that
     * open files themselves (TTF_OpenFont, Mix_LoadWAV). The text is the host's and stays valid
     * until the next call to asset_path. */
    const char *(*asset_path)(const char *asset_name);
    /* Reads the file into buf (at most size bytes) and returns its whole size in bytes, or -1
     * after a "file-error" event (missing, unreadable). Call with size 0 to learn the size. */
    int64_t (*read_file)(const char *name, void *buf, uint64_t size);
    /* Writes size bytes as the whole file, atomically (a temporary file renamed into place;
     * missing directories are made). Returns 0, or -1 after a "file-error" event. */
    int (*write_file)(const char *name, const void *data, uint64_t size);

    void (*clear)(uint32_t rgba);
    void (*fill_rect)(float x, float y, float w, float h, uint32_t rgba);
    void (*draw_texture)(game_texture tex, float x, float y, float w, float h);
    /* Draws a texture, or a part of it, rotated, flipped, tinted, faded or blended. */
    void (*draw_sprite)(game_texture tex, const game_sprite *sprite);
    void (*draw_line)(float x1, float y1, float x2, float y2, uint32_t rgba);
    void (*draw_circle)(float x, float y, float radius, uint32_t rgba); /* the outline */
    void (*fill_circle)(float x, float y, float radius, uint32_t rgba);
    /* A filled convex polygon of count points: xy holds x0, y0, x1, y1, ... */
    void (*fill_polygon)(const float *xy, int count, uint32_t rgba);
    /* Draws ASCII text with the host's built-in font; scale 1 = 7 px tall glyphs. */
    void (*draw_text)(float x, float y, float scale, uint32_t rgba, const char *text);

    /* TrueType fonts from the assets directory (e.g. "font.ttf"), at a pixel height. Loaded
     * once per name and size; a missing or broken file gives an asset-missing event and a
     * handle that draws with the built-in font, never 0 and never a crash. */
    game_font (*font)(const char *asset_name, float pixel_height);
    /* Draws UTF-8 text with its top-left corner at x, y. */
    void (*draw_font_text)(game_font font, float x, float y, uint32_t rgba, const char *text);
    /* The size text would take (w: advance width, h: the font's line height). */
    void (*measure_text)(game_font font, const char *text, float *w, float *h);

    /* Sound, mixed by the host on its own audio thread (no game code ever runs there, so a
     * reload never pulls code out from under it). Sounds are WAV or OGG files from the assets
     * directory, decoded whole at the first call (ask for them in init; long pieces belong
     * in music, which streams) and reloaded when saved; a missing, truncated or unsupported
     * file gives an asset-missing event and plays silence, never 0 and never a crash. Start
     * sounds in update (or init), never in render: recordings and replays then play them at
     * the same updates. */
    game_sound (*sound)(const char *asset_name);
    /* Starts a sound: volume 0..1 (1 = as recorded), pan -1 (left) .. 1 (right; 0 leaves both
     * channels as recorded), pitch the playback rate (1 = as recorded, 2 = an octave up; 0 or
     * less: 1), loop 1 to repeat until stopped. Up to 64 voices play at once; when all are
     * busy the quietest (the oldest of equals) stops for the new one. The voice handle is a
     * serial number, the same with or without a sound card. */
    game_voice (*play)(game_sound sound, float volume, float pan, float pitch, int loop);
    /* Changes or stops a playing voice; a voice that has ended (or 0) is ignored. */
    void (*voice_set)(game_voice voice, float volume, float pan, float pitch);
    void (*voice_stop)(game_voice voice);
    /* Streams a music file (OGG, or WAV), looped, crossfading from the current one over
     * fade_seconds (0: at once); asking again for the track that plays changes nothing, so
     * update may ask every frame. NULL fades the music out. */
    void (*music)(const char *asset_name, float fade_seconds);
} host_services;

/* How the drawing area follows the window (game_window.scale). */
typedef enum game_scale {
    GAME_SCALE_FIT = 0, /* a fixed logical size (game_window width x height), scaled to the
                           window and letterboxed: the default */
    GAME_SCALE_NONE,    /* the real size: host->width/height follow the window
                           (GAME_WINDOW_RESIZED in the input when they change) */
} game_scale;

/* What the game would like its window to be, used when the host starts; command-line flags
 * still override. Zero means default for every field. */
typedef struct game_window {
    int width, height; /* the drawing area in logical pixels; default 640 x 360 */
    const char *title; /* the window title; default "livehost" */
    game_scale scale;  /* default GAME_SCALE_FIT */
} game_window;

/* A small random generator (PCG32) whose whole state is the uint64_t the game keeps in its
 * state block: it survives reloads, and recordings, rewind and state files replay it exactly.
 * Seed it once (e.g. *state = 42, or a value of host->wall_time for a different game each
 * run) and call it for each number. */
static inline uint32_t game_random(uint64_t *state)
{
    uint64_t old = *state;
    *state = old * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((32u - rot) & 31u));
}

/* A random float in [0, 1). */
static inline float game_random_float(uint64_t *state)
{
    return (float)(game_random(state) >> 8) * (1.0f / 16777216.0f);
}

/* The one struct a game exports. A NULL hook is skipped. */
typedef struct game_api {
    uint32_t api_version;   /* GAME_API_VERSION this library was built against */
    uint32_t state_version; /* the game's own layout version: bump it when the state changes */
    uint64_t state_size;    /* sizeof the game's state; the host refuses a build whose size
                               differs from the live block (unless migrate accepts it) */
    uint64_t state_hash;    /* optional hash of the state layout; 0 = not checked */
    game_window window;     /* the window the game would like, at start */
    const char *state_type; /* optional: the name of the state's type ("game_state", a struct
                               tag or typedef). The host then reads the layout from the
                               build's debug information (-g) and compares it field by field;
                               default NULL: only size, version and state_hash are compared */

    /* The state block is fresh (all zero bytes): set up a new game. */
    void (*init)(void *state, const host_services *host);
    /* New code was just loaded into a running game; the state is kept as it was. Register
     * again here what unload removed. */
    void (*reload)(void *state, const host_services *host);
    /* This code is about to be unloaded: before every reload (once the new build has passed
     * its checks), F6, rollback, F5 and exit. Remove everything that points into this library
     * from outside it: SDL event watches, timers, log and allocator functions, callbacks given
     * to other libraries. The state stays; the next call is the new code's reload (or init). */
    void (*unload)(void *state, const host_services *host);
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
