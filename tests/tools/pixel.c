/* pixel.c - reads a screenshot (PNG or BMP) and answers one question about its pixels, for
 * the host's shell tests:
 *
 *   pixel FILE size                 prints "W H"
 *   pixel FILE at X Y               prints the colour as rrggbb (negative X/Y count from the
 *                                   right/bottom edge: -1 is the last column/row)
 *   pixel FILE count RRGGBB [TOL]   prints how many pixels are within TOL (default 0) of the
 *                                   colour in every channel
 *   pixel FILE colors               prints how many distinct colours there are
 *   pixel FILE bbox RRGGBB [TOL]    prints "X Y W H", the smallest rectangle holding every pixel
 *                                   within TOL of the colour ("0 0 0 0" for none)
 *   pixel FILE regions RRGGBB 4|8   prints how many connected regions the pixels of exactly
 *                                   that colour form, pixels joined by edges (4) or also by
 *                                   corners (8): a closed outline is 1 region of 8, and parts
 *                                   the inside of the picture's other colour into 2 regions of 4
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
    fputs("usage: pixel FILE size | at X Y | count RRGGBB [TOL] | colors | bbox RRGGBB [TOL] |"
          " regions RRGGBB 4|8\n",
          stderr);
    return 1;
}

/* 1 if pixel i of px is within tol of rgb in every channel. */
static int near(const unsigned char *px, size_t i, const int rgb[3], int tol)
{
    const unsigned char *p = px + i * 3;
    return abs(p[0] - rgb[0]) <= tol && abs(p[1] - rgb[1]) <= tol && abs(p[2] - rgb[2]) <= tol;
}

/* The connected regions of the pixels of colour rgb (neighbours: 4 or 8), or -1 when out of
 * memory. A flood fill from each pixel not yet seen, with an explicit stack. */
static long regions(const unsigned char *px, int w, int h, const int rgb[3], int neighbours)
{
    const size_t total = (size_t)w * (size_t)h;
    unsigned char *seen = calloc(total, 1);
    size_t *stack = malloc(total * sizeof *stack);
    long count = -1;
    if (seen && stack) {
        count = 0;
        for (size_t start = 0; start < total; start++) {
            if (seen[start] || !near(px, start, rgb, 0))
                continue;
            count++;
            size_t top = 0;
            stack[top++] = start;
            seen[start] = 1;
            while (top) {
                const size_t i = stack[--top];
                const int x = (int)(i % (size_t)w), y = (int)(i / (size_t)w);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        const int nx = x + dx, ny = y + dy;
                        if ((dx == 0 && dy == 0) || (neighbours == 4 && dx != 0 && dy != 0) ||
                            nx < 0 || ny < 0 || nx >= w || ny >= h)
                            continue;
                        const size_t n = (size_t)ny * (size_t)w + (size_t)nx;
                        if (!seen[n] && near(px, n, rgb, 0)) {
                            seen[n] = 1;
                            stack[top++] = n;
                        }
                    }
            }
        }
    }
    free(seen);
    free(stack);
    return count;
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
    } else if (strcmp(cmd, "bbox") == 0 && (argc == 4 || argc == 5)) {
        unsigned long want = strtoul(argv[3], NULL, 16);
        int tol = argc == 5 ? atoi(argv[4]) : 0;
        int rgb[3] = { (int)(want >> 16) & 255, (int)(want >> 8) & 255, (int)want & 255 };
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (near(px, (size_t)y * (size_t)w + (size_t)x, rgb, tol)) {
                    x0 = x < x0 ? x : x0;
                    y0 = y < y0 ? y : y0;
                    x1 = x > x1 ? x : x1;
                    y1 = y > y1 ? y : y1;
                }
        if (x1 < 0)
            printf("0 0 0 0\n");
        else
            printf("%d %d %d %d\n", x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    } else if (strcmp(cmd, "regions") == 0 && argc == 5 &&
               (strcmp(argv[4], "4") == 0 || strcmp(argv[4], "8") == 0)) {
        unsigned long want = strtoul(argv[3], NULL, 16);
        int rgb[3] = { (int)(want >> 16) & 255, (int)(want >> 8) & 255, (int)want & 255 };
        long found = regions(px, w, h, rgb, atoi(argv[4]));
        if (found < 0) {
            fputs("pixel: out of memory\n", stderr);
            rc = 1;
        } else {
            printf("%ld\n", found);
        }
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
