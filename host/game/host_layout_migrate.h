/* host_layout_migrate.h - carries a block of one layout into a block of another, field by
 * field, matched by name (path): the migration the host runs when a new build, or a state file
 * of an older build, lays the state out differently and the game exports no migrate of its own.
 */
#ifndef HOST_LAYOUT_MIGRATE_H
#define HOST_LAYOUT_MIGRATE_H

#include "host_layout.h"

/* Copies the values of old (old_size bytes laid out as from) into out (out_size bytes laid out
 * as to, zeroed by the caller). A field of the same path is copied where it now lies: numbers
 * are widened, narrowed (range checked), converted between integer and floating point; enums
 * and bools count as integers; arrays keep the elements both have (per dimension); structs
 * go field by field. Fields only to has stay zero; fields only from has are dropped.
 * Returns 0, or -1 with the field and the reason in why ("items[]: element type changed
 * (struct item -> int)", "score: 300 does not fit in int8_t") when a value cannot be carried
 * over safely: a pointer into old itself (it would dangle: the block is replaced), a non-null
 * pointer that changed type, a changed union, a struct that became a scalar or the other way
 * round, a type with no conversion. Other pointers (to heap objects, SDL's) are copied as they
 * are. out is then undefined. */
int host_layout_migrate(const host_layout *from, const void *old, uint64_t old_size,
                        const host_layout *to, void *out, uint64_t out_size, char *why,
                        size_t why_size);

#endif /* HOST_LAYOUT_MIGRATE_H */
