#!/usr/bin/env bash
# test_host_crash.sh - whatever the game does inside a call, the host lives on: each kind of
# crash and hang is injected into a rebuilt copy of the demo's update, and the host must report
# it, put the state back, roll back to the last good build and keep drawing; what cannot be
# interrupted ends the process with exit code 3 and one line saying why; a fault outside game
# code is not swallowed.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# inject SRC CODE: CODE runs in every update, right after the tick counter moves.
inject() {
    cp "$1/game/game.c" "$1/game/game.c.good"
    awk -v code="$2" '{ print } /^    s->tick\+\+;$/ { print "    " code }' \
        "$1/game/game.c.good" >"$1/game/game.c"
    ! cmp -s "$1/game/game.c" "$1/game/game.c.good"
}

# restore_good SRC: back to the unbroken source (newer than the broken build's objects).
restore_good() { mv -f "$1/game/game.c.good" "$1/game/game.c" && touch "$1/game/game.c"; }

# crash_and_roll_back NAME SIGNAL FIELDS CODE VERSION: injects CODE, rebuilds, expects the crash
# with SIGNAL and FIELDS (a regex for what follows signal=, up to at=), at= naming the library
# the user built (not its private copy), then a rollback; VERSION is the library version the
# broken build loads as.
crash_and_roll_back() {
    expect "could not inject $1" inject "$SRC" "$4"
    rebuild
    restore_good "$SRC"
    expect "$1: no crash signal=$2 $3 in update: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: crash signal=$2 $3 at=\".* in game\.so\+0x[0-9a-f]+( \(inside [^)]+\))?\" version=$5\$"
    expect "$1: no rollback: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: rollback version=$(($5 + 1)) state=restored "
}

every_crash_kind_recovered() {
    start_game kinds || return
    local v=2 kind
    # addr= only where the kernel reports a fault address: abort() and raise() send the signal
    # (si_addr would be the pid), x86's int3 leaves it 0.
    local addr='addr=0x[0-9a-f]+'
    local -a kinds=(
        "segv|SIGSEGV|function=update addr=0x0|*(volatile int *)0 = 1;"
        "abort|SIGABRT|function=update|__builtin_abort();"
        "fpe|SIGFPE|function=update $addr|{ volatile int zero = 0; s->score = (int)s->tick / zero; }"
        "ill|SIGILL|function=update $addr|__builtin_trap();"
        "trap|SIGTRAP|function=update|__asm__ volatile(\"int3\");"
        "bus|SIGBUS|function=update|{ extern int raise(int); raise(7); }"
        "stack|SIGSEGV|kind=stack-overflow function=update $addr|for (;;) { volatile char *p = __builtin_alloca(1 << 16); p[0] = 1; }"
        "recursion|SIGSEGV|kind=stack-overflow function=update $addr|if (s->tick > 0) game_update(state, host, in);"
    )
    for kind in "${kinds[@]}"; do
        IFS='|' read -r name sig fields code <<<"$kind"
        crash_and_roll_back "$name" "$sig" "$fields" "$code" "$v"
        v=$((v + 2))
        [ -n "$why" ] && break
    done
    expect "no frames after the last rollback" frames "$LOG" 3
    expect "abort() reported a fault address" not grep -q '^livehost: crash signal=SIGABRT .*addr=' "$LOG"
    expect "no stack overflow hint in the rollback reasons: $(grep rollback "$LOG")" \
        [ "$(grep -c '^livehost: rollback .* reason="stack overflow: runaway recursion or a large local array in update: ' "$LOG")" -eq 2 ]
    expect "the host died" kill -0 "$HOST_PID"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "a crashed build was called again: $(grep -c '^livehost: crash ' "$LOG") crashes" [ "$(grep -c '^livehost: crash ' "$LOG")" -eq 8 ]
    expect "the last good code stopped drawing" mostly "$PNG" "$SKY"
    expect "the game restarted instead of going on" [ "$(grep -c 'log text="new game' "$LOG")" -eq 1 ]
}

# The state a crashing update half-wrote is put back before the old code sees it.
state_restored_after_crash() {
    start_game restore || return
    expect "the game did not run" frames "$LOG"
    expect "could not inject" inject "$SRC" "s->score = 777777; *(volatile int *)0 = 1;"
    rebuild
    restore_good "$SRC"
    expect "no rollback" wait_for "$LOG" '^livehost: rollback version=3 state=restored '
    expect "no frame after the rollback" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old code saw the crashed frame's writes" not grep -q 'score=777777' "$LOG"
    expect "the rolled-back game did not go on: $(grep reloaded "$LOG" | tail -1)" [ "$(log_ticks "$LOG" reloaded | tail -1)" -gt 0 ]
}

# A block too big to copy before every frame (16 MiB) is put back all the same: the crashed
# frame's writes at both of its ends are gone before the old code sees it.
big_state_restored_after_crash() {
    expect "could not give the game a big state" big_state "$(game_src bigcrash)" || return
    start_game bigcrash || return
    expect "the game did not run" frames "$LOG"
    expect "could not inject" inject "$SRC" "s->score = 777777; s->arena[sizeof s->arena - 1] = 7; *(volatile int *)0 = 1;"
    rebuild
    restore_good "$SRC"
    expect "no rollback that restored the state: $(grep -E 'rollback|safe-mode' "$LOG")" wait_for "$LOG" '^livehost: rollback version=3 state=restored '
    expect "no frame after the rollback" frames "$LOG"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the old code saw the crashed frame's writes: $(grep -E 'score=777777|end=7' "$LOG")" not grep -Eq 'score=777777|end=7' "$LOG"
    expect "the old code did not say the block's last byte: $(grep 'reloaded at' "$LOG")" grep -q 'reloaded at tick=[0-9]* score=[0-9]* end=0"$' "$LOG"
}

# The exact build that crashed is never loaded again, whatever the file is called.
crashed_build_never_retried() {
    start_game forbid || return
    expect "could not inject" inject "$SRC" "*(volatile int *)0 = 1;"
    rebuild
    restore_good "$SRC"
    cp "$OUT/game.so" "$TMP/crashing.so"
    expect "no rollback" wait_for "$LOG" '^livehost: rollback version=3 '
    cp "$TMP/crashing.so" "$OUT/game.so.tmp" && mv -f "$OUT/game.so.tmp" "$OUT/game.so"
    expect "the same crashing build was not refused: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: refused reason="forbidden build: .*exact build that crashed'
    expect "no frames after the refusal" frames "$LOG" 3
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the forbidden build ran again" [ "$(grep -c '^livehost: crash ' "$LOG")" -eq 1 ]
}

# With no earlier build to go back to, the game stops (safe mode) instead of crashing at 60 Hz,
# and the next good build runs again.
safe_mode_without_rollback() {
    local src out=$TMP/safe-out log=$TMP/safe.log
    src=$(game_src safe)
    expect "could not inject" inject "$src" "*(volatile int *)0 = 1;"
    expect "could not build the game" build_game "$src" "$out" || return
    restore_good "$src"
    start_host "$log" --frames 0 --game "$out/game.so" --screenshot "$TMP/safe.png"
    expect "no safe-mode event: $(tail -2 "$log")" wait_for "$log" '^livehost: safe-mode state=restored '
    expect "no frames after safe mode" frames "$log" 3
    expect "crash loop: $(grep -c '^livehost: crash ' "$log") crashes" [ "$(grep -c '^livehost: crash ' "$log")" -eq 1 ]
    expect "could not build the fixed game" build_game "$src" "$out"
    expect "the fixed build did not load" wait_for "$log" '^livehost: reloaded version=2 '
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
}

# Loops that never return are interrupted while game code runs, again and again; frames go on.
hangs_recovered() {
    start_game hangs --watchdog-ms 150 || return
    local v=2 kind
    local -a kinds=(
        "spin|for (volatile int spin = 1; spin;) {}"
        "malloc|while (s->tick) __builtin_free(__builtin_malloc(64));"
        "printf|while (s->tick) __builtin_printf(\"busy\\\\n\");"
        "spin-again|for (volatile int spin = 2; spin;) {}"
    )
    for kind in "${kinds[@]}"; do
        IFS='|' read -r name code <<<"$kind"
        expect "could not inject $name" inject "$SRC" "$code"
        rebuild
        restore_good "$SRC"
        expect "$name: no hang event: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: hang function=update ms=[0-9]+ at=\".*\" version=$v\$"
        expect "$name: no rollback: $(tail -2 "$LOG")" wait_for "$LOG" "^livehost: rollback version=$((v + 1)) state=restored "
        v=$((v + 2))
        [ -n "$why" ] && break
    done
    local before after
    before=$(grep -c '^livehost: hang ' "$LOG")
    expect "no frames after the last rollback" frames "$LOG" 3
    after=$(grep -c '^livehost: hang ' "$LOG")
    expect "hangs went on after the rollback" [ "$before" -eq "$after" ]
    stop_host TERM
    expect "exit code $HOST_RC, want 0 (frames stopped?)" [ "$HOST_RC" -eq 0 ]
    expect "the last good code stopped drawing" mostly "$PNG" "$SKY"
}

# stuck_exits NAME INCLUDE CODE: a hang that never returns to game code ends the process with
# exit code 3 and one "stuck" line, instead of a silent freeze; the state block is intact, so
# --save-state is written (and says so in that line) and loads back.
stuck_exits() {
    local src out=$TMP/$1-out log=$TMP/$1.log state=$TMP/$1.state size
    src=$(game_src "$1")
    sed -i "s|^#include \"game.h\"$|#include \"game.h\"\n$2|" "$src/game/game.c"
    expect "could not inject" inject "$src" "$3"
    expect "could not build: $(tail -3 "$src/build.log" 2>/dev/null)" build_game "$src" "$out" || return
    timeout "$LIMIT" "$HOST" --headless --frames 0 --watchdog-ms 150 --game "$out/game.so" \
        --save-state "$state" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 3" [ "$rc" -eq 3 ]
    expect "no stuck line saying the state was saved: $(tail -2 "$log")" grep -q "^livehost: stuck function=update ms=[0-9]* exit=3 state-saved=$state reason=\"a game call ran past its budget" "$log"
    size=$(event_field "$log" loaded state_size)
    expect "no state file of $((48 + size)) bytes" [ "$(stat -c %s "$state" 2>/dev/null)" = $((48 + size)) ]
    expect "the state file's magic is not LHSTATE" [ "$(head -c 7 "$state")" = LHSTATE ]
    run_host "$TMP/$1-load.log" --frames 5 --load-state "$state"
    expect "the saved state does not load: $(grep state- "$TMP/$1-load.log")" grep -q "^livehost: state-loaded path=$state layout=same\$" "$TMP/$1-load.log"
}

sleep_loop_exits() { stuck_exits sleep "#include <unistd.h>" "while (s->tick) usleep(1000);"; }
self_deadlock_exits() {
    stuck_exits deadlock "#include <pthread.h>" \
        "{ static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER; pthread_mutex_lock(&m); pthread_mutex_lock(&m); }"
}

# A process stopped and continued (Ctrl-Z, fg; a suspended machine) has not hung: the
# watchdog must not count the time it was stopped.
stop_and_continue_is_not_a_hang() {
    start_game sigstop --stall-ms 1000 --watchdog-ms 200 || return
    local pid
    pid=$(pgrep -P "$HOST_PID" -f "$HOST" | head -1)
    expect "no host process under timeout" [ -n "$pid" ]
    local i
    # Each stop lasts longer than --stall-ms and --watchdog-ms (the point of the case); after
    # each, the host must draw again.
    for i in 1 2 3 4 5; do
        kill -STOP "$pid"
        sleep 1.2
        kill -CONT "$pid"
        expect "no frame after continue $i: $(tail -1 "$LOG")" frames "$LOG" || break
    done
    expect "the host ended after a stop and continue: $(tail -1 "$LOG")" kill -0 "$pid"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "a stop counted as stuck" not grep -q '^livehost: stuck' "$LOG"
}

# The frame loop itself stalls outside game code - here on a stderr pipe that nobody reads,
# filled by the events of many bad builds: the host ends with exit code 3 instead of freezing.
stalled_loop_exits() {
    local src out=$TMP/stall-out fifo=$TMP/stall.fifo
    src=$(game_src stall)
    expect "could not build the game" build_game "$src" "$out" || return
    mkfifo "$fifo"
    exec 7<>"$fifo" # holds the pipe open, and never reads it
    timeout "$LIMIT" "$HOST" --headless --frames 0 --stall-ms 1000 --game "$out/game.so" 2>"$fifo" &
    local pid=$!
    HOST_PIDS+=("$pid")
    local i bad=$TMP/stall-bad.so
    printf 'not a library, and a long enough line to fill the pipe sooner %0200d\n' 0 >"$bad"
    for ((i = 0; i < 2000 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0); i++)); do
        cp "$bad" "$out/game.so.tmp" && mv -f "$out/game.so.tmp" "$out/game.so"
        sleep 0.002
    done
    wait "$pid"
    local rc=$?
    exec 7>&-
    expect "exit code $rc, want 3 (a stalled loop)" [ "$rc" -eq 3 ]
}

# A fault that is not the game's is not swallowed: the process dies of it, no crash event.
fault_outside_game_not_swallowed() {
    local log=$TMP/outside.log
    "$HOST" --headless --frames 0 --game "$TMP/no-such-game.so" 2>"$log" &
    local pid=$!
    HOST_PIDS+=("$pid")
    expect "host did not start" wait_for "$log" '^livehost: waiting '
    kill -SEGV "$pid"
    wait "$pid" 2>/dev/null
    local rc=$?
    # A sanitizer build hands it to the sanitizer, which reports it and exits 1.
    if [ -n "${SANFLAGS:-}" ]; then
        expect "exit code $rc, want 1 from the sanitizer" [ "$rc" -eq 1 ]
        expect "the sanitizer did not get the fault" grep -q 'AddressSanitizer: SEGV' "$log"
    else
        expect "exit code $rc, want 139 (killed by SIGSEGV)" [ "$rc" -eq 139 ]
    fi
    expect "a fault outside game code was reported as a game crash" not grep -q '^livehost: crash ' "$log"
}

for c in ${CASES:-every_crash_kind_recovered state_restored_after_crash big_state_restored_after_crash \
    crashed_build_never_retried \
    safe_mode_without_rollback hangs_recovered sleep_loop_exits self_deadlock_exits \
    stop_and_continue_is_not_a_hang stalled_loop_exits fault_outside_game_not_swallowed}; do
    run_case "$c"
done
