# livehost - top-level Makefile. Everything is built under $(B)/ (default build/).
#   make            core, host, game and examples
#   make run        install missing packages, build, open the window; the host rebuilds the
#                   game on every save under game/ and include/
#   make watch      rebuild the game library on every save under game/ and include/ (make run
#                   does that itself; watch is for a host started some other way)
#   make debug      the host under gdb; breakpoints on game code survive reloads
#   make screenshots  the README's overlay picture, taken by the test suite
#   make test       install missing packages, build, run the whole test suite
#   make asan       the same suite against an ASan+UBSan build in build/asan
#   make release    the game linked into one plain program, build/release/game, assets beside it
#   make install    install host, core, headers, pkg-config file, game, libhost.a (PREFIX, DESTDIR)
#   make win        the host, the demo game and the core for Windows (mingw-w64), in build/win
#   make win-test   make win, then its tests under wine (docs/WINDOWS.md)
#   make format     clang-format the sources (format-check: fail on any difference)
#   make analyze    clang-tidy: static analyzer and bug-prone checks (ANALYZE_JOBS files at a time)
#   make clean      remove build/ (make clean B=DIR: remove DIR only)
#   make bench      benchmarks: every figure next to its floor, one table (docs/PERFORMANCE.md)
# Knobs: CC, CFLAGS, LDFLAGS, BUILD=debug|release, HOST_FLAGS (passed to the host by make run),
#        SDL2_MINGW_DIR (make win's SDL2, default build/win/sdl2),
#        GAME_CC (compiler of the game library alone, e.g. tcc for the fastest rebuilds),
#        RELEASE_NAME and RELEASE_CFLAGS (make release: the program's name, its flags),
#        V=1 (print each command in full instead of one short line per step).

CC ?= cc
BUILD ?= debug

# One short line per step ("  CC   host/main.c", "  LD   build/host"); the compilers' own
# messages still come in full. V=1 prints the commands instead, and so do -n (the commands are
# what it is asked for) and -s (nothing but the compilers' messages: the host's build after a
# save reads those, and starts no shell for a line it would drop). The step's name is coloured
# when stdout is a terminal and NO_COLOR is not set.
# MAKEFLAGS starts with make's one-letter options ("s", "ns"), if any.
V ?=
MAKE_SHORT_FLAGS := $(filter-out --%,$(firstword -$(MAKEFLAGS)))
ifeq ($(filter-out 0,$(V))$(findstring s,$(MAKE_SHORT_FLAGS))$(findstring n,$(MAKE_SHORT_FLAGS)),)
Q := @
say = if [ -t 1 ]$(if $(NO_COLOR), && false); then printf '  \033[32m%-4s\033[0m %s\n' '$(1)' '$(2)'; \
      else printf '  %-4s %s\n' '$(1)' '$(2)'; fi;
endif
B ?= build
SAN ?=
# $(B)/game.so when that is all this make is asked for (the host's build after a save): it
# then reads only the game's dependency files (see the -include lines).
GAME_ONLY := $(filter $(B)/game.so,$(MAKECMDGOALS))$(filter-out $(B)/game.so,$(MAKECMDGOALS))

ifeq ($(BUILD),release)
CFLAGS ?= -O2 -g
else
CFLAGS ?= -O0 -g3
endif
LDFLAGS ?=

WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wundef -Wvla -Wwrite-strings
DEPFLAGS = -MMD -MP
# Tests that compile programs against the build read the same flags from $SANFLAGS. The crash
# tests make the sanitizer report on purpose: unsymbolized, a report takes milliseconds, not
# the seconds that would outlast the pre-flight's time limit on a busy machine.
SANFLAGS_ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer
ifneq ($(SAN),)
SANFLAGS := $(SANFLAGS_ASAN)
endif
ALL_CFLAGS = $(WARN) $(DEPFLAGS) -Iinclude $(SANFLAGS) $(DWARF_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# Lazy (=) so that `make run`/`make test` can install pkg-config and SDL2 before first use.
SDL_CFLAGS = $(shell pkg-config --cflags sdl2)
SDL_LIBS = $(shell pkg-config --libs sdl2)
# libdw (elfutils) reads the game's state layout from its debug information (host_layout.c).
DW_LIBS = $(shell pkg-config --libs libdw)
STB_CFLAGS := -isystem /usr/include/stb
# SDL2 for mingw-w64 (make win, make analyze's Windows files), cross-built once from Debian's
# source package by scripts/sdl2-mingw.sh into SDL2_MINGW_DIR (shared by every B; CI points it at
# one directory for all its steps). A directory that already holds bin/SDL2.dll is used as it
# is: MSYS2's /mingw64, say.
SDL2_MINGW_DIR ?= build/win/sdl2
WIN_SDL_DLL := $(SDL2_MINGW_DIR)/bin/SDL2.dll

# gcc marks some symbols STB_GNU_UNIQUE, which makes dlclose a no-op; clang has no such flag.
# Which compiler CC is, is asked once per CC and kept in $(B)/obj/cc.kind, beside the CC it
# was asked of (cc.name): the host's build after a save starts no compiler just to ask.
# (make clean after pointing the same CC at another compiler.)
ifneq ($(file <$(B)/obj/cc.name),$(CC))
$(shell mkdir -p $(B)/obj)
$(file >$(B)/obj/cc.kind,$(shell $(CC) --version 2>/dev/null | grep -qi 'free software foundation' \
                            && echo gcc))
$(file >$(B)/obj/cc.name,$(CC))
endif
IS_GCC := $(filter gcc,$(file <$(B)/obj/cc.kind))
NO_UNIQUE := $(if $(IS_GCC),-fno-gnu-unique)
# clang 14 writes DWARF 5 that valgrind 3.19 cannot read (its debuginfo reader stops the run):
# DWARF 4 there, which libdw and gdb read as well. gcc's DWARF 5 is read fine.
DWARF_FLAGS := $(if $(IS_GCC),,-gdwarf-4)
# Game libraries: one exported symbol, position independent, every reference resolved at link
# time (-z defs), stack probes so a huge frame cannot jump the guard page.
# Sanitizer builds (SAN=1, or SANFLAGS from a test) leave __asan_* undefined in the library
# with clang, whose runtime lives in the host executable only: -z defs is left out there.
GAME_CFLAGS = -fPIC -fvisibility=hidden $(NO_UNIQUE) -fstack-clash-protection
ifeq ($(SAN)$(SANFLAGS),)
GAME_LDFLAGS = -shared -Wl,-z,defs
else
GAME_LDFLAGS = -shared
endif
# GAME_CC: compiler and linker of the game library alone (default: CC). `make watch GAME_CC=tcc`
# rebuilds the demo game about ten times faster than gcc -O0 (docs/PERFORMANCE.md). tcc has no
# -MMD/-MP (it writes the same file with -MD -MF) and no -z defs: those change for it only.
# A stamp holding the compiler's name changes with it, so no object of another compiler (which
# tcc cannot link) stays behind.
GAME_CC ?= $(CC)
ifeq ($(notdir $(GAME_CC)),tcc)
$(B)/obj/game/%.pic.o: DEPFLAGS = -MD -MF $(@:.o=.d)
$(B)/game.so: GAME_LDFLAGS = -shared
endif
# Read and written by make itself ($(file)): no shell is started for it at every make.
GAME_CC_STAMP := $(B)/obj/game/cc.stamp
ifneq ($(file <$(GAME_CC_STAMP)),$(GAME_CC))
$(shell mkdir -p $(B)/obj/game)
$(file >$(GAME_CC_STAMP),$(GAME_CC))
endif

# The core's platform seam: portable hr.c plus one file per OS service (see hr_platform.h).
# A port replaces the POSIX/ELF/inotify files here with its own.
CORE_SRC := host/core/hr.c host/core/hr_names.c host/core/hr_load.c host/core/hr_os_posix.c \
            host/core/hr_dl_posix.c host/core/hr_proc_posix.c host/core/hr_image_elf.c \
            host/core/hr_watch_poll.c
ifeq ($(shell uname -s),Linux)
CORE_SRC += host/core/hr_watch_inotify.c
endif
# The host's files, grouped by job: host/ holds main.c and what every part uses (the command
# line, the event log, the clocks, the OS seam); host/game/ the game slot and every call into it;
# host/frame/ input, scripts, time, recording and rewind; host/screen/ the window, drawing, fonts,
# assets and the overlay; host/sound/ the mixer; host/build/ builds on save and livehost new.
# Each directory is on the include path (HOST_INC): a file includes its neighbours' headers by
# name. The OS files sit side by side (host_os.h): *_win32.c are for `make win`, the rest are
# POSIX (and inotify, on Linux); host_layout_none.c stands in for host_layout_dwarf.c where there
# is no libdw.
HOST_DIRS := host host/game host/frame host/screen host/sound host/build
HOST_INC := $(HOST_DIRS:%=-I%)
HOST_SRC := $(filter-out %_win32.c %/host_layout_none.c,$(wildcard $(HOST_DIRS:%=%/*.c)))
GAME_SRC := $(wildcard game/*.c)
# tests/test_*_win32.c are Windows programs: `make win` builds them.
TEST_SRC := $(filter-out %_win32.c,$(wildcard tests/test_*.c))
TOOL_SRC := $(wildcard tests/tools/*.c)
FIXTURE_SRC := $(wildcard tests/fixtures/*.c)

CORE_OBJ := $(CORE_SRC:%.c=$(B)/obj/%.o)
HOST_OBJ := $(HOST_SRC:%.c=$(B)/obj/%.o)
GAME_OBJ := $(GAME_SRC:%.c=$(B)/obj/%.pic.o)
TESTS := $(TEST_SRC:tests/%.c=$(B)/tests/%)
TOOLS := $(TOOL_SRC:tests/tools/%.c=$(B)/tests/%)
LAYOUT_VARIANTS := inserted swapped padding widened grown nested code nodebug
FIXTURES := $(patsubst tests/fixtures/%.c,$(B)/tests/fixtures/%.so,$(filter-out %_win32.c,$(FIXTURE_SRC))) $(B)/tests/fixtures/fx_v1.o \
            $(LAYOUT_VARIANTS:%=$(B)/tests/fixtures/layout_%.so)
EXAMPLES := $(B)/examples/main $(B)/examples/library1.so $(B)/examples/library2.so

.PHONY: all run watch test tests asan clean deps deps-test examples compdb fuzz debug screenshots FORCE
all: $(B)/libhr.a $(B)/hr-preflight $(B)/host $(B)/game.so examples

$(B)/libhr.a: $(CORE_OBJ)
	@mkdir -p $(@D)
	$(Q)$(call say,AR,$@)$(AR) rcs $@ $^

# The pre-flight program the core starts to try a new build in a separate process.
$(B)/hr-preflight: host/core/hr_preflight_main.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< -o $@ -ldl

$(B)/obj/host/core/%.o: host/core/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $(STB_CFLAGS) -c $< -o $@

$(B)/host: $(HOST_OBJ) $(B)/libhr.a
	$(Q)$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) $(HOST_OBJ) $(B)/libhr.a -o $@ $(SDL_LIBS) $(DW_LIBS) -ldl -lpthread -lm

# The game: linked under a temporary name and renamed into place, so a running host never
# sees a half-written library. Its warnings are warnings, not errors (no -Werror): a build
# with an unused variable loads, and the host shows the warning (build-ok warnings=N). The
# host and the core stay -Werror.
$(B)/obj/game/%.pic.o: game/%.c $(GAME_CC_STAMP)
	$(Q)$(call say,CC,$<)$(GAME_CC) $(filter-out -Werror,$(ALL_CFLAGS)) $(GAME_CFLAGS) -c $< -o $@

# LIVEHOST_REBUILD (set by the host, and by make watch, for a build that follows saves made
# while the previous build ran): that build may have written objects from the old text after
# the save, newer than it; every game object is compiled again.
ifneq ($(LIVEHOST_REBUILD),)
$(GAME_OBJ): FORCE
endif

$(B)/game.so: $(GAME_OBJ) $(B)/gen/game_sources
	$(Q)$(call say,LD,$@)$(GAME_CC) $(ALL_LDFLAGS) $(GAME_LDFLAGS) $(GAME_OBJ) -o $@.tmp -lm
	$(Q)mv -f $@.tmp $@

# The list of game sources, rewritten only when it changes: a deleted file relinks the game
# (no object is newer then, yet the old library still holds that file's code). Compared and
# written by make itself while it reads this file: no shell, cmp or mkdir per build.
ifneq ($(file <$(B)/gen/game_sources),$(GAME_SRC))
$(shell mkdir -p $(B)/gen)
$(file >$(B)/gen/game_sources,$(GAME_SRC))
endif
FORCE:

# The seed demo: a plain program and two libraries, using only hr.h.
examples: $(EXAMPLES)
$(B)/examples/main: examples/main.c $(B)/libhr.a
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(B)/libhr.a -o $@ -ldl
$(B)/examples/%.so: examples/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(GAME_CFLAGS) $(GAME_LDFLAGS) $< -o $@.tmp
	$(Q)mv -f $@.tmp $@

# Tests: C unit tests, small tools the shell tests use, fixture libraries built from source.
tests: all release $(TESTS) $(TOOLS) $(FIXTURES)
$(B)/tests/test_%: tests/test_%.c $(B)/libhr.a
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $< $(B)/libhr.a -o $@ -ldl -lpthread
# The layout reader is the host's own code, tested on its own against the layout_* fixtures.
LAYOUT_OBJ := $(B)/obj/host/game/host_layout.o $(B)/obj/host/game/host_layout_dwarf.o \
              $(B)/obj/host/game/host_layout_diff.o
$(B)/tests/test_layout: tests/test_layout.c $(LAYOUT_OBJ)
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(HOST_INC) $(ALL_LDFLAGS) $< $(LAYOUT_OBJ) -o $@ $(DW_LIBS)
# The host's OS seam (directory watcher, the build's shell), tested with the core's processes.
OS_OBJ := $(B)/obj/host/host_dirwatch_inotify.o $(B)/obj/host/host_os_posix.o
$(B)/tests/test_os: tests/test_os.c $(OS_OBJ) $(B)/libhr.a
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(HOST_INC) $(ALL_LDFLAGS) $< $(OS_OBJ) $(B)/libhr.a -o $@ -ldl -lpthread
# The migration by field name reads the layouts of the test's own types: built with -g.
MIGRATE_OBJ := $(LAYOUT_OBJ) $(B)/obj/host/game/host_layout_migrate.o
$(B)/tests/test_migrate: tests/test_migrate.c $(MIGRATE_OBJ)
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) -g $(HOST_INC) $(ALL_LDFLAGS) $< $(MIGRATE_OBJ) -o $@ $(DW_LIBS) -lm
# The mixer is the host's own code too, tested without a device; the test listens to the
# host's event log.
AUDIO_OBJ := $(B)/obj/host/sound/host_audio.o $(B)/obj/host/sound/host_audio_file.o \
             $(B)/obj/host/host_event.o
$(B)/tests/test_audio: tests/test_audio.c $(AUDIO_OBJ)
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $(ALL_LDFLAGS) $< $(AUDIO_OBJ) -o $@ $(SDL_LIBS) -lm
$(B)/tests/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $(STB_CFLAGS) $(ALL_LDFLAGS) $< -o $@ $(SDL_LIBS) -lm
$(B)/tests/fixtures/%.so: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(GAME_CFLAGS) $(GAME_LDFLAGS) $< -o $@ -lm
$(B)/tests/fixtures/%.o: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(GAME_CFLAGS) -c $< -o $@
# tests/fixtures/layout.c is one state type in variants: layout.so is the base, layout_NAME.so
# the variant -DLAYOUT_NAME, layout_nodebug.so the base without debug information.
$(B)/tests/fixtures/layout_%.so: tests/fixtures/layout.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(GAME_CFLAGS) $(GAME_LDFLAGS) -DLAYOUT_$* $< -o $@
$(B)/tests/fixtures/layout_nodebug.so: tests/fixtures/layout.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(GAME_CFLAGS) $(GAME_LDFLAGS) -g0 $< -o $@
# Fixtures named undef_* reference a symbol nobody defines: no -z defs for them.
$(B)/tests/fixtures/undef_%.so: tests/fixtures/undef_%.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(ALL_CFLAGS) $(GAME_CFLAGS) -shared $< -o $@

deps:
	@scripts/deps.sh run
deps-test:
	@scripts/deps.sh test

# make run and make debug: the host watches game/ and include/ and runs this after every save,
# the recipe make watch runs, into the same $(B) and with the knobs given to this make (CC=...).
BUILD_KNOBS := CC CFLAGS LDFLAGS BUILD SAN GAME_CC
# flock: `make watch` in another terminal may build at the same moment; one build at a time.
# -j: the game's files compile side by side, GAME_JOBS at a time (default: the processors
# online); -Otarget keeps each compiler's messages together for the overlay.
GAME_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
HOST_BUILD_CMD ?= $(strip flock $(B)/.game-build.lock make -s -j$(GAME_JOBS) -Otarget B=$(B) \
                  $(foreach v,$(BUILD_KNOBS),$(if $(filter command line,$(origin $(v))),$(v)="$($(v))")) \
                  $(B)/game.so)
HOST_RUN_FLAGS = --game $(B)/game.so --build-cmd '$(HOST_BUILD_CMD)'

run: deps
	@$(MAKE) --no-print-directory all
	./$(B)/host $(HOST_RUN_FLAGS) $(HOST_FLAGS)

# The command make run gives the host: bench/run.sh runs it in a copy of this tree.
.PHONY: host-build-cmd
host-build-cmd:
	@echo '$(HOST_BUILD_CMD)'

# The host under gdb: the game library carries its symbols into every private copy, and
# scripts/livehost.gdb keeps breakpoints on game code (break game.c:60) across reloads.
debug: deps
	@command -v gdb >/dev/null || { echo "make debug needs gdb: apt-get install gdb" >&2; exit 1; }
	@$(MAKE) --no-print-directory all
	gdb -q -x scripts/livehost.gdb --args ./$(B)/host $(HOST_RUN_FLAGS) $(HOST_FLAGS)

# The README's pictures, taken by the test suite (never drawn by hand).
screenshots: deps-test
	@$(MAKE) --no-print-directory tests
	@B=$(B) CASES=compile_error_shown tests/test_host_overlay.sh
	cp $(B)/docs/overlay-compile-error.png docs/overlay-compile-error.png

watch: deps
	@scripts/watch.sh

test: deps-test
	@$(MAKE) --no-print-directory tests
	@B=$(B) tests/run.sh

asan: deps-test
	@$(MAKE) --no-print-directory B=build/asan SAN=1 tests
	@B=build/asan SANFLAGS="$(SANFLAGS_ASAN)" ASAN_OPTIONS=detect_leaks=0:symbolize=0 \
	    TEST_SKIP=win tests/run.sh

# Fuzzing the core's ELF check with libFuzzer (clang + libclang-rt-14-dev). New inputs go to
# $(B)/fuzz/corpus; tests/corpus/elf holds the seeds that the test suite replays.
FUZZ_SECONDS ?= 30
fuzz:
	@scripts/deps.sh fuzz
	@mkdir -p $(B)/fuzz/corpus
	clang $(WARN) -Iinclude -g -O1 -fsanitize=fuzzer,address,undefined \
	    tests/fuzz/fuzz_elf.c host/core/hr_image_elf.c -o $(B)/fuzz/fuzz_elf
	$(B)/fuzz/fuzz_elf -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    $(B)/fuzz/corpus tests/corpus/elf

compdb:
	bear -- $(MAKE) -B tests

# clean: everything built (build/), or only B when it is given (make clean B=build/asan).
clean:
	rm -rf $(if $(filter command line,$(origin B)),$(B),build compile_commands.json)

# ---- Shipping: make release ------------------------------------------------------------------
# One plain program, $(REL)/$(RELEASE_NAME), with the game linked in and its assets copied
# beside it: no hot reload, watcher or pre-flight, no compiler at run time. The host is built
# again with -DHOST_RELEASE=1 (its release defaults, host_version.h) and hr_static.c in place of the
# loading core: the same hr.h calls, resolved against host/release/host_release.c's table,
# which takes the game's API struct's address (no -rdynamic, no dlsym); hr_proc_posix.c only
# links the host's build code, which a release never runs. RELEASE_CFLAGS are
# BUILD=release's whatever BUILD says. The host goes into $(REL)/libhost.a as one object whose
# only global symbol is main (ld -r, then objcopy), so none of its names (game, host_*, stbi_*)
# can clash with a game's; the game's objects need no -fPIC. `make install` installs
# libhost.a, and the `make release` of a `livehost new` project links it the same way.
REL := $(B)/release
RELEASE_NAME ?= game
RELEASE_CFLAGS ?= -O2 -g
RELEASE_LIBS = $(SDL_LIBS) $(DW_LIBS) -ldl -lpthread -lm
OBJCOPY ?= objcopy
REL_CFLAGS = $(WARN) $(DEPFLAGS) -Iinclude $(RELEASE_CFLAGS)
REL_HOST_SRC := $(HOST_SRC) host/release/host_release.c host/core/hr_static.c \
                host/core/hr_names.c host/core/hr_dl_posix.c host/core/hr_proc_posix.c
REL_HOST_OBJ := $(REL_HOST_SRC:%.c=$(REL)/obj/%.o)
REL_GAME_OBJ := $(GAME_SRC:%.c=$(REL)/obj/%.o)
# copy_assets,DIR: every file under assets/ into DIR, subdirectories kept, since a game asks
# for an asset by its path in assets/ ("sfx/jump.wav"): images, sounds, fonts, whatever the
# game loads. Only make_assets.py, the script that draws the demo's images, is not shipped.
copy_assets = cd assets && find . ! -type d ! -name make_assets.py \
              -exec $(INSTALL) -D -m 644 {} '$(abspath $(1))/{}' \;

.PHONY: release
release: $(REL)/$(RELEASE_NAME)
	$(Q)rm -rf $(REL)/assets
	$(Q)mkdir -p $(REL)/assets
	$(Q)$(call say,CP,$(REL)/assets)$(call copy_assets,$(REL)/assets)

$(REL)/obj/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(REL_CFLAGS) -DHOST_RELEASE=1 $(HOST_INC) $(SDL_CFLAGS) $(STB_CFLAGS) -c $< -o $@
$(REL)/obj/game/%.o: game/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(REL_CFLAGS) -fvisibility=hidden -fstack-clash-protection -c $< -o $@
$(REL)/libhost.a: $(REL_HOST_OBJ)
	$(Q)$(call say,LD,$(REL)/libhost.o)$(LD) -r $^ -o $(REL)/libhost.o
	$(Q)$(OBJCOPY) --keep-global-symbol=main $(REL)/libhost.o
	$(Q)rm -f $@
	$(Q)$(call say,AR,$@)$(AR) rcs $@ $(REL)/libhost.o
$(REL)/$(RELEASE_NAME): $(REL_GAME_OBJ) $(REL)/libhost.a
	$(Q)$(call say,LD,$@)$(CC) $(LDFLAGS) $(REL_GAME_OBJ) $(REL)/libhost.a -o $@.tmp $(RELEASE_LIBS)
	$(Q)mv -f $@.tmp $@

ifneq ($(GAME_ONLY),$(B)/game.so)
-include $(wildcard $(REL)/obj/*/*.d $(REL)/obj/*/*/*.d)
endif

# ---- Install: make install, make uninstall -----------------------------------------------------
# Knobs: PREFIX (default /usr/local), DESTDIR (staging root, prepended to every path).
#   $(PREFIX)/bin/livehost, $(PREFIX)/bin/hr-preflight     the host and its pre-flight program
#                                                           (the host looks for it beside itself)
#   $(PREFIX)/lib/libhr.a, $(PREFIX)/lib/pkgconfig/livehost.pc
#   $(PREFIX)/lib/livehost/libhost.a                      the host of `make release` in a project
#   $(PREFIX)/include/livehost/hr.h, game_api.h
#   $(PREFIX)/share/livehost/game.so, share/livehost/assets/ the default game and its assets
# uninstall removes these files and the three livehost directories, nothing else.
PREFIX ?= /usr/local
DESTDIR ?=
VERSION ?= $(shell sed -n 's/^\#define LIVEHOST_VERSION "\(.*\)"/\1/p' host/host_version.h)
INSTALL ?= install
D = $(DESTDIR)$(PREFIX)

.PHONY: install uninstall
install: all $(REL)/libhost.a
	$(INSTALL) -d $(D)/bin $(D)/lib/pkgconfig $(D)/lib/livehost $(D)/include/livehost \
	    $(D)/share/livehost/assets
	$(INSTALL) -m 755 $(B)/host $(D)/bin/livehost
	$(INSTALL) -m 755 $(B)/hr-preflight $(D)/bin/hr-preflight
	$(INSTALL) -m 644 $(B)/libhr.a $(D)/lib/libhr.a
	$(INSTALL) -m 644 $(REL)/libhost.a $(D)/lib/livehost/libhost.a
	$(INSTALL) -m 644 include/hr.h include/game_api.h $(D)/include/livehost/
	sed 's/@VERSION@/$(VERSION)/' scripts/livehost.pc.in >$(D)/lib/pkgconfig/livehost.pc
	$(INSTALL) -m 755 $(B)/game.so $(D)/share/livehost/game.so
	$(call copy_assets,$(D)/share/livehost/assets)

uninstall:
	rm -f $(D)/bin/livehost $(D)/bin/hr-preflight $(D)/lib/libhr.a \
	    $(D)/lib/pkgconfig/livehost.pc
	rm -rf $(D)/include/livehost $(D)/share/livehost $(D)/lib/livehost

# ---- Format and analyse: make format, make format-check, make analyze ----------------------------
# clang-format 14 (.clang-format) over every C file of host/ game/ include/ tests/ examples/
# bench/. clang-tidy (.clang-tidy: the static analyzer and the bug-prone checks) over the
# sources, the Windows ones for the mingw-w64 target; fixture libraries are wrong on purpose
# and left out. System headers (SDL, stb) are -isystem so their style is not ours to judge.
CLANG_FORMAT ?= clang-format
CLANG_TIDY ?= clang-tidy
FORMAT_SRC = $(wildcard host/*.[ch] host/*/*.[ch] game/*.[ch] include/*.h tests/*.[ch] \
                        tests/*/*.[ch] examples/*.c bench/*.[ch])
WIN_ONLY_SRC = $(filter-out tests/fixtures/%,$(filter %_win32.c %_pe.c,$(FORMAT_SRC)))
ANALYZE_SRC = $(filter-out tests/fixtures/% %_win32.c %_pe.c %.h,$(FORMAT_SRC))

.PHONY: format format-check analyze
format:
	$(CLANG_FORMAT) -i $(FORMAT_SRC)
format-check:
	$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRC)
# clang-tidy's "N warnings generated" lines (what it hides in system headers) are left out.
# The Windows files of the host include SDL.h: make win's SDL2 headers (scripts/sdl2-mingw.sh).
# One clang-tidy per file, ANALYZE_JOBS at a time (default: the processors).
ANALYZE_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
tidy_each = printf '%s\n' $(1) | xargs -P$(ANALYZE_JOBS) -I{} $(CLANG_TIDY) --quiet {} -- $(2) 2>&1
analyze: | $(WIN_SDL_DLL)
	@out=$$($(call tidy_each,$(ANALYZE_SRC),$(WARN) -Iinclude $(HOST_INC) -Ihost/core \
	    $(patsubst -I%,-isystem %,$(SDL_CFLAGS)) $(STB_CFLAGS))); rc=$$?; \
	    printf '%s\n' "$$out" | grep -v -e 'warnings\? generated\.$$' -e '^$$'; exit $$rc
	@out=$$($(call tidy_each,$(WIN_ONLY_SRC),--target=x86_64-w64-mingw32 $(WARN) \
	    -D_WIN32_WINNT=0x0601 -Iinclude $(HOST_INC) -Ihost/core -DSDL_MAIN_HANDLED \
	    -D__USE_MINGW_ACCESS -isystem $(SDL2_MINGW_DIR)/include/SDL2 $(STB_CFLAGS))); rc=$$?; \
	    printf '%s\n' "$$out" | grep -v -e 'warnings\? generated\.$$' -e '^$$'; exit $$rc
	@echo "analyze: no findings"

# ---- Shell scripts: make lint-sh -----------------------------------------------------------------
# shellcheck (-x: it follows the suites' `. host_lib.sh`) over every shell script: CI's, scripts/,
# the test suites and the bench driver.
SH_SRC = .ci/run $(wildcard scripts/*.sh tests/*.sh bench/*.sh)

.PHONY: lint-sh
lint-sh:
	@scripts/deps.sh lint
	shellcheck -x $(SH_SRC)
	@echo "lint-sh: $(words $(SH_SRC)) scripts, no findings"

# ---- Windows: make win (cross build), make win-test (run under wine) --------------------------
# The core, its Windows unit test, hr-preflight.exe and the fixture DLLs, cross-built with
# mingw-w64 into $(WB)/; and the whole host, $(WB)/livehost.exe, with the demo game
# $(WB)/game.dll, SDL2.dll and hr-preflight.exe beside it (docs/WINDOWS.md). make win-test runs
# tests/test_win32.sh (the core) and tests/test_win_host.sh (the host) under wine, each in a
# private prefix.
# Same warnings as the native build. _WIN32_WINNT pins the oldest Windows the core may call
# into (7: GetFileInformationByHandleEx, CompareStringOrdinal, the process handle list).
WIN_CC ?= x86_64-w64-mingw32-gcc
WIN_AR ?= x86_64-w64-mingw32-ar
WIN_DLLTOOL ?= x86_64-w64-mingw32-dlltool
WIN_CFLAGS ?= -O1 -g
WB := $(B)/win
WIN_ALL_CFLAGS = $(WARN) $(DEPFLAGS) -D_WIN32_WINNT=0x0601 -Iinclude $(WIN_CFLAGS)
WIN_CORE_SRC := host/core/hr.c host/core/hr_names.c host/core/hr_load.c host/core/hr_win32.c \
                host/core/hr_os_win32.c host/core/hr_dl_win32.c host/core/hr_proc_win32.c \
                host/core/hr_image_pe.c host/core/hr_watch_win32.c host/core/hr_watch_poll.c
WIN_CORE_OBJ := $(WIN_CORE_SRC:%.c=$(WB)/obj/%.o)
# layout.c feeds the layout reader, which is Linux-only (libdw).
WIN_FIXTURES := $(filter-out %/undef_fx.dll %/layout.dll,$(FIXTURE_SRC:tests/fixtures/%.c=$(WB)/tests/fixtures/%.dll))

.PHONY: win win-test
win: $(WB)/libhr.a $(WB)/hr-preflight.exe $(WB)/tests/test_core_win32.exe $(WIN_FIXTURES) \
     $(WB)/tests/fixtures/undef_fx.dll $(WB)/livehost.exe $(WB)/game.dll $(WB)/SDL2.dll \
     $(WB)/tests/test_os_win32.exe \
     $(WB)/tests/test_guard_win32.exe
win-test:
	@B=$(B) tests/run.sh tests/test_win

$(WB)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(WIN_CC) $(WIN_ALL_CFLAGS) -c $< -o $@
$(WB)/libhr.a: $(WIN_CORE_OBJ)
	$(Q)$(call say,AR,$@)$(WIN_AR) rcs $@ $^
$(WB)/hr-preflight.exe: host/core/hr_preflight_win32.c $(WB)/libhr.a
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) -Ihost/core $< $(WB)/libhr.a -o $@
$(WB)/tests/%.exe: tests/%.c $(WB)/libhr.a
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) $< $(WB)/libhr.a -o $@
# The host's OS seam on Windows (host_os.h): its directory watcher, shell and clocks.
WIN_HOST_OS_OBJ := $(WB)/obj/host/host_dirwatch_win32.o $(WB)/obj/host/host_os_win32.o
$(WB)/tests/test_os_win32.exe: tests/test_os_win32.c $(WIN_HOST_OS_OBJ) $(WB)/libhr.a
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) $(HOST_INC) $< $(WIN_HOST_OS_OBJ) $(WB)/libhr.a -o $@

$(WIN_SDL_DLL):
	$(Q)$(call say,GEN,$@)SDL2_MINGW_DIR='$(SDL2_MINGW_DIR)' scripts/sdl2-mingw.sh
$(WB)/SDL2.dll: $(WIN_SDL_DLL)
	@mkdir -p $(@D)
	$(Q)$(call say,CP,$@)cp -f $< $@

# The crash guard's Windows files and their test (nothing here links SDL).
WIN_GUARD_SRC := host/game/host_guard_win32.c host/game/host_guard_code.c \
                 host/game/host_dirty_win32.c host/game/host_crash_where.c \
                 host/game/host_crash_where_win32.c
WIN_GUARD_OBJ := $(WIN_GUARD_SRC:%.c=$(WB)/obj/%.o)
$(WIN_GUARD_OBJ) $(WB)/obj/tests/test_guard_win32.o: \
    WIN_ALL_CFLAGS += $(HOST_INC) -isystem $(SDL2_MINGW_DIR)/include/SDL2
$(WB)/obj/tests/test_guard_win32.o: | $(WIN_SDL_DLL)
$(WB)/tests/test_guard_win32.exe: $(WB)/obj/tests/test_guard_win32.o $(WIN_GUARD_OBJ)
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) $^ -o $@
# DLLs link their own copy of libgcc: nothing beside them but what Windows itself has.
$(WB)/tests/fixtures/%.dll: tests/fixtures/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) -shared -static-libgcc $< -o $@

# The host: its portable files, the _win32 ones of its OS seam, and host_layout_none.c (no
# libdw: a game's state is compared as a build without debug information is, docs/WINDOWS.md).
# SDL_MAIN_HANDLED: the host's own main(), a console program that prints its event lines, not
# SDL2main's WinMain. __USE_MINGW_ACCESS: access(X_OK) as POSIX programs expect it.
# winpthread (the host's threads) linked in, libgcc too: SDL2.dll is the only DLL beside it.
WIN_HOST_SRC := $(filter-out %_posix.c %_inotify.c %/host_layout_dwarf.c,$(wildcard $(HOST_DIRS:%=%/*.c)))
WIN_HOST_OBJ := $(WIN_HOST_SRC:%.c=$(WB)/obj/%.o)
WIN_HOST_CFLAGS = -DSDL_MAIN_HANDLED -D__USE_MINGW_ACCESS $(HOST_INC) -isystem $(SDL2_MINGW_DIR)/include/SDL2 \
                  $(STB_CFLAGS)
WIN_HOST_LIBS = -L$(SDL2_MINGW_DIR)/lib -lSDL2 -static-libgcc -Wl,-Bstatic -lwinpthread \
                -Wl,-Bdynamic -mconsole
$(WIN_HOST_OBJ): $(WB)/obj/%.o: %.c | $(WIN_SDL_DLL)
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(WIN_CC) $(WIN_ALL_CFLAGS) $(WIN_HOST_CFLAGS) -c $< -o $@
$(WB)/livehost.exe: $(WIN_HOST_OBJ) $(WB)/libhr.a
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) $(WIN_HOST_OBJ) $(WB)/libhr.a -o $@ $(WIN_HOST_LIBS)

# The game as a DLL: what game_api.h's GAME_EXPORT marks __declspec(dllexport) is its only
# export. Warnings stay warnings, as for game.so; linked under a temporary name, then renamed.
WIN_GAME_OBJ := $(GAME_SRC:%.c=$(WB)/obj/%.o)
$(WIN_GAME_OBJ): $(WB)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(WIN_CC) $(filter-out -Werror,$(WIN_ALL_CFLAGS)) -c $< -o $@
$(WB)/game.dll: $(WIN_GAME_OBJ)
	$(Q)$(call say,LD,$@)$(WIN_CC) -shared -static-libgcc $(WIN_GAME_OBJ) -o $@.tmp
	$(Q)mv -f $@.tmp $@

# The Windows twin of "a symbol nobody defines": an import from a DLL that does not exist,
# through an import library made on the spot. LoadLibrary then fails on that import.
# (Not a missing function of kernel32.dll: wine stubs those of its own DLLs and loads anyway.)
$(WB)/tests/fixtures/undef_fx.dll: tests/fixtures/undef_fx.c
	@mkdir -p $(@D)
	$(Q)printf 'LIBRARY fx_nobody.dll\nEXPORTS\nfx_symbol_nobody_defines\n' >$(@D)/undef.def
	$(Q)$(call say,GEN,$(@D)/libundef.a)$(WIN_DLLTOOL) -d $(@D)/undef.def -l $(@D)/libundef.a
	$(Q)$(call say,LD,$@)$(WIN_CC) $(WIN_ALL_CFLAGS) -shared $< $(@D)/libundef.a -o $@

# Dependency files, found by make itself (a find would start two processes at every make).
# The host's build after a save (make run, make watch) asks for the game library alone: it
# reads the game's only, not the host's, whose lists of SDL headers took most of its start-up.
ifeq ($(GAME_ONLY),$(B)/game.so)
-include $(wildcard $(B)/obj/game/*.d)
else
-include $(wildcard $(B)/*.d $(B)/obj/*/*.d $(B)/obj/*/*/*.d $(B)/tests/*.d $(B)/tests/*/*.d \
                    $(B)/examples/*.d $(WB)/obj/*/*.d $(WB)/obj/*/*/*.d $(WB)/*.d \
                    $(WB)/tests/*.d $(WB)/tests/*/*.d)
endif

# ---- Benchmarks: make bench ------------------------------------------------------------------
# Runs bench/run.sh: every figure next to its floor, one table (see docs/PERFORMANCE.md).
# The bench programs and their own copy of the core are optimised whatever BUILD says (a -O0
# core would time the compiler, not the design); $(B)/host and $(B)/game.so are measured as
# BUILD builds them and are skipped while they do not build. Everything lands in $(B)/bench/,
# including the libraries generated at bench time; no binary is ever committed.
# Knobs: BENCH_CFLAGS (default -O2 -g), BENCH_QUICK=1 (few runs: a smoke test, not figures),
# BENCH_ONLY="3m 5f" (only the rows whose id starts with one of these).
BENCH_CFLAGS ?= -O2 -g
BB := $(B)/bench
BENCH_ALL_CFLAGS = $(WARN) $(DEPFLAGS) -Iinclude -Ihost/core $(BENCH_CFLAGS)
BENCH_CORE_OBJ := $(CORE_SRC:%.c=$(BB)/obj/%.o)
BENCH_PROGS := $(patsubst bench/%.c,$(BB)/%,$(wildcard bench/bench_*.c))
BENCH_LIBS := $(BB)/empty_game.so $(foreach k,1 2 3 4 5,$(BB)/lib_calls_$(k).so)

.PHONY: bench bench-build
bench:
	@scripts/deps.sh bench
	@mkdir -p $(BB)
	-@$(MAKE) --no-print-directory -s $(B)/host $(B)/hr-preflight $(B)/game.so \
	    >$(BB)/host-build.log 2>&1 || \
	    echo "bench: host or game does not build (see $(BB)/host-build.log); rows skipped" >&2
	@$(MAKE) --no-print-directory -s bench-build
	@B=$(B) BB=$(BB) CC="$(CC)" GAME_CC="$(GAME_CC)" BENCH_QUICK="$(BENCH_QUICK)" \
	    BENCH_ONLY="$(BENCH_ONLY)" \
	    GAME_WARN_FLAGS="$(WARN) -Iinclude" GAME_OPT_FLAGS="$(CFLAGS)" \
	    GAME_PIC_FLAGS="$(GAME_CFLAGS)" GAME_LINK_FLAGS="$(GAME_LDFLAGS)" bench/run.sh

bench-build: $(BENCH_PROGS) $(BENCH_LIBS)

$(BB)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(BENCH_ALL_CFLAGS) -c $< -o $@
$(BB)/libhr.a: $(BENCH_CORE_OBJ)
	$(Q)$(call say,AR,$@)$(AR) rcs $@ $^
$(BB)/bench_%: bench/bench_%.c $(BB)/libhr.a
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $< $(BB)/libhr.a -o $@ -ldl
# The call-overhead bench times the host's crash guard too: it links the guard, the watchdog,
# the state block's write tracker the guard consults and the OS answers the watchdog asks for
# (host_os_posix.c), built here with the bench flags.
BENCH_HOST_SRC := host/game/host_guard_posix.c host/game/host_guard_code.c host/game/host_watchdog.c \
                  host/game/host_dirty_posix.c host/host_os_posix.c
BENCH_HOST_OBJ := $(BENCH_HOST_SRC:host/%.c=$(BB)/obj/host/%.o)
$(BENCH_HOST_OBJ): $(BB)/obj/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(BENCH_ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $(STB_CFLAGS) -c $< -o $@
$(BB)/bench_calls: bench/bench_calls.c $(BB)/libhr.a $(BENCH_HOST_OBJ)
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $< $(BENCH_HOST_OBJ) $(BB)/libhr.a -o $@ \
	    -ldl -lpthread
# The mixer bench calls the host's mixer directly, built here with the bench flags.
BENCH_AUDIO_OBJ := $(BB)/obj/host/sound/host_audio.o $(BB)/obj/host/sound/host_audio_file.o \
    $(BB)/obj/host/host_event.o
$(BENCH_AUDIO_OBJ): $(BB)/obj/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(BENCH_ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $(STB_CFLAGS) -c $< -o $@
$(BB)/bench_audio: bench/bench_audio.c $(BENCH_AUDIO_OBJ)
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $(HOST_INC) $(SDL_CFLAGS) $< $(BENCH_AUDIO_OBJ) -o $@ $(SDL_LIBS) -lm
# The layout bench times the host's DWARF reader, built here with the bench flags.
BENCH_LAYOUT_OBJ := $(BB)/obj/host/game/host_layout.o $(BB)/obj/host/game/host_layout_dwarf.o
$(BENCH_LAYOUT_OBJ): $(BB)/obj/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(call say,CC,$<)$(CC) $(BENCH_ALL_CFLAGS) $(HOST_INC) -c $< -o $@
$(BB)/bench_layout: bench/bench_layout.c $(BENCH_LAYOUT_OBJ)
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $(HOST_INC) $< $(BENCH_LAYOUT_OBJ) -o $@ $(DW_LIBS)
# The frame-cost bench runs a bare SDL loop as its floor.
$(BB)/bench_frame: bench/bench_frame.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $(SDL_CFLAGS) $< -o $@ $(SDL_LIBS)
$(BB)/empty_game.so: bench/empty_game.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $(GAME_CFLAGS) $(GAME_LDFLAGS) $< -o $@
$(BB)/lib_calls_%.so: bench/lib_calls.c
	@mkdir -p $(@D)
	$(Q)$(call say,LD,$@)$(CC) $(BENCH_ALL_CFLAGS) $(GAME_CFLAGS) $(GAME_LDFLAGS) -DBENCH_BUILD_ID=$* $< -o $@

ifneq ($(GAME_ONLY),$(B)/game.so)
-include $(wildcard $(BB)/*.d $(BB)/obj/*/*.d $(BB)/obj/*/*/*.d)
endif
