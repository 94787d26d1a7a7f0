#!/usr/bin/env bash
# test_examples.sh - the seed demo reloads a library while it runs.
# Runs build/examples/main on private copies of its libraries, rebuilds library1 from an edited
# copy of its source, and checks that the same process prints the new result.
set -u
B="${B:-build}"
CC="${CC:-cc}"
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
cp "$B/examples/library1.so" "$B/examples/library2.so" "$tmp/"

"$B/examples/main" --ticks 300 --interval-ms 20 "$tmp/library1.so" "$tmp/library2.so" >"$tmp/out" 2>&1 &
pid=$!

wait_for() { # pattern, seconds
    for _ in $(seq 1 $(($2 * 20))); do
        grep -q "$1" "$tmp/out" && return 0
        sleep 0.05
    done
    return 1
}

if wait_for 'compute(6, 7) = 13' 5 && grep -q 'library2 says hello to main' "$tmp/out"; then
    echo "PASS examples_first_result"
else
    echo "FAIL examples_first_result: no 'compute(6, 7) = 13' line: $(head -3 "$tmp/out")"
fi

sed 's/return a + b;/return a * b;/; s/adds its arguments/multiplies its arguments/' \
    examples/library1.c >"$tmp/library1.c"
flags="-fPIC -shared -fvisibility=hidden"
if $CC $flags "$tmp/library1.c" -o "$tmp/library1.so.tmp" && mv -f "$tmp/library1.so.tmp" "$tmp/library1.so"; then
    if wait_for 'multiplies its arguments: compute(6, 7) = 42' 5; then
        echo "PASS examples_reloaded_result"
    else
        echo "FAIL examples_reloaded_result: no new result after rebuild: $(tail -3 "$tmp/out")"
    fi
    if grep -q 'library1: reloaded (version 2)' "$tmp/out" && kill -0 $pid 2>/dev/null; then
        echo "PASS examples_same_process"
    else
        echo "FAIL examples_same_process: no reload line, or the program exited"
    fi
else
    echo "FAIL examples_reloaded_result: could not rebuild library1"
fi

# A broken rebuild keeps the last good code.
echo 'not C at all' >"$tmp/broken.so"
mv -f "$tmp/broken.so" "$tmp/library1.so"
if wait_for 'library1: load failed, keeping the old code: not a loadable library' 5; then
    n=$(grep -c 'compute(6, 7) = 42' "$tmp/out"); sleep 0.2
    if [ "$(grep -c 'compute(6, 7) = 42' "$tmp/out")" -gt "$n" ]; then
        echo "PASS examples_bad_build_keeps_code"
    else
        echo "FAIL examples_bad_build_keeps_code: old code stopped running"
    fi
else
    echo "FAIL examples_bad_build_keeps_code: no load-failed line: $(tail -3 "$tmp/out")"
fi
