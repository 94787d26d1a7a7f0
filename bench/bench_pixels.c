/* bench_pixels.c - save to pixels through the host's own build (rows 3m, 3n): a host runs a
 * project the way `make run` does (or `livehost` started in a `livehost new` project): paced
 * at 60 frames per second, watching game/ and include/, running its build command after every
 * save. The bench saves one file and waits for the host's `timeline` event, which the host
 * prints when it has drawn the first frame of the new code; the figure is the bench's own clock
 * from just before the save to that line.
 *
 * The floor is the same build command (the host's `build-watch` event names it) run by the
 * bench in a second copy of the project after the same edit, from its start to its exit. Floor
 * and host runs alternate and take turns going first; a host save lands at a random moment of
 * the host's frame. The phase rows (ID-notice ... ID-frame) split the figure by the event's
 * fields: the save noticed (the bench's figure minus the event's ms=), the wait before the
 * build starts, the build until the library is in place (ms= minus every other phase: the
 * command's exit comes after), detect, pre-flight, copy + check + load + reload hook, and the
 * wait for the next frame. Each is a median of its own, so they add up to about the figure.
 *
 * A save is what most editors do: the file rewritten in place (truncate, write, close), the
 * original text plus one line that changes every time.
 *
 * Usage: bench_pixels ID FIGURE RUNS HOSTDIR FLOORDIR FILE [VAR=VALUE...] -- HOST [ARG...]
 *   HOSTDIR, FLOORDIR: two copies of the project (the host runs in the first); FILE: the file
 *   to edit, relative to them; VAR=VALUE: set for the host and the floor (GAME_CC=tcc).
 */
#include "bench.h"
#include "bench_host.h"

enum {
    RUNS_MAX = 1000,
    WARMUP = 2,          /* runs not counted: caches, the first rebuild of everything */
    WAIT_MS = 120 * 1000 /* for one event; a build on a busy machine takes seconds */
};

/* The `key=value` field of an event line as a number; -1 when it is missing. */
static double field(const char *line, const char *key)
{
    char pat[64];
    bench_str(pat, sizeof pat, " %s=", key);
    const char *p = strstr(line, pat);
    return p ? strtod(p + strlen(pat), NULL) : -1;
}

/* The quoted `cmd="..."` of the build-watch line, unescaped, into out. */
static void quoted_field(const char *line, const char *key, char *out, size_t size)
{
    char pat[64];
    bench_str(pat, sizeof pat, " %s=\"", key);
    const char *p = strstr(line, pat);
    if (!p)
        bench_die("no build command in the build-watch event");
    p += strlen(pat);
    size_t n = 0;
    for (; *p && *p != '"' && n + 1 < size; p++) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p;
    }
    out[n] = 0;
}

/* Saves dir/file in place: text plus a line that says edit n. */
static void save(const char *dir, const char *file, const char *text, unsigned n)
{
    char path[4400], line[160];
    bench_str(path, sizeof path, "%s/%s", dir, file);
    int len =
        snprintf(line, sizeof line,
                 "\n__attribute__((used)) static const unsigned bench_edit_marker = %uu;\n", n);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    size_t tlen = strlen(text);
    if (fd < 0 || write(fd, text, tlen) != (ssize_t)tlen ||
        write(fd, line, (size_t)len) != (ssize_t)len || close(fd) != 0)
        bench_die(path);
}

/* Runs the build command in dir the way the host does (/bin/sh -c, stdin /dev/null, output
 * dropped); returns its exit status, -1 when it did not run. */
static int build(const char *dir, const char *cmd)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addchdir_np(&fa, dir);
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    pid_t pid;
    int status, rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Sleeps a random part of a 60 Hz frame, so that saves land anywhere in the host's frame. */
static void random_phase(void)
{
    struct timespec ts = { 0, (long)(rand() % 16667) * 1000 };
    nanosleep(&ts, NULL);
}

enum {
    NOTICE,
    WAIT,
    BUILD,
    DETECT,
    PREFLIGHT,
    LOAD,
    FRAME,
    PHASES
};

static const char *const phase_id[PHASES] = { "notice",    "wait", "build", "detect",
                                              "preflight", "load", "frame" };
static const char *const phase_what[PHASES] = {
    "  save -> the host notices it",
    "  wait before the build starts",
    "  build, until the library is in place",
    "  detect: library written -> its check",
    "  pre-flight process",
    "  copy + check + load + reload hook",
    "  load -> first frame drawn",
};

int main(int argc, char **argv)
{
    int sep = 0;
    for (int i = 1; i < argc && !sep; i++)
        sep = strcmp(argv[i], "--") == 0 ? i : 0;
    if (argc < 7 || !sep || sep < 7 || sep + 1 >= argc) {
        fprintf(stderr, "usage: bench_pixels ID FIGURE RUNS HOSTDIR FLOORDIR FILE [VAR=VALUE...] "
                        "-- HOST [ARG...]\n");
        return 2;
    }
    const char *id = argv[1], *figure = argv[2], *hdir = argv[4], *fdir = argv[5];
    const char *file = argv[6];
    int runs = atoi(argv[3]);
    runs = runs < 1 ? 1 : runs > RUNS_MAX ? RUNS_MAX : runs;
    signal(SIGPIPE, SIG_IGN);
    srand((unsigned)bench_now_ns());
    /* The host strips these from its build's environment (an outer make's jobserver and
     * flags); the floor must run the command the same way. */
    unsetenv("MAKEFLAGS");
    unsetenv("MAKELEVEL");
    unsetenv("MFLAGS");
    for (int i = 7; i < sep; i++)
        if (putenv(argv[i]) != 0)
            bench_die(argv[i]);

    char path[4400];
    bench_str(path, sizeof path, "%s/%s", hdir, file);
    size_t size;
    char *text = bench_read_file(path, &size);

    /* The host as `make run` starts it: headless, paced (--frames 0), in the project. */
    const char *hargv[64] = { argv[sep + 1], "--headless", "--frames", "0" };
    int hn = 4;
    for (int i = sep + 2; i < argc && hn < 63; i++)
        hargv[hn++] = argv[i];
    hargv[hn] = NULL;
    host_proc h;
    host_start_argv(&h, hdir, hargv);
    char line[2048], cmd[1024];
    if (host_wait(&h, "build-watch", line, sizeof line, WAIT_MS) != 0)
        bench_die("no build-watch event: the host does not build");
    quoted_field(line, "cmd", cmd, sizeof cmd);
    fprintf(stderr, "bench: %s: the build command: %s\n", id, cmd);
    if (host_wait(&h, "loaded", line, sizeof line, WAIT_MS) != 0)
        bench_die("the host did not load its first build");
    if (build(fdir, cmd) != 0)
        bench_die("the floor's first build");

    bench_samples total = { 0 }, floor = { 0 }, host_build = { 0 }, over = { 0 };
    bench_samples phase[PHASES] = { 0 };
    unsigned edit = 0;
    for (int r = 0; r < runs + WARMUP; r++) {
        double f = 0, t = 0, ms = 0, v[PHASES] = { 0 }, hb = 0;
        for (int k = 0; k < 2; k++) {
            if ((k == 0) == (r % 2 == 0)) { /* the floor: the command alone */
                save(fdir, file, text, edit + 1);
                uint64_t t0 = bench_now_ns();
                if (build(fdir, cmd) != 0)
                    bench_die("the floor's build failed");
                f = (double)(bench_now_ns() - t0);
                continue;
            }
            random_phase();
            uint64_t t0 = bench_now_ns();
            save(hdir, file, text, edit + 1);
            do { /* the build at start's own timeline, or a late one, is not this save's */
                if (host_wait(&h, "timeline", line, sizeof line, WAIT_MS) != 0)
                    bench_die("no timeline event after a save (see the host's lines above)");
            } while (!strstr(line, " from=save "));
            t = (double)(bench_now_ns() - t0);
            ms = field(line, "ms") * 1e6;
            v[WAIT] = field(line, "wait") * 1e6;
            hb = field(line, "build") * 1e6;
            v[DETECT] = field(line, "detect") * 1e6;
            v[PREFLIGHT] = field(line, "preflight") * 1e6;
            v[LOAD] = (field(line, "copy") + field(line, "check") + field(line, "load") +
                       field(line, "hook")) *
                      1e6;
            v[FRAME] = field(line, "frame") * 1e6;
        }
        edit++;
        v[NOTICE] = t - ms;
        v[BUILD] = ms - v[WAIT] - v[DETECT] - v[PREFLIGHT] - v[LOAD] - v[FRAME];
        if (r < WARMUP)
            continue;
        bench_add(&total, t);
        bench_add(&floor, f);
        bench_add(&over, t - f);
        bench_add(&host_build, hb);
        for (int p = 0; p < PHASES; p++)
            bench_add(&phase[p], v[p]);
    }
    host_stop(&h, 1);

    bench_stats s = bench_stats_of(&total), fl = bench_stats_of(&floor);
    bench_stats hbs = bench_stats_of(&host_build), ov = bench_stats_of(&over);
    const double budget = 1e9 / 60 + 5e6; /* one frame at 60 Hz and 5 ms */
    char note[400], id2[32], target[64];
    /* Judged by the runs' own differences (each host run against the floor run next to it):
     * on a busy machine the build alone varies by more than the budget. */
    bench_str(target, sizeof target, "<= floor + %.1f ms", budget / 1e6);
    bench_str(note, sizeof note,
              "edits %s; over the floor run beside it: median %+.1f ms (medians apart: "
              "%+.1f ms); the host's build event (to the command's exit) %.1f ms",
              file, ov.median / 1e6, (s.median - fl.median) / 1e6, hbs.median / 1e6);
    bench_row(id, figure, "ns", s, "the same build command alone", fl, target,
              bench_verdict(1, ov.median <= budget), note);
    for (int p = 0; p < PHASES; p++) {
        bench_str(id2, sizeof id2, "%s-%s", id, phase_id[p]);
        bench_stats ps = bench_stats_of(&phase[p]);
        if (p == BUILD)
            bench_row(id2, phase_what[p], "ns", ps, "the same build command alone", fl, NULL, NULL,
                      "the event's ms= minus every other phase");
        else
            bench_row(id2, phase_what[p], "ns", ps, NULL, (bench_stats){ 0 }, NULL, NULL, NULL);
    }
    for (int p = 0; p < PHASES; p++)
        bench_free(&phase[p]);
    bench_free(&total);
    bench_free(&floor);
    bench_free(&over);
    bench_free(&host_build);
    free(text);
    return 0;
}
