/* host_game_call.c - every call into game code, and surviving it: the hook runs under the
 * crash guard and the watchdog; a crash or hang is reported with where it happened, the state
 * block is put back as it was before the call, the exact build is never loaded again, the build
 * before it runs once more, and a second failure stops the game (safe mode) until a new build
 * arrives - no crash loop at 60 Hz.
 *
 * Putting the block back: a block of HOST_DIRTY_MIN or more is tracked (host_dirty_posix.c),
 * so a call costs the pages it writes and a crash puts back just those, whatever the size;
 * a smaller block, or one the tracker cannot take (said once), is copied before the call (up
 * to SNAPSHOT_MAX). Owns the snapshot copy of the state block (in host_game_data).
 */
#include "game_api.h"
#include "host_clock.h"
#include "host_dirty.h"
#include "host_event.h"
#include "host_game_internal.h"
#include "host_guard.h"
#include "host_version.h"
#include "host_watchdog.h"
#include "hr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The names crash events use for the hooks. */
static const char *const hook_names[] = { "init",   "reload",   "unload", "update",
                                          "render", "shutdown", "migrate" };

static int has_hook(const game_call *c)
{
    switch (c->hook) {
    case HOOK_INIT: return c->api->init != NULL;
    case HOOK_RELOAD: return c->api->reload != NULL;
    case HOOK_UNLOAD: return c->api->unload != NULL;
    case HOOK_UPDATE: return c->api->update != NULL;
    case HOOK_RENDER: return c->api->render != NULL;
    case HOOK_SHUTDOWN: return c->api->shutdown != NULL;
    case HOOK_MIGRATE: return c->api->migrate != NULL;
    }
    return 0;
}

static void run_hook(void *arg)
{
    game_call *c = arg;
    const game_api *api = c->api;
    const host_services *h = &game.services;
    switch (c->hook) {
    case HOOK_INIT: api->init(c->state, h); break;
    case HOOK_RELOAD: api->reload(c->state, h); break;
    case HOOK_UNLOAD: api->unload(c->state, h); break;
    case HOOK_UPDATE: api->update(c->state, h, c->input); break;
    case HOOK_RENDER: api->render(c->state, h); break;
    case HOOK_SHUTDOWN: api->shutdown(c->state, h); break;
    case HOOK_MIGRATE:
        c->result = api->migrate(c->state, c->old_state, c->old_size, c->old_version, c->old_hash);
        break;
    }
}

/* The crash event. addr= only for a fault at an address: abort() and kill have none. A stack
 * overflow is a plain SIGSEGV to the kernel; kind= says what it was. */
static void report_crash(int sig, game_hook hook, const char *at)
{
    char addr[40];
    const int has_addr = host_guard_fault_has_address();
    if (has_addr)
        snprintf(addr, sizeof addr, "0x%" PRIxPTR, (uintptr_t)host_guard_fault_address());
    const unsigned stale = host_guard_fault_stale_build();
    const char *kind = stale                                  ? "stale-code"
                       : host_guard_fault_is_stack_overflow() ? "stack-overflow"
                                                              : NULL;
    host_event(CRASH, HOST_WORD("signal", host_guard_signal_name(sig)), HOST_WORD("kind", kind),
               HOST_UINT_IF("build", stale, stale), HOST_WORD("function", hook_names[hook]),
               HOST_WORD("addr", has_addr ? addr : NULL), HOST_TEXT("at", at),
               HOST_UINT("version", hr_version(game.lib)));
}

/* What stopped the call, in the words the screen and the rollback reason use. */
static const char *crash_title(int sig)
{
    if (sig == HOST_GUARD_HANG)
        return "hang (ran past its time budget)";
    if (host_guard_fault_stale_build())
        return "code of an unloaded build ran: a function pointer or callback kept across a "
               "reload (in the state, or given to SDL); take callbacks back in unload and "
               "register them again in reload";
    if (host_guard_fault_is_stack_overflow())
        return "stack overflow: runaway recursion or a large local array";
    return host_guard_signal_name(sig);
}

int host_game_call(game_call *c)
{
    if (!c->api || !has_hook(c))
        return 0;
    host_watchdog_enter(hook_names[c->hook]);
    int sig = host_guard_call(run_hook, c);
    host_watchdog_leave();
    if (sig) {
        char at[600];
        const char *slash = strrchr(game.args->game_path, '/');
        host_crash_where(at, sizeof at, hr_temp_dir(game.lib),
                         slash ? slash + 1 : game.args->game_path);
        if (sig == HOST_GUARD_HANG)
            host_event(HANG, HOST_WORD("function", hook_names[c->hook]),
                       HOST_UINT("ms", host_watchdog_call_ms()), HOST_TEXT("at", at),
                       HOST_UINT("version", hr_version(game.lib)));
        else
            report_crash(sig, c->hook, at);
        snprintf(game.crash_text, sizeof game.crash_text, "%s in %s: %s", crash_title(sig),
                 hook_names[c->hook], at);
    }
    return sig;
}

/* 1 if the live block's writes are tracked: starts tracking a big block the first time. */
static int tracked(void)
{
    static int told;
    if (host_dirty_is_tracking(game.state))
        return 1;
    if (game.state_size < HOST_DIRTY_MIN)
        return 0;
    if (host_dirty_track(game.state, game.state_size) == 0)
        return 1;
    if (!told) {
        told = 1;
        host_event(STATE_TRACKING, HOST_WORD("state", "off"),
                   HOST_TEXT("reason", "the state block cannot be write-protected: each frame "
                                       "compares and copies it"));
    }
    return 0;
}

/* Before the calls that may change the block: a tracked one starts a fresh set of written
 * pages, a small one is copied (see SNAPSHOT_MAX). */
static void take_snapshot(void)
{
    game.snapshot_valid = 0;
    if (!game.state)
        return;
    if (tracked()) {
        host_dirty_call_begin();
        game.snapshot_valid = 1;
        return;
    }
    if (game.state_size > SNAPSHOT_MAX)
        return;
    if (game.snapshot_size < game.state_size) {
        free(game.snapshot);
        game.snapshot = malloc((size_t)game.state_size);
        game.snapshot_size = game.snapshot ? game.state_size : 0;
        if (!game.snapshot)
            return;
    }
    memcpy(game.snapshot, game.state, (size_t)game.state_size);
    game.snapshot_valid = 1;
}

/* The call ended; undo 1 puts back the block as the snapshot has it. */
static void end_snapshot(int undo)
{
    if (host_dirty_is_tracking(game.state))
        host_dirty_call_end(undo && game.snapshot_valid);
    else if (undo && game.snapshot_valid)
        memcpy(game.state, game.snapshot, (size_t)game.state_size);
    game.snapshot_valid = 0;
}

/* A crash right after a state file replaced the block is the file's doing (raw pointers of
 * the process that saved it, say), not the build's: the block from before the load comes back
 * and the build stays. Returns 1 when that is what happened. */
static int blame_loaded_state(void)
{
    if (!game.trusted || game.services.frame > game.suspect_until ||
        game.trusted_size != game.state_size)
        return 0;
    end_snapshot(0);
    memcpy(game.state, game.trusted, (size_t)game.state_size);
    free(game.trusted);
    game.trusted = NULL;
    char text[2200];
    snprintf(text, sizeof text,
             "the game crashed within %d frames of loading %s (%s), so the file is to blame, not "
             "the build: the state from before the load is back. A state file keeps plain values "
             "and host handles; raw pointers (SDL objects, heap memory, the old block) are not "
             "valid in another process or after a reload",
             HOST_GAME_SUSPECT_FRAMES, game.suspect_file, game.crash_text);
    host_event(STATE_REJECTED, HOST_WORD("path", game.suspect_file), HOST_TEXT("reason", text));
    return 1;
}

/* A call crashed or hung: put the state back as it was before it, never run that exact build
 * again, and go back to the build before it once; a second failure stops the game (safe mode)
 * until a new build arrives. */
static void on_crash(game_hook hook)
{
    if (hook != HOOK_INIT && blame_loaded_state())
        return;
    const char *state = "kept";
    if (game.snapshot_valid && (hook == HOOK_UPDATE || hook == HOOK_RELOAD))
        state = "restored";
    else if (hook == HOOK_UPDATE || hook == HOOK_RELOAD)
        state = "unrestored";
    end_snapshot(hook == HOOK_UPDATE || hook == HOOK_RELOAD);
    game.crashes++;
    hr_forbid(game.lib);
    if (game.crashes == 1 && hook != HOOK_INIT && hr_rollback(game.lib) == HR_RELOADED) {
        host_event(ROLLBACK, HOST_UINT("version", hr_version(game.lib)), HOST_WORD("state", state),
                   HOST_TEXT("reason", game.crash_text));
        host_game_on_loaded(0);
        return;
    }
    game.crashed = 1;
    host_event(SAFE_MODE, HOST_WORD("state", state),
               HOST_TEXT("reason", HOST_RELEASE ? "the game is stopped; F5 starts it again with "
                                                  "a fresh state"
                                                : "the game is stopped until a new build loads; "
                                                  "this exact build will not be loaded again"));
}

void host_game_call_live(game_hook hook, const game_input *input)
{
    game_call c = { .hook = hook, .api = loaded_api(), .state = game.state, .input = input };
    if (hook == HOOK_UPDATE || hook == HOOK_RELOAD)
        take_snapshot();
    int sig = host_game_call(&c);
    if (!sig) {
        end_snapshot(0);
        return;
    }
    if (hook == HOOK_INIT)
        game.needs_init = 1;
    on_crash(hook);
}

void host_game_call_unload(void *const *slots, void *user)
{
    (void)user;
    game_call c = { .hook = HOOK_UNLOAD, .api = slots[0], .state = game.state };
    /* Its code leaves the process now: keep its addresses reserved, so a callback or pointer
     * kept into it faults recognisably (host_game_on_loaded hands them to the guard). */
    game.gone_count = hr_code_ranges(game.lib, game.gone, HR_MAX_CODE_RANGES);
    game.gone_version = hr_version(game.lib);
    if (!game.state)
        return; /* no game ever ran on this build */
    take_snapshot();
    end_snapshot(host_game_call(&c) != 0);
}
