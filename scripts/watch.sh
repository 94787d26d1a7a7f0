#!/usr/bin/env bash
# scripts/watch.sh - rebuilds the game library on every save under game/ and include/.
# Used by `make watch`. Each build links to a temporary name and renames it into place (see the
# Makefile), so a running host never sees a half-written library. Prints every build's result
# and duration; a failed build prints the compiler's messages and the host keeps the old code.
# Environment: B (build directory, default build), MAKE (default make), WATCH_DIRS.
set -u
cd "$(dirname "$0")/.."
B="${B:-build}"
MAKE="${MAKE:-make}"
dirs=(${WATCH_DIRS:-game include})

build() {
    local t0 t1 out rc
    t0=$(date +%s%N)
    # flock: a host that runs its own builds (make run) may build at the same moment.
    mkdir -p "$B"
    out=$(flock "$B/.game-build.lock" "$MAKE" --no-print-directory -s B="$B" "$B/game.so" 2>&1)
    rc=$?
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    if [ $rc -eq 0 ]; then
        echo "watch: build ok in ${ms} ms -> $B/game.so"
    else
        echo "watch: build FAILED in ${ms} ms (the running game keeps its old code):"
        echo "$out" | sed 's/^/    /'
    fi
}

echo "watch: watching ${dirs[*]} (Ctrl-C to stop)"
build
while true; do
    # Wait for one change, then let a burst of saves settle (editors write several files).
    inotifywait -qq -r -e close_write,moved_to,create,delete "${dirs[@]}" || exit 1
    while inotifywait -qq -r -t 0.05 -e close_write,moved_to,create,delete "${dirs[@]}"; do :; done
    build
done
