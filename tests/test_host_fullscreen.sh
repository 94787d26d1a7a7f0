#!/usr/bin/env bash
# test_host_fullscreen.sh - Alt+Return (the fullscreen action of --key) takes a window to
# desktop fullscreen and back, under SDL's dummy video driver (a window without a screen): the
# "window fullscreen=1" event, and frames drawn after it at the new size, the game's sky still
# filling them. Return alone stays the game's.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# windowed LOG PNG SCRIPT-LINES...: the demo game in a window (not --headless) for 40 frames.
windowed() {
    local log=$1 png=$2
    shift 2
    printf '%s\n' "$@" >"$log.script"
    SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --assets "$ROOT/assets" \
        --no-build --no-overlay --frames 40 --script "$log.script" --screenshot "$png" 2>"$log"
    HOST_RC=$?
    expect "exit code $HOST_RC: $(tail -2 "$log")" [ "$HOST_RC" -eq 0 ]
}

alt_return_toggles_fullscreen() {
    local log=$TMP/fs.log png=$TMP/fs.png
    windowed "$log" "$png" '10 down Left_Alt' '12 key Return' '14 up Left_Alt' || return
    expect "no fullscreen event: $(grep window "$log")" grep -q '^livehost: window fullscreen=1$' "$log"
    expect "the picture is not the desktop's size: $("$PIXEL" "$png" size)" \
        not [ "$("$PIXEL" "$png" size)" = "640 360" ]
    expect "no game drawn after the toggle" mostly "$png" $SKY
    windowed "$log" "$png" '10 down Left_Alt' '12 key Return' '14 up Left_Alt' '20 down Right_Alt' \
        '22 key Return' '24 up Right_Alt' || return
    expect "the second Alt+Return did not leave fullscreen: $(grep window "$log")" \
        grep -q '^livehost: window fullscreen=0$' "$log"
    expect "no game drawn after the toggle back" mostly "$png" $SKY
}

return_alone_is_the_games() {
    local log=$TMP/ret.log png=$TMP/ret.png
    windowed "$log" "$png" '12 key Return' || return
    expect "Return alone toggled fullscreen" not grep -q '^livehost: window fullscreen' "$log"
}

# --key fullscreen=KEY moves it (Alt+KEY keeps the Alt).
key_moves_fullscreen() {
    local log=$TMP/key.log png=$TMP/key.png
    printf '%s\n' '12 key Tab' >"$TMP/key.script"
    SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --assets "$ROOT/assets" \
        --no-build --frames 20 --key fullscreen=Tab --script "$TMP/key.script" 2>"$log"
    expect "exit code $?: $(tail -2 "$log")" grep -q '^livehost: exit ' "$log"
    expect "--key fullscreen=Tab did not toggle: $(grep window "$log")" grep -q '^livehost: window fullscreen=1$' "$log"
    "$HOST" --headless --frames 1 --key fullscreen=Alt+Nope 2>"$log"
    local rc=$?
    expect "a bad Alt+KEY exited $rc, want 2" [ "$rc" -eq 2 ]
}

for c in ${CASES:-alt_return_toggles_fullscreen return_alone_is_the_games key_moves_fullscreen}; do
    run_case "$c"
done
