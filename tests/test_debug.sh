#!/usr/bin/env bash
# test_debug.sh - debugging across reloads, as `make debug` does it: the host runs headless under
# `gdb -batch` with scripts/livehost.gdb and a breakpoint on a line of game_update, set before
# the game library is loaded. At the first stop a gdb `commands` block rebuilds the game with
# that line changed (tick += 1000 instead of tick++) while the host stands still; after the
# reload the same breakpoint must stop in the new copy of the library (2-game.so) and the new
# code must run there: consecutive stops then see the tick grow by 1000.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

breakpoint_survives_reload() {
    command -v gdb >/dev/null || {
        why="gdb is not installed (apt-get install gdb)"
        return
    }
    local src out=$TMP/debug-out log=$TMP/debug.log line
    src=$(game_src debug)
    expect "could not build the game" build_game "$src" "$out" || return
    line=$(grep -n '^    s->tick++;$' "$src/game/game.c" | cut -d: -f1)
    expect "no 's->tick++;' line in game_update" [ -n "$line" ] || return
    cat >"$TMP/rebuild.sh" <<EOF
#!/bin/sh
# Runs inside gdb while the host is stopped: the new build is renamed into place as usual. It
# says so in a file, not on stdout, which gdb's own buffered lines could pass in either order.
sed -i 's/^    s->tick++;\$/    s->tick += 1000;/' "$src/game/game.c"
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$src" -f "$ROOT/Makefile" B="$out" \\
    CC="${CC:-cc}" "$out/game.so" >"$src/build.log" 2>&1 && echo REBUILT >"$TMP/rebuilt"
EOF
    chmod +x "$TMP/rebuild.sh"
    # Each stop prints the tick before the line runs; the third stop in the new code ends the
    # host the way a terminal would (SIGTERM), so it exits cleanly and removes its copies.
    cat >"$TMP/debug.gdb" <<EOF
set \$hits = 0
set \$new = 0
break game.c:$line
commands
    silent
    set \$hits = \$hits + 1
    printf "HIT %d tick=%llu reloads=%u\\n", \$hits, (unsigned long long)s->tick, host->reloads
    info symbol \$pc
    if \$hits == 1
        shell $TMP/rebuild.sh
    end
    if host->reloads >= 2
        set \$new = \$new + 1
    end
    if \$new >= 3
        delete
        signal SIGTERM
    end
    continue
end
run
EOF
    timeout "$LIMIT" gdb -q -batch -nx -x "$ROOT/scripts/livehost.gdb" -x "$TMP/debug.gdb" \
        --args "$HOST" --headless --frames 0 --no-build --no-overlay --game "$out/game.so" \
        >"$log" 2>&1
    local rc=$?
    expect "gdb ran out of time (exit $rc): $(tail -3 "$log")" [ "$rc" -ne 124 ]
    expect "the breakpoint was never hit: $(grep -v '^livehost' "$log" | tail -3)" grep -q '^HIT 1 ' "$log"
    # gdb's own lines, without the host's, which may be written between them.
    local stops=$TMP/debug-stops
    grep -v '^livehost' "$log" >"$stops"
    expect "the first stop is not in the first copy (1-game.so): $(grep -m1 -A1 '^HIT' "$stops" | tail -1)" \
        grep -q "in section .text of .*/1-game.so" <(grep -m1 -A1 '^HIT' "$stops")
    expect "the rebuild inside gdb failed: $(tail -3 "$src/build.log" 2>/dev/null)" grep -q '^REBUILT' "$TMP/rebuilt"
    expect "the host did not reload: $(grep '^livehost' "$log" | tail -2)" grep -q '^livehost: reloaded version=2 ' "$log"
    local new
    new=$(grep -A1 'reloads=2$' "$stops" | grep -c 'of .*/2-game.so')
    expect "no stop in the new copy (2-game.so) after the reload" [ "$new" -ge 3 ]
    local t1 t2
    t1=$(grep 'reloads=2$' "$log" | sed -n '2s/.*tick=\([0-9]*\).*/\1/p')
    t2=$(grep 'reloads=2$' "$log" | sed -n '3s/.*tick=\([0-9]*\).*/\1/p')
    expect "the new code did not run at the breakpoint (ticks $t1 then $t2, want +1000)" \
        [ "$((${t2:-0} - ${t1:-0}))" -eq 1000 ]
    expect "the host did not end cleanly: $(grep '^livehost: exit' "$log")" grep -q '^livehost: exit frames=' "$log"
}

for c in ${CASES:-breakpoint_survives_reload}; do
    run_case "$c"
done
