#!/usr/bin/env bash
# test_host_badbuild.sh - every kind of bad build lands under a running host, one after the
# other: each is refused with a one-line reason, the host stays up and the last good code keeps
# drawing; a good build afterwards loads. Then a soak: 1,000 reloads alternating good and bad
# builds in one host, with file descriptors, mappings, temp files and memory staying flat.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

FIX=$OUT_DIR/tests/fixtures

# put FILE: what a build that renames into place does, with FILE's bytes. Marks the log: the
# next refused looks only at what the host said after it.
put() { mark "$LOG" && cp "$1" "$OUT/game.so.tmp" && mv -f "$OUT/game.so.tmp" "$OUT/game.so"; }

# refused NAME EVENT PATTERN: the last bad build gave EVENT with a reason matching PATTERN,
# and the host is still there.
refused() {
    expect "$1: no $2 event matching '$3': $(grep -v 'log text' "$LOG" | tail -2)" \
        wait_new "$LOG" "^livehost: $2 reason=\".*$3"
    expect "$1: the host died" kill -0 "$HOST_PID"
}

# cut FILE BYTES OUT: the first BYTES bytes of FILE.
cut_to() { head -c "$2" "$1" >"$3"; }

every_bad_build_refused() {
    start_game bad || return
    local good=$TMP/good.so b=$TMP/bad.so size
    cp "$OUT/game.so" "$good"
    size=$(stat -c %s "$good")

    : >"$b" && put "$b"
    refused empty not-ready "file is empty"
    for n in 40 1000 $((size / 2)) $((size - 8)); do
        cut_to "$good" "$n" "$b" && put "$b"
        refused "cut at $n" not-ready "(truncated|cut short)"
    done
    { head -c $((size / 2)) "$good"; head -c $((size - size / 2)) /dev/zero; } >"$b" && put "$b"
    refused "zeroed tail" not-ready "blank or point past the end"
    head -c "$size" /dev/urandom >"$b" && put "$b"
    refused random reload-failed "not an ELF file"
    echo "int main(void) { return 0; }" >"$b" && put "$b"
    refused text reload-failed "not an ELF file"
    cp "$good" "$b" && printf '\267\000' | dd of="$b" bs=1 seek=18 conv=notrunc 2>/dev/null && put "$b"
    refused "other architecture" reload-failed "built for aarch64"
    put "$OUT/obj/game/game.pic.o"
    refused "object file" reload-failed "object file"
    put /usr/bin/true
    refused executable reload-failed "executable"
    # The .dynamic section filled with garbage: the structure still looks right, the loader
    # does not; the pre-flight process takes the hit.
    cp "$good" "$b"
    local dyn
    dyn=$(readelf -SW "$good" | sed -n 's/.* \.dynamic *DYNAMIC *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\) .*/\1 \2/p')
    expect "no .dynamic section found" [ -n "$dyn" ]
    read -r off len <<<"$dyn"
    head -c $((16#$len)) /dev/urandom | dd of="$b" bs=1 seek=$((16#$off)) conv=notrunc 2>/dev/null &&
        put "$b"
    refused "corrupt .dynamic" reload-failed "(pre-flight failed|dlopen failed)"
    put "$FIX/fx_v1.so"
    refused "API symbol missing" reload-failed "symbol missing: .*does not export 'livehost_game'.*; a game exports its API as GAME_EXPORT const game_api"
    put "$FIX/undef_fx.so"
    refused "undefined symbol" reload-failed "undefined symbol: fx_symbol_nobody_defines"
    put "$FIX/ctor_crash.so"
    refused "constructor crash" reload-failed "(SIGSEGV|AddressSanitizer|runtime error)"
    put "$FIX/ctor_abort.so"
    refused "constructor abort" reload-failed "(SIGABRT|AddressSanitizer)"
    put "$FIX/ctor_exit.so"
    refused "constructor exit" reload-failed "exited with status 7"
    put "$FIX/ctor_loop.so"
    refused "constructor loop" reload-failed "did not finish within"
    expect "could not edit api_version" sed_game "$SRC" game.c 's/\.api_version = GAME_API_VERSION,/.api_version = GAME_API_VERSION + 1,/'
    mark "$LOG"
    rebuild
    refused "API version" refused "game_api.h version $((API_VERSION + 1)) but this host speaks version $API_VERSION"
    mv -f "$SRC/game.c.orig" "$SRC/game/game.c" && touch "$SRC/game/game.c"

    mark "$LOG"
    rm -f "$OUT/game.so"
    refused deleted not-ready "does not exist"
    mark "$LOG"
    mkdir "$OUT/game.so"
    refused directory reload-failed "not a regular file"
    rmdir "$OUT/game.so"

    # Written in place, slowly: nothing loads until the writer closes the file. The new build
    # is made elsewhere: one renamed into $OUT would be loaded at once, before this could
    # delete it.
    local before
    before=$(grep -c '^livehost: reloaded ' "$LOG")
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    expect "could not build the new game: $(tail -3 "$SRC/build.log")" \
        build_game "$SRC" "$TMP/new-out" || return
    cp "$TMP/new-out/game.so" "$TMP/new.so"
    {
        head -c $((size / 2)) "$TMP/new.so"
        sleep 0.3
        tail -c +$((size / 2 + 1)) "$TMP/new.so"
    } >"$OUT/game.so"
    expect "the good build written in place did not load: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: reloaded "
    expect "loaded more than once" [ "$(grep -c '^livehost: reloaded ' "$LOG")" -eq $((before + 1)) ]
    expect "a half-written build was loaded (crash or failure)" not grep -q '^livehost: crash ' "$LOG"
    expect "no frame after the reload" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the good build after all that is not drawing" mostly "$PNG" c8285a
    expect "the game restarted along the way" [ "$(grep -c 'log text="new game' "$LOG")" -eq 1 ]
}

# proc_stat PID: "fds maps game-copies rss-kB" of a running process.
proc_stat() {
    local fds maps copies rss
    fds=$(find "/proc/$1/fd" -mindepth 1 2>/dev/null | wc -l)
    maps=$(wc -l <"/proc/$1/maps")
    copies=$(grep -o '/hr-[^ ]*game.so' "/proc/$1/maps" | sort -u | wc -l)
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
    echo "$fds $maps $copies $rss"
}

soak_1000_reloads() {
    SRC=$(game_src soak)
    OUT=$TMP/soak-out LOG=$TMP/soak.log
    local a=$TMP/soak-a.so b=$TMP/soak-b.so
    expect "could not build" build_game "$SRC" "$OUT" || return
    cp "$OUT/game.so" "$a"
    set_sky "$SRC" 200 40 90 && build_game "$SRC" "$OUT" && cp "$OUT/game.so" "$b"
    local -a bad=("$FIX/fx_v1.so" "$TMP/text.so")
    echo "not a library" >"$TMP/text.so"
    # As fast as it goes: --frames N runs unpaced.
    "$HOST" --headless --frames 1000000000 --game "$OUT/game.so" --no-build 2>"$LOG" >/dev/null &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "no loaded event" wait_for "$LOG" '^livehost: loaded version=1 ' || return
    local i n=0 first=() last=()
    for ((i = 1; i <= 1000; i++)); do
        if ((i % 4 == 1)); then
            put "$b"
        elif ((i % 2)); then
            put "$a"
        else
            put "${bad[$((i / 2 % 2))]}"
        fi
        # Wait for the host to answer this build before the next one.
        if ! wait_until count_at_least "$i" "$LOG" '^livehost: (reloaded|reload-failed|refused) '; then
            why="reload $i got no answer: $(tail -1 "$LOG")"
            break
        fi
        ((i == 100)) && read -r -a first <<<"$(proc_stat "$HOST_PID")"
    done
    if ! kill -0 "$HOST_PID" 2>/dev/null; then
        [ -z "$why" ] && why="the host died during the soak: $(tail -1 "$LOG")"
        return
    fi
    read -r -a last <<<"$(proc_stat "$HOST_PID")"
    local tmpdir
    tmpdir=$(event_field "$LOG" loaded tmp)
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "${#first[@]} figures at reload 100" [ "${#first[@]}" -eq 4 ]
    expect "file descriptors grew ${first[0]} -> ${last[0]}" [ "${last[0]}" -le "${first[0]}" ]
    # The host keeps the code of up to 32 unloaded builds reserved (host_guard_add_gone): each
    # reservation may split an anonymous mapping the allocator puts beside it (a sanitizer's
    # allocator maps and unmaps many), so the count moves within 2 * 32; a leak of one mapping
    # per reload would be 500 more.
    expect "mappings grew ${first[1]} -> ${last[1]}" [ "${last[1]}" -le $((first[1] + 4 + 64)) ]
    expect "${last[2]} game copies mapped after 1000 reloads (want 1)" [ "${last[2]}" -le 1 ]
    # A sanitizer build keeps freed memory in quarantine on purpose: RSS says nothing there.
    [ -z "${SANFLAGS:-}" ] &&
        expect "RSS grew ${first[3]} -> ${last[3]} kB" [ "${last[3]}" -le $((first[3] + 1024)) ]
    expect "an old copy stayed loaded: $(grep -m1 'core level=warning' "$LOG")" not grep -q '^livehost: core level=warning' "$LOG"
    expect "the private directory $tmpdir survives the host" [ ! -e "$tmpdir" ]
    expect "only $(grep -c '^livehost: reloaded ' "$LOG") good reloads (want 500)" [ "$(grep -c '^livehost: reloaded ' "$LOG")" -eq 500 ]
}

# A host killed with -9 while a pre-flight runs a constructor that never returns takes the
# pre-flight process with it: no orphan spinning on.
preflight_dies_with_the_host() {
    start_game orphan || return
    local host_pid
    host_pid=$(pgrep -P "$HOST_PID" -x host) # HOST_PID is the host's `timeout`
    expect "no host process under $HOST_PID" [ -n "$host_pid" ] || return
    put "$FIX/ctor_loop.so"
    expect "no pre-flight process started for the looping constructor" \
        wait_until pgrep -f "hr-preflight .*/hr-$host_pid-" >/dev/null || return
    kill -KILL "$host_pid"
    wait "$HOST_PID" 2>/dev/null
    expect "the pre-flight outlived its host: $(pgrep -af "hr-preflight .*/hr-$host_pid-")" \
        wait_until not pgrep -f "hr-preflight .*/hr-$host_pid-"
    pkill -KILL -f "hr-preflight .*/hr-$host_pid-" # a failed run leaves no spinning orphan
}

# A named pipe at the game path, at start and while running: reading it would wait for a
# writer forever (a frozen host, then exit 3). The host waits with the reason instead, and the
# builds that replace the pipe load.
pipe_at_the_game_path() {
    SRC=$(game_src pipe)
    OUT=$TMP/pipe-out LOG=$TMP/pipe.log PNG=$TMP/pipe.png
    mkdir -p "$OUT" && mkfifo "$OUT/game.so"
    start_host "$LOG" --frames 0 --game "$OUT/game.so" --screenshot "$PNG"
    expect "no waiting event naming the pipe: $(tail -2 "$LOG")" \
        wait_for "$LOG" "^livehost: waiting path=$OUT/game.so reason=\"not a regular file: .*named pipe" 10
    expect "could not build the game: $(tail -3 "$SRC/build.log" 2>/dev/null)" build_game "$SRC" "$OUT" || return
    expect "the build over the pipe did not load: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: loaded version=1 '
    mkfifo "$OUT/game.so.tmp" && mv -f "$OUT/game.so.tmp" "$OUT/game.so"
    refused pipe reload-failed "named pipe"
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    rebuild
    expect "the build after the pipe did not load: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 '
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the build after the pipe is not drawing" mostly "$PNG" c8285a
}

for c in ${CASES:-every_bad_build_refused soak_1000_reloads preflight_dies_with_the_host pipe_at_the_game_path}; do
    run_case "$c"
done
