#!/usr/bin/env bash
# test_host_assets.sh - images reload while the game runs: an image saved under the assets
# directory replaces the texture behind the same handle within a frame (asset-reloaded); a
# removed or broken one gives the placeholder and an asset-missing event, never a crash, and
# comes back when a good file is saved again. Each case runs the demo on a private copy of
# assets/; the replacement image is a screenshot of the host's own waiting screen (16x16, all
# $WAITING), so no image tool is needed.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

SHIP=3cc8ff        # the ship's body in assets/ship.png
PLACEHOLDER=ff00ff # the magenta of the missing-image checker

# new_image PNG: a 16x16 PNG of one colour ($WAITING).
new_image() {
    timeout "$LIMIT" "$HOST" --headless --frames 1 --width 16 --height 16 --game "$TMP/none.so" \
        --no-build --no-overlay --screenshot "$1" 2>/dev/null
}

# start_assets NAME: the demo game on a copy of assets/ in $TMP/NAME-assets (ASSETS).
start_assets() {
    ASSETS=$TMP/$1-assets LOG=$TMP/$1.log PNG=$TMP/$1.png
    cp -r "$ROOT/assets" "$ASSETS"
    start_host "$LOG" --frames 0 --game "$OUT_DIR/game.so" --assets "$ASSETS" --screenshot "$PNG"
    expect "no loaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: loaded version=1 '
}

saved_image_reloads() {
    expect "could not make a replacement image" new_image "$TMP/solid.png" || return
    start_assets saved || return
    # Written next to it and renamed into place, as image editors and exporters do.
    cp "$TMP/solid.png" "$ASSETS/ship.png.new" && mv "$ASSETS/ship.png.new" "$ASSETS/ship.png"
    expect "no asset-reloaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: asset-reloaded name=ship.png ms=[0-9.]+$'
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old ship ($SHIP) is still drawn" [ "$(count_color "$PNG" "$SHIP")" -eq 0 ]
    expect "the new ship ($WAITING, 48x48) is not drawn" [ "$(count_color "$PNG" "$WAITING")" -ge 2304 ]
    expect "the game restarted" [ "$(grep -c 'log text="new game' "$LOG")" -eq 1 ]
}

# Overwritten in place (cp over it): reloaded once, after the writer closed the file.
overwritten_in_place() {
    new_image "$TMP/solid2.png"
    start_assets inplace || return
    cp "$TMP/solid2.png" "$ASSETS/ship.png"
    expect "no asset-reloaded event" wait_for "$LOG" '^livehost: asset-reloaded name=ship.png '
    expect "no frames after the reload" frames "$LOG" 3
    stop_host TERM
    expect "reloaded $(grep -c asset-reloaded "$LOG") times for one save" [ "$(grep -c '^livehost: asset-reloaded' "$LOG")" -eq 1 ]
    expect "the new ship is not drawn" [ "$(count_color "$PNG" "$WAITING")" -ge 2304 ]
}

removed_then_back() {
    start_assets removed || return
    mv "$ASSETS/ship.png" "$TMP/ship.png.away"
    expect "no asset-missing event for the removed image" wait_for "$LOG" '^livehost: asset-missing name=ship.png reason="cannot open .*ship.png: No such file'
    expect "no frame after the image went" frames "$LOG"
    expect "the host died" kill -0 "$HOST_PID"
    mv "$TMP/ship.png.away" "$ASSETS/ship.png"
    expect "no asset-reloaded event when it came back" wait_for "$LOG" '^livehost: asset-reloaded name=ship.png '
    expect "no frame after the image came back" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the ship did not come back" [ "$(count_color "$PNG" "$SHIP")" -gt 100 ]
    expect "the placeholder stayed" [ "$(count_color "$PNG" "$PLACEHOLDER")" -eq 0 ]
}

broken_save_gives_placeholder() {
    start_assets broken || return
    echo 'not an image' >"$ASSETS/ship.png"
    head -c 100 "$ROOT/assets/star.bmp" >"$ASSETS/star.bmp" # a cut-off BMP
    expect "no asset-missing event for the broken PNG" wait_for "$LOG" '^livehost: asset-missing name=ship.png reason="cannot decode '
    expect "no asset-missing event for the cut-off BMP" wait_for "$LOG" '^livehost: asset-missing name=star.bmp reason="cannot decode '
    expect "no frames after the broken images" frames "$LOG" 3
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "no placeholder on screen" [ "$(count_color "$PNG" "$PLACEHOLDER")" -gt 100 ]
    expect "the broken ship reloaded" not grep -q '^livehost: asset-reloaded' "$LOG"
}

# Files the game never asked for change nothing. A save of an image it uses comes after them:
# once that one is reloaded, the host has read past their changes.
unrelated_files_ignored() {
    expect "could not make a replacement image" new_image "$TMP/solid3.png" || return
    start_assets unrelated || return
    echo x >"$ASSETS/notes.txt"
    cp "$ROOT/assets/ship.png" "$ASSETS/other.png"
    cp "$TMP/solid3.png" "$ASSETS/ship.png.new" && mv "$ASSETS/ship.png.new" "$ASSETS/ship.png"
    expect "no asset-reloaded event for the used image" wait_for "$LOG" '^livehost: asset-reloaded name=ship.png '
    expect "no frames after the reload" frames "$LOG" 3
    stop_host TERM
    expect "an unused file was loaded: $(grep asset- "$LOG")" \
        [ "$(grep -Ec '^livehost: asset-(reloaded|missing)' "$LOG")" -eq 1 ]
}

for c in ${CASES:-saved_image_reloads overwritten_in_place removed_then_back \
    broken_save_gives_placeholder unrelated_files_ignored}; do
    run_case "$c"
done
