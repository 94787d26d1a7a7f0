/* bench_idle.c - idle overhead (row 4): what hr_check() costs in a frame where nothing changed,
 * in nanoseconds and in system calls, for the inotify watcher and for stat() polling.
 *
 * Floor: one stat() of the library per frame, the cheapest way to look at a file. Time is
 * taken per batch of calls (a single call is near the clock's own cost); floor and subject
 * batches alternate. System calls are counted by running this program under `strace -c -f`
 * twice, with 0 and with N checks, and dividing the difference by N.
 *
 * Usage: bench_idle ID RUNS LIBRARY WORKDIR
 *        bench_idle --spin inotify|poll|stat N LIBRARY WORKDIR   (what strace watches)
 */
#include "bench.h"
#include "hr.h"

#include <spawn.h>
#include <sys/wait.h>

enum {
    BATCH = 1000,
    SPIN_CALLS = 20000
};

extern char **environ;

static char lib_path[4200];

static hr_lib *open_watch(hr_watch_mode mode, const char *library, const char *work,
                          const char *name)
{
    char dir[4096];
    size_t size;
    char *data = bench_read_file(library, &size);
    mkdir(work, 0755);
    bench_str(dir, sizeof dir, "%s/%s", work, name);
    mkdir(dir, 0755);
    bench_str(lib_path, sizeof lib_path, "%s/lib.so", dir);
    bench_install(lib_path, data, size);
    free(data);
    hr_lib *lib = hr_open(
        &(hr_desc){ .log = bench_log, .path = lib_path, .watch = mode, .temp_dir = bench_tmpfs() });
    if (!lib || !hr_is_loaded(lib)) {
        fprintf(stderr, "bench_idle: %s\n", lib ? hr_error_text(lib) : "out of memory");
        exit(1);
    }
    return lib;
}

/* ns per call of BATCH idle checks (lib) or stat() calls (lib NULL). */
static double batch(hr_lib *lib, const char *path)
{
    struct stat st;
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < BATCH; i++) {
        if (lib) {
            if (hr_check(lib) != HR_UNCHANGED)
                bench_die("idle check saw a change");
        } else if (stat(path, &st) != 0) {
            bench_die(path);
        }
    }
    return (double)(bench_now_ns() - t0) / BATCH;
}

static int spin(const char *what, long n, const char *library, const char *work)
{
    hr_lib *lib = NULL;
    if (strcmp(what, "stat") != 0)
        lib = open_watch(strcmp(what, "poll") == 0 ? HR_WATCH_POLL : HR_WATCH_DEFAULT, library,
                         work, what);
    else
        bench_str(lib_path, sizeof lib_path, "%s", library);
    struct stat st;
    for (long i = 0; i < n; i++) {
        if (lib)
            hr_check(lib);
        else
            stat(lib_path, &st);
    }
    hr_close(lib);
    return 0;
}

/* Total system calls of `bench_idle --spin what n` as strace -c -f counts them; -1 if strace
 * is missing or its summary cannot be read. */
static long count_syscalls(const char *self, const char *what, long n, const char *library,
                           const char *work)
{
    char out[4200], ns[32];
    bench_str(out, sizeof out, "%s/strace-%s-%ld.txt", work, what, n);
    bench_str(ns, sizeof ns, "%ld", n);
    const char *argv[] = { "strace", "-f", "-c", "-o",    out,  self,
                           "--spin", what, ns,   library, work, NULL };
    pid_t pid;
    int status;
    if (posix_spawnp(&pid, "strace", NULL, NULL, (char *const *)argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    FILE *f = fopen(out, "r");
    if (!f)
        return -1;
    char line[512];
    long calls = -1;
    while (fgets(line, sizeof line, f)) {
        double pct, secs;
        long usecs, c;
        if (strstr(line, " total") && sscanf(line, "%lf %lf %ld %ld", &pct, &secs, &usecs, &c) == 4)
            calls = c;
    }
    fclose(f);
    unlink(out);
    return calls;
}

static void syscall_row(const char *id, const char *self, const char *what, const char *library,
                        const char *work, double stat_per_call)
{
    long base = count_syscalls(self, what, 0, library, work);
    long busy = count_syscalls(self, what, SPIN_CALLS, library, work);
    char row_what[100];
    bench_str(row_what, sizeof row_what, "syscalls per idle hr_check, %s", what);
    if (base < 0 || busy < 0) {
        bench_row(id, row_what, "syscalls", (bench_stats){ 0 }, NULL, (bench_stats){ 0 }, NULL,
                  NULL, "strace unavailable: not counted");
        return;
    }
    /* Two decimals: a run may make a stray call or two of its own (the strace summary). */
    long hundredths = ((busy - base) * 100 + SPIN_CALLS / 2) / SPIN_CALLS;
    double per = (double)hundredths / 100;
    char note[100];
    bench_str(note, sizeof note, "strace -c -f: %ld calls for %d checks, %ld for none", busy,
              SPIN_CALLS, base);
    bench_row(id, row_what, "syscalls", bench_one(per), "stat() per frame",
              bench_one(stat_per_call), "<= 1", bench_verdict(1, per <= 1.0 + 1e-9), note);
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "--spin") == 0)
        return spin(argv[2], atol(argv[3]), argv[4], argv[5]);
    if (argc != 5) {
        fprintf(stderr, "usage: bench_idle ID RUNS LIBRARY WORKDIR\n");
        return 2;
    }
    const char *id = argv[1], *library = argv[3], *work = argv[4];
    int runs = atoi(argv[2]);
    hr_lib *ino = open_watch(HR_WATCH_DEFAULT, library, work, "inotify");
    char ino_path[sizeof lib_path];
    memcpy(ino_path, lib_path, sizeof lib_path);
    hr_lib *pol = open_watch(HR_WATCH_POLL, library, work, "poll");

    bench_samples fs = { 0 }, si = { 0 }, sp = { 0 };
    for (int i = 0; i < runs + 5; i++) {
        double f = batch(NULL, ino_path), a = batch(ino, NULL), b = batch(pol, NULL);
        if (i >= 5) {
            bench_add(&fs, f);
            bench_add(&si, a);
            bench_add(&sp, b);
        }
    }
    bench_stats floor = bench_stats_of(&fs), s;
    char id2[16], note[100];
    bench_str(note, sizeof note, "per call, batches of %d", BATCH);
    s = bench_stats_of(&si);
    bench_str(id2, sizeof id2, "%sa", id);
    bench_row(id2, "idle hr_check, inotify", "ns", s, "stat() per frame", floor, "<= 500 ns",
              bench_verdict(1, s.median <= 500), note);
    s = bench_stats_of(&sp);
    bench_str(id2, sizeof id2, "%sb", id);
    bench_row(id2, "idle hr_check, poll", "ns", s, "stat() per frame", floor, "<= 500 ns",
              bench_verdict(1, s.median <= 500), note);
    hr_close(ino);
    hr_close(pol);

    long b0 = count_syscalls(argv[0], "stat", 0, library, work);
    long b1 = count_syscalls(argv[0], "stat", SPIN_CALLS, library, work);
    double stat_per = b0 >= 0 && b1 >= 0 ? (double)(b1 - b0) / SPIN_CALLS : 1;
    bench_str(id2, sizeof id2, "%sc", id);
    syscall_row(id2, argv[0], "inotify", library, work, stat_per);
    bench_str(id2, sizeof id2, "%sd", id);
    syscall_row(id2, argv[0], "poll", library, work, stat_per);
    return 0;
}
