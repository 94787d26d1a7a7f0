/* bench_edit.c - edit to pixels (row 3): from saving a game source file to the host's
 * "reloaded" event, with the host running headless on a temp copy of the game; then the time
 * of a full game build with each compiler, and whether a tcc build loads, runs and draws the
 * same pixels.
 *
 * A run rewrites the smallest .c file of the copy (its text plus one changed constant),
 * compiles that file and links every object the way the Makefile does (temporary name, then
 * rename). The floor is the very same rebuild into a directory no host watches; floor and
 * host runs alternate. The host paces itself at 60 frames per second (--frames 0) and checks
 * for a build once a frame, so waiting for the next frame is part of what a user sees.
 *
 * Flags come from the Makefile through the environment: GAME_CC (else CC), GAME_WARN_FLAGS
 * (warnings and -I), GAME_OPT_FLAGS (CFLAGS), GAME_PIC_FLAGS (GAME_CFLAGS), GAME_LINK_FLAGS
 * (GAME_LDFLAGS).
 *
 * Usage: bench_edit ID RUNS HOST GAMEDIR ASSETS WORKDIR
 *        bench_edit --compilers ID RUNS HOST GAMEDIR ASSETS WORKDIR
 */
#include "bench.h"
#include "bench_host.h"
#include "bench_stubs.h"
#include "hr.h"

#include <dirent.h>

enum {
    MAX_ARGS = 128,
    MAX_SRC = 64
};

typedef struct arg_list {
    const char *v[MAX_ARGS + 1];
    int n;
    char store[8192]; /* the split flag strings live here */
    size_t used;
} arg_list;

static void add(arg_list *a, const char *s)
{
    if (a->n == MAX_ARGS)
        bench_die("too many arguments");
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

/* Adds each word of a flags string, leaving out the word `skip` (may be NULL). */
static void add_words(arg_list *a, const char *flags, const char *skip)
{
    const char *p = flags ? flags : "";
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strcspn(p, " \t");
        if (!len)
            break;
        if (a->used + len + 1 > sizeof a->store)
            bench_die("flags too long");
        char *w = a->store + a->used;
        memcpy(w, p, len);
        w[len] = 0;
        a->used += len + 1;
        if (!skip || strcmp(w, skip) != 0)
            add(a, w);
        p += len;
    }
}

/* Runs argv, its output going to our stderr; returns the exit status (-1: did not run). */
static int run(const char *const *argv)
{
    pid_t pid;
    int status;
    if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The game's compiler: GAME_CC, else CC, else cc. */
static const char *game_cc(void)
{
    const char *cc = getenv("GAME_CC");
    if (!cc || !cc[0])
        cc = getenv("CC");
    return cc && cc[0] ? cc : "cc";
}

/* --- the game copy and how to build it ----------------------------------------------------- */

typedef struct compiler {
    const char *name;     /* row label */
    const char *cc;       /* program */
    const char *opt;      /* optimisation and debug flags */
    int is_clang, is_tcc; /* flags they refuse: -fno-gnu-unique (clang), -MMD/-z defs (tcc) */
} compiler;

typedef struct game_copy {
    char src[4096], obj[4096]; /* WORKDIR/src, WORKDIR/obj */
    char files[MAX_SRC][256];  /* .c file names */
    int count;
    int edit;        /* index of the file the runs rewrite */
    char *edit_text; /* its original text */
    unsigned edits;  /* runs so far: the changed constant */
} game_copy;

static void copy_game(game_copy *g, const char *gamedir, const char *work)
{
    bench_str(g->src, sizeof g->src, "%s/src", work);
    bench_str(g->obj, sizeof g->obj, "%s/obj", work);
    mkdir(work, 0755);
    mkdir(g->src, 0755);
    mkdir(g->obj, 0755);
    DIR *d = opendir(gamedir);
    if (!d)
        bench_die(gamedir);
    struct dirent *e;
    size_t smallest = (size_t)-1;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 3 ||
            (strcmp(e->d_name + len - 2, ".c") != 0 && strcmp(e->d_name + len - 2, ".h") != 0))
            continue;
        char from[4400], to[4400];
        bench_str(from, sizeof from, "%s/%s", gamedir, e->d_name);
        bench_str(to, sizeof to, "%s/%s", g->src, e->d_name);
        size_t size;
        char *text = bench_read_file(from, &size);
        bench_write(to, text, size);
        free(text);
        if (e->d_name[len - 1] == 'c' && g->count < MAX_SRC) {
            bench_str(g->files[g->count], sizeof g->files[0], "%s", e->d_name);
            if (size < smallest) {
                smallest = size;
                g->edit = g->count;
            }
            g->count++;
        }
    }
    closedir(d);
    if (!g->count)
        bench_die("no .c files in the game directory");
    char path[4400];
    bench_str(path, sizeof path, "%s/%s", g->src, g->files[g->edit]);
    size_t size;
    g->edit_text = bench_read_file(path, &size);
}

/* Saves the edited file: the original text plus one constant that changes every time. */
static void save_edit(game_copy *g)
{
    char path[4400];
    bench_str(path, sizeof path, "%s/%s", g->src, g->files[g->edit]);
    size_t len = strlen(g->edit_text);
    char *text = malloc(len + 128);
    if (!text)
        bench_die("out of memory");
    int n = snprintf(text, len + 128,
                     "%s\n__attribute__((used)) static const unsigned "
                     "bench_edit_marker = %uu;\n",
                     g->edit_text, ++g->edits);
    bench_write(path, text, (size_t)n);
    free(text);
}

static int compile(const game_copy *g, const compiler *c, int i)
{
    char src[4400], obj[4400];
    bench_str(src, sizeof src, "%s/%s", g->src, g->files[i]);
    bench_str(obj, sizeof obj, "%s/%s.o", g->obj, g->files[i]);
    arg_list a = { .n = 0 };
    add(&a, c->cc);
    add_words(&a, getenv("GAME_WARN_FLAGS"), NULL);
    add_words(&a, c->opt, NULL);
    add_words(&a, getenv("GAME_PIC_FLAGS"), c->is_clang ? "-fno-gnu-unique" : NULL);
    add(&a, "-c");
    add(&a, src);
    add(&a, "-o");
    add(&a, obj);
    return run(a.v);
}

/* Links every object to out (via out.tmp and a rename, as the Makefile does). */
static int link_lib(const game_copy *g, const compiler *c, const char *out)
{
    char objs[MAX_SRC][4400], tmp[4400];
    arg_list a = { .n = 0 };
    add(&a, c->cc);
    add_words(&a, getenv("GAME_LINK_FLAGS"), c->is_tcc ? "-Wl,-z,defs" : NULL);
    for (int i = 0; i < g->count; i++) {
        bench_str(objs[i], sizeof objs[i], "%s/%s.o", g->obj, g->files[i]);
        add(&a, objs[i]);
    }
    bench_str(tmp, sizeof tmp, "%s.tmp", out);
    add(&a, "-o");
    add(&a, tmp);
    add(&a, "-lm");
    if (run(a.v) != 0)
        return -1;
    return rename(tmp, out);
}

static int build_all(const game_copy *g, const compiler *c, const char *out)
{
    for (int i = 0; i < g->count; i++)
        if (compile(g, c, i) != 0)
            return -1;
    return link_lib(g, c, out);
}

/* --- edit to pixels -------------------------------------------------------------------------- */

static int edit_to_pixels(const char *id, int runs, const char *host, const char *gamedir,
                          const char *assets, const char *work)
{
    game_copy g = { .count = 0 };
    copy_game(&g, gamedir, work);
    compiler cc = { .name = "make", .cc = game_cc(), .opt = getenv("GAME_OPT_FLAGS") };
    cc.is_clang = strstr(cc.cc, "clang") != NULL;
    cc.is_tcc = strstr(cc.cc, "tcc") != NULL;
    char hdir[4200], fdir[4200], hlib[4300], flib[4300], line[1024];
    bench_str(hdir, sizeof hdir, "%s/host", work);
    bench_str(fdir, sizeof fdir, "%s/floor", work);
    mkdir(hdir, 0755);
    mkdir(fdir, 0755);
    bench_str(hlib, sizeof hlib, "%s/game.so", hdir);
    bench_str(flib, sizeof flib, "%s/game.so", fdir);
    if (build_all(&g, &cc, hlib) != 0)
        bench_die("building the game copy");
    host_proc h;
    host_start(&h, host, hlib, assets, 0, NULL);
    if (host_wait(&h, "loaded", line, sizeof line, 10000) != 0)
        bench_die("the host did not load the game copy");

    bench_samples sub = { 0 }, flo = { 0 }, wait = { 0 }, core_ms = { 0 };
    for (int r = 0; r < runs + 2; r++) {
        /* Floor: save, compile, link into a directory nobody watches. */
        uint64_t t0 = bench_now_ns();
        save_edit(&g);
        if (compile(&g, &cc, g.edit) != 0 || link_lib(&g, &cc, flib) != 0)
            bench_die("floor build");
        uint64_t t1 = bench_now_ns();

        /* Host: the same, into the watched library, then wait for its event. */
        uint64_t t2 = bench_now_ns();
        save_edit(&g);
        if (compile(&g, &cc, g.edit) != 0 || link_lib(&g, &cc, hlib) != 0)
            bench_die("build");
        uint64_t t3 = bench_now_ns();
        if (host_wait(&h, "reloaded", line, sizeof line, 10000) != 0)
            bench_die("no reloaded event from the host within 10 s");
        uint64_t t4 = bench_now_ns();
        const char *ms = strstr(line, " ms=");
        if (r >= 2) { /* the first runs warm the caches */
            bench_add(&flo, (double)(t1 - t0));
            bench_add(&sub, (double)(t4 - t2));
            bench_add(&wait, (double)(t4 - t3));
            if (ms)
                bench_add(&core_ms, strtod(ms + 4, NULL) * 1e6);
        }
    }
    host_stop(&h, 1);

    bench_stats s = bench_stats_of(&sub), f = bench_stats_of(&flo), w = bench_stats_of(&wait);
    bench_stats m = bench_stats_of(&core_ms);
    char id2[16], note[200];
    bench_str(id2, sizeof id2, "%sa", id);
    bench_str(note, sizeof note, "edits %s; host paced at 60 fps", g.files[g.edit]);
    bench_row(id2, "edit -> host 'reloaded' event (wall)", "ns", s, "save+compile+link alone", f,
              NULL, NULL, note);
    bench_str(id2, sizeof id2, "%sb", id);
    bench_str(note, sizeof note, "the event's ms= field (hr total_ns): median %.2f ms, p99 %.2f",
              m.median / 1e6, m.p99 / 1e6);
    bench_row(id2, "  of which: library renamed -> event", "ns", w, "one frame at 60 fps",
              bench_one(1e9 / 60), NULL, NULL, note);
    free(g.edit_text);
    return 0;
}

/* --- compilers ------------------------------------------------------------------------------- */

/* Counts the pixels that differ between two BMP screenshots of the same size; -1 if unreadable. */
static long pixels_differ(const char *a_path, const char *b_path)
{
    if (access(a_path, R_OK) != 0 || access(b_path, R_OK) != 0)
        return -1;
    size_t na, nb;
    char *a = bench_read_file(a_path, &na), *b = bench_read_file(b_path, &nb);
    long diff = -1;
    if (na == nb && na > 54) {
        uint32_t off;
        memcpy(&off, a + 10, 4);
        diff = 0;
        for (size_t i = off; i + 4 <= na; i += 4)
            diff += memcmp(a + i, b + i, 4) != 0;
    }
    free(a);
    free(b);
    return diff;
}

/* Loads lib with the core and runs its render once through do-nothing services. */
static int loads_with_core(const char *lib)
{
    void *slot = NULL;
    hr_lib *l = hr_open(&(hr_desc){ .log = bench_log,
                                    .path = lib,
                                    .symbols = (const char *[]){ GAME_API_SYMBOL },
                                    .symbol_count = 1,
                                    .slots = &slot,
                                    .watch = HR_WATCH_NONE });
    int ok = l && hr_is_loaded(l);
    if (ok) {
        void *state = stub_game_start(slot);
        stub_game_call(slot, state);
        free(state);
    }
    hr_close(l);
    return ok;
}

/* Runs the host headless for 60 frames with a screenshot; returns its exit status.
 * Every library is run from the same path: the status bar shows it. */
static int host_shot(const char *host, const char *lib, const char *assets, const char *bmp,
                     const char *work)
{
    char shot[4300];
    bench_str(shot, sizeof shot, "%s/shot.so", work);
    size_t size;
    char *data = bench_read_file(lib, &size);
    bench_install(shot, data, size);
    free(data);
    host_proc h;
    unlink(bmp);
    host_start(&h, host, shot, assets, 60, bmp);
    char line[1024];
    int crashed = host_wait(&h, "crash", line, sizeof line, 10000) == 0;
    int rc = host_stop(&h, 0);
    return crashed ? -2 : rc;
}

static int compilers(const char *id, int runs, const char *host, const char *gamedir,
                     const char *assets, const char *work)
{
    game_copy g = { .count = 0 };
    copy_game(&g, gamedir, work);
    const char *opt = getenv("GAME_OPT_FLAGS");
    compiler def = { .name = "make's game build", .cc = game_cc(), .opt = opt };
    def.is_clang = strstr(def.cc, "clang") != NULL;
    def.is_tcc = strstr(def.cc, "tcc") != NULL;
    const compiler list[] = {
        { .name = "gcc -O0 -g3", .cc = "gcc", .opt = "-O0 -g3" },
        { .name = "gcc -O2 -g", .cc = "gcc", .opt = "-O2 -g" },
        { .name = "clang -O0 -g3", .cc = "clang", .opt = "-O0 -g3", .is_clang = 1 },
        { .name = "tcc -g", .cc = "tcc", .opt = "-g", .is_tcc = 1 },
    };
    enum {
        N = sizeof list / sizeof list[0]
    };
    char ref_lib[4300], ref_bmp[4300];
    bench_str(ref_lib, sizeof ref_lib, "%s/default.so", work);
    bench_str(ref_bmp, sizeof ref_bmp, "%s/default.bmp", work);
    if (build_all(&g, &def, ref_lib) != 0)
        bench_die("default build");
    int have_host = host && access(host, X_OK) == 0;
    if (have_host)
        host_shot(host, ref_lib, assets, ref_bmp, work);

    char df[128];
    bench_str(df, sizeof df, "%s %s (make default)", def.cc, opt ? opt : "");
    for (int k = 0; k < N; k++) {
        const compiler *c = &list[k];
        char lib[4300], bmp[4300], note[300], id2[16], what[100];
        bench_str(lib, sizeof lib, "%s/%s.so", work, c->cc);
        bench_str(bmp, sizeof bmp, "%s/%s.bmp", work, c->cc);
        bench_samples s = { 0 }, f = { 0 };
        int ok = 1;
        for (int r = 0; r < runs + 1 && ok; r++) {
            uint64_t t0 = bench_now_ns();
            if (build_all(&g, &def, ref_lib) != 0)
                bench_die("default build");
            uint64_t t1 = bench_now_ns();
            ok = build_all(&g, c, lib) == 0;
            uint64_t t2 = bench_now_ns();
            if (r > 0) {
                bench_add(&f, (double)(t1 - t0));
                bench_add(&s, (double)(t2 - t1));
            }
        }
        bench_str(id2, sizeof id2, "%s%c", id, 'c' + k);
        bench_str(what, sizeof what, "full game build: %s", c->name);
        if (!ok) {
            bench_row(id2, what, "ns", (bench_stats){ 0 }, NULL, (bench_stats){ 0 }, NULL, NULL,
                      "does not build (see the log)");
            bench_free(&s);
            bench_free(&f);
            continue;
        }
        int loads = loads_with_core(lib);
        int rc = have_host ? host_shot(host, lib, assets, bmp, work) : -3;
        long px = have_host ? pixels_differ(ref_bmp, bmp) : -1;
        bench_str(note, sizeof note,
                  "loads: %s; host runs 60 frames: %s; pixels differing "
                  "from the default build: %ld",
                  loads ? "yes" : "NO",
                  rc == 0    ? "yes"
                  : rc == -3 ? "no host"
                  : rc == -2 ? "CRASHED"
                             : "FAILED",
                  px);
        bench_row(id2, what, "ns", bench_stats_of(&s), df, bench_stats_of(&f), NULL, NULL, note);
        bench_free(&s);
        bench_free(&f);
    }
    free(g.edit_text);
    return 0;
}

int main(int argc, char **argv)
{
    int comp = argc > 1 && strcmp(argv[1], "--compilers") == 0;
    argv += comp;
    argc -= comp;
    if (argc != 7) {
        fprintf(stderr, "usage: bench_edit [--compilers] ID RUNS HOST GAMEDIR ASSETS WORKDIR\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (comp)
        return compilers(argv[1], atoi(argv[2]), argv[3], argv[4], argv[5], argv[6]);
    return edit_to_pixels(argv[1], atoi(argv[2]), argv[3], argv[4], argv[5], argv[6]);
}
