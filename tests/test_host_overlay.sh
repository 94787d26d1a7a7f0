#!/usr/bin/env bash
# test_host_overlay.sh - the in-window overlay (F1, --overlay, --no-overlay): hidden while all is
# well, toggled by F1 (driven with --script), opened by a compile error with the compiler's
# messages on screen, closed again when the fixed build loads. Pixels of the final screenshot
# tell: the overlay's HUD and error colours appear nowhere else in the demo game.
# compile_error_shown also writes $B/docs/overlay-compile-error.png (`make screenshots`).
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

HUD=9ce0ff   # frame time, version, state size (COLOR_HUD in host/screen/host_overlay.c)
ERROR=ff6b6b # problem titles: "build failed", "crash"
MESSAGE=ffd6a0 # the compiler's lines
SOURCE=b8c4ff  # the source lines around the first error (COLOR_SOURCE)

# script FILE LINES...: a --script file.
script() {
    local f=$1
    shift
    printf '%s\n' "$@" >"$f"
}

hud_pixels() { count_color "$1" "$HUD"; }

hidden_by_default_and_f1_toggles() {
    local log=$TMP/toggle.log
    run_host "$log" --frames 20 --screenshot "$TMP/plain.png"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the overlay shows while all is well" [ "$(hud_pixels "$TMP/plain.png")" -eq 0 ]
    script "$TMP/f1.script" "5 key F1"
    run_host "$log" --frames 20 --script "$TMP/f1.script" --screenshot "$TMP/f1.png"
    expect "F1 did not show the overlay" [ "$(hud_pixels "$TMP/f1.png")" -gt 100 ]
    expect "the game is gone under the overlay" mostly "$TMP/f1.png" "$SKY"
    script "$TMP/f1twice.script" "5 key F1" "10 key F1"
    run_host "$log" --frames 20 --script "$TMP/f1twice.script" --screenshot "$TMP/f1twice.png"
    expect "F1 twice left the overlay on" [ "$(hud_pixels "$TMP/f1twice.png")" -eq 0 ]
    expect "F1 twice changed the picture" cmp -s <("$PIXEL" "$TMP/plain.png" colors) <("$PIXEL" "$TMP/f1twice.png" colors)
    run_host "$log" --frames 20 --overlay --screenshot "$TMP/on.png"
    expect "--overlay did not show it" [ "$(hud_pixels "$TMP/on.png")" -gt 100 ]
    run_host "$log" --frames 20 --overlay --script "$TMP/f1.script" --screenshot "$TMP/on-f1.png"
    expect "F1 did not hide what --overlay showed" [ "$(hud_pixels "$TMP/on-f1.png")" -eq 0 ]
    expect "F1 made event lines: $(grep -vc -e start -e loaded -e log -e build -e screenshot -e exit "$log")" \
        [ "$(grep -vc -e start -e loaded -e log -e build -e screenshot -e exit "$log")" -eq 0 ]
}

# break_game SRC: a syntax error in game_update (its line number is printed).
break_game() {
    grep -n '^    s->tick++;$' "$1/game/game.c" | cut -d: -f1
    sed_game "$1" game.c 's/^    s->tick++;$/    s->tick++ oops;/'
}

compile_error_shown() {
    start_watched shown || return
    # A good change first, so the overlay has a timeline to show beside the error.
    expect "could not edit GAME_SHIP_SPEED" sed_game "$SRC" game.h 's/^#define GAME_SHIP_SPEED 240.0f/#define GAME_SHIP_SPEED 260.0f/'
    expect "the good change did not load" wait_for "$LOG" '^livehost: reloaded version=2 '
    local line
    line=$(break_game "$SRC")
    expect "no build-failed event naming game/game.c:$line" wait_for "$LOG" "^livehost: build-failed .*first=\"game/game.c:$line: "
    expect "no frame after the failed build" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the overlay did not open by itself" [ "$(hud_pixels "$PNG")" -gt 100 ]
    expect "no 'build failed' title pixels ($ERROR)" [ "$(count_color "$PNG" "$ERROR")" -gt 100 ]
    expect "no compiler message pixels ($MESSAGE)" [ "$(count_color "$PNG" "$MESSAGE")" -gt 300 ]
    expect "no source lines around the error ($SOURCE)" [ "$(count_color "$PNG" "$SOURCE")" -gt 200 ]
    expect "the game is gone under the overlay" [ "$(count_color "$PNG" "$SKY")" -gt 100000 ]
    expect "no timeline of the good change (d0d0d0)" [ "$(count_color "$PNG" d0d0d0)" -gt 100 ]
    mkdir -p "$OUT_DIR/docs"
    cp "$PNG" "$OUT_DIR/docs/overlay-compile-error.png"
}

# The panel is opaque: the game's own text under it does not mix with the overlay's.
panel_is_opaque() {
    run_host "$TMP/opaque.log" --frames 20 --overlay --screenshot "$TMP/opaque.png"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the panel's corner is $("$PIXEL" "$TMP/opaque.png" at 7 7), want 000000 (opaque)" [ "$("$PIXEL" "$TMP/opaque.png" at 7 7)" = 000000 ]
}

compile_error_clears_after_fix() {
    start_watched cleared || return
    cp "$SRC/game/game.c" "$SRC/game.c.good"
    break_game "$SRC" >/dev/null
    expect "no build-failed event" wait_for "$LOG" '^livehost: build-failed '
    cp "$SRC/game.c.good" "$SRC/game/game.c"
    expect "the fixed build did not load" wait_for "$LOG" '^livehost: reloaded version=2 '
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the error is still on screen" [ "$(count_color "$PNG" "$ERROR")" -eq 0 ]
    expect "the overlay stayed open after the fix" [ "$(hud_pixels "$PNG")" -eq 0 ]
}

# --no-overlay: a problem does not open it (F1 still would); the event still tells.
no_overlay_stays_closed() {
    start_watched closed --no-overlay || return
    break_game "$SRC" >/dev/null
    expect "no build-failed event" wait_for "$LOG" '^livehost: build-failed '
    expect "no frame after the failed build" frames "$LOG"
    stop_host TERM
    expect "--no-overlay opened on an error" [ "$(hud_pixels "$PNG")" -eq 0 ]
}

# The overlay is the host's: it shows a crash and the timeline of the reload, game or no game.
crash_and_timeline_shown() {
    start_game crashov --overlay || return
    expect "could not inject the crash" sed_game "$SRC" game.c 's/^    s->tick++;$/    s->tick++;\n    if (s->tick > 0)\n        *(volatile int *)0 = 1;/'
    rebuild
    expect "no crash event" wait_for "$LOG" '^livehost: crash '
    expect "no frame after the crash" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the crash is not on screen ($ERROR)" [ "$(count_color "$PNG" "$ERROR")" -gt 50 ]
    expect "no timeline line (d0d0d0)" [ "$(count_color "$PNG" d0d0d0)" -gt 100 ]
}

missing_game_still_has_overlay() {
    local log=$TMP/nogame.log png=$TMP/nogame.png
    run_host "$log" --frames 10 --game "$TMP/nothing.so" --screenshot "$png"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "no overlay over the waiting screen" [ "$(hud_pixels "$png")" -gt 100 ]
    expect "the waiting screen is gone" mostly "$png" "$WAITING"
}

for c in ${CASES:-hidden_by_default_and_f1_toggles compile_error_shown panel_is_opaque \
    compile_error_clears_after_fix no_overlay_stays_closed crash_and_timeline_shown \
    missing_game_still_has_overlay}; do
    run_case "$c"
done
