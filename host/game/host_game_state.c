/* host_game_state.c - the state block's layouts: fresh zeroed blocks, what differs between
 * two layouts, a new build's layout checked before it replaces the old one (hr's validate
 * hook) and carried over by the game's migrate hook, and saved blocks (state files,
 * recordings, rewind) put back into the live one.
 *
 * A build that names its state type (game_api.state_type) is compared field by field: its
 * layout is read from its debug information once, in validate, and kept as the live one when
 * the build comes in. The live block belongs to host_game_data; this file makes its
 * replacements and hands them over (as pending, or in place). It calls game code only through
 * host_game_call().
 */
#include "game_api.h"
#include "host_dirty.h"
#include "host_event.h"
#include "host_game.h"
#include "host_game_internal.h"
#include "host_guard.h"
#include "host_layout.h"
#include "host_layout_migrate.h"
#include "host_os.h"
#include "host_version.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAX ((uint64_t)256 << 20) /* more is a corrupt or unbuilt state_size */
#define STATE_ALIGN 64                  /* cache line; anything a game may declare */

void *host_game_alloc_block(uint64_t size)
{
    /* A block big enough to be write-protected page by page (host_dirty_track) owns its pages
     * whole: nothing else of the heap shares the first or the last one. */
    size_t align = size >= HOST_DIRTY_MIN ? host_os_page_size() : STATE_ALIGN;
    size_t bytes = (size_t)((size + align - 1) / align * align);
    if (bytes == 0)
        bytes = align;
    void *block = host_os_aligned_alloc(align, bytes);
    if (block)
        memset(block, 0, bytes);
    return block;
}

void host_game_free_block(void *block)
{
    host_dirty_forget(block);
    host_os_aligned_free(block);
}

/* A build's own state_hash wins; else the hash of its layout read from debug information. */
static uint64_t hash_of(const game_api *api, const host_layout *layout)
{
    return api->state_hash ? api->state_hash : layout ? host_layout_hash(layout) : 0;
}

static host_game_layout layout_of(const game_api *api, const host_layout *layout)
{
    return (host_game_layout){ .size = api->state_size,
                               .version = api->state_version,
                               .hash = hash_of(api, layout) };
}

static host_game_layout live_layout(void)
{
    return (host_game_layout){ .size = game.state_size,
                               .version = game.state_version,
                               .hash = game.state_hash };
}

void host_game_adopt_layout(const game_api *api)
{
    game.state_size = api->state_size;
    game.state_version = api->state_version;
    game.state_hash = hash_of(api, game.layout);
}

const host_layout *host_game_live_layout(char *why, size_t why_size)
{
    const game_api *api = loaded_api();
    if (game.layout)
        return game.layout;
    if (!api || !game.state)
        snprintf(why, why_size, "no game is running");
    else if (!api->state_type)
        snprintf(why, why_size,
                 "the game names no state_type in its game_api: no field names to show");
    else if (HOST_RELEASE)
        snprintf(why, why_size, "a release build reads no debug information");
    else if (!host_layout_can_read())
        snprintf(why, why_size,
                 "this platform's host reads no layouts from debug information: the fields of "
                 "\"%s\" cannot be read",
                 api->state_type);
    else
        snprintf(why, why_size,
                 "the build has no debug information (built without -g, or by a compiler "
                 "that writes none): the fields of \"%s\" cannot be read",
                 api->state_type);
    return NULL;
}

/* Names what differs from layout from to layout to ("state size changed 96 -> 128 bytes"), or
 * returns 0 if nothing does. A zero hash matches any. */
static int describe_change(const host_game_layout *from, const host_game_layout *to, char *out,
                           size_t size)
{
    if (from->size != to->size)
        snprintf(out, size, "state size changed %" PRIu64 " -> %" PRIu64 " bytes", from->size,
                 to->size);
    else if (from->version != to->version)
        snprintf(out, size, "state version changed %" PRIu32 " -> %" PRIu32, from->version,
                 to->version);
    else if (from->hash && to->hash && from->hash != to->hash)
        snprintf(out, size, "state hash changed 0x%016" PRIx64 " -> 0x%016" PRIx64, from->hash,
                 to->hash);
    else
        return 0;
    return 1;
}

/* Runs api's migrate from old (made for layout from) into a new block and returns it, or NULL
 * with the reason (", and migrate returned 1") in failed. */
static void *migrate(const game_api *api, const void *old, const host_game_layout *from,
                     char *failed, size_t size)
{
    if (!api->migrate) {
        snprintf(failed, size, ", and the game exports no migrate");
        return NULL;
    }
    void *block = host_game_alloc_block(api->state_size);
    if (!block) {
        snprintf(failed, size, ", and there is no memory to migrate it");
        return NULL;
    }
    game_call c = { .hook = HOOK_MIGRATE,
                    .api = api,
                    .state = block,
                    .old_state = old,
                    .old_size = from->size,
                    .old_version = from->version,
                    .old_hash = from->hash };
    int sig = host_game_call(&c);
    if (!sig && c.result == 0)
        return block;
    host_game_free_block(block);
    if (sig)
        snprintf(failed, size, ", and migrate crashed with %s", host_guard_signal_name(sig));
    else
        snprintf(failed, size, ", and migrate returned %d", c.result);
    return NULL;
}

/* Carries old (laid out as from) into a new block laid out as to, field by field, and returns
 * it; or NULL with the field that cannot be carried over in failed (", and it cannot be
 * migrated by field name: items[]: element type changed (struct item -> int)"). */
static void *migrate_by_name(const host_layout *from, const void *old, uint64_t old_size,
                             const host_layout *to, uint64_t size, char *failed, size_t failed_size)
{
    char reason[400];
    void *block = host_game_alloc_block(size);
    if (!block) {
        snprintf(failed, failed_size, ", and there is no memory to migrate it");
        return NULL;
    }
    if (host_layout_migrate(from, old, old_size, to, block, size, reason, sizeof reason) == 0)
        return block;
    host_game_free_block(block);
    snprintf(failed, failed_size, ", and it cannot be migrated by field name: %s", reason);
    return NULL;
}

/* Makes block the one adopted when the new build loads. */
static void set_pending(void *block, pending_kind kind)
{
    host_game_free_block(game.pending);
    game.pending = block;
    game.pending_kind = kind;
}

/* Starts the live block over: zeroed, to be initialised by the next init call. */
static int make_fresh(const game_api *api)
{
    void *block = host_game_alloc_block(api->state_size);
    if (block)
        set_pending(block, PENDING_FRESH);
    return block ? 0 : -1;
}

/* The candidate's layout of its state_type, read from its debug information (the private
 * copy hr loaded: the file of its API struct). NULL without state_type, or when the build has
 * no debug information (tcc, -g0, stripped): then size, version and state_hash are compared,
 * as for a build without state_type, and the first such build says so. Returns -1 with the
 * reason in why when the type cannot be read: a misspelt state_type. */
static int read_layout(void *const *slots, const game_api *api, host_layout **out, char *why,
                       size_t why_size)
{
    char file[4096];
    *out = NULL;
    /* A release links its one build in: no other layout can come to compare with, and the
     * program may be stripped. Its state_hash is then the game's own, or 0 (matches any). */
    if (!api->state_type || HOST_RELEASE)
        return 0;
    host_layout *l = NULL;
    if (host_os_library_path(slots[0], file, sizeof file) == 0) {
        l = host_layout_prefetched(file, api->state_type);
        if (!l)
            l = host_layout_read(file, api->state_type);
    }
    if (!l) {
        snprintf(why, why_size, "cannot read the layout of state_type \"%s\": out of memory",
                 api->state_type);
        return -1;
    }
    char text[700];
    switch (host_layout_error_code(l)) {
    case HOST_LAYOUT_OK: *out = l; return 0;
    case HOST_LAYOUT_ERR_NO_DEBUG:
    case HOST_LAYOUT_ERR_NO_READER:
        if (!game.told_no_debug_info) {
            game.told_no_debug_info = 1;
            snprintf(text, sizeof text,
                     "%s%s: state_type \"%s\" is not compared field by field, only state_size, "
                     "state_version and state_hash",
                     game.args->game_path,
                     host_layout_error_code(l) == HOST_LAYOUT_ERR_NO_DEBUG
                         ? " has no debug information (built without -g?)"
                         : ": this platform's host reads no layouts from debug information",
                     api->state_type);
            host_event(LAYOUT_UNCHECKED, HOST_TEXT("reason", text));
        }
        host_layout_free(l);
        return 0;
    case HOST_LAYOUT_ERR_NO_TYPE:
        snprintf(why, why_size,
                 "no struct, union or typedef named \"%s\" in the build's debug information: "
                 "set .state_type in the game's game_api struct to the name of its state type",
                 api->state_type);
        break;
    default:
        snprintf(why, why_size, "cannot read the layout of state_type \"%s\": %s", api->state_type,
                 host_layout_error_text(l));
        break;
    }
    host_layout_free(l);
    return -1;
}

/* Whether api (whose state layout from debug information is next, or NULL) may replace the
 * loaded build, and with which block: validate's decision once the build itself checks out. */
static int judge_layout(const game_api *api, const host_layout *next_layout, char *why,
                        size_t why_size)
{
    char change[640], fields[400] = "";
    if (!game.state)
        return 0;               /* the first good build: its layout becomes the live one */
    if (game.reset_requested) { /* F5: any layout goes, the game starts over */
        if (make_fresh(api) == 0)
            return 0;
        snprintf(why, why_size, "out of memory for a fresh state block");
        return 1;
    }
    const host_game_layout live = live_layout(), next = layout_of(api, next_layout);
    /* Both layouts from debug information: the fields say more than a hash, and catch what
     * size and version do not (two fields swapped, one added into padding). */
    const int by_field = game.layout && next_layout;
    const int fields_differ =
        by_field && host_layout_hash(game.layout) != host_layout_hash(next_layout);
    host_game_layout from = live, to = next;
    if (by_field)
        from.hash = to.hash = 0;
    if (!describe_change(&from, &to, change, sizeof change)) {
        if (!fields_differ)
            return 0;
        snprintf(change, sizeof change, "state layout changed");
    }

    char failed[512] = ""; /* why migrate did not do it, appended to the reason */
    /* The game's own migrate wins; else, with both layouts known, the fields go by name. */
    void *migrated = api->migrate ? migrate(api, game.state, &live, failed, sizeof failed)
                     : by_field
                         ? migrate_by_name(game.layout, game.state, game.state_size, next_layout,
                                           api->state_size, failed, sizeof failed)
                         : NULL;
    /* The field-level difference, cut short enough that the reason still fits after it. */
    size_t room = why_size > strlen(change) + strlen(failed) + 200
                      ? why_size - strlen(change) - strlen(failed) - 200
                      : 0;
    if (fields_differ && room > 32)
        host_layout_diff(game.layout, next_layout, "; ", fields,
                         room < sizeof fields ? room : sizeof fields);
    if (fields[0]) {
        size_t len = strlen(change);
        snprintf(change + len, sizeof change - len, " (%s)", fields);
    }
    if (migrated) {
        snprintf(game.migrated_changes, sizeof game.migrated_changes, "%s", fields);
        set_pending(migrated, PENDING_MIGRATED);
        return 0;
    }
    if (game.args->reset && make_fresh(api) == 0) {
        snprintf(why, why_size, "%s%s (--reset)", change, failed);
        host_event(RESET, HOST_TEXT("reason", why));
        why[0] = 0;
        /* The old build's shutdown runs now: once the new one is in, its code is gone. */
        if (host_game_is_running())
            host_game_call_live(HOOK_SHUTDOWN, NULL);
        return 0;
    }
    snprintf(why, why_size, "%s%s; restart the game with a fresh state (key F5 / --reset)%s",
             change, failed, api->migrate ? "" : " or export migrate");
    return 1;
}

/* The running build's state_type is the best guess of the new one's: its layout is read from
 * the copy while the pre-flight runs, and read_layout takes it if the guess was right. */
void host_game_prepare(const char *copy, void *user)
{
    (void)user;
    const game_api *api = loaded_api();
    if (api && api->state_type && !HOST_RELEASE)
        host_layout_prefetch(copy, api->state_type);
}

int host_game_validate(void *const *slots, void *user, char *why, size_t why_size)
{
    (void)user;
    const game_api *api = slots[0];
    if (api->api_version != GAME_API_VERSION) {
        snprintf(why, why_size,
                 "the game was built against game_api.h version %" PRIu32 " but this host "
                 "speaks version %d; rebuild the game against this include/game_api.h",
                 api->api_version, GAME_API_VERSION);
        return 1;
    }
    if (api->state_size > STATE_MAX) {
        snprintf(why, why_size,
                 "state_size %" PRIu64 " is more than the %" PRIu64
                 " bytes the host allows; is the game_api struct filled in?",
                 api->state_size, STATE_MAX);
        return 1;
    }
    host_layout *next_layout;
    if (read_layout(slots, api, &next_layout, why, why_size) != 0)
        return 1;
    int refused = judge_layout(api, next_layout, why, why_size);
    if (refused) {
        host_layout_free(next_layout);
    } else { /* hr replaces the build right after a yes: its layout is the live one */
        host_layout_free(game.layout);
        game.layout = next_layout;
    }
    return refused;
}

/* ---- The state block for the time tools: rewind, recordings and state files (host_time.c,
 * host_record.c, host_rewind.c, host_state_file.c) read it and put saved copies back. ---- */

void *host_game_state(host_game_layout *layout)
{
    if (layout)
        *layout = live_layout();
    return game.state && !game.needs_init && !game.reset_requested ? game.state : NULL;
}

/* Keeps the live block as it is now, to be put back if the file about to replace it makes the
 * game crash (host_game_call.c). */
static void trust_current(const char *from_file)
{
    free(game.trusted);
    game.trusted = malloc((size_t)game.state_size ? (size_t)game.state_size : 1);
    game.trusted_size = game.trusted ? game.state_size : 0;
    game.suspect_until = 0;
    if (!game.trusted)
        return;
    memcpy(game.trusted, game.state, (size_t)game.state_size);
    snprintf(game.suspect_file, sizeof game.suspect_file, "%s", from_file);
    game.suspect_until = game.services.frame + HOST_GAME_SUSPECT_FRAMES;
}

const char *host_game_layout_text(void)
{
    return game.layout ? host_layout_text(game.layout) : "";
}

/* The layout of a saved block from its text, when both it and the live one are known; else
 * NULL. Returns -1 with the reason in why when the text cannot be read (a state file's reader
 * has checked it: then only when out of memory). */
static int saved_layout(const char *text, host_layout **out, char *why, size_t why_size)
{
    *out = NULL;
    if (!text || !text[0] || !game.layout)
        return 0;
    host_layout *l = host_layout_parse(text);
    if (l && host_layout_error_code(l) == HOST_LAYOUT_OK) {
        *out = l;
        return 0;
    }
    snprintf(why, why_size, "its layout cannot be read: %s",
             l ? host_layout_error_text(l) : "out of memory");
    host_layout_free(l);
    return -1;
}

int host_game_adopt(const void *block, const host_game_layout *layout, const char *layout_text,
                    const char *from_file, char *note, size_t note_size)
{
    const game_api *api = loaded_api();
    note[0] = 0;
    if (!api || !host_game_state(NULL)) {
        snprintf(note, note_size, "no game is running");
        return -1;
    }
    host_layout *saved;
    if (saved_layout(layout_text, &saved, note, note_size) != 0)
        return -1;
    /* Both layouts known: the fields decide, not the hashes, as for a new build. */
    host_game_layout from = *layout, to = live_layout();
    const int fields_differ = saved && host_layout_hash(saved) != host_layout_hash(game.layout);
    if (saved)
        from.hash = to.hash = 0;
    char change[640], fields[400] = "", failed[512] = "";
    if (!describe_change(&from, &to, change, sizeof change)) {
        if (!fields_differ) {
            host_layout_free(saved);
            if (from_file)
                trust_current(from_file);
            memcpy(game.state, block, (size_t)game.state_size);
            return 0;
        }
        snprintf(change, sizeof change, "state layout changed");
    }
    /* The game's own migrate wins; else, with both layouts known, the fields go by name. */
    void *migrated = api->migrate || !saved
                         ? migrate(api, block, layout, failed, sizeof failed)
                         : migrate_by_name(saved, block, layout->size, game.layout, game.state_size,
                                           failed, sizeof failed);
    /* The field-level difference, cut short enough that the reason (the field a migration
     * could not carry over, at the end) still fits after it. */
    size_t room = note_size > strlen(change) + strlen(failed) + 40
                      ? note_size - strlen(change) - strlen(failed) - 40
                      : 0;
    if (fields_differ && room > 32)
        host_layout_diff(saved, game.layout, "; ", fields,
                         room < sizeof fields ? room : sizeof fields);
    host_layout_free(saved);
    if (!migrated) {
        if (fields[0]) {
            size_t len = strlen(change);
            snprintf(change + len, sizeof change - len, " (%s)", fields);
        }
        snprintf(note, note_size, "%s since it was saved%s", change, failed);
        return -1;
    }
    /* Kept before it is replaced: the state a crash on the file's values goes back to. */
    if (from_file)
        trust_current(from_file);
    host_game_free_block(game.state);
    game.state = migrated;
    host_game_adopt_layout(api);
    snprintf(note, note_size, "%s", fields);
    return 1;
}
