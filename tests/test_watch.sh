#!/usr/bin/env bash
# test_watch.sh - `make watch` (scripts/watch.sh) on a private copy of the game: it builds at
# start, rebuilds after a save, reports a compile error with the compiler's message while the
# last good library stays in place, and builds again once the error is fixed.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# builds N: waits until the watch log has N build lines.
builds() { wait_until count_at_least "$1" "$TMP/watch.log" '^watch: build '; }

watch_rebuilds_on_save() {
    local src out=$TMP/watch-out
    src=$(game_src watch)
    # A session of its own, so the script, its inotifywait and its builds end together.
    : >"$TMP/watch.log"
    SRC=$src B=$out setsid timeout "$LIMIT" "$ROOT/scripts/watch.sh" >"$TMP/watch.log" 2>&1 &
    local pid=$!
    HOST_PIDS+=("$pid")
    expect "no first build: $(cat "$TMP/watch.log")" builds 1
    expect "the first build failed" grep -q '^watch: build ok in [0-9]* ms' "$TMP/watch.log"
    expect "not watching: $(tail -2 "$TMP/watch.log")" wait_for "$TMP/watch.log" '^watch: ready, waiting for saves$'
    set_sky "$src" 200 40 90
    expect "no build after a save" builds 2
    local good
    good=$(sha256sum <"$out/game.so")
    sed -i 's/^    s->tick++;$/    s->tick++ oops;/' "$src/game/game.c"
    expect "no build after the broken save" builds 3
    expect "no FAILED line with the compiler's message: $(tail -3 "$TMP/watch.log")" grep -q "game.c:[0-9]*:[0-9]*: error" "$TMP/watch.log"
    expect "a failed build replaced the library" [ "$(sha256sum <"$out/game.so")" = "$good" ]
    sed -i 's/^    s->tick++ oops;$/    s->tick++;/' "$src/game/game.c"
    expect "no build after the fix" builds 4
    expect "the fixed build did not succeed" [ "$(grep -c '^watch: build ok' "$TMP/watch.log")" -eq 3 ]
    expect "no half-written library left behind" not compgen -G "$out/game.so.*tmp"
    # Editor droppings start no build: a real save after them has the only build, named after
    # it (had they counted, the build would be named after one of them, or they had their own).
    touch "$src/game/.game.c.swp" "$src/game/game.c~" "$src/game/4913"
    printf '\n' >>"$src/game/game.h" # written in place: game.h is the burst's only name
    expect "no build after the save that followed the droppings" builds 5
    expect "an editor's swap or backup file started a build: $(grep saved "$TMP/watch.log" | tail -2)" \
        [ "$(grep -c '^watch: build ' "$TMP/watch.log")" -eq 5 ]
    expect "the last build is not named after game.h: $(grep saved "$TMP/watch.log" | tail -1)" \
        [ "$(grep '^watch: .* saved$' "$TMP/watch.log" | tail -1)" = "watch: game/game.h saved" ]
    kill -TERM -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

for c in ${CASES:-watch_rebuilds_on_save}; do
    run_case "$c"
done
