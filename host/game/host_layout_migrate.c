/* host_layout_migrate.c - a state block carried from one layout into another by field name
 * (host_layout_migrate.h): each field of the new layout takes the value of the old field of the
 * same path, converted to its new type, at its new place.
 *
 * Works on the public view of two layouts, from debug information or from a state file's text;
 * owns nothing past the call. Every read and write is checked against the two blocks' sizes,
 * so a layout text that lies cannot make it touch memory outside them. Numbers are read and
 * written in the host's byte order, which is the game's (one process).
 */
#include "host_layout_migrate.h"

#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_DIMS = 8 /* more dimensions than this is no game state */
};

/* What a field holds, as far as conversion goes. */
typedef enum mig_kind {
    MIG_STRUCT,
    MIG_UNION,
    MIG_POINTER,
    MIG_SINT,  /* signed integers and enums */
    MIG_UINT,  /* unsigned integers */
    MIG_BOOL,  /* an unsigned integer of 0 or 1 */
    MIG_FLOAT, /* float, double, long double */
    MIG_OTHER  /* copied as bytes when unchanged, else refused */
} mig_kind;

/* One of the two layouts with its block. */
typedef struct mig_side {
    const host_layout *layout;
    const host_layout_field **by_path; /* the fields sorted by path */
    int count;
    uint64_t bits; /* the block's size in bits */
} mig_side;

typedef struct migration {
    mig_side from, to;
    const unsigned char *src;
    unsigned char *dst;
    unsigned char *overlaps; /* per field of to: shares bits with a sibling (a union member) */
    char *why;
    size_t why_size;
} migration;

/* A number read from a field: floating point, or an integer as sign and magnitude. */
typedef struct mig_number {
    int is_float, negative;
    long double f;
    int64_t s;  /* when negative */
    uint64_t u; /* when not */
} mig_number;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
refuse(migration *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, m->why_size, fmt, ap);
    va_end(ap);
    return -1;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const host_layout_field *field_of(const mig_side *s, int i)
{
    return host_layout_field_at(s->layout, i);
}

static int by_path(const void *a, const void *b)
{
    return strcmp((*(const host_layout_field *const *)a)->path,
                  (*(const host_layout_field *const *)b)->path);
}

/* Index of the field of s at path, or -1. */
static int find(const mig_side *s, const char *path)
{
    host_layout_field key = { .path = path };
    const host_layout_field
        *k = &key,
        **hit = s->by_path ? bsearch(&k, s->by_path, (size_t)s->count,
                                     sizeof *s->by_path, /* NOLINT(bugprone-sizeof-expression) */
                                     by_path)
                           : NULL;
    return hit ? (int)(*hit - field_of(s, 0)) : -1;
}

static int has_fields(const mig_side *s, int i)
{
    return i + 1 < s->count && field_of(s, i + 1)->parent == i;
}

static mig_kind kind_of(const mig_side *s, int i)
{
    const host_layout_field *f = field_of(s, i);
    const char *b = f->base;
    if (starts_with(b, "union "))
        return MIG_UNION;
    if (has_fields(s, i) || starts_with(b, "struct "))
        return MIG_STRUCT;
    if (strchr(b, '[')) /* a typedef of an array: only as bytes */
        return MIG_OTHER;
    if (strchr(b, '*'))
        return MIG_POINTER;
    if ((strcmp(b, "float") == 0 && f->size == sizeof(float)) ||
        (strcmp(b, "double") == 0 && f->size == sizeof(double)) ||
        (strcmp(b, "long double") == 0 && f->size == sizeof(long double)))
        return MIG_FLOAT;
    if (f->size > sizeof(uint64_t) || f->size == 0)
        return MIG_OTHER;
    if (strcmp(b, "bool") == 0)
        return MIG_BOOL;
    if (starts_with(b, "unsigned "))
        return MIG_UINT;
    if (strcmp(b, "char") == 0)
        return CHAR_MIN < 0 ? MIG_SINT : MIG_UINT;
    if (starts_with(b, "enum ") || strcmp(b, "signed char") == 0 || strcmp(b, "short") == 0 ||
        strcmp(b, "int") == 0 || strcmp(b, "long") == 0)
        return MIG_SINT;
    return MIG_OTHER;
}

static int is_number(mig_kind k)
{
    return k == MIG_SINT || k == MIG_UINT || k == MIG_BOOL || k == MIG_FLOAT;
}

/* The dimensions of "[4][8]" into n; "[]" (flexible) counts 0. Returns how many, or -1. */
static int parse_dims(const char *d, uint64_t *n)
{
    int count = 0;
    while (*d == '[') {
        char *end;
        if (count == MAX_DIMS)
            return -1;
        n[count] = d[1] == ']' ? 0 : strtoull(d + 1, &end, 10);
        d = d[1] == ']' ? d + 1 : end;
        if (*d++ != ']')
            return -1;
        count++;
    }
    return *d ? -1 : count;
}

/* Whether len bits at bit lie inside a block of bits bits. */
static int inside(uint64_t bits, uint64_t bit, uint64_t len)
{
    return bit <= bits && len <= bits - bit;
}

/* Bits [bit, bit + n) of p, n <= 64, the lowest first (little-endian). */
static uint64_t get_bits(const unsigned char *p, uint64_t bit, unsigned n)
{
    uint64_t v = 0;
    if (bit % 8 == 0 && n % 8 == 0) {
        for (unsigned i = 0; i < n / 8; i++)
            v |= (uint64_t)p[bit / 8 + i] << (8 * i);
        return v;
    }
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)((p[(bit + i) / 8] >> ((bit + i) % 8)) & 1u) << i;
    return v;
}

static void put_bits(unsigned char *p, uint64_t bit, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned char mask = (unsigned char)(1u << ((bit + i) % 8));
        if ((v >> i) & 1u)
            p[(bit + i) / 8] |= mask;
        else
            p[(bit + i) / 8] &= (unsigned char)~mask;
    }
}

/* The bits a scalar field takes: its bitfield width, else its size. */
static unsigned width_of(const host_layout_field *f)
{
    return f->width ? f->width : (unsigned)(f->size * 8);
}

static int read_number(migration *m, const host_layout_field *o, mig_kind k, uint64_t bit,
                       mig_number *out)
{
    unsigned n = width_of(o);
    if (!inside(m->from.bits, bit, n))
        return refuse(m, "%s: lies outside the saved block", o->path);
    *out = (mig_number){ 0 };
    if (k == MIG_FLOAT) {
        out->is_float = 1;
        const unsigned char *p = m->src + bit / 8;
        if (o->size == sizeof(float)) {
            float f;
            memcpy(&f, p, sizeof f);
            out->f = f;
        } else if (o->size == sizeof(double)) {
            double d;
            memcpy(&d, p, sizeof d);
            out->f = d;
        } else {
            memcpy(&out->f, p, sizeof out->f);
        }
        return 0;
    }
    uint64_t v = get_bits(m->src, bit, n);
    if (k == MIG_SINT && n < 64 && (v >> (n - 1)) & 1u)
        v |= ~(uint64_t)0 << n; /* sign-extended */
    if (k == MIG_SINT && (int64_t)v < 0) {
        out->negative = 1;
        out->s = (int64_t)v;
    } else {
        out->u = v;
    }
    return 0;
}

/* "300", "-1", "1e+40": the value, for a refusal. */
static const char *number_text(const mig_number *v, char *buf, size_t size)
{
    if (v->is_float)
        snprintf(buf, size, "%Lg", v->f);
    else if (v->negative)
        snprintf(buf, size, "%" PRId64, v->s);
    else
        snprintf(buf, size, "%" PRIu64, v->u);
    return buf;
}

/* Writes v into field n of kind k at bit, or refuses when it does not fit. */
static int write_number(migration *m, const host_layout_field *n, mig_kind k, uint64_t bit,
                        const mig_number *v)
{
    unsigned w = width_of(n);
    char text[64];
    if (!inside(m->to.bits, bit, w))
        return refuse(m, "%s: lies outside the state block", n->path);
    if (k == MIG_FLOAT) {
        long double f = v->is_float ? v->f : v->negative ? (long double)v->s : (long double)v->u;
        long double max = n->size == sizeof(float)    ? FLT_MAX
                          : n->size == sizeof(double) ? DBL_MAX
                                                      : LDBL_MAX;
        if (isfinite(f) && fabsl(f) > max)
            return refuse(m, "%s: %s does not fit in %s", n->path,
                          number_text(v, text, sizeof text), n->type);
        unsigned char *p = m->dst + bit / 8;
        if (n->size == sizeof(float)) {
            float x = (float)f;
            memcpy(p, &x, sizeof x);
        } else if (n->size == sizeof(double)) {
            double x = (double)f;
            memcpy(p, &x, sizeof x);
        } else {
            memcpy(p, &f, sizeof f);
        }
        return 0;
    }
    mig_number i = *v;
    if (v->is_float) { /* towards zero, as C converts */
        i.is_float = 0;
        if (v->f >= 0 && v->f < 18446744073709551616.0L)
            i.u = (uint64_t)v->f;
        else if (v->f < 0 && v->f >= -9223372036854775808.0L)
            i.s = (int64_t)v->f;
        else
            return refuse(m, "%s: %s does not fit in %s", n->path,
                          number_text(v, text, sizeof text), n->type);
        i.negative = i.s < 0;
    }
    int is_signed = k == MIG_SINT;
    uint64_t max = k == MIG_BOOL ? 1
                   : w >= 64     ? (is_signed ? (uint64_t)INT64_MAX : UINT64_MAX)
                   : is_signed   ? ((uint64_t)1 << (w - 1)) - 1
                                 : ((uint64_t)1 << w) - 1;
    int64_t min = !is_signed ? 0 : w >= 64 ? INT64_MIN : -(int64_t)((uint64_t)1 << (w - 1));
    if (i.negative ? i.s < min : i.u > max)
        return refuse(m, "%s: %s does not fit in %s%s", n->path, number_text(v, text, sizeof text),
                      n->type, n->width ? " of that width" : "");
    put_bits(m->dst, bit, w, i.negative ? (uint64_t)i.s : i.u);
    return 0;
}

static int copy_bytes(migration *m, const host_layout_field *n, uint64_t dst_bit, uint64_t src_bit,
                      uint64_t bytes)
{
    if (dst_bit % 8 || src_bit % 8 || bytes > UINT64_MAX / 8 ||
        !inside(m->to.bits, dst_bit, bytes * 8) || !inside(m->from.bits, src_bit, bytes * 8))
        return refuse(m, "%s: lies outside the state block", n->path);
    memcpy(m->dst + dst_bit / 8, m->src + src_bit / 8, (size_t)bytes);
    return 0;
}

/* Whether fields ni (to) and oi (from) hold the same type the same way. */
static int same_type(const host_layout_field *n, const host_layout_field *o)
{
    return strcmp(n->base, o->base) == 0 && n->size == o->size && n->width == o->width;
}

/* Whether union ni (to) has the members union oi (from) has, at the same places. */
static int same_union(const migration *m, int ni, int oi)
{
    const host_layout_field *n = field_of(&m->to, ni), *o = field_of(&m->from, oi);
    if (n->size != o->size)
        return 0;
    int members = 0, old_members = 0;
    for (int j = ni + 1; j < m->to.count && field_of(&m->to, j)->parent >= ni; j++, members++) {
        const host_layout_field *a = field_of(&m->to, j);
        int k = find(&m->from, a->path);
        const host_layout_field *b = k >= 0 ? field_of(&m->from, k) : NULL;
        if (!b || !same_type(a, b) || a->rel != b->rel || strcmp(a->dims, b->dims) != 0)
            return 0;
    }
    for (int j = oi + 1; j < m->from.count && field_of(&m->from, j)->parent >= oi; j++)
        old_members++;
    return members == old_members;
}

static int copy_field(migration *m, int ni, int oi, uint64_t dst_bit, uint64_t src_bit);

/* Copies the fields inside struct ni (to, at dst_bit) from struct oi (from, at src_bit); -1 for
 * the top level. */
static int copy_members(migration *m, int ni, uint64_t dst_bit, uint64_t src_bit)
{
    for (int j = ni + 1; j < m->to.count && field_of(&m->to, j)->parent >= ni; j++) {
        const host_layout_field *n = field_of(&m->to, j);
        int k = n->parent == ni ? find(&m->from, n->path) : -1;
        if (k >= 0 && copy_field(m, j, k, dst_bit + n->rel, src_bit + field_of(&m->from, k)->rel))
            return -1;
    }
    return 0;
}

/* One element of field ni (to, at dst_bit) from one of oi (from, at src_bit), of kinds nk, ok
 * that copy_field found compatible. */
static int copy_element(migration *m, int ni, int oi, mig_kind nk, mig_kind ok, uint64_t dst_bit,
                        uint64_t src_bit)
{
    const host_layout_field *n = field_of(&m->to, ni), *o = field_of(&m->from, oi);
    if (nk == MIG_STRUCT)
        return copy_members(m, ni, dst_bit, src_bit);
    if (is_number(nk) && is_number(ok)) {
        mig_number v = { 0 };
        return read_number(m, o, ok, src_bit, &v) ? -1 : write_number(m, n, nk, dst_bit, &v);
    }
    if (nk == MIG_POINTER) {
        mig_number v = { 0 };
        if (read_number(m, o, MIG_UINT, src_bit, &v))
            return -1;
        if (v.u == 0)
            return 0; /* a null pointer goes anywhere */
        if (v.u >= (uintptr_t)m->src && v.u - (uintptr_t)m->src < m->from.bits / 8)
            return refuse(m, "%s: points into the state block, which the migration replaces",
                          n->path);
        if (strcmp(n->base, o->base) != 0)
            return refuse(m, "%s: pointer type changed (%s -> %s)", n->path, o->type, n->type);
    }
    return copy_bytes(m, n, dst_bit, src_bit, n->size); /* unchanged unions, pointers, others */
}

/* Field ni of to (at dst_bit) from field oi of from (at src_bit), every element both have. */
static int copy_field(migration *m, int ni, int oi, uint64_t dst_bit, uint64_t src_bit)
{
    const host_layout_field *n = field_of(&m->to, ni), *o = field_of(&m->from, oi);
    uint64_t nd[MAX_DIMS], od[MAX_DIMS], common[MAX_DIMS], idx[MAX_DIMS] = { 0 };
    int dims = parse_dims(n->dims, nd), old_dims = parse_dims(o->dims, od);
    const char *what = dims > 0 ? "element type" : "type", *arr = dims > 0 ? "[]" : "";
    if (dims < 0 || old_dims < 0 || dims != old_dims)
        return refuse(m, "%s%s: array dimensions changed %s -> %s", n->path, arr,
                      o->dims[0] ? o->dims : "(none)", n->dims[0] ? n->dims : "(none)");
    mig_kind nk = kind_of(&m->to, ni), ok = kind_of(&m->from, oi);
    int numbers = is_number(nk) && is_number(ok);
    if (!numbers && (nk != ok || ((nk == MIG_OTHER) && !same_type(n, o))))
        return refuse(m, "%s%s: %s changed (%s -> %s)%s", n->path, arr, what, o->type, n->type,
                      nk == ok ? ", with no conversion" : "");
    if (nk == MIG_UNION && !same_union(m, ni, oi))
        return refuse(m, "%s%s: union changed", n->path, arr);
    if (m->overlaps[ni] && !same_type(n, o))
        return refuse(m, "%s: union member changed (%s -> %s)", n->path, o->type, n->type);

    uint64_t elements = 1;
    for (int k = 0; k < dims; k++) {
        common[k] = nd[k] < od[k] ? nd[k] : od[k];
        elements *= common[k];
    }
    if (elements == 0)
        return 0;
    /* Unchanged values in a row: one copy (a 1-D array's common prefix, or the same shape). */
    int plain = nk != MIG_STRUCT && nk != MIG_POINTER && same_type(n, o) && !n->width;
    if (plain && (dims <= 1 || strcmp(n->dims, o->dims) == 0)) {
        if (elements > UINT64_MAX / n->size)
            return refuse(m, "%s%s: too large", n->path, arr);
        return copy_bytes(m, n, dst_bit, src_bit, elements * n->size);
    }
    for (;;) {
        uint64_t at_new = 0, at_old = 0;
        for (int k = 0; k < dims; k++) {
            at_new = at_new * nd[k] + idx[k];
            at_old = at_old * od[k] + idx[k];
        }
        if (copy_element(m, ni, oi, nk, ok, dst_bit + at_new * n->size * 8,
                         src_bit + at_old * o->size * 8))
            return -1;
        int k = dims - 1;
        while (k >= 0 && ++idx[k] == common[k])
            idx[k--] = 0;
        if (k < 0)
            return 0;
    }
}

/* Marks the fields of s that share bits with a sibling: the members of an anonymous union. */
static void mark_overlaps(const mig_side *s, unsigned char *overlaps, uint64_t *end, int *owner)
{
    for (int j = 0; j <= s->count; j++) {
        end[j] = 0;
        owner[j] = -1;
    }
    for (int j = 0; j < s->count; j++) {
        const host_layout_field *f = field_of(s, j);
        uint64_t d[MAX_DIMS], bits = f->width ? f->width : f->size * 8;
        int dims = parse_dims(f->dims, d);
        for (int k = 0; k < dims; k++)
            bits = d[k] && bits > UINT64_MAX / d[k] ? UINT64_MAX : bits * d[k];
        int p = f->parent + 1;
        if (f->rel < end[p] && owner[p] >= 0)
            overlaps[j] = overlaps[owner[p]] = 1;
        if (bits && f->rel + bits > end[p]) {
            end[p] = f->rel + bits;
            owner[p] = j;
        }
    }
}

static const host_layout_field **sorted(const host_layout *l)
{
    int n = host_layout_count(l);
    /* An array of pointers: sizeof *v is a pointer's size, as meant. */
    const host_layout_field **v =
        malloc((size_t)(n ? n : 1) * sizeof *v); /* NOLINT(bugprone-sizeof-expression) */
    for (int i = 0; v && i < n; i++)
        v[i] = host_layout_field_at(l, i);
    if (v && n)
        qsort(v, (size_t)n, sizeof *v, by_path); /* NOLINT(bugprone-sizeof-expression) */
    return v;
}

int host_layout_migrate(const host_layout *from, const void *old, uint64_t old_size,
                        const host_layout *to, void *out, uint64_t out_size, char *why,
                        size_t why_size)
{
    migration m = { .from = { .layout = from,
                              .count = host_layout_count(from),
                              .bits = old_size > UINT64_MAX / 8 ? UINT64_MAX : old_size * 8 },
                    .to = { .layout = to,
                            .count = host_layout_count(to),
                            .bits = out_size > UINT64_MAX / 8 ? UINT64_MAX : out_size * 8 },
                    .src = old,
                    .dst = out,
                    .why = why,
                    .why_size = why_size };
    m.from.by_path = sorted(from);
    m.to.by_path = sorted(to);
    size_t n = (size_t)m.to.count + 1;
    m.overlaps = calloc(n, 1);
    uint64_t *end = malloc(n * sizeof *end);
    int *owner = malloc(n * sizeof *owner);
    int rc;
    if (!m.from.by_path || !m.to.by_path || !m.overlaps || !end || !owner) {
        rc = refuse(&m, "out of memory");
    } else {
        mark_overlaps(&m.to, m.overlaps, end, owner);
        rc = copy_members(&m, -1, 0, 0);
    }
    free(m.from.by_path);
    free(m.to.by_path);
    free(m.overlaps);
    free(end);
    free(owner);
    return rc;
}
