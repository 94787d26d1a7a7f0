/* bench_floor.h - the floor every reload figure is compared against: what a program with no
 * framework must do at the least to run a new build safely, in the same tmpfs parent the core
 * uses: copy the file (one sendfile), dlopen(RTLD_NOW | RTLD_LOCAL) the copy, dlsym one
 * symbol, then dlclose the previous copy and unlink it.
 *
 * Like the core it opens the new copy before closing the old one, so both have two libraries
 * mapped at the moment of the swap. It checks nothing else: no structure check, no "did it
 * really unload" probe, no watcher. Owns its mkdtemp directory and the copies in it.
 */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include "bench.h"

#include <dlfcn.h>
#include <limits.h>
#include <sys/sendfile.h>

typedef struct floor_lib {
    char dir[PATH_MAX];                          /* private directory of the copies */
    char loaded[PATH_MAX + 64];                  /* the copy now open */
    void *handle;                                /* its loader handle, NULL before the first load */
    unsigned n;                                  /* copies made, for unique names */
    uint64_t copy_ns, open_ns, sym_ns, close_ns; /* phases of the last floor_load */
} floor_lib;

static inline void floor_open(floor_lib *f, const char *parent)
{
    *f = (floor_lib){ .n = 0 };
    bench_str(f->dir, sizeof f->dir, "%s/bench-floor-XXXXXX", parent);
    if (!mkdtemp(f->dir))
        bench_die(f->dir);
}

static inline void floor_copy(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (in < 0 || fstat(in, &st) != 0)
        bench_die(src);
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
    if (out < 0)
        bench_die(dst);
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = sendfile(out, in, NULL, (size_t)left);
        if (n <= 0)
            bench_die("sendfile");
        left -= n;
    }
    close(in);
    close(out);
}

/* Loads a new copy of src and returns the address of sym in it (exits on failure). */
static inline void *floor_load(floor_lib *f, const char *src, const char *sym)
{
    char copy[sizeof f->loaded];
    bench_str(copy, sizeof copy, "%s/%u.so", f->dir, ++f->n);
    uint64_t t0 = bench_now_ns();
    floor_copy(src, copy);
    uint64_t t1 = bench_now_ns();
    void *h = dlopen(copy, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "bench: floor dlopen: %s\n", dlerror());
        exit(1);
    }
    uint64_t t2 = bench_now_ns();
    void *p = dlsym(h, sym);
    if (!p) {
        fprintf(stderr, "bench: floor dlsym %s: %s\n", sym, dlerror());
        exit(1);
    }
    uint64_t t3 = bench_now_ns();
    if (f->handle) {
        dlclose(f->handle);
        unlink(f->loaded);
    }
    f->handle = h;
    memcpy(f->loaded, copy, sizeof copy);
    uint64_t t4 = bench_now_ns();
    f->copy_ns = t1 - t0;
    f->open_ns = t2 - t1;
    f->sym_ns = t3 - t2;
    f->close_ns = t4 - t3;
    return p;
}

static inline void floor_close(floor_lib *f)
{
    if (f->handle) {
        dlclose(f->handle);
        unlink(f->loaded);
    }
    rmdir(f->dir);
    f->handle = NULL;
}

#endif /* BENCH_FLOOR_H */
