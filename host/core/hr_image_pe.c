/* hr_image_pe.c - structural check of a Windows DLL (PE/COFF) before the loader sees it.
 *
 * Reads only the headers (microseconds) and rejects what can never load here - empty, text,
 * an ELF library, an object file, another machine, an executable - and tells "still being
 * written" (cut short, zeroed) apart, so the caller waits for the writer instead of giving up.
 * It does not prove the file is sound; it filters the common cases. No windows.h structs: the
 * offsets below are the PE format's own, read byte by byte, whatever the host's alignment.
 */
#include "hr_platform.h"
#include "hr_win32.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define FILE_DLL 0x2000u        /* IMAGE_FILE_DLL */
#define FILE_EXECUTABLE 0x0002u /* IMAGE_FILE_EXECUTABLE_IMAGE: linked, no unresolved refs */
#define MAGIC_PE32 0x10bu
#define MAGIC_PE32PLUS 0x20bu
#define COFF_SIZE 20u    /* IMAGE_FILE_HEADER */
#define SECTION_SIZE 40u /* IMAGE_SECTION_HEADER */
#define MAX_SECTIONS 96u /* the loader's own limit */

#if defined(__x86_64__) || defined(_M_X64)
#define NATIVE_MACHINE 0x8664u
#elif defined(__aarch64__) || defined(_M_ARM64)
#define NATIVE_MACHINE 0xaa64u
#elif defined(__i386__) || defined(_M_IX86)
#define NATIVE_MACHINE 0x14cu
#elif defined(__arm__) || defined(_M_ARM)
#define NATIVE_MACHINE 0x1c4u
#else
#error "hr_image_pe.c: add this machine's IMAGE_FILE_MACHINE_ constant"
#endif
#define NATIVE_MAGIC (UINTPTR_MAX > 0xffffffffu ? MAGIC_PE32PLUS : MAGIC_PE32)

static const char *machine_name(unsigned m)
{
    switch (m) {
    case 0x8664u: return "x86-64";
    case 0x14cu: return "i386";
    case 0xaa64u: return "arm64";
    case 0x1c4u: return "arm";
    default: return "another machine";
    }
}

static unsigned u16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)u16(p) | (uint32_t)u16(p + 2) << 16;
}

static int read_at(FILE *f, void *buf, size_t size, uint64_t off)
{
    return _fseeki64(f, (long long)off, SEEK_SET) == 0 && fread(buf, 1, size, f) == size ? 0 : -1;
}

static int all_zero(const unsigned char *p, size_t n)
{
    while (n--)
        if (*p++)
            return 0;
    return 1;
}

static hr_error truncated(char *why, size_t why_size, const char *what, uint64_t size)
{
    snprintf(why, why_size,
             "truncated: %s ends past the file's %llu bytes (still being "
             "written?)",
             what, (unsigned long long)size);
    return HR_ERR_INCOMPLETE;
}

static hr_error check_file(FILE *f, uint64_t size, char *why, size_t why_size)
{
    unsigned char dos[64], hdr[4 + COFF_SIZE + 2];
    if (size == 0) {
        snprintf(why, why_size, "the file is empty (still being written?)");
        return HR_ERR_INCOMPLETE;
    }
    size_t head = size < sizeof dos ? (size_t)size : sizeof dos;
    if (read_at(f, dos, head, 0) != 0)
        return truncated(why, why_size, "the DOS header", size);
    if (head < 2 || dos[0] != 'M' || dos[1] != 'Z') {
        if (all_zero(dos, head < 4 ? head : 4)) {
            snprintf(why, why_size, "the file starts with zero bytes (still being written?)");
            return HR_ERR_INCOMPLETE;
        }
        if (head >= 4 && memcmp(dos, "\177ELF", 4) == 0)
            snprintf(why, why_size, "an ELF file (a Linux or BSD library), not a Windows DLL");
        else if (head >= 2 && u16(dos) == NATIVE_MACHINE)
            snprintf(why, why_size, "an object file (.o/.obj), not a DLL: link it with -shared");
        else
            snprintf(why, why_size, "not a PE file (text, or another format)");
        return HR_ERR_NOT_LIBRARY;
    }
    if (head < sizeof dos)
        return truncated(why, why_size, "the DOS header", size);
    uint32_t pe = u32(dos + 0x3c); /* e_lfanew: where the PE header starts */
    if (pe < sizeof dos || pe > (1u << 20)) {
        snprintf(why, why_size, "corrupt DOS header (PE header offset %lu)", (unsigned long)pe);
        return HR_ERR_NOT_LIBRARY;
    }
    if (read_at(f, hdr, sizeof hdr, pe) != 0)
        return truncated(why, why_size, "the PE header", size);
    if (memcmp(hdr, "PE\0\0", 4) != 0) {
        if (all_zero(hdr, 4)) {
            snprintf(why, why_size, "the PE header reads as zero bytes (still being written?)");
            return HR_ERR_INCOMPLETE;
        }
        snprintf(why, why_size, "an MZ file without a PE header (a DOS program?), not a DLL");
        return HR_ERR_NOT_LIBRARY;
    }
    const unsigned char *coff = hdr + 4;
    unsigned machine = u16(coff), sections = u16(coff + 2), opt_size = u16(coff + 16);
    unsigned flags = u16(coff + 18), magic = u16(coff + COFF_SIZE);
    if (machine != NATIVE_MACHINE) {
        snprintf(why, why_size, "built for %s (machine 0x%x), this program runs on %s",
                 machine_name(machine), machine, machine_name(NATIVE_MACHINE));
        return HR_ERR_NOT_LIBRARY;
    }
    if (!(flags & FILE_DLL)) {
        snprintf(why, why_size, "%s, not a DLL: link it with -shared",
                 flags & FILE_EXECUTABLE ? "an executable" : "an unlinked image");
        return HR_ERR_NOT_LIBRARY;
    }
    if (!(flags & FILE_EXECUTABLE)) {
        snprintf(why, why_size, "a DLL marked as having unresolved references (a failed link?)");
        return HR_ERR_NOT_LIBRARY;
    }
    if (magic != NATIVE_MAGIC) {
        snprintf(why, why_size, "a %s DLL, this program is %s-bit",
                 magic == MAGIC_PE32PLUS ? "64-bit" : "32-bit",
                 NATIVE_MAGIC == MAGIC_PE32 ? "32" : "64");
        return HR_ERR_NOT_LIBRARY;
    }
    if (sections == 0 || sections > MAX_SECTIONS || opt_size < 2) {
        snprintf(why, why_size, "corrupt PE header (%u sections, optional header %u bytes)",
                 sections, opt_size);
        return HR_ERR_NOT_LIBRARY;
    }
    /* Every section's bytes must lie inside the file: a linker still writing, or a copy cut
     * short, fails here. */
    uint64_t table = (uint64_t)pe + 4 + COFF_SIZE + opt_size;
    if (table + (uint64_t)sections * SECTION_SIZE > size)
        return truncated(why, why_size, "the section table", size);
    int nonzero = 0;
    for (unsigned i = 0; i < sections; i++) {
        unsigned char sec[SECTION_SIZE];
        if (read_at(f, sec, sizeof sec, table + (uint64_t)i * SECTION_SIZE) != 0)
            return truncated(why, why_size, "the section table", size);
        uint64_t raw_size = u32(sec + 16), raw_off = u32(sec + 20);
        if (raw_size && raw_off + raw_size > size) {
            char what[64];
            snprintf(what, sizeof what, "section %u (%.8s)", i, (const char *)sec);
            return truncated(why, why_size, what, size);
        }
        nonzero |= !all_zero(sec, sizeof sec);
    }
    if (!nonzero) {
        snprintf(why, why_size, "the section table is blank (zeroed, or still being written?)");
        return HR_ERR_INCOMPLETE;
    }
    /* GNU ld writes a COFF symbol and string table after the last section (MSVC keeps its
     * symbols in a .pdb): it is the end of the file, so a cut there shows here. */
    uint64_t symtab = u32(coff + 8), strtab = symtab + (uint64_t)u32(coff + 12) * 18;
    if (symtab) {
        unsigned char len[4];
        if (strtab + 4 > size || read_at(f, len, 4, strtab) != 0)
            return truncated(why, why_size, "the symbol table", size);
        if (strtab + u32(len) > size)
            return truncated(why, why_size, "the string table", size);
    }
    /* A file of the right size whose body was zeroed (written in place, tail first, or
     * preallocated) keeps plausible headers. Its export directory - the table every DLL we
     * load has, in a section after the code - then reads as zeros. */
    unsigned char opt[240];
    unsigned dir_at = magic == MAGIC_PE32PLUS ? 112 : 96; /* data directories in opt */
    if (opt_size < dir_at + 8 || opt_size > sizeof opt ||
        read_at(f, opt, opt_size, (uint64_t)pe + 4 + COFF_SIZE) != 0)
        return HR_ERR_NONE; /* an unusual layout: leave the rest to the loader */
    uint32_t rva = u32(opt + dir_at);
    if (u32(opt + dir_at - 4) == 0 || rva == 0)
        return HR_ERR_NONE; /* no exports: nothing to look at */
    for (unsigned i = 0; i < sections; i++) {
        unsigned char sec[SECTION_SIZE], exp[40];
        if (read_at(f, sec, sizeof sec, table + (uint64_t)i * SECTION_SIZE) != 0)
            return truncated(why, why_size, "the section table", size);
        uint32_t va = u32(sec + 12), raw_size = u32(sec + 16), raw_off = u32(sec + 20);
        if (rva < va || rva - va + sizeof exp > raw_size)
            continue;
        if (read_at(f, exp, sizeof exp, (uint64_t)raw_off + (rva - va)) != 0 ||
            all_zero(exp, sizeof exp)) {
            snprintf(why, why_size,
                     "the export table reads as zero bytes (zeroed tail, or "
                     "still being written?)");
            return HR_ERR_INCOMPLETE;
        }
        break;
    }
    return HR_ERR_NONE;
}

/* Shares everything, delete included: the build's own file is checked too (before the copy),
 * and the check must never stop a build from replacing it meanwhile (_wfopen does not share
 * delete). Wide path: fopen would read the UTF-8 path in the ANSI code page. NULL on failure,
 * with the GetLastError() code in *error. */
static FILE *open_shared(const char *path, unsigned long *error)
{
    wchar_t *w = hr_win32_widen(path);
    HANDLE h =
        w ? CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL)
          : INVALID_HANDLE_VALUE;
    *error = w ? GetLastError() : ERROR_INVALID_NAME;
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    int fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        return NULL;
    }
    FILE *f = _fdopen(fd, "rb");
    if (!f)
        _close(fd);
    return f;
}

hr_error hr_image_check(const char *path, char *why, size_t why_size)
{
    unsigned long error = 0;
    FILE *f = open_shared(path, &error);
    if (!f) {
        char text[256];
        snprintf(why, why_size, "cannot open it: %s",
                 hr_win32_error_text(error, text, sizeof text));
        return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND ? HR_ERR_MISSING
                                                                              : HR_ERR_TEMP;
    }
    hr_error err;
    long long end = _fseeki64(f, 0, SEEK_END) == 0 ? _ftelli64(f) : -1;
    if (end < 0) {
        snprintf(why, why_size, "cannot read %s (a directory?)", path);
        err = HR_ERR_NOT_FILE;
    } else {
        err = check_file(f, (uint64_t)end, why, why_size);
    }
    fclose(f);
    return err;
}
