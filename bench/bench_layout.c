/* bench_layout.c - reading a game's state layout from its debug information (row 1l): what the
 * host does once per load for a game that names its state_type (host/game/host_layout.c, libdw).
 * The floor reads the same file's bytes once (open, read, close), as the core's copy does.
 * Runs alternate, floor first.
 *
 * Usage: bench_layout ID RUNS LIB TYPE
 */
#include "bench.h"
#include "host_layout.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_layout ID RUNS LIB TYPE\n");
        return 2;
    }
    const char *id = argv[1], *lib = argv[3], *type = argv[4];
    int runs = atoi(argv[2]);
    bench_samples sub = { 0 }, flo = { 0 };
    int fields = 0;
    for (int r = 0; r < runs + 1; r++) { /* the first round warms the caches: not counted */
        size_t size;
        uint64_t t0 = bench_now_ns();
        free(bench_read_file(lib, &size));
        uint64_t t1 = bench_now_ns();
        host_layout *l = host_layout_read(lib, type);
        uint64_t t2 = bench_now_ns();
        if (!l || host_layout_error_code(l) != HOST_LAYOUT_OK) {
            fprintf(stderr, "bench_layout: %s\n", l ? host_layout_error_text(l) : "out of memory");
            host_layout_free(l);
            bench_free(&sub);
            bench_free(&flo);
            return 1;
        }
        fields = host_layout_count(l);
        host_layout_free(l);
        if (r > 0) {
            bench_add(&flo, (double)(t1 - t0));
            bench_add(&sub, (double)(t2 - t1));
        }
    }
    char what[200], note[200];
    bench_str(what, sizeof what, "state layout of %s from DWARF", type);
    bench_str(note, sizeof note, "%d fields; once per load, in validate", fields);
    bench_row(id, what, "ns", bench_stats_of(&sub), "read the file", bench_stats_of(&flo), NULL,
              NULL, note);
    bench_free(&sub);
    bench_free(&flo);
    return 0;
}
