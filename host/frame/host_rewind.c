/* host_rewind.c - the rewind history: the last few seconds of state blocks, one per update, in
 * bounded memory, so holding F12 walks the game back frame by frame.
 *
 * Owns one full copy of the newest snapshot ("last") and a ring of undo records. Pushing a
 * block compares it with last page by page (4 KiB; one page for smaller states) and stores,
 * for each page that changed, the page as it was before; last then becomes the new block.
 * Stepping back applies the newest undo record to last and copies the result into the live
 * block. A step never needs anything older than the record it undoes, so dropping the oldest
 * record when the memory or the count runs out needs no keyframes and no rebasing: one full
 * copy plus the pages that really changed is the whole cost.
 *
 * A block the write tracker follows (host_dirty_posix.c, big blocks) needs neither last nor
 * the compare: the tracker hands over the pages written since the last push with their images
 * as they were, and the live block is the newest snapshot. The cost then follows what an update
 * writes, not the block's size.
 *
 * Cost per update, untracked: one memcmp of the block against last, plus two page copies per
 * changed page. Memory: the copy, one uint32 per page, and the record arena: 64 MiB, or less when
 * the snapshot count cannot fill it, or more when two all-pages records would not fit. Records are
 * placed at the front of the arena whenever there is room, so only the bytes the held records
 * need ever become resident. Every allocation happens when the layout changes, never per
 * update. Knows nothing of the game: the caller passes the block and its layout.
 */
#include "host_rewind.h"
#include "host_dirty.h"
#include "host_game.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 4096
#define ARENA_BUDGET ((size_t)64 << 20)

typedef struct record {
    size_t offset; /* where in the arena: uint32 page count, the page indices, then the pages */
    size_t bytes;  /* its length in the arena */
} record;

static struct {
    int max_records;         /* seconds * 60; 0 = rewind is off */
    host_game_layout layout; /* the layout of every snapshot held */
    int has_last;            /* last holds a snapshot (tracked: the live block is the base) */
    const void *tracked;     /* the block the write tracker follows, or NULL: compare with last */
    unsigned char *last;     /* the newest snapshot, layout.size bytes */
    size_t page;             /* bytes per page: PAGE_SIZE, or the whole block if smaller */
    size_t pages;            /* pages in the block */
    uint32_t *changed;       /* scratch: indices of the changed pages of one push */
    unsigned char *arena;    /* the undo records, a byte ring */
    size_t arena_size;
    size_t head;     /* where the newest record ends */
    record *records; /* ring of max_records; the oldest at first */
    int first, count;
} rw;

static size_t page_bytes(size_t index)
{
    size_t start = index * rw.page;
    return rw.layout.size - start < rw.page ? (size_t)rw.layout.size - start : rw.page;
}

/* The header of a record with n pages: the count and the indices, rounded up to 16 bytes so
 * the pages that follow stay aligned for memcpy. */
static size_t header_bytes(size_t n)
{
    return ((n + 1) * sizeof(uint32_t) + 15) / 16 * 16;
}

static void drop_oldest(void)
{
    rw.first = (rw.first + 1) % rw.max_records;
    rw.count--;
    if (rw.count == 0)
        rw.head = 0;
}

/* Finds room for bytes in the arena, dropping the oldest records until it fits. */
static size_t reserve(size_t bytes)
{
    for (;;) {
        if (rw.count == 0)
            return 0;
        size_t tail = rw.records[rw.first].offset;
        if (rw.head > tail) { /* live records in [tail, head): room before tail, after head */
            /* The front first: the records then stay within the bytes they need, and the rest
             * of the arena is never touched (no resident memory for it). */
            if (tail >= bytes)
                return 0;
            if (rw.arena_size - rw.head >= bytes)
                return rw.head;
        } else if (tail - rw.head >= bytes) { /* wrapped: room between head and tail */
            return rw.head;
        }
        drop_oldest();
    }
}

static void release(void)
{
    free(rw.last);
    free(rw.changed);
    free(rw.arena);
    rw.last = rw.arena = NULL;
    rw.changed = NULL;
    rw.has_last = 0;
    rw.tracked = NULL;
    rw.layout = (host_game_layout){ 0 };
    rw.first = rw.count = 0;
    rw.head = 0;
}

/* Sizes everything for a new layout. Returns 0, or -1 when out of memory (rewind stays off
 * until the layout changes again). */
static int setup(const host_game_layout *layout, const void *tracked)
{
    release();
    if (layout->size == 0 || layout->size > SIZE_MAX / 2)
        return -1;
    size_t size = (size_t)layout->size;
    rw.page = tracked ? host_dirty_page_size() : size < PAGE_SIZE ? size : PAGE_SIZE;
    rw.pages = (size + rw.page - 1) / rw.page;
    size_t biggest = header_bytes(rw.pages) + rw.pages * rw.page;
    size_t wanted = (size_t)rw.max_records * biggest; /* every page of every snapshot */
    rw.arena_size = wanted < ARENA_BUDGET ? wanted : ARENA_BUDGET;
    if (rw.arena_size < 2 * biggest)
        rw.arena_size = 2 * biggest;
    rw.last = tracked ? NULL : malloc(size);
    rw.changed = malloc(rw.pages * sizeof *rw.changed);
    rw.arena = malloc(rw.arena_size);
    if ((!tracked && !rw.last) || !rw.changed || !rw.arena) {
        release();
        return -1;
    }
    rw.layout = *layout;
    rw.tracked = tracked;
    return 0;
}

int host_rewind_open(int seconds)
{
    memset(&rw, 0, sizeof rw);
    if (seconds <= 0)
        return 0;
    rw.max_records = seconds * 60;
    rw.records = calloc((size_t)rw.max_records, sizeof *rw.records);
    if (!rw.records) {
        rw.max_records = 0;
        return -1;
    }
    return 0;
}

void host_rewind_close(void)
{
    release();
    free(rw.records);
    memset(&rw, 0, sizeof rw);
}

static int same_layout(const host_game_layout *a, const host_game_layout *b)
{
    return a->size == b->size && a->version == b->version && a->hash == b->hash;
}

/* Stores the record of n pages listed in rw.changed, each page as it was taken from before. */
static void store(size_t n, const unsigned char *before)
{
    size_t bytes = header_bytes(n) + n * rw.page;
    if (rw.count == rw.max_records)
        drop_oldest();
    size_t at = reserve(bytes);
    unsigned char *rec = rw.arena + at;
    uint32_t count = (uint32_t)n;
    memcpy(rec, &count, sizeof count);
    memcpy(rec + sizeof count, rw.changed, n * sizeof *rw.changed);
    unsigned char *pages = rec + header_bytes(n);
    for (size_t k = 0; k < n; k++) {
        size_t off = (size_t)rw.changed[k] * rw.page;
        memcpy(pages + k * rw.page, before + off, page_bytes(rw.changed[k]));
    }
    int slot = (rw.first + rw.count) % rw.max_records;
    rw.records[slot] = (record){ .offset = at, .bytes = bytes };
    rw.count++;
    rw.head = at + bytes;
}

/* A tracked block: the written pages that really changed make the record. */
static int push_tracked(const unsigned char *now)
{
    const uint32_t *written;
    const unsigned char *before;
    size_t w = host_dirty_history(&written, &before);
    if (!rw.has_last || w == SIZE_MAX) {
        host_dirty_history_mark();
        rw.has_last = 1;
        return 0;
    }
    size_t n = 0;
    for (size_t k = 0; k < w; k++) {
        size_t off = (size_t)written[k] * rw.page;
        if (memcmp(before + off, now + off, page_bytes(written[k])) != 0)
            rw.changed[n++] = written[k];
    }
    store(n, before);
    host_dirty_history_mark();
    return 0;
}

int host_rewind_push(const void *block, const host_game_layout *layout)
{
    if (rw.max_records == 0 || !block)
        return 0;
    const void *tracked = host_dirty_is_tracking(block) ? block : NULL;
    if (!rw.arena || !same_layout(layout, &rw.layout) || tracked != rw.tracked) {
        if (setup(layout, tracked) != 0)
            return -1;
    }
    const unsigned char *now = block;
    if (tracked)
        return push_tracked(now);
    if (!rw.has_last) {
        memcpy(rw.last, now, (size_t)rw.layout.size);
        rw.has_last = 1;
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < rw.pages; i++) {
        size_t at = i * rw.page;
        if (memcmp(rw.last + at, now + at, page_bytes(i)) != 0)
            rw.changed[n++] = (uint32_t)i;
    }
    store(n, rw.last);
    for (size_t k = 0; k < n; k++) { /* last becomes the new block */
        size_t off = (size_t)rw.changed[k] * rw.page;
        memcpy(rw.last + off, now + off, page_bytes(rw.changed[k]));
    }
    return 0;
}

/* A tracked block moved on since the last push (a crash stopped an update halfway, a reload
 * hook wrote to it): the written pages go back as they were. Returns 1 if there were any. */
static int step_to_last_tracked(unsigned char *live)
{
    const uint32_t *written;
    const unsigned char *before;
    size_t w = host_dirty_history(&written, &before);
    if (w == 0 || w == SIZE_MAX)
        return 0;
    for (size_t k = 0; k < w; k++) {
        size_t off = (size_t)written[k] * rw.page;
        memcpy(live + off, before + off, page_bytes(written[k]));
    }
    host_dirty_history_mark();
    return 1;
}

int host_rewind_step(void *block, const host_game_layout *layout)
{
    if (!rw.has_last || !block || !same_layout(layout, &rw.layout))
        return 0;
    int tracked = rw.tracked && rw.tracked == block && host_dirty_is_tracking(block);
    if (rw.tracked && !tracked)
        return 0; /* not the block the history was taken from */
    size_t size = (size_t)rw.layout.size;
    /* The block moved on since the last push (a crash stopped an update halfway, a reload hook
     * wrote to it): the first step back is to the last snapshot itself. */
    if (tracked ? step_to_last_tracked(block) : memcmp(block, rw.last, size) != 0) {
        if (!tracked)
            memcpy(block, rw.last, size);
        return 1;
    }
    if (rw.count == 0)
        return 0;
    int slot = (rw.first + rw.count - 1) % rw.max_records;
    const unsigned char *rec = rw.arena + rw.records[slot].offset;
    uint32_t n;
    memcpy(&n, rec, sizeof n);
    const unsigned char *pages = rec + header_bytes(n);
    unsigned char *live = block;
    for (uint32_t k = 0; k < n; k++) { /* block equals last: only the undone pages change */
        uint32_t index;
        memcpy(&index, rec + sizeof n + k * sizeof index, sizeof index);
        size_t off = (size_t)index * rw.page;
        memcpy(live + off, pages + (size_t)k * rw.page, page_bytes(index));
        if (!tracked)
            memcpy(rw.last + off, live + off, page_bytes(index));
    }
    if (tracked)
        host_dirty_history_mark(); /* the block as stepped to is the base again */
    rw.count--;
    rw.head = rw.count ? rw.records[slot].offset : 0;
    return 1;
}

int host_rewind_available(void)
{
    return rw.count;
}

size_t host_rewind_memory(void)
{
    size_t used = 0;
    for (int k = 0; k < rw.count; k++)
        used += rw.records[(rw.first + k) % rw.max_records].bytes;
    return (rw.last ? (size_t)rw.layout.size : 0) + used;
}
