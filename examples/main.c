/* examples/main.c - the seed demo: a plain C program that hot-reloads two libraries with hr.h.
 *
 * Shows: resolving symbols once into slots the program keeps, calling through them, the generic
 * call by name (its names listed, so a build without one is refused at load), and acting on each
 * hr_check() result. Run it, edit examples/library1.c, run
 * `make examples` in another terminal: the next line printed comes from the new code.
 *
 *     build/examples/main [--ticks N] [--interval-ms MS] [LIBRARY1 LIBRARY2]
 */
#include "hr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    LIB1_COMPUTE,
    LIB1_DESCRIBE,
    LIB1_COUNT
};
static const char *const library1_symbols[LIB1_COUNT] = { "library1_compute", "library1_describe" };
/* library2 is called by name (hr_call), yet its names are listed too: a build that lacks one is
 * then refused at load, with a message and the old code kept, instead of loading fine and
 * failing at the next call. */
static const char *const library2_symbols[] = { "library2_greet" };

static void report(const char *name, hr_lib *lib, hr_status status)
{
    if (status == HR_RELOADED)
        printf("%s: reloaded (version %u)\n", name, hr_version(lib));
    else if (status != HR_UNCHANGED)
        printf("%s: %s, keeping the old code: %s\n", name, hr_status_name(status),
               hr_error_text(lib));
}

int main(int argc, char **argv)
{
    long ticks = 0, interval_ms = 100;
    const char *paths[2] = { NULL, NULL };
    int npaths = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--ticks") == 0 && i + 1 < argc)
            ticks = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--interval-ms") == 0 && i + 1 < argc)
            interval_ms = strtol(argv[++i], NULL, 10);
        else if (npaths < 2)
            paths[npaths++] = argv[i];
    }
    /* By default the libraries sit next to this program. */
    char dir[512], path1[600], path2[600];
    const char *slash = strrchr(argv[0], '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
    snprintf(path1, sizeof path1, "%s/library1.so", dir);
    snprintf(path2, sizeof path2, "%s/library2.so", dir);

    void *slots[LIB1_COUNT];
    hr_lib *lib1 = hr_open(&(hr_desc){ .path = paths[0] ? paths[0] : path1,
                                       .symbols = library1_symbols,
                                       .symbol_count = LIB1_COUNT,
                                       .slots = slots });
    hr_lib *lib2 = hr_open(&(hr_desc){
        .path = npaths > 1 ? paths[1] : path2, .symbols = library2_symbols, .symbol_count = 1 });
    if (!lib1 || !lib2)
        return 1;
    if (!hr_is_loaded(lib1))
        printf("library1: not loaded yet: %s\n", hr_error_text(lib1));
    if (!hr_is_loaded(lib2))
        printf("library2: not loaded yet: %s\n", hr_error_text(lib2));

    for (long tick = 1; ticks == 0 || tick <= ticks; tick++) {
        report("library1", lib1, hr_check(lib1));
        report("library2", lib2, hr_check(lib2));
        if (hr_is_loaded(lib1)) {
            int (*compute)(int, int) = (int (*)(int, int))slots[LIB1_COMPUTE];
            const char *(*describe)(void) = (const char *(*)(void))slots[LIB1_DESCRIBE];
            printf("tick %ld: library1 %s: compute(6, 7) = %d\n", tick, describe(), compute(6, 7));
        }
        char who[] = "main";
        if (hr_is_loaded(lib2))
            hr_call(lib2, "library2_greet", who);
        fflush(stdout);
        nanosleep(&(struct timespec){ .tv_sec = interval_ms / 1000,
                                      .tv_nsec = (interval_ms % 1000) * 1000000L },
                  NULL);
    }
    hr_close(lib2);
    hr_close(lib1);
    return 0;
}
