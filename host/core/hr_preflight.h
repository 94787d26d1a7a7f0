/* hr_preflight.h - what the pre-flight program (hr_preflight_main.c, hr_preflight_win32.c) and
 * the core that reads its outcome (hr_load.c) agree on: the program's exit statuses and the
 * text of a missing symbol, each defined once so the two sides cannot drift apart.
 * Internal: not part of the public API. Includes nothing, so the programs stay small.
 */
#ifndef HR_PREFLIGHT_H
#define HR_PREFLIGHT_H

/* The pre-flight's exit status. Any other status, or a signal, comes from the library's own
 * code (a constructor that calls exit or crashes) or from the dynamic loader, and the core
 * reports it as such. */
typedef enum hr_preflight_exit {
    HR_PREFLIGHT_OK = 0,          /* loaded, resolved and unloaded cleanly */
    HR_PREFLIGHT_USAGE = 2,       /* no library named on the command line */
    HR_PREFLIGHT_LOAD_FAILED = 3, /* the loader refused the file: its text on stdout */
    HR_PREFLIGHT_NO_SYMBOL = 4,   /* a symbol is missing: HR_NOT_EXPORTED_FMT on stdout */
    HR_PREFLIGHT_ORPHANED = 5,    /* the process that started it was gone before it began */
    HR_PREFLIGHT_NOT_RUN = 127    /* the program could not be run, or the loader gave up on it */
} hr_preflight_exit;

/* Why a build lacks a symbol, given the symbol's name: worded the same whether the core, the
 * pre-flight or hr_call() found it. */
#define HR_NOT_EXPORTED_FMT "does not export '%s' (is it static, hidden or misspelt?)"

#endif /* HR_PREFLIGHT_H */
