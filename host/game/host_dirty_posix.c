/* host_dirty_posix.c - which pages of the state block were written, without comparing or
 * copying the whole block: the crash guard's rollback and the rewind history cost what a frame
 * writes, not what the block holds.
 *
 * Every page of a tracked block is write-protected (mprotect). The first write to a page
 * faults; host_guard_posix.c's SIGSEGV handler hands the fault here first, and this file copies
 * the page as it was, makes it writable and returns, so the write goes on. Two sets of such
 * pre-images are kept, each in its own sparse mapping of the block's size (a page's image sits
 * at the page's own offset, so only the pages written ever become resident and the handler
 * never allocates):
 *   call     pages written since host_dirty_call_begin: what a crashed call is rolled back with;
 *   history  pages written since the last host_dirty_history_mark: one rewind record.
 * Starting either set write-protects the pages written since, so no write goes unseen.
 *
 * Measured on Linux 6.x (x86_64, a VM): a fault plus the mprotect that follows ~15 us, putting
 * a page's protection back ~6 us, where comparing and copying 64 MiB takes ~7 ms. Soft-dirty
 * bits (/proc/self/clear_refs, pagemap) were not set on such a kernel, and clearing them walks
 * the whole process (~1 ms); a MAP_PRIVATE remap of a memfd costs a mapping of the whole block
 * per frame. Hence write protection.
 *
 * Traps it avoids: the handler does nothing but memcpy and mprotect (no allocation, no stdio);
 * a block is let go (host_dirty_forget) before it is freed, so no protection outlives it; a
 * write the kernel makes (read(2) into the block) would fail with EFAULT instead of faulting,
 * so the host never reads files straight into the live block. POSIX only: a port without
 * mprotect and SIGSEGV adds its own file, or one whose host_dirty_track says no (the callers
 * then compare and copy).
 */
#include "host_dirty.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum {
    IN_CALL = 1,    /* its pre-image is in the call set */
    IN_HISTORY = 2, /* its pre-image is in the history set */
    WRITABLE = 4    /* unprotected: writes are no longer seen */
};

typedef struct page_set {
    unsigned char *images; /* pre-images, page i at i * page */
    uint32_t *list;        /* the pages in the set */
    size_t count;
    int active; /* the set is collecting */
} page_set;

static struct {
    unsigned char *volatile base; /* the tracked block, NULL: none */
    size_t bytes;                 /* whole pages */
    size_t page, pages;
    unsigned char *flags; /* per page */
    uint32_t *writable;   /* the unprotected pages */
    size_t writable_count;
    page_set call, history;
} dt;

static void *map_sparse(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void unmap(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes);
}

static void unmap_all(void)
{
    size_t lists = dt.pages * sizeof(uint32_t);
    unmap(dt.flags, dt.pages);
    unmap(dt.writable, lists);
    unmap(dt.call.images, dt.bytes);
    unmap(dt.call.list, lists);
    unmap(dt.history.images, dt.bytes);
    unmap(dt.history.list, lists);
    memset(&dt, 0, sizeof dt);
}

int host_dirty_track(void *block, uint64_t size)
{
    host_dirty_forget(dt.base);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (!block || size == 0 || (uintptr_t)block % page != 0 || size > SIZE_MAX / 2)
        return -1;
    dt.page = page;
    dt.pages = ((size_t)size + page - 1) / page;
    dt.bytes = dt.pages * page;
    size_t lists = dt.pages * sizeof(uint32_t);
    dt.flags = map_sparse(dt.pages);
    dt.writable = map_sparse(lists);
    dt.call.images = map_sparse(dt.bytes);
    dt.call.list = map_sparse(lists);
    dt.history.images = map_sparse(dt.bytes);
    dt.history.list = map_sparse(lists);
    if (!dt.flags || !dt.writable || !dt.call.images || !dt.call.list || !dt.history.images ||
        !dt.history.list || mprotect(block, dt.bytes, PROT_READ) != 0) {
        unmap_all();
        return -1;
    }
    dt.base = block; /* last: the handler looks at nothing before this */
    return 0;
}

void host_dirty_forget(const void *block)
{
    if (!dt.base || block != dt.base)
        return;
    unsigned char *base = dt.base;
    dt.base = NULL;
    mprotect(base, dt.bytes, PROT_READ | PROT_WRITE);
    unmap_all();
}

int host_dirty_is_tracking(const void *block)
{
    return dt.base && block == dt.base;
}

size_t host_dirty_page_size(void)
{
    return dt.page;
}

/* Write-protects every page written since the last call, so that the next write to any page
 * is seen again. */
static void protect_written(void)
{
    for (size_t k = 0; k < dt.writable_count; k++) {
        size_t i = dt.writable[k];
        mprotect(dt.base + i * dt.page, dt.page, PROT_READ);
        dt.flags[i] &= (unsigned char)~WRITABLE;
    }
    dt.writable_count = 0;
}

static void clear_set(page_set *s, unsigned char bit)
{
    for (size_t k = 0; k < s->count; k++)
        dt.flags[s->list[k]] &= (unsigned char)~bit;
    s->count = 0;
}

static void keep(page_set *s, size_t i, unsigned char bit)
{
    if (!s->active || (dt.flags[i] & bit))
        return;
    memcpy(s->images + i * dt.page, dt.base + i * dt.page, dt.page);
    s->list[s->count++] = (uint32_t)i;
    dt.flags[i] |= bit;
}

int host_dirty_on_fault(const void *addr)
{
    unsigned char *base = dt.base;
    uintptr_t a = (uintptr_t)addr;
    if (!base || a < (uintptr_t)base || a - (uintptr_t)base >= dt.bytes)
        return 0;
    size_t i = (a - (uintptr_t)base) / dt.page;
    if (dt.flags[i] & WRITABLE)
        return 0; /* not a write to a protected page: a fault of its own */
    keep(&dt.call, i, IN_CALL);
    keep(&dt.history, i, IN_HISTORY);
    if (mprotect(base + i * dt.page, dt.page, PROT_READ | PROT_WRITE) != 0)
        return 0;
    dt.flags[i] |= WRITABLE;
    dt.writable[dt.writable_count++] = (uint32_t)i;
    return 1;
}

void host_dirty_call_begin(void)
{
    if (!dt.base)
        return;
    protect_written();
    clear_set(&dt.call, IN_CALL);
    dt.call.active = 1;
}

void host_dirty_call_end(int undo)
{
    if (!dt.base)
        return;
    dt.call.active = 0;
    if (undo) /* every page in the set was written, so it is writable: no fault here */
        for (size_t k = 0; k < dt.call.count; k++) {
            size_t i = dt.call.list[k];
            memcpy(dt.base + i * dt.page, dt.call.images + i * dt.page, dt.page);
        }
    clear_set(&dt.call, IN_CALL);
}

size_t host_dirty_history(const uint32_t **pages, const unsigned char **images)
{
    *pages = dt.history.list;
    *images = dt.history.images;
    return dt.base && dt.history.active ? dt.history.count : SIZE_MAX;
}

void host_dirty_history_mark(void)
{
    if (!dt.base)
        return;
    protect_written();
    clear_set(&dt.history, IN_HISTORY);
    dt.history.active = 1;
}

void host_dirty_will_write(void *p, uint64_t size)
{
    unsigned char *base = dt.base;
    uintptr_t a = (uintptr_t)p, start = (uintptr_t)base;
    if (!base || size == 0 || a >= start + dt.bytes || a + size <= start)
        return;
    size_t first = a > start ? (a - start) / dt.page : 0;
    size_t end =
        a + size - start < dt.bytes ? (a + size - start + dt.page - 1) / dt.page : dt.pages;
    for (size_t i = first; i < end; i++) {
        volatile unsigned char *b = base + i * dt.page;
        if (!(dt.flags[i] & WRITABLE))
            *b = *b; /* the fault records the page and unprotects it */
    }
}
