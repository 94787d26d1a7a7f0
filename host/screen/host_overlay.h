/* host_overlay.h - the in-window overlay: F1, --overlay, --no-overlay (host_overlay.c), and what it
 * shows of the game (host_game_info_get, host_game.c).
 */
#ifndef HOST_OVERLAY_H
#define HOST_OVERLAY_H

#include "host_args.h"
#include "host_event.h"

#include <stdint.h>

void host_overlay_open(const host_args *args);
/* The drawing area changed size. */
void host_overlay_resize(int width, int height);
void host_overlay_close(void);
/* F1. */
void host_overlay_toggle(void);
int host_overlay_is_visible(void);
/* A host_event_listener (main adds it): problems to show, good builds that clear them, and
 * the timeline of the last change (build-start, library-landed, build-ok or build-failed,
 * loaded or reloaded). */
void host_overlay_on_event(const host_event_data *event);
/* Frame timing: at the top of the frame, and around host_game_check(). */
void host_overlay_frame_begin(void);
void host_overlay_check_begin(void);
void host_overlay_check_end(void);
/* Draws the overlay over the frame (after the game and the host's screens, before present). */
void host_overlay_render(void);

/* What the overlay shows of the game (host_game.c): the loaded build and the last load's
 * phases (hr_last_timing). */
typedef struct host_game_info {
    unsigned version;      /* hr_version: successful loads so far */
    uint64_t state_size;   /* bytes of the live state block, 0 while there is none */
    uint64_t copy_ns;      /* copying the build into the private directory */
    uint64_t check_ns;     /* its structural check */
    uint64_t preflight_ns; /* the separate-process load */
    uint64_t load_ns;      /* dlopen, symbol lookups and validate, dlclose of the old copy */
    uint64_t look_ns;      /* host_now_ns() as the last look at the build began */
} host_game_info;
void host_game_info_get(host_game_info *out);

#endif /* HOST_OVERLAY_H */
