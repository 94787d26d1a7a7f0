/* host_layout_dwarf.c - host_layout_read on Linux: a type's layout from the DWARF debug
 * information of an ELF library (elfutils' libdw), every field walked into the layout that
 * host_layout.c then turns into its canonical text.
 *
 * Opens the file only for the read: the ELF file is closed before host_layout_read returns.
 * Reads only the debug sections (libdw maps them lazily); never follows a pointer's target
 * type, which could be the state itself. Bitfield offsets of the old DWARF 2/3 form are turned
 * around for little-endian targets (x86-64, aarch64), the ones the host runs on.
 */
#include "host_layout_internal.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The DIE an attribute of die refers to (its DW_AT_type: NULL for void). */
static Dwarf_Die *type_of(Dwarf_Die *die, Dwarf_Die *mem)
{
    Dwarf_Attribute attr;
    return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &attr), mem);
}

static int is_aggregate(int tag)
{
    return tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type;
}

/* Elements of one dimension of an array: DW_AT_count, or the upper bound + 1 (C arrays start
 * at 0). FLEXIBLE when there is neither (a flexible array member) or the bound is -1 ([0]). */
static uint32_t dimension(Dwarf_Die *subrange)
{
    Dwarf_Attribute attr;
    Dwarf_Word n;
    if (dwarf_attr_integrate(subrange, DW_AT_count, &attr) && dwarf_formudata(&attr, &n) == 0)
        return n < FLEXIBLE ? (uint32_t)n : FLEXIBLE;
    if (dwarf_attr_integrate(subrange, DW_AT_upper_bound, &attr) &&
        dwarf_formudata(&attr, &n) == 0 && n < FLEXIBLE - 1)
        return (uint32_t)n + 1;
    return FLEXIBLE;
}

/* Appends the dimensions of array die to out: "[12]", "[4][8]", "[]". */
static void append_dims(Dwarf_Die *array, char *out, size_t size)
{
    Dwarf_Die sub;
    if (dwarf_child(array, &sub) != 0)
        return;
    do {
        if (dwarf_tag(&sub) != DW_TAG_subrange_type)
            continue;
        size_t len = strlen(out);
        uint32_t n = dimension(&sub);
        if (n == FLEXIBLE)
            snprintf(out + len, size - len, "[]");
        else
            snprintf(out + len, size - len, "[%" PRIu32 "]", n);
    } while (dwarf_siblingof(&sub, &sub) == 0);
}

/* A base type by its kind and size, not its DW_AT_name: gcc says "long unsigned int" where
 * clang says "unsigned long", and a rebuild with the other compiler changes no layout. */
static const char *base_type_name(Dwarf_Die *t)
{
    static const char *const ints[2][5] = {
        { "signed char", "short", "int", "long", "__int128" },
        { "unsigned char", "unsigned short", "unsigned int", "unsigned long", "unsigned __int128" },
    };
    Dwarf_Attribute attr;
    Dwarf_Word enc;
    int size = dwarf_bytesize(t), log2 = size == 1    ? 0
                                         : size == 2  ? 1
                                         : size == 4  ? 2
                                         : size == 8  ? 3
                                         : size == 16 ? 4
                                                      : -1;
    if (!dwarf_attr_integrate(t, DW_AT_encoding, &attr) || dwarf_formudata(&attr, &enc) != 0)
        enc = 0;
    switch (enc) {
    case DW_ATE_boolean: return "bool";
    case DW_ATE_signed_char: return "char";
    case DW_ATE_unsigned_char: return "unsigned char";
    case DW_ATE_float: return size == 4 ? "float" : size == 8 ? "double" : "long double";
    case DW_ATE_signed:
    case DW_ATE_unsigned:
        if (log2 >= 0)
            return ints[enc == DW_ATE_unsigned][log2];
        break;
    default: break;
    }
    const char *name = dwarf_diename(t);
    return name ? name : "?";
}

/* The type t as C spells it ("const char *", "struct item", "uint64_t", "float[3]"). */
static void type_name(Dwarf_Die *t, char *out, size_t size, int depth)
{
    if (!t) {
        snprintf(out, size, "void");
        return;
    }
    if (depth > MAX_DEPTH) {
        snprintf(out, size, "?");
        return;
    }
    Dwarf_Die mem, *inner = type_of(t, &mem);
    const char *name = dwarf_diename(t);
    char sub[NAME_MAX_LEN - 16]; /* room for what wraps it: "const ", " *" */
    int tag = dwarf_tag(t);
    switch (tag) {
    case DW_TAG_base_type: snprintf(out, size, "%s", base_type_name(t)); break;
    case DW_TAG_typedef: snprintf(out, size, "%s", name ? name : "?"); break;
    case DW_TAG_structure_type:
    case DW_TAG_class_type:
    case DW_TAG_union_type:
    case DW_TAG_enumeration_type:
        snprintf(out, size, "%s %s",
                 tag == DW_TAG_union_type         ? "union"
                 : tag == DW_TAG_enumeration_type ? "enum"
                                                  : "struct",
                 name ? name : "{...}");
        break;
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
        type_name(inner, sub, sizeof sub, depth + 1);
        snprintf(out, size, "%s *", sub);
        break;
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type: {
        const char *q = tag == DW_TAG_const_type      ? "const"
                        : tag == DW_TAG_volatile_type ? "volatile"
                        : tag == DW_TAG_restrict_type ? "restrict"
                                                      : "_Atomic";
        type_name(inner, sub, sizeof sub, depth + 1);
        /* On a pointer the qualifier follows the star: "char * const" is not "const char *". */
        if (inner && dwarf_tag(inner) == DW_TAG_pointer_type)
            snprintf(out, size, "%s %s", sub, q);
        else
            snprintf(out, size, "%s %s", q, sub);
        break;
    }
    case DW_TAG_array_type:
        type_name(inner, out, size, depth + 1);
        append_dims(t, out, size);
        break;
    case DW_TAG_subroutine_type: snprintf(out, size, "function"); break;
    default: snprintf(out, size, "?"); break;
    }
}

static host_layout_error walk(host_layout *l, Dwarf_Die *agg, const char *prefix, uint64_t base_bit,
                              int parent, uint64_t parent_bit, int depth);

/* A member's offset from the start of its struct, in bits (bitfields to the bit). */
static uint64_t member_bit(Dwarf_Die *m)
{
    Dwarf_Attribute attr;
    Dwarf_Word w;
    if (dwarf_attr_integrate(m, DW_AT_data_bit_offset, &attr) && dwarf_formudata(&attr, &w) == 0)
        return w;       /* DWARF 4 and later */
    uint64_t bytes = 0; /* union members have no location: 0 */
    if (dwarf_attr_integrate(m, DW_AT_data_member_location, &attr)) {
        Dwarf_Op *ops;
        size_t n;
        if (dwarf_formudata(&attr, &w) == 0)
            bytes = w;
        else if (dwarf_getlocation(&attr, &ops, &n) == 0 && n == 1 &&
                 ops[0].atom == DW_OP_plus_uconst)
            bytes = ops[0].number; /* DWARF 2: a location expression */
    }
    /* DWARF 2/3 bitfields count DW_AT_bit_offset from the most significant bit of a storage
     * unit of DW_AT_byte_size bytes: on a little-endian target, turn it around. */
    uint64_t bit = bytes * 8;
    int width = dwarf_bitsize(m), from_msb, unit;
    if (width > 0 && (from_msb = dwarf_bitoffset(m)) >= 0 && (unit = dwarf_bytesize(m)) > 0)
        bit += (uint64_t)(unit * 8 - from_msb - width);
    return bit;
}

/* The enumerators of enum type t as "NAME=VALUE NAME=VALUE" into out ("" for another type or
 * when they do not fit): the inspector shows and parses an enum's value by name. */
static void enumerators(Dwarf_Die *t, char *out, size_t size)
{
    Dwarf_Die e;
    Dwarf_Attribute attr;
    size_t len = 0;
    out[0] = 0;
    if (dwarf_tag(t) != DW_TAG_enumeration_type || dwarf_child(t, &e) != 0)
        return;
    do {
        Dwarf_Sword value;
        const char *name = dwarf_diename(&e);
        if (dwarf_tag(&e) != DW_TAG_enumerator || !name ||
            !dwarf_attr_integrate(&e, DW_AT_const_value, &attr) ||
            dwarf_formsdata(&attr, &value) != 0)
            continue;
        int n =
            snprintf(out + len, size - len, "%s%s=%" PRId64, len ? " " : "", name, (int64_t)value);
        if (n < 0 || (size_t)n >= size - len) {
            out[0] = 0;
            return;
        }
        len += (size_t)n;
    } while (dwarf_siblingof(&e, &e) == 0);
}

/* Adds member m of a struct or union at base_bit (and its members, recursively). */
static host_layout_error add_member(host_layout *l, Dwarf_Die *m, const char *prefix,
                                    uint64_t base_bit, int parent, uint64_t parent_bit, int depth)
{
    Dwarf_Die decl_mem, elem_mem, core;
    Dwarf_Die *decl = type_of(m, &decl_mem), *named = decl;
    const char *name = dwarf_diename(m);
    uint64_t bit = base_bit + member_bit(m);
    char dims[64] = "", type[NAME_MAX_LEN], base[NAME_MAX_LEN];
    if (!decl)
        return host_layout_fail(l, HOST_LAYOUT_ERR_DWARF, "member %s%s has no type", prefix,
                                name ? name : "");
    if (dwarf_tag(decl) == DW_TAG_array_type) { /* the dimensions go apart from the type */
        append_dims(decl, dims, sizeof dims);
        named = type_of(decl, &elem_mem);
    }
    Dwarf_Word size = 0;
    if (!named || dwarf_peel_type(named, &core) != 0 || dwarf_aggregate_size(named, &size) != 0)
        return host_layout_fail(l, HOST_LAYOUT_ERR_DWARF, "cannot size member %s%s: %s", prefix,
                                name ? name : "", dwarf_errmsg(-1));
    /* What to walk into: the struct itself, or the struct of an array's elements (through
     * typedefs of arrays: typedef struct item row[4]; row rows[2]). */
    int array = dims[0] != 0;
    for (int i = 0; dwarf_tag(&core) == DW_TAG_array_type && i < MAX_DEPTH; i++) {
        Dwarf_Die *e = type_of(&core, &elem_mem);
        if (!e || dwarf_peel_type(e, &core) != 0)
            break;
        array = 1;
    }
    int nested = is_aggregate(dwarf_tag(&core));

    if (!name) { /* an anonymous struct or union: its members belong to the parent */
        return nested && !array ? walk(l, &core, prefix, bit, parent, parent_bit, depth + 1)
                                : HOST_LAYOUT_OK; /* an unnamed bitfield: padding */
    }
    if (l->count == MAX_FIELDS)
        return host_layout_fail(l, HOST_LAYOUT_ERR_DWARF, "more than %d fields", MAX_FIELDS);
    if (l->count == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        field *f = realloc(l->fields, (size_t)cap * sizeof *f);
        if (!f)
            return host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
        l->fields = f;
        l->cap = cap;
    }
    type_name(named, type, sizeof type, 0);
    Dwarf_Die peeled;
    if (dwarf_peel_type(named, &peeled) == 0)
        type_name(&peeled, base, sizeof base, 0);
    else
        snprintf(base, sizeof base, "%s", type);
    char path[1024], enums[1024];
    snprintf(path, sizeof path, "%s%s", prefix, name);
    enumerators(&core, enums, sizeof enums);
    int width = dwarf_bitsize(m);
    field f = { .path = host_layout_intern(l, path),
                .type = host_layout_intern(l, type),
                .base = host_layout_intern(l, base),
                .dims = host_layout_intern(l, dims),
                .enums = host_layout_intern(l, enums),
                .bit = bit,
                .rel = bit - parent_bit,
                .size = size,
                .width = width > 0 ? (unsigned)width : 0,
                .parent = parent };
    if (f.path == SIZE_MAX || f.type == SIZE_MAX || f.base == SIZE_MAX || f.dims == SIZE_MAX ||
        f.enums == SIZE_MAX)
        return host_layout_fail(l, HOST_LAYOUT_ERR_NOMEM, "out of memory");
    int self = l->count++;
    l->fields[self] = f;
    if (!nested)
        return HOST_LAYOUT_OK;
    char child_prefix[1100];
    snprintf(child_prefix, sizeof child_prefix, "%s%s", path, array ? "[]." : ".");
    return walk(l, &core, child_prefix, bit, self, bit, depth + 1);
}

/* Adds every member of struct or union agg, placed at base_bit. */
static host_layout_error walk(host_layout *l, Dwarf_Die *agg, const char *prefix, uint64_t base_bit,
                              int parent, uint64_t parent_bit, int depth)
{
    Dwarf_Die m;
    if (depth > MAX_DEPTH)
        return host_layout_fail(l, HOST_LAYOUT_ERR_DWARF, "%s nests more than %d levels deep",
                                prefix, MAX_DEPTH);
    if (dwarf_child(agg, &m) != 0)
        return HOST_LAYOUT_OK; /* no members */
    do {
        if (dwarf_tag(&m) != DW_TAG_member)
            continue;
        host_layout_error err = add_member(l, &m, prefix, base_bit, parent, parent_bit, depth);
        if (err != HOST_LAYOUT_OK)
            return err;
    } while (dwarf_siblingof(&m, &m) == 0);
    return HOST_LAYOUT_OK;
}

/* Finds the complete type named name among the top-level DIEs of every unit, into *out
 * (through typedefs and qualifiers). Returns 1, 0 when there is none, -1 on a libdw error. */
static int find_type(Dwarf *dw, const char *name, Dwarf_Die *out)
{
    Dwarf_CU *cu = NULL;
    Dwarf_Die unit, d;
    int rc;
    while ((rc = dwarf_get_units(dw, cu, &cu, NULL, NULL, &unit, NULL)) == 0) {
        if (dwarf_child(&unit, &d) != 0)
            continue;
        do {
            int tag = dwarf_tag(&d);
            const char *n = dwarf_diename(&d);
            Dwarf_Word size;
            /* A declaration (struct s;) has no layout: another unit may have the definition. */
            if ((tag == DW_TAG_typedef || is_aggregate(tag)) && n && strcmp(n, name) == 0 &&
                dwarf_peel_type(&d, out) == 0 && !dwarf_hasattr(out, DW_AT_declaration) &&
                dwarf_aggregate_size(out, &size) == 0)
                return 1;
        } while (dwarf_siblingof(&d, &d) == 0);
    }
    return rc < 0 ? -1 : 0;
}

static void read_layout(host_layout *l, const char *path, const char *type_name)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        host_layout_fail(l, HOST_LAYOUT_ERR_OPEN, "cannot open %s: %s", path, strerror(errno));
        return;
    }
    Dwarf *dw = NULL;
    Elf *elf = NULL;
    Dwarf_Die type;
    elf_version(EV_CURRENT);
    if (!(elf = elf_begin(fd, ELF_C_READ_MMAP, NULL)) || elf_kind(elf) != ELF_K_ELF) {
        host_layout_fail(l, HOST_LAYOUT_ERR_NOT_ELF, "%s is not an ELF file", path);
        goto done;
    }
    if (!(dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL))) {
        host_layout_fail(l, HOST_LAYOUT_ERR_NO_DEBUG,
                         "%s has no DWARF debug information (built without -g?)", path);
        goto done;
    }
    int found = find_type(dw, type_name, &type);
    if (found < 0) {
        host_layout_fail(l, HOST_LAYOUT_ERR_DWARF, "%s: cannot read its debug information: %s",
                         path, dwarf_errmsg(-1));
    } else if (!found) {
        host_layout_fail(
            l, HOST_LAYOUT_ERR_NO_TYPE,
            "%s has no struct, union or typedef named \"%s\" in its debug information: set "
            ".state_type in the game's game_api struct to the state's type name",
            path, type_name);
    } else {
        Dwarf_Word size = 0;
        dwarf_aggregate_size(&type, &size);
        l->size = size;
        if (!is_aggregate(dwarf_tag(&type)) || walk(l, &type, "", 0, -1, 0, 0) == HOST_LAYOUT_OK)
            host_layout_finish(l);
    }
done:
    dwarf_end(dw);
    elf_end(elf);
    close(fd);
}

host_layout *host_layout_read(const char *path, const char *type_name)
{
    host_layout *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    read_layout(l, path, type_name);
    host_layout_clear_failed(l);
    return l;
}

int host_layout_can_read(void)
{
    return 1;
}
