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
    for f in game/game.c include/game_api.h Makefile; do
        expect "no $f in the new project" [ -s "$dir/$f" ]
    done
    expect "no empty assets/ directory" [ -d "$dir/assets" ]
    expect "the copied contract differs from include/game_api.h" cmp -s "$dir/include/game_api.h" "$ROOT/include/game_api.h"
    expect "the message does not say how to run it" grep -q "cd $dir && " <<<"$out"
    (cd "$dir" && exec timeout 60 "$HOST" --headless --frames 0 --screenshot "$png" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the host did not build and load the new game: $(tail -2 "$log")" wait_for "$log" '^livehost: loaded version=1 path=build/game.so ' 20
    sed -i 's/^#define BACKGROUND GAME_RGBA(30, 30, 46, 255)$/#define BACKGROUND GAME_RGBA(200, 40, 90, 255)/' "$dir/game/game.c"
    expect "the edit did not rebuild and reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$' 20
    sleep 0.2
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the new colour is not on screen" mostly "$png" c8285a
    expect "the state was not kept: $(grep reloaded "$log" | tail -1)" [ "$(log_ticks "$log" reloaded | tail -1)" -gt 0 ]
    "$HOST" new "$dir" >/dev/null 2>"$TMP/again.log"
    local rc=$?
    expect "a second 'new' into the same directory exited $rc, want 1" [ "$rc" -eq 1 ]
    expect "a second 'new' replaced the edited source" grep -q 'GAME_RGBA(200, 40, 90, 255)' "$dir/game/game.c"
}

for c in ${CASES:-new_project_reloads}; do
    run_case "$c"
done
