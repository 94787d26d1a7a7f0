/* host_args.h - the command line: the options the host runs with (host_args.c parses them).
 */
#ifndef HOST_ARGS_H
#define HOST_ARGS_H

#define HOST_WATCH_DIRS_MAX 16
#define HOST_KEYS_MAX 16 /* --key options */
/* A project's build: flock keeps it from running at the same moment as another build of the
 * project's; -j%ld: one compiler per processor online (host_args.c puts the number in);
 * -Otarget keeps each compiler's messages together; `[ -d build ]` is the shell's own test,
 * so no mkdir is started per build. */
#ifdef _WIN32
/* Windows: cmd.exe runs it; mingw32-make is the MinGW toolchain's make (MSYS2's mingw64), and
 * `make win`'s rule writes the game DLL under build/win/. No flock there: one build at a time
 * is the user's care. */
#define HOST_BUILD_CMD_DEFAULT "mingw32-make -s -j%ld -Otarget build/win/game.dll"
#define HOST_GAME_LIBRARY "build/win/game.dll" /* a project's game, from its root */
#define HOST_PREFLIGHT_NAME "hr-preflight.exe"
#else
#define HOST_BUILD_CMD_DEFAULT                                                                     \
    "[ -d build ] || mkdir -p build; flock build/.game-build.lock make -s -j%ld -Otarget "         \
    "build/game.so"
#define HOST_GAME_LIBRARY "build/game.so" /* a project's game, from its root */
#define HOST_PREFLIGHT_NAME "hr-preflight"
#endif

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

#endif /* HOST_ARGS_H */
