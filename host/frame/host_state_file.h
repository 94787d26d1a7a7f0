/* host_state_file.h - the state block and recordings on disk: F4, F9, --save-state, --load-state
 * (host_state_file.c).
 */
#ifndef HOST_STATE_FILE_H
#define HOST_STATE_FILE_H

#include "game_api.h"
#include "host_args.h"
#include "host_game.h"

#include <stddef.h>
#include <stdint.h>

#define HOST_STATE_DEFAULT_PATH "livehost.state" /* F4 / F9 without --save-state */

enum {
    HOST_STATE_FILE_STATE,
    HOST_STATE_FILE_RECORDING
};

/* What a state file or a recording holds. */
typedef struct host_state_data {
    host_game_layout layout; /* of the block */
    void *state;             /* layout.size bytes */
    game_input *inputs;      /* a recording's inputs, one per update; NULL in a state file */
    uint64_t input_count;    /* entries in inputs */
    char *layout_text;       /* the block's layout as host_layout_text, owned; NULL: not known */
} host_state_data;

/* Writes data as kind (HOST_STATE_FILE_*) to path (through path.tmp and a rename).
 * Returns 0, or -1 with the reason in why. */
int host_state_file_write(const char *path, int kind, const host_state_data *data, char *why,
                          size_t why_size);
/* Reads and checks a file of that kind into out (the caller frees it with
 * host_state_file_free). Returns 0, or -1 with the reason in why (out is then empty). Whether
 * the layout suits the game is host_game_adopt()'s question. */
int host_state_file_read(const char *path, int kind, host_state_data *out, char *why,
                         size_t why_size);
void host_state_file_free(host_state_data *data);
/* Remembers the file names of --save-state and --load-state. */
void host_state_open(const host_args *args);
/* F4 / F9, and --load-state as soon as the game runs. */
void host_state_frame(unsigned actions);
/* --save-state: writes the block at exit. */
void host_state_close(void);
/* --save-state for a host that ends itself stuck: writes the live block with open/write/rename
 * only (safe on the watchdog thread while the main thread is stuck) and puts
 * "state-saved=FILE" or "state-save-failed=FILE" into fields (size bytes). Returns 1, or 0
 * when there is nothing to save (no --save-state, no game running). */
int host_state_save_stuck(char *fields, size_t size);

#endif /* HOST_STATE_FILE_H */
