/* host_new.c - `livehost new [--template NAME] DIR`: writes a fresh game project that the host
 * runs with live reload at once (cd DIR && livehost): one game source against the contract,
 * its state in a header of its own, a copy of the contract, a Makefile that builds
 * build/game.so the safe way (with debug information, from which the host reads the state's
 * layout; libraries by pkg-config name in GAME_PKGS), and assets/. The default template is the
 * bouncing box below; the others (a game that uses SDL itself, a platformer, a menu game) are
 * in host_new_NAME.c, one file each, listed here.
 *
 * Owns nothing after it returns; writes nothing when any of its files is already there.
 */
#include "host_new.h"
#include "host_event.h"
#include "host_os.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char game_c[] =
    "/* game.c - a new livehost game. Save this file while `livehost` runs: it rebuilds\n"
    " * build/game.so and the window runs the new code, with the state kept.\n"
    " * Everything the game remembers lives in my_state (game_state.h; the host keeps it\n"
    " * across reloads); the contract is include/game_api.h. */\n"
    "#include \"game_api.h\"\n"
    "#include \"game_state.h\"\n"
    "\n"
    "/* Try these while it runs. */\n"
    "#define BACKGROUND GAME_RGBA(30, 30, 46, 255)\n"
    "#define BOX_COLOR GAME_RGBA(250, 180, 60, 255)\n"
    "#define BOX_SPEED 180.0f /* pixels per second */\n"
    "\n"
    "static void my_init(void *state, const host_services *host)\n"
    "{\n"
    "    my_state *s = state;\n"
    "    s->x = host->width / 3.0f;\n"
    "    s->y = host->height / 3.0f;\n"
    "    s->dx = s->dy = 1;\n"
    "    host->log(\"new game\");\n"
    "}\n"
    "\n"
    "static void my_reload(void *state, const host_services *host)\n"
    "{\n"
    "    const my_state *s = state;\n"
    "    host->log(\"reloaded at tick=%llu\", s->ticks);\n"
    "}\n"
    "\n"
    "static void my_update(void *state, const host_services *host, const game_input *in)\n"
    "{\n"
    "    my_state *s = state;\n"
    "    const float size = 40;\n"
    "    s->ticks++;\n"
    "    if (in->pressed & GAME_BUTTON_ACTION)\n"
    "        s->dx = -s->dx;\n"
    "    s->x += s->dx * BOX_SPEED * host->dt;\n"
    "    s->y += s->dy * BOX_SPEED * host->dt;\n"
    "    if (s->x < 0 || s->x + size > host->width)\n"
    "        s->dx = -s->dx;\n"
    "    if (s->y < 0 || s->y + size > host->height)\n"
    "        s->dy = -s->dy;\n"
    "}\n"
    "\n"
    "static void my_render(const void *state, const host_services *host)\n"
    "{\n"
    "    const my_state *s = state;\n"
    "    host->clear(BACKGROUND);\n"
    "    host->fill_rect(s->x, s->y, 40, 40, BOX_COLOR);\n"
    "    host->draw_text(8, 8, 2, GAME_RGBA(255, 255, 255, 255), \"edit game/game.c and save\");\n"
    "}\n"
    "\n"
    "GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {\n"
    "    .api_version = GAME_API_VERSION,\n"
    "    .state_size = sizeof(my_state),\n"
    "    .state_type = \"my_state\", /* the host reads its layout from the debug information */\n"
    "    .init = my_init,\n"
    "    .reload = my_reload,\n"
    "    .update = my_update,\n"
    "    .render = my_render,\n"
    "};\n";

static const char game_state_h[] =
    "/* game_state.h - everything the game remembers: the host keeps this block across reloads.\n"
    " * Change it freely. The host reads its layout from each build's debug information (-g) and\n"
    " * carries the running game's values over by field name: fields added, removed, reordered,\n"
    " * widened, arrays grown. What it cannot carry safely (a pointer that moved, a changed\n"
    " * union) is refused with the field named; then F5 starts the game fresh, or a migrate\n"
    " * hook carries the state over.\n"
    " * Values only: a pointer into the game's code or strings would dangle after a reload. */\n"
    "#ifndef GAME_STATE_H\n"
    "#define GAME_STATE_H\n"
    "\n"
    "typedef struct my_state {\n"
    "    float x, y;   /* the box's top-left corner */\n"
    "    float dx, dy; /* its direction, -1 or 1 */\n"
    "    unsigned long long ticks;\n"
    "} my_state;\n"
    "\n"
    "#endif\n";

/* The Makefile; %s is the value of GAME_PKGS. */
static const char makefile[] =
    "# Makefile - builds the game as build/game.so for livehost.\n"
    "# It links to a temporary name and renames it into place, so the running host never sees\n"
    "# half a library. `livehost` in this directory runs this build after every save, with -j\n"
    "# (one compiler per processor).\n"
    "CC ?= cc\n"
    "# One short line per step (\"  CC   game/game.c\", \"  LD   build/game.so\"); the compiler's\n"
    "# own messages come in full. V=1 prints the commands instead, and so do -n (the commands are\n"
    "# what it is asked for) and -s (the compiler's messages only: livehost's build after a save).\n"
    "# The step's name is coloured on a terminal, unless NO_COLOR is set.\n"
    "V ?=\n"
    "MAKE_SHORT_FLAGS := $(filter-out --%%,$(firstword -$(MAKEFLAGS)))\n"
    "ifeq ($(filter-out 0,$(V))$(findstring s,$(MAKE_SHORT_FLAGS))$(findstring n,$(MAKE_SHORT_FLAGS)),)\n"
    "Q := @\n"
    "say = if [ -t 1 ]$(if $(NO_COLOR), && false); then printf '  \\033[32m%%-4s\\033[0m %%s\\n' '$(1)' '$(2)'; \\\n"
    "      else printf '  %%-4s %%s\\n' '$(1)' '$(2)'; fi;\n"
    "endif\n"
    "# Libraries the game links: pkg-config names (e.g. sdl2 SDL2_ttf SDL2_image) and anything\n"
    "# else (-lfoo). They stay loaded for the whole run, across every reload.\n"
    "GAME_PKGS ?=%s\n"
    "GAME_LIBS ?= -lm\n"
    "PKG_CFLAGS := $(if $(strip $(GAME_PKGS)),$(shell pkg-config --cflags $(GAME_PKGS)))\n"
    "PKG_LIBS := $(if $(strip $(GAME_PKGS)),$(shell pkg-config --libs $(GAME_PKGS)))\n"
    "# -g: the host reads the state's layout (my_state) from the debug information.\n"
    "CFLAGS ?= -std=c11 -g -O0 -Wall -Wextra\n"
    "# One exported symbol; -fno-gnu-unique (gcc) lets dlclose really unload the old build;\n"
    "# -z defs makes an undefined symbol a link error here, not a refused build later (tcc, the\n"
    "# fastest rebuilds with CC=tcc, does not know it: the host names such a symbol instead).\n"
    "# Whether $(CC) takes -fno-gnu-unique is asked once and kept in build/, not at every build.\n"
    "space := $(subst ,, )\n"
    "UNIQUE_FILE := build/cc-unique.$(subst /,_,$(subst $(space),_,$(CC)))\n"
    "UNIQUE := $(file <$(UNIQUE_FILE))\n"
    "ifeq ($(wildcard $(UNIQUE_FILE)),)\n"
    "UNIQUE := $(shell mkdir -p build && $(CC) -fno-gnu-unique -E -x c /dev/null >/dev/null 2>&1 && \\\n"
    "            echo -fno-gnu-unique)\n"
    "$(file >$(UNIQUE_FILE),$(UNIQUE))\n"
    "endif\n"
    "Z_DEFS := -Wl,-z,defs\n"
    "IS_TCC := $(filter tcc,$(notdir $(CC)))\n"
    "GAME_FLAGS := -Iinclude -fPIC -fvisibility=hidden -fstack-clash-protection $(UNIQUE)\n"
    "LINK_FLAGS := -shared $(if $(IS_TCC),,$(Z_DEFS))\n"
    "# Header dependencies: -MMD -MP (tcc writes the same file with -MD -MF).\n"
    "DEP_FLAGS = $(if $(IS_TCC),-MD -MF $(@:.o=.d),-MMD -MP)\n"
    "SRC := $(wildcard game/*.c)\n"
    "OBJ := $(SRC:game/%%.c=build/obj/%%.o)\n"
    "\n"
    "# Each source compiles on its own, side by side with make -j, and again only when it, a\n"
    "# header it includes, the compiler (build/cc) or this Makefile changed. LIVEHOST_REBUILD: set\n"
    "# by livehost for a build after saves made during the last one (an object written then may\n"
    "# hold the old text): every one compiles.\n"
    "build/game.so: $(OBJ) build/sources Makefile\n"
    "\t$(Q)$(call say,LD,$@)$(CC) $(CFLAGS) $(LINK_FLAGS) $(OBJ) -o $@.tmp $(PKG_LIBS) $(GAME_LIBS)\n"
    "\t$(Q)mv -f $@.tmp $@\n"
    "build/obj/%%.o: game/%%.c build/cc Makefile $(if $(LIVEHOST_REBUILD),FORCE) | build/obj\n"
    "\t$(Q)$(call say,CC,$<)$(CC) $(CFLAGS) $(PKG_CFLAGS) $(GAME_FLAGS) $(DEP_FLAGS) -c $< -o $@\n"
    "build/obj:\n"
    "\t$(Q)mkdir -p $@\n"
    "-include $(wildcard build/obj/*.d)\n"
    "\n"
    "# The list of sources and the compiler, each rewritten only when it changes: a deleted file\n"
    "# relinks the game, another compiler compiles it again (tcc cannot link gcc's objects).\n"
    "ifneq ($(file <build/sources),$(SRC))\n"
    "$(shell mkdir -p build)\n"
    "$(file >build/sources,$(SRC))\n"
    "endif\n"
    "ifneq ($(file <build/cc),$(CC))\n"
    "$(shell mkdir -p build)\n"
    "$(file >build/cc,$(CC))\n"
    "endif\n"
    "\n"
    "# make release: the game linked into one plain program, build/release/NAME (default: this\n"
    "# directory's name), with all of assets/ copied beside it: no hot reload, no compiler to\n"
    "# run it. The game is compiled and linked with GAME_PKGS and GAME_LIBS, as above.\n"
    "# It links the host's libhost.a: `make install` of livehost puts it in PREFIX/lib/livehost/,\n"
    "# found here beside the livehost on PATH; a host built in its source tree has it in\n"
    "# build/release/libhost.a there: make release LIVEHOST_LIB=/path/to/build/release/libhost.a\n"
    "NAME ?= $(notdir $(CURDIR))\n"
    "LIVEHOST_LIB ?= $(dir $(shell command -v livehost))../lib/livehost/libhost.a\n"
    "release: $(SRC) $(wildcard game/*.h) include/game_api.h\n"
    "\t@test -f '$(LIVEHOST_LIB)' || { echo 'make release: no libhost.a at $(LIVEHOST_LIB);' \\\n"
    "\t    'make install livehost, or set LIVEHOST_LIB' >&2; exit 1; }\n"
    "\t@mkdir -p build/release\n"
    "\t$(Q)$(call say,LD,build/release/$(NAME))$(CC) $(CFLAGS) -O2 $(PKG_CFLAGS) -Iinclude \\\n"
    "\t    -fvisibility=hidden \\\n"
    "\t    $(SRC) '$(LIVEHOST_LIB)' -o build/release/$(NAME).tmp $(PKG_LIBS) $(GAME_LIBS) \\\n"
    "\t    $$(pkg-config --libs sdl2 libdw) -ldl -lpthread -lm\n"
    "\t$(Q)mv -f build/release/$(NAME).tmp build/release/$(NAME)\n"
    "\t$(Q)$(call say,CP,build/release/assets)rm -rf build/release/assets && \\\n"
    "\t    cp -r assets build/release/assets\n"
    "\n"
    "clean:\n"
    "\trm -rf build\n"
    ".PHONY: clean release FORCE\n";

static const host_new_template box_template = {
    .name = "box",
    .about = "a box bouncing around: the smallest game (the default)",
    .game_c = game_c,
    .state_h = game_state_h,
    .pkgs = "",
};

static const host_new_template *const templates[] = {
    &box_template,
    &host_new_sdl_template,
    &host_new_platformer_template,
    &host_new_menu_template,
};
enum {
    TEMPLATE_COUNT = sizeof templates / sizeof templates[0],
    ASSETS_MAX = 8 /* files a template's assets() may make */
};

const host_new_template *host_new_template_find(const char *name)
{
    for (size_t i = 0; i < TEMPLATE_COUNT; i++)
        if (strcmp(templates[i]->name, name) == 0)
            return templates[i];
    return NULL;
}

void host_new_print_templates(FILE *out)
{
    for (size_t i = 0; i < TEMPLATE_COUNT; i++)
        fprintf(out, "  %-12s %s\n", templates[i]->name, templates[i]->about);
}

static const char gitignore[] = "/build/\n/livehost.state\n/livehost.png\n";

static int fail(const char *what, const char *path)
{
    char why[1200];
    snprintf(why, sizeof why, "%s %s: %s", what, path, strerror(errno));
    host_event(ERROR, HOST_TEXT("reason", why));
    return 1;
}

/* Writes text to dir/name, refusing to replace anything. */
static int write_new(const char *dir, const char *name, const char *text, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wx");
    if (!f)
        return fail("cannot create", path);
    int ok = fwrite(text, 1, len, f) == len;
    if (fclose(f) != 0 || !ok)
        return fail("cannot write", path);
    return 0;
}

/* The contract header, from the source tree (build/host -> include/) or an install
 * (PREFIX/bin/livehost -> PREFIX/include/livehost/). */
static FILE *open_contract(const char *exe_path, char *path, size_t size)
{
    const char *slash = strrchr(exe_path, '/');
    char exe_dir[4096];
    snprintf(exe_dir, sizeof exe_dir, "%.*s", slash ? (int)(slash - exe_path) : 1,
             slash ? exe_path : ".");
    /* build/host, build/asan/host (a second build directory), PREFIX/bin/livehost. */
    const char *const candidates[] = { "../include/game_api.h", "../../include/game_api.h",
                                       "../include/livehost/game_api.h" };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        int n = snprintf(path, size, "%s/%s", exe_dir, candidates[i]);
        FILE *f = n > 0 && (size_t)n < size ? fopen(path, "rb") : NULL; /* no cut-off path */
        if (f)
            return f;
    }
    return NULL;
}

int host_new_project(const char *dir, const char *exe_path, const host_new_template *tpl)
{
    char path[4096] = "";
    FILE *contract = open_contract(exe_path, path, sizeof path);
    if (!contract) {
        errno = ENOENT;
        return fail("cannot find game_api.h beside the host, last tried", path);
    }
    static char header[1 << 16];
    size_t header_len = fread(header, 1, sizeof header, contract);
    fclose(contract);

    static char make_text[sizeof makefile + 64];
    int make_len = snprintf(make_text, sizeof make_text, makefile, tpl->pkgs);
    host_new_file files[5 + ASSETS_MAX] = {
        { "game/game.c", tpl->game_c, strlen(tpl->game_c) },
        { "game/game_state.h", tpl->state_h, strlen(tpl->state_h) },
        { "include/game_api.h", header, header_len },
        { "Makefile", make_text, (size_t)make_len },
        { ".gitignore", gitignore, sizeof gitignore - 1 },
    };
    const size_t file_count = 5 + (size_t)(tpl->assets ? tpl->assets(files + 5, ASSETS_MAX) : 0);
    /* All or nothing: half a project next to someone's own files would not build. */
    for (size_t i = 0; i < file_count; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        if (access(path, F_OK) == 0) {
            char why[4200];
            snprintf(why, sizeof why,
                     "nothing written: %s is already there; choose a new or empty directory", path);
            host_event(ERROR, HOST_TEXT("reason", why));
            return 1;
        }
    }
    if (host_os_mkdir(dir) != 0 && errno != EEXIST)
        return fail("cannot create", dir);
    const char *const subdirs[] = { "game", "include", "assets" };
    for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, subdirs[i]);
        if (host_os_mkdir(path) != 0 && errno != EEXIST)
            return fail("cannot create", path);
    }
    for (size_t i = 0; i < file_count; i++)
        if (write_new(dir, files[i].name, files[i].data, files[i].len))
            return 1;
    printf("A new game is in %s. Run it with live reload:\n\n"
           "    cd %s && %s\n\n"
           "then edit game/game.c and save: the host rebuilds it and runs the new code.\n"
           "Images and sounds go in assets/.\n",
           dir, dir, exe_path);
    return 0;
}
