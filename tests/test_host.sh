#!/usr/bin/env bash
# test_host.sh - the host as a user meets it: headless runs and their screenshots, the command
# line, missing assets, a game that is not built yet, SIGINT/SIGTERM, and a real window under
# Xvfb. Reloading a running game is tests/test_host_reload.sh.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

headless_screenshot() {
    local png=$TMP/headless.png log=$TMP/headless.log
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 60 --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "no 'loaded version=1' event" grep -q '^livehost: loaded version=1 path=[^ ]* ms=[0-9.]* state_size=[0-9]* tmp=' "$log"
    expect "no 'exit frames=60' event" grep -q '^livehost: exit frames=60$' "$log"
    expect "no screenshot event" grep -q "^livehost: screenshot path=$png\$" "$log"
    expect "screenshot is not 640x360" [ "$("$PIXEL" "$png" size)" = "640 360" ]
    expect "the sky ($SKY) is not most of the picture" mostly "$png" "$SKY"
    expect "no ship body pixels (3cc8ff)" [ "$(count_color "$png" 3cc8ff)" -gt 100 ]
    expect "no white score text" [ "$(count_color "$png" ffffff)" -gt 50 ]
    expect "no star pixels (ffc800)" [ "$(count_color "$png" ffc800)" -gt 0 ]
    expect "per-frame spam: $(wc -l <"$log") event lines" [ "$(wc -l <"$log")" -lt 12 ]
}

same_inputs_same_pictures() {
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 90 --screenshot "$TMP/same1.bmp" 2>/dev/null
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 90 --screenshot "$TMP/same2.bmp" 2>/dev/null
    expect "no BMP screenshot" [ -s "$TMP/same1.bmp" ]
    expect "BMP is not a BMP" [ "$(head -c 2 "$TMP/same1.bmp")" = BM ]
    expect "two runs of 90 frames differ" cmp -s "$TMP/same1.bmp" "$TMP/same2.bmp"
}

size_flags() {
    local png=$TMP/size.png
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 3 --width 320 --height 200 --screenshot "$png" 2>/dev/null
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "screenshot is not 320x200" [ "$("$PIXEL" "$png" size)" = "320 200" ]
}

help_lists_every_flag() {
    local out rc flag
    out=$(timeout "$LIMIT" "$HOST" --help 2>&1)
    rc=$?
    expect "--help exit code $rc, want 0" [ "$rc" -eq 0 ]
    for flag in --game --assets --headless --frames --screenshot --width --height --reset \
        --script --help --version; do
        expect "--help does not mention $flag" grep -q -- "$flag" <<<"$out"
    done
    expect "--help does not name the program as it was called" grep -q '^usage: host \[options\]' <<<"$out"
    out=$(timeout "$LIMIT" "$HOST" --version 2>&1)
    expect "--version printed '$out'" grep -Eq "^livehost [0-9]+\.[0-9]+\.[0-9]+ \(game_api.h version $API_VERSION\)\$" <<<"$out"
}

bad_flags_fail() {
    local args rc err
    for args in "--bogus" "--frames" "--frames ten" "--width 0" "--frames -1"; do
        # shellcheck disable=SC2086 # the words are the arguments
        err=$(timeout "$LIMIT" "$HOST" --headless $args 2>&1 >/dev/null)
        rc=$?
        expect "'$args' exited with $rc, want 2" [ "$rc" -eq 2 ]
        expect "'$args' gave no error event: $err" grep -q '^livehost: error reason="' <<<"$err"
    done
}

# Files read whole at start must be regular files of a sane size: a device that never ends, a
# directory, a FIFO nobody writes or a huge file is a command-line error, not a stall.
unreadable_input_files() {
    local args rc err fifo=$TMP/input.fifo
    mkfifo "$fifo"
    truncate -s 2M "$TMP/huge.txt"
    for args in "--script /dev/zero" "--script $TMP" "--script $fifo" "--script $TMP/huge.txt" \
        "--load-state $TMP" "--load-state $fifo" "--replay $TMP" "--replay $fifo"; do
        # shellcheck disable=SC2086 # the words are the arguments
        err=$(timeout "$LIMIT" "$HOST" --headless --frames 5 --game "$OUT_DIR/game.so" $args 2>&1 >/dev/null)
        rc=$?
        expect "'$args' exited with $rc, want 2" [ "$rc" -eq 2 ]
        expect "'$args' gave no error event naming it: $err" grep -q "^livehost: error reason=\"${args% *} ${args#* }: " <<<"$err"
    done
}

missing_assets_placeholder() {
    local png=$TMP/noassets.png log=$TMP/noassets.log
    mkdir -p "$TMP/empty"
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 30 --assets "$TMP/empty" --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "no asset-missing event for ship.png" grep -q '^livehost: asset-missing name=ship.png reason="' "$log"
    expect "no asset-missing event for star.bmp" grep -q '^livehost: asset-missing name=star.bmp reason="' "$log"
    expect "asset-missing reported more than once per name" [ "$(grep -c asset-missing "$log")" -eq 2 ]
    expect "no magenta placeholder pixels" [ "$(count_color "$png" ff00ff)" -gt 100 ]
}

broken_assets_placeholder() {
    local png=$TMP/badassets.png log=$TMP/badassets.log
    mkdir -p "$TMP/bad"
    echo 'not an image' >"$TMP/bad/ship.png"
    head -c 100 "$ROOT/assets/star.bmp" >"$TMP/bad/star.bmp" # a cut-off BMP
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 30 --assets "$TMP/bad" --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "no asset-missing event naming the broken PNG" grep -q '^livehost: asset-missing name=ship.png reason="cannot decode ' "$log"
    expect "no asset-missing event naming the broken BMP" grep -q '^livehost: asset-missing name=star.bmp reason="cannot decode ' "$log"
    expect "no magenta placeholder pixels" [ "$(count_color "$png" ff00ff)" -gt 100 ]
}

waiting_screen_without_game() {
    local png=$TMP/wait.png log=$TMP/wait.log
    mkdir -p "$TMP/nothing" # a directory to build into; a missing one is a typo (exit 2)
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 10 --game "$TMP/nothing/game.so" --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "no waiting event" grep -q "^livehost: waiting path=$TMP/nothing/game.so reason=\".*does not exist" "$log"
    expect "the waiting screen ($WAITING) is not shown" mostly "$png" "$WAITING"
    expect "no text on the waiting screen" [ "$(count_color "$png" ffffff)" -gt 50 ]
}

game_appears_later() {
    local src log=$TMP/late.log png=$TMP/late.png
    src=$(game_src late)
    mkdir -p "$TMP/late-out"
    start_host "$log" --frames 0 --game "$TMP/late-out/game.so" --screenshot "$png"
    expect "no waiting event" wait_for "$log" '^livehost: waiting '
    expect "could not build the game: $(tail -3 "$src/build.log" 2>/dev/null)" build_game "$src" "$TMP/late-out"
    expect "no loaded event after the build appeared" wait_for "$log" '^livehost: loaded version=1 '
    expect "no frame after loading" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the game is not drawn after loading" mostly "$png" "$SKY"
}

# SIGINT and SIGTERM: exit 0, screenshot written, the private temp directory removed.
quit_on_signal() {
    local sig=$1 log=$TMP/sig-$1.log png=$TMP/sig-$1.png dir
    start_host "$log" --game "$OUT_DIR/game.so" --frames 0 --screenshot "$png"
    expect "no loaded event" wait_for "$log" '^livehost: loaded '
    dir=$(event_field "$log" loaded tmp)
    expect "no tmp= in the loaded event" [ -n "$dir" ]
    expect "temp directory $dir does not exist while running" [ -d "$dir" ]
    stop_host "$sig"
    expect "exit code $HOST_RC after SIG$sig, want 0" [ "$HOST_RC" -eq 0 ]
    expect "temp directory $dir left behind" [ ! -e "$dir" ]
    expect "no exit event" grep -q '^livehost: exit frames=[0-9]*$' "$log"
    expect "no screenshot at SIG$sig" mostly "$png" "$SKY"
}
quit_on_sigint() { quit_on_signal INT; }
quit_on_sigterm() { quit_on_signal TERM; }

# The event log's reader goes away (`| head -1`): the host plays on to its last frame, exits 0
# and removes its private temp directory; SIGPIPE does not end it.
reader_gone() {
    local rt=$TMP/rt-pipe png=$TMP/pipe.png
    mkdir -m 700 "$rt"
    XDG_RUNTIME_DIR=$rt timeout "$LIMIT" "$HOST" --headless --game "$OUT_DIR/game.so" --frames 300 \
        --screenshot "$png" 2>&1 | head -1 >/dev/null
    local rc=${PIPESTATUS[0]}
    expect "exit code $rc with the log's reader gone, want 0" [ "$rc" -eq 0 ]
    expect "no screenshot: the host did not reach its last frame" mostly "$png" "$SKY"
    expect "temp files left behind: $(ls "$rt")" [ -z "$(ls -A "$rt")" ]
}

# kill -USR1: a screenshot now, to the --screenshot path, while the game plays on (how a
# headless session is looked at while you edit).
screenshot_on_sigusr1() {
    local log=$TMP/usr1.log png=$TMP/usr1.png
    start_host "$log" --game "$OUT_DIR/game.so" --frames 0 --screenshot "$png"
    expect "no loaded event" wait_for "$log" '^livehost: loaded '
    kill -USR1 "$(host_pid)" # the host itself: HOST_PID is its `timeout`
    expect "no screenshot event after SIGUSR1: $(tail -2 "$log")" wait_for "$log" "^livehost: screenshot path=$png\$"
    expect "the screenshot is not the game" mostly "$png" "$SKY"
    expect "the host did not play on after SIGUSR1" kill -0 "$HOST_PID"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "not one screenshot event per request and exit: $(grep -c screenshot "$log")" [ "$(grep -c '^livehost: screenshot ' "$log")" -eq 2 ]
}

# Started with stdin, stdout and stderr closed (`2>&-`), the host first puts /dev/null there:
# descriptor 2 never becomes a socket or a watch that the event log would be written into.
closed_std_descriptors() {
    local png=$TMP/closed.png pid i fds=""
    ("$HOST" --headless --frames 0 --game "$OUT_DIR/game.so" --assets "$ROOT/assets" \
        --screenshot "$png" <&- >&- 2>&-) &
    pid=$!
    HOST_PIDS+=("$pid")
    # Up once it watches something (its signal handlers come before): then SIGTERM is its
    # own, not the default one that would end it.
    # shellcheck disable=SC2016 # $1 is the inner shell's
    wait_until sh -c 'find "/proc/$1/fd" -lname "anon_inode:inotify" 2>/dev/null | grep -q .' _ "$pid"
    fds=$(readlink "/proc/$pid/fd/0" "/proc/$pid/fd/1" "/proc/$pid/fd/2" 2>/dev/null | paste -sd' ')
    expect "descriptors 0-2 are '$fds', want /dev/null three times" [ "$fds" = "/dev/null /dev/null /dev/null" ]
    kill -TERM "$pid"
    wait "$pid"
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "no screenshot at exit: the game did not run" mostly "$png" "$SKY"
}

# Keys from --script reach the game like real ones: holding Right moves the ship, so the
# picture differs from an idle run; F5 restarts the game; "quit" ends the run like closing
# the window.
scripted_keys() {
    local log=$TMP/script.log
    printf '# hold Right for a second, restart, quit\n5 down Right\n65 up Right\n70 key F5\n80 quit\n' \
        >"$TMP/keys.txt"
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 200 --script "$TMP/keys.txt" \
        --screenshot "$TMP/script.png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "quit at frame 80 did not end the run: $(grep exit "$log")" grep -q '^livehost: exit frames=80$' "$log"
    expect "F5 gave no reset event" grep -q '^livehost: reset ' "$log"
    printf '5 down Right\n' >"$TMP/right.txt"
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 60 --script "$TMP/right.txt" \
        --screenshot "$TMP/right.png" 2>/dev/null
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 60 --screenshot "$TMP/idle.png" 2>/dev/null
    expect "holding Right changed nothing on screen" not cmp -s "$TMP/right.png" "$TMP/idle.png"
    printf '3 jump F5\n' >"$TMP/bad-script.txt"
    timeout "$LIMIT" "$HOST" --game "$OUT_DIR/game.so" --headless --frames 10 --script "$TMP/bad-script.txt" 2>"$log"
    rc=$?
    expect "a bad script exited with $rc, want 2" [ "$rc" -eq 2 ]
    expect "a bad script gave no error naming its line" grep -q 'bad-script.txt:1: ' "$log"
}

one_exported_symbol() {
    local syms
    # Sanitizer builds add their own bookkeeping symbols (__odr_asan.*); those do not count.
    syms=$(nm -D --defined-only "$OUT_DIR/game.so" | awk '{ print $3 }' | grep -v '^__odr_asan')
    expect "game.so exports '$(tr '\n' ' ' <<<"$syms")', want only livehost_game" [ "$syms" = livehost_game ]
}

real_window_under_xvfb() {
    local png=$TMP/window.png log=$TMP/window.log
    if ! command -v xvfb-run >/dev/null; then
        why="xvfb-run is not installed (make test installs it: scripts/deps.sh test)"
        return
    fi
    env -u SDL_VIDEODRIVER timeout "$LIMIT" xvfb-run -a -s "-screen 0 1024x768x24" \
        "$HOST" --game "$OUT_DIR/game.so" --frames 30 --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "no window was opened" grep -q '^livehost: start .*video=window' "$log"
    expect "the window's picture is not the game" mostly "$png" "$SKY"
    expect "no ship in the window's picture" [ "$(count_color "$png" 3cc8ff)" -gt 100 ]
}

for c in ${CASES:-headless_screenshot same_inputs_same_pictures size_flags help_lists_every_flag \
    bad_flags_fail unreadable_input_files missing_assets_placeholder broken_assets_placeholder \
    waiting_screen_without_game game_appears_later quit_on_sigint quit_on_sigterm reader_gone screenshot_on_sigusr1 \
    closed_std_descriptors \
    scripted_keys one_exported_symbol real_window_under_xvfb}; do
    run_case "$c"
done
