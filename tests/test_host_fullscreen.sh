#!/usr/bin/env bash
# test_host_fullscreen.sh - Alt+Return (the fullscreen action of --key) takes a window to
# desktop fullscreen and back, under SDL's dummy video driver (a window without a screen): the
# "window fullscreen=1" event, and frames drawn after it at the new size, the game's sky still
# filling them. Return alone stays the game's. A game that follows the window (GAME_SCALE_NONE)
# is told: host->width/height become the new size and its input has GAME_WINDOW_RESIZED for
# that one frame, and it draws up to the new corner; a window that loses the keyboard focus
# clears GAME_WINDOW_FOCUSED until it gets it back (the script's focus-lost, focus-gained).
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

GAMES=$ROOT/tests/games

# follow_game OUT: tests/games/input.c asking for GAME_SCALE_NONE and 400 x 300, built to OUT.
follow_game() {
    "${CC:-cc}" -g -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$ROOT/include" -DFOLLOW \
        "$GAMES/input.c" -o "$1.tmp" >"$1.log" 2>&1 && mv -f "$1.tmp" "$1"
}

# The game's log lines "window=BITS area=WxH", one a line.
window_lines() { sed -n 's/^livehost: log text="\(window=.*\)"$/\1/p' "$1"; }

# GAME_SCALE_NONE in a window: 400 x 300 at start; Alt+Return makes the window the desktop's
# size, and the game's next frame has the new size and the RESIZED bit (0x1; 0x2 is the
# focus), the one after the size alone; its corner mark is in the picture's corner.
scale_none_game_sees_the_new_size() {
    local game=$TMP/follow.so log=$TMP/follow.log png=$TMP/follow.png size w h
    expect "could not build the game: $(cat "$game.log" 2>/dev/null)" follow_game "$game" || return
    printf '%s\n' '10 down Left_Alt' '12 key Return' '14 up Left_Alt' >"$log.script"
    SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --game "$game" --no-build --no-overlay \
        --frames 30 --script "$log.script" --screenshot "$png" 2>"$log"
    expect "exit code $?: $(tail -2 "$log")" grep -q '^livehost: exit ' "$log" || return
    expect "the game's window was not applied: $(grep window "$log")" \
        grep -q '^livehost: window size=400x300 scale=none ' "$log" || return
    expect "no fullscreen event: $(grep window "$log")" grep -q '^livehost: window fullscreen=1$' "$log" || return
    read -r w h <<<"$("$PIXEL" "$png" size)"
    size=${w}x$h
    expect "the picture did not grow: $size" not [ "$size" = 400x300 ] || return
    sed -n '/^livehost: window fullscreen=1$/,$p' "$log" >"$log.after"
    expect "the game did not see the new size and RESIZED: $(window_lines "$log.after" | tr '\n' ' ')" \
        grep -qx "window=0x3 area=$size" <(window_lines "$log.after") || return
    expect "RESIZED stayed after its update: $(window_lines "$log" | tr '\n' ' ')" \
        [ "$(window_lines "$log" | tail -1)" = "window=0x2 area=$size" ] || return
    expect "the game's corner is not in the picture's corner: $("$PIXEL" "$png" at -1 -1)" \
        [ "$("$PIXEL" "$png" at -1 -1)" = 00ff00 ]
}

# Focus lost and got back, as the script says: the FOCUSED bit (0x2) goes and comes back.
focus_reaches_the_game() {
    local game=$TMP/focus.so log=$TMP/focus.log
    expect "could not build the game: $(cat "$game.log" 2>/dev/null)" follow_game "$game" || return
    printf '%s\n' '10 focus-lost' '20 focus-gained' >"$log.script"
    SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --game "$game" --no-build --no-overlay \
        --frames 30 --script "$log.script" 2>"$log"
    expect "exit code $?: $(tail -2 "$log")" grep -q '^livehost: exit ' "$log" || return
    expect "the focus did not go and come back: $(window_lines "$log" | tr '\n' ' ')" \
        [ "$(window_lines "$log" | tail -2 | tr '\n' ' ')" = "window=0x0 area=400x300 window=0x2 area=400x300 " ]
}

for c in ${CASES:-alt_return_toggles_fullscreen return_alone_is_the_games key_moves_fullscreen \
    scale_none_game_sees_the_new_size focus_reaches_the_game}; do
    run_case "$c"
done
