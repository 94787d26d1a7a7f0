/* host_game.c - the game library. It opens the build, reports what each check saw, and runs
 * the loaded build's hooks each frame; host_game_call.c is the door into game code,
 * host_game_state.c decides what a new build's state layout means. These three files are the
 * only ones of the host that talk to hr.
 *
 * Owns the hr_lib, the state block (allocated here from the first build's state_size, zeroed,
 * kept across every reload, freed after shutdown) and the host_services the game is handed.
 * Every call into the game goes through host_game_call(), which runs it under the crash guard:
 * after a crash the game is not called again until a new build loads, so a bug cannot turn
 * into a crash loop, and the window shows what happened instead.
 */
#include "host_game.h"
#include "game_api.h"
#include "host_args.h"
#include "host_assets.h"
#include "host_audio.h"
#include "host_clock.h"
#include "host_draw.h"
#include "host_event.h"
#include "host_files.h"
#include "host_font.h"
#include "host_game_internal.h"
#include "host_guard.h"
#include "host_input.h"
#include "host_layout.h"
#include "host_look.h"
#include "host_overlay.h"
#include "host_state_file.h"
#include "hr.h"

#include <SDL.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    STATUS_FRAMES = 180
}; /* a status message stays 3 s */

#define COLOR_WAITING 0x202630ffu
#define COLOR_CRASHED 0x601818ffu
#define COLOR_STATUS_GOOD 0x206030e0u
#define COLOR_STATUS_BAD 0x802020e0u

/* The host's one game (see host_game_internal.h). */
host_game_data game;

/* main's answer to the game's window settings (host_game_on_window). */
static void (*window_hook)(const game_window *want);

void host_game_on_window(void (*hook)(const game_window *want))
{
    window_hook = hook;
}

void host_game_set_view(SDL_Renderer *renderer, int width, int height)
{
    game.services.renderer = renderer;
    game.services.width = width;
    game.services.height = height;
}

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

/* The core tells loads, failures and waits too, but check() already reports each of them as
 * its own event (loaded, reloaded, reload-failed, refused, not-ready): forwarding them would
 * put every one in the log twice. Only warnings have no other way out. An info line is noted:
 * the core tells a wait once per reason, so a check that ends not ready with one is news (the
 * core is the one place that decides it; check() follows). */
static void core_log(int level, const char *text, void *user)
{
    (void)user;
    if (level == 0)
        game.core_told = 1;
    if (level == 1)
        host_event(CORE, HOST_WORD("level", "warning"), HOST_TEXT("text", text));
}

void host_game_on_loaded(int report)
{
    const game_api *api = loaded_api();
    hr_range ranges[HR_MAX_CODE_RANGES];
    host_guard_set_code(ranges, hr_code_ranges(game.lib, ranges, HR_MAX_CODE_RANGES));
    host_guard_add_gone(game.gone, game.gone_count, game.gone_version);
    game.gone_count = 0;
    if (report)
        game.crashes = 0;
    double ms = (double)hr_last_timing(game.lib).total_ns / 1e6;
    unsigned version = hr_version(game.lib);
    game.services.reloads = version;
    game.crashed = 0;

    if (!game.state) {
        game.state = host_game_alloc_block(api->state_size);
        if (!game.state) {
            game.crashed = 1;
            snprintf(game.crash_text, sizeof game.crash_text,
                     "out of memory for a state block of %" PRIu64 " bytes", api->state_size);
            host_event(ERROR, HOST_TEXT("reason", "out of memory for the state block"));
            return;
        }
        host_game_adopt_layout(api);
        if (window_hook)
            window_hook(&api->window); /* before init: it may make textures */
        host_event(LOADED, HOST_UINT("version", version), HOST_WORD("path", game.args->game_path),
                   HOST_REAL("ms", ms, 2), HOST_UINT("state_size", api->state_size),
                   HOST_WORD("tmp", hr_temp_dir(game.lib)));
        set_status(COLOR_STATUS_GOOD, "loaded %s", game.args->game_path);
        game.needs_init = 0;
        host_game_call_live(HOOK_INIT, NULL);
        return;
    }

    /* The reloaded event's state=: kept, fresh or migrated (with changes="..." when the fields
     * that moved are known); the status bar says the same. */
    const char *kind = "kept", *changes = NULL;
    char migrated[sizeof game.migrated_changes + 40], quoted[sizeof game.migrated_changes + 20];
    if (game.pending) {
        host_game_free_block(game.state);
        game.state = game.pending;
        game.pending = NULL;
        host_game_adopt_layout(api);
        const int fresh = game.pending_kind == PENDING_FRESH;
        if (fresh)
            game.needs_init = 1;
        kind = fresh ? "fresh" : "migrated";
        if (!fresh && game.migrated_changes[0]) {
            changes = game.migrated_changes;
            snprintf(migrated, sizeof migrated, "migrated changes=%s",
                     host_event_quote(quoted, sizeof quoted, changes));
        }
    }
    if (report)
        host_event(RELOADED, HOST_UINT("version", version), HOST_REAL("ms", ms, 2),
                   HOST_WORD("state", kind), HOST_TEXT("changes", changes));
    set_status(COLOR_STATUS_GOOD, "reloaded version %u in %.2f ms (state %s)", version, ms,
               changes ? migrated : kind);
    if (game.needs_init) {
        /* init never finished on this block: a new one starts from zero bytes, as promised. */
        memset(game.state, 0, (size_t)game.state_size);
        game.needs_init = 0;
        host_game_call_live(HOOK_INIT, NULL);
    } else {
        host_game_call_live(HOOK_RELOAD, NULL);
    }
}

/* The core's reason in the game's words: the fix for the mistake every new game makes once,
 * and why a build is forbidden (the host forbids only builds that crashed or hung). */
static const char *error_text(char *out, size_t size)
{
    const char *text = hr_error_text(game.lib);
    switch (hr_error_code(game.lib)) {
    case HR_ERR_SYMBOL:
        snprintf(out, size,
                 "%s; a game exports its API as GAME_EXPORT const game_api GAME_API_SYMBOL_NAME "
                 "= { ... } (include/game_api.h)",
                 text);
        break;
    case HR_ERR_FORBIDDEN:
        snprintf(out, size,
                 "forbidden build: %s is the exact build that crashed or hung before; save a "
                 "change to try again",
                 game.args->game_path);
        break;
    default: snprintf(out, size, "%s", text); break;
    }
    return out;
}

/* The core's text begins with its code's name (hr_error_text: "refused: x.so: why"); the refused
 * event's name says that already, so its reason starts after it. The host's own texts (a
 * forbidden build's) are whole sentences and stay as they are. */
static const char *without_code_name(const char *text)
{
    const char *name = hr_error_name(HR_ERR_REFUSED);
    const size_t n = strlen(name);
    const int named = hr_error_code(game.lib) == HR_ERR_REFUSED && strncmp(text, name, n) == 0 &&
                      strncmp(text + n, ": ", 2) == 0;
    return named ? text + n + 2 : text;
}

/* Runs hr_check or hr_reload (core_check), reports what it saw and acts on a new build. */
static hr_status check(hr_status (*core_check)(hr_lib *lib))
{
    game.core_told = 0;
    game.look_ns = host_now_ns(); /* the overlay's timeline, when this check loads */
    const hr_status status = core_check(game.lib);
    char text[1200];
    text[0] = 0;
    if (status != HR_UNCHANGED) /* the text of every other outcome; unchanged is most frames */
        error_text(text, sizeof text);
    if (status != HR_RELOADED && game.pending) {
        host_game_free_block(
            game.pending); /* validate prepared a block for a build that did not come in */
        game.pending = NULL;
    }
    /* A build in its pre-flight or being copied (HR_ERR_CHECKING) is the normal path of a
     * reload, and how it ends gets its own event: no not-ready line for it (the core tells
     * none either). */
    const hr_error why = hr_error_code(game.lib);
    const int checking = status == HR_NOT_READY && why == HR_ERR_CHECKING;
    switch (status) {
    case HR_UNCHANGED: break;
    case HR_RELOADED:
        host_game_on_loaded(1);
        game.reset_requested = 0;
        break;
    case HR_NOT_READY:
        if (game.core_told)
            host_event(NOT_READY, HOST_TEXT("reason", text));
        break;
    case HR_LOAD_FAILED:
        host_event(RELOAD_FAILED, HOST_TEXT("reason", text));
        set_status(COLOR_STATUS_BAD, "%s", text);
        break;
    case HR_REFUSED:
        host_event(REFUSED, HOST_TEXT("reason", without_code_name(text)));
        set_status(COLOR_STATUS_BAD, "%s", text);
        break;
    }
    /* F5 waits while a build is being written or pre-flighted; with no new build to load,
     * the running one starts over. */
    if (game.reset_requested && status != HR_RELOADED &&
        !(status == HR_NOT_READY && (why == HR_ERR_INCOMPLETE || checking))) {
        game.reset_requested = 0;
        if (game.state && loaded_api()) {
            memset(game.state, 0, (size_t)game.state_size);
            game.crashed = 0;
            game.needs_init = 0;
            host_game_call_live(HOOK_INIT, NULL);
        }
    }
    return status;
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
        .texture_keyed = host_assets_texture_keyed,
        .texture_size = host_assets_texture_size,
        .texture_sdl = host_assets_texture_sdl,
        .asset_path = host_assets_path,
        .read_file = host_files_read,
        .write_file = host_files_write,
        .clear = host_draw_clear,
        .fill_rect = host_draw_fill_rect,
        .draw_texture = host_draw_texture,
        .draw_sprite = host_draw_sprite,
        .draw_text = host_draw_text,
        .draw_line = host_draw_line,
        .draw_circle = host_draw_circle,
        .fill_circle = host_draw_fill_circle,
        .fill_polygon = host_draw_fill_polygon,
        .font = host_font_load,
        .draw_font_text = host_font_draw_text,
        .measure_text = host_font_measure_text,
        .sound = host_audio_sound,
        .play = host_audio_play,
        .voice_set = host_audio_voice_set,
        .voice_stop = host_audio_voice_stop,
        .music = host_audio_music,
    };
    const char *slash = strrchr(args->game_path, '/');
    host_guard_on_stale(slash ? slash + 1 : args->game_path, host_state_save_stuck);
    const char *symbols[] = { GAME_API_SYMBOL };
    game.look_ns = host_now_ns();
    game.lib = hr_open(&(hr_desc){ .path = args->game_path,
                                   .symbols = symbols,
                                   .symbol_count = 1,
                                   .slots = game.slots,
                                   .validate = host_game_validate,
                                   .unload = host_game_call_unload,
                                   .prepare = host_game_prepare,
                                   .log = core_log,
                                   .preflight = args->preflight });
    if (!game.lib)
        return -1;
    if (hr_is_loaded(game.lib)) {
        host_game_on_loaded(1);
    } else {
        char text[1200];
        host_event(WAITING, HOST_WORD("path", args->game_path),
                   HOST_TEXT("reason", error_text(text, sizeof text)));
    }
    return 0;
}

/* When the last idle hr_check looked at the library's watch (host_look.c). */
static uint64_t last_look_ns;

int host_game_check(void)
{
    /* Idle, hr_check is one read() of the library's inotify descriptor that finds nothing: it
     * waits for host_look_due. A build in its pre-flight and an F5 reset waiting for a build
     * are followed at every call, as the frame loop expects. */
    if (!hr_is_checking(game.lib) && !game.reset_requested && !host_look_due(&last_look_ns))
        return 0;
    return check(hr_check) == HR_RELOADED;
}

int host_game_is_checking(void)
{
    return hr_is_checking(game.lib);
}

void host_game_reset(void)
{
    host_event(RESET,
               HOST_TEXT("reason", host_input_key_name(HOST_INPUT_RESET))); /* F5, or moved */
    if (is_runnable())
        host_game_call_live(HOOK_SHUTDOWN, NULL);
    game.reset_requested = 1;
    check(hr_reload);
}

void host_game_update(const game_input *input, uint64_t frame)
{
    game.services.frame = frame;
    /* The time of day the game shows or seeds with: the frame's start by the system clock. The
     * host measures nothing with it: its own times are host_now_ns(). */
    game.services.wall_time = host_frame_clock_wall();
    if (is_runnable())
        host_game_call_live(HOOK_UPDATE, input);
}

void host_game_render(void)
{
    const int w = game.services.width, h = game.services.height;
    game.services.wall_time = host_frame_clock_wall();
    if (is_runnable()) {
        host_draw_save_state();
        host_game_call_live(HOOK_RENDER, NULL);
        host_draw_restore_state();
    }
    if (game.crashed) {
        host_draw_message(w, h, COLOR_CRASHED, "game crashed:", game.crash_text);
    } else if (!is_runnable()) {
        char title[700], text[1200];
        snprintf(title, sizeof title, "waiting for a good build of %s:", game.args->game_path);
        host_draw_message(w, h, COLOR_WAITING, title, error_text(text, sizeof text));
    }
    /* --no-overlay: the picture is the game's alone (a screenshot can be compared byte for
     * byte); the events still tell. */
    if (game.status[0] && game.services.frame < game.status_until && game.args->overlay >= 0)
        host_draw_status(w, h, game.status_color, game.status);
}

void host_game_close(void)
{
    if (game.lib && is_runnable())
        host_game_call_live(HOOK_SHUTDOWN, NULL);
    hr_close(game.lib); /* the build's unload runs here, on the live state */
    host_layout_prefetch_end();
    host_guard_set_code(NULL, 0);
    host_guard_release_gone();
    free(game.snapshot);
    host_game_free_block(game.state);
    host_game_free_block(game.pending);
    free(game.trusted);
    host_layout_free(game.layout);
    memset(&game, 0, sizeof game);
}

int host_game_is_running(void)
{
    return is_runnable();
}

void host_game_force_reload(void)
{
    host_event(FORCE_RELOAD, HOST_UINT("version", hr_version(game.lib)));
    check(hr_reload);
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
        .look_ns = game.look_ns,
    };
}

void host_game_frame(uint64_t frame)
{
    game.services.frame = frame;
}
