/* hr_dl_posix.c - the dynamic loader behind the core's seam: dlopen, dlsym, dlclose, and the
 * check that a closed library really left the process.
 *
 * Owns nothing; hr.c owns every handle it gets from here.
 */
#include "hr_platform.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

void *hr_dl_open(const char *path, char *why, size_t why_size)
{
    /* RTLD_NOW: an undefined symbol fails here, not as a crash at first call.
     * RTLD_LOCAL: two versions of one library never bind to each other's symbols. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *err = dlerror();
        snprintf(why, why_size, "%s", err ? err : "dlopen failed");
    }
    return handle;
}

void *hr_dl_sym(void *handle, const char *name)
{
    return dlsym(handle, name);
}

void hr_dl_close(void *handle)
{
    dlclose(handle);
}

static int match_name(struct dl_phdr_info *info, size_t size, void *path)
{
    (void)size;
    return info->dlpi_name && strcmp(info->dlpi_name, path) == 0;
}

/* The loader's own list of loaded objects, as dlopen(RTLD_NOLOAD) would consult it, without
 * opening and reading the file again. */
int hr_dl_is_still_loaded(const char *path)
{
    return dl_iterate_phdr(match_name, (void *)path) != 0;
}

static int count_object(struct dl_phdr_info *info, size_t size, void *count)
{
    (void)info;
    (void)size;
    ++*(size_t *)count;
    return 0;
}

size_t hr_dl_object_count(void)
{
    size_t count = 0;
    dl_iterate_phdr(count_object, &count);
    return count;
}

typedef struct pin_query {
    size_t skip;      /* objects loaded before the build: left as they are */
    const char *path; /* the build itself: never pinned, it must be able to leave */
} pin_query;

/* RTLD_NOLOAD finds the object already loaded; RTLD_NODELETE marks it never to be unloaded;
 * the dlclose drops the extra reference the lookup took. The loader lists objects in load
 * order, so the ones after `skip` came with the build. */
static int pin_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    pin_query *q = data;
    if (q->skip > 0) {
        q->skip--;
        return 0;
    }
    if (!info->dlpi_name || !info->dlpi_name[0] || strcmp(info->dlpi_name, q->path) == 0)
        return 0;
    void *h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
    if (h)
        dlclose(h);
    return 0;
}

void hr_dl_pin_since(size_t count, const char *path)
{
    pin_query q = { .skip = count, .path = path };
    dl_iterate_phdr(pin_object, &q);
}

const char *hr_dl_unload_hint(void)
{
    return "usual causes: a GNU unique symbol (build with -fno-gnu-unique), thread-local "
           "variables with destructors, or another dlopen of the same file";
}

typedef struct range_query {
    const char *path;
    hr_range *out;
    int max, count;
} range_query;

static int collect_ranges(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    range_query *q = data;
    if (!info->dlpi_name || strcmp(info->dlpi_name, q->path) != 0)
        return 0;
    for (int i = 0; i < info->dlpi_phnum && q->count < q->max; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            uintptr_t start = (uintptr_t)info->dlpi_addr + (uintptr_t)ph->p_vaddr;
            q->out[q->count++] = (hr_range){ start, start + (uintptr_t)ph->p_memsz };
        }
    }
    return 1; /* found: stop iterating */
}

int hr_dl_code_ranges(void *handle, const char *path, hr_range *out, int max)
{
    (void)handle; /* the loader names each object by the path it was opened with */
    range_query q = { .path = path, .out = out, .max = max };
    dl_iterate_phdr(collect_ranges, &q);
    return q.count;
}
