/* host_layout_internal.h - what the layout's portable half (host_layout.c: the canonical text,
 * its hash, the text read back) shares with the reader of a platform's debug information
 * (host_layout_dwarf.c; host_layout_none.c where there is none). Private to those files.
 */
#ifndef HOST_LAYOUT_INTERNAL_H
#define HOST_LAYOUT_INTERNAL_H

#include "host_layout.h"

#include <stddef.h>
#include <stdint.h>

enum {
    MAX_DEPTH = 32,        /* nesting, and typedef chains: deeper is malformed debug info */
    MAX_FIELDS = 1 << 20,  /* more is not a game state */
    NAME_MAX_LEN = 256,    /* a type's spelling; longer ones are cut */
    FLEXIBLE = UINT32_MAX, /* an array dimension without a bound: "[]" */
};

/* A host_layout_field while the arena still grows: its strings as offsets into the arena. */
typedef struct field {
    size_t path, type, base, dims, enums;
    uint64_t bit, rel, size;
    unsigned width;
    int parent;
} field;

struct host_layout {
    host_layout_error code;
    char error[600];
    uint64_t size, hash;
    field *fields; /* while reading */
    int count, cap;
    host_layout_field *view; /* once read: the fields with their strings */
    char *arena;             /* every field's strings, NUL-terminated */
    size_t arena_len, arena_cap;
    char *text; /* the canonical form */
    size_t text_len, text_cap;
};

/* Sets the layout's error code and text (printf-style); returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
host_layout_error
host_layout_fail(host_layout *l, host_layout_error code, const char *fmt, ...);
/* Copies s into the layout's arena; returns its offset, or SIZE_MAX when out of memory. */
size_t host_layout_intern(host_layout *l, const char *s);
/* Once every field is in: the fields with their strings, the canonical form and its hash. */
host_layout_error host_layout_finish(host_layout *l);
/* A failed read or parse has no fields, text or hash: clears what a partial one left. */
void host_layout_clear_failed(host_layout *l);

#endif /* HOST_LAYOUT_INTERNAL_H */
