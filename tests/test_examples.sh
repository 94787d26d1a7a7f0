#!/usr/bin/env bash
# test_examples.sh - the seed demo reloads a library while it runs.
# Runs build/examples/main on private copies of its libraries, rebuilds library1 from an edited
# copy of its source, and checks that the same process prints the new result; then a broken
# build, which must leave the last good code running.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

DIR=$TMP/demo

examples_first_result() {
    mkdir -p "$DIR"
    cp "$OUT_DIR/examples/library1.so" "$OUT_DIR/examples/library2.so" "$DIR/"
    start_demo "$OUT_DIR/examples/main" "$DIR"
    expect "no 'compute(6, 7) = 13' line: $(head -3 "$DIR/out" 2>/dev/null)" \
        wait_for "$DIR/out" 'compute\(6, 7\) = 13'
    expect "library2 was not called by name" grep -q 'library2 says hello to main' "$DIR/out"
}

examples_reloaded_result() {
    expect "could not rebuild library1" rebuild_library1 examples/library1.c "$DIR"
    expect "no new result after the rebuild: $(tail -3 "$DIR/out")" \
        wait_for "$DIR/out" 'multiplies its arguments: compute\(6, 7\) = 42'
}

examples_same_process() {
    expect "no 'reloaded (version 2)' line" grep -q 'library1: reloaded (version 2)' "$DIR/out"
    expect "the program exited" kill -0 "$DEMO_PID"
}

examples_bad_build_keeps_code() {
    echo 'not C at all' >"$DIR/broken.so"
    mv -f "$DIR/broken.so" "$DIR/library1.so"
    expect "no load-failed line: $(tail -3 "$DIR/out")" \
        wait_for "$DIR/out" 'library1: load failed, keeping the old code: not a loadable library'
    local n
    n=$(grep -c 'compute(6, 7) = 42' "$DIR/out")
    expect "the old code stopped running" wait_until count_at_least $((n + 1)) "$DIR/out" 'compute\(6, 7\) = 42'

}

for c in ${CASES:-examples_first_result examples_reloaded_result examples_same_process \
    examples_bad_build_keeps_code}; do
    run_case "$c"
done
