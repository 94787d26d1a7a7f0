/* host_layout_none.c - host_layout_read where the host reads no debug information: Windows,
 * which has no libdw (and mingw's DWARF sits in PE sections libdw does not open). Every read
 * says so (HOST_LAYOUT_ERR_NO_READER); the host then treats the game as a build without debug
 * information: its state is compared by state_size, state_version and state_hash only, told
 * once (layout-unchecked), and the inspector shows no fields. The canonical text of a state
 * file is still read back (host_layout.c).
 *
 * Owns the failed layout it returns, as host_layout_read always does.
 */
#include "host_layout_internal.h"

#include <stdlib.h>

host_layout *host_layout_read(const char *path, const char *type_name)
{
    host_layout *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    (void)type_name;
    host_layout_fail(l, HOST_LAYOUT_ERR_NO_READER,
                     "%s: this platform's host reads no state layouts from debug information",
                     path);
    return l;
}

int host_layout_can_read(void)
{
    return 0;
}
