#!/usr/bin/env bash
# test_scaffold.sh - `host new DIR` writes a game project outside this tree that the host runs
# with live reload at once: it builds the missing library itself, loads it, and after an edit
# of the scaffolded source rebuilds and shows the change, with the state kept.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

new_project_reloads() {
    local dir=$TMP/proj log=$TMP/proj.log png=$TMP/proj.png out
    out=$("$HOST" new "$dir" 2>&1)
    expect "new exited $?: $out" [ -f "$dir/game/game.c" ]
    for f in game/game.c game/game_state.h include/game_api.h Makefile .gitignore; do
        expect "no $f in the new project" [ -s "$dir/$f" ]
    done
    expect "no empty assets/ directory" [ -d "$dir/assets" ]
    expect "the copied contract differs from include/game_api.h" cmp -s "$dir/include/game_api.h" "$ROOT/include/game_api.h"
    expect "the message does not say how to run it" grep -q "cd $dir && " <<<"$out"
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --screenshot "$png" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the host did not build and load the new game: $(tail -2 "$log")" wait_for "$log" "^livehost: loaded version=1 path=$(cd "$dir" && pwd -P)/build/game.so "
    sed -i 's/^#define BACKGROUND GAME_RGBA(30, 30, 46, 255)$/#define BACKGROUND GAME_RGBA(200, 40, 90, 255)/' "$dir/game/game.c"
    expect "the edit did not rebuild and reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$'
    expect "no frame after the reload" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the new colour is not on screen" mostly "$png" c8285a
    expect "the state was not kept: $(grep reloaded "$log" | tail -1)" [ "$(log_ticks "$log" reloaded | tail -1)" -gt 0 ]
    "$HOST" new "$dir" >/dev/null 2>"$TMP/again.log"
    local rc=$?
    expect "a second 'new' into the same directory exited $rc, want 1" [ "$rc" -eq 1 ]
    expect "a second 'new' replaced the edited source" grep -q 'GAME_RGBA(200, 40, 90, 255)' "$dir/game/game.c"
}

# The host reads the scaffold's state layout from its debug information: two fields swapped
# (same size) are migrated by name, named, not run on a scrambled state. A deleted source rebuilds the game. And `new` writes all or nothing.
new_project_guards_its_state() {
    local dir=$TMP/guard log=$TMP/guard.log
    "$HOST" new "$dir" >/dev/null 2>&1
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the new game did not load: $(tail -2 "$log")" wait_for "$log" '^livehost: loaded version=1 '
    echo 'int extra_value(void) { return 7; }' >"$dir/game/extra.c"
    expect "a new source did not reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 '
    rm "$dir/game/extra.c"
    expect "a deleted source did not rebuild and reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=3 '
    sed -i 's/^    float x, y;   \/\* the box.s top-left corner \*\/$/    float dx, dy;/; t; s/^    float dx, dy; \/\* its direction, -1 or 1 \*\/$/    float x, y;/' "$dir/game/game_state.h"
    expect "the fields were not swapped" grep -q '^    float dx, dy;$' "$dir/game/game_state.h"
    expect "two swapped fields were not migrated: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=4 .*state=migrated changes="dx: moved @8 -> @0; dy: moved @12 -> @4; x: moved @0 -> @8; y: moved @4 -> @12"$'
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]

    mkdir -p "$TMP/half/include" && echo '/* mine */' >"$TMP/half/include/game_api.h"
    "$HOST" new "$TMP/half" >/dev/null 2>"$TMP/half.log"
    local rc=$?
    expect "'new' over an existing file exited $rc, want 1" [ "$rc" -eq 1 ]
    expect "no reason given: $(cat "$TMP/half.log")" grep -q "nothing written: $TMP/half/include/game_api.h is already there" "$TMP/half.log"
    expect "'new' wrote part of a project: $(find "$TMP/half" -type f)" [ ! -e "$TMP/half/game" ]
}

# A build that succeeds with warnings runs, and says so: the event and an overlay notice.
warnings_are_shown() {
    local dir=$TMP/warn log=$TMP/warn.log png=$TMP/warn.png
    "$HOST" new "$dir" >/dev/null 2>&1
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --overlay --screenshot "$png" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the new game did not load: $(tail -2 "$log")" wait_for "$log" '^livehost: loaded version=1 '
    sed -i 's/^    s->ticks++;$/    int unused_thing = 0;\n    s->ticks++;/' "$dir/game/game.c"
    expect "no build-ok event with the warning: $(grep build- "$log")" wait_for "$log" "^livehost: build-ok ms=[0-9]+ warnings=1 first=\"game/game.c:[0-9]+:[0-9]+: warning: unused variable"
    expect "the build with a warning did not load: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 '
    expect "no frame after the reload" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "no warning notice in the overlay (e8e070)" [ "$(count_color "$png" e8e070)" -gt 50 ]
}

# `new --sdl`: a project whose game includes SDL.h and links SDL2 (GAME_PKGS in its Makefile)
# builds, draws with SDL through host->renderer, and reloads with its event watch taken back in
# unload (a watch left behind would be a stale-code crash on the next event). GAME_PKGS and
# GAME_LIBS add a library: SDL2_ttf, linked with -z defs.
new_sdl_project_reloads() {
    local dir=$TMP/sdlproj log=$TMP/sdlproj.log png=$TMP/sdlproj.png i keys=()
    "$HOST" new --sdl "$dir" >/dev/null 2>&1
    expect "no SDL game written" grep -q '#include <SDL.h>' "$dir/game/game.c" || return
    expect "the Makefile does not link sdl2" grep -q '^GAME_PKGS ?= sdl2$' "$dir/Makefile"
    for ((i = 2; i < 20000; i += 3)); do keys+=("$i key Left"); done
    printf '%s\n' "${keys[@]}" >"$TMP/sdlproj.script"
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --no-overlay --screenshot "$png" \
        --script "$TMP/sdlproj.script" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the SDL game did not build and load: $(tail -3 "$log")" wait_for "$log" '^livehost: loaded version=1 ' || return
    sed -i 's/^#define BACKGROUND 30, 30, 46$/#define BACKGROUND 20, 160, 90/' "$dir/game/game.c"
    expect "the edit did not reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$' || return
    # A library more, through the knob, with -z defs: the link names every symbol it needs. The
    # Makefile first: the host builds on a save in game/, not on one of the Makefile.
    sed -i 's/^GAME_PKGS ?= sdl2$/GAME_PKGS ?= sdl2 SDL2_ttf/' "$dir/Makefile"
    sed -i 's/^#include <SDL.h>$/#include <SDL.h>\n#include <SDL_ttf.h>\nint ttf_ready(void);\nint ttf_ready(void) { return TTF_WasInit(); }/' "$dir/game/game.c"
    expect "SDL2_ttf through GAME_PKGS did not link: $(tail -3 "$log")" wait_for "$log" '^livehost: reloaded version=3 ' || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0: $(tail -2 "$log")" [ "$HOST_RC" -eq 0 ]
    expect "a crash: $(grep crash "$log")" not grep -q '^livehost: crash ' "$log"
    expect "the new colour is not on screen" mostly "$png" 14a05a
    expect "the SDL texture (the box) is not drawn" [ "$(count_color "$png" fab43c)" -eq 1600 ]
}

# A state header that includes SDL.h costs the build nothing more: the layout comes from the
# build's debug information, so making the game is its compile and link alone: one compiler run
# per source and one link, no preprocessing pass (-E), no step of the host's own.
sdl_build_is_compile_and_link() {
    local dir=$TMP/sdlsteps cmds
    "$HOST" new --template sdl "$dir" >/dev/null 2>&1
    expect "the SDL game's state header does not include SDL.h" grep -q '^#include <SDL.h>' "$dir/game/game_state.h" || return
    cmds=$(cd "$dir" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n -B build/game.so 2>&1)
    local sources runs
    sources=$(find "$dir/game" -name '*.c' | wc -l)
    runs=$(grep -cE '^(cc|gcc|clang)( |$)' <<<"$cmds")
    expect "$runs compiler runs for $sources sources, want one each and a link: $cmds" [ "$runs" -eq $((sources + 1)) ]
    expect "no link makes the library: $cmds" grep -qE '^(cc|gcc|clang) .* -shared .*-o build/game\.so' <<<"$cmds"
    expect "a preprocessing pass: $cmds" not grep -qE '(^| )-E( |$)' <<<"$cmds"
}

# The project's make is quiet like livehost's own: one short line per step, the compiler's
# messages in full; V=1 prints the commands.
project_build_is_quiet() {
    local dir=$TMP/quiet out
    "$HOST" new "$dir" >/dev/null 2>&1
    out=$(cd "$dir" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS NO_COLOR=1 make 2>&1)
    expect "make failed or printed more than its steps: $out" [ "$out" = "$(printf '  CC   game/game.c\n  LD   build/game.so')" ]
    out=$(cd "$dir" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -B V=1 2>&1)
    expect "V=1 does not print the link command: $out" grep -qE '^(cc|gcc|clang) .* -shared .*-o build/game\.so\.tmp' <<<"$out"
    expect "V=1 still prints short lines: $out" not grep -q '^  CC ' <<<"$out"
}

# The project's Makefile is part of its build: a save of it (a flag, a library in GAME_PKGS)
# builds again, like a save under game/, and compiles the game again with it. Here a flag
# that changes the sky.
makefile_save_rebuilds() {
    local dir=$TMP/mkproj log=$TMP/mkproj.log png=$TMP/mkproj.png
    "$HOST" new "$dir" >/dev/null 2>&1
    sed -i 's/^#define BACKGROUND GAME_RGBA(30, 30, 46, 255)$/#ifndef SKY_R\n#define SKY_R 30\n#define SKY_G 30\n#define SKY_B 46\n#endif\n#define BACKGROUND GAME_RGBA(SKY_R, SKY_G, SKY_B, 255)/' "$dir/game/game.c"
    expect "could not make the sky a flag" grep -q '^#define BACKGROUND GAME_RGBA(SKY_R, SKY_G, SKY_B, 255)$' "$dir/game/game.c"
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --screenshot "$png" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the new game did not load: $(tail -2 "$log")" wait_for "$log" '^livehost: loaded version=1 ' || return
    sed -i 's/^CFLAGS ?= \(.*\)$/CFLAGS ?= \1 -DSKY_R=200 -DSKY_G=40 -DSKY_B=90/' "$dir/Makefile"
    expect "the Makefile was not edited" grep -q -- '-DSKY_B=90$' "$dir/Makefile"
    expect "no build for the Makefile's save: $(grep build-start "$log")" wait_for "$log" "^livehost: build-start file=.*/Makefile wait=[0-9.]*\$"
    expect "the Makefile's flag did not rebuild and reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$'
    expect "no frame after the reload" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the flag's colour is not on screen" mostly "$png" c8285a
}

for c in ${CASES:-new_project_reloads new_project_guards_its_state warnings_are_shown \
    new_sdl_project_reloads makefile_save_rebuilds sdl_build_is_compile_and_link \
    project_build_is_quiet}; do
    run_case "$c"
done
