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

# A library2 build without its greeting is refused when it loads, with a line saying which
# function is missing, and the old greeting goes on; it is not loaded to fail at its first call.
examples_missing_function_reported() {
    local dir=$TMP/nogreet n
    mkdir -p "$dir"
    cp "$OUT_DIR/examples/library1.so" "$OUT_DIR/examples/library2.so" "$dir/"
    start_demo "$OUT_DIR/examples/main" "$dir"
    expect "no greeting: $(head -3 "$dir/out" 2>/dev/null)" wait_for "$dir/out" 'library2 says hello to main'
    sed 's/library2_greet/library2_wave/g' examples/library2.c >"$dir/library2_v2.c"
    expect "could not build a library2 without its greeting" \
        "${CC:-cc}" -fPIC -shared -fvisibility=hidden "$dir/library2_v2.c" -o "$dir/library2.so.tmp"
    mv -f "$dir/library2.so.tmp" "$dir/library2.so"
    expect "the missing function was not reported at load: $(grep library2: "$dir/out")" \
        wait_for "$dir/out" "^library2: load failed, keeping the old code: .*'library2_greet'" 5
    n=$(grep -c 'library2 says hello' "$dir/out")
    expect "the old greeting stopped" wait_count "$dir/out" 'library2 says hello' $((n + 1)) 5
}

for c in ${CASES:-examples_first_result examples_reloaded_result examples_same_process \
    examples_bad_build_keeps_code examples_missing_function_reported}; do
    run_case "$c"
done
