/* hr_preflight_main.c - the hr-preflight program: loads one library the way the core would,
 * in a process of its own, so that a constructor that crashes, calls exit, aborts or never
 * returns, or a file that makes the dynamic loader give up, costs only this process.
 *
 *     hr-preflight LIBRARY [SYMBOL...]
 *
 * Exit status: 0 loaded, resolved and unloaded cleanly; 2 usage; 3 the loader refused the file
 * (its text on stdout); 4 a symbol is missing (named on stdout); 5 its parent is gone. A signal or
 * any other status comes from the library's own code (or the loader) and is reported by the core as
 * such. It dies with the process that started it: a constructor that loops forever must not outlive
 * a host that was killed while waiting for it.
 */
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
        return 5;
    if (argc < 2) {
        fprintf(stderr, "usage: hr-preflight LIBRARY [SYMBOL...]\n");
        return 2;
    }
    void *handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        printf("%s\n", dlerror());
        return 3;
    }
    for (int i = 2; i < argc; i++) {
        if (!dlsym(handle, argv[i])) {
            printf("does not export '%s' (is it static, hidden or misspelt?)\n", argv[i]);
            return 4;
        }
    }
    dlclose(handle); /* runs the destructors too: they must not crash either */
    return 0;
}
