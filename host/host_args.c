/* host_args.c - the host's command line: flags, their defaults and --help.
 * Owns nothing but the host_args it fills; every flag is listed once, in the usage text.
 * Never exits the process itself: main decides what a parse result means.
 */
#include "host.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How the host was called ("livehost" installed, "host" in the tree): usage and errors say it. */
static const char *program_name = "livehost";

/* After "usage: PROGRAM [options]" and "PROGRAM new DIR ...". */
static const char usage[] =
    "Runs a game library and reloads it whenever a new build of it appears.\n"
    "\n"
    "  --game PATH        game library to load and watch (default build/game.so; an installed\n"
    "                     host run outside a project, with no game/ here, runs the demo in\n"
    "                     PREFIX/share/livehost/game.so)\n"
    "  --assets DIR       directory the game's images are loaded from (default assets; outside\n"
    "                     a project, an installed host's PREFIX/share/livehost/assets)\n"
    "  --headless         no window: render into memory with the same drawing code\n"
    "                     (sets SDL_VIDEODRIVER=dummy unless it is set)\n"
    "  --frames N         exit after N frames; 0 runs until closed (default 0)\n"
    "  --screenshot PATH  at exit, save the last frame: .png, anything else .bmp; kill -USR1\n"
    "                     saves the next one there at any time (default then livehost.png)\n"
    "  --width W          drawing area width in pixels (default 640)\n"
    "  --height H         drawing area height in pixels (default 360)\n"
    "  --reset            when a new build changes the state layout and cannot migrate it,\n"
    "                     restart the game with a fresh state instead of refusing the build\n"
    "  --watchdog-ms N    a game call running longer than N ms is interrupted like a crash\n"
    "                     (default 500; 0 turns the watchdog off)\n"
    "  --stall-ms N       end the host (exit code 3) when its frame loop stops advancing for\n"
    "                     N ms outside game code (default 10000; 0 = never)\n"
    "  --script FILE      scripted key presses by frame, e.g. \"120 key F5\" (see README)\n"
    "  --pause            start with the game's clock paused (F7 resumes, F8 steps)\n"
    "  --speed X          game speed: 0.25, 0.5, 1, 2 or 4 (default 1); updates stay 1/60 s,\n"
    "                     slower runs one every 2nd/4th frame, faster 2 or 4 per frame\n"
    "  --record FILE      write the F2 recording to FILE when its loop starts (or at exit)\n"
    "  --replay FILE      loop the recording in FILE (its state, then its inputs) from the start;\n"
    "                     exit code 1 if it cannot play\n"
    "  --rewind-seconds N keep N seconds of snapshots to rewind with F12 (default 5; 0 = none)\n"
    "  --save-state FILE  write the state block to FILE at exit; F4 and F9 use FILE too\n"
    "                     (default for F4 and F9: livehost.state in the current directory)\n"
    "  --load-state FILE  load the state block from FILE as soon as the game runs\n"
    "  --overlay          show the overlay (F1) from the start\n"
    "  --no-overlay       do not open the overlay by itself when something is wrong\n"
    "                     (default: it opens on a failed build, crash or hang)\n"
    "  --watch-dir DIR    run the build command on every save under DIR; repeatable\n"
    "                     (default: game and include, when they exist)\n"
    "  --build-cmd CMD    the build command, run by /bin/sh -c after a save\n"
    "                     (default \"" HOST_BUILD_CMD_DEFAULT "\")\n"
    "  --no-build         do not run builds: reload only what another build writes\n"
    "                     (implied by --game PATH without --build-cmd or --watch-dir)\n"
    "  --help             print this help and exit\n"
    "  --version          print the release and the game_api.h version, and exit\n"
    "\n"
    "Keys: F5 restarts the game with a fresh state (loading the newest build).\n"
    "F1 shows or hides the overlay: frame time, build, state size, where the time of the\n"
    "last change went, compiler errors, crashes and hangs.\n"
    "F2 starts recording; F2 again loops the recording (every new build plays the same\n"
    "moment); F3 leaves the loop. F4 saves the state, F9 loads it, F6 reloads the build now.\n"
    "F7 pauses or resumes, F8 runs one update while paused, F10 cycles slow motion (1/2x,\n"
    "1/4x), F11 fast forward (2x, 4x); holding F12 rewinds one update per frame.\n"
    "Every new build is first loaded by hr-preflight, in a process of its own, when that\n"
    "program sits beside the host (make builds both), so a crashing constructor cannot\n"
    "take the host down.\n"
    "One time step of 1/60 s per frame; a window runs at 60 frames per second, and so does\n"
    "--headless with --frames 0, while --headless with --frames N runs as fast as it can.\n"
    "Events are printed on stderr, one line each: \"livehost: <event> key=value ...\".\n";

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
bad(const char *fmt, ...)
{
    char why[256], quoted[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    host_event("error", "reason=%s", host_event_quote(quoted, sizeof quoted, why));
    fprintf(stderr, "Try '%s --help'.\n", program_name);
    return HOST_ARGS_EXIT_ERROR;
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* --speed: 0.25, 0.5, 1, 2 or 4, kept as quarters (1, 2, 4, 8, 16). */
static int parse_speed(const char *text, int *quarters)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end)
        return -1;
    for (int q = 1; q <= 16; q *= 2) {
        if (v == q / 4.0) {
            *quarters = q;
            return 0;
        }
    }
    return -1;
}

/* The running host's own file ("build/host", "/usr/local/bin/livehost"), found through /proc
 * so that a host started through $PATH finds its files too; NULL if unknown. */
static const char *exe_path(const char *program)
{
    static char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n > 0) {
        path[n] = 0;
        return path;
    }
    return program && strchr(program, '/') ? program : NULL;
}

/* The directory the host's own file is in ("build", "/usr/local/bin"), or NULL. */
static const char *exe_dir(const char *program)
{
    static char dir[4096];
    const char *path = exe_path(program);
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return NULL;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return dir;
}

/* dir/name if that exists (with the given access mode), else NULL. */
static const char *beside(const char *dir, const char *name, int mode)
{
    static char paths[3][4096];
    static int next;
    if (!dir)
        return NULL;
    char *path = paths[next++ % 3];
    int n = snprintf(path, sizeof paths[0], "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof paths[0] || access(path, mode) != 0)
        return NULL;
    return path;
}

/* Defaults that depend on where the host runs: in a project (this tree, or one made by
 * `livehost new`: it has game/ or build/game.so), build/game.so and assets/, built by the host
 * when missing; anywhere else an installed host (make install) runs the demo game and images
 * under PREFIX/share/livehost. The pre-flight program always sits beside the host. Builds run
 * by the host are on when they can produce the library it loads: the default game, or a
 * --build-cmd / --watch-dir of the user's. */
static void resolve_defaults(host_args *args, const char *program, int game_given, int assets_given,
                             int build_given)
{
    const char *dir = exe_dir(program);
    const char *shared;
    if (HOST_RELEASE) {
        /* A shipped build: the game is this program (--game cannot name another), its
         * images are beside it wherever it is started from, nothing is built or loaded. */
        static char assets[4096 + sizeof "/assets"]; /* exe_dir's buffer, and the name */
        const char *exe = exe_path(program);
        if (exe)
            args->game_path = exe;
        if (!assets_given && dir) {
            snprintf(assets, sizeof assets, "%s/assets", dir);
            args->assets_dir = assets;
        }
        args->no_build = 1;
        return;
    }
    const int in_project = access(args->game_path, F_OK) == 0 || access("game", F_OK) == 0;
    args->preflight = beside(dir, "hr-preflight", X_OK);
    if (!game_given && !in_project &&
        (shared = beside(dir, "../share/livehost/game.so", R_OK)) != NULL)
        args->game_path = shared;
    if (!assets_given && !in_project && access(args->assets_dir, F_OK) != 0 &&
        (shared = beside(dir, "../share/livehost/assets", R_OK)) != NULL)
        args->assets_dir = shared;
    if (game_given && !build_given && !args->watch_dir_count)
        args->no_build = 1;
}

int host_args_parse(host_args *args, int argc, char **argv)
{
    *args = (host_args){
        .game_path = "build/game.so",
        .assets_dir = "assets",
        .width = 640,
        .height = 360,
        .watchdog_ms = 500,
        .stall_ms = 10000,
        .rewind_seconds = 5,
        .build_cmd = HOST_BUILD_CMD_DEFAULT,
    };
    int game_given = 0, assets_given = 0, build_given = 0;
    if (argc >= 1 && argv[0][0]) {
        const char *slash = strrchr(argv[0], '/');
        program_name = slash ? slash + 1 : argv[0];
    }
    if (!HOST_RELEASE && argc >= 2 && strcmp(argv[1], "new") == 0) {
        if (argc != 3)
            return bad("'new' wants one directory: livehost new DIR");
        const char *exe = exe_path(argv[0]);
        args->new_dir = argv[2];
        args->exe_path = exe ? exe : argv[0];
        return HOST_ARGS_NEW;
    }
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            printf("usage: %s [options]\n"
                   "       %s new DIR     write a new game project into DIR (then: cd DIR && %s)\n",
                   program_name, program_name, program_name);
            fputs(usage, stdout);
            return HOST_ARGS_EXIT_OK;
        }
        if (strcmp(flag, "--version") == 0) {
            printf("livehost %s (game_api.h version %d)\n", LIVEHOST_VERSION, GAME_API_VERSION);
            return HOST_ARGS_EXIT_OK;
        }
        if (strcmp(flag, "--headless") == 0) {
            args->headless = 1;
            continue;
        }
        if (strcmp(flag, "--reset") == 0) {
            args->reset = 1;
            continue;
        }
        if (strcmp(flag, "--pause") == 0) {
            args->paused = 1;
            continue;
        }
        if (strcmp(flag, "--overlay") == 0 || strcmp(flag, "--no-overlay") == 0) {
            args->overlay = strcmp(flag, "--overlay") == 0 ? 1 : -1;
            continue;
        }
        if (strcmp(flag, "--no-build") == 0) {
            args->no_build = 1;
            continue;
        }
        if (strcmp(flag, "--watch-dir") == 0 || strcmp(flag, "--build-cmd") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return bad("option '%s' needs a value", flag);
            if (strcmp(flag, "--build-cmd") == 0) {
                args->build_cmd = argv[++i];
                build_given = 1;
                continue;
            }
            if (args->watch_dir_count == HOST_WATCH_DIRS_MAX)
                return bad("at most %d --watch-dir options", HOST_WATCH_DIRS_MAX);
            args->watch_dirs[args->watch_dir_count++] = argv[++i];
            continue;
        }
        const char *const with_value[] = { "--game",           "--assets",      "--screenshot",
                                           "--frames",         "--width",       "--height",
                                           "--script",         "--watchdog-ms", "--stall-ms",
                                           "--record",         "--replay",      "--speed",
                                           "--rewind-seconds", "--save-state",  "--load-state" };
        int known = 0;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
            known |= strcmp(flag, with_value[k]) == 0;
        if (!known)
            return bad("unknown option '%s'", flag);
        if (i + 1 >= argc)
            return bad("option '%s' needs a value", flag);
        const char *value = argv[++i];
        long n = 0;
        if (strcmp(flag, "--game") == 0) {
            args->game_path = value;
            game_given = 1;
        } else if (strcmp(flag, "--assets") == 0) {
            args->assets_dir = value;
            assets_given = 1;
        } else if (strcmp(flag, "--script") == 0) {
            args->script = value;
        } else if (strcmp(flag, "--screenshot") == 0) {
            args->screenshot = value;
        } else if (strcmp(flag, "--record") == 0) {
            args->record = value;
        } else if (strcmp(flag, "--replay") == 0) {
            args->replay = value;
        } else if (strcmp(flag, "--save-state") == 0) {
            args->save_state = value;
        } else if (strcmp(flag, "--load-state") == 0) {
            args->load_state = value;
        } else if (strcmp(flag, "--speed") == 0) {
            if (parse_speed(value, &args->speed_quarters) != 0)
                return bad("--speed wants 0.25, 0.5, 1, 2 or 4, not '%s'", value);
        } else if (strcmp(flag, "--rewind-seconds") == 0) {
            if (parse_long(value, 0, 600, &n) != 0)
                return bad("--rewind-seconds wants a whole number from 0 to 600, not '%s'", value);
            args->rewind_seconds = (int)n;
        } else if (strcmp(flag, "--frames") == 0) {
            if (parse_long(value, 0, 1000000000L, &n) != 0)
                return bad("--frames wants a whole number >= 0, not '%s'", value);
            args->frames = n;
        } else if (strcmp(flag, "--watchdog-ms") == 0 || strcmp(flag, "--stall-ms") == 0) {
            if (parse_long(value, 0, 3600000L, &n) != 0)
                return bad("%s wants milliseconds from 0 to 3600000, not '%s'", flag, value);
            *(strcmp(flag, "--stall-ms") == 0 ? &args->stall_ms : &args->watchdog_ms) = (int)n;
        } else {
            if (parse_long(value, 16, 16384, &n) != 0)
                return bad("--width and --height want a whole number from 16 to 16384, "
                           "not '%s'",
                           value);
            *(strcmp(flag, "--width") == 0 ? &args->width : &args->height) = (int)n;
        }
    }
    resolve_defaults(args, argc > 0 ? argv[0] : NULL, game_given, assets_given, build_given);
    return HOST_ARGS_RUN;
}
