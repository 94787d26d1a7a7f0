/* host.h - the modules of the livehost SDL2 host and how they talk to each other.
 *
 * Private to the host's own files: games never see it (their whole contract is include/game_api.h).
 * Each module owns one kind of resource: args (command line), event (the stderr event log),
 * video (window, renderer, screenshots), input (SDL events), assets (textures), audio (the
 * audio device, sounds and music), draw (the drawing services), guard (signals and the crash
 * guard), game (the library, the state block and every call into game code).
 */
#ifndef HOST_H
#define HOST_H

#include "game_api.h"
#include "host_clock.h"
#include "host_event.h"
#include "hr.h"

#include <SDL.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* The release, printed by --version and written into livehost.pc (the Makefile reads it here). */
#define LIVEHOST_VERSION "0.1.0"

/* 1 in the host of a shipped build (make release: -DHOST_RELEASE=1), whose game is linked in
 * (hr_static.c in place of the loading core): no builds, assets beside the program, the
 * window named after the game. 0 in the hot-reload host. */
#ifndef HOST_RELEASE
#define HOST_RELEASE 0
#endif

/* ---- host_args.c: the command line ---- */

#define HOST_WATCH_DIRS_MAX 16
#define HOST_KEYS_MAX 16 /* --key options */
/* A project's build: flock keeps it from running at the same moment as another build of the
 * project's; -j%ld: one compiler per processor online (host_args.c puts the number in);
 * -Otarget keeps each compiler's messages together; `[ -d build ]` is the shell's own test,
 * so no mkdir is started per build. */
#define HOST_BUILD_CMD_DEFAULT                                                                     \
    "[ -d build ] || mkdir -p build; flock build/.game-build.lock make -s -j%ld -Otarget "         \
    "build/game.so"

typedef struct host_args {
    const char *game_path;  /* --game; default PROJECT/build/game.so */
    const char *assets_dir; /* --assets; default PROJECT/assets */
    const char *screenshot; /* --screenshot; default NULL (none) */
    long frames;            /* --frames; default 0 (run until closed) */
    int width, height;      /* --width/--height; default 640x360 (or the game's choice) */
    int width_given;        /* --width was given: it wins over the game's window settings */
    int height_given;       /* --height likewise */
    int headless;           /* --headless; default 0 (open a window) */
    int reset;              /* --reset; default 0 (refuse a state layout change) */
    const char *script;     /* --script; default NULL (keyboard only) */
    const char *new_dir;    /* `new DIR`: the project to write (HOST_ARGS_NEW) */
    const char *new_tpl;    /* `new --template NAME DIR` (--sdl: "sdl"); default "box" */
    const char *exe_path;   /* the running host's own file, for `new` */
    int watchdog_ms;        /* --watchdog-ms; default 500 (0: off) */
    int stall_ms;           /* --stall-ms; default 10000 (0: off) */
    const char *record;     /* --record; default NULL (recordings stay in memory) */
    const char *replay;     /* --replay; default NULL (no recording played at start) */
    const char *audio_out;  /* --audio-out; default NULL (sound goes to SDL's audio device) */
    int paused;             /* --pause; default 0 (running) */
    int speed_quarters;     /* --speed in quarters: 1, 2, 4, 8, 16; default 0 = 4 (1x) */
    int rewind_seconds;     /* --rewind-seconds; default 5 (0: no rewind history) */
    int vsync;              /* --vsync on|off; default 0 (off: the host paces the frames) */
    int fps;                /* --fps; default 60: frames per second without vsync */
    const char *save_state; /* --save-state; default NULL (F4 writes livehost.state) */
    const char *load_state; /* --load-state; default NULL (start with a fresh state) */
    const char *preflight;  /* hr-preflight beside the host executable, NULL if it is not
                               there (new builds are then loaded in this process directly) */

    /* The project (PROJECT above): its root, an absolute path. */
    const char *project_dir; /* --project; default the current directory or the first of its
                                parents holding game/ and a Makefile or build/game.so; else
                                the current directory */

    /* The overlay and host-driven builds (host_overlay.c, host_build.c). */
    int overlay;           /* --overlay 1, --no-overlay -1; default 0 (shown while something
                              is wrong) */
    int no_build;          /* --no-build; default 0 (the host builds on every save) */
    const char *build_cmd; /* --build-cmd; default HOST_BUILD_CMD_DEFAULT */
    int watch_dir_count;   /* entries in watch_dirs; default 2: PROJECT/game, PROJECT/include */
    const char *watch_dirs[HOST_WATCH_DIRS_MAX]; /* --watch-dir, repeatable */

    /* The host's keys (host_input.c). */
    int key_count;                   /* entries in keys; default 0: F1-F12 as documented */
    const char *keys[HOST_KEYS_MAX]; /* --key ACTION=KEY, repeatable */
} host_args;

enum {
    HOST_ARGS_RUN = 0,
    HOST_ARGS_EXIT_OK,
    HOST_ARGS_EXIT_ERROR,
    HOST_ARGS_NEW
};

/* Fills args from argv. Returns HOST_ARGS_RUN, HOST_ARGS_EXIT_OK (--help was printed),
 * HOST_ARGS_EXIT_ERROR (the problem and a usage hint were printed on stderr) or HOST_ARGS_NEW
 * (`new DIR`: args->new_dir and args->exe_path are set). */
int host_args_parse(host_args *args, int argc, char **argv);

/* ---- host_video.c: window or headless surface, the renderer, screenshots ---- */

typedef struct host_video {
    SDL_Window *window;     /* NULL when headless */
    SDL_Surface *surface;   /* headless render target, NULL with a window */
    SDL_Renderer *renderer; /* draws into the window or the surface */
    int width, height;      /* logical size of the drawing area */
    int fullscreen;         /* 1 in desktop fullscreen (headless: what a window would be) */
    int vsync;              /* 1 when present waits for the display (--vsync on, granted) */
    int fps;                /* frames per second: the display's with vsync, else --fps */
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

/* ---- host_input.c: SDL events to game_input ---- */

enum {
    HOST_INPUT_QUIT = 1u << 0,         /* the window was closed */
    HOST_INPUT_RESET = 1u << 1,        /* F5: restart the game with a fresh state */
    HOST_INPUT_RECORD = 1u << 2,       /* F2: start recording / loop the recording */
    HOST_INPUT_LIVE = 1u << 3,         /* F3: leave the loop, play on live */
    HOST_INPUT_SAVE_STATE = 1u << 4,   /* F4: write the state block to the state file */
    HOST_INPUT_FORCE_RELOAD = 1u << 5, /* F6: reload the current build now, state kept */
    HOST_INPUT_PAUSE = 1u << 6,        /* F7: pause / resume */
    HOST_INPUT_STEP = 1u << 7,         /* F8: one update while paused (pauses if running) */
    HOST_INPUT_LOAD_STATE = 1u << 8,   /* F9: load the state file */
    HOST_INPUT_SLOWER = 1u << 9,       /* F10: 1x, 1/2x, 1/4x */
    HOST_INPUT_FASTER = 1u << 10,      /* F11: 1x, 2x, 4x */
    HOST_INPUT_REWIND = 1u << 11,      /* F12 held (set every frame while it is down) */
    HOST_INPUT_OVERLAY = 1u << 12,     /* F1: show / hide the overlay */
    HOST_INPUT_RESIZED = 1u << 13,     /* the window's size changed */
    HOST_INPUT_FULLSCREEN = 1u << 14,  /* Alt+Return: desktop fullscreen on / off */
    HOST_INPUT_INSPECT = 1u << 15,     /* `: show / hide the state inspector */
};

/* Starts SDL's game controller subsystem (after host_video_open). 0, or -1 after a "pads-off"
 * event (the game then sees no pads). */
int host_input_open(void);
/* Closes the pads still open. */
void host_input_close(void);

/* Drains the SDL event queue, fills in (keys, buttons, the buttons pressed since the last
 * call, mouse, wheel, text, window bits, pads) and returns HOST_INPUT_* bits. */
unsigned host_input_poll(game_input *in);
/* Moves the host's keys as args->keys say (--key ACTION=KEY). Returns 0, or -1 with the reason
 * in why (an unknown action or key name, two actions on one key). */
int host_input_bind(const host_args *args, char *why, size_t size);
/* The key of one HOST_INPUT_* action, as SDL names it ("F1"). */
const char *host_input_key_name(unsigned action);

/* ---- host_new.c: `livehost new DIR` ---- */

/* One file of a new project: its path in the project, its bytes. */
typedef struct host_new_file {
    const char *name; /* e.g. "assets/hero.bmp" */
    const char *data;
    size_t len;
} host_new_file;

/* What `livehost new --template NAME` writes besides the contract, Makefile and .gitignore. */
typedef struct host_new_template {
    const char *name;    /* NAME of --template */
    const char *about;   /* one line for --help */
    const char *game_c;  /* game/game.c */
    const char *state_h; /* game/game_state.h */
    const char *pkgs;    /* GAME_PKGS of its Makefile (pkg-config names, " sdl2"); "" for none */
    /* Makes the template's assets (images, sounds) into files (at most max), returning how
     * many; their data stays valid until the next call. NULL: assets/ starts empty. */
    int (*assets)(host_new_file *files, int max);
} host_new_template;

/* The template called name ("box", "sdl", "platformer", "menu"), or NULL. */
const host_new_template *host_new_template_find(const char *name);
/* Prints one line per template (name and about) for --help. */
void host_new_print_templates(FILE *out);
/* Writes a new game project of template tpl into dir (game/game.c, include/game_api.h,
 * Makefile, assets/), never replacing a file. exe_path: the running host, to find the
 * contract header beside it. Returns the process exit code: 0, or 1 after an "error" event. */
int host_new_project(const char *dir, const char *exe_path, const host_new_template *tpl);
/* The templates besides the default box, each in a file of its own (host_new_NAME.c). */
extern const host_new_template host_new_sdl_template;
extern const host_new_template host_new_platformer_template;
extern const host_new_template host_new_menu_template;

/* ---- host_script.c: scripted input (--script) ---- */

/* Reads a script of key presses by frame. Returns 0, or -1 after an "error" event. */
int host_script_open(const char *path);
/* Pushes the script's events for this frame into SDL's queue (call before host_input_poll). */
void host_script_push(uint64_t frame);
void host_script_close(void);

/* ---- host_assets.c: textures owned by the host, stable across reloads ---- */

/* Remembers where images live (made absolute) and which renderer makes textures. */
void host_assets_open(SDL_Renderer *renderer, const char *dir);
/* A new renderer (the headless surface was remade before any texture existed). */
void host_assets_set_renderer(SDL_Renderer *renderer);
/* Destroys every texture. Handles become invalid. */
void host_assets_close(void);

/* The texture / texture_size services (see host_services). */
game_texture host_assets_texture(const char *name);
game_texture host_assets_texture_keyed(const char *name, uint32_t key_rgba);
void host_assets_texture_size(game_texture tex, int *w, int *h);
/* The SDL texture behind a handle, or NULL for 0 or an unknown handle. */
SDL_Texture *host_assets_sdl(game_texture tex);
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

/* ---- host_audio.c: sounds, voices and music, mixed on SDL's audio thread ---- */

/* What the mixer makes: float stereo, interleaved, at this rate; and how many voices play at
 * once (a play when all are busy takes the quietest, the oldest of equals). */
#define HOST_AUDIO_RATE 48000
#define HOST_AUDIO_VOICES 64

/* Where host_audio_open sends the mix. */
enum {
    HOST_AUDIO_DEVICE = 0, /* SDL's audio device: the driver SDL_AUDIODRIVER names, or SDL's pick */
    HOST_AUDIO_HEADLESS,   /* the same, but SDL_AUDIODRIVER=dummy unless it is set (--headless) */
    HOST_AUDIO_CALLER,     /* no device: the caller runs host_audio_mix (tests, benchmarks) */
};

/* Opens sound. assets_dir: where sound files are (absolute: host_assets_dir). Returns 0, or -1
 * after a "sound-off" event: no audio device could be opened, and every sound call is a silent
 * no-op from then on (handles are still handed out, the same ones as with sound, so the game's
 * state does not depend on a sound card). Call host_audio_close() either way. */
int host_audio_open(const char *assets_dir, int mode);
/* Stops the device, frees every sound and track. Handles become invalid. */
void host_audio_close(void);

/* The sound / play / voice_set / voice_stop / music services (see host_services). */
game_sound host_audio_sound(const char *name);
game_voice host_audio_play(game_sound sound, float volume, float pan, float pitch, int loop);
void host_audio_voice_set(game_voice voice, float volume, float pan, float pitch);
void host_audio_voice_stop(game_voice voice);
void host_audio_music(const char *name, float fade_seconds);
/* Stops every voice and the music at once (F5: a fresh game holds no voice handle). */
void host_audio_stop_all(void);
/* Where the game is on its timeline of updates: host_time.c says it before every update (the
 * count of updates behind the state the game holds) and after every rewind step (one less).
 * Voices remember the update that started them; going back stops those started by the
 * updates taken back, whose handles the state no longer holds. */
void host_audio_timeline(uint64_t update);
/* Reloads the sounds and the music read from these files, keeping their handles; voices
 * playing them go on with the new samples (a host_assets_listener). */
void host_audio_files_changed(const char *const *names, int count);
/* Mixes the next frames of sound into out (frames * 2 floats): what the audio thread runs.
 * Only with HOST_AUDIO_CALLER may anyone else call it. */
void host_audio_mix(float *out, int frames);

/* ---- host_audio_out.c: --audio-out, the sound written in update time ---- */

/* Frames of sound that stand for one update (1/60 s). */
#define HOST_AUDIO_UPDATE_FRAMES (HOST_AUDIO_RATE / 60)

/* Opens FILE for the mix (host_audio_open must have been called with HOST_AUDIO_CALLER).
 * Returns 0, or -1 after an "error" event. */
int host_audio_out_open(const char *path);
/* After an update: mixes HOST_AUDIO_UPDATE_FRAMES frames and appends them to the file. A write
 * that fails gives one "sound-off" event and ends the writing. No-op when nothing is open. */
void host_audio_out_update(void);
/* Closes the file (if any). */
void host_audio_out_close(void);

/* ---- host_audio_file.c: sound files made ready for the mixer ---- */

/* A whole sound: frames of float stereo at HOST_AUDIO_RATE, interleaved, malloc'ed. */
typedef struct host_audio_data {
    float *samples; /* frames * 2 floats; NULL when frames is 0 */
    uint32_t frames;
} host_audio_data;

/* A music file being played: an OGG decoded a little at a time, or a WAV decoded whole. */
typedef struct host_audio_stream {
    struct stb_vorbis *vorbis; /* the OGG's decoder, NULL for a WAV */
    unsigned char *bytes;      /* the OGG file, which the decoder reads */
    void *arena;               /* the decoder's memory */
    host_audio_data data;      /* the WAV's samples */
    int rate, channels;        /* of what host_audio_stream_frame reads (WAV: HOST_AUDIO_RATE) */
    float **planes;            /* the decoder's last frame, one array per channel */
    uint32_t at, have;         /* the next sample of planes and how many it holds (WAV: of data) */
} host_audio_stream;

/* Reads and decodes a WAV or OGG file (told by its first bytes) into out. Returns 0, or -1 with
 * the reason in why: missing, empty, truncated, not WAV or OGG, undecodable. */
int host_audio_file_load(const char *path, host_audio_data *out, char *why, size_t why_size);
/* Opens a WAV or OGG file for host_audio_stream_frame. 0, or -1 with the reason in why. */
int host_audio_file_open_stream(const char *path, host_audio_stream *out, char *why,
                                size_t why_size);
void host_audio_file_close_stream(host_audio_stream *stream);
/* The stream's next frame (left, right; a mono file gives the same to both), from its start
 * again after its end. Returns 0 when it has nothing to play. Allocates nothing: the audio
 * thread calls it. */
int host_audio_stream_frame(host_audio_stream *stream, float frame[2]);

/* ---- host_files.c: the game's own files (read_file, write_file) ---- */

/* Names given to the file services resolve against project_dir (made absolute). */
void host_files_open(const char *project_dir);
/* The read_file / write_file services (see host_services). */
int64_t host_files_read(const char *name, void *buf, uint64_t size);
int host_files_write(const char *name, const void *data, uint64_t size);

/* ---- host_draw.c: the drawing services and the host's own screens ---- */

/* Routes the drawing services to renderer (NULL: drawing does nothing). */
void host_draw_bind(SDL_Renderer *renderer);

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

/* ---- host_font.c: TrueType fonts owned by the host, stable across reloads ---- */

/* Remembers which renderer makes the atlases (fonts are read from host_assets_dir(), after
 * host_assets_open) and listens for saved fonts. */
void host_font_open(SDL_Renderer *renderer);
/* A new renderer (the headless surface was remade before any font existed). */
void host_font_set_renderer(SDL_Renderer *renderer);
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

/* ---- host_guard_posix.c (every signal handler of the process), host_guard_win32.c ---- */

/* host_guard_call's answer when the watchdog interrupted a call that ran too long. */
#define HOST_GUARD_HANG 1000
/* Asks the thread in a guarded game call to jump out of it if it is running game code
 * (POSIX: a signal to it, whose handler looks at the PC; Windows: the thread is suspended
 * and its context looked at). Called on the watchdog thread, again and again until the
 * call ends or the grace runs out. */
void host_guard_interrupt(void);

/* Installs the crash handlers (on an alternate stack), the watchdog's handler and the
 * SIGINT/SIGTERM quit handler. Returns 0, or -1 with errno set. */
int host_guard_install(void);
/* Puts back the handlers that were there before, frees this thread's alternate stack. */
void host_guard_uninstall(void);
/* Gives the calling thread its own alternate signal stack and reads its stack bounds (which
 * tell a stack overflow; host_guard_install does both for the main thread); call on every
 * other thread that calls game code. 0 or -1. */
int host_guard_thread_init(void);
void host_guard_thread_end(void);

/* Publishes the game library's code ranges: the watchdog jumps out of a hung call only when
 * it stopped inside them. Call after every load (count 0 while nothing is loaded). */
void host_guard_set_code(const hr_range *ranges, int count);

/* 1 once SIGINT or SIGTERM arrived. */
int host_guard_quit_requested(void);
/* 1 once after each SIGUSR1 (a screenshot of the next frame, play goes on). */
int host_guard_screenshot_requested(void);

/* Runs fn(arg) with the crash guard armed on this thread. Returns 0, the signal number that
 * stopped it, or HOST_GUARD_HANG (fn did not finish). Not reentrant. */
int host_guard_call(void (*fn)(void *arg), void *arg);

/* The fault address and the instruction of the last call stopped on this thread. The address
 * is only meaningful when host_guard_fault_has_address() is 1: a fault the kernel raised at an
 * address, not a signal sent by a process (abort, raise, kill). */
void *host_guard_fault_address(void);
int host_guard_fault_has_address(void);
/* 1 if the last crash on this thread was a stack overflow: a SIGSEGV in or just below the
 * thread's stack, or by its stack pointer. */
int host_guard_fault_is_stack_overflow(void);
void *host_guard_fault_pc(void);
/* The return addresses on the stack at the last crash (none for a hang), innermost first. */
int host_guard_fault_frames(void *const **frames);
/* 1 if pc lies in the game library's code (see host_guard_set_code). */
int host_guard_in_game_code(const void *pc);

/* Exit code of a host ended by code of an unloaded build called from outside any game call. */
#define HOST_EXIT_STALE_CODE 4
/* Remembers the code ranges of a build that was just unloaded (version: its load number) and
 * keeps their addresses reserved with no access, so that a stale callback or function pointer
 * into it always faults and is recognised (up to 32 ranges; the oldest is let go). */
void host_guard_add_gone(const hr_range *ranges, int count, unsigned version);
/* Lets every reserved range go (at exit). */
void host_guard_release_gone(void);
/* Called inside the signal handler when stale code ran outside a game call, right before the
 * process ends: async-signal-safe work only (no stdio, no malloc). Writes the event fields it
 * adds ("state-saved=FILE") into fields and returns 1, or returns 0 (nothing to add). */
typedef int (*host_guard_stale_fn)(char *fields, size_t size);
/* game_name: the library the user built ("game.so"), for the crash line; hook may be NULL. */
void host_guard_on_stale(const char *game_name, host_guard_stale_fn hook);
/* The load number of the unloaded build the last crash on this thread was in (its code ran,
 * or its memory was read), or 0. */
unsigned host_guard_fault_stale_build(void);

/* "SIGSEGV", "hang" and friends. */
const char *host_guard_signal_name(int sig);

/* ---- host_dirty_posix.c: which pages of the state block were written ---- */

/* Blocks at least this big are tracked (smaller ones are cheaper to compare and copy). */
#define HOST_DIRTY_MIN ((uint64_t)256 << 10)

/* Write-protects block (size bytes, page-aligned, its last page wholly the block's) and from
 * now on records the first write to each page. Tracks one block at a time (a new one lets the
 * old one go). Returns 0, or -1 when it cannot (unaligned, out of address space): the callers
 * then compare and copy. */
int host_dirty_track(void *block, uint64_t size);
/* Lets block go if it is the tracked one: every page writable again. Call before freeing it. */
void host_dirty_forget(const void *block);
/* 1 if block is the tracked block. */
int host_dirty_is_tracking(const void *block);
/* The tracker's page size (0 before the first host_dirty_track). */
size_t host_dirty_page_size(void);
/* For host_guard_posix.c's fault handler: a write to a protected page of the tracked block is
 * recorded and let through (returns 1); anything else returns 0. Async-signal-safe. */
int host_dirty_on_fault(const void *addr);
/* A game call begins: the pages it writes are kept as they were from here on. */
void host_dirty_call_begin(void);
/* The call ended; undo 1 puts back every page it wrote (a crash or hang). */
void host_dirty_call_end(int undo);
/* The pages written since the last host_dirty_history_mark (SIZE_MAX when there was none since
 * the block was tracked): their indices in *pages, page i's image from the mark at *images +
 * i * page size. Valid until the next mark. */
size_t host_dirty_history(const uint32_t **pages, const unsigned char **images);
/* The block as it is now is the next rewind record's base: the written pages are forgotten. */
void host_dirty_history_mark(void);
/* The kernel is about to write size bytes at p (read(2) into a game buffer): the tracked
 * block's pages there are recorded and unprotected first, else the call fails with EFAULT. */
void host_dirty_will_write(void *p, uint64_t size);

/* ---- host_crash_where_*.c: where the last crash on this thread happened ---- */

/* Writes "FUNCTION FILE:LINE in LIBRARY+0xOFFSET" for the last call the guard stopped (the
 * game's own frame when libc faulted for it). A library inside copy_dir (the core's private
 * directory, hr_temp_dir) is a copy of the game and is named game_file, the file the user built
 * ("game.so"). Call right after host_guard_call returned non-zero. */
void host_crash_where(char *out, size_t size, const char *copy_dir, const char *game_file);

/* ---- host_watchdog.c: a thread that notices hung game calls and a stalled host ---- */

/* Exit code of a host that ended itself because it was stuck beyond recovery. */
#define HOST_EXIT_STUCK 3

/* Starts the watchdog thread. budget_ms: a game call running longer is interrupted (0 turns
 * the watchdog off); grace_ms: how long it keeps trying before it ends the process; stall_ms:
 * a frame loop that does not advance for this long ends the process. 0 or -1. */
int host_watchdog_start(int budget_ms, int grace_ms, int stall_ms);
void host_watchdog_stop(void);
/* Marks the start and the end of a guarded game call on this thread (name: the hook). */
void host_watchdog_enter(const char *name);
void host_watchdog_leave(void);
/* The frame loop is alive (call once per frame). */
void host_watchdog_frame(void);
/* 1 while the watchdog is interrupting the current call (async-signal-safe). */
int host_watchdog_is_firing(void);
/* Called on the watchdog thread just before a stuck host exits, while the main thread is still
 * stuck: last_words may save what it can (with plain system calls only) and write fields for
 * the "stuck" event into fields (size bytes); it returns 1 if it wrote any. Set it before
 * host_watchdog_start. */
void host_watchdog_on_stuck(int (*last_words)(char *fields, size_t size));

/* ---- host_game.c: the game library, the state block, every call into game code ---- */

/* Opens the library through hr and, if a good build is there, creates the state and calls
 * init. Without one the host shows a waiting screen until a good build appears.
 * Returns 0, or -1 when out of memory. */
int host_game_open(const host_args *args, SDL_Renderer *renderer);

/* Called at the first load, before init, with what the game would like its window to be. */
void host_game_on_window(void (*hook)(const game_window *want));
/* The renderer and drawing area the services hand the game (after host_video_apply, or a
 * resized window of a GAME_SCALE_NONE game). */
void host_game_set_view(SDL_Renderer *renderer, int width, int height);

/* Looks for a new build and reloads it (call once per frame). Returns 1 when a new build was
 * loaded and runs from now on. */
int host_game_check(void);
/* 1 while a new build is in its pre-flight: looking again at the end of the frame loads it
 * before the next update instead of a frame later. */
int host_game_is_checking(void);
/* F5: shuts the game down, loads the newest build and starts it with a fresh state. */
void host_game_reset(void);
/* One fixed step; frame is the host's frame counter. */
void host_game_update(const game_input *input, uint64_t frame);
/* Draws the game, or the waiting/crashed screen, plus the status bar. */
void host_game_render(void);
/* Calls shutdown, frees the state block, closes the library (removes its temp copies). */
void host_game_close(void);

/* The layout a state block was made for (the game_api fields of the build that made it). */
typedef struct host_game_layout {
    uint64_t size;    /* state_size */
    uint32_t version; /* state_version */
    uint64_t hash;    /* state_hash; 0 = not checked */
} host_game_layout;

/* The live state block and its layout (layout may be NULL), or NULL while there is none or
 * init has not finished on it. Owned by host_game.c: valid until the next host_game_* call
 * (a reload may migrate it into a new block). Callers may write an earlier copy of the same
 * layout into it (rewind); a game stopped by a crash stays stopped until a new build loads. */
void *host_game_state(host_game_layout *layout);
/* The live block's layout read from the build's debug information (host_layout.h), or NULL
 * with the reason in why: no game yet, no state_type, no debug information. Owned by
 * host_game.c: valid until the next build loads. */
const struct host_layout *host_game_live_layout(char *why, size_t why_size);
/* 1 while updates run: a build is loaded, the state is initialised, no crash stopped it. */
int host_game_is_running(void);
/* Puts a saved block (a state file, a recording's snapshot) into the live one: copied when
 * the layout matches, else converted by the loaded build's migrate hook (under the crash
 * guard) or, when the game exports none and both layouts are known, by field name
 * (host_layout_migrate). layout_text: the saved block's layout as host_layout_text, or NULL
 * (not known: a format 2 file, a build without debug information); with it and the live
 * layout known, the fields decide whether the layouts differ, not the hashes.
 * Returns 0 (copied), 1 (migrated: the live block is a new one; note holds the field-level
 * difference, "" when a layout is not known), or -1 with the reason in note (no game
 * running, the layout differs and no migration takes it: the field it stopped at is named);
 * the live block is then untouched. from_file: the file the block was read from, or NULL. A
 * block from a file may hold what is not valid in this process (raw pointers of the process
 * that saved it): a crash in the game's first second on it is blamed on the file, not the
 * build (see HOST_GAME_SUSPECT_FRAMES). */
int host_game_adopt(const void *block, const host_game_layout *layout, const char *layout_text,
                    const char *from_file, char *note, size_t note_size);
/* The canonical text of the live state's layout (host_layout_text), "" when it is not known
 * (no state_type, no debug information). Valid until the next reload; plain reads only, so
 * the watchdog thread may call it. */
const char *host_game_layout_text(void);
/* F6: loads the current build again now, whether it changed or not; the state is kept. */
void host_game_force_reload(void);
/* The host's frame counter, once per frame whether updates run or not (paused, stopped by a
 * crash): the status bar's time runs on it. */
void host_game_frame(uint64_t frame);

/* ---- host_time.c: how many updates a frame runs (pause, step, speed, rewind) ---- */

/* Sets the clock from --pause / --speed and the frame rate fps (video.fps), and opens the record,
 * rewind and state-file modules. Returns 0. */
int host_time_open(const host_args *args, int fps);
/* Acts on this frame's HOST_INPUT_* bits (F2-F4, F5's effect on a loop, F7-F12) and runs this
 * frame's updates (0 to 4, or one step) on live or recorded input. Call after
 * host_game_check(), before host_game_render(). */
void host_time_frame(unsigned actions, const game_input *live, uint64_t frame);
/* Writes --record / --save-state files still due, frees the history. */
void host_time_close(void);

/* ---- host_record.c: recording and looped playback (F2, F3, --record, --replay) ---- */

/* Remembers --record and loads --replay (played once the game runs). Returns 0, or -1 after a
 * "record-refused" event (the host then plays live). */
int host_record_open(const host_args *args);
/* F2: start recording (snapshot now), or stop and loop what was recorded. */
void host_record_toggle(void);
/* Leaves the loop or drops the recording (F3, F5, rewind); reason goes into the event. */
void host_record_live(const char *reason);
/* The input the next update gets: live (recorded while recording) or the loop's next one
 * (putting the snapshot back first when the loop starts over). Valid until the next call. */
const game_input *host_record_input(const game_input *live);
/* 1 when --replay was given and its recording could not play (a bad file, or a layout the
 * game's migrate does not take): a regression run that did not run must not pass. */
int host_record_replay_failed(void);
/* Writes a recording still due to --record, frees everything. */
void host_record_close(void);

/* ---- host_rewind.c: the rewind history (F12, --rewind-seconds) ---- */

/* Keeps up to seconds * 60 snapshots (0: none). Returns 0, or -1 when out of memory. */
int host_rewind_open(int seconds);
void host_rewind_close(void);
/* Adds the block as the newest snapshot (a new layout starts the history over). Returns 0, or
 * -1 when out of memory for a new layout's buffers (nothing is kept for it). */
int host_rewind_push(const void *block, const host_game_layout *layout);
/* Writes the snapshot before the newest one into block (or the newest one, if block changed
 * since it was pushed). Returns 1, or 0 when there is nothing older (block unchanged). */
int host_rewind_step(void *block, const host_game_layout *layout);
/* Snapshots that can still be stepped back to, and the bytes the history holds. */
int host_rewind_available(void);
size_t host_rewind_memory(void);

/* ---- host_state_file.c: the state block and recordings on disk ---- */

#define HOST_STATE_DEFAULT_PATH "livehost.state" /* F4 / F9 without --save-state */

enum {
    HOST_STATE_FILE_STATE,
    HOST_STATE_FILE_RECORDING
};

/* What a state file or a recording holds. */
typedef struct host_state_data {
    host_game_layout layout; /* of the block */
    void *state;             /* layout.size bytes */
    game_input *inputs;      /* a recording's inputs, one per update; NULL in a state file */
    uint64_t input_count;    /* entries in inputs */
    char *layout_text;       /* the block's layout as host_layout_text, owned; NULL: not known */
} host_state_data;

/* Writes data as kind (HOST_STATE_FILE_*) to path (through path.tmp and a rename).
 * Returns 0, or -1 with the reason in why. */
int host_state_file_write(const char *path, int kind, const host_state_data *data, char *why,
                          size_t why_size);
/* Reads and checks a file of that kind into out (the caller frees it with
 * host_state_file_free). Returns 0, or -1 with the reason in why (out is then empty). Whether
 * the layout suits the game is host_game_adopt()'s question. */
int host_state_file_read(const char *path, int kind, host_state_data *out, char *why,
                         size_t why_size);
void host_state_file_free(host_state_data *data);
/* Remembers the file names of --save-state and --load-state. */
void host_state_open(const host_args *args);
/* F4 / F9, and --load-state as soon as the game runs. */
void host_state_frame(unsigned actions);
/* --save-state: writes the block at exit. */
void host_state_close(void);
/* --save-state for a host that ends itself stuck: writes the live block with open/write/rename
 * only (safe on the watchdog thread while the main thread is stuck) and puts
 * "state-saved=FILE" or "state-save-failed=FILE" into fields (size bytes). Returns 1, or 0
 * when there is nothing to save (no --save-state, no game running). */
int host_state_save_stuck(char *fields, size_t size);

/* ---- host_build.c: the host runs the build on every save (--watch-dir, --build-cmd) ---- */

/* Watches args->watch_dirs unless --no-build, and starts the build at start (run in
 * args->project_dir, like every build; host_build_is_running() tells when it ended). Returns 0,
 * or -1 after a "build-off" event (nothing to watch: the host still reloads external builds). */
int host_build_open(const host_args *args);
/* Notes saves, starts a build once a save has settled, collects a finished one (once per frame,
 * and after host_build_wait; never blocks). Returns 1 when a new library may be in place: the
 * build renamed it there, or a build ended. */
int host_build_poll(void);
/* Sleeps up to timeout_ms, less when a save comes in, a pending build is due, the build's
 * library lands or its output arrives or ends. Returns 1 when host_build_poll has something to
 * do, 0 when the time ran out with nothing new (an idle frame adds no read). Without host
 * builds, a plain sleep. */
int host_build_wait(int timeout_ms);
/* 1 while a build runs. */
int host_build_is_running(void);
/* Stops a running build (its whole process group) and closes the watch. */
void host_build_close(void);

/* ---- host_build_output.c: a failed build's output, made readable ---- */

/* Picks the compiler's messages out of a build's output text: errors first, in order, then the
 * other diagnostics (warnings, notes); without any, the last lines (make's own complaint).
 * Writes them to messages (size bytes), counts the errors into *errors and writes the first as
 * "file:line: message" to first (first_size bytes). */
void host_build_summarize(const char *text, char *messages, size_t size, int *errors, char *first,
                          size_t first_size);
/* The compiler's warnings in a build's output: their lines to messages (size bytes), the first
 * to first (first_size bytes). Returns how many there are. */
int host_build_warnings(const char *text, char *messages, size_t size, char *first,
                        size_t first_size);

/* ---- host_source.c: the source lines around a compiler message ---- */

/* Reads the file a compiler message names ("game/game.c:67:5: error: ..."; a relative name is
 * looked for under root, the watched directories' parents and the watched directories, the
 * places a build may have compiled it from, preferring a file inside a watched directory) and
 * writes the lines around that line to out (size bytes), one per line as " 65 | text", the
 * message's line as "> 67 | text". Returns how many lines it wrote, 0 when the message names
 * no line of a readable file. */
int host_source_excerpt(const char *message, const char *root, const char *const *watched,
                        int watched_count, char *out, size_t size);

/* ---- host_overlay.c: the in-window overlay (F1, --overlay, --no-overlay) ---- */

void host_overlay_open(const host_args *args);
/* The drawing area changed size. */
void host_overlay_resize(int width, int height);
void host_overlay_close(void);
/* F1. */
void host_overlay_toggle(void);
int host_overlay_is_visible(void);
/* A host_event_listener (main adds it): problems to show, good builds that clear them. */
void host_overlay_on_event(const host_event_data *event);
/* From host_build.c. count and messages: a failed build's errors and compiler lines (errors
 * first), a good build's warnings and their lines; changed_ns and started_ns: the save and the
 * build's start (CLOCK_MONOTONIC). */
void host_overlay_build_started(void);
void host_overlay_build_finished(int ok, double ms, int count, const char *messages,
                                 uint64_t changed_ns, uint64_t started_ns);
/* Frame timing: at the top of the frame, and around host_game_check(). */
void host_overlay_frame_begin(void);
void host_overlay_check_begin(void);
void host_overlay_check_end(void);
/* Draws the overlay over the frame (after the game and the host's screens, before present). */
void host_overlay_render(void);

/* What the overlay shows of the game (host_game.c): the loaded build and the last load's
 * phases (hr_last_timing). */
typedef struct host_game_info {
    unsigned version;      /* hr_version: successful loads so far */
    uint64_t state_size;   /* bytes of the live state block, 0 while there is none */
    uint64_t copy_ns;      /* copying the build into the private directory */
    uint64_t check_ns;     /* its structural check */
    uint64_t preflight_ns; /* the separate-process load */
    uint64_t load_ns;      /* dlopen, symbol lookups and validate, dlclose of the old copy */
} host_game_info;
void host_game_info_get(host_game_info *out);

#endif /* HOST_H */
