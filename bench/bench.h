/* bench.h - the harness every livehost benchmark shares: a monotonic clock, sample sets with
 * median / p99 / min, paired subject-and-floor rows, and the one line format bench/run.sh turns
 * into the table.
 *
 * A row is one figure next to its floor, both measured in the same run with the runs
 * interleaved (floor, subject, floor, subject...), so a noisy neighbour or a frequency change
 * hits both alike. Programs print rows on stdout and everything else on stderr.
 * Row line: "row<TAB>id<TAB>what<TAB>unit<TAB>n<TAB>median<TAB>p99<TAB>min<TAB>floor name<TAB>
 * floor median<TAB>floor p99<TAB>floor min<TAB>target<TAB>verdict<TAB>note"; times are in ns.
 * Must never decide pass or fail of a test: a target only labels the row "met" or "MISSED".
 */
#ifndef BENCH_H
#define BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The core's log hook for the benchmarks: warnings and errors go to stderr (bench.log), a load's
 * info line does not, so a reload's time is the core's and not a write to stderr (the host,
 * too, keeps load lines out of its frame). */
static inline void bench_log(int level, const char *text, void *user)
{
    (void)user;
    if (level > 0)
        fprintf(stderr, "hr: %s\n", text);
}

static inline uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A growable set of measurements. Zero-initialised is empty. */
typedef struct bench_samples {
    double *v; /* the values, in the order added until bench_stats_of sorts them */
    int n;     /* values held */
    int cap;   /* room allocated */
} bench_samples;

typedef struct bench_stats {
    int n;         /* values summarised; 0 = no data */
    double median; /* middle value (mean of the two middle ones for even n) */
    double p99;    /* nearest-rank 99th percentile */
    double min;    /* smallest */
    double max;    /* largest */
} bench_stats;

__attribute__((noreturn)) static inline void bench_die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static inline void bench_add(bench_samples *s, double x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->v = realloc(s->v, (size_t)s->cap * sizeof *s->v);
        if (!s->v)
            bench_die("out of memory");
    }
    s->v[s->n++] = x;
}

static inline void bench_free(bench_samples *s)
{
    free(s->v);
    *s = (bench_samples){ 0 };
}

static inline int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts the samples in place and summarises them. */
static inline bench_stats bench_stats_of(bench_samples *s)
{
    bench_stats st = { .n = s->n };
    if (!s->n)
        return st;
    qsort(s->v, (size_t)s->n, sizeof *s->v, bench_cmp);
    int mid = s->n / 2;
    st.median = s->n % 2 ? s->v[mid] : (s->v[mid - 1] + s->v[mid]) / 2;
    int rank = (99 * s->n + 99) / 100; /* ceil(0.99 n), 1-based */
    st.p99 = s->v[rank - 1];
    st.min = s->v[0];
    st.max = s->v[s->n - 1];
    return st;
}

/* A single value as a one-sample set (counts, growth figures). */
static inline bench_stats bench_one(double x)
{
    return (bench_stats){ .n = 1, .median = x, .p99 = x, .min = x, .max = x };
}

/* "met" / "MISSED" for a target, "-" when there is none. */
static inline const char *bench_verdict(int has_target, int met)
{
    return !has_target ? "-" : met ? "met" : "MISSED";
}

/* Prints one row. floor_name NULL: the figure has no floor. unit "ns" is scaled by run.sh;
 * any other unit is printed as is. target and note may be NULL. */
static inline void bench_row(const char *id, const char *what, const char *unit, bench_stats s,
                             const char *floor_name, bench_stats f, const char *target,
                             const char *verdict, const char *note)
{
    printf("row\t%s\t%s\t%s\t%d\t%.6g\t%.6g\t%.6g\t%s\t", id, what, unit, s.n, s.median, s.p99,
           s.min, floor_name ? floor_name : "-");
    if (floor_name)
        printf("%.6g\t%.6g\t%.6g\t", f.median, f.p99, f.min);
    else
        printf("-\t-\t-\t");
    printf("%s\t%s\t%s\n", target ? target : "-", verdict ? verdict : "-", note ? note : "");
    fflush(stdout);
}

/* --- small file helpers the programs share ------------------------------------------------- */

/* snprintf that exits instead of silently cutting a path or name short. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static inline void
bench_str(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        bench_die(fmt);
    }
}

/* Reads a whole file into a malloc'ed buffer; exits on failure. */
static inline char *bench_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        bench_die(path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        bench_die(path);
    fclose(f);
    buf[n] = 0;
    *size = (size_t)n;
    return buf;
}

/* Writes data to a new file at path (replacing any file there), mode 0755. */
static inline void bench_write(const char *path, const void *data, size_t size)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0)
        bench_die(path);
}

/* What a linker does: write the new build under a temporary name, then rename it over path. */
static inline void bench_install(const char *path, const void *data, size_t size)
{
    char tmp[4200];
    bench_str(tmp, sizeof tmp, "%s.tmp", path);
    bench_write(tmp, data, size);
    if (rename(tmp, path) != 0)
        bench_die(path);
}

/* The tmpfs parent for private copies: $XDG_RUNTIME_DIR, else /dev/shm, else /tmp. */
static inline const char *bench_tmpfs(void)
{
    const char *x = getenv("XDG_RUNTIME_DIR");
    if (x && x[0] && access(x, W_OK) == 0)
        return x;
    return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

#endif /* BENCH_H */
