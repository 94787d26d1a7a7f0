#!/usr/bin/env bash
# test_win_host.sh - the whole host on Windows, under wine: build/win/livehost.exe with the demo
# game's DLL, cross-built by `make win`, in a private wine prefix ($B/win/wine-host). Headless
# frames and their screenshot against the Linux host's, a live reload that keeps the state, a
# failed build's compiler message, a crash and a hang rolled back, bad DLLs refused, and once a
# real window under Xvfb.
# Under wine, a Linux program started by CreateProcess runs detached (no exit code, no output),
# so the host's build-on-save cannot run mingw's gcc there: the compile error case replays the
# output of a real failed mingw compile, made beforehand, through a Windows build command
# (cmd.exe's `type`); the other cases rename DLLs built beforehand into place, as a build does.
# A running host is ended by Ctrl-C (SIGINT, which wine hands to the console's handlers): it
# then saves its --screenshot and exits as it does on Linux.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

WB=$OUT_DIR/win
WHOST=$WB/livehost.exe
MAKE=${MAKE:-make}

# wine prints the event lines through the Windows C runtime: each ends in \r\n. clean LOG: the
# lines without \r, for the values read out of them (the waits match lines from their start).
clean() { tr -d '\r' <"$1"; }

missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(mingw-w64)
command -v wine >/dev/null 2>&1 || missing+=(wine wine64)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb xauth)
if [ ${#missing[@]} -gt 0 ]; then
    echo "FAIL win_host_toolchain: missing ${missing[*]} (install: apt-get install ${missing[*]}, or scripts/deps.sh test)"
    exit 1
fi

# One make of $WB at a time: test_win32.sh builds the same targets, maybe at this moment.
mkdir -p "$WB" "$OUT_DIR/tests/logs"
if ! flock "$WB/.make.lock" "$MAKE" --no-print-directory -s B="$B" win "$OUT_DIR/host" \
    "$OUT_DIR/game.so" "$OUT_DIR/hr-preflight" "$PIXEL" >"$OUT_DIR/tests/logs/win-host-build.log" 2>&1; then
    echo "FAIL win_host_build: make win failed:"
    tail -n 20 "$OUT_DIR/tests/logs/win-host-build.log" | sed 's/^/    /'
    exit 1
fi

# A prefix of this suite's own (test_win32.sh ends the wineserver of its own at its end); win64
# only, no Mono or Gecko installer, no debug chatter. The first run creates it.
export WINEPREFIX="$WB/wine-host" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$WINEPREFIX"
win_cleanup() {
    cleanup
    wineserver -k >/dev/null 2>&1
}
trap win_cleanup EXIT

# win_game SRC OUTDIR: builds SRC's game with the Makefile's own rule for Windows into
# OUTDIR/win/game.dll (linked under a temporary name, then renamed).
win_game() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
        "$MAKE" -s -C "$1" -f "$ROOT/Makefile" B="$2" "$2/win/game.dll" >"$1/build.log" 2>&1
}

# start_win LOG ARGS...: livehost.exe under wine in the background, headless, until stop_win.
start_win() {
    local log=$1
    shift
    : >"$log"
    timeout "$LIMIT" wine "$WHOST" --headless "${TEST_BUDGET[@]}" "$@" 2>"$log" >"$log.stdout" &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
}

# stop_win: Ctrl-C (timeout passes SIGINT on to wine); HOST_RC is the host's exit code.
stop_win() {
    kill -INT "$HOST_PID" 2>/dev/null
    wait "$HOST_PID"
    HOST_RC=$?
}

# start_win_game NAME [ARGS...]: builds a fresh copy of the game (or the copy game_src NAME made
# and the case edited) into $TMP/NAME-out/win/game.dll and runs the host on it; SRC, OUT, DLL,
# LOG and PIC name the files of this case.
start_win_game() {
    local name=$1
    shift
    SRC=$TMP/$name
    [ -d "$SRC/game" ] || SRC=$(game_src "$name")
    OUT=$TMP/$name-out DLL=$TMP/$name-out/win/game.dll LOG=$TMP/$name.log PIC=$TMP/$name.bmp
    expect "could not build the game for Windows: $(tail -3 "$SRC/build.log" 2>/dev/null)" \
        win_game "$SRC" "$OUT" || return 1
    start_win "$LOG" --frames 0 --game "$DLL" --assets "$ROOT/assets" --screenshot "$PIC" "$@"
    expect "no loaded event: $(clean "$LOG" | tail -2)" wait_for "$LOG" '^livehost: loaded version=1 '
}

# put FILE: what a build that renames into place does, with FILE's bytes. Marks the log.
put() { mark "$LOG" && cp "$1" "$DLL.tmp" && mv -f "$DLL.tmp" "$DLL"; }

# variant NAME CODE: the demo game with CODE run in every update right after the tick counter
# moves, built for Windows into $TMP/NAME-out/win/game.dll.
variant() {
    local src
    src=$(game_src "$1")
    awk -v code="$2" '{ print } /^    s->tick\+\+;$/ { print "    " code }' \
        "$ROOT/game/game.c" >"$src/game/game.c"
    ! cmp -s "$src/game/game.c" "$ROOT/game/game.c" && win_game "$src" "$TMP/$1-out"
}

# ticks_keep_counting: the game's reload line came with a tick above 0 (its state was kept)
# and its shutdown line with a later one.
ticks_keep_counting() {
    local reloaded shutdown
    reloaded=$(clean "$LOG" | sed -n 's/^livehost: log text="reloaded at tick=\([0-9]*\).*/\1/p' | tail -1)
    shutdown=$(clean "$LOG" | sed -n 's/^livehost: log text="shutdown at tick=\([0-9]*\).*/\1/p' | tail -1)
    [ -n "$reloaded" ] && [ -n "$shutdown" ] && [ "$reloaded" -gt 0 ] && [ "$shutdown" -gt "$reloaded" ]
}

# same_picture A B: the demo's sky, ship, star and rock where they are in both pictures.
same_picture() {
    [ "$("$PIXEL" "$1" size)" = "$("$PIXEL" "$2" size)" ] &&
        [ "$(count_color "$1" "$SKY")" = "$(count_color "$2" "$SKY")" ] || return 1
    local c
    for c in 3cc8ff ffc800 82786e; do
        [ "$("$PIXEL" "$1" bbox $c)" = "$("$PIXEL" "$2" bbox $c)" ] || return 1
    done
}

# The demo's 60 headless frames: the same picture as the Linux host draws for them.
headless_frames_drawn() {
    local log=$TMP/frames.log pic=$TMP/frames.bmp
    timeout "$LIMIT" wine "$WHOST" --headless --frames 60 --screenshot "$pic" --game "$WB/game.dll" \
        --assets "$ROOT/assets" 2>"$log" >/dev/null
    local rc=$?
    expect "exit code $rc, want 0: $(clean "$log" | tail -3)" [ "$rc" -eq 0 ]
    expect "no exit event after 60 frames: $(clean "$log" | tail -2)" grep -q '^livehost: exit frames=60' "$log"
    expect "no screenshot" [ -s "$pic" ]
    expect "the sky is not most of the picture" mostly "$pic" "$SKY"
    run_host "$TMP/linux.log" --frames 60 --screenshot "$TMP/linux.png"
    expect "the Linux host did not draw its frames (exit code $HOST_RC)" [ "$HOST_RC" -eq 0 ]
    expect "not the Linux host's picture: sky $(count_color "$pic" "$SKY") pixels, Linux $(count_color "$TMP/linux.png" "$SKY")" \
        same_picture "$pic" "$TMP/linux.png"
}

# A new game.dll renamed into place while the host runs: it loads, the state goes on from
# where it was, and the new sky is drawn.
live_reload_keeps_state() {
    local next
    next=$(game_src reload-next)
    expect "could not edit GAME_BACKGROUND" set_sky "$next" 200 40 90 || return
    expect "could not build the new game: $(tail -3 "$next/build.log" 2>/dev/null)" win_game "$next" "$TMP/next-out" || return
    start_win_game reload || return
    put "$TMP/next-out/win/game.dll"
    expect "no reloaded event: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: reloaded version=2 .*state=kept'
    expect "no reload line from the game" wait_new "$LOG" '^livehost: log text="reloaded at tick='
    stop_win
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the state did not go on: $(clean "$LOG" | grep -E 'at tick=' | tr '\n' '|')" ticks_keep_counting
    expect "the new sky is not drawn" mostly "$PIC" c8285a
}

# A failed build's compiler message, from a real failed mingw compile, is reported, and the
# running code goes on; a save under game/ runs the build again.
compile_error_reported() {
    local broken
    broken=$(game_src broken)
    expect "could not break the game" sed_game "$broken" game.c 's/^    s->tick++;$/    s->tick++ oops;/' || return
    expect "the broken game built" not win_game "$broken" "$TMP/broken-out"
    expect "no compiler error in the failed build's output: $(tail -3 "$broken/build.log")" \
        grep -q 'game\.c:[0-9]*:[0-9]*: error: ' "$broken/build.log" || return
    SRC=$(game_src failing)
    cp "$broken/build.log" "$SRC/err.txt"
    start_win_game failing --project "$SRC" --build-cmd 'type err.txt & exit /b 1' || return
    expect "no build-failed event with the compiler's message: $(clean "$LOG" | grep build- | tail -2)" \
        wait_for "$LOG" '^livehost: build-failed .*errors=1 first="game/game\.c:[0-9]+: expected '
    mark "$LOG"
    echo "/* a save */" >>"$SRC/game/game.h"
    expect "a save ran no build: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: build-failed .*errors=1 '
    stop_win
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old code stopped: $(clean "$LOG" | tail -2)" grep -q '^livehost: log text="shutdown at tick=[1-9]' "$LOG"
    expect "the sky is not drawn" mostly "$PIC" "$SKY"
}

# A crash in update: reported, the state put back as it was before the frame, the build before
# runs again.
crash_rolled_back() {
    expect "could not build the crashing game: $(tail -3 "$TMP/crashing/build.log" 2>/dev/null)" \
        variant crashing "s->score = 777777; *(volatile int *)0 = 1;" || return
    start_win_game crash || return
    put "$TMP/crashing-out/win/game.dll"
    expect "no crash event: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: crash signal=SIGSEGV .*function=update .*at=".*game\.dll\+0x[0-9a-f]+.*version=2'
    expect "no rollback: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: rollback version=3 state=restored '
    expect "no reload line after the rollback" wait_new "$LOG" '^livehost: log text="reloaded at tick='
    stop_win
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old code saw the crashed frame's writes" not grep -q 'score=777777' "$LOG"
    expect "the state did not go on: $(clean "$LOG" | grep -E 'at tick=' | tr '\n' '|')" ticks_keep_counting
    expect "the last good code stopped drawing" mostly "$PIC" "$SKY"
}

# An update that never returns: interrupted by the watchdog, rolled back, frames go on.
hang_rolled_back() {
    expect "could not build the hanging game: $(tail -3 "$TMP/hanging/build.log" 2>/dev/null)" \
        variant hanging "for (volatile int spin = 1; spin;) {}" || return
    start_win_game hang --watchdog-ms 300 || return
    put "$TMP/hanging-out/win/game.dll"
    expect "no hang event: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: hang function=update ms=[0-9]+ at=".*" version=2'
    expect "no rollback: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: rollback version=3 state=restored '
    expect "no reload line after the rollback" wait_new "$LOG" '^livehost: log text="reloaded at tick='
    stop_win
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the state did not go on: $(clean "$LOG" | grep -E 'at tick=' | tr '\n' '|')" ticks_keep_counting
    expect "the last good code stopped drawing" mostly "$PIC" "$SKY"
}

# refused NAME EVENT PATTERN: the last bad DLL gave EVENT with a reason matching PATTERN, and
# the host is still there.
refused() {
    expect "$1: no $2 event matching '$3': $(clean "$LOG" | grep -v 'log text' | tail -2)" \
        wait_new "$LOG" "^livehost: $2 reason=\".*$3"
    expect "$1: the host died" kill -0 "$HOST_PID"
}

# Bad DLLs renamed into place: each refused with its reason, the old code keeps running, and
# a good build afterwards loads.
bad_dlls_refused() {
    start_win_game bad || return
    local good=$TMP/good.dll b=$TMP/bad.dll size
    # The good build differs from the running one by a byte past its end (which the loader
    # ignores): a file with the running build's exact bytes is rightly "unchanged", and its
    # inode may be the one the running build's file had.
    cp "$DLL" "$good" && printf '\n' >>"$good"
    size=$(stat -c %s "$good")
    head -c $((size / 2)) "$good" >"$b" && put "$b"
    refused "cut in half" not-ready "truncated"
    echo "int main(void) { return 0; }" >"$b" && put "$b"
    refused text reload-failed "not a PE file"
    put "$OUT_DIR/game.so"
    refused "the Linux build" reload-failed "an ELF file .*not a Windows DLL"
    put "$good"
    expect "the good build did not load: $(clean "$LOG" | tail -2)" wait_new "$LOG" '^livehost: reloaded version=2 '
    stop_win
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the state did not go on: $(clean "$LOG" | grep -E 'at tick=' | tr '\n' '|')" ticks_keep_counting
    expect "the sky is not drawn" mostly "$PIC" "$SKY"
}

# Once, a real window: SDL's Windows video driver on wine's X11 driver, on Xvfb.
window_under_xvfb() {
    local log=$TMP/window.log pic=$TMP/window.bmp
    # The prefix's wine session was started headless by the cases before, without an X display,
    # and would create no window: end it (this suite's own prefix only), a new one starts here.
    wineserver -k >/dev/null 2>&1
    wineserver -w >/dev/null 2>&1
    env -u SDL_VIDEODRIVER timeout "$LIMIT" xvfb-run -a -s "-screen 0 1024x768x24" \
        wine "$WHOST" --frames 60 --screenshot "$pic" --game "$WB/game.dll" --assets "$ROOT/assets" \
        "${TEST_BUDGET[@]}" 2>"$log" >/dev/null
    local rc=$?
    expect "exit code $rc, want 0: $(clean "$log" | tail -3)" [ "$rc" -eq 0 ]
    expect "not a window: $(clean "$log" | grep '^livehost: start')" grep -q '^livehost: start .* video=window ' "$log"
    expect "no exit event after 60 frames: $(clean "$log" | tail -2)" grep -q '^livehost: exit frames=60' "$log"
    expect "the sky is not most of the picture" mostly "$pic" "$SKY"
}

for c in ${CASES:-headless_frames_drawn live_reload_keeps_state compile_error_reported \
    crash_rolled_back hang_rolled_back bad_dlls_refused window_under_xvfb}; do
    run_case "$c"
done
