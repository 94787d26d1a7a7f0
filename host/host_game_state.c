/* host_game_state.c - the state block's layouts: fresh zeroed blocks, what differs between
 * two layouts, a new build's layout checked before it replaces the old one (hr's validate
 * hook) and carried over by the game's migrate hook, and saved blocks (state files,
 * recordings, rewind) put back into the live one.
 *
 * The live block belongs to host_game_data; this file makes its replacements and hands them
 * over (as pending, or in place). It calls game code only through host_game_call().
 */
#include "host_game_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAX ((uint64_t)256 << 20) /* more is a corrupt or unbuilt state_size */
#define STATE_ALIGN 64                  /* cache line; anything a game may declare */

void *host_game_alloc_block(uint64_t size)
{
    size_t bytes = (size_t)((size + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN);
    if (bytes == 0)
        bytes = STATE_ALIGN;
    void *block = aligned_alloc(STATE_ALIGN, bytes); /* C11: bytes is a multiple of align */
    if (block)
        memset(block, 0, bytes);
    return block;
}

static host_game_layout layout_of(const game_api *api)
{
    return (host_game_layout){ .size = api->state_size,
                               .version = api->state_version,
                               .hash = api->state_hash };
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
    game.state_hash = api->state_hash;
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
    free(block);
    if (sig)
        snprintf(failed, size, ", and migrate crashed with %s", host_guard_signal_name(sig));
    else
        snprintf(failed, size, ", and migrate returned %d", c.result);
    return NULL;
}

/* Makes block the one adopted when the new build loads. */
static void set_pending(void *block, const char *kind)
{
    free(game.pending);
    game.pending = block;
    game.pending_kind = kind;
}

/* Starts the live block over: zeroed, to be initialised by the next init call. */
static int make_fresh(const game_api *api)
{
    void *block = host_game_alloc_block(api->state_size);
    if (block)
        set_pending(block, "fresh");
    return block ? 0 : -1;
}

int host_game_validate(void *const *slots, void *user, char *why, size_t why_size)
{
    (void)user;
    const game_api *api = slots[0];
    char change[256], quoted[300];
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
    if (!game.state)
        return 0;               /* the first good build: its layout becomes the live one */
    if (game.reset_requested) { /* F5: any layout goes, the game starts over */
        if (make_fresh(api) == 0)
            return 0;
        snprintf(why, why_size, "out of memory for a fresh state block");
        return 1;
    }
    const host_game_layout live = live_layout(), next = layout_of(api);
    if (!describe_change(&live, &next, change, sizeof change))
        return 0;

    char failed[128] = ""; /* why migrate did not do it, appended to the reason */
    void *migrated = api->migrate ? migrate(api, game.state, &live, failed, sizeof failed) : NULL;
    if (migrated) {
        set_pending(migrated, "migrated");
        return 0;
    }
    if (game.args->reset && make_fresh(api) == 0) {
        snprintf(why, why_size, "%s%s (--reset)", change, failed);
        host_event("reset", "reason=%s", host_event_quote(quoted, sizeof quoted, why));
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

int host_game_adopt(const void *block, const host_game_layout *layout, const char *from_file,
                    char *why, size_t why_size)
{
    const game_api *api = loaded_api();
    if (!api || !host_game_state(NULL)) {
        snprintf(why, why_size, "no game is running");
        return -1;
    }
    if (from_file)
        trust_current(from_file);
    const host_game_layout live = live_layout();
    char change[256], failed[128];
    if (!describe_change(layout, &live, change, sizeof change)) {
        memcpy(game.state, block, (size_t)game.state_size);
        return 0;
    }
    void *migrated = migrate(api, block, layout, failed, sizeof failed);
    if (!migrated) {
        snprintf(why, why_size, "%s since it was saved%s", change, failed);
        return -1;
    }
    free(game.state);
    game.state = migrated;
    host_game_adopt_layout(api);
    return 1;
}
