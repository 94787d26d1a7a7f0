/* host_layout.h - the layout of a named type, read from a library's DWARF debug information
 * (elfutils' libdw, host_layout_dwarf.c; none on Windows, host_layout_none.c): every field, however
 * deeply nested, with its type, offset, size, array dimensions and bitfield width; a canonical text
 * of it, a 64-bit hash of that text, and the field-level difference of two layouts ("+ float speed
 * @24", "score: int -> int64_t").
 *
 * The host reads the game's state type (game_api.state_type) this way, so that a build that
 * reorders, retypes or adds fields is seen even when the state's size stays the same. Needs no
 * SDL and no game type; the layout keeps no reference to the file once read.
 */
#ifndef HOST_LAYOUT_H
#define HOST_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

typedef enum host_layout_error {
    HOST_LAYOUT_OK,
    HOST_LAYOUT_ERR_OPEN,      /* the file cannot be opened (errno text follows) */
    HOST_LAYOUT_ERR_NOT_ELF,   /* not an ELF file */
    HOST_LAYOUT_ERR_NO_DEBUG,  /* no DWARF debug information: built without -g? */
    HOST_LAYOUT_ERR_NO_TYPE,   /* no complete struct, union or typedef of that name */
    HOST_LAYOUT_ERR_DWARF,     /* the debug information cannot be read (libdw's text follows) */
    HOST_LAYOUT_ERR_NOMEM,     /* out of memory */
    HOST_LAYOUT_ERR_PARSE,     /* host_layout_parse: the text is not a canonical layout */
    HOST_LAYOUT_ERR_NO_READER, /* this platform's host reads no debug information (Windows) */
} host_layout_error;

typedef struct host_layout host_layout;

/* One field of a layout. Nested fields follow the field that holds them. */
typedef struct host_layout_field {
    const char *path; /* "speed", "pos.x", "items[].kind" (a field of an array's elements) */
    const char *type; /* as declared: "float", "game_texture", "struct item *" (a pointer) */
    const char *base; /* what a typedef stands for ("unsigned int"); else the same as type */
    const char *dims; /* array dimensions: "[12]", "[4][8]", "[]" (flexible); "" for none */
    uint64_t bit;     /* offset from the start of the type, in bits */
    uint64_t rel;     /* offset from the start of the field that holds it, in bits */
    uint64_t size;    /* bytes; of one element for an array */
    unsigned width;   /* bitfield width in bits; 0 for a whole field */
    int parent;       /* index of the field that holds it; -1 at the top */
} host_layout_field;

/* Reads the layout of type_name (a struct or union tag, or a typedef name) from the DWARF of
 * the ELF file at path. Returns a layout that carries the reason on failure (see
 * host_layout_error_code/_text), NULL only when out of memory. Free it with host_layout_free. */
host_layout *host_layout_read(const char *path, const char *type_name);
/* 1 where host_layout_read reads debug information (Linux: host_layout_dwarf.c, libdw); 0 where
 * every read ends in HOST_LAYOUT_ERR_NO_READER (Windows: host_layout_none.c, no libdw), and a
 * game's state is then compared as for a build without debug information. */
int host_layout_can_read(void);
void host_layout_free(host_layout *layout);
/* The layout whose canonical text (host_layout_text) is text, as a state file carries it: the
 * same fields, text and hash. Returns a layout that carries the reason when text is not such a
 * text (HOST_LAYOUT_ERR_PARSE, naming the line), NULL only when out of memory. */
host_layout *host_layout_parse(const char *text);

/* HOST_LAYOUT_OK, or what went wrong; the text names the file and the type ("" when OK). */
host_layout_error host_layout_error_code(const host_layout *layout);
const char *host_layout_error_text(const host_layout *layout);

/* The canonical form: the type's size, then one line per field in declaration order (nested
 * fields as "pos.x", fields of an array's elements as "items[].kind"):
 *     speed: float @24 4
 *     flags: unsigned int @28.3:2 4          (a bitfield: bit 3 of byte 28, 2 bits wide)
 *     items: struct item @32 16 [12]         (an array: element size, dimensions)
 *     target: struct item * @224 8           (a pointer: not followed)
 *     hp: hp_t @232 4 = int                  (a typedef: what it stands for)
 * Owned by the layout. "" after a failed read. */
const char *host_layout_text(const host_layout *layout);
/* FNV-1a of the canonical form: equal layouts, equal hashes. 0 after a failed read. */
uint64_t host_layout_hash(const host_layout *layout);
/* sizeof the type, in bytes. */
uint64_t host_layout_size(const host_layout *layout);
/* The fields, in declaration order, depth first: count, and field i (0 <= i < count); owned
 * by the layout. 0 fields after a failed read. */
int host_layout_count(const host_layout *layout);
const host_layout_field *host_layout_field_at(const host_layout *layout, int i);
/* The enumerators of field i when it is an enum (or an array of one), as "NONE=0 STAR=1" in
 * declaration order; "" for any other field, and for a layout read back by host_layout_parse
 * (the canonical text names no enumerators). Owned by the layout. */
const char *host_layout_enumerators(const host_layout *layout, int i);

/* Writes what changed from layout from to layout to into out, one short item per field,
 * separated by sep ("\n", "; "): "+ float speed @24" (added), "- int old" (removed),
 * "score: int -> int64_t" (retyped), "items[]: 8 -> 16 elements" (resized), "x: moved @8 ->
 * @12" (moved within its parent). A field added or removed with its members is one item; a
 * nested field is named by its path. Items that do not fit end in "; and N more".
 * Returns how many items there are (0: the layouts are the same). */
int host_layout_diff(const host_layout *from, const host_layout *to, const char *sep, char *out,
                     size_t size);

/* Reading a new build's layout beside its pre-flight (host_layout_prefetch.c): starts reading
 * type_name's layout from path in a thread (a read still in flight is waited for and dropped). */
void host_layout_prefetch(const char *path, const char *type_name);
/* The layout read from path for type_name, once the read has ended; NULL when the read in
 * flight is for another file or type, or there is none (then read it with host_layout_read). */
host_layout *host_layout_prefetched(const char *path, const char *type_name);
/* Waits for a read in flight and frees what was not taken. */
void host_layout_prefetch_end(void);

#endif /* HOST_LAYOUT_H */
