/* bench_detect.c - detection (row 2): after a new build lands, how many hr_check() calls it
 * takes until the new code runs (1 expected: the first check after the event), and how many
 * builds are never seen ("missed"), for the inotify watcher and for stat() polling.
 *
 * Builds are lib_calls_<k>.so (bench_id() returns k), so "seen" means the new code answers,
 * not merely that something reloaded. Four ways a build lands, each the trap of a watcher:
 *   rename        written under a temporary name, renamed over the library (linker + mv)
 *   5 in 1 s      five such builds back to back, all within one second (one-second mtimes)
 *   older mtime   renamed in with the mtime of the build it replaces (utimensat: make, rsync)
 *   in place      the same file rewritten (same inode, same size) and its old mtime restored:
 *                 only ctime tells it apart
 * The floor is the ideal: the first check sees it. The target is that check, except for polling
 * an in-place write: a stat() cannot tell a finished file from one still being written, so the
 * poll watcher loads it only once it looked the same on two checks in a row (2 by design).
 *
 * Usage: bench_detect ID RUNS WORKDIR LIBDIR
 */
#include "bench.h"
#include "hr.h"

enum {
    BUILDS = 5,
    MAX_CHECKS = 10
};

typedef enum {
    LAND_RENAME,
    LAND_BURST,
    LAND_OLD_MTIME,
    LAND_IN_PLACE,
    LAND_COUNT
} land_kind;

static const char *const land_names[LAND_COUNT] = {
    "rename into place",
    "5 builds within 1 s",
    "rename, older mtime (utimes)",
    "in place, same size, old mtime",
};

static char *builds[BUILDS + 1]; /* file contents of lib_calls_1..5.so */
static size_t sizes[BUILDS + 1];

static void write_in_place(const char *path, const void *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
        bench_die(path);
}

/* Puts build k at path the given way. */
static void land(land_kind how, const char *path, int k)
{
    struct stat old;
    if (stat(path, &old) != 0)
        bench_die(path);
    struct timespec keep[2] = { old.st_atim, old.st_mtim };
    char tmp[4200];
    switch (how) {
    case LAND_RENAME:
    case LAND_BURST: bench_install(path, builds[k], sizes[k]); break;
    case LAND_OLD_MTIME:
        bench_str(tmp, sizeof tmp, "%s.tmp", path);
        bench_write(tmp, builds[k], sizes[k]);
        if (utimensat(AT_FDCWD, tmp, keep, 0) != 0 || rename(tmp, path) != 0)
            bench_die(tmp);
        break;
    case LAND_IN_PLACE:
        write_in_place(path, builds[k], sizes[k]);
        if (utimensat(AT_FDCWD, path, keep, 0) != 0)
            bench_die(path);
        break;
    default: break;
    }
}

/* Checks until build k answers; returns the checks it took, or 0 if it never did. */
static int checks_until(hr_lib *lib, void **slot, int k)
{
    for (int checks = 1; checks <= MAX_CHECKS; checks++) {
        hr_check(lib);
        if (*slot && ((int (*)(void)) * slot)() == k)
            return checks;
    }
    return 0;
}

static void bench_mode(const char *id, hr_watch_mode mode, int runs, const char *work)
{
    const char *mode_name = mode == HR_WATCH_POLL ? "poll" : "inotify";
    char dir[4096], path[4200];
    bench_str(dir, sizeof dir, "%s/%s", work, mode_name);
    mkdir(work, 0755);
    mkdir(dir, 0755);
    bench_str(path, sizeof path, "%s/lib.so", dir);
    bench_install(path, builds[1], sizes[1]);
    void *slot = NULL;
    hr_lib *lib = hr_open(&(hr_desc){ .log = bench_log,
                                      .path = path,
                                      .symbols = (const char *[]){ "bench_id" },
                                      .symbol_count = 1,
                                      .slots = &slot,
                                      .watch = mode,
                                      .temp_dir = bench_tmpfs() });
    if (!lib || !hr_is_loaded(lib)) {
        fprintf(stderr, "bench_detect: %s\n", lib ? hr_error_text(lib) : "out of memory");
        exit(1);
    }
    int current = 1;
    for (int how = 0; how < LAND_COUNT; how++) {
        bench_samples checks = { 0 };
        int missed = 0, landed = 0;
        uint64_t worst_burst = 0;
        int rounds = how == LAND_BURST ? (runs + BUILDS - 1) / BUILDS : runs;
        for (int r = 0; r < rounds; r++) {
            uint64_t t0 = bench_now_ns();
            for (int b = 0; b < (how == LAND_BURST ? BUILDS : 1); b++) {
                int k = current % BUILDS + 1;
                land((land_kind)how, path, k);
                int c = checks_until(lib, &slot, k);
                landed++;
                if (c)
                    bench_add(&checks, c);
                else
                    missed++;
                current = ((int (*)(void))slot)();
            }
            uint64_t dt = bench_now_ns() - t0;
            worst_burst = dt > worst_burst ? dt : worst_burst;
        }
        bench_stats s = bench_stats_of(&checks);
        char row_id[16], what[200], note[200];
        int letter = 'a' + (mode == HR_WATCH_POLL) * LAND_COUNT + how;
        bench_str(row_id, sizeof row_id, "%s%c", id, letter);
        snprintf(what, sizeof what, "checks to notice, %s: %s", mode_name, land_names[how]);
        snprintf(note, sizeof note, "missed: %d of %d; max %g checks", missed, landed, s.max);
        if (how == LAND_BURST)
            snprintf(note + strlen(note), sizeof note - strlen(note),
                     "; slowest burst of 5 %.1f ms", (double)worst_burst / 1e6);
        int settles = mode == HR_WATCH_POLL && how == LAND_IN_PLACE;
        bench_row(row_id, what, "checks", s, "ideal: the first check", bench_one(1),
                  settles ? "missed 0, 2 checks (settle)" : "missed 0, 1 check",
                  bench_verdict(1, missed == 0 && s.max == 1 + settles), note);
        bench_free(&checks);
    }
    hr_close(lib);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_detect ID RUNS WORKDIR LIBDIR\n");
        return 2;
    }
    for (int k = 1; k <= BUILDS; k++) {
        char path[4200];
        bench_str(path, sizeof path, "%s/lib_calls_%d.so", argv[4], k);
        builds[k] = bench_read_file(path, &sizes[k]);
    }
    int runs = atoi(argv[2]);
    bench_mode(argv[1], HR_WATCH_DEFAULT, runs, argv[3]);
    bench_mode(argv[1], HR_WATCH_POLL, runs, argv[3]);
    for (int k = 1; k <= BUILDS; k++)
        free(builds[k]);
    return 0;
}
