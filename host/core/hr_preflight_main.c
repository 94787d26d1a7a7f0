/* hr_preflight_main.c - the hr-preflight program: loads one library the way the core would,
 * in a process of its own, so that a constructor that crashes, calls exit, aborts or never
 * returns, or a file that makes the dynamic loader give up, costs only this process.
 *
 *     hr-preflight LIBRARY [SYMBOL...]
 *
 * Exit status: one of hr_preflight_exit (hr_preflight.h), shared with the core that reads it. It
 * dies with the process that started it: a constructor that loops forever must not outlive a host
 * that was killed while waiting for it.
 */
#include "hr_preflight.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    /* PR_SET_PDEATHSIG follows the thread that spawned us, which the core's callers keep alive
     * while they poll. A parent that died before it was set shows as another parent: the core
     * names its process in HR_PARENT_PID (without it, the parent at our start is taken). */
    const char *named = getenv("HR_PARENT_PID");
    const pid_t parent = named ? (pid_t)strtol(named, NULL, 10) : getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        return HR_PREFLIGHT_ORPHANED;
    if (argc < 2) {
        fprintf(stderr, "usage: hr-preflight LIBRARY [SYMBOL...]\n");
        return HR_PREFLIGHT_USAGE;
    }
    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        printf("%s\n", dlerror());
        return HR_PREFLIGHT_LOAD_FAILED;
    }
    for (int i = 2; i < argc; i++) {
        if (!dlsym(handle, argv[i])) {
            printf(HR_NOT_EXPORTED_FMT "\n", argv[i]);
            return HR_PREFLIGHT_NO_SYMBOL;
        }
    }
    dlclose(handle); /* runs the destructors too: they must not crash either */
    return HR_PREFLIGHT_OK;
}
