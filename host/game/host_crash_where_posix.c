/* host_crash_where_posix.c - an address in words a user can act on, for host_crash_where.c:
 * "game_update game.c:68 in game.so+0x14e0", and the library holding an address.
 *
 * Runs after the guard jumped back out of the game, never inside a signal handler: dladdr,
 * popen and addr2line are fine here. The private copy of the crashed build still exists at
 * this point, so addr2line reads its debug information; the text names the file the user
 * built instead (the copy's name, "3-game.so", carries a copy counter that looks like the
 * version and is not). Owns nothing.
 */
#include "host_guard_internal.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "update+0x1a game/game.c:80 in game.so+0x11fa". */
void host_crash_describe_pc(void *pc, const char *copy_dir, const char *game_file, char *out,
                            size_t size)
{
    Dl_info info;
    if (!pc || !dladdr(pc, &info) || !info.dli_fname) {
        snprintf(out, size, "%p (outside the game library)", pc);
        return;
    }
    uintptr_t offset = (uintptr_t)pc - (uintptr_t)info.dli_fbase;
    size_t dir_len = copy_dir ? strlen(copy_dir) : 0;
    int is_copy = dir_len && strncmp(info.dli_fname, copy_dir, dir_len) == 0 &&
                  info.dli_fname[dir_len] == '/';
    const char *file = is_copy ? game_file : base_name(info.dli_fname);
    char func[200] = "", line[200] = "";
    if (info.dli_sname)
        snprintf(func, sizeof func, "%s+0x%" PRIxPTR " ", info.dli_sname,
                 (uintptr_t)pc - (uintptr_t)info.dli_saddr);
    /* addr2line (binutils, there wherever gcc is) names the static function and, with debug
     * info, the source line. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "addr2line -f -s -e '%s' 0x%" PRIxPTR " 2>/dev/null", info.dli_fname,
             offset);
    FILE *p = popen(cmd, "r");
    if (p) {
        char name[160] = "", where[160] = "";
        if (fgets(name, sizeof name, p) && fgets(where, sizeof where, p)) {
            name[strcspn(name, "\n")] = 0;
            where[strcspn(where, " \n")] = 0; /* drops " (discriminator 2)" */
            if (strcmp(name, "??") != 0 && !func[0])
                snprintf(func, sizeof func, "%s ", name);
            if (strncmp(where, "??", 2) != 0)
                snprintf(line, sizeof line, "%s ", where);
        }
        pclose(p);
    }
    snprintf(out, size, "%s%sin %s+0x%" PRIxPTR, func, line, file, offset);
}

int host_crash_module_name(const void *pc, char *out, size_t size)
{
    Dl_info info;
    if (!pc || !dladdr(pc, &info) || !info.dli_fname)
        return 0;
    snprintf(out, size, "%s", base_name(info.dli_fname));
    return 1;
}
