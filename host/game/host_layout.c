/* host_layout.c - a type's layout (host_layout.h): its canonical text and hash, the getters,
 * and the canonical text read back (a state file's layout). Reading one from a library's
 * debug information is the platform's: host_layout_dwarf.c (libdw), host_layout_none.c.
 *
 * Owns each host_layout it returns: the fields and every string of them live in the layout.
 */
#include "host_layout_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

host_layout_error host_layout_fail(host_layout *l, host_layout_error code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->error, sizeof l->error, fmt, ap);
    va_end(ap);
    l->code = code;
    return code;
}

/* Grows *buf (cap bytes) to hold need bytes. Returns 0, or -1 when out of memory. */
static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    char *p = realloc(*buf, n);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

size_t host_layout_intern(host_layout *l, const char *s)
{
    size_t len = strlen(s) + 1, at = l->arena_len;
    if (grow(&l->arena, &l->arena_cap, at + len) != 0 || !l->arena)
        return SIZE_MAX;
    memcpy(l->arena + at, s, len);
    l->arena_len += len;
    return at;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
text_add(host_layout *l, const char *fmt, ...)
{
    for (;;) { /* one formatting when it fits, which is nearly always */
        size_t room = l->text_cap - l->text_len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(room ? l->text + l->text_len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return -1;
        if ((size_t)n < room) {
            l->text_len += (size_t)n;
            return 0;
        }
        if (grow(&l->text, &l->text_cap, l->text_len + (size_t)n + 1) != 0)
            return -1;
    }
}

host_layout_error host_layout_finish(host_layout *l)
{
    if (l->count && !(l->view = malloc((size_t)l->count * sizeof *l->view)))
        return host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
    for (int i = 0; i < l->count; i++) {
        const field *f = &l->fields[i];
        l->view[i] = (host_layout_field){ .path = l->arena + f->path,
                                          .type = l->arena + f->type,
                                          .base = l->arena + f->base,
                                          .dims = l->arena + f->dims,
                                          .bit = f->bit,
                                          .rel = f->rel,
                                          .size = f->size,
                                          .width = f->width,
                                          .parent = f->parent };
    }
    if (text_add(l, "size %" PRIu64 "\n", l->size) != 0)
        return host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
    for (int i = 0; i < l->count; i++) {
        const host_layout_field *f = &l->view[i];
        const char *type = f->type, *base = f->base;
        char at[64];
        if (f->width)
            snprintf(at, sizeof at, "@%" PRIu64 ".%u:%u", f->bit / 8, (unsigned)(f->bit % 8),
                     f->width);
        else
            snprintf(at, sizeof at, "@%" PRIu64, f->bit / 8);
        int rc = text_add(l, "%s: %s %s %" PRIu64 "%s%s%s%s\n", f->path, type, at, f->size,
                          f->dims[0] ? " " : "", f->dims, strcmp(type, base) ? " = " : "",
                          strcmp(type, base) ? base : "");
        if (rc != 0)
            return host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
    }
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < l->text_len; i++)
        h = (h ^ (unsigned char)l->text[i]) * 0x100000001b3u;
    l->hash = h;
    return HOST_LAYOUT_OK;
}

void host_layout_clear_failed(host_layout *l)
{
    if (l->code == HOST_LAYOUT_OK)
        return;
    l->count = 0;
    l->text_len = 0;
    l->hash = 0;
    l->size = 0;
}

void host_layout_free(host_layout *l)
{
    if (!l)
        return;
    free(l->fields);
    free(l->view);
    free(l->arena);
    free(l->text);
    free(l);
}

host_layout_error host_layout_error_code(const host_layout *l)
{
    return l->code;
}

const char *host_layout_error_text(const host_layout *l)
{
    return l->error;
}

const char *host_layout_text(const host_layout *l)
{
    return l->text_len ? l->text : "";
}

uint64_t host_layout_hash(const host_layout *l)
{
    return l->hash;
}

uint64_t host_layout_size(const host_layout *l)
{
    return l->size;
}

int host_layout_count(const host_layout *l)
{
    return l->view ? l->count : 0;
}

const host_layout_field *host_layout_field_at(const host_layout *l, int i)
{
    return &l->view[i];
}

const char *host_layout_enumerators(const host_layout *l, int i)
{
    return l->view && i >= 0 && i < l->count ? l->arena + l->fields[i].enums : "";
}

/* ---- The canonical text read back (a state file's layout): one field a line. ---- */

/* Parses one field line of the canonical text at line (without its '\n') into f, its strings
 * interned. Returns 0, or -1 when the line is not of the form host_layout_finish() writes. */
static int parse_field(host_layout *l, char *line, field *f)
{
    char *colon = strstr(line, ": "), *at = colon ? strstr(colon, " @") : NULL, *end;
    if (!colon || !at || colon == line)
        return -1;
    *colon = 0;
    *at = 0;
    unsigned long long byte = strtoull(at + 2, &end, 10), bit = 0, width = 0;
    if (end == at + 2)
        return -1;
    if (*end == '.') {
        bit = strtoull(end + 1, &end, 10);
        if (*end != ':' || bit > 7)
            return -1;
        width = strtoull(end + 1, &end, 10);
        if (width == 0 || width > 64)
            return -1;
    }
    if (*end != ' ' || byte > UINT64_MAX / 8)
        return -1;
    char *size_at = end + 1;
    f->size = strtoull(size_at, &end, 10);
    if (end == size_at)
        return -1;
    char *dims = end, *base = strstr(end, " = ");
    if (base)
        *base = 0;
    if (*dims == ' ')
        dims++;
    if (*dims && *dims != '[')
        return -1;
    f->bit = byte * 8 + bit;
    f->width = (unsigned)width;
    f->path = host_layout_intern(l, line);
    f->type = host_layout_intern(l, colon + 2);
    f->base = host_layout_intern(l, base ? base + 3 : colon + 2);
    f->dims = host_layout_intern(l, dims);
    f->enums = host_layout_intern(l, ""); /* the canonical text names no enumerators */
    return f->path == SIZE_MAX || f->type == SIZE_MAX || f->base == SIZE_MAX ||
                   f->dims == SIZE_MAX || f->enums == SIZE_MAX
               ? -1
               : 0;
}

/* The parent of field path among the fields on the stack (its ancestors): "items[].at.x"
 * belongs to "items[].at", which belongs to "items". Pops those it does not belong to. */
static int parent_of(const host_layout *l, const char *path, int *stack, int *depth)
{
    while (*depth > 0) {
        const char *p = l->arena + l->fields[stack[*depth - 1]].path;
        size_t n = strlen(p);
        if (strncmp(path, p, n) == 0 && (path[n] == '.' || strncmp(path + n, "[].", 3) == 0))
            return stack[*depth - 1];
        (*depth)--;
    }
    return -1;
}

/* Room for one more field. Returns 0, or -1 when out of memory. */
static int grow_fields(host_layout *l)
{
    int cap = l->cap ? l->cap * 2 : 32;
    field *f = realloc(l->fields, (size_t)cap * sizeof *f);
    if (!f)
        return -1;
    l->fields = f;
    l->cap = cap;
    return 0;
}

static void parse_layout(host_layout *l, const char *text)
{
    char *copy = strdup(text), *save = NULL;
    int *stack = malloc(sizeof *stack * (MAX_DEPTH + 1)), depth = 0, line_no = 1;
    if (!copy || !stack) {
        host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
        goto done;
    }
    char *line = strtok_r(copy, "\n", &save);
    unsigned long long size;
    char end;
    if (!line || sscanf(line, "size %llu%c", &size, &end) != 1) {
        host_layout_fail(l, HOST_LAYOUT_ERR_PARSE, "layout text line 1: no \"size N\"");
        goto done;
    }
    l->size = size;
    while ((line = strtok_r(NULL, "\n", &save))) {
        line_no++;
        if (l->count == MAX_FIELDS || (l->count == l->cap && grow_fields(l) != 0)) {
            host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
            goto done;
        }
        field f = { 0 };
        if (parse_field(l, line, &f) != 0) {
            host_layout_fail(l, HOST_LAYOUT_ERR_PARSE, "layout text line %d is not a field",
                             line_no);
            goto done;
        }
        f.parent = parent_of(l, l->arena + f.path, stack, &depth);
        uint64_t parent_bit = f.parent >= 0 ? l->fields[f.parent].bit : 0;
        if (f.bit < parent_bit || depth == MAX_DEPTH) {
            host_layout_fail(l, HOST_LAYOUT_ERR_PARSE, "layout text line %d is not a field",
                             line_no);
            goto done;
        }
        f.rel = f.bit - parent_bit;
        stack[depth++] = l->count;
        l->fields[l->count++] = f;
    }
    host_layout_finish(l);
done:
    free(copy);
    free(stack);
}

host_layout *host_layout_parse(const char *text)
{
    host_layout *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    parse_layout(l, text);
    host_layout_clear_failed(l);
    return l;
}
