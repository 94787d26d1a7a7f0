#!/usr/bin/env bash
# tests/run.sh - runs every suite of the test suite and prints one summary line.
# A suite is a C test binary ($B/tests/test_*) or a shell script (tests/test_*.sh). Each prints
# one line per case, "PASS <name>" or "FAIL <name>: <why>"; a suite that exits non-zero without
# printing a FAIL line counts as one failure. The last line is "N passed, N failed".
# Suites run TEST_JOBS at a time (default 2): most of a suite's time is spent waiting for a
# host's frames or a build, and every wait has a deadline, never a fixed time. Each suite's
# lines are printed together when it ends, headed "== <suite> (N s)". Suites that run make on
# the tree's own build directory (install, release) take turns through a lock.
# TEST_SKIP names words (space-separated): suites whose name holds one are left out (make asan
# leaves out the Windows suites, which test the mingw-w64 build, not the sanitized one).
# Usage: B=build [TEST_JOBS=N] [TEST_SKIP=words] tests/run.sh [suite-name-filter]
set -u
cd "$(dirname "$0")/.." || exit 1
export B="${B:-build}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
filter="${1:-}"
jobs="${TEST_JOBS:-2}"
passed=0
failed=0
log_dir="$B/tests/logs"
mkdir -p "$log_dir"

suites=()
for t in "$B"/tests/test_* tests/test_*.sh; do
    if ! [ -f "$t" ] || ! [ -x "$t" ]; then continue; fi
    case "$t" in *.d) continue ;; esac
    [ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
    for word in ${TEST_SKIP:-}; do [[ "$(basename "$t")" == *"$word"* ]] && continue 2; done
    suites+=("$t")
done

# run_suite SUITE: runs it into its log and writes its exit code and duration beside it.
run_suite() {
    local t=$1 name log t0 rc
    name=$(basename "$t")
    log="$log_dir/$name.log"
    t0=$SECONDS
    case "$name" in
        test_install.sh | test_release.sh)
            flock "$log_dir/.make.lock" timeout 1800 "$t" >"$log" 2>&1
            ;;
        *) timeout 1800 "$t" >"$log" 2>&1 ;;
    esac
    rc=$?
    echo "$rc $((SECONDS - t0))" >"$log.rc"
}

# report SUITE: prints its lines and adds them to the totals.
report() {
    local name log rc secs p f
    name=$(basename "$1")
    log="$log_dir/$name.log"
    read -r rc secs <"$log.rc"
    echo "== $name ($secs s)"
    grep -E '^(PASS|FAIL) ' "$log"
    p=$(grep -c '^PASS ' "$log")
    f=$(grep -c '^FAIL ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: exited with code $rc (log: $log)"
        tail -n 20 "$log" | sed 's/^/    /'
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

declare -A running=() # pid -> suite
for t in "${suites[@]}"; do
    rm -f "$log_dir/$(basename "$t").log.rc"
    while [ "${#running[@]}" -ge "$jobs" ]; do
        wait -n
        for pid in "${!running[@]}"; do
            if ! kill -0 "$pid" 2>/dev/null; then
                report "${running[$pid]}"
                unset "running[$pid]"
            fi
        done
    done
    run_suite "$t" &
    running[$!]=$t
done
wait
for pid in "${!running[@]}"; do report "${running[$pid]}"; done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
