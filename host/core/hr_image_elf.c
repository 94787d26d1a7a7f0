/* hr_image_elf.c - structural check of an ELF shared library before the loader sees it.
 *
 * The dynamic loader trusts its input: a truncated or corrupt file can crash it or make it
 * exit the process. This check reads only the headers (microseconds) and rejects what can
 * never load here - empty, text, random bytes, another architecture, object files, executables -
 * and tells "still being written" (cut short, zeroed tail) apart, so the caller waits for the
 * writer instead of giving up. It does not prove the file is sound; it filters the common cases.
 */
#include "hr_platform.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if UINTPTR_MAX > 0xffffffffu
#define NATIVE_CLASS ELFCLASS64
typedef Elf64_Ehdr ehdr_t;
typedef Elf64_Phdr phdr_t;
typedef Elf64_Shdr shdr_t;
#else
#define NATIVE_CLASS ELFCLASS32
typedef Elf32_Ehdr ehdr_t;
typedef Elf32_Phdr phdr_t;
typedef Elf32_Shdr shdr_t;
#endif

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#elif defined(__i386__)
#define NATIVE_MACHINE EM_386
#elif defined(__arm__)
#define NATIVE_MACHINE EM_ARM
#elif defined(__riscv)
#define NATIVE_MACHINE EM_RISCV
#else
#error "hr_image_elf.c: add this machine's EM_ constant"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_DATA ELFDATA2LSB
#else
#define NATIVE_DATA ELFDATA2MSB
#endif

#define MAX_HEADERS 4096 /* far beyond any real library; bounds the reads */

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_X86_64: return "x86-64";
    case EM_386: return "i386";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_RISCV: return "riscv";
    case EM_PPC64: return "ppc64";
    default: return "another machine";
    }
}

/* The file, with its first page read once: the headers of a library live there, so the
 * whole check usually costs one read. */
typedef struct image {
    int fd;
    unsigned char head[4096];
    size_t head_len;
} image;

static int read_at(const image *img, void *buf, size_t size, uint64_t off)
{
    if (off <= img->head_len && size <= img->head_len - off) {
        memcpy(buf, img->head + off, size);
        return 0;
    }
    ssize_t n = pread(img->fd, buf, size, (off_t)off);
    return n == (ssize_t)size ? 0 : -1;
}

static int inside(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static hr_error check_image(const image *img, uint64_t size, char *why, size_t why_size)
{
    ehdr_t eh;
    if (size == 0) {
        snprintf(why, why_size, "the file is empty (still being written?)");
        return HR_ERR_INCOMPLETE;
    }
    if (size < sizeof eh || read_at(img, &eh, sizeof eh, 0) != 0) {
        if (size >= SELFMAG && read_at(img, &eh, SELFMAG, 0) == 0 &&
            memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0) {
            snprintf(why, why_size, "ELF header cut short at %llu bytes (still being written?)",
                     (unsigned long long)size);
            return HR_ERR_INCOMPLETE;
        }
        snprintf(why, why_size, "not an ELF file (%llu bytes)", (unsigned long long)size);
        return HR_ERR_NOT_LIBRARY;
    }
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        static const unsigned char zeros[SELFMAG];
        if (memcmp(eh.e_ident, zeros, SELFMAG) == 0) {
            snprintf(why, why_size, "the file starts with zero bytes (still being written?)");
            return HR_ERR_INCOMPLETE;
        }
        snprintf(why, why_size, "not an ELF file (text, or another format)");
        return HR_ERR_NOT_LIBRARY;
    }
    if (eh.e_ident[EI_CLASS] != NATIVE_CLASS || eh.e_ident[EI_DATA] != NATIVE_DATA) {
        snprintf(why, why_size, "ELF for another word size or byte order than this program");
        return HR_ERR_NOT_LIBRARY;
    }
    if (eh.e_machine != NATIVE_MACHINE) {
        snprintf(why, why_size, "built for %s (machine %u), this program runs on %s",
                 machine_name(eh.e_machine), (unsigned)eh.e_machine, machine_name(NATIVE_MACHINE));
        return HR_ERR_NOT_LIBRARY;
    }
    if (eh.e_type == ET_REL) {
        snprintf(why, why_size, "an object file (.o), not a shared library: link it with -shared");
        return HR_ERR_NOT_LIBRARY;
    }
    if (eh.e_type == ET_EXEC) {
        snprintf(why, why_size, "an executable, not a shared library: link it with -shared");
        return HR_ERR_NOT_LIBRARY;
    }
    if (eh.e_type != ET_DYN) {
        snprintf(why, why_size, "ELF type %u is not a shared library", (unsigned)eh.e_type);
        return HR_ERR_NOT_LIBRARY;
    }
    if (eh.e_phentsize != sizeof(phdr_t) || eh.e_phnum == 0 || eh.e_phnum > MAX_HEADERS ||
        (eh.e_shnum && eh.e_shentsize != sizeof(shdr_t)) || eh.e_shnum > MAX_HEADERS) {
        snprintf(why, why_size, "corrupt ELF header (program or section header table)");
        return HR_ERR_NOT_LIBRARY;
    }
    /* Linkers write the section headers last, at the end: the best sign of a complete file. */
    uint64_t ph_len = (uint64_t)eh.e_phnum * sizeof(phdr_t);
    uint64_t sh_len = (uint64_t)eh.e_shnum * sizeof(shdr_t);
    if (!inside(eh.e_phoff, ph_len, size) || !inside(eh.e_shoff, sh_len, size)) {
        snprintf(why, why_size, "truncated: headers end past the file's %llu bytes",
                 (unsigned long long)size);
        return HR_ERR_INCOMPLETE;
    }
    int dynamic = 0, interp = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        phdr_t ph;
        if (read_at(img, &ph, sizeof ph, eh.e_phoff + (uint64_t)i * sizeof ph) != 0)
            return HR_ERR_INCOMPLETE;
        if (ph.p_type == PT_DYNAMIC)
            dynamic = 1;
        if (ph.p_type == PT_INTERP)
            interp = 1;
        if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) &&
            !inside(ph.p_offset, ph.p_filesz, size)) {
            snprintf(why, why_size, "truncated: segment %u ends past the file's %llu bytes", i,
                     (unsigned long long)size);
            return HR_ERR_INCOMPLETE;
        }
    }
    if (!dynamic) {
        snprintf(why, why_size, "no dynamic section: a static or corrupt file, not a library");
        return HR_ERR_NOT_LIBRARY;
    }
    if (interp) {
        snprintf(why, why_size,
                 "a position-independent executable, not a shared library: "
                 "link it with -shared");
        return HR_ERR_NOT_LIBRARY;
    }
    /* A file cut and then zero-filled (or written in place, tail first) keeps a plausible
     * header; its section headers read back as zeros. Entry 0 is all-zero by definition, so
     * look at the last one, which is never SHT_NULL in a real library. */
    if (eh.e_shnum > 1) {
        shdr_t sh;
        if (read_at(img, &sh, sizeof sh, eh.e_shoff + sh_len - sizeof sh) != 0)
            return HR_ERR_INCOMPLETE;
        uint64_t body = sh.sh_type == SHT_NOBITS ? 0 : sh.sh_size;
        if (sh.sh_type == SHT_NULL || !inside(sh.sh_offset, body, size)) {
            snprintf(why, why_size,
                     "the section headers are blank or point past the end "
                     "(zeroed tail, or still being written?)");
            return HR_ERR_INCOMPLETE;
        }
    }
    return HR_ERR_NONE;
}

hr_error hr_image_check(const char *path, char *why, size_t why_size)
{
    /* O_NONBLOCK: the path may be a named pipe, whose open would wait for a writer forever;
     * fstat below turns it away. Reads of a regular file ignore the flag. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(why, why_size, "cannot open it: %s", strerror(e));
        return e == ENOENT || e == ENOTDIR ? HR_ERR_MISSING : HR_ERR_TEMP;
    }
    struct stat st;
    hr_error err;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "not a regular file");
        err = HR_ERR_NOT_FILE;
    } else {
        image img = { .fd = fd };
        ssize_t n = pread(fd, img.head, sizeof img.head, 0);
        img.head_len = n > 0 ? (size_t)n : 0;
        err = check_image(&img, (uint64_t)st.st_size, why, why_size);
    }
    close(fd);
    return err;
}
