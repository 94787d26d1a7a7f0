/* host_game.c - the game library and its state: the only file that talks to hr; with
 * host_game_call.c, the only one that calls game code.
 *
 * Owns the hr_lib, the state block (allocated here from the first build's state_size, zeroed,
 * kept across every reload, freed after shutdown) and the host_services the game is handed.
 * Every call into the game goes through host_game_call(), which runs it under the crash guard:
 * after a crash the game is not called again until a new build loads, so a bug cannot turn
 * into a crash loop, and the window shows what happened instead.
 *
 * A new build must speak this header's GAME_API_VERSION and keep the live state layout
 * (state_size, state_version, a nonzero state_hash); otherwise its migrate hook converts the
 * block, or --reset / F5 start over with a fresh one, or the build is refused and the old
 * code keeps running.
 */
#include "host_game_internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    STATUS_FRAMES = 180
};                                      /* a status message stays 3 s */
#define STATE_MAX ((uint64_t)256 << 20) /* more is a corrupt or unbuilt state_size */
#define STATE_ALIGN 64                  /* cache line; anything a game may declare */

#define COLOR_WAITING 0x202630ffu
#define COLOR_CRASHED 0x601818ffu
#define COLOR_STATUS_GOOD 0x206030e0u
#define COLOR_STATUS_BAD 0x802020e0u

/* The host's one game (see host_game_internal.h). */
host_game_data game;

static int is_runnable(void)
{
    return loaded_api() && game.state && !game.crashed && !game.needs_init && !game.reset_requested;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
set_status(uint32_t color, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(game.status, sizeof game.status, fmt, ap);
    va_end(ap);
    game.status_color = color;
    game.status_until = game.services.frame + STATUS_FRAMES;
}

static void *alloc_block(uint64_t size)
{
    size_t bytes = (size_t)((size + STATE_ALIGN - 1) / STATE_ALIGN * STATE_ALIGN);
    if (bytes == 0)
        bytes = STATE_ALIGN;
    void *block = aligned_alloc(STATE_ALIGN, bytes); /* C11: bytes is a multiple of align */
    if (block)
        memset(block, 0, bytes);
    return block;
}

static void adopt_layout(const game_api *api)
{
    game.state_size = api->state_size;
    game.state_version = api->state_version;
    game.state_hash = api->state_hash;
}

/* Starts the live block over: zeroed, to be initialised by the next init call. */
static int make_fresh(const game_api *api)
{
    void *block = alloc_block(api->state_size);
    if (!block)
        return -1;
    free(game.pending);
    game.pending = block;
    game.pending_kind = "fresh";
    return 0;
}

/* Names what differs between the live layout and api's, or returns 0 if nothing does. */
static int describe_change(const game_api *api, char *out, size_t size)
{
    if (api->state_size != game.state_size)
        snprintf(out, size, "state size changed %" PRIu64 " -> %" PRIu64 " bytes", game.state_size,
                 api->state_size);
    else if (api->state_version != game.state_version)
        snprintf(out, size, "state version changed %" PRIu32 " -> %" PRIu32, game.state_version,
                 api->state_version);
    else if (api->state_hash && game.state_hash && api->state_hash != game.state_hash)
        snprintf(out, size, "state hash changed 0x%016" PRIx64 " -> 0x%016" PRIx64, game.state_hash,
                 api->state_hash);
    else
        return 0;
    return 1;
}

/* Runs the new build's migrate from the live block into a new one, kept as pending.
 * Returns 0, or -1 with the reason (" and migrate returned 1") in failed. */
static int try_migrate(const game_api *api, char *failed, size_t size)
{
    void *block = alloc_block(api->state_size);
    if (!block) {
        snprintf(failed, size, " and there is no memory to migrate it");
        return -1;
    }
    game_call c = { .hook = HOOK_MIGRATE,
                    .api = api,
                    .state = block,
                    .old_state = game.state,
                    .old_size = game.state_size,
                    .old_version = game.state_version,
                    .old_hash = game.state_hash };
    int sig = host_game_call(&c);
    if (!sig && c.result == 0) {
        free(game.pending);
        game.pending = block;
        game.pending_kind = "migrated";
        return 0;
    }
    free(block);
    if (sig)
        snprintf(failed, size, " and migrate crashed with %s", host_guard_signal_name(sig));
    else
        snprintf(failed, size, " and migrate returned %d", c.result);
    return -1;
}

/* hr's validate hook: runs while the old build is still loaded, before it is replaced. */
static int validate(void *const *slots, void *user, char *why, size_t why_size)
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
    if (!describe_change(api, change, sizeof change))
        return 0;

    char failed[128] = ""; /* why migrate did not do it, appended to the reason */
    if (api->migrate && try_migrate(api, failed, sizeof failed) == 0)
        return 0;
    if (game.args->reset && make_fresh(api) == 0) {
        snprintf(why, why_size, "%s%s (--reset)", change, failed);
        host_event("reset", "reason=%s", host_event_quote(quoted, sizeof quoted, why));
        why[0] = 0;
        /* The old build's shutdown runs now: once the new one is in, its code is gone. */
        if (is_runnable())
            host_game_call_live(HOOK_SHUTDOWN, NULL);
        return 0;
    }
    snprintf(why, why_size, "%s%s; restart the game with a fresh state (key F5 / --reset)%s",
             change, failed, api->migrate ? "" : " or export migrate");
    return 1;
}

static void core_log(int level, const char *text, void *user)
{
    (void)user;
    char quoted[1200];
    host_event("core", "level=%s text=%s",
               level <= 0   ? "info"
               : level == 1 ? "warning"
                            : "error",
               host_event_quote(quoted, sizeof quoted, text));
}

void host_game_on_loaded(const char *event)
{
    const game_api *api = loaded_api();
    hr_range ranges[8];
    host_guard_set_code(ranges, hr_code_ranges(game.lib, ranges, 8));
    if (event)
        game.crashes = 0;
    double ms = (double)hr_last_timing(game.lib).total_ns / 1e6;
    unsigned version = hr_version(game.lib);
    char path[600], tmp[600];
    game.services.reloads = version;
    game.crashed = 0;

    if (!game.state) {
        game.state = alloc_block(api->state_size);
        if (!game.state) {
            game.crashed = 1;
            snprintf(game.crash_text, sizeof game.crash_text,
                     "out of memory for a state block of %" PRIu64 " bytes", api->state_size);
            host_event("error", "reason=\"out of memory for the state block\"");
            return;
        }
        adopt_layout(api);
        host_event("loaded", "version=%u path=%s ms=%.2f state_size=%" PRIu64 " tmp=%s", version,
                   host_event_word(path, sizeof path, game.args->game_path), ms, api->state_size,
                   host_event_word(tmp, sizeof tmp, hr_temp_dir(game.lib)));
        set_status(COLOR_STATUS_GOOD, "loaded %s", game.args->game_path);
        game.needs_init = 0;
        host_game_call_live(HOOK_INIT, NULL);
        return;
    }

    const char *kind = "kept";
    if (game.pending) {
        free(game.state);
        game.state = game.pending;
        kind = game.pending_kind;
        game.pending = NULL;
        adopt_layout(api);
        if (strcmp(kind, "fresh") == 0)
            game.needs_init = 1;
    }
    if (event)
        host_event(event, "version=%u ms=%.2f state=%s", version, ms, kind);
    set_status(COLOR_STATUS_GOOD, "reloaded version %u in %.2f ms (state %s)", version, ms, kind);
    if (game.needs_init) {
        /* init never finished on this block: a new one starts from zero bytes, as promised. */
        memset(game.state, 0, (size_t)game.state_size);
        game.needs_init = 0;
        host_game_call_live(HOOK_INIT, NULL);
    } else {
        host_game_call_live(HOOK_RELOAD, NULL);
    }
}

/* Reports what hr_check/hr_reload saw and acts on a new build. */
static void on_status(hr_status status)
{
    char quoted[1200];
    const char *text = hr_error_text(game.lib);
    if (status != HR_RELOADED && game.pending) {
        free(game.pending); /* validate prepared a block for a build that did not come in */
        game.pending = NULL;
    }
    if (status != HR_NOT_READY)
        game.not_ready[0] = 0;
    switch (status) {
    case HR_UNCHANGED: break;
    case HR_RELOADED:
        host_game_on_loaded("reloaded");
        game.reset_requested = 0;
        break;
    case HR_NOT_READY:
        if (strcmp(text, game.not_ready) != 0) {
            snprintf(game.not_ready, sizeof game.not_ready, "%s", text);
            host_event("not-ready", "reason=%s", host_event_quote(quoted, sizeof quoted, text));
        }
        break;
    case HR_LOAD_FAILED:
        host_event("reload-failed", "reason=%s", host_event_quote(quoted, sizeof quoted, text));
        set_status(COLOR_STATUS_BAD, "%s", text);
        break;
    case HR_REFUSED:
        host_event("refused", "reason=%s", host_event_quote(quoted, sizeof quoted, text));
        set_status(COLOR_STATUS_BAD, "%s", text);
        break;
    }
    /* F5 waits while a build is being written or pre-flighted; with no new build to load,
     * the running one starts over. */
    if (game.reset_requested && status != HR_RELOADED &&
        !(status == HR_NOT_READY && hr_error_code(game.lib) == HR_ERR_INCOMPLETE)) {
        game.reset_requested = 0;
        if (game.state && loaded_api()) {
            memset(game.state, 0, (size_t)game.state_size);
            game.crashed = 0;
            game.needs_init = 0;
            host_game_call_live(HOOK_INIT, NULL);
        }
    }
}

int host_game_open(const host_args *args, SDL_Renderer *renderer)
{
    game.args = args;
    game.services = (host_services){
        .width = args->width,
        .height = args->height,
        .dt = 1.0f / 60.0f,
        .renderer = renderer,
        .log = host_event_game_log,
        .texture = host_assets_texture,
        .texture_size = host_assets_texture_size,
        .clear = host_draw_clear,
        .fill_rect = host_draw_fill_rect,
        .draw_texture = host_draw_texture,
        .draw_text = host_draw_text,
    };
    const char *symbols[] = { GAME_API_SYMBOL };
    game.lib = hr_open(&(hr_desc){ .path = args->game_path,
                                   .symbols = symbols,
                                   .symbol_count = 1,
                                   .slots = game.slots,
                                   .validate = validate,
                                   .log = core_log,
                                   .preflight = args->preflight });
    if (!game.lib)
        return -1;
    if (hr_is_loaded(game.lib)) {
        host_game_on_loaded("reloaded");
    } else {
        char path[600], quoted[1200];
        host_event("waiting", "path=%s reason=%s",
                   host_event_word(path, sizeof path, args->game_path),
                   host_event_quote(quoted, sizeof quoted, hr_error_text(game.lib)));
    }
    return 0;
}

void host_game_check(void)
{
    on_status(hr_check(game.lib));
}

int host_game_is_checking(void)
{
    return hr_is_checking(game.lib);
}

void host_game_reset(void)
{
    host_event("reset", "reason=\"F5\"");
    if (is_runnable())
        host_game_call_live(HOOK_SHUTDOWN, NULL);
    game.reset_requested = 1;
    on_status(hr_reload(game.lib));
}

void host_game_update(const game_input *input, uint64_t frame)
{
    game.services.frame = frame;
    if (is_runnable())
        host_game_call_live(HOOK_UPDATE, input);
}

void host_game_render(void)
{
    const int w = game.services.width, h = game.services.height;
    if (is_runnable())
        host_game_call_live(HOOK_RENDER, NULL);
    if (game.crashed) {
        host_draw_message(w, h, COLOR_CRASHED, "game crashed:", game.crash_text);
    } else if (!is_runnable()) {
        char title[700];
        snprintf(title, sizeof title, "waiting for a good build of %s:", game.args->game_path);
        host_draw_message(w, h, COLOR_WAITING, title, hr_error_text(game.lib));
    }
    if (game.status[0] && game.services.frame < game.status_until)
        host_draw_status(w, h, game.status_color, game.status);
}

void host_game_close(void)
{
    if (game.lib && is_runnable())
        host_game_call_live(HOOK_SHUTDOWN, NULL);
    host_guard_set_code(NULL, 0);
    free(game.snapshot);
    free(game.state);
    free(game.pending);
    hr_close(game.lib);
    memset(&game, 0, sizeof game);
}

/* ---- The state block for the time tools: rewind, recordings and state files (host_time.c,
 * host_record.c, host_rewind.c, host_state_file.c) read it and put saved copies back. ---- */

void *host_game_state(host_game_layout *layout)
{
    if (layout)
        *layout = (host_game_layout){ .size = game.state_size,
                                      .version = game.state_version,
                                      .hash = game.state_hash };
    return game.state && !game.needs_init && !game.reset_requested ? game.state : NULL;
}

int host_game_is_running(void)
{
    return is_runnable();
}

int host_game_adopt(const void *block, const host_game_layout *layout, char *why, size_t why_size)
{
    const game_api *api = loaded_api();
    if (!api || !host_game_state(NULL)) {
        snprintf(why, why_size, "no game is running");
        return -1;
    }
    char change[256];
    if (layout->size != game.state_size)
        snprintf(change, sizeof change, "its state is %" PRIu64 " bytes, the game's %" PRIu64,
                 layout->size, game.state_size);
    else if (layout->version != game.state_version)
        snprintf(change, sizeof change, "its state version is %" PRIu32 ", the game's %" PRIu32,
                 layout->version, game.state_version);
    else if (layout->hash && game.state_hash && layout->hash != game.state_hash)
        snprintf(change, sizeof change,
                 "its state hash is 0x%016" PRIx64 ", the game's 0x%016" PRIx64, layout->hash,
                 game.state_hash);
    else {
        memcpy(game.state, block, (size_t)game.state_size);
        return 0;
    }
    if (!api->migrate) {
        snprintf(why, why_size, "%s, and the game exports no migrate", change);
        return -1;
    }
    void *fresh = alloc_block(api->state_size);
    if (!fresh) {
        snprintf(why, why_size, "%s, and there is no memory to migrate it", change);
        return -1;
    }
    game_call c = { .hook = HOOK_MIGRATE,
                    .api = api,
                    .state = fresh,
                    .old_state = block,
                    .old_size = layout->size,
                    .old_version = layout->version,
                    .old_hash = layout->hash };
    int sig = host_game_call(&c);
    if (sig || c.result != 0) {
        free(fresh);
        if (sig)
            snprintf(why, why_size, "%s, and migrate crashed with %s", change,
                     host_guard_signal_name(sig));
        else
            snprintf(why, why_size, "%s, and migrate returned %d", change, c.result);
        return -1;
    }
    free(game.state);
    game.state = fresh;
    adopt_layout(api);
    return 1;
}

void host_game_force_reload(void)
{
    host_event("force-reload", "version=%u", hr_version(game.lib));
    on_status(hr_reload(game.lib));
}

/* The overlay's view of the game: read-only, safe while nothing is loaded. */
void host_game_info_get(host_game_info *out)
{
    hr_timing t = game.lib ? hr_last_timing(game.lib) : (hr_timing){ 0 };
    *out = (host_game_info){
        .version = game.lib ? hr_version(game.lib) : 0,
        .state_size = game.state ? game.state_size : 0,
        .copy_ns = t.copy_ns,
        .check_ns = t.check_ns,
        .preflight_ns = t.preflight_ns,
        .load_ns = t.open_ns + t.resolve_ns + t.close_ns,
    };
}

void host_game_frame(uint64_t frame)
{
    game.services.frame = frame;
}
