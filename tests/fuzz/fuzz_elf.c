/* fuzz_elf.c - libFuzzer target for the core's structural ELF check (hr_image_elf.c).
 * The check reads a file, so each input is written to an in-memory file and checked through
 * its /proc/self/fd path. Property: never crash, never read out of bounds (ASan), and always
 * answer one of the three codes hr_image_check documents.
 * Build and run: make fuzz (FUZZ_SECONDS=60). */
#include "../../host/core/hr_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-elf", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char why[512];
    hr_error err = hr_image_check(path, why, sizeof why);
    if (err != HR_ERR_NONE && err != HR_ERR_INCOMPLETE && err != HR_ERR_NOT_LIBRARY)
        abort();
    return 0;
}
