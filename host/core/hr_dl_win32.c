/* hr_dl_win32.c - the Windows loader behind the core's seam: LoadLibraryW, GetProcAddress,
 * FreeLibrary, the check that a freed DLL really left the process, and its code ranges.
 *
 * Owns nothing; hr.c owns every handle it gets from here. The trap it avoids: a DLL that
 * fails to load (a missing dependency, a bad image) makes Windows show a modal error box and
 * wait for a click; the thread error mode below turns that into a plain error code.
 */
#include "hr_platform.h"
#include "hr_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include <psapi.h>

void *hr_dl_open(const char *path, char *why, size_t why_size)
{
    wchar_t *w = hr_win32_widen(path);
    if (!w) {
        snprintf(why, why_size, "%s is not valid UTF-8 (or out of memory)", path);
        return NULL;
    }
    /* Every import is bound at load time on Windows (the RTLD_NOW of POSIX); each DLL has its
     * own namespace, so two versions never bind to each other's symbols (RTLD_LOCAL). */
    DWORD old_mode = 0;
    SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &old_mode);
    HMODULE h = LoadLibraryW(w);
    DWORD err = GetLastError();
    SetThreadErrorMode(old_mode, NULL);
    free(w);
    if (!h) {
        char text[512];
        hr_win32_error_text(err, text, sizeof text);
        /* 126 and 127 come from the DLL's own imports: say so, the text alone misleads. */
        if (err == ERROR_MOD_NOT_FOUND || err == ERROR_PROC_NOT_FOUND)
            snprintf(why, why_size,
                     "LoadLibrary: %s; a DLL it imports from (or a function "
                     "in one) is missing",
                     text);
        else
            snprintf(why, why_size, "LoadLibrary: %s", text);
    }
    return h;
}

void *hr_dl_sym(void *handle, const char *name)
{
    /* GetProcAddress returns data exports too; the cast is the documented use. */
    return (void *)GetProcAddress((HMODULE)handle, name);
}

void hr_dl_close(void *handle)
{
    FreeLibrary((HMODULE)handle);
}

int hr_dl_is_still_loaded(const char *path)
{
    wchar_t *w = hr_win32_widen(path);
    HMODULE h = NULL;
    /* Looked up by full path, without taking a reference the probe would then have to drop. */
    int loaded = w && GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, w, &h);
    free(w);
    return loaded;
}

/* The modules of the process in load order (the loader's InLoadOrderModuleList), or 0. */
static DWORD list_modules(HMODULE *mods, DWORD max)
{
    /* A module handle is a pointer: the array's element size is a pointer's, as meant. */
    const DWORD each = (DWORD)sizeof *mods; /* NOLINT(bugprone-sizeof-expression) */
    DWORD bytes = 0;
    if (!K32EnumProcessModules(GetCurrentProcess(), mods, max * each, &bytes))
        return 0;
    DWORD n = bytes / each;
    return n < max ? n : max;
}

size_t hr_dl_object_count(void)
{
    HMODULE mods[1024];
    return list_modules(mods, 1024);
}

void hr_dl_pin_since(size_t count, const char *path)
{
    HMODULE mods[1024];
    DWORD n = list_modules(mods, 1024);
    wchar_t *w = hr_win32_widen(path);
    HMODULE self = NULL;
    if (w)
        GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, w, &self);
    free(w);
    for (DWORD i = (DWORD)count; i < n; i++) {
        HMODULE pinned;
        if (mods[i] != self)
            GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_PIN |
                                   GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
                               (LPCWSTR)mods[i], &pinned);
    }
}

const char *hr_dl_unload_hint(void)
{
    return "usual causes: another LoadLibrary of the same copy, a thread the DLL started and "
           "did not stop, or a GetModuleHandleEx pin";
}

int hr_dl_code_ranges(void *handle, const char *path, hr_range *out, int max)
{
    (void)path;
    /* A module handle is its base address, and the loader maps the PE headers there. */
    const unsigned char *base = handle;
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)base;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)(base + dos->e_lfanew);
    const IMAGE_SECTION_HEADER *sec = IMAGE_FIRST_SECTION(nt);
    int count = 0;
    for (unsigned i = 0; i < nt->FileHeader.NumberOfSections && count < max; i++) {
        if (!(sec[i].Characteristics & IMAGE_SCN_MEM_EXECUTE))
            continue;
        uintptr_t start = (uintptr_t)base + sec[i].VirtualAddress;
        out[count++] = (hr_range){ start, start + sec[i].Misc.VirtualSize };
    }
    return count;
}
