/* check.h - the tiny test harness shared by the C test suites.
 * A case is a function `static void name(void)`; CHECK records a failure with file:line and the
 * formatted detail; RUN runs a case and prints "PASS name" or "FAIL name: detail", the line
 * protocol tests/run.sh counts. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed;
static char check_why[4096];

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond) && !check_failed) {                                                            \
            int n_ =                                                                               \
                snprintf(check_why, sizeof check_why, "%s:%d: %s: ", __FILE__, __LINE__, #cond);   \
            if (n_ > 0 && (size_t)n_ < sizeof check_why)                                           \
                snprintf(check_why + n_, sizeof check_why - (size_t)n_, __VA_ARGS__);              \
            check_failed = 1;                                                                      \
        }                                                                                          \
    } while (0)

#define RUN(fn, passed, failed)                                                                    \
    do {                                                                                           \
        check_failed = 0;                                                                          \
        check_why[0] = 0;                                                                          \
        fn();                                                                                      \
        if (check_failed) {                                                                        \
            printf("FAIL %s: %s\n", #fn, check_why);                                               \
            (failed)++;                                                                            \
        } else {                                                                                   \
            printf("PASS %s\n", #fn);                                                              \
            (passed)++;                                                                            \
        }                                                                                          \
        fflush(stdout);                                                                            \
    } while (0)

#endif
