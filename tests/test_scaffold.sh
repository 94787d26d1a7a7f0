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
    expect "the host did not build and load the new game: $(tail -2 "$log")" wait_for "$log" '^livehost: loaded version=1 path=build/game.so '
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

# The scaffold's Makefile hashes game_state.h: two fields swapped (same size) are refused, not
# run on a scrambled state. A deleted source rebuilds the game. And `new` writes all or nothing.
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
    expect "two swapped fields were not refused: $(tail -2 "$log")" wait_for "$log" '^livehost: refused reason=".*state hash changed'
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

for c in ${CASES:-new_project_reloads new_project_guards_its_state warnings_are_shown}; do
    run_case "$c"
done
