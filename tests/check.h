/* check.h - the tiny test harness shared by the C test suites.
 * A case is a function `static void name(void)`; CHECK records a failure with file:line and the
 * formatted detail and ends the case there (a longjmp back into RUN: the lines after a failed
 * CHECK would run on what it found wrong, a NULL handle, a missing file); RUN runs a case and
 * prints "PASS name" or "FAIL name: detail", the line protocol tests/run.sh counts.
 * A case that ended early skips its own cleanup: a suite may set check_cleanup to a function
 * that removes what a case leaves behind (its temp directory); RUN calls it after a failure. */
#ifndef CHECK_H
#define CHECK_H

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static int check_failed;
static char check_why[4096];
static jmp_buf check_end;
static void (*check_cleanup)(void);

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            int n_ =                                                                               \
                snprintf(check_why, sizeof check_why, "%s:%d: %s: ", __FILE__, __LINE__, #cond);   \
            if (n_ > 0 && (size_t)n_ < sizeof check_why)                                           \
                snprintf(check_why + n_, sizeof check_why - (size_t)n_, __VA_ARGS__);              \
            check_failed = 1;                                                                      \
            longjmp(check_end, 1);                                                                 \
        }                                                                                          \
    } while (0)

/* One case, with its own setjmp frame: nothing of the caller's is live across the longjmp. */
static void check_run(void (*fn)(void), const char *name, int *passed, int *failed)
{
    check_failed = 0;
    check_why[0] = 0;
    if (setjmp(check_end) == 0)
        fn();
    if (check_failed) {
        if (check_cleanup)
            check_cleanup();
        printf("FAIL %s: %s\n", name, check_why);
        (*failed)++;
    } else {
        printf("PASS %s\n", name);
        (*passed)++;
    }
    fflush(stdout);
}

#define RUN(fn, passed, failed) check_run(fn, #fn, &(passed), &(failed))

#endif
