/* host_crash_where_win32.c - an address in words a user can act on, on Windows, for
 * host_crash_where.c: the module and the offset in it ("game.dll+0x14e0"), with the function's
 * name when the module exports it ("gg_write_null+0x6 in game.dll+0x14e6"), and the module
 * holding an address ("msvcrt.dll").
 *
 * Runs after the guard jumped back out of the game, never inside the exception handler. The
 * private copy of the crashed build (inside copy_dir) is named after the file the user built,
 * like host_crash_where_posix.c does; the offset is the same in both, the copy being the same
 * bytes. No source lines: that needs the DWARF reader of binutils (addr2line), which a Windows
 * machine may not have. Owns nothing.
 */
#include "host_guard_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

/* The module (DLL or program) holding pc, without taking a reference to it. */
static HMODULE module_of(const void *pc)
{
    HMODULE module = NULL;
    if (!pc || !GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                       GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                                   (LPCWSTR)pc, &module))
        return NULL;
    return module;
}

/* The module's path in UTF-8, with '/' for '\'. */
static void module_path(HMODULE module, char *out, size_t size)
{
    wchar_t wide[MAX_PATH];
    DWORD n = GetModuleFileNameW(module, wide, MAX_PATH);
    out[0] = 0;
    if (n == 0 || n >= MAX_PATH ||
        WideCharToMultiByte(CP_UTF8, 0, wide, -1, out, (int)size, NULL, NULL) <= 0) {
        out[0] = 0;
        return;
    }
    for (char *p = out; *p; p++)
        if (*p == '\\')
            *p = '/';
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* 1 if path lies inside dir: compared the way the file system compares, with either slash and
 * without regard to case (ASCII's: the private directory's name is ASCII). */
static int is_inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 0 && (dir[n - 1] == '/' || dir[n - 1] == '\\'))
        n--;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = path[i] == '\\' ? '/' : path[i], b = dir[i] == '\\' ? '/' : dir[i];
        if (!a || tolower((unsigned char)a) != tolower((unsigned char)b))
            return 0;
    }
    return path[n] == '/' || path[n] == '\\';
}

/* The exported name of the function holding pc, as "name+0xoffset ", into out; "" when the
 * function is not exported (a static function of a game: the offset alone names it then). The
 * function's first byte comes from the module's unwind table (.pdata), which every x64 function
 * with a frame has; the loader mapped the export directory at the module's base. */
static void exported_name(HMODULE module, const void *pc, char *out, size_t size)
{
    out[0] = 0;
    DWORD64 image_base;
    const RUNTIME_FUNCTION *fn = RtlLookupFunctionEntry((DWORD64)(uintptr_t)pc, &image_base, NULL);
    const unsigned char *base = (const unsigned char *)module;
    if (!fn || image_base != (DWORD64)(uintptr_t)base)
        return;
    const IMAGE_NT_HEADERS *nt =
        (const IMAGE_NT_HEADERS *)(base + ((const IMAGE_DOS_HEADER *)base)->e_lfanew);
    const IMAGE_DATA_DIRECTORY *dir =
        &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT];
    if (!dir->VirtualAddress || !dir->Size)
        return;
    const IMAGE_EXPORT_DIRECTORY *exp =
        (const IMAGE_EXPORT_DIRECTORY *)(base + dir->VirtualAddress);
    const DWORD *functions = (const DWORD *)(base + exp->AddressOfFunctions);
    const DWORD *names = (const DWORD *)(base + exp->AddressOfNames);
    const WORD *ordinals = (const WORD *)(base + exp->AddressOfNameOrdinals);
    for (DWORD i = 0; i < exp->NumberOfNames; i++) {
        if (ordinals[i] < exp->NumberOfFunctions && functions[ordinals[i]] == fn->BeginAddress) {
            snprintf(out, size, "%s+0x%" PRIxPTR " ", (const char *)(base + names[i]),
                     (uintptr_t)pc - (uintptr_t)base - fn->BeginAddress);
            return;
        }
    }
}

/* "gg_write_null+0x6 in game.dll+0x14e6". */
void host_crash_describe_pc(void *pc, const char *copy_dir, const char *game_file, char *out,
                            size_t size)
{
    HMODULE module = module_of(pc);
    char path[MAX_PATH * 3];
    if (module)
        module_path(module, path, sizeof path);
    if (!module || !path[0]) {
        snprintf(out, size, "%p (outside the game library)", pc);
        return;
    }
    const uintptr_t offset = (uintptr_t)pc - (uintptr_t)module;
    const char *file = copy_dir && is_inside(path, copy_dir) ? game_file : base_name(path);
    char func[200];
    exported_name(module, pc, func, sizeof func);
    snprintf(out, size, "%sin %s+0x%" PRIxPTR, func, file, offset);
}

int host_crash_module_name(const void *pc, char *out, size_t size)
{
    HMODULE module = module_of(pc);
    char path[MAX_PATH * 3];
    if (!module || (module_path(module, path, sizeof path), !path[0]))
        return 0;
    snprintf(out, size, "%s", base_name(path));
    return 1;
}
