#!/usr/bin/env bash
# test_templates.sh - the games `livehost new --template NAME DIR` writes, played headless as a
# user would: each project is written, built by its own Makefile and run with scripted keys,
# gamepad buttons and typed text; the test looks at what the player would see and hear. The
# platformer's hero (its sprite sheet's orange) moves right under the keyboard and under the
# gamepad, its jump plays a sound (SDL's disk audio driver writes the mix to a file), and it
# keeps its place through an edit of the game; the menu game takes a typed name (with a
# Backspace), moves its menu's highlight, and answers a typed guess. A recording made with the
# gamepad and the jump's sound replays after a reload with the same frames and samples.
# Waits are for events and files, never for a fixed time.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

SAMPLES=$OUT_DIR/tests/samples
HERO=fab43c      # the hero's body in the platformer's sprite sheet
HIGHLIGHT=3c5ac8 # the menu game's highlighted row
ACCENT=fac846    # the menu game's titles

# new_project TEMPLATE DIR: writes and builds the project; fails with the reason.
new_project() {
    local out
    out=$("$HOST" new --template "$1" "$2" 2>&1 >/dev/null)
    expect "new --template $1 failed: $out" [ -s "$2/game/game.c" ] || return 1
    out=$(env -u MAKEFLAGS -u MAKELEVEL make -s -C "$2" 2>&1)
    expect "the $1 project does not build: $(tail -3 <<<"$out")" [ -f "$2/build/game.so" ]
}

# play DIR NAME SCRIPT-LINES...: runs DIR's game headless for 100 frames with that script;
# LOG and PNG are NAME's event log and last frame.
play() {
    local dir=$1 name=$2
    shift 2
    LOG=$TMP/$name.log PNG=$TMP/$name.png
    printf '%s\n' "$@" >"$TMP/$name.script"
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --no-build --frames 100 \
        --script "$TMP/$name.script" --screenshot "$PNG" 2>"$LOG" >/dev/null)
    HOST_RC=$?
    expect "$name: exit code $HOST_RC: $(tail -2 "$LOG")" [ "$HOST_RC" -eq 0 ]
}

# hero_x PNG: the left edge of the hero on screen.
hero_x() { "$PIXEL" "$1" bbox $HERO | awk '{ print $1 }'; }

templates_are_listed() {
    local help
    help=$("$HOST" --help)
    expect "--help does not list the templates: $help" grep -Eq '^  platformer +run and jump' <<<"$help"
    expect "--help does not list menu" grep -Eq '^  menu +a text and menu game' <<<"$help"
    "$HOST" new --template nosuch "$TMP/nosuch" 2>"$TMP/nosuch.log"
    local rc=$?
    expect "an unknown template exited $rc, want 2" [ "$rc" -eq 2 ]
    expect "no reason: $(cat "$TMP/nosuch.log")" grep -q 'new --template nosuch: no such template' "$TMP/nosuch.log"
    expect "an unknown template wrote files" [ ! -e "$TMP/nosuch" ]
}

# Still: the hero stands. Right held (keyboard) or the d-pad held (virtual gamepad) for 60
# updates: it ran right, about 110 pixels. Space and the pad's A button jump.
platformer_runs_with_keys_and_pad() {
    local dir=$TMP/plat still keys pad
    new_project platformer "$dir" || return
    expect "no sprite sheet or sound in assets/" [ -s "$dir/assets/hero.bmp" ] && [ -s "$dir/assets/jump.wav" ] || return
    play "$dir" still '# nothing pressed' || return
    still=$(hero_x "$PNG")
    expect "the hero is not on screen (no $HERO pixels)" [ "$(count_color "$PNG" $HERO)" -gt 100 ] || return
    expect "the sprite sheet's magenta is not transparent" [ "$(count_color "$PNG" ff00ff)" -eq 0 ]
    play "$dir" keys '5 down Right' '65 up Right' '80 key Space' || return
    keys=$(hero_x "$PNG")
    expect "Right did not move the hero right: x $still -> $keys" [ "$keys" -gt $((still + 80)) ]
    expect "Space did not jump: $(grep 'log text' "$LOG")" grep -Eq '^livehost: log text="jump at tick=[0-9]+ x=[0-9]+"$' "$LOG"
    play "$dir" pad '5 pad-down dpright' '65 pad-up dpright' '80 pad a' || return
    pad=$(hero_x "$PNG")
    expect "no virtual gamepad: $(grep pad "$LOG")" grep -q '^livehost: pad-added slot=0 ' "$LOG"
    expect "the d-pad did not move the hero right: x $still -> $pad" [ "$pad" -gt $((still + 80)) ]
    expect "the pad's A did not jump: $(grep 'log text' "$LOG")" grep -q '^livehost: log text="jump at tick=' "$LOG"
}

# The jump is heard: silence before it, the sound's energy after it in the disk driver's mix.
platformer_jump_is_heard() {
    local dir=$TMP/sound raw=$TMP/sound.raw i onset="" left right
    new_project platformer "$dir" || return
    printf '%s\n' '40 key Space' >"$TMP/sound.script"
    LOG=$TMP/sound.log
    (cd "$dir" && SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=$raw exec timeout "$LIMIT" "$HOST" \
        --headless --no-build --frames 0 --script "$TMP/sound.script" 2>"$LOG" >/dev/null) &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "no jump: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: log text="jump at tick=' || return
    for ((i = 0; i < 600; i++)); do # the disk driver writes in real time
        onset=$("$SAMPLES" "$raw" info 2>/dev/null | awk '$2 >= 0 && $1 > $2 + 4800 { print $2 }')
        [ -n "$onset" ] && break
        sleep 0.05
    done
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the jump made no sound: $("$SAMPLES" "$raw" info 2>&1)" [ -n "$onset" ] || return
    expect "no silence before the jump" [ "$onset" -gt 0 ]
    read -r left right <<<"$("$SAMPLES" "$raw" peak "$onset" 4800)"
    expect "the jump is too quiet: peak $left $right" \
        awk -v l="$left" -v r="$right" 'BEGIN { exit !(l > 0.1 && r > 0.1) }'
}

# The hero runs right, then a save changes the sky: the new build runs with the hero where it
# was (its reload line and the picture), under the new sky.
platformer_keeps_its_hero_across_a_save() {
    local dir=$TMP/edit log=$TMP/edit.log png=$TMP/edit.png x
    new_project platformer "$dir" || return
    printf '%s\n' '5 down Right' '65 up Right' '70 key Space' >"$TMP/edit.script"
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --no-overlay \
        --script "$TMP/edit.script" --screenshot "$png" 2>"$log" >/dev/null) &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "no jump after the run: $(tail -2 "$log")" wait_for "$log" '^livehost: log text="jump at tick=' || return
    sed -i 's/^#define SKY GAME_RGBA(40, 44, 80, 255)$/#define SKY GAME_RGBA(90, 20, 60, 255)/' "$dir/game/game.c"
    expect "the sky is not in game.c" grep -q 'SKY GAME_RGBA(90, 20, 60, 255)' "$dir/game/game.c"
    expect "the save did not reload with the state kept: $(tail -2 "$log")" \
        wait_for "$log" '^livehost: reloaded version=2 .*state=kept$' || return
    expect "no frame after the reload" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    x=$(sed -n 's/^livehost: log text="reloaded at tick=[0-9]* x=\([0-9]*\)"$/\1/p' "$log")
    expect "the game's reload line does not say the hero ran on: '$x'" [ "${x:-0}" -gt 120 ]
    expect "the new sky is not on screen" mostly "$png" 5a143c
    expect "the hero is not where it ran to: x $(hero_x "$png")" [ "$(hero_x "$png")" -gt 120 ]
}

# A name typed with a slip (Backspace), Return; Down moves the highlight; Play; a guess.
menu_takes_a_name_and_a_guess() {
    local dir=$TMP/menu top down short long
    new_project menu "$dir" || return
    play "$dir" menu '5 text Adax' '8 key Backspace' '10 key Return' || return
    expect "the typed name was not taken: $(grep 'log text' "$LOG")" grep -q '^livehost: log text="hello Ada"$' "$LOG"
    top=$("$PIXEL" "$PNG" bbox $HIGHLIGHT | awk '{ print $2 }')
    short=$("$PIXEL" "$PNG" bbox $ACCENT | awk '{ print $3 }')
    expect "no highlighted menu row on screen" [ "$(count_color "$PNG" $HIGHLIGHT)" -gt 1000 ] || return
    play "$dir" down '5 text Adalovelace' '10 key Return' '20 key Down' || return
    down=$("$PIXEL" "$PNG" bbox $HIGHLIGHT | awk '{ print $2 }')
    long=$("$PIXEL" "$PNG" bbox $ACCENT | awk '{ print $3 }')
    expect "Down did not move the highlight: y $top -> $down" [ "$down" -gt "$top" ]
    expect "the greeting does not show the longer name: width $short -> $long" [ "$long" -gt "$short" ]
    play "$dir" guess '5 text Ada' '10 key Return' '20 key Return' '30 text 50' '40 key Return' || return
    expect "Play did not start: $(grep 'log text' "$LOG")" grep -q '^livehost: log text="play name=Ada"$' "$LOG"
    expect "the guess was not answered: $(grep 'log text' "$LOG")" \
        grep -Eq '^livehost: log text="guess 50: (higher|lower|correct)"$' "$LOG"
}

# onset_of RAW FRAMES: waits until the disk driver's file holds a sound and FRAMES frames past
# its start (it writes in real time); prints where the sound starts.
onset_of() {
    local i onset
    for ((i = 0; i < 600; i++)); do
        onset=$("$SAMPLES" "$1" info 2>/dev/null | awk -v n="$2" '$2 >= 0 && $1 >= $2 + n { print $2 }')
        [ -n "$onset" ] && echo "$onset" && return 0
        sleep 0.05
    done
    return 1
}

# paced_run NAME UNTIL [HOST ARGS...]: the platformer project $TMP/rec at 60 fps, its mix in
# $TMP/NAME.raw, until the jump's 5760 frames (0.12 s) are written and the log has a line
# matching UNTIL; then stopped.
paced_run() {
    local name=$1 until=$2 log=$TMP/$1.log
    shift 2
    : >"$log"
    (cd "$TMP/rec" && SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=$TMP/$name.raw exec timeout "$LIMIT" \
        "$HOST" --headless --no-build --frames 0 "$@" 2>"$log" >/dev/null) &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "$name: no jump: $(tail -2 "$log")" wait_for "$log" '^livehost: log text="jump at tick=' || return
    expect "$name: the jump made no sound: $("$SAMPLES" "$TMP/$name.raw" info 2>&1)" \
        onset_of "$TMP/$name.raw" 5760 >/dev/null || return
    expect "$name: no '$until': $(tail -2 "$log")" wait_for "$log" "$until" || return
    stop_host TERM
    expect "$name: exit code $HOST_RC" [ "$HOST_RC" -eq 0 ]
}

# A recording made with the gamepad (a jump with A, a run with the d-pad) and the jump's
# sound, replayed after a reload (F6 while the recording loops): the same frames, byte for
# byte, as a replay without the reload, and the same samples as the recording played.
pad_and_sound_replay_after_a_reload() {
    local dir=$TMP/rec
    new_project platformer "$dir" || return
    printf '%s\n' '5 key F2' '8 pad a' '50 pad-down dpright' '70 pad-up dpright' '90 key F2' >"$TMP/rec.script"
    printf '%s\n' '2 key F6' >"$TMP/f6.script"
    paced_run recorded '^livehost: record-saved ' --record "$TMP/rec.rec" --script "$TMP/rec.script" || return
    expect "no recording: $(grep record "$TMP/recorded.log")" grep -q '^livehost: record-saved ' "$TMP/recorded.log" || return
    paced_run replayed '^livehost: reloaded version=2 ' --replay "$TMP/rec.rec" --script "$TMP/f6.script" || return
    expect "no reload in the replay: $(grep reload "$TMP/replayed.log")" \
        grep -q '^livehost: reloaded version=2 .*state=kept$' "$TMP/replayed.log"
    expect "the replay after a reload sounds different: $("$SAMPLES" "$TMP/recorded.raw" same "$TMP/replayed.raw" 5760 2>&1)" \
        "$SAMPLES" "$TMP/recorded.raw" same "$TMP/replayed.raw" 5760
    # The frames: 80 frames of the replay (the run done), with and without a reload, in a
    # window under the dummy driver: paced at 60 fps, so the reload's pre-flight is done well
    # before the last frame (headless, 80 frames may pass before it is).
    (cd "$dir" && SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --no-build --no-overlay --frames 80 \
        --replay "$TMP/rec.rec" --screenshot "$TMP/plain.png" 2>"$TMP/plain.log" >/dev/null)
    (cd "$dir" && SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --no-build --no-overlay --frames 80 \
        --replay "$TMP/rec.rec" --script "$TMP/f6.script" --screenshot "$TMP/reloaded.png" \
        2>"$TMP/reloaded.log" >/dev/null)
    expect "no reload: $(tail -2 "$TMP/reloaded.log")" grep -q '^livehost: reloaded version=2 ' "$TMP/reloaded.log"
    expect "the hero did not run in the replay: x $(hero_x "$TMP/plain.png")" [ "$(hero_x "$TMP/plain.png")" -gt 60 ]
    expect "the frames after a reload differ from the replay's" cmp -s "$TMP/plain.png" "$TMP/reloaded.png"
}

for c in ${CASES:-templates_are_listed platformer_runs_with_keys_and_pad platformer_jump_is_heard \
    platformer_keeps_its_hero_across_a_save menu_takes_a_name_and_a_guess \
    pad_and_sound_replay_after_a_reload}; do
    run_case "$c"
done
