/* host_game_internal.h - what host_game.c (the library and its events), host_game_state.c
 * (the state block's layouts) and host_game_call.c (every call into game code, and surviving
 * it) share. Private to those three files; the rest of the host sees only host_game.h.
 */
#ifndef HOST_GAME_INTERNAL_H
#define HOST_GAME_INTERNAL_H

#include "game_api.h"
#include "host_args.h"
#include "host_layout.h"
#include "hr.h"

#include <stddef.h>
#include <stdint.h>

/* Up to this size an untracked block (see host_game_call.c) is copied before every update and
 * put back when the call crashes or hangs (a copy costs ~0.1 ms per MiB); above it, a crashing
 * frame's writes persist. */
#define SNAPSHOT_MAX ((uint64_t)8 << 20)

/* A crash within this many frames of a state loaded from a file is blamed on the file. */
#define HOST_GAME_SUSPECT_FRAMES 60

/* The hooks call_game() knows, and the names crash events use for them. */
typedef enum game_hook {
    HOOK_INIT,
    HOOK_RELOAD,
    HOOK_UNLOAD,
    HOOK_UPDATE,
    HOOK_RENDER,
    HOOK_SHUTDOWN,
    HOOK_MIGRATE,
} game_hook;

/* One call into the game, packed so the crash guard can run it through a single pointer. */
/* What a block validate prepared holds (game.pending). */
typedef enum pending_kind {
    PENDING_FRESH,   /* zeroed: init runs on it */
    PENDING_MIGRATED /* the running state carried over to a new layout */
} pending_kind;

typedef struct game_call {
    game_hook hook;
    const game_api *api;     /* the build whose hook runs */
    void *state;             /* the block it works on (migrate: the new one) */
    const game_input *input; /* update only */
    const void *old_state;   /* migrate only: the live block and its layout */
    uint64_t old_size;
    uint32_t old_version;
    uint64_t old_hash;
    int result; /* migrate's return value */
} game_call;

/* One game per process, and the services have no context pointer: the host's game lives here
 * (defined in host_game.c). */
typedef struct host_game_data {
    const host_args *args;
    hr_lib *lib;
    void *slots[1]; /* slots[0]: the loaded build's game_api, written by hr */
    host_services services;

    void *state;         /* the live state block, NULL until the first good build */
    uint64_t state_size; /* its layout, taken from the build that created it */
    uint32_t state_version;
    uint64_t state_hash;    /* the build's state_hash, else the hash of layout, else 0 */
    host_layout *layout;    /* the loaded build's state_type read from its debug information
                               (once per load, by validate); NULL without one */
    int told_no_debug_info; /* the fallback for a build without -g was reported */
    int needs_init;         /* init did not finish on this block */

    int reset_requested;        /* F5 is loading a build: the game is shut down, any layout
                                   goes, and the next build (or the running one) starts fresh */
    void *pending;              /* block prepared by validate, adopted on HR_RELOADED */
    pending_kind pending_kind;  /* what it holds: the reloaded event's state= field */
    char migrated_changes[480]; /* PENDING_MIGRATED: "+ float speed @24; ..." or "" */

    int crashed;            /* safe mode: call nothing of the game until a new build loads */
    int crashes;            /* crashes and hangs since the last new build */
    void *snapshot;         /* the block as it was before the current update or reload */
    uint64_t snapshot_size; /* bytes allocated for it */
    int snapshot_valid;     /* it holds the copy for the call in progress */
    char crash_text[1024];
    char status[512]; /* status bar text and until which frame it shows */
    uint64_t status_until;
    uint32_t status_color;
    int core_told;          /* the core's log hook got an info line in this check:
                               with HR_NOT_READY, a wait that is news (host_game.c) */
    uint64_t look_ns;       /* host_now_ns() as the last call into the core began */
    void *trusted;          /* the live block as it was before a state file replaced it */
    uint64_t trusted_size;  /* its bytes (the live layout's size) */
    uint64_t suspect_until; /* frame until which a crash is the loaded file's fault */
    char suspect_file[512]; /* that file */
    hr_range gone[HR_MAX_CODE_RANGES]; /* code of the build being unloaded, and its load number */
    int gone_count;
    unsigned gone_version;
} host_game_data;
extern host_game_data game;

static inline const game_api *loaded_api(void)
{
    return (const game_api *)game.slots[0];
}

/* host_game_call.c */

/* The one door into game code. A NULL hook is skipped. Returns 0, or the signal (or
 * HOST_GUARD_HANG) that stopped the call after reporting it; the caller decides what it means. */
int host_game_call(game_call *c);
/* Calls a hook of the loaded build on the live state; a crash or hang is recovered from
 * (state restored, build forbidden, one rollback, then safe mode). */
void host_game_call_live(game_hook hook, const game_input *input);
/* hr's unload hook: the outgoing build's unload on the live state, right before its code is
 * closed. A crash or hang there is reported and the state put back; the swap goes on (the
 * code is leaving anyway). */
void host_game_call_unload(void *const *slots, void *user);

/* host_game_state.c */

/* A zeroed block of size bytes (at least one cache line), or NULL when out of memory. */
void *host_game_alloc_block(uint64_t size);
/* Frees a block host_game_alloc_block made (letting the write tracker go of it first). */
void host_game_free_block(void *block);
/* Makes api's layout the live block's. */
void host_game_adopt_layout(const game_api *api);
/* hr's validate hook: runs while the old build is still loaded, before it is replaced. Refuses
 * a build of another GAME_API_VERSION or an absurd state_size; a changed layout is migrated or
 * started fresh (--reset, F5) into game.pending, else refused with the reason in why. */
int host_game_validate(void *const *slots, void *user, char *why, size_t why_size);
/* hr's prepare hook: starts reading the new build's state layout beside its pre-flight. */
void host_game_prepare(const char *copy, void *user);

/* host_game.c */

/* A build was just loaded: create the state (first build) or carry it over (reload).
 * report: 1 for a new build (a reloaded event), 0 after a rollback (already reported). */
void host_game_on_loaded(int report);

#endif /* HOST_GAME_INTERNAL_H */
