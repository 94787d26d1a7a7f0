#!/usr/bin/env bash
# test_host_games.sh - games written the way real SDL2 games are: the hook order around every
# swap (unload on the old code before it goes), a game that uses SDL and SDL2_ttf directly
# across 20 reloads, callbacks and function pointers left behind by a reload (a crash event,
# never a silent death), calls to nowhere, a game written in C++, and the input a game gets:
# typed text, the wheel, gamepads (the script's virtual ones, plugged in and pulled out while
# it runs) and the window settings it asks for.
# The test games are tests/games/*.c(pp), built here with the flags a game's Makefile uses.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

GAMES=$ROOT/tests/games
# shellcheck disable=SC2054 # -Wl,-z,defs is one word: the commas are the linker's
GAME_FLAGS=(-g -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$ROOT/include")

# build_test_game SRC OUT [FLAGS...]: compiles one test game to OUT the safe way (a temporary
# name renamed into place).
build_test_game() {
    local src=$1 out=$2
    shift 2
    local cc=${CC:-cc}
    [[ "$src" == *.cpp ]] && cc=${CXX:-g++}
    "$cc" "${GAME_FLAGS[@]}" "$src" -o "$out.tmp" "$@" >"$out.log" 2>&1 && mv -f "$out.tmp" "$out"
}

# hooks LOG: the hook calls of the hooks game, "name:build" separated by spaces.
hooks() {
    sed -n 's/^livehost: log text="hook=\([a-z]*\) build=\([0-9]*\)"$/\1:\2/p' "$1" | tr '\n' ' '
}

# The order a reload, a failed reload, a rollback and the exit call the hooks in: the old
# build's unload always runs before its code goes, the new build's reload right after.
hook_order_across_reloads() {
    local dir=$TMP/hooks LOG=$TMP/hooks.log
    mkdir -p "$dir"
    expect "could not build the hooks game: $(cat "$dir/game.so.log" 2>/dev/null)" \
        build_test_game "$GAMES/hooks.c" "$dir/game.so" -DBUILD=1 || return
    start_host "$LOG" --frames 0 --game "$dir/game.so" --no-build
    expect "no loaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: loaded version=1 ' || return
    build_test_game "$GAMES/hooks.c" "$dir/game.so" -DBUILD=2
    expect "build 2 not loaded: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 ' || return
    echo "not a library" >"$dir/game.so.tmp" && mv -f "$dir/game.so.tmp" "$dir/game.so"
    expect "the bad build was not refused: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reload-failed ' || return
    build_test_game "$GAMES/hooks.c" "$dir/game.so" -DBUILD=3 -DCRASH_IN_UPDATE
    expect "no rollback after the crash: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: rollback version=4 ' || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    local want="init:1 unload:1 reload:2 unload:2 reload:3 unload:3 reload:2 shutdown:2 unload:2 "
    expect "hooks ran as '$(hooks "$LOG")', want '$want'" [ "$(hooks "$LOG")" = "$want" ]
}

# F6 reloads the same build (unload, then reload); F5 restarts: shutdown, unload, init.
hook_order_force_reload_and_restart() {
    local dir=$TMP/hooks-keys key want
    mkdir -p "$dir"
    expect "could not build the hooks game" build_test_game "$GAMES/hooks.c" "$dir/game.so" || return
    for key in F6 F5; do
        local LOG=$TMP/hooks-$key.log
        start_host "$LOG" --frames 0 --game "$dir/game.so" --no-build \
            --script "$(script "hooks-$key" "10 key $key")"
        if [ "$key" = F6 ]; then
            want="init:1 unload:1 reload:1 shutdown:1 unload:1 "
            expect "F6 did not reload: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 ' || return
        else
            want="init:1 shutdown:1 unload:1 init:1 shutdown:1 unload:1 "
            expect "F5 did not restart: $(tail -2 "$LOG")" wait_for "$LOG" 'hook=init.*' || return
            expect "F5 did not start the game again: $(tail -2 "$LOG")" \
                wait_for "$LOG" '^livehost: reloaded version=2 ' || return
        fi
        stop_host TERM
        expect "$key: exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
        expect "$key: hooks ran as '$(hooks "$LOG")', want '$want'" [ "$(hooks "$LOG")" = "$want" ] || return
    done
}

# script NAME LINES...: a --script file, its path printed.
script() {
    local f=$TMP/$1.script
    shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# sheet_bmp FILE: a 16x8 sprite sheet of two frames, as a 24-bit BMP: the left frame red, the
# right one a 6x6 white square on magenta (the colour key).
sheet_bmp() {
    local row x y px
    {
        printf 'BM\xb6\x01\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00'
        printf '\x28\x00\x00\x00\x10\x00\x00\x00\x08\x00\x00\x00\x01\x00\x18\x00'
        printf '\x00\x00\x00\x00\x80\x01\x00\x00\x13\x0b\x00\x00\x13\x0b\x00\x00'
        printf '\x00\x00\x00\x00\x00\x00\x00\x00'
        for ((y = 0; y < 8; y++)); do
            row=""
            for ((x = 0; x < 16; x++)); do
                if ((x < 8)); then
                    px='\x00\x00\xff' # blue, green, red: red
                elif ((x >= 9 && x <= 14 && y >= 1 && y <= 6)); then
                    px='\xff\xff\xff'
                else
                    px='\xff\x00\xff'
                fi
                row+=$px
            done
            printf '%b' "$row"
        done
    } >"$1"
}

# sdl_project DIR: a project directory for the SDL game: its source, font, level file and
# sprite sheet.
sdl_project() {
    mkdir -p "$1/assets" "$1/build" "$1/game"
    cp "$GAMES/sdl_game.c" "$1/game/"
    cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$1/assets/font.ttf"
    echo 3 >"$1/assets/level.txt"
    sheet_bmp "$1/assets/sheet.bmp"
}

# start_host_in DIR LOG ARGS...: start_host with DIR as the current directory.
start_host_in() {
    local dir=$1 log=$2
    shift 2
    (cd "$dir" && exec timeout "$LIMIT" "$HOST" --headless "$@" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
}

SDL_LIBS=()
sdl_flags() {
    read -r -a SDL_LIBS <<<"$(pkg-config --cflags --libs sdl2 SDL2_ttf)"
}

# A game that uses SDL itself (its own textures, SDL2_ttf text, an event watch taken back in
# unload, a level read through the host) draws the same picture after 20 reloads as without
# any, and nothing it leaves on the renderer (a clip rect, a scale) reaches the next frame.
sdl_game_survives_20_reloads() {
    local dir=$TMP/sdl i
    sdl_project "$dir"
    sdl_flags
    expect "could not build the SDL game: $(cat "$dir/build/game.so.log" 2>/dev/null)" \
        build_test_game "$GAMES/sdl_game.c" "$dir/build/game.so" -DBUILD=0 "${SDL_LIBS[@]}" || return
    local keys=()
    for ((i = 2; i < 20000; i += 3)); do keys+=("$i key Left"); done
    script sdl-keys "${keys[@]}" >/dev/null
    for run in still reloads; do
        local LOG=$TMP/sdl-$run.log
        start_host_in "$dir" "$LOG" --frames 0 --game "$dir/build/game.so" --no-build \
            --assets "$dir/assets" --no-overlay --screenshot "$TMP/sdl-$run.png" \
            --script "$TMP/sdl-keys.script"
        expect "$run: no init: $(tail -2 "$LOG")" wait_for "$LOG" 'log text="init build=0 boxes=3"' || return
        if [ "$run" = reloads ]; then
            for ((i = 1; i <= 20; i++)); do
                build_test_game "$GAMES/sdl_game.c" "$dir/build/game.so" -DBUILD=$i "${SDL_LIBS[@]}"
                expect "reload $i: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: reloaded version=$((i + 1)) " 20 || return
            done
            expect "the event watch stopped counting across reloads" \
                not grep -q 'log text="reload build=20 events=0"' "$LOG"
            local copies
            copies=$(find "$(event_field "$LOG" loaded tmp)" -name '*game.so' | wc -l)
            expect "$copies private copies after 20 reloads (want 2 at most)" [ "$copies" -le 2 ]
        fi
        expect "$run: no screenshot" frames "$LOG" || return
        stop_host TERM
        expect "$run: exit code $HOST_RC, want 0: $(tail -2 "$LOG")" [ "$HOST_RC" -eq 0 ] || return
        expect "$run: a crash: $(grep crash "$LOG")" not grep -q '^livehost: crash ' "$LOG"
    done
    local png=$TMP/sdl-still.png
    expect "no SDL2_ttf text drawn" [ "$(count_color "$png" ffff00)" -gt 50 ]
    expect "the game's own texture is not 64x64 (the scale it left leaked)" \
        [ "$(count_color "$png" 00c864)" -eq 4096 ]
    expect "not 3 level boxes of 20x20 (the clip rect leaked, or the level was not read)" \
        [ "$(count_color "$png" c82828)" -eq 1200 ]
    expect "not the sheet's second frame at 8x scale" [ "$(count_color "$png" ffffff)" -eq 2304 ]
    expect "the sheet's first frame was drawn (no source rect)" [ "$(count_color "$png" ff0000)" -eq 0 ]
    expect "the colour key left magenta" [ "$(count_color "$png" ff00ff)" -eq 0 ]
    expect "the picture after 20 reloads differs from the one without" \
        cmp -s "$TMP/sdl-still.png" "$TMP/sdl-reloads.png"
}

# Started from / with nothing but the absolute path of the library, the game still finds its
# project: the font and sprite sheet (asset_path, texture), the level (read_file) and where its
# save goes (write_file); a missing file is an event and -1, not a crash.
started_from_root_finds_files() {
    local dir=$TMP/rooted LOG=$TMP/rooted.log
    sdl_project "$dir"
    sdl_flags
    expect "could not build" build_test_game "$GAMES/sdl_game.c" "$dir/build/game.so" \
        "${SDL_LIBS[@]}" || return
    start_host_in / "$LOG" --frames 0 --game "$dir/build/game.so" --no-overlay \
        --screenshot "$TMP/rooted.png"
    expect "the level was not read from the project: $(grep -E 'init|file-error' "$LOG")" \
        wait_for "$LOG" 'log text="init build=1 boxes=3"' || return
    expect "no screenshot" frames "$LOG" || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the assets are not the project's: $(grep '^livehost: start' "$LOG")" \
        grep -q "^livehost: start .*assets=$dir/assets " "$LOG"
    expect "no TTF text (the font was not found)" [ "$(count_color "$TMP/rooted.png" ffff00)" -gt 50 ]
    expect "no sprite (the sheet was not found)" [ "$(count_color "$TMP/rooted.png" ffffff)" -eq 2304 ]
    expect "the save was not written into the project" [ "$(cat "$dir/saves/level-copy.txt")" = 3 ]
    expect "no file-error event for the missing file" \
        grep -q '^livehost: file-error name=assets/no-such-level.txt reason="cannot read .*No such file' "$LOG"
    expect "a missing file was read" not grep -q 'a missing file was read' "$LOG"
}

# The same game without the removal in unload: the old build's event watch is still with SDL
# when its code goes. The next event must give a crash event that names the stale callback,
# and a documented exit code, never a silent death.
stale_event_watch_is_named() {
    local dir=$TMP/stale-watch LOG=$TMP/stale-watch.log i
    sdl_project "$dir"
    sdl_flags
    expect "could not build" build_test_game "$GAMES/sdl_game.c" "$dir/build/game.so" \
        -DKEEP_WATCH "${SDL_LIBS[@]}" || return
    local keys=()
    for ((i = 2; i < 20000; i += 3)); do keys+=("$i key Left"); done
    start_host_in "$dir" "$LOG" --frames 0 --game "$dir/build/game.so" --no-build \
        --assets "$dir/assets" --script "$(script stale-keys "${keys[@]}")" \
        --save-state "$dir/saved.state"
    expect "no init: $(tail -2 "$LOG")" wait_for "$LOG" 'log text="init build=1' || return
    build_test_game "$GAMES/sdl_game.c" "$dir/build/game.so" -DKEEP_WATCH -DBUILD=2 "${SDL_LIBS[@]}"
    wait "$HOST_PID"
    HOST_RC=$?
    expect "exit code $HOST_RC, want 4: $(tail -2 "$LOG")" [ "$HOST_RC" -eq 4 ]
    expect "no crash event naming the stale callback: $(tail -2 "$LOG")" \
        grep -Eq "^livehost: crash signal=SIGSEGV kind=stale-code function=none addr=0x[0-9a-f]+ build=1 exit=4 state-saved=$dir/saved.state reason=\".*callback kept across a reload.*unload hook" "$LOG"
    expect "the state was not saved" [ "$(head -c 7 "$dir/saved.state" 2>/dev/null)" = LHSTATE ]
}

# A function pointer kept in the state from the build before: the call is a crash event that
# says so, inside the game call, and the host lives on.
stale_pointer_in_state_is_a_crash() {
    local dir=$TMP/stale-ptr LOG=$TMP/stale-ptr.log
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/stale.c" "$dir/game.so" -DKEEP_POINTER || return
    start_host "$LOG" --frames 0 --game "$dir/game.so" --no-build
    expect "no loaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: loaded version=1 ' || return
    build_test_game "$GAMES/stale.c" "$dir/game.so" -DKEEP_POINTER -DBUILD=2
    expect "no stale-code crash: $(tail -3 "$LOG")" \
        wait_for "$LOG" '^livehost: crash signal=SIGSEGV kind=stale-code build=1 function=update .*at=".*stale_update .*\(calling 0x[0-9a-f]+: code of load 1, unloaded\)" version=2$' || return
    expect "the host died: $(tail -2 "$LOG")" kill -0 "$HOST_PID"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
}

# A call to an address with no code at all: a crash event naming the game's call, not a death.
call_to_nowhere_is_a_crash() {
    local dir=$TMP/nowhere LOG=$TMP/nowhere.log
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/stale.c" "$dir/game.so" -DCALL_NOWHERE || return
    start_host "$LOG" --frames 0 --game "$dir/game.so" --no-build
    expect "no crash event: $(tail -3 "$LOG")" \
        wait_for "$LOG" '^livehost: crash signal=SIGSEGV function=update addr=0xdead0000 at=".*stale_update .*\(calling 0xdead0000, where there is no code\)"' || return
    expect "no safe-mode: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: safe-mode ' || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
}

# A game written in C++ builds against game_api.h unchanged, loads and reloads.
cpp_game_reloads() {
    local dir=$TMP/cpp LOG=$TMP/cpp.log std
    command -v "${CXX:-g++}" >/dev/null || { why="no C++ compiler (${CXX:-g++})"; return; }
    mkdir -p "$dir"
    for std in c++11 c++20; do
        expect "$std: could not build: $(cat "$dir/game.so.log")" \
            build_test_game "$GAMES/cpp_game.cpp" "$dir/game-$std.so" -std=$std || return
        expect "$std: the API struct is not exported as livehost_game" \
            grep -q ' livehost_game$' <(nm -D --defined-only "$dir/game-$std.so")
    done
    cp "$dir/game-c++11.so" "$dir/game.so"
    start_host "$LOG" --frames 0 --game "$dir/game.so" --no-build --no-overlay --screenshot "$TMP/cpp.png"
    expect "no loaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: loaded version=1 ' || return
    expect "C++ init did not run" wait_for "$LOG" 'log text="cpp init sorted=0123"' || return
    build_test_game "$GAMES/cpp_game.cpp" "$dir/game.so" -std=c++11 -DSKY=200
    expect "no reload: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 ' || return
    expect "no screenshot" frames "$LOG" || return
    stop_host TERM
    expect "the new C++ code did not draw" mostly "$TMP/cpp.png" c85aa0
}

# A state file whose block holds a pointer that is not valid in this process: the crash it
# causes right after the load is the file's fault, not the build's. The state from before the
# load comes back, the build is not forbidden, and the game plays on.
loaded_state_is_blamed() {
    local dir=$TMP/ptr LOG=$TMP/ptr.log
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/pointer_state.c" "$dir/game.so" || return
    run_host "$TMP/ptr-save.log" --game "$dir/game.so" --frames 10 --save-state "$dir/saved.state"
    expect "could not save a state: $(tail -2 "$TMP/ptr-save.log")" [ -s "$dir/saved.state" ] || return
    # The pointer (the block's first 8 bytes, after the 48-byte header) as another process
    # would have it: an address with nothing there.
    patch_bytes "$dir/saved.state" 48 0800000000000000
    start_host "$LOG" --frames 0 --game "$dir/game.so" --no-build --load-state "$dir/saved.state"
    expect "no state-rejected event: $(tail -3 "$LOG")" \
        wait_for "$LOG" "^livehost: state-rejected path=$dir/saved.state reason=\"the game crashed within [0-9]+ frames of loading .*not valid in another process" 20 || return
    expect "the game did not play on after the load was undone: $(tail -2 "$LOG")" \
        wait_for "$LOG" 'log text="ran 30 updates"' || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the crash was not reported" grep -q '^livehost: crash signal=SIGSEGV .*function=update' "$LOG"
    expect "the build was blamed: $(grep -E 'rollback|safe-mode' "$LOG")" \
        not grep -Eq '^livehost: (rollback|safe-mode) ' "$LOG"
}

# Typed text, the wheel and a gamepad (SDL's virtual joystick, plugged in by the script) reach
# the game's input.
input_reaches_the_game() {
    local dir=$TMP/input LOG=$TMP/input.log
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/input.c" "$dir/game.so" || return
    run_host "$LOG" --game "$dir/game.so" --frames 60 --no-build \
        --script "$(script input '5 text hello' '8 wheel 0 2' '10 pad a' '14 pad-down b' \
            '20 pad-up b' '24 axis leftx 1' '40 axis leftx 0')"
    expect "exit code $HOST_RC, want 0: $(tail -2 "$LOG")" [ "$HOST_RC" -eq 0 ]
    expect "no pad-added event" grep -q '^livehost: pad-added slot=0 name=' "$LOG"
    local want
    for want in 'text=hello' 'wheel=0.0,2.0' 'pad0 pressed=0x1' 'pad0 pressed=0x2' \
        'leftx=1.00' 'leftx=0.00' 'window=0x2 area=640x360'; do
        expect "the game did not see $want: $(grep 'log text' "$LOG" | tr '\n' ' ')" \
            grep -q "log text=\"$want\"" "$LOG"
    done
}

# A recording made with a gamepad replays the same pictures from the file: pad buttons and
# sticks, the wheel and game_random's numbers are all in the recording or the state.
pad_recording_replays() {
    local dir=$TMP/padrec
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/input.c" "$dir/game.so" || return
    run_host "$dir/rec.log" --game "$dir/game.so" --frames 250 --no-build --record "$dir/pad.rec" \
        --screenshot "$dir/rec.png" --script "$(script padrec '10 key F2' '15 pad a' '20 axis leftx 1' \
            '40 axis leftx -0.5' '50 wheel 0 3' '55 pad x' '70 key F2')"
    expect "no recording: $(tail -2 "$dir/rec.log")" [ -s "$dir/pad.rec" ] || return
    run_host "$dir/replay.log" --game "$dir/game.so" --frames 240 --no-build \
        --replay "$dir/pad.rec" --screenshot "$dir/replay.png"
    expect "the replay did not loop: $(tail -2 "$dir/replay.log")" \
        grep -q '^livehost: record state=looping frames=60$' "$dir/replay.log"
    expect "the replay differs from the recorded run" cmp -s "$dir/rec.png" "$dir/replay.png"
    run_host "$dir/live.log" --game "$dir/game.so" --frames 70 --no-build --screenshot "$dir/live.png"
    expect "the pad's input made no difference to the picture" not cmp -s "$dir/live.png" "$dir/rec.png"
}

# Gamepads plugged in and pulled out while the game runs (the script's virtual pads 0, 1, 2):
# each takes the first free slot, with a pad-added or pad-removed event, and the game sees
# connected change in its input the same frame; a button of pad 1 reaches pads[1], one of pad 2
# (in slot 0, freed by pad 0) reaches pads[0], and one of an unplugged pad reaches nothing.
pads_plugged_and_pulled() {
    local dir=$TMP/plug LOG=$TMP/plug.log got want
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/input.c" "$dir/game.so" || return
    run_host "$LOG" --game "$dir/game.so" --frames 70 --no-build --script "$(script plug \
        '10 plug 0' '20 plug 1' '25 pad a 1' '30 unplug 0' '35 pad y 0' '40 plug 2' '46 pad x 2' \
        '50 unplug 1' '55 unplug 2')"
    expect "exit code $HOST_RC, want 0: $(tail -2 "$LOG")" [ "$HOST_RC" -eq 0 ] || return
    got=$(sed -n 's/^livehost: \(pad-added slot=[0-9]\|pad-removed slot=[0-9]\).*/\1/p;
        s/^livehost: log text="\(connected=.*\|pad[01] pressed=.*\)"$/\1/p' "$LOG" | tr '\n' ' ')
    want="pad-added slot=0 connected=0x1 pad-added slot=1 connected=0x3 pad1 pressed=0x1 "
    want+="pad-removed slot=0 connected=0x2 pad-added slot=0 connected=0x3 pad0 pressed=0x4 "
    want+="pad-removed slot=1 connected=0x1 pad-removed slot=0 connected=0x0 "
    expect "the pads came and went as '$got', want '$want'" [ "$got" = "$want" ] || return
    run_host "$LOG" --frames 1 --script "$(script badplug '5 plug 8')"
    expect "plug 8 exited $HOST_RC, want 2" [ "$HOST_RC" -eq 2 ] || return
    expect "no reason for plug 8: $(cat "$LOG")" grep -q 'plug.*0 to 7' "$LOG"
}

# The game's own window settings are used at start; --width / --height still win.
game_picks_its_window() {
    local dir=$TMP/window
    mkdir -p "$dir"
    expect "could not build" build_test_game "$GAMES/window.c" "$dir/game.so" || return
    run_host "$dir/own.log" --game "$dir/game.so" --frames 10 --no-build --no-overlay \
        --screenshot "$dir/own.png"
    expect "no window event: $(tail -2 "$dir/own.log")" \
        grep -q '^livehost: window size=320x200 scale=fit title="Tiny game"$' "$dir/own.log"
    expect "the game was not given 320x200" grep -q 'log text="area=320x200 clock=set"' "$dir/own.log"
    expect "the picture is $("$PIXEL" "$dir/own.png" size), not 320 200" \
        [ "$("$PIXEL" "$dir/own.png" size)" = "320 200" ]
    expect "the game did not fill its area" [ "$(count_color "$dir/own.png" 5ac81e)" -eq 64000 ]
    run_host "$dir/flag.log" --game "$dir/game.so" --frames 10 --no-build --width 400 \
        --screenshot "$dir/flag.png"
    expect "--width did not win: $("$PIXEL" "$dir/flag.png" size)" \
        [ "$("$PIXEL" "$dir/flag.png" size)" = "400 200" ]
    expect "the game was not given 400x200" grep -q 'log text="area=400x200' "$dir/flag.log"
}

for c in ${CASES:-hook_order_across_reloads hook_order_force_reload_and_restart \
    sdl_game_survives_20_reloads stale_event_watch_is_named stale_pointer_in_state_is_a_crash \
    call_to_nowhere_is_a_crash cpp_game_reloads loaded_state_is_blamed \
    started_from_root_finds_files input_reaches_the_game pad_recording_replays \
    pads_plugged_and_pulled game_picks_its_window}; do
    run_case "$c"
done
