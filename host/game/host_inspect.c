/* host_inspect.c - the inspector's model (host_inspect.h): the live state block read field by
 * field through its layout from debug information, values formatted as text and parsed back,
 * edits written into the block and logged.
 *
 * Owns nothing but a walk's scratch rows: the block and its layout belong to host_game.c and
 * are asked for again on every call (a reload may replace both). Never follows a pointer (its
 * target may be gone, or belong to another process); reads and writes only inside the block.
 */
#include "host_inspect.h"
#include "host_event.h"
#include "host_game.h"
#include "host_layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
    SUMMARY_ELEMENTS = 6, /* elements a scalar array's summary shows before "..." */
};

typedef enum kind {
    KIND_OTHER, /* a function, __int128, long double...: shown by its type only */
    KIND_SIGNED,
    KIND_UNSIGNED,
    KIND_BOOL,
    KIND_ENUM,
    KIND_FLOAT,
    KIND_DOUBLE,
    KIND_POINTER,
    KIND_AGGREGATE,
} kind;

/* What the walk passes down: the block and its layout, and the caller's visitor. */
typedef struct walk {
    const host_layout *layout;
    unsigned char *block;
    uint64_t block_size;
    host_inspect_visit visit;
    void *user;
    int rows;
} walk;

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static kind kind_of(const host_layout_field *f)
{
    const char *b = f->base;
    size_t n = strlen(b);
    if (n && b[n - 1] == '*')
        return KIND_POINTER;
    if (starts(b, "struct ") || starts(b, "union "))
        return KIND_AGGREGATE;
    if (starts(b, "enum "))
        return f->size <= 8 ? KIND_ENUM : KIND_OTHER;
    if (strcmp(b, "bool") == 0)
        return KIND_BOOL;
    if (strcmp(b, "float") == 0)
        return KIND_FLOAT;
    if (strcmp(b, "double") == 0)
        return KIND_DOUBLE;
    if (f->size > 8)
        return KIND_OTHER;
    if (starts(b, "unsigned "))
        return KIND_UNSIGNED;
    if (strcmp(b, "char") == 0 || strcmp(b, "signed char") == 0 || strcmp(b, "short") == 0 ||
        strcmp(b, "int") == 0 || strcmp(b, "long") == 0)
        return KIND_SIGNED;
    return KIND_OTHER;
}

/* The enumerators of f, a field of the live layout (every field this file sees is one). */
static const char *enums_of(const host_layout_field *f)
{
    char why[8];
    const host_layout *l = host_game_live_layout(why, sizeof why);
    return l ? host_layout_enumerators(l, (int)(f - host_layout_field_at(l, 0))) : "";
}

static unsigned bits_of(const host_layout_field *f)
{
    return f->width ? f->width : (unsigned)(f->size * 8);
}

/* The bits [bit, bit + n) of the block as an unsigned number (little-endian, as the targets). */
static uint64_t read_bits(const unsigned char *block, uint64_t bit, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t at = bit + i;
        v |= (uint64_t)((block[at / 8] >> (at % 8)) & 1u) << i;
    }
    return v;
}

static void write_bits(unsigned char *block, uint64_t bit, unsigned n, uint64_t v)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t at = bit + i;
        unsigned char mask = (unsigned char)(1u << (at % 8));
        block[at / 8] =
            (unsigned char)((v >> i) & 1u ? block[at / 8] | mask : block[at / 8] & ~mask);
    }
}

static int64_t sign_extend(uint64_t v, unsigned n)
{
    if (n > 0 && n < 64 && (v >> (n - 1)) & 1u)
        v |= ~(uint64_t)0 << n;
    return (int64_t)v;
}

/* The enumerator of value in "NONE=0 STAR=1" into out; 0 when none has it. */
static int enum_name(const char *enums, int64_t value, char *out, size_t size)
{
    for (const char *p = enums; *p;) {
        size_t len = strcspn(p, " ");
        const char *eq = memchr(p, '=', len);
        if (eq && strtoll(eq + 1, NULL, 10) == value) {
            snprintf(out, size, "%.*s", (int)(eq - p), p);
            return 1;
        }
        p += len + (p[len] == ' ');
    }
    return 0;
}

/* The shortest text that reads back as the same float or double. */
static void format_real(double v, int is_float, char *out, size_t size)
{
    for (int digits = is_float ? 6 : 15; digits <= 17; digits++) {
        snprintf(out, size, "%.*g", digits, v);
        if (is_float ? strtof(out, NULL) == (float)v : strtod(out, NULL) == v)
            return;
    }
}

/* The scalar value of f at bit as text. */
static void format_scalar(const host_layout_field *f, const unsigned char *block, uint64_t bit,
                          char *out, size_t size)
{
    unsigned n = bits_of(f);
    uint64_t raw = n && n <= 64 ? read_bits(block, bit, n) : 0;
    switch (kind_of(f)) {
    case KIND_SIGNED: snprintf(out, size, "%" PRId64, sign_extend(raw, n)); break;
    case KIND_UNSIGNED: snprintf(out, size, "%" PRIu64, raw); break;
    case KIND_BOOL: snprintf(out, size, "%s", raw ? "true" : "false"); break;
    case KIND_ENUM:
        if (!enum_name(enums_of(f), sign_extend(raw, n), out, size))
            snprintf(out, size, "%" PRId64, sign_extend(raw, n));
        break;
    case KIND_FLOAT: {
        float v;
        memcpy(&v, block + bit / 8, sizeof v);
        format_real(v, 1, out, size);
        break;
    }
    case KIND_DOUBLE: {
        double v;
        memcpy(&v, block + bit / 8, sizeof v);
        format_real(v, 0, out, size);
        break;
    }
    case KIND_POINTER: snprintf(out, size, "0x%" PRIx64, raw); break;
    case KIND_AGGREGATE:
    case KIND_OTHER: snprintf(out, size, "(%s)", f->type); break;
    }
}

static uint64_t element_count(const char *dims)
{
    uint64_t count = 1;
    for (const char *p = strchr(dims, '['); p; p = strchr(p + 1, '['))
        count *= p[1] == ']' ? 0 : strtoull(p + 1, NULL, 10);
    return count;
}

static int child_count(const walk *w, int parent)
{
    int n = 0, count = host_layout_count(w->layout);
    for (int j = parent + 1; j < count && host_layout_field_at(w->layout, j)->parent >= parent; j++)
        n += host_layout_field_at(w->layout, j)->parent == parent;
    return n;
}

static int visit_field(walk *w, int index, uint64_t bit, const char *path, int depth);

/* The rows beneath field index (its members, placed at bit), each named under path. */
static int visit_members(walk *w, int index, uint64_t bit, const char *path, int depth)
{
    int count = host_layout_count(w->layout);
    for (int j = index + 1; j < count && host_layout_field_at(w->layout, j)->parent >= index; j++) {
        const host_layout_field *c = host_layout_field_at(w->layout, j);
        if (c->parent != index)
            continue;
        const char *name = strrchr(c->path, '.');
        char sub[HOST_INSPECT_PATH_MAX];
        snprintf(sub, sizeof sub, "%s.%s", path, name ? name + 1 : c->path);
        if (visit_field(w, j, bit + c->rel, sub, depth) != 0)
            return -1;
    }
    return 0;
}

/* The summary of an array: "[12]", with its first elements when they are scalars. */
static void array_summary(const host_layout_field *f, const unsigned char *block, uint64_t bit,
                          uint64_t elements, int members, char *out, size_t size)
{
    size_t len = (size_t)snprintf(out, size, "[%" PRIu64 "]", elements);
    for (uint64_t e = 0; !members && e < elements && e < SUMMARY_ELEMENTS && len < size; e++) {
        char v[40];
        format_scalar(f, block, bit + e * f->size * 8, v, sizeof v);
        len += (size_t)snprintf(out + len, size - len, "%s%s", e ? ", " : " {", v);
    }
    if (!members && elements && len < size)
        snprintf(out + len, size - len, "%s}", elements > SUMMARY_ELEMENTS ? ", ..." : "");
}

static int emit(walk *w, host_inspect_row *row)
{
    w->rows++;
    return w->visit(w->user, row);
}

/* One row for field index at bit (an array: its elements beneath). Returns -1 to stop. */
static int visit_field(walk *w, int index, uint64_t bit, const char *path, int depth)
{
    const host_layout_field *f = host_layout_field_at(w->layout, index);
    host_inspect_row row = {
        .type = f->type, .dims = f->dims, .depth = depth, .field = index, .bit = bit
    };
    snprintf(row.path, sizeof row.path, "%s", path);
    kind k = kind_of(f);
    int members = child_count(w, index);
    uint64_t elements = f->dims[0] ? element_count(f->dims) : 0;
    if (bit / 8 + f->size * (elements ? elements : 1) > w->block_size)
        return 0; /* cannot be: the layout is the block's; never read past it */
    if (f->dims[0]) {
        array_summary(f, w->block, bit, elements, members, row.value, sizeof row.value);
        row.foldable = elements > 0;
    } else if (k == KIND_AGGREGATE) {
        snprintf(row.value, sizeof row.value, "{%d fields}", members);
        row.foldable = members > 0;
    } else {
        format_scalar(f, w->block, bit, row.value, sizeof row.value);
        row.editable = k != KIND_POINTER && k != KIND_OTHER;
    }
    int open = emit(w, &row);
    if (open <= 0 || !row.foldable)
        return open < 0 ? -1 : 0;
    if (!f->dims[0])
        return visit_members(w, index, bit, path, depth + 1);
    for (uint64_t e = 0; e < elements; e++) {
        char sub[HOST_INSPECT_PATH_MAX];
        snprintf(sub, sizeof sub, "%s[%" PRIu64 "]", path, e);
        uint64_t at = bit + e * f->size * 8;
        if (members) {
            if (visit_members(w, index, at, sub, depth + 1) != 0)
                return -1;
            continue;
        }
        /* an element of a scalar array: a row of its own */
        host_inspect_row item = {
            .type = f->type, .dims = "", .depth = depth + 1, .field = index, .bit = at
        };
        snprintf(item.path, sizeof item.path, "%s", sub);
        format_scalar(f, w->block, at, item.value, sizeof item.value);
        item.editable = k != KIND_POINTER && k != KIND_OTHER && k != KIND_AGGREGATE;
        if (emit(w, &item) < 0)
            return -1;
    }
    return 0;
}

int host_inspect_walk(host_inspect_visit visit, void *user, char *why, size_t why_size)
{
    host_game_layout live;
    walk w = { .visit = visit, .user = user };
    w.layout = host_game_live_layout(why, why_size);
    w.block = w.layout ? host_game_state(&live) : NULL;
    if (!w.layout)
        return -1;
    if (!w.block) {
        snprintf(why, why_size, "the game's state is not initialised");
        return -1;
    }
    w.block_size = live.size;
    int count = host_layout_count(w.layout);
    for (int i = 0; i < count; i++)
        if (host_layout_field_at(w.layout, i)->parent < 0 &&
            visit_field(&w, i, host_layout_field_at(w.layout, i)->bit,
                        host_layout_field_at(w.layout, i)->path, 0) != 0)
            break;
    return w.rows;
}

static int dump_row(void *user, const host_inspect_row *row)
{
    char type[160];
    (void)user;
    /* quoted into a buffer of its own: host_event_quote cannot write over what it reads */
    snprintf(type, sizeof type, "%s%s", row->type, row->dims);
    host_event(INSPECT, HOST_WORD("field", row->path), HOST_WORD("type", type),
               HOST_WORD("value", row->value));
    return 1;
}

void host_inspect_dump(void)
{
    char why[300];
    if (host_inspect_walk(dump_row, NULL, why, sizeof why) < 0)
        host_event(INSPECT_UNAVAILABLE, HOST_TEXT("reason", why));
}

/* What find_row looks for, and what it found. */
typedef struct finding {
    const char *path;
    host_inspect_row row;
    int found;
} finding;

static int match_row(void *user, const host_inspect_row *row)
{
    finding *f = user;
    size_t len = strlen(row->path);
    if (strcmp(row->path, f->path) == 0) {
        f->row = *row;
        f->found = 1;
        return -1;
    }
    /* only into a row whose path leads to the one looked for */
    return strncmp(row->path, f->path, len) == 0 && (f->path[len] == '.' || f->path[len] == '[');
}

/* The number of the enumerator named text in "NONE=0 STAR=1", else text itself. */
static const char *enum_value(const char *enums, const char *text)
{
    size_t n = strlen(text);
    for (const char *p = enums; *p;) {
        size_t len = strcspn(p, " ");
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == n && strncmp(p, text, n) == 0)
            return eq + 1;
        p += len + (p[len] == ' ');
    }
    return text;
}

/* Parses text as a value of field f into *raw (the bits to write). Returns 0, or -1 with the
 * reason in why. */
static int parse_value(const host_layout_field *f, const char *text, uint64_t *raw, char *why,
                       size_t why_size)
{
    unsigned n = bits_of(f);
    char *end = NULL;
    errno = 0;
    switch (kind_of(f)) {
    case KIND_BOOL:
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0 && strcmp(text, "1") != 0 &&
            strcmp(text, "0") != 0)
            break;
        *raw = strcmp(text, "true") == 0 || strcmp(text, "1") == 0;
        return 0;
    case KIND_FLOAT: {
        float v = strtof(text, &end);
        if (end == text || *end)
            break;
        uint32_t bits;
        memcpy(&bits, &v, sizeof bits);
        *raw = bits;
        return 0;
    }
    case KIND_DOUBLE: {
        double v = strtod(text, &end);
        if (end == text || *end)
            break;
        memcpy(raw, &v, sizeof v);
        return 0;
    }
    case KIND_ENUM:
    case KIND_SIGNED: {
        long long v = strtoll(enum_value(enums_of(f), text), &end, 0);
        if (end == text || *end)
            break;
        if (errno || (n < 64 && (v < -(1LL << (n - 1)) || v > (1LL << (n - 1)) - 1))) {
            snprintf(why, why_size, "%s does not fit in %u signed bits", text, n);
            return -1;
        }
        *raw = (uint64_t)v & (n < 64 ? (1ULL << n) - 1 : ~0ULL);
        return 0;
    }
    case KIND_UNSIGNED: {
        unsigned long long v = strtoull(text, &end, 0);
        if (end == text || *end || text[0] == '-')
            break;
        if (errno || (n < 64 && v >> n)) {
            snprintf(why, why_size, "%s does not fit in %u unsigned bits", text, n);
            return -1;
        }
        *raw = v;
        return 0;
    }
    case KIND_POINTER:
    case KIND_AGGREGATE:
    case KIND_OTHER:
        snprintf(why, why_size, "a %s cannot be edited: only numbers, bools and enums", f->type);
        return -1;
    }
    snprintf(why, why_size, "\"%s\" is not a value of type %s%s%s", text, f->type,
             enums_of(f)[0] ? ": " : "", enums_of(f));
    return -1;
}

static int edit_failed(const char *path, const char *why)
{
    host_event(STATE_EDIT_FAILED, HOST_WORD("field", path), HOST_TEXT("reason", why));
    return -1;
}

/* The row at path, or -1 after logging why there is none. */
static int find_row(const char *path, finding *f)
{
    char why[300];
    *f = (finding){ .path = path };
    if (host_inspect_walk(match_row, f, why, sizeof why) < 0)
        return edit_failed(path, why);
    if (!f->found) {
        snprintf(why, sizeof why, "the state has no field %s", path);
        return edit_failed(path, why);
    }
    return 0;
}

int host_inspect_set(const char *path, const char *text)
{
    finding found;
    char why[300];
    if (find_row(path, &found) != 0)
        return -1;
    const host_layout_field *f =
        host_layout_field_at(host_game_live_layout(why, sizeof why), found.row.field);
    if (!found.row.editable || found.row.foldable) {
        snprintf(why, sizeof why, "%s is a %s%s: only numbers, bools and enums can be edited", path,
                 found.row.type, found.row.dims);
        return edit_failed(path, why);
    }
    uint64_t raw;
    if (parse_value(f, text, &raw, why, sizeof why) != 0)
        return edit_failed(path, why);
    host_game_layout live;
    unsigned char *block = host_game_state(&live);
    write_bits(block, found.row.bit, bits_of(f), raw);
    char now[HOST_INSPECT_VALUE_MAX];
    format_scalar(f, block, found.row.bit, now, sizeof now);
    host_event(STATE_EDIT, HOST_WORD("field", path), HOST_WORD("from", found.row.value),
               HOST_WORD("to", now));
    return 0;
}

/* The enumerator steps away from value in enums, wrapping around, into out. */
static void next_enumerator(const char *enums, const char *value, int steps, char *out, size_t size)
{
    char names[64][64];
    int count = 0, at = 0;
    for (const char *p = enums; *p && count < 64;) {
        size_t len = strcspn(p, " ");
        const char *eq = memchr(p, '=', len);
        snprintf(names[count], sizeof names[count], "%.*s", (int)(eq ? eq - p : 0), p);
        at = strcmp(names[count], value) == 0 ? count : at;
        count++;
        p += len + (p[len] == ' ');
    }
    if (!count) {
        snprintf(out, size, "%lld", strtoll(value, NULL, 10) + steps);
        return;
    }
    snprintf(out, size, "%s", names[((at + steps) % count + count) % count]);
}

int host_inspect_step(const char *path, int steps, int big)
{
    finding found;
    char why[300], text[HOST_INSPECT_VALUE_MAX];
    if (find_row(path, &found) != 0)
        return -1;
    const host_layout_field *f =
        host_layout_field_at(host_game_live_layout(why, sizeof why), found.row.field);
    const char *v = found.row.value;
    switch (found.row.foldable ? KIND_AGGREGATE : kind_of(f)) {
    case KIND_BOOL:
        snprintf(text, sizeof text, "%s", strcmp(v, "true") == 0 ? "false" : "true");
        break;
    case KIND_ENUM: next_enumerator(enums_of(f), v, steps, text, sizeof text); break;
    case KIND_FLOAT:
    case KIND_DOUBLE:
        format_real(strtod(v, NULL) + steps * (big ? 1.0 : 0.1), 0, text, sizeof text);
        break;
    case KIND_SIGNED:
        snprintf(text, sizeof text, "%lld",
                 strtoll(v, NULL, 10) + (long long)steps * (big ? 10 : 1));
        break;
    case KIND_UNSIGNED: {
        unsigned long long u = strtoull(v, NULL, 10),
                           d = (unsigned long long)(big ? 10 : 1) *
                               (unsigned long long)(steps < 0 ? -steps : steps);
        snprintf(text, sizeof text, "%llu", steps < 0 ? (u < d ? 0 : u - d) : u + d);
        break;
    }
    default: snprintf(text, sizeof text, "%s", v); break;
    }
    return host_inspect_set(path, text);
}
