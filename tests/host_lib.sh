# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# host_lib.sh - shared by the host's test scripts (tests/test_host*.sh), sourced, never run.
# Gives each script a private temp directory, runs the host under `timeout`, waits for event
# lines, builds edited copies of the demo game with the Makefile's own game rule, and reads
# screenshot pixels with $B/tests/pixel. A case is a function; run_case prints its PASS/FAIL line.
# KEEP_TMP=1 keeps the temp directory (logs, screenshots, game copies) for a look afterwards;
# CASES="name ..." runs only those cases.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
B="${B:-build}"
case "$B" in /*) OUT_DIR=$B ;; *) OUT_DIR=$ROOT/$B ;; esac
HOST="$OUT_DIR/host"
PIXEL="$OUT_DIR/tests/pixel"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/livehost-test.XXXXXX")
HOST_PIDS=()
cleanup() {
    # TERM first: a pid may be `timeout`, which passes TERM on to the host but would leave it
    # running if killed outright. A host that ends cleanly removes its private directory.
    local p i
    for p in "${HOST_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${HOST_PIDS[@]}"; do
        for ((i = 0; i < 100 && $(kill -0 "$p" 2>/dev/null && echo 1 || echo 0); i++)); do
            sleep 0.05
        done
        kill -KILL "$p" 2>/dev/null
    done
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# The demo game's sky, GAME_BACKGROUND in game/game.h, and the host's own screens.
SKY=121634
WAITING=202630
CRASHED=601818

why=""
# expect "what went wrong" test-command...: records the first failure of the case (a wait
# that ran out adds the last lines of its log).
expect() {
    local msg=$1
    shift
    [ -n "$why" ] && return 1
    "$@" && return 0
    why=$msg
    # A wait that ran out: the log as it is now (a message's $(tail ...) ran before the wait).
    case "$1" in
        wait_for | wait_new | wait_count | frames)
            [ -f "$2" ] && why="$why [log now: $(tail -n 2 "$2" | tr '\n' '|')]"
            ;;
    esac
    return 1
}

# not COMMAND...: succeeds when the command fails (expect's test command cannot be "!").
not() { ! "$@"; }

run_case() {
    why=""
    if declare -F "$1" >/dev/null; then "$1"; else why="no such case in $0"; fi
    if [ -z "$why" ]; then echo "PASS $1"; else echo "FAIL $1: $why"; fi
}

# Every wait has the same deadline, generous for a sanitizer build on a busy machine: a wait
# ends as soon as what it waits for is there, so only a failing case ever spends it. LIMIT is
# what a whole host run or tool may take before `timeout` ends it.
DEADLINE=${DEADLINE:-120}
# The game-call budget of the hosts start_host and run_host start: 2 s, not the default 500 ms.
# On a loaded machine (a sanitizer build, suites side by side) an update can wait that long for
# a CPU, and the watchdog would take it for a hang; the cases about hangs set their own budget
# (a later --watchdog-ms wins).
TEST_BUDGET=(--watchdog-ms 2000)
LIMIT=${LIMIT:-300}

# wait_until COMMAND...: until COMMAND succeeds, at most DEADLINE seconds.
wait_until() {
    local end=$((SECONDS + DEADLINE))
    until "$@"; do
        ((SECONDS < end)) || return 1
        sleep 0.02
    done
}

# wait_count FILE PATTERN N: until at least N lines of FILE match an extended regex.
wait_count() { wait_until count_at_least "$3" "$1" "$2"; }

# wait_for FILE PATTERN: until an extended regex matches a line of FILE.
wait_for() { wait_until grep -Eq -- "$2" "$1" 2>/dev/null; }

# count_at_least N FILE PATTERN: FILE has N or more lines matching the extended regex.
count_at_least() { [ "$(grep -Ec -- "$3" "$2" 2>/dev/null)" -ge "$1" ]; }

# mark FILE, then wait_new FILE PATTERN: waits for a matching line written after the mark, so
# that a line an earlier step left in the log cannot answer for this one.
mark() { MARK=$(wc -l <"$1"); }
new_line() { tail -n +$((MARK + 1)) "$1" | grep -Eq -- "$2"; }
wait_new() { wait_until new_line "$1" "$2"; }

# start_host LOG ARGS...: the host in the background (headless, unbounded; what the game prints
# goes to LOG.stdout), pid in HOST_PID (the `timeout` that runs it: host_pid gives the host
# itself).
start_host() {
    local log=$1
    shift
    : >"$log" # there at once: a failure message may read it before the host writes
    timeout "$LIMIT" "$HOST" --headless "${TEST_BUDGET[@]}" "$@" 2>"$log" >"$log.stdout" &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
}

# host_pid: the pid of the host that HOST_PID (its `timeout`, or a shell that exec'd it) runs.
host_pid() {
    local end=$((SECONDS + DEADLINE)) pid
    until pid=$(pgrep -P "$HOST_PID" | head -1) && [ -n "$pid" ]; do
        ((SECONDS < end)) || return 1
        sleep 0.02
    done
    echo "$pid"
}

# frames LOG [N]: waits until the running host has drawn N (default 1) whole frames, each
# after everything its log said so far: it is asked for a screenshot (SIGUSR1) and its event
# is awaited, N times. Each frame runs that frame's updates; a paced frame lasts at least 1/60 s
# of the host's clock. The host must have been started with --screenshot (or the picture goes
# to livehost.png in its directory).
frames() {
    local pid n i
    pid=$(host_pid) || return 1
    n=$(grep -c '^livehost: screenshot ' "$1")
    for ((i = 1; i <= ${2:-1}; i++)); do
        kill -USR1 "$pid" 2>/dev/null || return 1
        wait_until count_at_least $((n + i)) "$1" '^livehost: screenshot ' || return 1
    done
}

# stop_host [SIGNAL]: signals the host and sets HOST_RC to its exit code.
stop_host() {
    kill "-${1:-TERM}" "$HOST_PID" 2>/dev/null
    wait "$HOST_PID"
    HOST_RC=$?
}

# game_src NAME: a private copy of the game's sources (game/ and include/), printed.
game_src() {
    mkdir -p "$TMP/$1"
    cp -r "$ROOT/game" "$ROOT/include" "$TMP/$1/"
    echo "$TMP/$1"
}

# big_state SRC: gives SRC's game a 16 MiB state block (an arena after its fields, more than any
# copy the host would make before a frame) and has its reload and shutdown lines end with the
# arena's last byte (end=N).
big_state() {
    sed_game "$1" game_state.h 's|^} game_state;$|    unsigned char arena[16 << 20]; /* a big block */\n} game_state;|' &&
        sed_game "$1" game.c 's#^\(    host->log("\(reloaded\|shutdown\) at .*\)", \(.*\));$#\1 end=%d", \3, s->arena[sizeof s->arena - 1]);#'
}

# build_game SRC OUTDIR: builds SRC's game with the Makefile's own rule into OUTDIR/game.so
# (linked under a temporary name, then renamed: a watching host never sees half a file).
build_game() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
        make -s -C "$1" -f "$ROOT/Makefile" B="$2" CC="${CC:-cc}" "$2/game.so" \
        >"$1/build.log" 2>&1
}

# sed_game SRC FILE SCRIPT: edits one game source and checks that the edit changed it.
sed_game() {
    cp "$1/game/$2" "$1/$2.orig" # outside game/: the copy is not a save the host builds for
    sed -i "$3" "$1/game/$2"
    ! cmp -s "$1/game/$2" "$1/$2.orig"
}

# set_sky SRC R G B: edits GAME_BACKGROUND.
set_sky() {
    sed_game "$1" game.h "s/^#define GAME_BACKGROUND GAME_RGBA([^)]*)/#define GAME_BACKGROUND GAME_RGBA($2, $3, $4, 255)/"
}

# count_color PNG RRGGBB: pixels of exactly that colour. pixels PNG: width * height.
count_color() { "$PIXEL" "$1" count "$2"; }
pixels() { "$PIXEL" "$1" size | awk '{ print $1 * $2 }'; }

# mostly PNG RRGGBB: more than half the picture is that colour.
mostly() {
    local n total
    n=$(count_color "$1" "$2") && total=$(pixels "$1") && [ "$n" -gt $((total / 2)) ]
}

# The contract's version, as include/game_api.h says it.
API_VERSION=$(sed -n 's/^#define GAME_API_VERSION \([0-9]*\).*/\1/p' "$ROOT/include/game_api.h")

# shows LOG PNG RRGGBB: a picture taken now (frames) is mostly that colour.
shows() { frames "$1" && mostly "$2" "$3"; }

# event_field LOG EVENT KEY: the value of KEY in the first EVENT line.
event_field() {
    grep -m1 "^livehost: $2 " "$1" | sed -n "s/.* $3=\([^ ]*\).*/\1/p"
}

# log_ticks LOG WORD: tick numbers of the game's "WORD at tick=N" log lines, one a line.
log_ticks() {
    sed -n "s/^livehost: log text=\"$2 at tick=\([0-9]*\).*/\1/p" "$1"
}

# start_game NAME [HOST ARGS...]: builds a fresh copy of the game (or the copy game_src NAME
# made and the case edited) into $TMP/NAME-out and runs the host on it until stop_host; SRC,
# OUT, LOG and PNG name the files of this case.
start_game() {
    local name=$1
    shift
    SRC=$TMP/$name
    [ -d "$SRC/game" ] || SRC=$(game_src "$name")
    OUT=$TMP/$name-out LOG=$TMP/$name.log PNG=$TMP/$name.png
    expect "could not build the game: $(tail -3 "$SRC/build.log" 2>/dev/null)" build_game "$SRC" "$OUT" || return 1
    start_host "$LOG" --frames 0 --game "$OUT/game.so" --screenshot "$PNG" "$@"
    expect "no loaded event: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: loaded version=1 '
}

rebuild() {
    expect "could not rebuild the game: $(tail -3 "$SRC/build.log")" build_game "$SRC" "$OUT"
}

# run_host LOG ARGS...: a headless run of the demo game ($B's build) to its end (--frames N),
# under timeout; HOST_RC is its exit code. Later ARGS override --game and --assets.
run_host() {
    local log=$1
    shift
    timeout "$LIMIT" "$HOST" --headless "${TEST_BUDGET[@]}" --game "$OUT_DIR/game.so" --assets "$ROOT/assets" "$@" 2>"$log"
    HOST_RC=$?
}

# final_tick LOG: the demo game's tick when it was shut down ("shutdown at tick=N").
final_tick() { log_ticks "$1" shutdown | tail -1; }

# patch_bytes FILE OFFSET HEX: overwrites bytes of FILE in place, e.g. patch_bytes f 24 07000000.
patch_bytes() {
    local hex=$3 esc="" i
    for ((i = 0; i < ${#hex}; i += 2)); do esc+="\\x${hex:i:2}"; done
    printf '%b' "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# uint_at FILE OFFSET BYTES: the little-endian unsigned integer of BYTES (4 or 8) bytes at
# OFFSET of FILE, in decimal ("" past its end).
uint_at() { od -An -t "u$3" --endian=little -j "$2" -N "$3" "$1" 2>/dev/null | tr -d ' '; }

# layout_at FILE OFFSET: the layout text a state file or recording (format 3) carries after its
# state and inputs, which end at OFFSET (48 + state_size + inputs * 720): its length, a space,
# its first line ("120 size 232").
layout_at() {
    local len
    len=$(uint_at "$1" "$2" 8)
    echo "${len:-none} $(tail -c +$(($2 + 9)) "$1" | head -1)"
}

# build_cmd SRC OUTDIR: build_game's make line as a --build-cmd for the host (its output goes to
# the host, which shows it in the overlay and the build-failed event).
build_cmd() {
    printf 'make -s -C %q -f %q B=%q CC=%q %q' "$1" "$ROOT/Makefile" "$2" "${CC:-cc}" "$2/game.so"
}

# start_watched NAME [HOST ARGS...]: start_game, but the host itself rebuilds the copy on every
# save under its game/ and include/ (--watch-dir, --build-cmd): no external make after the first.
start_watched() {
    local name=$1
    shift
    start_game "$name" --watch-dir "$TMP/$name/game" --watch-dir "$TMP/$name/include" \
        --build-cmd "$(build_cmd "$TMP/$name" "$TMP/$name-out")" "$@"
}

# start_demo MAIN DIR: the seed demo (examples/main.c, built as MAIN) on DIR/library1.so and
# DIR/library2.so, in the background, printing into DIR/out; its pid in DEMO_PID.
start_demo() {
    "$1" --ticks 100000 --interval-ms 20 "$2/library1.so" "$2/library2.so" >"$2/out" 2>&1 &
    DEMO_PID=$!
    HOST_PIDS+=("$DEMO_PID")
}

# rebuild_library1 SRC DIR: the demo's library1 from SRC, edited to multiply instead of add,
# built and renamed over DIR/library1.so the way a build does.
rebuild_library1() {
    sed 's/return a + b;/return a * b;/; s/adds its arguments/multiplies its arguments/' \
        "$1" >"$2/library1_v2.c" &&
        ${CC:-cc} -fPIC -shared -fvisibility=hidden "$2/library1_v2.c" -o "$2/library1.so.tmp" &&
        mv -f "$2/library1.so.tmp" "$2/library1.so"
}

# tree_copy DIR: a copy of this tree's Makefile, sources, examples, assets and scripts in DIR,
# with $B's build as DIR/build, every file's time kept: make there (B=build) finds it all
# built and compiles nothing, so a case can change the copy's assets/ and run make release or
# make install in it without touching this tree or $B.
tree_copy() {
    mkdir -p "$1/build" &&
        cp -a "$ROOT/Makefile" "$ROOT/host" "$ROOT/game" "$ROOT/include" "$ROOT/examples" \
            "$ROOT/assets" "$ROOT/scripts" "$1/" &&
        (cd "$OUT_DIR" && cp -a obj gen libhr.a hr-preflight host game.so examples release "$1/build/")
}
