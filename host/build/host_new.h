/* host_new.h - `livehost new DIR`: a new game project from a template (host_new.c, one file per
 * template besides the default: host_new_sdl.c, host_new_platformer.c, host_new_menu.c).
 */
#ifndef HOST_NEW_H
#define HOST_NEW_H

#include <stddef.h>
#include <stdio.h>

/* One file of a new project: its path in the project, its bytes. */
typedef struct host_new_file {
    const char *name; /* e.g. "assets/hero.bmp" */
    const char *data;
    size_t len;
} host_new_file;

/* What `livehost new --template NAME` writes besides the contract, Makefile and .gitignore. */
typedef struct host_new_template {
    const char *name;    /* NAME of --template */
    const char *about;   /* one line for --help */
    const char *game_c;  /* game/game.c */
    const char *state_h; /* game/game_state.h */
    const char *pkgs;    /* GAME_PKGS of its Makefile (pkg-config names, " sdl2"); "" for none */
    /* Makes the template's assets (images, sounds) into files (at most max), returning how
     * many; their data stays valid until the next call. NULL: assets/ starts empty. */
    int (*assets)(host_new_file *files, int max);
} host_new_template;

/* The template called name ("box", "sdl", "platformer", "menu"), or NULL. */
const host_new_template *host_new_template_find(const char *name);
/* Prints one line per template (name and about) for --help. */
void host_new_print_templates(FILE *out);
/* Writes a new game project of template tpl into dir (game/game.c, include/game_api.h,
 * Makefile, assets/), never replacing a file. exe_path: the running host, to find the
 * contract header beside it. Returns the process exit code: 0, or 1 after an "error" event. */
int host_new_project(const char *dir, const char *exe_path, const host_new_template *tpl);
/* The templates besides the default box, each in a file of its own (host_new_NAME.c). */
extern const host_new_template host_new_sdl_template;
extern const host_new_template host_new_platformer_template;
extern const host_new_template host_new_menu_template;

#endif /* HOST_NEW_H */
