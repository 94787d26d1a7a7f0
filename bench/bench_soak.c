/* bench_soak.c - soak (row 6): many reloads in one process, and what is left behind: resident
 * memory (VmRSS), open file descriptors, mappings (/proc/self/maps lines) and files in the
 * private temp directory, before and after.
 *
 * The floor is the same number of no-framework reloads (bench_floor.h). Each side runs in a
 * child process of its own, so neither sees the other's memory, and the two take turns through
 * a pair of pipes (floor reload, hr reload, floor reload...), so both see the same machine.
 * "before" is taken after the first load, and the growth over the second half is shown too: a
 * one-time cost stops growing, a leak keeps on. Every reload calls the new code, as the host
 * would.
 *
 * Usage: bench_soak ID RELOADS LIBRARY SYMBOL WORKDIR
 */
#include "bench.h"
#include "bench_floor.h"
#include "bench_stubs.h"
#include "hr.h"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/wait.h>

typedef struct usage {
    long rss_kib; /* VmRSS */
    long fds;     /* entries in /proc/self/fd */
    long maps;    /* lines in /proc/self/maps */
    long files;   /* files in the private temp directory */
} usage;

typedef struct soak_result {
    usage before, half, after;
    int leftover_dir; /* the private directory still exists after closing */
    int n;            /* reloads timed */
    double ns[];      /* time of each reload */
} soak_result;

static long count_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static usage measure(const char *temp_dir)
{
    usage u = { .fds = count_dir("/proc/self/fd") - 1 }; /* minus opendir's own */
    u.files = count_dir(temp_dir);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        sscanf(line, "VmRSS: %ld", &u.rss_kib);
    if (f)
        fclose(f);
    f = fopen("/proc/self/maps", "r");
    while (f && fgets(line, sizeof line, f))
        u.maps += strchr(line, '\n') != NULL;
    if (f)
        fclose(f);
    return u;
}

static void call_game_or_fn(int is_game, void *sym, void **state)
{
    if (!is_game) {
        ((int (*)(int))sym)(1);
        return;
    }
    if (!*state)
        *state = stub_game_start(sym);
    stub_game_call(sym, *state);
}

/* The child's work: n reloads through hr (use_hr) or the floor. */
static void soak(soak_result *r, int n, int use_hr, const int turn[2], const char *data,
                 size_t size, const char *symbol, const char *dir)
{
    char path[4200];
    bench_str(path, sizeof path, "%s/lib.so", dir);
    mkdir(dir, 0755);
    bench_install(path, data, size);
    int is_game = strcmp(symbol, GAME_API_SYMBOL) == 0;
    void *state = NULL, *slot = NULL;
    hr_lib *lib = NULL;
    floor_lib fl;
    const char *temp;
    if (use_hr) {
        lib = hr_open(&(hr_desc){ .log = bench_log,
                                  .path = path,
                                  .symbols = (const char *[]){ symbol },
                                  .symbol_count = 1,
                                  .slots = &slot,
                                  .temp_dir = bench_tmpfs() });
        if (!lib || !hr_is_loaded(lib))
            bench_die(lib ? hr_error_text(lib) : "out of memory");
        temp = hr_temp_dir(lib);
    } else {
        floor_open(&fl, bench_tmpfs());
        slot = floor_load(&fl, path, symbol);
        temp = fl.dir;
    }
    call_game_or_fn(is_game, slot, &state);
    char temp_copy[4096];
    bench_str(temp_copy, sizeof temp_copy, "%s", temp);
    r->before = measure(temp_copy);
    char token;
    for (int i = 0; i < n; i++) {
        if (read(turn[0], &token, 1) != 1) /* wait for our turn */
            bench_die("turn pipe");
        bench_install(path, data, size);
        uint64_t t0 = bench_now_ns();
        if (use_hr) {
            if (hr_check(lib) != HR_RELOADED)
                bench_die(hr_error_text(lib));
        } else {
            slot = floor_load(&fl, path, symbol);
        }
        r->ns[i] = (double)(bench_now_ns() - t0);
        call_game_or_fn(is_game, slot, &state);
        if (write(turn[1], &token, 1) != 1) /* the other side's turn */
            bench_die("turn pipe");
        if (i == n / 2)
            r->half = measure(temp_copy);
    }
    r->after = measure(temp_copy);
    r->n = n;
    if (use_hr)
        hr_close(lib);
    else
        floor_close(&fl);
    r->leftover_dir = access(temp_copy, F_OK) == 0;
    free(state);
    unlink(path);
    rmdir(dir);
}

/* Starts a child that soaks with hr (use_hr) or the floor, reading its turns from turn[0] and
 * passing them on to turn[1]. Its results land in the shared mapping it returns. */
static soak_result *start_child(pid_t *pid, int n, int use_hr, const int turn[2], const char *data,
                                size_t size, const char *symbol, const char *dir)
{
    size_t bytes = sizeof(soak_result) + (size_t)n * sizeof(double);
    soak_result *r = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED)
        bench_die("mmap");
    fflush(NULL);
    *pid = fork();
    if (*pid < 0)
        bench_die("fork");
    if (*pid == 0) {
        soak(r, n, use_hr, turn, data, size, symbol, dir);
        _exit(0);
    }
    return r;
}

static void wait_child(pid_t pid, const soak_result *r, int n)
{
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        r->n != n)
        bench_die("soak child failed");
}

static void delta_row(const char *id, const char *what, const char *unit, long s_before,
                      long s_half, long s_after, long f_before, long f_after, long target)
{
    char note[200];
    bench_str(note, sizeof note, "%ld -> %ld (second half: %+ld); floor %ld -> %ld", s_before,
              s_after, s_after - s_half, f_before, f_after);
    char tgt[40] = "no growth";
    if (target)
        bench_str(tgt, sizeof tgt, "< %ld %s", target, unit);
    long grow = s_after - s_before;
    bench_row(id, what, unit, bench_one((double)grow), "no-framework reloads",
              bench_one((double)(f_after - f_before)), tgt,
              bench_verdict(1, target ? grow < target : grow <= 0), note);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bench_soak ID RELOADS LIBRARY SYMBOL WORKDIR\n");
        return 2;
    }
    const char *id = argv[1], *symbol = argv[4], *work = argv[5];
    int n = atoi(argv[2]);
    size_t size;
    char *data = bench_read_file(argv[3], &size);
    char dir_f[4096], dir_h[4096];
    mkdir(work, 0755);
    bench_str(dir_f, sizeof dir_f, "%s/floor", work);
    bench_str(dir_h, sizeof dir_h, "%s/hr", work);
    int to_f[2], to_h[2];
    if (pipe(to_f) != 0 || pipe(to_h) != 0)
        bench_die("pipe");
    pid_t pf, ph;
    soak_result *f = start_child(&pf, n, 0, (int[]){ to_f[0], to_h[1] }, data, size, symbol, dir_f);
    soak_result *h = start_child(&ph, n, 1, (int[]){ to_h[0], to_f[1] }, data, size, symbol, dir_h);
    char token = 't';
    if (write(to_f[1], &token, 1) != 1) /* the floor goes first */
        bench_die("turn pipe");
    wait_child(pf, f, n);
    wait_child(ph, h, n);

    bench_samples sf = { 0 }, sh = { 0 };
    for (int i = 0; i < n; i++) {
        bench_add(&sf, f->ns[i]);
        bench_add(&sh, h->ns[i]);
    }
    char id2[16], what[100], note[100];
    bench_stats a = bench_stats_of(&sh), b = bench_stats_of(&sf);
    bench_str(id2, sizeof id2, "%sa", id);
    bench_str(what, sizeof what, "soak: time per reload over %d reloads", n);
    bench_str(note, sizeof note, "private dir removed at close: %s",
              h->leftover_dir ? "NO" : "yes");
    bench_row(id2, what, "ns", a, "no-framework reloads", b, "<= 1.2x floor",
              bench_verdict(1, a.median <= 1.2 * b.median), note);
    bench_str(id2, sizeof id2, "%sb", id);
    delta_row(id2, "soak: RSS growth", "KiB", h->before.rss_kib, h->half.rss_kib, h->after.rss_kib,
              f->before.rss_kib, f->after.rss_kib, 1024);
    bench_str(id2, sizeof id2, "%sc", id);
    delta_row(id2, "soak: open fds growth", "fds", h->before.fds, h->half.fds, h->after.fds,
              f->before.fds, f->after.fds, 0);
    bench_str(id2, sizeof id2, "%sd", id);
    delta_row(id2, "soak: mappings growth", "maps", h->before.maps, h->half.maps, h->after.maps,
              f->before.maps, f->after.maps, 0);
    /* The core keeps the build before the running one for hr_rollback(): two files is the
     * steady state, not a leak. */
    bench_str(id2, sizeof id2, "%se", id);
    bench_str(note, sizeof note, "%ld -> %ld (second half: %+ld); floor %ld -> %ld",
              h->before.files, h->after.files, h->after.files - h->half.files, f->before.files,
              f->after.files);
    bench_row(id2, "soak: temp files after (running + rollback copy)", "files",
              bench_one((double)h->after.files), "no-framework reloads",
              bench_one((double)f->after.files), "<= 2",
              bench_verdict(1, h->after.files <= 2 && h->after.files == h->half.files), note);
    free(data);
    return 0;
}
