#!/usr/bin/env bash
# test_templates.sh - the games `livehost new --template NAME DIR` writes, played headless as a
# user would: each project is written, built by its own Makefile and run with scripted keys,
# gamepad buttons and typed text; the test looks at what the player would see and hear. The
# platformer's hero (its sprite sheet's orange) moves right under the keyboard and under the
# gamepad, its jump plays a sound (SDL's disk audio driver writes the mix to a file), and it
# keeps its place through an edit of the game; the menu game takes a typed name (with a
# Backspace), moves its menu's highlight, and answers a typed guess. A recording made with the
# gamepad and two jumps' sounds replays headless after a reload with the same frames and the
# same samples at the same updates.
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

# A sound of the platformer (its jump, 0.12 s) in frames of --audio-out's 48 kHz stream, and the
# frames one update stands for there.
JUMP=5760
PER_UPDATE=800

# starts RAW: where the sounds in an --audio-out file start, one frame number a line.
starts() { "$SAMPLES" "$1" starts 480; }

# has_sounds RAW N: the file holds N sound starts and the last one's whole jump.
has_sounds() {
    local s
    s=$(starts "$1" | sed -n "${2}p")
    [ -n "$s" ] && [ "$("$SAMPLES" "$1" info | awk '{ print $1 }')" -ge $((s + JUMP)) ]
}

# A recording made with the gamepad: two jumps with A, 52 updates apart, and a run with the
# d-pad between them. It is replayed headless, looping, with a reload (F6) at its start, and
# with --audio-out, which writes the sound in update time (1/60 s of it after each update), so
# the bytes do not depend on how fast the machine runs. The first loop that runs whole after
# the reload plays both jumps exactly as the recording did: the same samples, bit for bit, and
# the same spacing between the two starts, 52 updates' worth of frames. The replay is paused
# (F7) at a fixed frame and its last frame is byte for byte that of a replay without the reload.
# (The pause is what fixes the frame: headless with --frames N runs as fast as it can, so a
# reload, which takes its pre-flight's time, could land after the last frame; paced at 60 fps
# it has until the pause, a few seconds, and the test checks that it landed before the loop it
# compares.)
pad_and_sound_replay_after_a_reload() {
    local dir=$TMP/rec n pause before i t1 t2 a1 a2 b1 b2
    new_project platformer "$dir" || return
    printf '%s\n' '3 key F2' '6 pad a' '20 pad-down dpright' '28 pad-up dpright' '58 pad a' \
        '80 key F2' >"$TMP/rec.script"
    (cd "$dir" && timeout "$LIMIT" "$HOST" --headless --no-build --frames 90 --record "$TMP/rec.rec" \
        --script "$TMP/rec.script" --audio-out "$TMP/recorded.raw" 2>"$TMP/recorded.log" >/dev/null)
    n=$(event_field "$TMP/recorded.log" record-saved frames)
    expect "no recording: $(grep record "$TMP/recorded.log")" [ -n "$n" ] || return
    read -r t1 t2 <<<"$(log_ticks "$TMP/recorded.log" jump | head -2 | tr '\n' ' ')"
    read -r a1 a2 <<<"$(starts "$TMP/recorded.raw" | head -2 | tr '\n' ' ')"
    expect "the recording did not jump twice: $(grep 'log text' "$TMP/recorded.log")" [ -n "$t2" ] || return
    expect "the recording's sounds start at frames '$a1 $a2', want two" [ -n "$a2" ] || return
    expect "the jumps at updates $t1 and $t2 start $((a2 - a1)) frames apart, want $(((t2 - t1) * PER_UPDATE))" \
        [ $((a2 - a1)) -eq $(((t2 - t1) * PER_UPDATE)) ] || return
    expect "a coin was taken: more sounds than the jumps" not grep -q 'log text="coin' "$TMP/recorded.log" || return

    pause=$((4 * n + 70))
    printf '%s\n' '2 key F6' "$pause key F7" >"$TMP/f6.script"
    LOG=$TMP/replayed.log
    : >"$LOG"
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless --no-build --no-overlay --frames 0 \
        --replay "$TMP/rec.rec" --script "$TMP/f6.script" --audio-out "$TMP/replayed.raw" \
        --screenshot "$TMP/reloaded.png" 2>"$LOG" >/dev/null) &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "no reload in the replay: $(tail -2 "$LOG")" \
        wait_for "$LOG" '^livehost: reloaded version=2 .*state=kept$' || return
    expect "the replay did not pause: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: time state=paused ' || return
    stop_host TERM
    expect "exit code $HOST_RC" [ "$HOST_RC" -eq 0 ] || return
    # The jumps the replay logged before the reload; the next whole loop starts after them.
    before=$(sed -n '/^livehost: reloaded version=2 /q; /^livehost: log text="jump at tick=/p' "$LOG" | wc -l)
    i=$(((before + 1) / 2 * 2 + 1))
    expect "no whole loop after the reload before the pause (the reload took $before jumps)" \
        has_sounds "$TMP/replayed.raw" $((i + 1)) || return
    read -r b1 b2 <<<"$(starts "$TMP/replayed.raw" | sed -n "${i},$((i + 1))p" | tr '\n' ' ')"
    expect "after the reload the jumps start $((b2 - b1)) frames apart, the recording's $((a2 - a1))" \
        [ $((b2 - b1)) -eq $((a2 - a1)) ] || return
    expect "the replay after a reload sounds different: $("$SAMPLES" "$TMP/recorded.raw" same \
        "$TMP/replayed.raw" $((a2 - a1 + JUMP)) "$a1" "$b1" 2>&1)" \
        "$SAMPLES" "$TMP/recorded.raw" same "$TMP/replayed.raw" $((a2 - a1 + JUMP)) "$a1" "$b1" || return

    echo "$pause key F7" >"$TMP/pause.script"
    (cd "$dir" && timeout "$LIMIT" "$HOST" --headless --no-build --no-overlay --frames $((pause + 3)) \
        --replay "$TMP/rec.rec" --script "$TMP/pause.script" --screenshot "$TMP/plain.png" \
        2>"$TMP/plain.log" >/dev/null)
    expect "the plain replay did not pause: $(tail -2 "$TMP/plain.log")" \
        grep -q '^livehost: time state=paused ' "$TMP/plain.log" || return
    expect "the hero did not run in the replay: x $(hero_x "$TMP/plain.png")" [ "$(hero_x "$TMP/plain.png")" -gt 50 ]
    expect "the frames after a reload differ from the replay's" cmp -s "$TMP/plain.png" "$TMP/reloaded.png"
}

for c in ${CASES:-templates_are_listed platformer_runs_with_keys_and_pad platformer_jump_is_heard \
    platformer_keeps_its_hero_across_a_save menu_takes_a_name_and_a_guess \
    pad_and_sound_replay_after_a_reload}; do
    run_case "$c"
done
