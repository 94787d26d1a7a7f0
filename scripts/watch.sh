#!/usr/bin/env bash
# scripts/watch.sh - rebuilds the game library on every save under game/ and include/.
# Used by `make watch`. Each build links to a temporary name and renames it into place (see the
# Makefile), so a running host never sees a half-written library, and takes a lock shared with
# the host's own builds (make run), so the two never build at once. Prints every build's result
# and duration; a failed build prints the compiler's messages and the host keeps the old code.
# Saves arriving during a build are queued by the one inotifywait that runs throughout, so they
# get a build of their own right after it, with LIVEHOST_REBUILD=1 (the Makefile then compiles
# the game again: the build before may have written objects from the old text after the save).
# Editor droppings (hidden, swap and backup files, vim's 4913) start no build, as in the host.
# Environment: B (build directory, default build), SRC (the project, default this tree),
# MAKE (default make), WATCH_DIRS (default "game include", relative to SRC).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "${SRC:-$root}" || exit 1
B="${B:-build}"
MAKE="${MAKE:-make}"
jobs=$(nproc 2>/dev/null || echo 2) # the game's files compile side by side, as in make run
read -r -a dirs <<<"${WATCH_DIRS:-game include}"

# is_source PATH: not an editor's dropping.
is_source() {
    case "${1##*/}" in
    .* | \#* | *~ | 4913 | *.swp | *.swx) return 1 ;;
    esac
}

# build [REBUILD]: one build; REBUILD non-empty compiles the whole game again.
build() {
    local t0 t1 out rc
    t0=$(date +%s%N)
    mkdir -p "$B"
    out=$(LIVEHOST_REBUILD=${1:-} flock "$B/.game-build.lock" "$MAKE" --no-print-directory -s \
        -j"$jobs" -Otarget -f "$root/Makefile" B="$B" "$B/game.so" 2>&1)
    rc=$?
    t1=$(date +%s%N)
    local ms=$(((t1 - t0) / 1000000))
    if [ $rc -eq 0 ]; then
        echo "watch: build ok in ${ms} ms -> $B/game.so"
    else
        echo "watch: build FAILED in ${ms} ms (the running game keeps its old code):"
        echo "    ${out//$'\n'/$'\n'    }" # every line indented
    fi
}

echo "watch: watching ${dirs[*]} (Ctrl-C to stop)"
build
rebuild=
# inotifywait says on stderr when its watches are in place: from then on no save is missed.
inotifywait -m -r -e close_write,moved_to,create,delete --format '%w%f' "${dirs[@]}" \
    2> >(sed -u 's/^Watches established\.$/watch: ready, waiting for saves/; /^Setting up watches/d' >&2) |
    while read -r file; do
        wanted=
        is_source "$file" && wanted=$file
        # Editors write several files per save: let the burst settle for 50 ms.
        while read -r -t 0.05 file; do [ -z "$wanted" ] && is_source "$file" && wanted=$file; done
        [ -n "$wanted" ] || continue
        echo "watch: $wanted saved"
        build "$rebuild"
        # Anything already queued was saved while make ran.
        rebuild=
        read -r -t 0 && rebuild=1
    done
