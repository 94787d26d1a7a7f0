/* host_game.h - the game slot: the library, the state block and every call into game code
 * (host_game.c, host_game_call.c, host_game_state.c; what those three share is
 * host_game_internal.h).
 */
#ifndef HOST_GAME_H
#define HOST_GAME_H

#include "game_api.h"
#include "host_args.h"

#include <stddef.h>
#include <stdint.h>

/* SDL's own, named here so that this header needs no SDL.h. */
struct SDL_Renderer;
struct host_layout;

/* Opens the library through hr and, if a good build is there, creates the state and calls
 * init. Without one the host shows a waiting screen until a good build appears.
 * Returns 0, or -1 when out of memory. */
int host_game_open(const host_args *args, struct SDL_Renderer *renderer);

/* Called at the first load, before init, with what the game would like its window to be. */
void host_game_on_window(void (*hook)(const game_window *want));
/* The renderer and drawing area the services hand the game (after host_video_apply, or a
 * resized window of a GAME_SCALE_NONE game). */
void host_game_set_view(struct SDL_Renderer *renderer, int width, int height);

/* Looks for a new build and reloads it (call once per frame). Returns 1 when a new build was
 * loaded and runs from now on. */
int host_game_check(void);
/* 1 while a new build is in its pre-flight: looking again at the end of the frame loads it
 * before the next update instead of a frame later. */
int host_game_is_checking(void);
/* F5: shuts the game down, loads the newest build and starts it with a fresh state. */
void host_game_reset(void);
/* One fixed step; frame is the host's frame counter. */
void host_game_update(const game_input *input, uint64_t frame);
/* Draws the game, or the waiting/crashed screen, plus the status bar. */
void host_game_render(void);
/* Calls shutdown, frees the state block, closes the library (removes its temp copies). */
void host_game_close(void);

/* The layout a state block was made for (the game_api fields of the build that made it). */
typedef struct host_game_layout {
    uint64_t size;    /* state_size */
    uint32_t version; /* state_version */
    uint64_t hash;    /* state_hash; 0 = not checked */
} host_game_layout;

/* The live state block and its layout (layout may be NULL), or NULL while there is none or
 * init has not finished on it. Owned by host_game.c: valid until the next host_game_* call
 * (a reload may migrate it into a new block). Callers may write an earlier copy of the same
 * layout into it (rewind); a game stopped by a crash stays stopped until a new build loads. */
void *host_game_state(host_game_layout *layout);
/* The live block's layout read from the build's debug information (host_layout.h), or NULL
 * with the reason in why: no game yet, no state_type, no debug information. Owned by
 * host_game.c: valid until the next build loads. */
const struct host_layout *host_game_live_layout(char *why, size_t why_size);
/* 1 while updates run: a build is loaded, the state is initialised, no crash stopped it. */
int host_game_is_running(void);
/* Puts a saved block (a state file, a recording's snapshot) into the live one: copied when
 * the layout matches, else converted by the loaded build's migrate hook (under the crash
 * guard) or, when the game exports none and both layouts are known, by field name
 * (host_layout_migrate). layout_text: the saved block's layout as host_layout_text, or NULL
 * (not known: a format 2 file, a build without debug information); with it and the live
 * layout known, the fields decide whether the layouts differ, not the hashes.
 * Returns 0 (copied), 1 (migrated: the live block is a new one; note holds the field-level
 * difference, "" when a layout is not known), or -1 with the reason in note (no game
 * running, the layout differs and no migration takes it: the field it stopped at is named);
 * the live block is then untouched. from_file: the file the block was read from, or NULL. A
 * block from a file may hold what is not valid in this process (raw pointers of the process
 * that saved it): a crash in the game's first second on it is blamed on the file, not the
 * build (see HOST_GAME_SUSPECT_FRAMES). */
int host_game_adopt(const void *block, const host_game_layout *layout, const char *layout_text,
                    const char *from_file, char *note, size_t note_size);
/* The canonical text of the live state's layout (host_layout_text), "" when it is not known
 * (no state_type, no debug information). Valid until the next reload; plain reads only, so
 * the watchdog thread may call it. */
const char *host_game_layout_text(void);
/* F6: loads the current build again now, whether it changed or not; the state is kept. */
void host_game_force_reload(void);
/* The host's frame counter, once per frame whether updates run or not (paused, stopped by a
 * crash): the status bar's time runs on it. */
void host_game_frame(uint64_t frame);

#endif /* HOST_GAME_H */
