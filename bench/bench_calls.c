/* bench_calls.c - call overhead (row 7): what calling game code costs through the ways the
 * core and the host offer, against the cheapest way to make the same call.
 *
 *   slot            a function pointer hr resolved, called directly      floor: a direct call
 *   API struct      game_api.update through the resolved struct         floor: a direct call
 *   hr_call         by name, a name given to hr_open (strcmp search)    floor: the slot call
 *   hr_call         by a name hr was not given (falls back to dlsym)    floor: the slot call
 *   crash guard     host_guard_call(fn, arg), the host's door into game floor: the slot call
 *
 * The callee increments a counter; the direct-call baseline has the same body and is kept out
 * of line. Each sample is a batch of calls divided by its size; the kinds take turns.
 *
 * Usage: bench_calls ID RUNS LIBRARY (lib_calls_1.so)
 */
#include "bench.h"
#include "game_api.h"
#include "host_guard.h"
#include "hr.h"

enum {
    BATCH = 2000,
    WARMUP = 5
};
enum {
    K_DIRECT,
    K_SLOT,
    K_API,
    K_CALL,
    K_CALL_DLSYM,
    K_GUARD,
    K_COUNT
};

typedef void (*tick_fn)(void *);

__attribute__((noinline)) static void direct_tick(void *counter)
{
    ++*(volatile unsigned *)counter;
}

static double batch(int kind, hr_lib *lib, void *const *slots)
{
    unsigned counter = 0;
    tick_fn slot = (tick_fn)slots[0];
    const game_api *api = slots[1];
    uint64_t t0 = bench_now_ns();
    switch (kind) {
    case K_DIRECT:
        for (int i = 0; i < BATCH; i++)
            direct_tick(&counter);
        break;
    case K_SLOT:
        for (int i = 0; i < BATCH; i++)
            slot(&counter);
        break;
    case K_API:
        for (int i = 0; i < BATCH; i++)
            api->update(&counter, NULL, NULL);
        break;
    case K_CALL:
        for (int i = 0; i < BATCH; i++)
            hr_call(lib, "bench_tick", &counter);
        break;
    case K_CALL_DLSYM:
        for (int i = 0; i < BATCH; i++)
            hr_call(lib, "bench_tick_undeclared", &counter);
        break;
    case K_GUARD:
        for (int i = 0; i < BATCH; i++)
            host_guard_call(slot, &counter);
        break;
    default: break;
    }
    uint64_t dt = bench_now_ns() - t0;
    if (counter != BATCH)
        bench_die("a call went missing");
    return (double)dt / BATCH;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_calls ID RUNS LIBRARY\n");
        return 2;
    }
    const char *id = argv[1];
    int runs = atoi(argv[2]);
    void *slots[2];
    hr_lib *lib = hr_open(&(hr_desc){ .log = bench_log,
                                      .path = argv[3],
                                      .symbols = (const char *[]){ "bench_tick", "bench_api" },
                                      .symbol_count = 2,
                                      .slots = slots,
                                      .watch = HR_WATCH_NONE,
                                      .temp_dir = bench_tmpfs() });
    if (!lib || !hr_is_loaded(lib)) {
        fprintf(stderr, "bench_calls: %s\n", lib ? hr_error_text(lib) : "out of memory");
        return 1;
    }
    if (host_guard_install() != 0)
        bench_die("host_guard_install");

    bench_samples s[K_COUNT] = { { 0 } };
    for (int r = 0; r < WARMUP + runs; r++)
        for (int k = 0; k < K_COUNT; k++) {
            double ns = batch(k, lib, slots);
            if (r >= WARMUP)
                bench_add(&s[k], ns);
        }
    bench_stats st[K_COUNT];
    for (int k = 0; k < K_COUNT; k++)
        st[k] = bench_stats_of(&s[k]);

    char id2[16], note[64];
    bench_str(note, sizeof note, "per call, batches of %d", BATCH);
    bench_str(id2, sizeof id2, "%sa", id);
    bench_row(id2, "call through a resolved slot", "ns", st[K_SLOT], "direct call", st[K_DIRECT],
              NULL, NULL, note);
    bench_str(id2, sizeof id2, "%sb", id);
    bench_row(id2, "call through the API struct (api->update)", "ns", st[K_API], "direct call",
              st[K_DIRECT], NULL, NULL, note);
    bench_str(id2, sizeof id2, "%sc", id);
    bench_row(id2, "hr_call by name (declared name)", "ns", st[K_CALL], "slot call", st[K_SLOT],
              NULL, NULL, note);
    bench_str(id2, sizeof id2, "%sd", id);
    bench_row(id2, "hr_call by name (undeclared: dlsym)", "ns", st[K_CALL_DLSYM], "slot call",
              st[K_SLOT], NULL, NULL, note);
    bench_str(id2, sizeof id2, "%se", id);
    bench_row(id2, "crash-guarded call (host_guard_call)", "ns", st[K_GUARD], "slot call",
              st[K_SLOT], NULL, NULL, "no signal mask saved: no syscall per call");
    hr_close(lib);
    return 0;
}
