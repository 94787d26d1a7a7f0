/* host_inspect.h - the live state inspector's model: every field of the game's state block
 * (its layout read from the build's debug information) with its current value as text, edits
 * of one field by name, and the model printed as event lines. The panel (host_inspect_panel.c)
 * and the --script actions `inspect` and `set` both go through it.
 */
#ifndef HOST_INSPECT_H
#define HOST_INSPECT_H

#include <stddef.h>
#include <stdint.h>

enum {
    HOST_INSPECT_PATH_MAX = 256, /* bytes of a row's path: "items[11].speed" */
    HOST_INSPECT_VALUE_MAX = 96, /* bytes of a row's value text */
};

/* One row of the model: a field, an array element, or a field of an array's element. */
typedef struct host_inspect_row {
    char path[HOST_INSPECT_PATH_MAX];   /* "speed", "pos.x", "items[3].kind", "grid[2]" */
    char value[HOST_INSPECT_VALUE_MAX]; /* "12.5", "true", "STAR", "0x7f00...", "{4 fields}" */
    const char *type;                   /* as declared: "float", "struct item[12]" uses dims */
    const char *dims;                   /* "[12]" for a whole array; else "" */
    int depth;                          /* 0 at the top, one more per level it is nested */
    int foldable;                       /* 1: an array or struct, with rows beneath it */
    int editable;                       /* 1: a number, bool or enum that can be changed */
    int field;                          /* its field's index in the live layout */
    uint64_t bit;                       /* where its value starts in the block, in bits */
} host_inspect_row;

/* Called for each row; returns 1 to go into a foldable row's rows, 0 to leave it folded, -1
 * to end the walk. */
typedef int (*host_inspect_visit)(void *user, const host_inspect_row *row);

/* Walks the live state's rows in declaration order, depth first. Returns the number of rows
 * visited, or -1 with the reason in why when there is no layout to walk (no game, no
 * state_type, no debug information). */
int host_inspect_walk(host_inspect_visit visit, void *user, char *why, size_t why_size);

/* Prints one `inspect field=PATH type=TYPE value=VALUE` event per row, every array and struct
 * opened; or one `inspect-unavailable reason=...` event. */
void host_inspect_dump(void);

/* Sets the field at path ("player.speed", "items[3].x") to text (a number, true/false, an
 * enumerator's name) in the live block and logs `state-edit field= from= to=`; an unknown
 * field, a value that does not parse or fit, a field that is no number logs
 * `state-edit-failed field= reason=`. Returns 0 or -1. */
int host_inspect_set(const char *path, const char *text);

/* Changes the number at path by steps (+1, -1; big: ten times the step: 10 for integers, 1
 * for floats), flips a bool, or moves an enum to its next or previous enumerator, through
 * host_inspect_set. Returns 0 or -1. */
int host_inspect_step(const char *path, int steps, int big);

/* ---- host_inspect_panel.c: the panel on screen ---- */

/* The panel's key (--key inspect=KEY) opens or closes it. */
void host_inspect_panel_toggle(void);
int host_inspect_panel_is_open(void);
/* Takes a key press while the panel is open (Up, Down, Enter, Left, Right, Space, with Shift):
 * returns 1 when the panel used it (the game does not see it). */
int host_inspect_panel_key(int scancode, int shift);
/* Takes a mouse click or wheel turn at window pixel (x, y): returns 1 when the panel used it. */
int host_inspect_panel_click(int x, int y);
int host_inspect_panel_wheel(int x, int y, int steps, int shift);
/* Draws the panel over the game (nothing while it is closed), with this frame's values. */
void host_inspect_panel_render(int width, int height);

#endif /* HOST_INSPECT_H */
