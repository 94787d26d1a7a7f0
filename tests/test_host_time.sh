#!/usr/bin/env bash
# test_host_time.sh - the game's clock: --pause, F7 pause/resume, F8 single steps, --speed and
# F10/F11 (slow motion runs an update every 2nd/4th frame, fast forward 2/4 per frame), and
# rewinding with F12 held (--rewind-seconds bounds it, 0 turns it off), also back past a crash.
# The demo game counts its updates in state->tick and logs it at shutdown, so every case checks
# the exact number of updates that ran. Ends with the rewind history's measured cost (a log
# line per state size, no threshold).
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# script NAME LINES...: writes a --script file and prints its path.
script() {
    local f=$TMP/$1.keys
    shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# ticks_are LOG WANT: the run ended cleanly after exactly WANT updates.
ticks_are() {
    expect "exit code $HOST_RC, want 0: $(tail -2 "$1")" [ "$HOST_RC" -eq 0 ]
    expect "the game ran $(final_tick "$1") updates, want $2" [ "$(final_tick "$1")" = "$2" ]
}

# Paused from the start: no update runs, the game is still drawn, and the host's own clock
# goes on (the "loaded" status bar is gone after its 3 s = 180 frames).
pause_flag() {
    local log=$TMP/pause.log
    run_host "$log" --frames 250 --pause --screenshot "$TMP/pause.png"
    ticks_are "$log" 0
    expect "no 'time state=paused' event" grep -q '^livehost: time state=paused speed=1 updates=0$' "$log"
    expect "a paused game is not drawn" mostly "$TMP/pause.png" "$SKY"
    expect "the status bar stayed while paused" [ "$("$PIXEL" "$TMP/pause.png" at 5 -3)" = "$SKY" ]
}

pause_resume_keys() {
    local log=$TMP/f7.log
    run_host "$log" --frames 100 --script "$(script f7 '20 key F7' '60 key F7')"
    ticks_are "$log" 60
    expect "no pause event at update 20" grep -q '^livehost: time state=paused speed=1 updates=20$' "$log"
    expect "no resume event" grep -q '^livehost: time state=running speed=1 updates=20$' "$log"
}

# F8 while running pauses; each F8 while paused runs exactly one update.
step_keys() {
    local log=$TMP/f8.log
    run_host "$log" --frames 100 --script "$(script f8 '5 key F8' '10 key F8' '12 key F8' '14 key F8')"
    ticks_are "$log" 8
    expect "F8 did not pause first" grep -q '^livehost: time state=paused speed=1 updates=5$' "$log"
    expect "no step events" [ "$(grep -c '^livehost: time state=step ' "$log")" -eq 3 ]
    expect "the last step is not update 8" grep -q '^livehost: time state=step speed=1 updates=8$' "$log"
}

speed_flag() {
    local speed want log
    for speed in 0.25 0.5 1 2 4; do
        log=$TMP/speed-$speed.log
        want=$(awk "BEGIN { print 100 * $speed }")
        run_host "$log" --frames 100 --speed "$speed"
        ticks_are "$log" "$want"
    done
    expect "no speed event" grep -q '^livehost: time state=running speed=0.25 updates=0$' "$TMP/speed-0.25.log"
    expect "an event at the default speed" not grep -q '^livehost: time ' "$TMP/speed-1.log"
    for speed in 3 0 fast 0.3; do
        run_host "$TMP/bad-speed.log" --frames 5 --speed "$speed"
        expect "--speed $speed exited with $HOST_RC, want 2" [ "$HOST_RC" -eq 2 ]
        expect "--speed $speed gave no error naming the choices" grep -q '^livehost: error reason="--speed wants 0.25, 0.5, 1, 2 or 4' "$TMP/bad-speed.log"
    done
}

# F10: 1x -> 1/2x -> 1/4x -> 1x, F11: 1x -> 2x -> 4x -> 1x, ten frames apart:
# 10 + 5 + 2.5 (2 whole) + 10 + 20 + 40 + 40 = 127 updates.
speed_keys() {
    local log=$TMP/speed-keys.log speeds
    run_host "$log" --frames 100 --script "$(script speed-keys '10 key F10' '20 key F10' \
        '30 key F10' '40 key F11' '50 key F11' '60 key F11')"
    ticks_are "$log" 127
    speeds=$(sed -n 's/^livehost: time state=running speed=\([0-9.]*\) .*/\1/p' "$log" | tr '\n' ' ')
    expect "speeds went '$speeds', want '0.5 0.25 1 2 4 1 '" [ "$speeds" = "0.5 0.25 1 2 4 1 " ]
}

# Held for 30 frames after 100 updates: 30 updates undone, then 70 more run.
rewind_steps_back() {
    local log=$TMP/rewind.log
    run_host "$log" --frames 200 --script "$(script rewind '100 down F12' '130 up F12')"
    ticks_are "$log" 140
    expect "no 'rewind state=started' with 99 snapshots" grep -q '^livehost: rewind state=started snapshots=99$' "$log"
    expect "no 'rewind state=stopped steps=30'" grep -q '^livehost: rewind state=stopped steps=30 snapshots=69$' "$log"
    expect "rewind events every frame" [ "$(grep -c '^livehost: rewind ' "$log")" -eq 2 ]
}

# A rewound game looks exactly like the same moment the first time round.
rewind_shows_the_past() {
    run_host "$TMP/past.log" --frames 200 --screenshot "$TMP/past.png"
    run_host "$TMP/back.log" --frames 300 --screenshot "$TMP/back.png" \
        --script "$(script back '250 down F12')"
    ticks_are "$TMP/back.log" 200
    expect "the picture after rewinding to update 200 differs from update 200" cmp -s "$TMP/past.png" "$TMP/back.png"
}

rewind_is_bounded() {
    local log=$TMP/rewind-1s.log
    run_host "$log" --frames 300 --rewind-seconds 1 --script "$(script bounded '150 down F12' '250 up F12')"
    ticks_are "$log" 140
    expect "1 s of history did not stop after 60 steps" grep -q '^livehost: rewind state=stopped steps=60 snapshots=0$' "$log"
    log=$TMP/rewind-off.log
    run_host "$log" --frames 200 --rewind-seconds 0 --script "$(script off '100 down F12' '130 up F12')"
    ticks_are "$log" 170
    expect "--rewind-seconds 0 still rewound" grep -q '^livehost: rewind state=stopped steps=0 snapshots=0$' "$log"
    run_host "$TMP/bad-rewind.log" --frames 5 --rewind-seconds -1
    expect "--rewind-seconds -1 exited with $HOST_RC, want 2" [ "$HOST_RC" -eq 2 ]
}

# A 16 MiB block, whose pages the host tracks instead of comparing, rewinds all the same: the
# byte the game writes at its end on every update is update 200's again. read_file into the
# block works too (the kernel writes those pages, not the game).
rewind_big_state() {
    local src log=$TMP/rewind-big.log
    src=$(game_src rewind-big)
    head -c 8192 /dev/zero | tr '\0' x >"$TMP/big.bin"
    expect "could not give the game a big state" big_state "$src" || return
    expect "could not write the block's end" sed_game "$src" game.c "s|^    s->tick++;\$|    s->tick++;\\n    s->arena[sizeof s->arena - 1] = (unsigned char)s->tick;\\n    if (s->tick == 10 \\&\\& host->read_file(\"$TMP/big.bin\", s->arena + sizeof s->arena - 3 * 4096, 8192) != 8192)\\n        host->log(\"read_file into the state failed\");|"
    expect "could not build the game: $(tail -3 "$src/build.log")" build_game "$src" "$TMP/rewind-big-out" || return
    run_host "$log" --frames 300 --game "$TMP/rewind-big-out/game.so" --script "$(script big '250 down F12')"
    ticks_are "$log" 200
    expect "the block's last byte is not update 200's: $(grep 'shutdown at' "$log")" grep -q 'shutdown at tick=200 .* end=200"$' "$log"
    expect "read_file into the block failed: $(grep -E 'read_file|file-error' "$log")" not grep -Eq 'read_file into the state failed|file-error' "$log"
}

# A build that crashes at update 101 (no earlier build to roll back to: the game stops). Holding
# F12 goes back before the crash and pauses there, so a fixed build shows that moment.
rewind_after_crash() {
    local src log=$TMP/rewind-crash.log
    src=$(game_src rewind-crash)
    expect "could not inject the crash" sed_game "$src" game.c 's/^    s->tick++;$/    s->tick++;\n    if (s->tick > 100)\n        *(volatile int *)0 = 1;/'
    expect "could not build the game: $(tail -3 "$src/build.log")" build_game "$src" "$TMP/rewind-crash-out" || return
    run_host "$log" --frames 200 --game "$TMP/rewind-crash-out/game.so" \
        --script "$(script crash '150 down F12' '160 up F12')"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "no crash at update 101" grep -q '^livehost: crash signal=SIGSEGV function=update ' "$log"
    expect "no 10 steps back after the crash" grep -q '^livehost: rewind state=stopped steps=10 ' "$log"
    expect "not paused after rewinding past the crash" grep -Eq '^livehost: time state=paused speed=1 updates=[0-9]+$' "$log"
    expect "the game crashed again" [ "$(grep -c '^livehost: crash ' "$log")" -eq 1 ]
}

# The history's cost per update, measured on the host's own code (no threshold: a log line).
rewind_cost() {
    local rc
    timeout "$LIMIT" "$OUT_DIR/tests/rewind_cost" >"$TMP/cost.txt" 2>&1
    rc=$?
    expect "rewind_cost exited with $rc: $(cat "$TMP/cost.txt")" [ "$rc" -eq 0 ]
    sed 's/^/    /' "$TMP/cost.txt"
}

for c in ${CASES:-pause_flag pause_resume_keys step_keys speed_flag speed_keys rewind_steps_back \
    rewind_shows_the_past rewind_is_bounded rewind_big_state rewind_after_crash rewind_cost}; do
    run_case "$c"
done
