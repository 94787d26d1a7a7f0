/* test_elf_corpus.c - replays the ELF check's fuzzing corpus (tests/corpus/elf/) and a set of
 * damaged copies of a real fixture library: every input gets one of the documented answers,
 * and the damaged ones are never accepted as a complete library. Runs in the normal and the
 * sanitizer build, so an out-of-bounds read in the check fails here too. */
#include "../host/core/hr_platform.h"
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

static char fixtures[512];

static hr_error check_path(const char *path, char *why, size_t size)
{
    return hr_image_check(path, why, size);
}

static void corpus_gets_documented_answers(void)
{
    DIR *d = opendir("tests/corpus/elf");
    CHECK(d != NULL, "tests/corpus/elf missing");
    if (!d)
        return;
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[600], why[512] = "";
        snprintf(path, sizeof path, "tests/corpus/elf/%s", e->d_name);
        hr_error err = check_path(path, why, sizeof why);
        CHECK(err == HR_ERR_INCOMPLETE || err == HR_ERR_NOT_LIBRARY || err == HR_ERR_NONE,
              "%s: answer %d", path, (int)err);
        CHECK(err == HR_ERR_NONE || why[0], "%s: refused without a reason", path);
        files++;
    }
    closedir(d);
    CHECK(files >= 8, "only %d corpus files", files);
}

/* Every prefix of a real library is refused as incomplete or not a library, never accepted;
 * the whole file is accepted. */
static void every_cut_of_a_library_is_refused(void)
{
    char src[600], tmp[] = "/tmp/hr-elf-cut-XXXXXX";
    snprintf(src, sizeof src, "%s/fx_v1.so", fixtures);
    FILE *f = fopen(src, "rb");
    CHECK(f != NULL, "cannot open %s", src);
    if (!f)
        return;
    static unsigned char buf[1 << 20];
    long n = (long)fread(buf, 1, sizeof buf, f);
    fclose(f);
    int fd = mkstemp(tmp);
    int accepted = 0;
    long first_accepted = -1;
    for (long cut = 0; cut <= n; cut += cut < 256 ? 1 : 61) {
        if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)cut, 0) != cut)
            break;
        char why[512];
        if (check_path(tmp, why, sizeof why) == HR_ERR_NONE && cut < n && first_accepted < 0)
            first_accepted = cut;
    }
    if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, (size_t)n, 0) == n) {
        char why[512];
        accepted = check_path(tmp, why, sizeof why) == HR_ERR_NONE;
    }
    close(fd);
    unlink(tmp);
    CHECK(first_accepted < 0, "a %ld-byte prefix of %ld was accepted", first_accepted, n);
    CHECK(accepted, "the complete library was refused");
}

int main(void)
{
    const char *b = getenv("B");
    snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures", b && b[0] ? b : "build");
    int passed = 0, failed = 0;
    RUN(corpus_gets_documented_answers, passed, failed);
    RUN(every_cut_of_a_library_is_refused, passed, failed);
    return failed != 0;
}
