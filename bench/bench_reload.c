/* bench_reload.c - the reload stall (rows 1 and 5): how long hr_check() takes to swap in a
 * build that is already written, where that time goes (hr_last_timing), and the whole
 * change-to-first-new-call latency (rename into place -> hr_check says HR_RELOADED -> the new
 * code runs).
 *
 * Floor (bench_floor.h): copy + dlopen + dlsym + dlclose of the same file with no framework, in
 * the same tmpfs parent. Each iteration runs floor and subject back to back, so both see the
 * same machine state, and they take turns going first. The "build" is the library's bytes written
 * under a temporary name and renamed over WORKDIR/{hr,floor}/lib.so, as a linker followed by `mv`
 * does. The new code is called as the host would: a game library (SYMBOL livehost_game) renders its
 * state through do-nothing host services; any other SYMBOL is called as `int f(int)`.
 *
 * With --preflight PROGRAM a third library is watched with hr_desc.preflight set, as the host
 * does: the first check copies the build and starts the pre-flight process, later checks poll
 * it, the last one commits. Its rows: the longest single hr_check (the frame hitch) and the
 * rename-to-first-call latency with a check every 0.1 ms (a very fast frame loop: the least a
 * host can see; spinning instead would starve the pre-flight process on a small machine).
 *
 * Usage: bench_reload [--brief] [--preflight PROGRAM] ID LABEL LIBRARY SYMBOL RUNS WORKDIR
 *   --brief   print only the stall row (the scaling rows use this)
 */
#include "bench.h"
#include "bench_floor.h"
#include "bench_stubs.h"
#include "hr.h"

enum {
    WARMUP = 10
};

typedef struct run_state {
    int is_game;       /* SYMBOL is the game API struct */
    void *game_state;  /* the state block the game's render reads */
    volatile int sink; /* keeps the int f(int) calls alive */
} run_state;

/* Runs the freshly loaded code once. */
static void call_new_code(run_state *r, void *sym)
{
    if (r->is_game) {
        if (!r->game_state)
            r->game_state = stub_game_start(sym);
        stub_game_call(sym, r->game_state);
    } else {
        r->sink = ((int (*)(int))sym)(r->sink);
    }
}

/* One hr_check() after a build landed; counts the checks until it reports HR_RELOADED. */
static int check_until_reloaded(hr_lib *lib)
{
    for (int checks = 1; checks <= 1000; checks++) {
        hr_status st = hr_check(lib);
        if (st == HR_RELOADED)
            return checks;
        if (st != HR_UNCHANGED && st != HR_NOT_READY) {
            fprintf(stderr, "bench_reload: %s: %s\n", hr_status_name(st), hr_error_text(lib));
            exit(1);
        }
    }
    fprintf(stderr, "bench_reload: no reload after 1000 checks\n");
    exit(1);
}

static void ratio_row(const char *id, const char *what, bench_samples *s, const char *fname,
                      bench_samples *f, const char *note)
{
    bench_stats a = bench_stats_of(s), b = bench_stats_of(f);
    bench_row(id, what, "ns", a, fname, b, "<= 1.2x floor",
              bench_verdict(1, a.median <= 1.2 * b.median), note);
}

int main(int argc, char **argv)
{
    int brief = argc > 1 && strcmp(argv[1], "--brief") == 0;
    argv += brief;
    argc -= brief;
    const char *preflight = NULL;
    if (argc > 2 && strcmp(argv[1], "--preflight") == 0) {
        preflight = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc != 7) {
        fprintf(stderr, "usage: bench_reload [--brief] [--preflight PROGRAM] ID LABEL LIBRARY "
                        "SYMBOL RUNS WORKDIR\n");
        return 2;
    }
    const char *id = argv[1], *label = argv[2], *library = argv[3], *symbol = argv[4];
    int runs = atoi(argv[5]);
    const char *work = argv[6];

    size_t size;
    char *data = bench_read_file(library, &size);
    char hr_dir[4096], floor_dir[4096], pf_dir[4096], tmp[4300];
    char hr_path[4200], floor_path[4200], pf_path[4200];
    bench_str(hr_dir, sizeof hr_dir, "%s/hr", work);
    bench_str(floor_dir, sizeof floor_dir, "%s/floor", work);
    bench_str(pf_dir, sizeof pf_dir, "%s/preflight", work);
    mkdir(work, 0755);
    mkdir(hr_dir, 0755);
    mkdir(floor_dir, 0755);
    mkdir(pf_dir, 0755);
    bench_str(hr_path, sizeof hr_path, "%s/lib.so", hr_dir);
    bench_str(floor_path, sizeof floor_path, "%s/lib.so", floor_dir);
    bench_str(pf_path, sizeof pf_path, "%s/lib.so", pf_dir);

    run_state rh = { .is_game = strcmp(symbol, GAME_API_SYMBOL) == 0 };
    run_state rf = rh;
    void *slot = NULL;
    bench_install(hr_path, data, size);
    hr_lib *lib = hr_open(&(hr_desc){ .log = bench_log,
                                      .path = hr_path,
                                      .symbols = (const char *[]){ symbol },
                                      .symbol_count = 1,
                                      .slots = &slot,
                                      .temp_dir = bench_tmpfs() });
    if (!lib || !hr_is_loaded(lib)) {
        fprintf(stderr, "bench_reload: %s\n", lib ? hr_error_text(lib) : "out of memory");
        return 1;
    }
    call_new_code(&rh, slot);
    run_state rp = rh;
    rp.game_state = NULL;
    void *pf_slot = NULL;
    hr_lib *pf = NULL;
    if (preflight && !brief) {
        bench_install(pf_path, data, size);
        pf = hr_open(&(hr_desc){ .log = bench_log,
                                 .path = pf_path,
                                 .symbols = (const char *[]){ symbol },
                                 .symbol_count = 1,
                                 .slots = &pf_slot,
                                 .temp_dir = bench_tmpfs(),
                                 .preflight = preflight });
        if (!pf || !hr_is_loaded(pf)) {
            fprintf(stderr, "bench_reload: %s\n", pf ? hr_error_text(pf) : "out of memory");
            free(rh.game_state);
            return 1;
        }
        call_new_code(&rp, pf_slot);
    }
    floor_lib fl;
    floor_open(&fl, bench_tmpfs());

    bench_samples stall = { 0 }, fstall = { 0 }, copy = { 0 }, fcopy = { 0 }, check = { 0 };
    bench_samples open = { 0 }, fopen_ = { 0 }, resolve = { 0 }, fsym = { 0 }, close_ = { 0 };
    bench_samples fclose_ = { 0 }, watch = { 0 }, lat = { 0 }, flat = { 0 };
    bench_samples pf_hitch = { 0 }, pf_lat = { 0 }, pf_checks = { 0 }, pf_first = { 0 };
    bench_samples pf_last = { 0 };
    int first_check = 0;
    for (int i = 0; i < WARMUP + runs; i++) {
        int keep = i >= WARMUP;

        /* Floor and subject take turns going first (ABBA): whatever runs right after the
         * other's file writes can pay for them. */
        int floor_first = i % 2 == 0, checks = 0;
        uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        hr_timing tm = { 0 };
        for (int pass = 0; pass < 2; pass++) {
            if ((pass == 0) == floor_first) {
                /* Stall, floor: the build is in place; copy, open, resolve, close the old. */
                bench_install(floor_path, data, size);
                t0 = bench_now_ns();
                void *p = floor_load(&fl, floor_path, symbol);
                t1 = bench_now_ns();
                call_new_code(&rf, p);
            } else {
                /* Stall, subject: the same through hr_check(). */
                bench_install(hr_path, data, size);
                t2 = bench_now_ns();
                checks = check_until_reloaded(lib);
                t3 = bench_now_ns();
                tm = hr_last_timing(lib);
                call_new_code(&rh, slot);
            }
        }
        if (keep) {
            first_check += checks == 1;
            bench_add(&fstall, (double)(t1 - t0));
            bench_add(&fcopy, (double)fl.copy_ns);
            bench_add(&fopen_, (double)fl.open_ns);
            bench_add(&fsym, (double)fl.sym_ns);
            bench_add(&fclose_, (double)fl.close_ns);
            bench_add(&stall, (double)(t3 - t2));
            bench_add(&copy, (double)tm.copy_ns);
            bench_add(&check, (double)tm.check_ns);
            bench_add(&open, (double)tm.open_ns);
            bench_add(&resolve, (double)tm.resolve_ns);
            bench_add(&close_, (double)tm.close_ns);
            bench_add(&watch, (double)(t3 - t2) - (double)tm.total_ns);
        }
        if (brief)
            continue;

        for (int pass = 0; pass < 2; pass++) {
            if ((pass == 0) == floor_first) {
                /* Change to first new call, floor: rename, load, call. */
                bench_str(tmp, sizeof tmp, "%s.tmp", floor_path);
                bench_write(tmp, data, size);
                t0 = bench_now_ns();
                if (rename(tmp, floor_path) != 0)
                    bench_die(floor_path);
                call_new_code(&rf, floor_load(&fl, floor_path, symbol));
                t1 = bench_now_ns();
            } else {
                /* Change to first new call, subject: rename, check until reloaded, call. */
                bench_str(tmp, sizeof tmp, "%s.tmp", hr_path);
                bench_write(tmp, data, size);
                t2 = bench_now_ns();
                if (rename(tmp, hr_path) != 0)
                    bench_die(hr_path);
                checks = check_until_reloaded(lib);
                call_new_code(&rh, slot);
                t3 = bench_now_ns();
            }
        }
        if (keep) {
            first_check += checks == 1;
            bench_add(&flat, (double)(t1 - t0));
            bench_add(&lat, (double)(t3 - t2));
        }
        if (!pf)
            continue;

        /* With pre-flight: rename, check every 0.1 ms until reloaded, call. */
        bench_str(tmp, sizeof tmp, "%s.tmp", pf_path);
        bench_write(tmp, data, size);
        uint64_t hitch = 0, first = 0, last = 0;
        checks = 0;
        t2 = bench_now_ns();
        if (rename(tmp, pf_path) != 0)
            bench_die(pf_path);
        for (hr_status st = HR_UNCHANGED; st != HR_RELOADED; checks++) {
            uint64_t c0 = bench_now_ns();
            st = hr_check(pf);
            uint64_t c1 = bench_now_ns();
            hitch = c1 - c0 > hitch ? c1 - c0 : hitch;
            first = checks ? first : c1 - c0;
            last = c1 - c0;
            if (st != HR_UNCHANGED && st != HR_NOT_READY && st != HR_RELOADED)
                bench_die(hr_error_text(pf));
            if (st != HR_RELOADED)
                nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
        }
        call_new_code(&rp, pf_slot);
        t3 = bench_now_ns();
        if (keep) {
            bench_add(&pf_hitch, (double)hitch);
            bench_add(&pf_lat, (double)(t3 - t2));
            bench_add(&pf_checks, checks);
            bench_add(&pf_first, (double)first);
            bench_add(&pf_last, (double)last);
        }
    }

    char what[300], note[200];
    snprintf(what, sizeof what, "reload stall: hr_check swaps in %s", label);
    if (brief) {
        snprintf(note, sizeof note, "%zu KiB file", size / 1024);
        ratio_row(id, what, &stall, "copy+dlopen+dlsym+dlclose", &fstall, note);
    } else {
        snprintf(note, sizeof note, "first check reloaded %d/%d; %zu KiB file", first_check,
                 2 * runs, size / 1024);
        ratio_row(id, what, &stall, "copy+dlopen+dlsym+dlclose", &fstall, note);
        bench_stats none = { 0 };
        char sub[16];
        bench_str(sub, sizeof sub, "%sa", id);
        bench_row(sub, "  copy into the private dir", "ns", bench_stats_of(&copy), "sendfile copy",
                  bench_stats_of(&fcopy), NULL, NULL, NULL);
        bench_str(sub, sizeof sub, "%sb", id);
        bench_row(sub, "  ELF structure check", "ns", bench_stats_of(&check), NULL, none, NULL,
                  NULL, "no floor: the floor checks nothing");
        bench_str(sub, sizeof sub, "%sc", id);
        bench_row(sub, "  dlopen", "ns", bench_stats_of(&open), "dlopen", bench_stats_of(&fopen_),
                  NULL, NULL, NULL);
        bench_str(sub, sizeof sub, "%sd", id);
        bench_row(sub, "  resolve (dlsym)", "ns", bench_stats_of(&resolve), "dlsym",
                  bench_stats_of(&fsym), NULL, NULL, NULL);
        bench_str(sub, sizeof sub, "%se", id);
        bench_row(sub, "  close old: dlclose+unload probe+unlink", "ns", bench_stats_of(&close_),
                  "dlclose+unlink", bench_stats_of(&fclose_), NULL, NULL, NULL);
        bench_str(sub, sizeof sub, "%sf", id);
        bench_row(sub, "  watcher read + stat (outside the phases)", "ns", bench_stats_of(&watch),
                  NULL, none, NULL, NULL, "hr_check minus total_ns");
        bench_str(sub, sizeof sub, "%sg", id);
        ratio_row(sub, "change -> first new call (rename..call)", &lat,
                  "rename+copy+dlopen+dlsym+call", &flat, label);
        if (pf) {
            bench_stats c = bench_stats_of(&pf_checks);
            bench_stats c1 = bench_stats_of(&pf_first), c2 = bench_stats_of(&pf_last);
            bench_str(note, sizeof note,
                      "medians: first check (copy+check+spawn) %.0f us, last (commit) %.0f us",
                      c1.median / 1e3, c2.median / 1e3);
            bench_str(sub, sizeof sub, "%sh", id);
            ratio_row(sub, "with pre-flight: longest single hr_check", &pf_hitch,
                      "copy+dlopen+dlsym+dlclose", &fstall, note);
            bench_str(sub, sizeof sub, "%si", id);
            bench_str(note, sizeof note,
                      "%g checks 0.1 ms apart (median); a host checks once a frame", c.median);
            bench_row(sub, "with pre-flight: change -> first new call", "ns",
                      bench_stats_of(&pf_lat), "rename+copy+dlopen+dlsym+call",
                      bench_stats_of(&flat), NULL, NULL, note);
        }
    }

    floor_close(&fl);
    hr_close(pf);
    unlink(pf_path);
    rmdir(pf_dir);
    free(rp.game_state);
    hr_close(lib);
    unlink(hr_path);
    unlink(floor_path);
    rmdir(hr_dir);
    rmdir(floor_dir);
    free(data);
    free(rh.game_state);
    free(rf.game_state);
    return 0;
}
