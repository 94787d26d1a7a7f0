#!/usr/bin/env bash
# test_host_record.sh - recording and looped playback: F2 records (state snapshot + the input of
# every update), F2 again loops it, F3 leaves the loop; --record writes the recording, --replay
# loops a saved one from the start. A loop replays exactly (same pictures every time round),
# a rebuild inside the loop shows the same moment with the new code, and a recording that does
# not fit the game is refused with a reason while the game plays on live.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

script() {
    local f=$TMP/$1.keys
    shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# between N LO HI: LO <= N <= HI (N a number).
between() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# record_demo: records 60 updates (frames 10-69, the ship flying right for 20 of them) into
# $TMP/demo.rec and loops it until frame 250. Screenshot $TMP/demo.png.
record_demo() {
    [ -s "$TMP/demo.rec" ] && return 0
    run_host "$TMP/demo.log" --frames 250 --record "$TMP/demo.rec" --screenshot "$TMP/demo.png" \
        --script "$(script demo '10 key F2' '20 down Right' '40 up Right' '70 key F2')"
}

# 250 frames: recorded at 10-69, looped from 70: 180 updates = 3 whole loops, and the last
# picture is the recording's last moment (tick 70). A replay from the file shows that moment
# after 240 and after 300 frames (4 and 5 loops).
loop_replays_identically() {
    record_demo
    local log=$TMP/demo.log state_size layout
    expect "exit code $HOST_RC, want 0: $(tail -2 "$log")" [ "$HOST_RC" -eq 0 ]
    expect "no 'record state=recording'" grep -q '^livehost: record state=recording$' "$log"
    expect "no 'record state=looping frames=60'" grep -q '^livehost: record state=looping frames=60$' "$log"
    expect "no record-saved event" grep -q "^livehost: record-saved path=$TMP/demo.rec frames=60\$" "$log"
    expect "the loop did not run 3 times" grep -q '^livehost: record state=live reason=exit loops=3$' "$log"
    expect "the loop did not end at tick 70 (got $(final_tick "$log"))" [ "$(final_tick "$log")" = 70 ]
    state_size=$(event_field "$log" loaded state_size)
    layout=$(layout_at "$TMP/demo.rec" $((48 + state_size + 60 * 720)))
    expect "no layout text after the inputs: '$layout'" [ "${layout#* }" = "size $state_size" ]
    expect "the file is $(stat -c %s "$TMP/demo.rec") bytes, want 48 + $state_size + 60 * 720 + 8 + ${layout%% *}" \
        [ "$(stat -c %s "$TMP/demo.rec")" -eq $((48 + state_size + 60 * 720 + 8 + ${layout%% *})) ]
    run_host "$TMP/replay1.log" --frames 240 --replay "$TMP/demo.rec" --screenshot "$TMP/replay1.png"
    run_host "$TMP/replay2.log" --frames 300 --replay "$TMP/demo.rec" --screenshot "$TMP/replay2.png"
    expect "--replay did not loop" grep -q '^livehost: record state=looping frames=60$' "$TMP/replay1.log"
    expect "--replay did not loop 5 times" grep -q '^livehost: record state=live reason=exit loops=5$' "$TMP/replay2.log"
    expect "two replays differ" cmp -s "$TMP/replay1.png" "$TMP/replay2.png"
    expect "the replay differs from the recorded run" cmp -s "$TMP/demo.png" "$TMP/replay1.png"
    run_host "$TMP/live.log" --frames 70 --screenshot "$TMP/live.png"
    expect "the recorded input (Right) did not reach the game" not cmp -s "$TMP/live.png" "$TMP/demo.png"
}

# The acceptance test: loop, edit the sky, rebuild; the loop goes on with the new code.
rebuild_inside_loop() {
    local src out=$TMP/loop-out log=$TMP/loop.log png=$TMP/loop.png tick
    src=$(game_src loop)
    expect "could not build the game: $(tail -3 "$src/build.log" 2>/dev/null)" build_game "$src" "$out" || return
    start_host "$log" --frames 0 --game "$out/game.so" --screenshot "$png" \
        --script "$(script loop '10 key F2' '40 key F2')"
    expect "no loop: $(tail -2 "$log")" wait_for "$log" '^livehost: record state=looping frames=30$'
    expect "could not edit GAME_BACKGROUND" set_sky "$src" 200 40 90
    expect "could not rebuild the game: $(tail -3 "$src/build.log")" build_game "$src" "$out"
    expect "no reload inside the loop: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$'
    # Two loops of 30 updates, one a frame, after the reload.
    expect "no frames after the reload" frames "$log" 61
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the new sky (c8285a) is not on screen" mostly "$png" c8285a
    expect "the loop stopped" not grep -q '^livehost: record state=live reason=[^e]' "$log"
    expect "the loop did not go round at least twice" grep -Eq '^livehost: record state=live reason=exit loops=([2-9]|[1-9][0-9]+)$' "$log"
    tick=$(log_ticks "$log" reloaded | head -1)
    expect "the reload came at tick $tick, outside the loop (10-40)" between "$tick" 10 40
    tick=$(final_tick "$log")
    expect "the game ended at tick $tick, outside the loop (10-40)" between "$tick" 10 40
}

# A rebuild inside the loop that changes the state layout (more falling things): the reload
# migrates the live block, and the loop's snapshot goes through the same migrate when the loop
# starts over, so the loop goes on with the new layout instead of stopping.
layout_change_inside_loop() {
    local src out=$TMP/grow-out log=$TMP/grow.log tick
    src=$(game_src grow)
    expect "could not build the game: $(tail -3 "$src/build.log" 2>/dev/null)" build_game "$src" "$out" || return
    start_host "$log" --frames 0 --game "$out/game.so" --screenshot "$TMP/grow.png" \
        --script "$(script grow '10 key F2' '40 key F2')"
    expect "no loop: $(tail -2 "$log")" wait_for "$log" '^livehost: record state=looping frames=30$'
    expect "could not edit the item count" sed_game "$src" game_state.h 's/^#define GAME_ITEM_COUNT 12/#define GAME_ITEM_COUNT 20/'
    expect "could not rebuild the game: $(tail -3 "$src/build.log")" build_game "$src" "$out"
    expect "no migrated reload: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=migrated changes="items\[\]: 12 -> 20 elements"$'
    # Two loops of 30 updates, one a frame, after the reload: the snapshot is migrated.
    expect "no frames after the reload" frames "$log" 61
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the loop's snapshot was refused" not grep -q '^livehost: record-refused' "$log"
    expect "the snapshot's migration was not told once: $(grep record- "$log")" \
        [ "$(grep -c '^livehost: record-migrated changes="items\[\]: 12 -> 20 elements"$' "$log")" -eq 1 ]
    expect "the loop stopped: $(grep -E 'record|refused' "$log")" grep -Eq '^livehost: record state=live reason=exit loops=([2-9]|[1-9][0-9]+)$' "$log"
    tick=$(final_tick "$log")
    expect "the game ended at tick $tick, outside the loop (10-40)" between "$tick" 10 40
}

# Loop of 30 from frame 40: 60 updates later (2 loops, back at tick 40) F3 plays on live for
# the last 100 frames.
f3_plays_on_live() {
    local log=$TMP/f3.log
    run_host "$log" --frames 200 --script "$(script f3 '10 key F2' '40 key F2' '100 key F3')"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "no 'record state=live reason=F3 loops=2'" grep -q '^livehost: record state=live reason=F3 loops=2$' "$log"
    expect "the game ended at tick $(final_tick "$log"), want 140" [ "$(final_tick "$log")" = 140 ]
}

# F5 restarts the game and leaves the loop; F2 F2 with no update between records nothing.
f5_and_empty_recordings() {
    local log=$TMP/f5.log
    run_host "$log" --frames 100 --script "$(script f5 '10 key F2' '20 key F2' '50 key F5')"
    expect "F5 did not leave the loop" grep -q '^livehost: record state=live reason=F5 loops=' "$log"
    expect "F5 did not restart the game" grep -q '^livehost: reset ' "$log"
    log=$TMP/empty.log
    run_host "$log" --frames 30 --pause --script "$(script empty '5 key F2' '10 key F2')"
    expect "an empty recording looped" grep -q '^livehost: record state=live reason="nothing recorded" loops=0$' "$log"
}

# Each bad file: a record-refused event with its reason, and the game plays on live.
replay_refuses_bad_files() {
    record_demo
    local f log reason
    cp "$TMP/demo.rec" "$TMP/version.rec" && patch_bytes "$TMP/version.rec" 24 07000000
    cp "$TMP/demo.rec" "$TMP/api.rec" && patch_bytes "$TMP/api.rec" 12 09000000
    head -c 1000 "$TMP/demo.rec" >"$TMP/short.rec"
    head -c $(($(stat -c %s "$TMP/demo.rec") - 1)) "$TMP/demo.rec" >"$TMP/cut.rec"
    echo 'not a recording at all, just some text of some length' >"$TMP/text.rec"
    run_host "$TMP/state.log" --frames 5 --save-state "$TMP/a.state"
    for f in "version.rec:state version changed 7 -> 1 since it was saved, and migrate returned 1" \
        "api.rec:it was written for game_api.h version 9; this host speaks $API_VERSION" \
        "short.rec:it is cut short: 1000 bytes for a" \
        "cut.rec:it is cut short: " \
        "text.rec:it is not a livehost recording (wrong magic bytes)" \
        "a.state:it is a state file, not a recording" \
        "missing.rec:cannot open it: No such file or directory"; do
        log=$TMP/${f%%:*}.log reason=${f#*:}
        run_host "$log" --frames 50 --replay "$TMP/${f%%:*}"
        # A regression run whose recording did not play must not pass.
        expect "${f%%:*}: exit code $HOST_RC, want 1" [ "$HOST_RC" -eq 1 ]
        expect "${f%%:*}: no record-refused event with '$reason': $(grep refused "$log")" \
            grep -qF "livehost: record-refused path=$TMP/${f%%:*} reason=\"$reason" "$log"
        expect "${f%%:*}: refused $(grep -c record-refused "$log") times, want once" \
            [ "$(grep -c '^livehost: record-refused' "$log")" -eq 1 ]
        expect "${f%%:*}: the game did not play on live" [ "$(final_tick "$log")" = 50 ]
    done
}

for c in ${CASES:-loop_replays_identically rebuild_inside_loop layout_change_inside_loop \
    f3_plays_on_live f5_and_empty_recordings replay_refuses_bad_files}; do
    run_case "$c"
done
