/* host_source.c - the source lines around a compiler message, as Vite shows them: the overlay
 * puts the code of a failed build's first error under its title, the error's line marked.
 *
 * Owns nothing. Reads one source file, once per failed build (never per frame), and at most
 * the few thousand lines before the error; never writes anything.
 */
#include "host_build.h"
#include "host_os.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    CONTEXT = 2,         /* lines shown before and after the error's */
    LINE_LIMIT = 100000, /* a message naming a later line is not worth reading that far */
    COLUMNS = 120,       /* characters kept of one source line */
};

/* "game/game.c:67:5: error: ..." -> the file ("game/game.c") into file, 67 into *line. */
static int parse_location(const char *message, char *file, size_t size, long *line)
{
    for (const char *colon = strchr(message, ':'); colon; colon = strchr(colon + 1, ':')) {
        char *end;
        long n = strtol(colon + 1, &end, 10);
        if (colon == message || end == colon + 1 || *end != ':' || n <= 0)
            continue;
        if ((size_t)(colon - message) >= size || memchr(message, '\n', (size_t)(colon - message)))
            return 0;
        snprintf(file, size, "%.*s", (int)(colon - message), message);
        *line = n;
        return n <= LINE_LIMIT;
    }
    return 0;
}

static FILE *open_regular(const char *path)
{
    struct stat st;
    int fd = open(path, O_RDONLY | HOST_O_NONBLOCK | HOST_O_PRIVATE);
    if (fd < 0)
        return NULL;
    FILE *f = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
    if (!f)
        close(fd);
    return f;
}

/* 1 if path lies under dir ("dir/..."). */
static int is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* The file as the compiler named it: absolute, or relative to the directory it ran in - the
 * project's root, or (make -C) a watched directory's parent. The name may exist under several
 * of them (this tree's game/ and a copy's): the one inside a watched directory is the source
 * that was built. A regular file only. */
static FILE *open_source(const char *file, const char *root, const char *const *watched,
                         int watched_count)
{
    char path[4096];
    if (file[0] == '/')
        return open_regular(file);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = -1; i < 2 * watched_count; i++) {
            const char *base = i < 0 ? root : watched[i / 2];
            const char *slash = i >= 0 && i % 2 == 0 ? strrchr(base, '/') : NULL;
            int len = slash ? (int)(slash - base) : (int)strlen(base);
            if (snprintf(path, sizeof path, "%.*s/%s", len, base, file) >= (int)sizeof path)
                continue;
            int inside = 0;
            for (int k = 0; k < watched_count; k++)
                inside |= is_under(path, watched[k]);
            FILE *f = pass == 0 && !inside ? NULL : open_regular(path);
            if (f)
                return f;
        }
    }
    return NULL;
}

/* One source line for the panel: tabs as 4 spaces, cut at COLUMNS, no newline. */
static void tidy(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = text; *p && *p != '\n' && *p != '\r' && n + 1 < size && n < COLUMNS; p++) {
        if (*p == '\t') {
            for (int k = 0; k < 4 && n + 1 < size; k++)
                out[n++] = ' ';
        } else {
            out[n++] = *p;
        }
    }
    out[n] = 0;
}

int host_source_excerpt(const char *message, const char *root, const char *const *watched,
                        int watched_count, char *out, size_t size)
{
    char file[1024], text[4096], line_text[COLUMNS + 8];
    long line = 0; /* set by parse_location (mingw's gcc cannot tell) */
    out[0] = 0;
    if (!parse_location(message, file, sizeof file, &line))
        return 0;
    FILE *f = open_source(file, root, watched, watched_count);
    if (!f)
        return 0;
    int lines = 0, marked = 0;
    size_t used = 0;
    for (long n = 1; n <= line + CONTEXT && fgets(text, sizeof text, f); n++) {
        int whole = strchr(text, '\n') != NULL || feof(f);
        if (n >= line - CONTEXT) {
            tidy(text, line_text, sizeof line_text);
            int w = snprintf(out + used, size - used, "%c%5ld | %s\n", n == line ? '>' : ' ', n,
                             line_text);
            if (w < 0 || (size_t)w >= size - used)
                break;
            used += (size_t)w;
            lines++;
            marked |= n == line;
        }
        while (!whole && fgets(text, sizeof text, f)) /* the rest of a very long line */
            whole = strchr(text, '\n') != NULL;
    }
    fclose(f);
    if (!marked) /* the file is shorter: not the text the compiler read */
        out[0] = 0;
    return marked ? lines : 0;
}
