/* host_font_file.c - reads a TrueType file and checks it before stb_truetype reads it.
 *
 * stb_truetype does no bounds checking: it follows the offsets and counts in a file wherever
 * they point. Everything it reaches that way from the start is checked here against the file's
 * size (the table directory, every table it lists, the fixed-size tables, the character map it
 * will choose, the glyph locations, the metrics, the kerning pairs), so a file cut short, not a
 * font at all or with tables that do not fit gives a reason instead of a read past its end.
 * Corruption within a glyph's outline or the GPOS table is not looked for. Owns no state.
 */
#include "host_font.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Declarations only: the implementation is compiled in host_font.c. */
#include <stb_truetype.h>

enum {
    FONT_FILE_MAX = 64 << 20 /* bytes: a larger file is refused */
};

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The offset of table tag of the font at start (its directory within the file) and its
 * length in *len; 0 and 0 when there is none. */
static uint32_t table(const unsigned char *data, uint32_t start, const char *tag, uint32_t *len)
{
    const uint32_t tables = be16(data + start + 4);
    for (uint32_t i = 0; i < tables; i++) {
        const unsigned char *entry = data + start + 12 + (size_t)16 * i;
        if (memcmp(entry, tag, 4) == 0) {
            *len = be32(entry + 12);
            return be32(entry + 8);
        }
    }
    *len = 0;
    return 0;
}

/* The table directory: within the file, and every table it lists too. */
static int check_directory(const unsigned char *data, size_t size, int start, char *why,
                           size_t why_size)
{
    if (start < 0 || (size_t)start + 12 > size) {
        snprintf(why, why_size, "not a TrueType font");
        return -1;
    }
    const uint32_t tables = be16(data + start + 4);
    if ((uint64_t)start + 12 + 16 * (uint64_t)tables > size) {
        snprintf(why, why_size, "cut short: its %u tables are listed past the end of its %zu bytes",
                 (unsigned)tables, size);
        return -1;
    }
    for (uint32_t i = 0; i < tables; i++) {
        const unsigned char *entry = data + start + 12 + (size_t)16 * i;
        if ((uint64_t)be32(entry + 8) + be32(entry + 12) > size) {
            snprintf(why, why_size, "cut short: table '%.4s' ends past the file's %zu bytes",
                     (const char *)entry, size);
            return -1;
        }
    }
    return 0;
}

/* The tables stb_truetype reads at fixed places, and the character map it will choose (as it
 * does: the last Unicode encoding listed). */
static int check_fixed(const unsigned char *data, uint32_t start, char *why, size_t why_size)
{
    static const struct {
        char tag[5];
        uint32_t size;
    } fixed[] = { { "head", 54 }, { "hhea", 36 }, { "maxp", 6 }, { "cmap", 4 } };
    uint32_t len;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (table(data, start, fixed[i].tag, &len) && len < fixed[i].size) {
            snprintf(why, why_size, "broken: table '%s' is %u bytes", fixed[i].tag, len);
            return -1;
        }
    const uint32_t cmap = table(data, start, "cmap", &len);
    if (cmap && len < 4 + 8 * (uint64_t)be16(data + cmap + 2)) {
        snprintf(why, why_size, "broken: 'cmap' too short for its encodings");
        return -1;
    }
    return 0;
}

/* What stb_truetype reaches through offsets and counts inside the tables, once it has all the
 * tables it needs (else it refuses the font itself). */
static int check_inside(const unsigned char *data, size_t size, uint32_t start, char *why,
                        size_t why_size)
{
    uint32_t cmap_len, head_len, hhea_len, maxp_len, hmtx_len, loca_len, glyf_len, kern_len;
    const uint32_t cmap = table(data, start, "cmap", &cmap_len);
    const uint32_t head = table(data, start, "head", &head_len);
    const uint32_t hhea = table(data, start, "hhea", &hhea_len);
    const uint32_t maxp = table(data, start, "maxp", &maxp_len);
    const uint32_t hmtx = table(data, start, "hmtx", &hmtx_len);
    const uint32_t loca = table(data, start, "loca", &loca_len);
    const uint32_t glyf = table(data, start, "glyf", &glyf_len);
    const uint32_t kern = table(data, start, "kern", &kern_len);
    if (!cmap || !head || !hhea || !hmtx)
        return 0;

    uint64_t map = 0;
    for (uint32_t i = 0; i < be16(data + cmap + 2); i++) {
        const unsigned char *record = data + cmap + 4 + (size_t)8 * i;
        const uint32_t platform = be16(record), encoding = be16(record + 2);
        if (platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10)))
            map = (uint64_t)cmap + be32(record + 4);
    }
    if (!map)
        return 0;
    if (map + 8 > size) {
        snprintf(why, why_size, "cut short: its character map starts past the file's end");
        return -1;
    }
    const uint32_t format = be16(data + map);
    if (format != 0 && format != 4 && format != 6 && format != 12 && format != 13) {
        snprintf(why, why_size, "unsupported character map (format %u)", (unsigned)format);
        return -1;
    }
    if (map + (format >= 12 ? be32(data + map + 4) : be16(data + map + 2)) > size) {
        snprintf(why, why_size, "cut short: its character map ends past the file's %zu bytes",
                 size);
        return -1;
    }

    const uint64_t glyphs = maxp ? be16(data + maxp + 4) : 0xffff;
    const uint64_t long_metrics = be16(data + hhea + 34);
    const uint64_t metrics =
        4 * long_metrics + (glyphs > long_metrics ? 2 * (glyphs - long_metrics) : 0);
    if (long_metrics == 0 || hmtx_len < metrics) {
        snprintf(why, why_size, "broken: 'hmtx' too short for %u glyphs", (unsigned)glyphs);
        return -1;
    }
    if (glyf && loca) {
        const uint64_t entry = be16(data + head + 50) ? 4 : 2;
        int bad = loca_len < (glyphs + 1) * entry;
        for (uint64_t g = 0; !bad && g <= glyphs; g++) {
            const unsigned char *at = data + loca + g * entry;
            bad = (entry == 4 ? be32(at) : 2 * be16(at)) > glyf_len;
        }
        if (bad) {
            snprintf(why, why_size, "broken: 'loca' points past 'glyf'");
            return -1;
        }
    }
    /* stb_truetype reads a kern table of version 0 whose first subtable is horizontal pairs. */
    if (kern && kern_len >= 18 && be16(data + kern + 2) >= 1 && be16(data + kern + 8) == 1 &&
        kern_len < 18 + 6 * (uint64_t)be16(data + kern + 10)) {
        snprintf(why, why_size, "broken: 'kern' too short for its pairs");
        return -1;
    }
    return 0;
}

unsigned char *host_font_file_read(const char *path, int *start, char *why, size_t why_size)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        snprintf(why, why_size, "cannot open %.400s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    unsigned char *data = NULL;
    const size_t size = (size_t)st.st_size;
    if (!S_ISREG(st.st_mode) || st.st_size > FONT_FILE_MAX) {
        snprintf(why, why_size, "%.400s: not a regular file of at most %d MB", path,
                 FONT_FILE_MAX >> 20);
    } else if (!(data = malloc(size ? size : 1))) {
        snprintf(why, why_size, "out of memory for %.400s", path);
    } else if (fread(data, 1, size, f) != size) {
        snprintf(why, why_size, "cannot read %.400s: %s", path,
                 ferror(f) ? strerror(errno) : "it got shorter");
        free(data);
        data = NULL;
    }
    fclose(f);
    if (!data)
        return NULL;

    /* A collection (ttcf) names its fonts' offsets from byte 12 on; the first one is used. */
    if (size < 12 || (memcmp(data, "ttcf", 4) == 0 && size < 16)) {
        snprintf(why, why_size, "not a TrueType font: %zu bytes", size);
    } else {
        *start = stbtt_GetFontOffsetForIndex(data, 0);
        if (check_directory(data, size, *start, why, why_size) == 0 &&
            check_fixed(data, (uint32_t)*start, why, why_size) == 0 &&
            check_inside(data, size, (uint32_t)*start, why, why_size) == 0)
            return data;
    }
    free(data);
    return NULL;
}
