/* hr_preflight_win32.c - the hr-preflight program for Windows (hr-preflight.exe): loads one DLL
 * the way the core would, in a process of its own, so that a DllMain or constructor that
 * crashes, calls exit, aborts or never returns costs only this process. Same arguments and
 * exit statuses as hr_preflight_main.c:
 *
 *     hr-preflight.exe LIBRARY [SYMBOL...]
 *
 * Exit status: one of hr_preflight_exit (hr_preflight.h). A crash ends it with the exception code
 * (0xC0000005...), abort() with 0xC0000409; the core reports either as a crash.
 */
#include "hr_platform.h"
#include "hr_preflight.h"
#include "hr_win32.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <windows.h>

#include <shellapi.h> /* after windows.h, which it needs */

/* The C runtime's abort() ends the process with status 3, which the core reads as "the loader
 * refused the file" (HR_PREFLIGHT_LOAD_FAILED). Report it the way the Universal CRT's own fast-fail
 * path does. */
static void on_abort(int sig)
{
    (void)sig;
    _exit((int)0xC0000409u); /* STATUS_STACK_BUFFER_OVERRUN, the code of __fastfail */
}

int main(void)
{
    /* The arguments as UTF-8, like every path the core handles: main's argv would come in the
     * ANSI code page and lose any character outside it. */
    int argc = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (!wargv || argc < 2) {
        fprintf(stderr, "usage: hr-preflight LIBRARY [SYMBOL...]\n");
        return HR_PREFLIGHT_USAGE;
    }
    /* No "application error" box on a crash, no "DLL missing" box on a bad import: the core
     * waits for an exit status, not for a click. */
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    signal(SIGABRT, on_abort);
    char path[4 * MAX_PATH], name[1024], why[512];
    hr_win32_narrow(wargv[1], path, sizeof path);
    void *handle = hr_dl_open(path, why, sizeof why);
    if (!handle) {
        printf("%s\n", why);
        return HR_PREFLIGHT_LOAD_FAILED;
    }
    for (int i = 2; i < argc; i++) {
        hr_win32_narrow(wargv[i], name, sizeof name);
        if (!hr_dl_sym(handle, name)) {
            printf(HR_NOT_EXPORTED_FMT "\n", name);
            return HR_PREFLIGHT_NO_SYMBOL;
        }
    }
    hr_dl_close(handle); /* runs DllMain's detach and the destructors: they must not crash */
    return HR_PREFLIGHT_OK;
}
