/* host_args.c - the host's command line: flags, their defaults and --help, and the project the
 * defaults belong to (found upward from the current directory, as git finds its repository).
 * Owns nothing but the host_args it fills and the paths they point to (static, for the whole
 * run); every flag is one row of the options table, which parsing and --help both read.
 * Never exits the process itself: main decides what a parse result means.
 */
#include "host_args.h"
#include "game_api.h"
#include "host_event.h"
#include "host_new.h"
#include "host_os.h"
#include "host_version.h"

#include <SDL.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How the host was called ("livehost" installed, "host" in the tree): usage and errors say it. */
static const char *program_name = "livehost";

/* How an option takes its value (its row of the table below). */
enum {
    OPT_TEXT,    /* the value is kept (a const char * field) */
    OPT_SET,     /* no value: the int field becomes set_to */
    OPT_LONG,    /* a whole number from min to max (an int or long field) */
    OPT_LIST,    /* repeatable: appended to a const char * array, its count in `given` */
    OPT_SPEED,   /* 0.25, 0.5, 1, 2 or 4, kept as quarters */
    OPT_ON_OFF,  /* on or off: 1 or 0 */
    OPT_HELP,    /* prints --help */
    OPT_VERSION, /* prints the release */
};

/* One option of the command line: parsing, --help and the docs check (tests/test_reference.sh)
 * all read this table, so they cannot drift. */
typedef struct option {
    const char *name;  /* "--frames" */
    const char *value; /* the value's name in --help ("N"); NULL: the option takes none */
    size_t field;      /* offsetof the host_args field it sets */
    size_t size;       /* sizeof that field (OPT_LONG: int or long) */
    long min, max;     /* OPT_LONG: the range; OPT_LIST: max is the most entries */
    size_t given;      /* OPT_LONG: offsetof an int set to 1 when given (0: none); OPT_LIST:
                          offsetof the count */
    const char *wants; /* the error's words for a value it does not take */
    const char *help;  /* --help's lines, \n between them */
    int kind;          /* OPT_* */
    int set_to;        /* OPT_SET: the value */
    int nonempty;      /* 1: an empty value is no value */
} option;

#define FIELD(f) .field = offsetof(host_args, f), .size = sizeof(((host_args *)0)->f)
#define TEXT(f) FIELD(f), .kind = OPT_TEXT
#define SET(f, v) FIELD(f), .kind = OPT_SET, .set_to = (v)
#define LONG(f, lo, hi) FIELD(f), .kind = OPT_LONG, .min = (lo), .max = (hi)
#define LIST(f, count, most)                                                                       \
    FIELD(f), .kind = OPT_LIST, .max = (most), .given = offsetof(host_args, count), .nonempty = 1
#define WANTS_SIZE "--width and --height want a whole number from 16 to 16384"

/* In --help's order. */
static const option options[] = {
    { .name = "--project",
      .value = "DIR",
      TEXT(project_dir),
      .nonempty = 1,
      .help = "the game project (default: the current directory or the first of\n"
              "its parents that holds game/ and a Makefile or build/game.so); the\n"
              "defaults below are its files, and the build command runs there" },
    { .name = "--game",
      .value = "PATH",
      TEXT(game_path),
      .help = "game library to load and watch (default PROJECT/build/game.so; an\n"
              "installed host run outside any project runs the demo in\n"
              "PREFIX/share/livehost/game.so)" },
    { .name = "--assets",
      .value = "DIR",
      TEXT(assets_dir),
      .help = "directory the game's images are loaded from (default PROJECT/assets;\n"
              "outside a project, an installed host's PREFIX/share/livehost/assets)" },
    { .name = "--headless",
      SET(headless, 1),
      .help = "no window: render into memory with the same drawing code\n"
              "(sets SDL_VIDEODRIVER=dummy unless it is set)" },
    { .name = "--frames",
      .value = "N",
      LONG(frames, 0, 1000000000L),
      .wants = "--frames wants a whole number >= 0",
      .help = "exit after N frames; 0 runs until closed (default 0); frames before\n"
              "the first build at start has loaded or failed do not count" },
    { .name = "--screenshot",
      .value = "PATH",
      TEXT(screenshot),
      .help = "at exit, save the last frame: .png, anything else .bmp; kill -USR1\n"
              "saves the next one there at any time (default then livehost.png)" },
    { .name = "--width",
      .value = "W",
      LONG(width, 16, 16384),
      .given = offsetof(host_args, width_given),
      .wants = WANTS_SIZE,
      .help = "drawing area width in pixels (default 640)" },
    { .name = "--height",
      .value = "H",
      LONG(height, 16, 16384),
      .given = offsetof(host_args, height_given),
      .wants = WANTS_SIZE,
      .help = "drawing area height in pixels (default 360)" },
    { .name = "--reset",
      SET(reset, 1),
      .help = "when a new build changes the state layout and cannot migrate it,\n"
              "restart the game with a fresh state instead of refusing the build" },
    { .name = "--watchdog-ms",
      .value = "N",
      LONG(watchdog_ms, 0, 3600000L),
      .wants = "--watchdog-ms wants milliseconds from 0 to 3600000",
      .help = "a game call running longer than N ms is interrupted like a crash\n"
              "(default 500; 0 turns the watchdog off)" },
    { .name = "--stall-ms",
      .value = "N",
      LONG(stall_ms, 0, 3600000L),
      .wants = "--stall-ms wants milliseconds from 0 to 3600000",
      .help = "end the host (exit code 3) when its frame loop stops advancing for\n"
              "N ms outside game code (default 10000; 0 = never)" },
    { .name = "--script",
      .value = "FILE",
      TEXT(script),
      .help =
          "scripted key presses by frame, e.g. \"120 key F5\"; \"120 inspect\"\n"
          "prints the state's fields, \"120 set FIELD VALUE\" edits one (see docs/REFERENCE.md)" },
    { .name = "--key",
      .value = "ACTION=KEY",
      LIST(keys, key_count, HOST_KEYS_MAX),
      .help = "move a host key; repeatable. Actions: overlay record live save\n"
              "restart reload pause step load slower faster rewind fullscreen\n"
              "inspect; KEY is an SDL key name (F1, Escape, Tab, R...), Alt+KEY\n"
              "with Alt held" },
    { .name = "--pause",
      SET(paused, 1),
      .help = "start with the game's clock paused (F7 resumes, F8 steps)" },
    { .name = "--vsync",
      .value = "on|off",
      FIELD(vsync),
      .kind = OPT_ON_OFF,
      .wants = "--vsync wants on or off",
      .help = "wait for the display's refresh at each frame (default off: the host\n"
              "paces the frames itself, at --fps); headless has no display: off" },
    { .name = "--fps",
      .value = "N",
      LONG(fps, 1, 1000),
      .wants = "--fps wants a whole number from 1 to 1000",
      .help = "frames per second without vsync, 1 to 1000 (default 60); updates stay\n"
              "1/60 s, so the game runs at the same speed at any frame rate" },
    { .name = "--speed",
      .value = "X",
      FIELD(speed_quarters),
      .kind = OPT_SPEED,
      .wants = "--speed wants 0.25, 0.5, 1, 2 or 4",
      .help = "game speed: 0.25, 0.5, 1, 2 or 4 (default 1); updates stay 1/60 s,\n"
              "slower runs one every 2nd/4th frame, faster 2 or 4 per frame" },
    { .name = "--record",
      .value = "FILE",
      TEXT(record),
      .help = "write the F2 recording to FILE when its loop starts (or at exit)" },
    { .name = "--replay",
      .value = "FILE",
      TEXT(replay),
      .help = "loop the recording in FILE (its state, then its inputs) from the start;\n"
              "exit code 1 if it cannot play" },
    { .name = "--audio-out",
      .value = "FILE",
      TEXT(audio_out),
      .help = "no audio device: write the sound to FILE (raw float stereo, 48 kHz),\n"
              "1/60 s of it after each update, so the same updates write the same\n"
              "bytes at any speed (a paused or rewinding game writes none)" },
    { .name = "--rewind-seconds",
      .value = "N",
      LONG(rewind_seconds, 0, 600),
      .wants = "--rewind-seconds wants a whole number from 0 to 600",
      .help = "keep N seconds of snapshots to rewind with F12 (default 5; 0 = none)" },
    { .name = "--save-state",
      .value = "FILE",
      TEXT(save_state),
      .help = "write the state block to FILE at exit; F4 and F9 use FILE too\n"
              "(default for F4 and F9: livehost.state in the current directory)" },
    { .name = "--load-state",
      .value = "FILE",
      TEXT(load_state),
      .help = "load the state block from FILE as soon as the game runs" },
    { .name = "--overlay", SET(overlay, 1), .help = "show the overlay (F1) from the start" },
    { .name = "--no-overlay",
      SET(overlay, -1),
      .help = "do not open the overlay by itself when something is wrong\n"
              "(default: it opens on a failed build, crash or hang)" },
    { .name = "--watch-dir",
      .value = "DIR",
      LIST(watch_dirs, watch_dir_count, HOST_WATCH_DIRS_MAX),
      .help = "run the build command on every save under DIR; repeatable\n"
              "(default: PROJECT/game and PROJECT/include, when they exist);\n"
              "a save of PROJECT/Makefile runs it too" },
    { .name = "--build-cmd",
      .value = "CMD",
      TEXT(build_cmd),
      .nonempty = 1,
      .help = "the build command, run by /bin/sh -c in PROJECT at start and\n"
              "after every save\n"
              "(default \"[ -d build ] || mkdir -p build; flock\n"
              "build/.game-build.lock make -s -jN -Otarget build/game.so\",\n"
              "N: the processors online)" },
    { .name = "--no-build",
      SET(no_build, 1),
      .help = "do not run builds: reload only what another build writes\n"
              "(implied by --game PATH without --build-cmd or --watch-dir)" },
    { .name = "--help", .kind = OPT_HELP, .help = "print this help and exit" },
    { .name = "--version",
      .kind = OPT_VERSION,
      .help = "print the release and the game_api.h version, and exit" },
};

/* After the options in --help. */
static const char keys_help[] =
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
    "\n"
    "Events are printed on stderr, one line each: \"livehost: <event> key=value ...\"; the\n"
    "keys of each ([optional], | between its forms) and when it is printed:\n";

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

/* The running host's own file ("build/host", "/usr/local/bin/livehost"), found through the OS
 * (/proc/self/exe) so that a host started through $PATH finds its files too; NULL if unknown. */
static const char *exe_path(const char *program)
{
    static char path[4096];
    if (host_os_exe_path(path, sizeof path) == 0)
        return path;
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
           (join(path, sizeof path, dir, HOST_GAME_LIBRARY) == 0 && access(path, F_OK) == 0);
}

/* The project's root, as git finds its repository: the directory start (NULL: the current
 * one) or the first of its ancestors that is a project. Writes its absolute path to root;
 * returns 1, or 0 when there is none (root is then the current directory). */
static int find_project(const char *start, char *root, size_t size)
{
    char dir[4096];
    if (host_os_realpath(".", root, size) != 0) /* the current directory, '/'-separated */
        snprintf(root, size, "/");
    if (!start)
        snprintf(dir, sizeof dir, "%s", root);
    else if (host_os_realpath(start, dir, sizeof dir) != 0)
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
        if (host_os_realpath(project, root, sizeof root) != 0 || !is_dir(root))
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
    args->preflight = beside(dir, HOST_PREFLIGHT_NAME, X_OK);
    if (join(game, sizeof game, root, HOST_GAME_LIBRARY) != 0 ||
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

/* --help: the usage, the templates, every option of the table, the keys and the events. */
static void print_help(void)
{
    printf("usage: %s [options]\n"
           "       %s new [--template NAME] DIR  write a new game project into DIR\n"
           "                          (then: cd DIR && %s); templates:\n",
           program_name, program_name, program_name);
    host_new_print_templates(stdout);
    fputs("\nRuns a game library and reloads it whenever a new build of it appears.\n\n", stdout);
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
        const option *o = &options[k];
        char head[40];
        snprintf(head, sizeof head, "%s%s%s", o->name, o->value ? " " : "",
                 o->value ? o->value : "");
        printf("  %-18s ", head);
        for (const char *line = o->help; *line;) {
            const size_t len = strcspn(line, "\n");
            printf("%s%.*s\n", line == o->help ? "" : "                     ", (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
    putchar('\n');
    fputs(keys_help, stdout);
    host_event_print_list(stdout);
}

/* The option called name ("-h" is --help), or NULL. */
static const option *find_option(const char *name)
{
    if (strcmp(name, "-h") == 0)
        name = "--help";
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
        if (strcmp(options[k].name, name) == 0)
            return &options[k];
    return NULL;
}

/* Puts one option's value into args. HOST_ARGS_RUN, or what parsing ends with. */
static int take_option(host_args *args, const option *o, const char *value)
{
    char *field = (char *)args + o->field;
    long n = 0;
    switch (o->kind) {
    case OPT_TEXT: *(const char **)(void *)field = value; break;
    case OPT_SET: *(int *)(void *)field = o->set_to; break;
    case OPT_LIST: {
        int *count = (int *)(void *)((char *)args + o->given);
        if (*count == o->max)
            return bad("at most %ld %s options", o->max, o->name);
        ((const char **)(void *)field)[(*count)++] = value;
        break;
    }
    case OPT_LONG:
        if (parse_long(value, o->min, o->max, &n) != 0)
            return bad("%s, not '%s'", o->wants, value);
        if (o->size == sizeof(long))
            *(long *)(void *)field = n;
        else
            *(int *)(void *)field = (int)n;
        if (o->given)
            *(int *)(void *)((char *)args + o->given) = 1;
        break;
    case OPT_SPEED:
        if (parse_speed(value, (int *)(void *)field) != 0)
            return bad("%s, not '%s'", o->wants, value);
        break;
    case OPT_ON_OFF:
        if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0)
            return bad("%s, not '%s'", o->wants, value);
        *(int *)(void *)field = strcmp(value, "on") == 0;
        break;
    case OPT_HELP: print_help(); return HOST_ARGS_EXIT_OK;
    default:
        printf("livehost %s (game_api.h version %d)\n", LIVEHOST_VERSION, GAME_API_VERSION);
        return HOST_ARGS_EXIT_OK;
    }
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
    if (argc >= 1 && argv[0][0]) {
        const char *slash = strrchr(argv[0], '/');
        program_name = slash ? slash + 1 : argv[0];
    }
    if (!HOST_RELEASE && argc >= 2 && strcmp(argv[1], "new") == 0)
        return parse_new(args, argc, argv);
    for (int i = 1; i < argc; i++) {
        const option *o = find_option(argv[i]);
        if (!o)
            return bad("unknown option '%s'", argv[i]);
        const char *value = ""; /* what an option without a value is handed */
        if (o->value) {
            if (i + 1 >= argc || (o->nonempty && !argv[i + 1][0]))
                return bad("option '%s' needs a value", argv[i]);
            value = argv[++i];
        }
        const int taken = take_option(args, o, value);
        if (taken != HOST_ARGS_RUN)
            return taken;
    }
    /* What was not given gets its default here: whether it was given changes other defaults. */
    const int game_given = args->game_path != NULL, assets_given = args->assets_dir != NULL;
    const int build_given = args->build_cmd != NULL;
    const char *project = args->project_dir;
    static char default_cmd[160];
    long cpus = SDL_GetCPUCount();
    snprintf(default_cmd, sizeof default_cmd, HOST_BUILD_CMD_DEFAULT, cpus > 0 ? cpus : 1);
    if (!build_given)
        args->build_cmd = default_cmd;
    /* Read whole at start: regular files only, and no bigger than a script of key presses,
     * a state block (256 MiB at most, host_game_state.c) or a state and 10 minutes of inputs. */
    if (check_input_file("--script", args->script, 1 << 20) != HOST_ARGS_RUN ||
        check_input_file("--load-state", args->load_state, (256LL << 20) + 48) != HOST_ARGS_RUN ||
        check_input_file("--replay", args->replay, 512LL << 20) != HOST_ARGS_RUN)
        return HOST_ARGS_EXIT_ERROR;
    return resolve_defaults(args, argc > 0 ? argv[0] : NULL, project, game_given, assets_given,
                            build_given);
}
