#!/usr/bin/env bash
# test_watch.sh - `make watch` (scripts/watch.sh) on a private copy of the game: it builds at
# start, rebuilds after a save, reports a compile error with the compiler's message while the
# last good library stays in place, and builds again once the error is fixed.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# builds N: waits until the watch log has N build lines.
builds() {
    local i
    for ((i = 0; i < 200; i++)); do
        [ "$(grep -c '^watch: build ' "$TMP/watch.log")" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

watch_rebuilds_on_save() {
    local src out=$TMP/watch-out
    src=$(game_src watch)
    # A session of its own, so the script, its inotifywait and its builds end together.
    : >"$TMP/watch.log"
    SRC=$src B=$out setsid timeout 60 "$ROOT/scripts/watch.sh" >"$TMP/watch.log" 2>&1 &
    local pid=$!
    expect "no first build: $(cat "$TMP/watch.log")" builds 1
    expect "the first build failed" grep -q '^watch: build ok in [0-9]* ms' "$TMP/watch.log"
    sleep 0.3 # inotifywait is watching by now
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
    # Editor droppings start no build.
    touch "$src/game/.game.c.swp" "$src/game/game.c~" "$src/game/4913"
    sleep 0.5
    expect "an editor's swap or backup file started a build" [ "$(grep -c '^watch: build ' "$TMP/watch.log")" -eq 4 ]
    kill -TERM -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

for c in ${CASES:-watch_rebuilds_on_save}; do
    run_case "$c"
done
