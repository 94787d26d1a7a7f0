/* host_dirty.h - which pages of the state block were written (host_dirty_posix.c).
 */
#ifndef HOST_DIRTY_H
#define HOST_DIRTY_H

#include <stddef.h>
#include <stdint.h>

/* Blocks at least this big are tracked (smaller ones are cheaper to compare and copy). */
#define HOST_DIRTY_MIN ((uint64_t)256 << 10)

/* Write-protects block (size bytes, page-aligned, its last page wholly the block's) and from
 * now on records the first write to each page. Tracks one block at a time (a new one lets the
 * old one go). Returns 0, or -1 when it cannot (unaligned, out of address space): the callers
 * then compare and copy. */
int host_dirty_track(void *block, uint64_t size);
/* Lets block go if it is the tracked one: every page writable again. Call before freeing it. */
void host_dirty_forget(const void *block);
/* 1 if block is the tracked block. */
int host_dirty_is_tracking(const void *block);
/* The tracker's page size (0 before the first host_dirty_track). */
size_t host_dirty_page_size(void);
/* For host_guard_posix.c's fault handler: a write to a protected page of the tracked block is
 * recorded and let through (returns 1); anything else returns 0. Async-signal-safe. */
int host_dirty_on_fault(const void *addr);
/* A game call begins: the pages it writes are kept as they were from here on. */
void host_dirty_call_begin(void);
/* The call ended; undo 1 puts back every page it wrote (a crash or hang). */
void host_dirty_call_end(int undo);
/* The pages written since the last host_dirty_history_mark (SIZE_MAX when there was none since
 * the block was tracked): their indices in *pages, page i's image from the mark at *images +
 * i * page size. Valid until the next mark. */
size_t host_dirty_history(const uint32_t **pages, const unsigned char **images);
/* The block as it is now is the next rewind record's base: the written pages are forgotten. */
void host_dirty_history_mark(void);
/* The kernel is about to write size bytes at p (read(2) into a game buffer): the tracked
 * block's pages there are recorded and unprotected first, else the call fails with EFAULT. */
void host_dirty_will_write(void *p, uint64_t size);

#endif /* HOST_DIRTY_H */
