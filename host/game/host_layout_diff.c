/* host_layout_diff.c - what changed between two layouts read by host_layout.c, field by field,
 * in short items a person reads at a glance: "+ float speed @24", "- int old", "score: int ->
 * int64_t", "items[]: 8 -> 16 elements", "x: moved @8 -> @12".
 *
 * Fields are matched by path. A field counts as moved only when its place inside the field
 * that holds it changed, so an inserted field names itself and the fields after it, not every
 * member of every struct behind it. Works on the public view of a layout; owns nothing.
 */
#include "host_layout.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MORE_RESERVE = 32 /* room kept at the end of out for "and N more" */
};

typedef struct diff_out {
    char *out;
    size_t size, len;
    const char *sep;
    int items, shown;
} diff_out;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
item(diff_out *d, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    d->items++;
    size_t sep = d->shown ? strlen(d->sep) : 0, len = strlen(text);
    if (d->shown < d->items - 1 || d->len + sep + len + MORE_RESERVE >= d->size)
        return; /* once one item is left out, the later ones are too: "and N more" */
    snprintf(d->out + d->len, d->size - d->len, "%s%s", d->shown ? d->sep : "", text);
    d->len += sep + len;
    d->shown++;
}

/* "@24", or "@12.3" for a bitfield that starts at bit 3 of byte 12. */
static const char *at(const host_layout_field *f, char *buf, size_t size)
{
    if (f->bit % 8)
        snprintf(buf, size, "@%" PRIu64 ".%u", f->bit / 8, (unsigned)(f->bit % 8));
    else
        snprintf(buf, size, "@%" PRIu64, f->bit / 8);
    return buf;
}

static int by_path(const void *a, const void *b)
{
    return strcmp((*(const host_layout_field *const *)a)->path,
                  (*(const host_layout_field *const *)b)->path);
}

/* The fields of l sorted by path, for find(); NULL when out of memory or l has none. */
static const host_layout_field **sorted(const host_layout *l)
{
    int n = host_layout_count(l);
    /* An array of pointers: sizeof *v is a pointer's size, as meant. */
    const host_layout_field **v =
        n ? malloc((size_t)n * sizeof *v) : NULL; /* NOLINT(bugprone-sizeof-expression) */
    for (int i = 0; v && i < n; i++)
        v[i] = host_layout_field_at(l, i);
    if (v)
        qsort(v, (size_t)n, sizeof *v, by_path); /* NOLINT(bugprone-sizeof-expression) */
    return v;
}

static const host_layout_field *find(const host_layout_field **v, int n, const char *path)
{
    host_layout_field key = { .path = path };
    const host_layout_field *k = &key,
                            **hit = v ? bsearch(&k, v, (size_t)n,
                                                sizeof *v, /* NOLINT(bugprone-sizeof-expression) */
                                                by_path)
                                      : NULL;
    return hit ? *hit : NULL;
}

/* "12 -> 20 elements" for one dimension on both sides, else "[4][8] -> [4][16]". */
static void dims_change(const char *from, const char *to, char *out, size_t size)
{
    unsigned a, b;
    char end_a, end_b;
    if (sscanf(from, "[%u%c", &a, &end_a) == 2 && end_a == ']' && !from[strcspn(from, "]") + 1] &&
        sscanf(to, "[%u%c", &b, &end_b) == 2 && end_b == ']' && !to[strcspn(to, "]") + 1])
        snprintf(out, size, "%u -> %u elements", a, b);
    else
        snprintf(out, size, "%s -> %s", from[0] ? from : "no array", to[0] ? to : "no array");
}

/* Whether field i of l holds fields (they follow it). */
static int has_fields(const host_layout *l, int i)
{
    return i + 1 < host_layout_count(l) && host_layout_field_at(l, i + 1)->parent == i;
}

/* One item for a field both layouts have, if anything of it changed. leaf: neither holds
 * fields, whose own items would say why a struct's size changed. */
static void compare(diff_out *d, const host_layout_field *a, const host_layout_field *b, int leaf)
{
    char parts[700] = "", part[300], at_a[32], at_b[32];
    if (strcmp(a->type, b->type) != 0)
        snprintf(part, sizeof part, "%s -> %s", a->type, b->type);
    else if (strcmp(a->base, b->base) != 0)
        snprintf(part, sizeof part, "%s (%s -> %s)", a->type, a->base, b->base);
    else
        part[0] = 0;
    snprintf(parts + strlen(parts), sizeof parts - strlen(parts), "%s", part);
    if (strcmp(a->dims, b->dims) != 0) {
        dims_change(a->dims, b->dims, part, sizeof part);
        snprintf(parts + strlen(parts), sizeof parts - strlen(parts), "%s%s", parts[0] ? ", " : "",
                 part);
    }
    if (a->width != b->width)
        snprintf(parts + strlen(parts), sizeof parts - strlen(parts), "%s%u -> %u bits",
                 parts[0] ? ", " : "", a->width, b->width);
    if (a->rel != b->rel)
        snprintf(parts + strlen(parts), sizeof parts - strlen(parts), "%smoved %s -> %s",
                 parts[0] ? ", " : "", at(a, at_a, sizeof at_a), at(b, at_b, sizeof at_b));
    if (!parts[0] && a->size != b->size && leaf)
        snprintf(parts, sizeof parts, "%" PRIu64 " -> %" PRIu64 " bytes", a->size, b->size);
    if (parts[0])
        item(d, "%s%s: %s", a->path, a->dims[0] || b->dims[0] ? "[]" : "", parts);
}

/* "float speed", "int grid[4][8]", "unsigned int alive:1". */
static const char *declaration(const host_layout_field *f, char *buf, size_t size)
{
    if (f->width)
        snprintf(buf, size, "%s %s%s:%u", f->type, f->path, f->dims, f->width);
    else
        snprintf(buf, size, "%s %s%s", f->type, f->path, f->dims);
    return buf;
}

int host_layout_diff(const host_layout *from, const host_layout *to, const char *sep, char *out,
                     size_t size)
{
    diff_out d = { .out = out, .size = size, .sep = sep };
    if (size)
        out[0] = 0;
    const int nf = host_layout_count(from), nt = host_layout_count(to);
    const host_layout_field **vf = sorted(from), **vt = sorted(to);
    char decl[1200], where[32];
    /* In the new layout's order: added fields (not those inside an added one), changes. */
    for (int i = 0; i < nt; i++) {
        const host_layout_field *b = host_layout_field_at(to, i);
        const host_layout_field *a = find(vf, nf, b->path);
        if (a)
            compare(&d, a, b,
                    !has_fields(to, i) &&
                        !has_fields(from, (int)(a - host_layout_field_at(from, 0))));
        else if (b->parent < 0 || find(vf, nf, host_layout_field_at(to, b->parent)->path))
            item(&d, "+ %s %s", declaration(b, decl, sizeof decl), at(b, where, sizeof where));
    }
    /* Then what is gone, in the old layout's order. */
    for (int i = 0; i < nf; i++) {
        const host_layout_field *a = host_layout_field_at(from, i);
        if (!find(vt, nt, a->path) &&
            (a->parent < 0 || find(vt, nt, host_layout_field_at(from, a->parent)->path)))
            item(&d, "- %s", declaration(a, decl, sizeof decl));
    }
    if (d.items > d.shown && d.len + MORE_RESERVE < d.size)
        snprintf(out + d.len, size - d.len, "%sand %d more", d.shown ? sep : "", d.items - d.shown);
    free(vf);
    free(vt);
    return d.items;
}
