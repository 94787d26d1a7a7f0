/* host_args.c - the host's command line: flags, their defaults and --help, and the project the
 * defaults belong to (found upward from the current directory, as git finds its repository).
 * Owns nothing but the host_args it fills and the paths they point to (static, for the whole
 * run); every flag is listed once, in the usage text.
 * Never exits the process itself: main decides what a parse result means.
 */
#include "host.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How the host was called ("livehost" installed, "host" in the tree): usage and errors say it. */
static const char *program_name = "livehost";

/* After "usage: PROGRAM [options]" and "PROGRAM new DIR ...". */
static const char usage[] =
    "Runs a game library and reloads it whenever a new build of it appears.\n"
    "\n"
    "  --project DIR      the game project (default: the current directory or the first of\n"
    "                     its parents that holds game/ and a Makefile or build/game.so); the\n"
    "                     defaults below are its files, and the build command runs there\n"
    "  --game PATH        game library to load and watch (default PROJECT/build/game.so; an\n"
    "                     installed host run outside any project runs the demo in\n"
    "                     PREFIX/share/livehost/game.so)\n"
    "  --assets DIR       directory the game's images are loaded from (default PROJECT/assets;\n"
    "                     outside a project, an installed host's PREFIX/share/livehost/assets)\n"
    "  --headless         no window: render into memory with the same drawing code\n"
    "                     (sets SDL_VIDEODRIVER=dummy unless it is set)\n"
    "  --frames N         exit after N frames; 0 runs until closed (default 0); frames before\n"
    "                     the first build at start has loaded or failed do not count\n"
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
    "  --script FILE      scripted key presses by frame, e.g. \"120 key F5\"; \"120 inspect\"\n"
    "                     prints the state's fields, \"120 set FIELD VALUE\" edits one (see README)\n"
    "  --key ACTION=KEY   move a host key; repeatable. Actions: overlay record live save\n"
    "                     restart reload pause step load slower faster rewind fullscreen\n"
    "                     inspect; KEY is an SDL key name (F1, Escape, Tab, R...), Alt+KEY\n"
    "                     with Alt held\n"

    "  --pause            start with the game's clock paused (F7 resumes, F8 steps)\n"
    "  --vsync on|off     wait for the display's refresh at each frame (default off: the host\n"
    "                     paces the frames itself, at --fps); headless has no display: off\n"
    "  --fps N            frames per second without vsync, 1 to 1000 (default 60); updates stay\n"
    "                     1/60 s, so the game runs at the same speed at any frame rate\n"
    "  --speed X          game speed: 0.25, 0.5, 1, 2 or 4 (default 1); updates stay 1/60 s,\n"
    "                     slower runs one every 2nd/4th frame, faster 2 or 4 per frame\n"
    "  --record FILE      write the F2 recording to FILE when its loop starts (or at exit)\n"
    "  --replay FILE      loop the recording in FILE (its state, then its inputs) from the start;\n"
    "                     exit code 1 if it cannot play\n"
    "  --audio-out FILE   no audio device: write the sound to FILE (raw float stereo, 48 kHz),\n"
    "                     1/60 s of it after each update, so the same updates write the same\n"
    "                     bytes at any speed (a paused or rewinding game writes none)\n"
    "  --rewind-seconds N keep N seconds of snapshots to rewind with F12 (default 5; 0 = none)\n"
    "  --save-state FILE  write the state block to FILE at exit; F4 and F9 use FILE too\n"
    "                     (default for F4 and F9: livehost.state in the current directory)\n"
    "  --load-state FILE  load the state block from FILE as soon as the game runs\n"
    "  --overlay          show the overlay (F1) from the start\n"
    "  --no-overlay       do not open the overlay by itself when something is wrong\n"
    "                     (default: it opens on a failed build, crash or hang)\n"
    "  --watch-dir DIR    run the build command on every save under DIR; repeatable\n"
    "                     (default: PROJECT/game and PROJECT/include, when they exist);\n"
    "                     a save of PROJECT/Makefile runs it too\n"
    "  --build-cmd CMD    the build command, run by /bin/sh -c in PROJECT at start and\n"
    "                     after every save\n"
    "                     (default \"[ -d build ] || mkdir -p build; flock\n"
    "                     build/.game-build.lock make -s -jN -Otarget build/game.so\",\n"
    "                     N: the processors online)\n"
    "  --no-build         do not run builds: reload only what another build writes\n"
    "                     (implied by --game PATH without --build-cmd or --watch-dir)\n"
    "  --help             print this help and exit\n"
    "  --version          print the release and the game_api.h version, and exit\n"
    "\n"
    "Keys (--key moves them; Zylinski's template has F5 reload and F6 restart, which is\n"
    "--key reload=F5 --key restart=F6):\n"
    "F5 restarts the game with a fresh state (loading the newest build).\n"
    "F1 shows or hides the overlay: frame time, build, state size, where the time of the\n"
    "last change went, compiler errors, crashes and hangs.\n"
    "F2 starts recording; F2 again loops the recording (every new build plays the same\n"
    "moment); F3 leaves the loop. F4 saves the state, F9 loads it, F6 reloads the build now.\n"
    "F7 pauses or resumes, F8 runs one update while paused, F10 cycles slow motion (1/2x,\n"
    "1/4x), F11 fast forward (2x, 4x); holding F12 rewinds one update per frame.\n"
    "Alt+Return toggles desktop fullscreen.\n"
    "` (backquote) opens the state inspector: every field of the state and its value, live;\n"
    "Up/Down select, Enter opens an array or struct, Left/Right change a number (Shift: ten\n"
    "steps), Space flips a bool, Escape closes it. Edits are part of the state.\n"
    "Every new build is first loaded by hr-preflight, in a process of its own, when that\n"
    "program sits beside the host (make builds both), so a crashing constructor cannot\n"
    "take the host down.\n"
    "Updates of 1/60 s; a window runs at --fps frames per second (60), each running as many\n"
    "updates as the time it stands for (2 at 30 fps, one every 2nd frame at 120); so does\n"
    "--headless with --frames 0, while --headless with --frames N runs as fast as it can.\n"
    "Events are printed on stderr, one line each: \"livehost: <event> key=value ...\".\n";

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int
bad(const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    host_event(ERROR, HOST_TEXT("reason", why));
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

/* path + "/" + name into out (size bytes); 0, or -1 if it does not fit. */
static int join(char *out, size_t size, const char *path, const char *name)
{
    int n = snprintf(out, size, "%s%s%s", path, strcmp(path, "/") == 0 ? "" : "/", name);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A project's root holds game/ and either its Makefile or its built library (`livehost new`
 * writes both; a tree that builds some other way still has build/game.so once built). */
static int is_project(const char *dir)
{
    char path[4096];
    if (join(path, sizeof path, dir, "game") != 0 || !is_dir(path))
        return 0;
    return (join(path, sizeof path, dir, "Makefile") == 0 && access(path, F_OK) == 0) ||
           (join(path, sizeof path, dir, "build/game.so") == 0 && access(path, F_OK) == 0);
}

/* The project's root, as git finds its repository: the directory start (NULL: the current
 * one) or the first of its ancestors that is a project. Writes its absolute path to root;
 * returns 1, or 0 when there is none (root is then the current directory). */
static int find_project(const char *start, char *root, size_t size)
{
    char dir[4096];
    if (!getcwd(root, size))
        snprintf(root, size, "/");
    if (!start)
        snprintf(dir, sizeof dir, "%s", root);
    else if (!realpath(start, dir))
        return 0;
    for (;;) {
        if (is_project(dir)) {
            snprintf(root, size, "%s", dir);
            return 1;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || dir[1] == 0)
            return 0;
        slash[slash == dir] = 0; /* "/a/b" -> "/a", "/a" -> "/" */
    }
}

/* The directory part of path into out: "." for a bare name, "/" for a file in the root. */
static void parent_of(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(out, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    else
        snprintf(out, size, ".");
}

/* A file the host reads whole at start (--script, --load-state, --replay) must be a regular
 * file of a sane size: a FIFO blocks the open, /dev/zero never ends, a directory "reads" as
 * 2^63 bytes. A missing file is left to its reader, which says so in its own event. */
static int check_input_file(const char *flag, const char *path, long long max)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return 0;
    if (S_ISDIR(st.st_mode))
        return bad("%s %s: it is a directory, not a file", flag, path);
    if (!S_ISREG(st.st_mode))
        return bad("%s %s: not a regular file (a FIFO, a device or a socket cannot be read "
                   "at start)",
                   flag, path);
    if ((long long)st.st_size > max)
        return bad("%s %s: %lld bytes, more than the %lld this host reads", flag, path,
                   (long long)st.st_size, max);
    return 0;
}

/* Defaults that depend on where the host runs. In a project (found upward from the current
 * directory, or --project), the game, the images, the watched sources and the build's working
 * directory all belong to it, as absolute paths: started in game/ or any subdirectory, the
 * host runs that project. Anywhere else an installed host (make install) runs the demo game
 * and images under PREFIX/share/livehost. The pre-flight program always sits beside the host.
 * Builds run by the host are on when they can produce the library it loads: the default game,
 * or a --build-cmd / --watch-dir of the user's. A --game path in a directory that does not
 * exist, with no build of the host's to make it, is a typo, not a build still to come. */
static int resolve_defaults(host_args *args, const char *program, const char *project,
                            int game_given, int assets_given, int build_given)
{
    static char root[4096], game[4096], assets[4096], dirs[2][4096];
    const char *dir = exe_dir(program);
    const char *shared;
    if (HOST_RELEASE) {
        /* A shipped build: the game is this program (--game cannot name another), its
         * images are beside it wherever it is started from, nothing is built or loaded. */
        static char beside_exe[4096 + sizeof "/assets"]; /* exe_dir's buffer, and the name */
        const char *exe = exe_path(program);
        if (exe)
            args->game_path = exe;
        if (!assets_given && dir) {
            snprintf(beside_exe, sizeof beside_exe, "%s/assets", dir);
            args->assets_dir = beside_exe;
        }
        args->no_build = 1;
        args->project_dir = dir ? dir : ".";
        return HOST_ARGS_RUN;
    }
    int in_project = 1;
    if (project) {
        if (!realpath(project, root) || !is_dir(root))
            return bad("--project %s: not a directory", project);
    } else {
        in_project = find_project(NULL, root, sizeof root);
    }
    /* Started elsewhere (from /, a desktop launcher) with a --game inside a project: that
     * project, so its files are found whatever the current directory is. */
    char game_dir[4096] = ".";
    if (game_given)
        parent_of(args->game_path, game_dir, sizeof game_dir);
    if (!project && !in_project && game_given)
        in_project = find_project(game_dir, root, sizeof root);
    args->project_dir = root;
    args->preflight = beside(dir, "hr-preflight", X_OK);
    if (join(game, sizeof game, root, "build/game.so") != 0 ||
        join(assets, sizeof assets, root, "assets") != 0 ||
        join(dirs[0], sizeof dirs[0], root, "game") != 0 ||
        join(dirs[1], sizeof dirs[1], root, "include") != 0)
        return bad("the project's path is too long: %s", root);
    if (!game_given)
        args->game_path = !in_project && (shared = beside(dir, "../share/livehost/game.so", R_OK))
                              ? shared
                              : game;
    if (!assets_given)
        args->assets_dir = !in_project && (shared = beside(dir, "../share/livehost/assets", R_OK))
                               ? shared
                               : assets;
    if (game_given && !build_given && !args->watch_dir_count)
        args->no_build = 1;
    if (!args->watch_dir_count) {
        args->watch_dirs[0] = dirs[0];
        args->watch_dirs[1] = dirs[1];
        args->watch_dir_count = 2;
    }
    if (game_given && args->no_build && !is_dir(game_dir))
        return bad("--game %s: its directory %s does not exist", args->game_path, game_dir);
    return HOST_ARGS_RUN;
}

/* `new [--sdl | --template NAME] DIR` (--sdl: --template sdl). */
static int parse_new(host_args *args, int argc, char **argv)
{
    const char *name = "box";
    int dir_at = 2;
    if (argc == 4 && strcmp(argv[2], "--sdl") == 0) {
        name = "sdl";
        dir_at = 3;
    } else if (argc == 5 && strcmp(argv[2], "--template") == 0) {
        name = argv[3];
        dir_at = 4;
    }
    if (argc != dir_at + 1 || argv[dir_at][0] == '-')
        return bad("'new' wants one directory: livehost new [--template NAME] DIR");
    if (!host_new_template_find(name))
        return bad("new --template %s: no such template (see --help for the list)", name);
    const char *exe = exe_path(argv[0]);
    args->new_tpl = name;
    args->new_dir = argv[dir_at];
    args->exe_path = exe ? exe : argv[0];
    return HOST_ARGS_NEW;
}

int host_args_parse(host_args *args, int argc, char **argv)
{
    *args = (host_args){
        .width = 640,
        .height = 360,
        .watchdog_ms = 500,
        .stall_ms = 10000,
        .rewind_seconds = 5,
        .fps = 60,
    };
    static char default_cmd[160];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(default_cmd, sizeof default_cmd, HOST_BUILD_CMD_DEFAULT, cpus > 0 ? cpus : 1);
    args->build_cmd = default_cmd;
    int game_given = 0, assets_given = 0, build_given = 0;
    const char *project = NULL;
    if (argc >= 1 && argv[0][0]) {
        const char *slash = strrchr(argv[0], '/');
        program_name = slash ? slash + 1 : argv[0];
    }
    if (!HOST_RELEASE && argc >= 2 && strcmp(argv[1], "new") == 0)
        return parse_new(args, argc, argv);
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            printf("usage: %s [options]\n"
                   "       %s new [--template NAME] DIR  write a new game project into DIR\n"
                   "                          (then: cd DIR && %s); templates:\n",
                   program_name, program_name, program_name);
            host_new_print_templates(stdout);
            putchar('\n');
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
        if (strcmp(flag, "--watch-dir") == 0 || strcmp(flag, "--build-cmd") == 0 ||
            strcmp(flag, "--project") == 0 || strcmp(flag, "--key") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0])
                return bad("option '%s' needs a value", flag);
            if (strcmp(flag, "--project") == 0) {
                project = argv[++i];
                continue;
            }
            if (strcmp(flag, "--key") == 0) {
                if (args->key_count == HOST_KEYS_MAX)
                    return bad("at most %d --key options", HOST_KEYS_MAX);
                args->keys[args->key_count++] = argv[++i];
                continue;
            }
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
                                           "--rewind-seconds", "--save-state",  "--load-state",
                                           "--vsync",          "--fps",         "--audio-out" };
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
        } else if (strcmp(flag, "--audio-out") == 0) {
            args->audio_out = value;
        } else if (strcmp(flag, "--save-state") == 0) {
            args->save_state = value;
        } else if (strcmp(flag, "--load-state") == 0) {
            args->load_state = value;
        } else if (strcmp(flag, "--speed") == 0) {
            if (parse_speed(value, &args->speed_quarters) != 0)
                return bad("--speed wants 0.25, 0.5, 1, 2 or 4, not '%s'", value);
        } else if (strcmp(flag, "--vsync") == 0) {
            if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
                return bad("--vsync wants on or off, not '%s'", value);
            args->vsync = strcmp(value, "on") == 0;
        } else if (strcmp(flag, "--fps") == 0) {
            if (parse_long(value, 1, 1000, &n) != 0)
                return bad("--fps wants a whole number from 1 to 1000, not '%s'", value);
            args->fps = (int)n;
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
            *(strcmp(flag, "--width") == 0 ? &args->width_given : &args->height_given) = 1;
        }
    }
    /* Read whole at start: regular files only, and no bigger than a script of key presses,
     * a state block (256 MiB at most, host_game_state.c) or a state and 10 minutes of inputs. */
    if (check_input_file("--script", args->script, 1 << 20) != HOST_ARGS_RUN ||
        check_input_file("--load-state", args->load_state, (256LL << 20) + 48) != HOST_ARGS_RUN ||
        check_input_file("--replay", args->replay, 512LL << 20) != HOST_ARGS_RUN)
        return HOST_ARGS_EXIT_ERROR;
    return resolve_defaults(args, argc > 0 ? argv[0] : NULL, project, game_given, assets_given,
                            build_given);
}
