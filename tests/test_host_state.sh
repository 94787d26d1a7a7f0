#!/usr/bin/env bash
# test_host_state.sh - the state block on disk and the restart keys: F4 saves it (livehost.state
# in the current directory), F9 loads it, --save-state writes it at exit, --load-state loads it
# at start; a file carries its layout's text, and one of another layout is migrated by the
# game's migrate hook or refused with a reason while the game plays on (files of the format
# before, without the text, still load); F6 reloads the running build with the state kept.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

script() {
    local f=$TMP/$1.keys
    shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# F4 at frame 50 saves tick 50; a second run loads it with F9 at frame 10: 50 + 90 updates.
# The file is the header, the block, then the layout's text (its length, then "size N" and a
# line per field).
keys_save_and_load() {
    local dir=$TMP/cwd log size layout len bytes
    mkdir -p "$dir"
    log=$TMP/f4.log
    (cd "$dir" && run_host "$log" --frames 100 --script "$(script f4 '50 key F4')")
    size=$(event_field "$log" loaded state_size)
    layout=$(layout_at "$dir/livehost.state" $((48 + size)))
    len=${layout%% *}
    expect "no layout text after the block: '$layout'" [ "${layout#* }" = "size $size" ] || return
    bytes=$((48 + size + 8 + len))
    expect "no state-saved event: $(tail -2 "$log")" grep -q "^livehost: state-saved path=livehost.state bytes=$bytes\$" "$log"
    expect "no livehost.state of $bytes bytes in the current directory" [ "$(stat -c %s "$dir/livehost.state" 2>/dev/null)" = $bytes ]
    expect "the magic is not LHSTATE" [ "$(head -c 7 "$dir/livehost.state")" = LHSTATE ]
    expect "the format is not 3" [ "$(uint_at "$dir/livehost.state" 8 4)" = 3 ]
    log=$TMP/f9.log
    (cd "$dir" && run_host "$log" --frames 100 --script "$(script f9 '10 key F9')")
    expect "no state-loaded event: $(tail -2 "$log")" grep -q '^livehost: state-loaded path=livehost.state layout=same$' "$log"
    expect "the game ended at tick $(final_tick "$log"), want 140" [ "$(final_tick "$log")" = 140 ]
}

# A run that saves at exit and one that loads at start draw the same picture as one long run.
flags_save_and_load() {
    run_host "$TMP/save.log" --frames 100 --save-state "$TMP/flags.state"
    expect "no state-saved at exit" grep -q "^livehost: state-saved path=$TMP/flags.state " "$TMP/save.log"
    run_host "$TMP/load.log" --frames 50 --load-state "$TMP/flags.state" --screenshot "$TMP/load.png"
    expect "no state-loaded at start" grep -q "^livehost: state-loaded path=$TMP/flags.state layout=same\$" "$TMP/load.log"
    expect "the game ended at tick $(final_tick "$TMP/load.log"), want 150" [ "$(final_tick "$TMP/load.log")" = 150 ]
    run_host "$TMP/long.log" --frames 150 --screenshot "$TMP/long.png"
    expect "100 + 50 updates through a file differ from 150 in one run" cmp -s "$TMP/load.png" "$TMP/long.png"
    run_host "$TMP/nowhere.log" --frames 5 --save-state "$TMP/no/such/dir/x.state"
    expect "no state-save-failed for a missing directory" grep -q "^livehost: state-save-failed path=$TMP/no/such/dir/x.state reason=\"cannot create " "$TMP/nowhere.log"
}

# Broken and hostile files are refused with the reason, and the game plays on with its own
# state. The layout text after the block (format 3) is checked whatever the build knows of its
# own layout: cut short, a length that lies, a zero byte or a text that is no layout.
refuses_bad_state_files() {
    local f log reason size len bytes
    run_host "$TMP/good.log" --frames 30 --save-state "$TMP/good.state"
    size=$(event_field "$TMP/good.log" loaded state_size)
    bytes=$(stat -c %s "$TMP/good.state")
    len=$((bytes - 48 - size - 8))
    cp "$TMP/good.state" "$TMP/version.state" && patch_bytes "$TMP/version.state" 24 07000000
    cp "$TMP/good.state" "$TMP/format.state" && patch_bytes "$TMP/format.state" 8 04000000
    head -c 100 "$TMP/good.state" >"$TMP/short.state"
    cat "$TMP/good.state" "$TMP/good.state" >"$TMP/long.state"
    head -c $((bytes - 5)) "$TMP/good.state" >"$TMP/cut.state"
    head -c $((48 + size + 4)) "$TMP/good.state" >"$TMP/nolayout.state"
    cp "$TMP/good.state" "$TMP/length.state" && patch_bytes "$TMP/length.state" $((48 + size)) ffffffffffffff7f
    cp "$TMP/good.state" "$TMP/garbage.state" && patch_bytes "$TMP/garbage.state" $((48 + size + 8)) 5858585858
    cp "$TMP/good.state" "$TMP/zero.state" && patch_bytes "$TMP/zero.state" $((bytes - 3)) 00
    run_host "$TMP/rec.log" --frames 20 --script "$(script rec '5 key F2' '10 key F2')" --record "$TMP/x.rec"
    for f in "version.state:state version changed 7 -> 1 since it was saved, and migrate returned 1" \
        "format.state:it has format version 4; this host reads 2 and 3" \
        "short.state:it is cut short: 100 bytes for a" \
        "long.state:it has $bytes bytes more than its header says" \
        "cut.state:it is cut short: $((len - 5)) bytes for a $len-byte layout" \
        "nolayout.state:it is cut short: no layout after its state and inputs" \
        "length.state:it is cut short: $len bytes for a 9223372036854775807-byte layout" \
        "garbage.state:its layout cannot be read: layout text line 1: no \\\"size N\\\"" \
        "zero.state:its layout text holds a zero byte" \
        "x.rec:it is a recording, not a state file" \
        "missing.state:cannot open it: No such file or directory"; do
        log=$TMP/${f%%:*}.log reason=${f#*:}
        run_host "$log" --frames 40 --load-state "$TMP/${f%%:*}"
        expect "${f%%:*}: exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
        expect "${f%%:*}: no state-refused event with '$reason': $(grep refused "$log")" \
            grep -qF "livehost: state-refused path=$TMP/${f%%:*} reason=\"$reason" "$log"
        expect "${f%%:*}: the game did not play on with its own state" [ "$(final_tick "$log")" = 40 ]
    done
    # F9 on a directory (--save-state names the file F4 and F9 use): refused, not read as a
    # file of 2^63 bytes.
    mkdir -p "$TMP/a-directory"
    log=$TMP/dir.state.log
    run_host "$log" --frames 40 --save-state "$TMP/a-directory" --script "$(script dir '10 key F9')"
    expect "F9 on a directory: $(grep state- "$log")" grep -q "^livehost: state-refused path=$TMP/a-directory reason=\"it is not a regular file\"\$" "$log"
}

# A format 2 file (no layout text) still loads, compared by size, version and state_hash as
# before: another hash of the same size is refused (the demo's migrate cannot know the field
# order). A format 3 file carries its layout, so there the fields decide, not the hash.
loads_format_2_files() {
    local log size
    run_host "$TMP/v3.log" --frames 30 --save-state "$TMP/v3.state"
    size=$(event_field "$TMP/v3.log" loaded state_size)
    head -c $((48 + size)) "$TMP/v3.state" >"$TMP/v2.state" && patch_bytes "$TMP/v2.state" 8 02000000
    cp "$TMP/v2.state" "$TMP/v2hash.state" && patch_bytes "$TMP/v2hash.state" 32 0102030405060708
    cp "$TMP/v3.state" "$TMP/v3hash.state" && patch_bytes "$TMP/v3hash.state" 32 0102030405060708
    log=$TMP/v2.log
    run_host "$log" --frames 40 --load-state "$TMP/v2.state"
    expect "a format 2 file did not load: $(grep state- "$log")" grep -q "^livehost: state-loaded path=$TMP/v2.state layout=same\$" "$log"
    expect "the format 2 game ended at tick $(final_tick "$log"), want 70" [ "$(final_tick "$log")" = 70 ]
    log=$TMP/v2hash.log
    run_host "$log" --frames 40 --load-state "$TMP/v2hash.state"
    expect "a format 2 file with another state hash was not refused: $(grep state- "$log")" grep -q "^livehost: state-refused path=$TMP/v2hash.state reason=\"state hash changed 0x0807060504030201 -> 0x[0-9a-f]\{16\} since it was saved, and migrate returned 1\"\$" "$log"
    expect "the game did not play on with its own state" [ "$(final_tick "$log")" = 40 ]
    log=$TMP/v3hash.log
    run_host "$log" --frames 40 --load-state "$TMP/v3hash.state"
    expect "a format 3 file of the same fields did not load: $(grep state- "$log")" grep -q "^livehost: state-loaded path=$TMP/v3hash.state layout=same\$" "$log"
    expect "the format 3 game ended at tick $(final_tick "$log"), want 70" [ "$(final_tick "$log")" = 70 ]
}

# A state saved by the 12-item game, loaded into a 20-item build: game_migrate carries it over.
migrates_other_layout() {
    local src out=$TMP/twenty-out log=$TMP/migrate.log
    src=$(game_src twenty)
    expect "could not edit the item count" sed_game "$src" game_state.h 's/^#define GAME_ITEM_COUNT 12/#define GAME_ITEM_COUNT 20/'
    expect "could not build the game: $(tail -3 "$src/build.log")" build_game "$src" "$out" || return
    run_host "$TMP/twelve.log" --frames 60 --save-state "$TMP/twelve.state"
    run_host "$log" --frames 40 --game "$out/game.so" --load-state "$TMP/twelve.state"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "no migrated load: $(grep state- "$log")" grep -q "^livehost: state-loaded path=$TMP/twelve.state layout=migrated changes=\"items\[\]: 12 -> 20 elements\"\$" "$log"
    expect "the migrated game ended at tick $(final_tick "$log"), want 100" [ "$(final_tick "$log")" = 100 ]
}

# F6: the same build again, now; the game keeps its state (its reload hook sees the ticks).
# A paced run: the reload goes through the pre-flight process, whose time a run of --frames N
# (as fast as it goes) would not wait for.
force_reload_keeps_state() {
    local log=$TMP/f6.log
    start_host "$log" --frames 0 --game "$OUT_DIR/game.so" --assets "$ROOT/assets" \
        --screenshot "$TMP/f6.png" --script "$(script f6 '20 key F6')"
    expect "no force-reload event: $(tail -2 "$log")" wait_for "$log" '^livehost: force-reload version=1$'
    expect "no kept reload after F6: $(tail -3 "$log")" wait_for "$log" '^livehost: reloaded version=2 .*state=kept$'
    expect "no frame after the reload" frames "$log"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    local reloaded
    reloaded=$(log_ticks "$log" reloaded | head -1)
    expect "the reload did not see the running game (tick=$reloaded)" [ "${reloaded:-0}" -ge 20 ]
    expect "F6 restarted the game" [ "$(grep -c 'log text="new game' "$log")" -eq 1 ]
    expect "the game did not go on after F6" [ "$(final_tick "$log")" -gt "${reloaded:-0}" ]
}

# --key moves the host's keys: Zylinski's habit, F5 reloads and F6 restarts. One key for two
# actions, or a name that is no action or key, is a command-line error.
moved_keys() {
    local log=$TMP/keys.log rc args keys=(--key reload=F5 --key restart=F6)
    # Each key in a run of its own: neither waits on the other's load, however slow the machine.
    start_host "$log" --frames 0 --game "$OUT_DIR/game.so" --assets "$ROOT/assets" "${keys[@]}" \
        --script "$(script moved6 '20 key F6')"
    expect "no restart after F6: $(tail -2 "$log")" wait_for "$log" '^livehost: reset '
    expect "the game did not start anew after F6: $(tail -2 "$log")" wait_count "$log" '^livehost: log text="new game' 2
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the reset names another key: $(grep reset "$log")" grep -q '^livehost: reset reason="F6"$' "$log"
    expect "F6 reloaded: $(grep -E 'reset|reload' "$log")" not grep -q '^livehost: force-reload ' "$log"
    start_host "$log" --frames 0 --game "$OUT_DIR/game.so" --assets "$ROOT/assets" "${keys[@]}" \
        --script "$(script moved5 '20 key F5')"
    expect "no reload after F5: $(tail -2 "$log")" wait_for "$log" '^livehost: reloaded version=2 '
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "F5 did not reload: $(grep -E 'reset|reload' "$log")" grep -q '^livehost: force-reload version=1$' "$log"
    expect "F5 restarted: $(grep -E 'reset|reload' "$log")" not grep -q '^livehost: reset ' "$log"
    expect "F5 did not reload the running game: $(tail -3 "$log")" grep -q '^livehost: reloaded version=2 .*state=kept$' "$log"
    for args in "--key restart=F6" "--key jump=F6" "--key restart=NoSuchKey" "--key restart"; do
        # shellcheck disable=SC2086 # the words are the arguments
        timeout "$LIMIT" "$HOST" --headless --frames 5 --game "$OUT_DIR/game.so" $args 2>"$log"
        rc=$?
        expect "'$args' exited with $rc, want 2" [ "$rc" -eq 2 ]
        expect "'$args' gave no error event: $(cat "$log")" grep -q '^livehost: error reason="' "$log"
    done
}

for c in ${CASES:-keys_save_and_load flags_save_and_load refuses_bad_state_files \
    loads_format_2_files migrates_other_layout force_reload_keeps_state moved_keys}; do
    run_case "$c"
done
