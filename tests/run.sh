#!/usr/bin/env bash
# tests/run.sh - runs every suite of the test suite and prints one summary line.
# A suite is a C test binary ($B/tests/test_*) or a shell script (tests/test_*.sh). Each prints
# one line per case, "PASS <name>" or "FAIL <name>: <why>"; a suite that exits non-zero without
# printing a FAIL line counts as one failure. The last line is "N passed, N failed".
# Usage: B=build tests/run.sh [suite-name-filter]
set -u
cd "$(dirname "$0")/.." || exit 1
export B="${B:-build}"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}"
filter="${1:-}"
passed=0
failed=0
log_dir="$B/tests/logs"
mkdir -p "$log_dir"

suites=()
for t in "$B"/tests/test_* tests/test_*.sh; do
    if ! [ -f "$t" ] || ! [ -x "$t" ]; then continue; fi
    case "$t" in *.d) continue ;; esac
    [ -n "$filter" ] && [[ "$t" != *"$filter"* ]] && continue
    suites+=("$t")
done

for t in "${suites[@]}"; do
    name=$(basename "$t")
    log="$log_dir/$name.log"
    echo "== $name"
    timeout 1800 "$t" >"$log" 2>&1
    rc=$?
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
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
