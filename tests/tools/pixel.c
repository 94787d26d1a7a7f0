/* pixel.c - reads a screenshot (PNG or BMP) and answers one question about its pixels, for
 * the host's shell tests:
 *
 *   pixel FILE size                 prints "W H"
 *   pixel FILE at X Y               prints the colour as rrggbb (negative X/Y count from the
 *                                   right/bottom edge: -1 is the last column/row)
 *   pixel FILE count RRGGBB [TOL]   prints how many pixels are within TOL (default 0) of the
 *                                   colour in every channel
 *   pixel FILE colors               prints how many distinct colours there are
 *
 * Exit code 0, or 1 with the reason on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#include <stb_image.h>

static int usage(void)
{
    fputs("usage: pixel FILE size | at X Y | count RRGGBB [TOL] | colors\n", stderr);
    return 1;
}

static int compare_u32(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    int w, h, n;
    unsigned char *px = stbi_load(argv[1], &w, &h, &n, 3);
    if (!px) {
        fprintf(stderr, "pixel: cannot read %s: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
    const char *cmd = argv[2];
    int rc = 0;
    if (strcmp(cmd, "size") == 0) {
        printf("%d %d\n", w, h);
    } else if (strcmp(cmd, "at") == 0 && argc == 5) {
        int x = atoi(argv[3]), y = atoi(argv[4]);
        x = x < 0 ? w + x : x;
        y = y < 0 ? h + y : y;
        if (x < 0 || y < 0 || x >= w || y >= h) {
            fprintf(stderr, "pixel: %s,%s is outside the %dx%d image\n", argv[3], argv[4], w, h);
            rc = 1;
        } else {
            const unsigned char *p = px + ((size_t)y * (size_t)w + (size_t)x) * 3;
            printf("%02x%02x%02x\n", p[0], p[1], p[2]);
        }
    } else if (strcmp(cmd, "count") == 0 && (argc == 4 || argc == 5)) {
        unsigned long want = strtoul(argv[3], NULL, 16);
        int tol = argc == 5 ? atoi(argv[4]) : 0;
        int rgb[3] = { (int)(want >> 16) & 255, (int)(want >> 8) & 255, (int)want & 255 };
        long count = 0;
        for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
            const unsigned char *p = px + i * 3;
            count +=
                abs(p[0] - rgb[0]) <= tol && abs(p[1] - rgb[1]) <= tol && abs(p[2] - rgb[2]) <= tol;
        }
        printf("%ld\n", count);
    } else if (strcmp(cmd, "colors") == 0) {
        size_t total = (size_t)w * (size_t)h, distinct = 0;
        unsigned *all = malloc(total * sizeof *all);
        if (!all) {
            fputs("pixel: out of memory\n", stderr);
            rc = 1;
        } else {
            for (size_t i = 0; i < total; i++)
                all[i] = (unsigned)px[i * 3] << 16 | (unsigned)px[i * 3 + 1] << 8 | px[i * 3 + 2];
            qsort(all, total, sizeof *all, compare_u32);
            for (size_t i = 0; i < total; i++)
                distinct += i == 0 || all[i] != all[i - 1];
            printf("%zu\n", distinct);
            free(all);
        }
    } else {
        rc = usage();
    }
    stbi_image_free(px);
    return rc;
}
