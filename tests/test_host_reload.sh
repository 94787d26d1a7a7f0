#!/usr/bin/env bash
# test_host_reload.sh - live coding against a running host: each case builds private copies of
# the demo game (edited with sed, built with the Makefile's game rule), starts the host headless
# on them, swaps builds underneath it and checks the events, the exit code, the game's own log
# lines and the final screenshot. One case runs the host under valgrind through a reload.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# The acceptance test of the whole project: edit a constant, rebuild, see it, keep the state.
live_edit_keeps_state() {
    start_game live || return
    expect "the game did not run" frames "$LOG" # its updates too
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    rebuild
    expect "no reloaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 ms=[0-9.]* state=kept$'
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the new sky (c8285a) is not on screen" mostly "$PNG" c8285a
    expect "the old sky is still on screen" [ "$(count_color "$PNG" "$SKY")" -eq 0 ]
    local reloaded shutdown
    reloaded=$(log_ticks "$LOG" reloaded | head -1)
    shutdown=$(log_ticks "$LOG" shutdown | head -1)
    expect "no 'reloaded at tick=N' line from the game" [ -n "$reloaded" ]
    expect "no 'shutdown at tick=N' line from the game" [ -n "$shutdown" ]
    expect "reload saw tick=$reloaded, want > 0" [ "${reloaded:-0}" -gt 0 ]
    expect "ticks went back: reload at $reloaded, shutdown at $shutdown" [ "${shutdown:-0}" -gt "${reloaded:-0}" ]
    expect "the game was started twice" [ "$(grep -c 'log text="new game' "$LOG")" -eq 1 ]
}

# touch and chmod of the running build are no build: no reloaded event (a reload would restart
# nothing but still cost a pre-flight and a version). The real rebuild after them is the one
# reload: had a touch reloaded, that first reload would not be the rebuilt code.
touch_is_not_a_reload() {
    start_game touch || return
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do touch "$OUT/game.so"; done
    chmod 700 "$OUT/game.so" && chmod 755 "$OUT/game.so"
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    rebuild
    expect "no reloaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded '
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "touch or chmod reloaded: $(grep '^livehost: reloaded ' "$LOG" | tr '\n' ' ')" \
        [ "$(grep -c '^livehost: reloaded ' "$LOG")" -eq 1 ]
    expect "the reload is not version 2 with the state kept: $(grep '^livehost: reloaded ' "$LOG")" \
        grep -q '^livehost: reloaded version=2 .*state=kept$' "$LOG"
    expect "touch or chmod was told as a wait: $(grep -m1 '^livehost: not-ready' "$LOG")" \
        not grep -q '^livehost: not-ready' "$LOG"
    expect "the rebuilt code is not drawing" mostly "$PNG" c8285a
}

broken_build_keeps_old_code() {
    start_game broken || return
    echo 'not a library' >"$OUT/game.so.tmp" && mv -f "$OUT/game.so.tmp" "$OUT/game.so"
    expect "no reload-failed event" wait_for "$LOG" '^livehost: reload-failed reason="'
    expect "no frame after the failed reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
}

# refused_after_rebuild WHAT PATTERN: the edited game is rebuilt, the host refuses it with a
# reason matching PATTERN, and the old build keeps running to a clean exit.
refused_after_rebuild() {
    rebuild
    expect "no refused event for $1: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: refused reason=\".*$2"
    expect "no frame after the refusal" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "a build with $1 was loaded" not grep -q '^livehost: reloaded' "$LOG"
}

# A new layout that migrate does not accept (state_version bumped) is refused.
refused_layout_change() {
    start_game refused || return
    expect "could not edit the item count" sed_game "$SRC" game_state.h 's/^#define GAME_ITEM_COUNT 12/#define GAME_ITEM_COUNT 16/'
    expect "could not edit the state version" sed_game "$SRC" game_state.h 's/^#define GAME_STATE_VERSION 1/#define GAME_STATE_VERSION 2/'
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    refused_after_rebuild "a new state version" 'state size changed [0-9]+ -> [0-9]+ bytes.*F5 / --reset'
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
}

# The same size, another layout: two fields swap places. Only the layouts the host reads from
# the builds' debug information (state_type) tell, and the host refuses to read the old bytes
# as the new fields, naming them. The build preprocesses no header for a hash.
reordered_fields_refused() {
    start_game reordered || return
    expect "could not swap two fields" sed_game "$SRC" game_state.h \
        's/^\( *\)int score, best;\(.*\)$/\1int best, score;\2/'
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    refused_after_rebuild "two fields swapped" 'state layout changed \(best: moved @16 -> @12; score: moved @12 -> @16\), and migrate returned 1; .*F5 / --reset'
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
    expect "the build made a state hash header: $(ls "$OUT/gen")" not ls "$OUT"/gen/*hash* 2>/dev/null
}

# A byte added into padding: size, version and every other field stay, the new one is named.
# The running copy has a byte field already (lives), so three bytes of padding follow it.
field_in_padding_refused() {
    SRC=$(game_src padding)
    expect "could not add a byte field" sed_game "$SRC" game_state.h \
        's/^\( *\)float flash;\(.*\)$/\1float flash;\2\n\1uint8_t lives;/'
    start_game padding || return
    expect "could not add a field into the padding" sed_game "$SRC" game_state.h \
        's/^\( *\)uint8_t lives;$/\1uint8_t lives;\n\1uint8_t extra;/'
    refused_after_rebuild "a field in the padding" 'state layout changed \(\+ uint8_t extra @41\), and migrate returned 1'
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
}

# A field added without bumping GAME_STATE_VERSION: the demo's migrate takes only whole items
# more or fewer, so it refuses instead of reading the old bytes at the wrong offsets.
added_field_refused() {
    start_game added || return
    expect "could not add a field" sed_game "$SRC" game_state.h \
        's/^\( *\)float flash;\(.*\)$/\1float flash;\2\n\1int extra;/'
    refused_after_rebuild "an added field" 'state size changed 232 -> 240 bytes \(\+ int extra @40; items\[\]: moved @40 -> @44\), and migrate returned 1'
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
}

# A state_type that names no type: the build is refused with the name and where to set it.
misspelt_state_type_refused() {
    start_game misspelt || return
    expect "could not edit state_type" sed_game "$SRC" game.c 's/\.state_type = "game_state"/.state_type = "game_stat"/'
    refused_after_rebuild "a misspelt state_type" 'no struct, union or typedef named \\"game_stat\\" in the build.s debug information: set \.state_type in the game.s game_api struct'
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
}

# A build without debug information (tcc, -g0) cannot show its fields: it is compared by size
# and version as before, and the host says so once, not on every reload.
no_debug_info_falls_back() {
    start_game nodebug || return
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    CFLAGS="-O0 -g0" rebuild
    expect "no layout-unchecked event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: layout-unchecked reason=".*game\.so has no debug information \(built without -g\?\): state_type \\"game_state\\" is not compared field by field'
    expect "the build without -g did not load: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 .*state=kept$'
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 40 200 90
    CFLAGS="-O0 -g0" rebuild
    expect "the second build without -g did not load: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=3 .*state=kept$'
    expect "no frame after the last reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the fallback was told $(grep -c layout-unchecked "$LOG") times, want once" [ "$(grep -c '^livehost: layout-unchecked ' "$LOG")" -eq 1 ]
    expect "the last build is not drawing" mostly "$PNG" 28c85a
}

# Only the item count changed: the game's migrate carries the running game over.
migrate_item_count() {
    start_game migrate || return
    expect "the game did not run" frames "$LOG"
    expect "could not edit the item count" sed_game "$SRC" game_state.h 's/^#define GAME_ITEM_COUNT 12/#define GAME_ITEM_COUNT 20/'
    rebuild
    expect "no migrated reload naming the change: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 .*state=migrated changes="items\[\]: 12 -> 20 elements"$'
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    local reloaded
    reloaded=$(log_ticks "$LOG" reloaded | head -1)
    expect "the migrated state lost its ticks (reload at tick=$reloaded)" [ "${reloaded:-0}" -gt 0 ]
    expect "the game was started twice" [ "$(grep -c 'log text="new game' "$LOG")" -eq 1 ]
}

# --reset: a layout change that cannot be migrated restarts the game on the new build.
reset_flag_starts_fresh() {
    start_game reset --reset || return
    expect "could not edit the state version" sed_game "$SRC" game_state.h 's/^#define GAME_STATE_VERSION 1/#define GAME_STATE_VERSION 2/'
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    rebuild
    expect "no reset event" wait_for "$LOG" '^livehost: reset reason="state version changed 1 -> 2, and migrate returned 1 \(--reset\)"'
    expect "no fresh reload" wait_for "$LOG" '^livehost: reloaded version=2 .*state=fresh$'
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the game was not started again" [ "$(grep -c 'log text="new game' "$LOG")" -eq 2 ]
    expect "the old game was not shut down first" [ "$(grep -c 'log text="shutdown at' "$LOG")" -eq 2 ]
    expect "the new build is not drawing" mostly "$PNG" c8285a
}

# inject_crash SRC: a NULL write on every update.
inject_crash() {
    sed_game "$1" game.c 's/^    s->tick++;$/    s->tick++;\n    if (s->tick > 0)\n        *(volatile int *)0 = 1;/'
}

crash_then_fixed_build() {
    start_game crash || return
    cp -r "$SRC/game" "$SRC/game.good"
    expect "could not inject the crash" inject_crash "$SRC"
    rebuild
    expect "no crash event naming the source line: $(grep crash "$LOG")" wait_for "$LOG" '^livehost: crash signal=SIGSEGV function=update addr=0x0 at="game_update game\.c:[0-9]+ in game\.so\+0x[0-9a-f]+" version=2$'
    expect "no rollback to the last good build: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: rollback version=3 state=restored '
    expect "no frames after the rollback" frames "$LOG" 3
    expect "the host died after the crash" kill -0 "$HOST_PID"
    expect "the crashed code was called again" [ "$(grep -c '^livehost: crash ' "$LOG")" -eq 1 ]
    rm -rf "$SRC/game" && mv "$SRC/game.good" "$SRC/game"
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    rebuild
    expect "the fixed build did not reload" wait_for "$LOG" '^livehost: reloaded version=4 '
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the fixed build is not drawing" mostly "$PNG" c8285a
    expect "the fixed build lost the state" [ "$(log_ticks "$LOG" reloaded | tail -1)" -gt 0 ]
    expect "crashed again after the fix" [ "$(grep -c '^livehost: crash ' "$LOG")" -eq 1 ]
}

# A constructor runs inside dlopen, before any guarded call: hr-preflight takes the hit.
constructor_crash_is_contained() {
    start_game ctor || return
    expect "the host found no hr-preflight beside it (make builds it)" not grep -q 'preflight=none' "$LOG"
    printf '\n__attribute__((constructor)) static void explode(void)\n{\n    *(volatile int *)0 = 1;\n}\n' >>"$SRC/game/game.c"
    rebuild
    # A sanitizer build's hr-preflight reports through ASan, whose symbolizing can outlast the
    # pre-flight's 2 s on a busy machine.
    local want='crashed with SIGSEGV'
    [ -n "${SANFLAGS:-}" ] && want='crashed with SIGSEGV|AddressSanitizer|runtime error|did not finish within'
    expect "no reload-failed event: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: reload-failed reason=\".*($want)"
    expect "no frame after the failed reload" frames "$LOG"
    expect "the host died" kill -0 "$HOST_PID"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old code stopped drawing" mostly "$PNG" "$SKY"
}

crash_screen() {
    local src log=$TMP/crash-screen.log png=$TMP/crash-screen.png
    src=$(game_src crash-screen)
    expect "could not inject the crash" inject_crash "$src"
    expect "could not build the game" build_game "$src" "$TMP/crash-screen-out" || return
    timeout "$LIMIT" "$HOST" --headless --frames 30 --game "$TMP/crash-screen-out/game.so" --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "no crash event" grep -q '^livehost: crash signal=SIGSEGV function=update ' "$log"
    expect "crash loop: $(grep -c '^livehost: crash ' "$log") crash events" [ "$(grep -c '^livehost: crash ' "$log")" -eq 1 ]
    expect "the crash screen ($CRASHED) is not shown" mostly "$png" "$CRASHED"
    expect "the crashed game was shut down" not grep -q 'log text="shutdown' "$log"
}

wrong_api_version_waits() {
    local src log=$TMP/api.log png=$TMP/api.png
    src=$(game_src api)
    expect "could not edit api_version" sed_game "$src" game.c 's/\.api_version = GAME_API_VERSION,/.api_version = GAME_API_VERSION + 1,/'
    expect "could not build the game" build_game "$src" "$TMP/api-out" || return
    timeout "$LIMIT" "$HOST" --headless --frames 10 --game "$TMP/api-out/game.so" --screenshot "$png" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "no waiting event naming the API version" grep -q "^livehost: waiting .*reason=\".*game_api.h version $((API_VERSION + 1)) but this host speaks version $API_VERSION" "$log"
    expect "the waiting screen is not shown" mostly "$png" "$WAITING"
}

# The host under valgrind (memcheck) through a reload: it loads the game, F6 reloads the same
# build (copy, ELF check, pre-flight, dlopen, swap, dlclose of the old copy), frames go on, and
# SIGTERM ends it. valgrind must report no error (--error-exitcode) and the game must have been
# drawn. The watchdog and the stall check are off: valgrind runs game calls 10-50x slower, and
# this case is about memory, not time.
valgrind_reload_clean() {
    command -v valgrind >/dev/null || {
        why="valgrind is not installed (scripts/deps.sh test installs it)"
        return
    }
    local log=$TMP/valgrind.log png=$TMP/valgrind.png
    printf '5 key F6\n' >"$TMP/valgrind.keys"
    timeout "$LIMIT" valgrind -q --error-exitcode=99 "$HOST" --headless --frames 0 \
        --game "$OUT_DIR/game.so" --assets "$ROOT/assets" --no-build --watchdog-ms 0 \
        --stall-ms 0 --screenshot "$png" --script "$TMP/valgrind.keys" 2>"$log" &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "no kept reload under valgrind: $(tail -3 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$'
    expect "no frame after the reload" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0 (99: valgrind found errors): $(grep -m3 '^==' "$log")" [ "$HOST_RC" -eq 0 ]
    expect "valgrind reported: $(grep -m3 '^==' "$log")" not grep -q '^==[0-9]*==' "$log"
    expect "the game was not drawn under valgrind" mostly "$png" "$SKY"
}

# valgrind cannot run a sanitizer build (make asan): that run leaves the case out.
valgrind_case=valgrind_reload_clean
[ -n "${SANFLAGS:-}" ] && valgrind_case=

for c in ${CASES:-live_edit_keeps_state touch_is_not_a_reload broken_build_keeps_old_code \
    refused_layout_change reordered_fields_refused field_in_padding_refused added_field_refused \
    misspelt_state_type_refused no_debug_info_falls_back \
    migrate_item_count reset_flag_starts_fresh crash_then_fixed_build \
    constructor_crash_is_contained crash_screen wrong_api_version_waits $valgrind_case}; do
    run_case "$c"
done
