/* bench_frame.c - frame cost (row 8): what one frame of the host costs, headless, with a game
 * that draws nothing (empty_game.so) and with the demo game.
 *
 * A frame is timed as (run of N+K frames - run of K frames) / N, so start-up and tear-down cancel
 * out; wall and CPU time (wait4 rusage, every thread) are both taken. Headless, K is 200: the
 * status bar that a load shows for its first 180 frames is start-up too (with K = 1 it added
 * its 179 further frames to the N, some 0.1-0.2 us per frame over 20,000). A window is paced
 * at 60 frames per second: K is 1 there. The floor is the same
 * measure for a bare SDL program set up exactly like the headless host (dummy video driver, a
 * software renderer on a 640x360 ARGB8888 surface) whose frame only drains SDL's event queue:
 * what SDL costs before the host does anything. Floor and host runs alternate.
 * FLOOR picks the floor:
 *   sdl      the bare SDL loop above
 *   LIBRARY  the same headless host running another library (the empty game: what the game
 *            itself adds to a frame)
 *   window   the host opens a window under SDL_VIDEODRIVER=offscreen, which picks an OpenGL
 *            renderer (Mesa llvmpipe: GL rasterised on the CPU), against the same window under
 *            the dummy driver (SDL's software renderer); windows are paced at 60 frames per
 *            second, so only CPU time per frame means anything there
 *
 * Usage: bench_frame ID LABEL PAIRS FRAMES HOST LIBRARY ASSETS FLOOR
 *        bench_frame --sdl-loop FRAMES   (the floor program)
 */
#include "bench.h"

#include <SDL.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static int sdl_loop(long frames)
{
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return 1;
    SDL_Surface *surface =
        SDL_CreateRGBSurfaceWithFormat(0, 640, 360, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *renderer = surface ? SDL_CreateSoftwareRenderer(surface) : NULL;
    if (!renderer)
        return 1;
    SDL_RenderSetLogicalSize(renderer, 640, 360);
    SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
    for (long f = 0; f < frames; f++) {
        SDL_Event e;
        while (SDL_PollEvent(&e))
            ;
    }
    SDL_DestroyRenderer(renderer);
    SDL_FreeSurface(surface);
    SDL_Quit();
    return 0;
}

typedef struct run_cost {
    double wall_ns, cpu_ns;
} run_cost;

/* A program to run: argv and the SDL video driver it gets. */
typedef struct cmd {
    const char *v[12];  /* argv, NULL-terminated */
    const char *driver; /* SDL_VIDEODRIVER */
} cmd;

static cmd host_cmd(const char *host, const char *frames, const char *lib, const char *assets,
                    int headless, const char *driver)
{
    cmd c = { { host, "--frames", frames, "--game", lib, "--assets", assets }, driver };
    if (headless)
        c.v[7] = "--headless";
    return c;
}

/* Frames of the headless runs' start-up: past the 180 frames of a load's status bar. */
enum {
    HEADLESS_WARM_FRAMES = 200
};

/* Exit code of a host whose watchdog declared it stuck (HOST_EXIT_STUCK in
 * host/game/host_watchdog.h).
 */
enum {
    EXIT_STUCK = 3,
    MAX_TRIES = 8
};

/* Host runs that ended "stuck" and were run again. */
static int stuck_retries;

/* Runs c to completion, its output discarded. A host that ends "stuck" is run again (up to
 * MAX_TRIES times, counted in stuck_retries). The watchdog's false "stuck" on fast hosts is
 * fixed; the count stays in the note so that a return of it shows (it should say 0). */
static run_cost timed_run(const cmd *c)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    setenv("SDL_VIDEODRIVER", c->driver, 1);
    for (int tries = 1;; tries++) {
        pid_t pid;
        int status = 0;
        struct rusage ru;
        uint64_t t0 = bench_now_ns();
        if (posix_spawn(&pid, c->v[0], &fa, NULL, (char *const *)c->v, environ) != 0 ||
            wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status))
            bench_die(c->v[0]);
        uint64_t t1 = bench_now_ns();
        if (WEXITSTATUS(status) == EXIT_STUCK && tries < MAX_TRIES) {
            stuck_retries++;
            continue;
        }
        if (WEXITSTATUS(status) != 0)
            bench_die(c->v[0]);
        posix_spawn_file_actions_destroy(&fa);
        double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
                     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
        return (run_cost){ (double)(t1 - t0), cpu };
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--sdl-loop") == 0)
        return sdl_loop(atol(argv[2]));
    if (argc != 9) {
        fprintf(stderr, "usage: bench_frame ID LABEL PAIRS FRAMES HOST LIBRARY ASSETS "
                        "sdl|window|FLOOR_LIBRARY\n");
        return 2;
    }
    const char *floor = argv[8];
    int window = strcmp(floor, "window") == 0;
    const char *id = argv[1], *label = argv[2], *host = argv[5], *lib = argv[6];
    int pairs = atoi(argv[3]);
    long frames = atol(argv[4]);
    const long warm = window ? 1 : HEADLESS_WARM_FRAMES;
    char one[32], many[32];
    bench_str(one, sizeof one, "%ld", warm);
    bench_str(many, sizeof many, "%ld", frames + warm);
    cmd floor_one, floor_many, host_one, host_many;
    if (window) { /* the same windowed host: offscreen driver against the dummy one */
        floor_one = host_cmd(host, one, lib, argv[7], 0, "dummy");
        floor_many = host_cmd(host, many, lib, argv[7], 0, "dummy");
        host_one = host_cmd(host, one, lib, argv[7], 0, "offscreen");
        host_many = host_cmd(host, many, lib, argv[7], 0, "offscreen");
    } else {
        host_one = host_cmd(host, one, lib, argv[7], 1, "dummy");
        host_many = host_cmd(host, many, lib, argv[7], 1, "dummy");
        if (strcmp(floor, "sdl") == 0) {
            floor_one = (cmd){ { argv[0], "--sdl-loop", one }, "dummy" };
            floor_many = (cmd){ { argv[0], "--sdl-loop", many }, "dummy" };
            floor = "bare SDL loop, same setup";
        } else {
            floor_one = host_cmd(host, one, floor, argv[7], 1, "dummy");
            floor_many = host_cmd(host, many, floor, argv[7], 1, "dummy");
            floor = "same host, empty game";
        }
    }

    bench_samples sw = { 0 }, sc = { 0 }, fw = { 0 }, fc = { 0 };
    for (int p = 0; p < pairs; p++) {
        run_cost f1 = timed_run(&floor_one);
        run_cost h1 = timed_run(&host_one);
        run_cost fn = timed_run(&floor_many);
        run_cost hn = timed_run(&host_many);
        bench_add(&fw, (fn.wall_ns - f1.wall_ns) / (double)frames);
        bench_add(&fc, (fn.cpu_ns - f1.cpu_ns) / (double)frames);
        bench_add(&sw, (hn.wall_ns - h1.wall_ns) / (double)frames);
        bench_add(&sc, (hn.cpu_ns - h1.cpu_ns) / (double)frames);
    }
    bench_stats w = bench_stats_of(&sw), c = bench_stats_of(&sc);
    bench_stats f_w = bench_stats_of(&fw), f_c = bench_stats_of(&fc);
    char id2[16], what[160], note[160];
    if (window) {
        bench_str(id2, sizeof id2, "%sa", id);
        bench_str(what, sizeof what, "frame CPU, window, offscreen driver (%s)", label);
        bench_str(note, sizeof note, "%ld frames per run at 60 fps; CPU of every thread", frames);
        bench_row(id2, what, "ns", c, "same window, dummy driver", f_c, NULL, NULL, note);
        return 0;
    }
    /* CPU time is the figure: start-up jitter hardly touches it. Wall time, the frames per
     * second a user sees, is shown against the bare SDL loop only: against another host run
     * its few milliseconds drown in the start-up jitter of the two processes. */
    bench_str(id2, sizeof id2, "%sa", id);
    bench_str(what, sizeof what, "frame, headless host (%s): CPU", label);
    bench_str(note, sizeof note,
              "user+sys of every thread (wait4), (run of %ld+%ld frames - run of %ld) / %ld; %d "
              "host runs ended 'stuck' and were run again",
              frames, warm, warm, frames, stuck_retries);
    bench_row(id2, what, "ns", c, floor, f_c, NULL, NULL, note);
    if (strcmp(argv[8], "sdl") == 0) {
        bench_str(id2, sizeof id2, "%sb", id);
        bench_str(what, sizeof what, "frame, headless host (%s): wall", label);
        bench_str(note, sizeof note, "%.0f frames/s", w.median > 0 ? 1e9 / w.median : 0);
        bench_row(id2, what, "ns", w, floor, f_w, NULL, NULL, note);
    }
    return 0;
}
