/* examples/library1.c - a hot-reloadable library for examples/main.c.
 * Change the numbers below, run `make examples`, and the running demo prints the new result.
 * Only the functions marked EXPORT are visible (the Makefile builds with -fvisibility=hidden). */
#define EXPORT __attribute__((visibility("default")))

EXPORT int library1_compute(int a, int b);
EXPORT const char *library1_describe(void);

int library1_compute(int a, int b)
{
    return a + b;
}

const char *library1_describe(void)
{
    return "adds its arguments";
}
