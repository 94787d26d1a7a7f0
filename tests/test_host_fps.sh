#!/usr/bin/env bash
# test_host_fps.sh - --vsync on|off and --fps N: the start event says the mode in effect, and
# the game's clock follows the frame rate without a clock in the test: an update is always
# 1/60 s, so N frames at 30 fps run 2N updates and at 120 fps N/2 (the demo game's shutdown
# line says how many ran). A window under SDL's dummy driver is granted vsync; headless has no
# display, so vsync stays off there. Values out of range are a bad command line (exit 2).
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# ticks_at FPS FRAMES: the demo's updates after FRAMES headless frames at --fps FPS.
ticks_at() {
    run_host "$TMP/fps$1.log" --fps "$1" --frames "$2" --no-build
    expect "exit code $HOST_RC: $(tail -2 "$TMP/fps$1.log")" [ "$HOST_RC" -eq 0 ]
    expect "the start event does not say vsync=off fps=$1: $(grep '^livehost: start' "$TMP/fps$1.log")" \
        grep -Eq "^livehost: start .* vsync=off fps=$1 " "$TMP/fps$1.log"
    final_tick "$TMP/fps$1.log"
}

fps_sets_updates_per_frame() {
    local t
    t=$(ticks_at 30 12)
    expect "12 frames at 30 fps ran '$t' updates, want 24" [ "$t" = 24 ]
    t=$(ticks_at 60 12)
    expect "12 frames at 60 fps ran '$t' updates, want 12" [ "$t" = 12 ]
    t=$(ticks_at 120 12)
    expect "12 frames at 120 fps ran '$t' updates, want 6" [ "$t" = 6 ]
    run_host "$TMP/default.log" --frames 3 --no-build
    expect "the default is not vsync=off fps=60: $(grep '^livehost: start' "$TMP/default.log")" \
        grep -Eq '^livehost: start .* vsync=off fps=60 ' "$TMP/default.log"
}

vsync_in_a_window_not_headless() {
    local log=$TMP/vsync.log
    SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --assets "$ROOT/assets" \
        --no-build --vsync on --frames 5 2>"$log"
    expect "exit code $?: $(tail -2 "$log")" grep -q '^livehost: exit ' "$log"
    expect "a window did not get vsync: $(grep '^livehost: start' "$log")" \
        grep -Eq '^livehost: start .* video=window .* vsync=on fps=[0-9]+ ' "$log"
    expect "the game did not run under vsync" [ "$(final_tick "$log")" -gt 0 ]
    run_host "$TMP/headless.log" --vsync on --frames 3 --no-build
    expect "headless says vsync: $(grep '^livehost: start' "$TMP/headless.log")" \
        grep -Eq '^livehost: start .* vsync=off fps=60 ' "$TMP/headless.log"
}

bad_values_exit_2() {
    local args rc
    for args in "--fps 0" "--fps 1001" "--fps x" "--fps" "--vsync maybe" "--vsync"; do
        # shellcheck disable=SC2086 # the flag and its value are two words
        "$HOST" --headless --frames 1 $args 2>"$TMP/bad.log" >/dev/null
        rc=$?
        expect "'$args' exited $rc, want 2" [ "$rc" -eq 2 ] || return
        expect "'$args' gave no reason: $(cat "$TMP/bad.log")" grep -Eq '^livehost: error reason=".*(--fps|--vsync)' "$TMP/bad.log" || return
    done
}

for c in ${CASES:-fps_sets_updates_per_frame vsync_in_a_window_not_headless bad_values_exit_2}; do
    run_case "$c"
done
