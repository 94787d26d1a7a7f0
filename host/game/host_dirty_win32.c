/* host_dirty_win32.c - host.h's host_dirty_* on Windows, where nothing is tracked: the write
 * tracker of host_dirty_posix.c is off. host_dirty_track always answers -1, so the callers
 * (host_game_call.c, host_rewind.c) compare and copy the state block, the path they already take
 * for blocks under HOST_DIRTY_MIN, and every other function gives the answer for "no block
 * tracked".
 *
 * Why off: tracking needs the first write to each protected page to be let through from the
 * crash guard's exception handler (VirtualProtect, then EXCEPTION_CONTINUE_EXECUTION), and a
 * write the kernel makes into the block (ReadFile) to be unprotected first; neither is built nor
 * measured on Windows yet. Owns nothing.
 */
#include "host_dirty.h"

int host_dirty_track(void *block, uint64_t size)
{
    (void)block;
    (void)size;
    return -1;
}

void host_dirty_forget(const void *block)
{
    (void)block;
}

int host_dirty_is_tracking(const void *block)
{
    (void)block;
    return 0;
}

size_t host_dirty_page_size(void)
{
    return 0;
}

int host_dirty_on_fault(const void *addr)
{
    (void)addr;
    return 0;
}

void host_dirty_call_begin(void)
{
}

void host_dirty_call_end(int undo)
{
    (void)undo;
}

size_t host_dirty_history(const uint32_t **pages, const unsigned char **images)
{
    *pages = NULL;
    *images = NULL;
    return 0;
}

void host_dirty_history_mark(void)
{
}

void host_dirty_will_write(void *p, uint64_t size)
{
    (void)p;
    (void)size;
}
