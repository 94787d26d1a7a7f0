/* bench_state.c - state-size scaling (row 5): what a reload costs the host when the game's
 * state block is large, once kept as it is (same layout) and once migrated (the layout version
 * changes on every build, so the host allocates a new zeroed block and the game's migrate
 * copies every byte over).
 *
 * The host runs headless on WORKDIR/game.so, paced at 60 frames per second like a user's (an
 * unpaced host would spin a core and slow the floor down); each run renames a build into place
 * and waits for the "reloaded" event. The figure is the event's ms= field (the core's whole
 * load, the validate hook with its allocation and migrate included; not the pre-flight wait
 * nor the wait for the next frame, which the wall time in the note includes).
 * The floor is a no-framework reload of the same file in this process (bench_floor.h), run
 * alternately; for a migration it also allocates a zeroed block of the state's size (calloc)
 * and copies the old one over, the least a migration can do. The wall time from rename to
 * event goes in the note.
 *
 * Usage: bench_state ID LABEL BYTES RUNS HOST ASSETS WORKDIR LIB_V1 LIB_V2
 */
#include "bench.h"
#include "bench_floor.h"
#include "bench_host.h"
#include "game_api.h"

static void reload_rows(const char *id, const char *label, const char *kind, size_t bytes, int runs,
                        host_proc *h, const char *path, char *const data[2], const size_t size[2],
                        const char *const libs[2], floor_lib *fl)
{
    bench_samples ms = { 0 }, flo = { 0 }, wall = { 0 };
    char line[1024], want[32];
    bench_str(want, sizeof want, "state=%s", kind);
    int migrate = strcmp(kind, "migrated") == 0;
    char *block = calloc(1, bytes); /* the floor's live state */
    if (!block)
        bench_die("out of memory");
    for (int r = 0; r < runs + 1; r++) {
        int v = migrate ? 1 - r % 2 : 0; /* v1 is live: kept reloads v1, migrated alternates */
        uint64_t t0 = bench_now_ns();
        floor_load(fl, libs[v], GAME_API_SYMBOL);
        if (migrate) {
            char *next = calloc(1, bytes);
            if (!next)
                bench_die("out of memory");
            memcpy(next, block, bytes);
            free(block);
            block = next;
        }
        uint64_t t1 = bench_now_ns();
        uint64_t t2 = bench_now_ns();
        bench_install(path, data[v], size[v]);
        if (host_wait(h, "reloaded", line, sizeof line, 20000) != 0)
            bench_die("no reloaded event from the host");
        uint64_t t3 = bench_now_ns();
        if (!strstr(line, want)) {
            fprintf(stderr, "bench_state: expected %s: %s\n", want, line);
            exit(1);
        }
        const char *m = strstr(line, " ms=");
        if (r > 0 && m) {
            bench_add(&ms, strtod(m + 4, NULL) * 1e6);
            bench_add(&flo, (double)(t1 - t0));
            bench_add(&wall, (double)(t3 - t2));
        }
    }
    if (migrate && runs % 2 == 0) { /* leave v1 live for the next caller */
        bench_install(path, data[0], size[0]);
        host_wait(h, "reloaded", line, sizeof line, 20000);
    }
    char what[160], note[160];
    bench_str(what, sizeof what, "host reload, state %s %s (ms= field)", label, kind);
    bench_str(note, sizeof note, "rename -> event (wall, incl. pre-flight): median %.2f ms",
              bench_stats_of(&wall).median / 1e6);
    bench_row(id, what, "ns", bench_stats_of(&ms),
              migrate ? "bare reload + calloc + memcpy" : "copy+dlopen+dlsym+dlclose",
              bench_stats_of(&flo), NULL, NULL, note);
    free(block);
    bench_free(&ms);
    bench_free(&flo);
    bench_free(&wall);
}

int main(int argc, char **argv)
{
    if (argc != 10) {
        fprintf(stderr,
                "usage: bench_state ID LABEL BYTES RUNS HOST ASSETS WORKDIR LIB_V1 LIB_V2\n");
        return 2;
    }
    const char *id = argv[1], *label = argv[2], *host = argv[5], *assets = argv[6];
    const char *work = argv[7];
    size_t bytes = (size_t)strtoull(argv[3], NULL, 10);
    int runs = atoi(argv[4]);
    const char *const libs[2] = { argv[8], argv[9] };
    char *data[2];
    size_t size[2];
    for (int i = 0; i < 2; i++)
        data[i] = bench_read_file(libs[i], &size[i]);
    char path[4200], line[1024];
    mkdir(work, 0755);
    bench_str(path, sizeof path, "%s/game.so", work);
    bench_install(path, data[0], size[0]);

    host_proc h;
    host_start(&h, host, path, assets, 0, NULL); /* paced: 60 frames per second, like a user */
    if (host_wait(&h, "loaded", line, sizeof line, 20000) != 0)
        bench_die("the host did not load the state library");
    floor_lib fl;
    floor_open(&fl, bench_tmpfs());
    char id2[16];
    bench_str(id2, sizeof id2, "%sa", id);
    reload_rows(id2, label, "kept", bytes, runs, &h, path, data, size, libs, &fl);
    bench_str(id2, sizeof id2, "%sb", id);
    reload_rows(id2, label, "migrated", bytes, runs, &h, path, data, size, libs, &fl);
    floor_close(&fl);
    host_stop(&h, 1);
    unlink(path);
    free(data[0]);
    free(data[1]);
    return 0;
}
