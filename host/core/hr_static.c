/* hr_static.c - hr.h for a program whose library is linked in (a shipped build, make
 * release): the same calls as the loading core (hr.c, hr_load.c), so the program using them
 * needs no change, but nothing is copied, checked, pre-flighted, opened, watched or reloaded.
 *
 * hr_open() resolves desc.symbols in hr_static_symbols[], a table the program defines (hr.h);
 * its entries take the definitions' addresses, so a link without them fails at link time, and
 * no lookup depends on the dynamic symbol table (nothing needs -rdynamic, stripping is fine).
 * The one build is loaded once: hr_check() and hr_reload() find nothing new, hr_rollback() has
 * nothing to go back to, hr_forbid() has nothing to refuse. hr_code_ranges() gives the
 * program's own code (the library is part of it), for a crash guard or watchdog.
 *
 * Owns, per hr_lib: the symbol names and the internal slots. No temp directory, no watcher,
 * no loader handle, no global state.
 */
#include "hr_platform.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hr_lib {
    char *path;       /* desc.path: names the program in texts */
    char **names;     /* symbol names, copied from the desc */
    int count;        /* number of names */
    void **slots;     /* caller's or own array of count pointers */
    void **own_slots; /* set when slots is ours to free */
    void **next;      /* scratch: the symbols being resolved */
    hr_validate_fn validate;
    hr_unload_fn unload;
    hr_log_fn log;
    void *user;
    int loaded;       /* the slots hold the table's symbols */
    unsigned version; /* successful loads */
    hr_range ranges[HR_MAX_CODE_RANGES];
    int range_count;
    hr_error error;
    char error_text[1024];
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static hr_error
fail(hr_lib *lib, hr_error code, const char *fmt, ...)
{
    int n = snprintf(lib->error_text, sizeof lib->error_text, "%s: ", hr_error_name(code));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lib->error_text + n, sizeof lib->error_text - (size_t)n, fmt, ap);
    va_end(ap);
    lib->error = code;
    return code;
}

static void default_log(int level, const char *text, void *user)
{
    (void)user;
    fprintf(stderr, "hr: %s%s\n", level >= 2 ? "error: " : "", text);
}

static void *find(const char *name)
{
    for (const hr_static_symbol *s = hr_static_symbols; s->name; s++)
        if (strcmp(s->name, name) == 0)
            return s->address;
    return NULL;
}

static void clear_slots(hr_lib *lib)
{
    for (int i = 0; i < lib->count; i++)
        lib->slots[i] = NULL;
}

/* Resolves every name and asks the validate hook, as a load of the loading core does; the
 * outcome goes to the log hook the same way (info on success, error on failure). */
static hr_status load(hr_lib *lib)
{
    hr_status st = HR_RELOADED;
    for (int i = 0; i < lib->count && st == HR_RELOADED; i++) {
        lib->next[i] = find(lib->names[i]);
        if (!lib->next[i]) {
            fail(lib, HR_ERR_SYMBOL, "%s has no '%s' linked in (not in hr_static_symbols)",
                 lib->path, lib->names[i]);
            st = HR_LOAD_FAILED;
        }
    }
    char why[768] = "";
    if (st == HR_RELOADED && lib->validate &&
        lib->validate(lib->next, lib->user, why, sizeof why) != 0) {
        fail(lib, HR_ERR_REFUSED, "%s: %s", lib->path, why[0] ? why : "no reason");
        st = HR_REFUSED;
    }
    if (st != HR_RELOADED) {
        lib->log(2, lib->error_text, lib->user);
        return st;
    }
    lib->error = HR_ERR_NONE;
    lib->error_text[0] = 0;
    for (int i = 0; i < lib->count; i++)
        lib->slots[i] = lib->next[i];
    lib->loaded = 1;
    lib->version++;
    /* "" is how the loader names the program itself. */
    lib->range_count = hr_dl_code_ranges(NULL, "", lib->ranges, HR_MAX_CODE_RANGES);
    snprintf(why, sizeof why, "%s linked in, version %u", lib->path, lib->version);
    lib->log(0, why, lib->user);
    return st;
}

static void free_lib(hr_lib *lib)
{
    if (lib->names)
        for (int i = 0; i < lib->count; i++)
            free(lib->names[i]);
    free(lib->names);
    free(lib->own_slots);
    free(lib->next);
    free(lib->path);
    free(lib);
}

hr_lib *hr_open(const hr_desc *desc)
{
    assert(desc && desc->path && "hr_open: desc->path is required");
    assert(desc->symbol_count >= 0 && (desc->symbol_count == 0 || desc->symbols));
    hr_lib *lib = calloc(1, sizeof *lib);
    if (!lib)
        return NULL;
    lib->count = desc->symbol_count;
    lib->path = strdup(desc->path);
    lib->names = calloc((size_t)lib->count + 1, sizeof *lib->names);
    lib->next = calloc((size_t)lib->count + 1, sizeof *lib->next);
    lib->slots = desc->slots;
    if (!lib->slots)
        lib->slots = lib->own_slots = calloc((size_t)lib->count + 1, sizeof *lib->slots);
    if (!lib->path || !lib->names || !lib->next || !lib->slots) {
        free_lib(lib);
        return NULL;
    }
    for (int i = 0; i < lib->count; i++) {
        assert(desc->symbols[i] && "hr_open: NULL symbol name");
        if (!(lib->names[i] = strdup(desc->symbols[i]))) {
            free_lib(lib);
            return NULL;
        }
    }
    lib->validate = desc->validate;
    lib->unload = desc->unload;
    lib->log = desc->log ? desc->log : default_log;
    lib->user = desc->user;
    clear_slots(lib);
    load(lib);
    return lib;
}

void hr_close(hr_lib *lib)
{
    if (!lib)
        return;
    hr_unload(lib);
    free_lib(lib);
}

hr_status hr_check(hr_lib *lib)
{
    assert(lib);
    return HR_UNCHANGED; /* the linked-in build is the only one there will ever be */
}

hr_status hr_reload(hr_lib *lib)
{
    assert(lib);
    return lib->loaded ? HR_UNCHANGED : load(lib);
}

void hr_unload(hr_lib *lib)
{
    assert(lib);
    if (lib->loaded && lib->unload)
        lib->unload(lib->slots, lib->user); /* the hook still sees the slots */
    lib->loaded = 0;
    clear_slots(lib);
}

int hr_is_loaded(const hr_lib *lib)
{
    return lib && lib->loaded;
}

int hr_is_checking(const hr_lib *lib)
{
    (void)lib;
    return 0;
}

void *hr_slot(const hr_lib *lib, int i)
{
    assert(lib && i >= 0 && i < lib->count);
    return lib->slots[i];
}

void *hr_sym(hr_lib *lib, const char *name)
{
    assert(lib && name);
    return lib->loaded ? find(name) : NULL;
}

hr_error hr_call(hr_lib *lib, const char *name, void *arg)
{
    assert(lib && name);
    if (!lib->loaded)
        return fail(lib, HR_ERR_NOT_LOADED, "cannot call '%s': %s is not loaded", name, lib->path);
    void *fn = hr_sym(lib, name);
    if (!fn)
        return fail(lib, HR_ERR_SYMBOL, "cannot call '%s': %s has no such symbol linked in", name,
                    lib->path);
    ((void (*)(void *))fn)(arg);
    return HR_ERR_NONE;
}

void hr_forbid(hr_lib *lib)
{
    assert(lib); /* no other build can ever load: there is nothing to refuse */
}

hr_status hr_rollback(hr_lib *lib)
{
    assert(lib);
    fail(lib, HR_ERR_NO_ROLLBACK, "%s: the build is linked in, there is no other to go back to",
         lib->path);
    lib->log(2, lib->error_text, lib->user);
    return HR_LOAD_FAILED;
}

int hr_code_ranges(const hr_lib *lib, hr_range *out, int max)
{
    int n = lib->loaded ? lib->range_count : 0;
    n = n < max ? n : max;
    memcpy(out, lib->ranges, sizeof *out * (size_t)(n > 0 ? n : 0));
    return n;
}

unsigned hr_version(const hr_lib *lib)
{
    return lib->version;
}

hr_error hr_error_code(const hr_lib *lib)
{
    return lib->error;
}

const char *hr_error_text(const hr_lib *lib)
{
    return lib->error_text;
}

const char *hr_loaded_path(const hr_lib *lib)
{
    return lib->loaded ? lib->path : NULL; /* the program itself */
}

const char *hr_temp_dir(const hr_lib *lib)
{
    (void)lib;
    return ""; /* no copies, no directory */
}

hr_timing hr_last_timing(const hr_lib *lib)
{
    (void)lib;
    return (hr_timing){ 0 }; /* nothing is copied or opened: no phase takes any time */
}
