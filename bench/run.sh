#!/usr/bin/env bash
# bench/run.sh - runs every livehost benchmark and prints one table (used by `make bench`).
#
# Each bench_* program prints "row" lines (format in bench/bench.h); this script generates the
# scaling libraries, runs the programs in order, collects their rows and prints them as one
# aligned table, with the machine it ran on. It writes the same table as Markdown to
# $BB/results.md (for docs/PERFORMANCE.md) and the programs' stderr to $BB/bench.log.
# It never fails a build on a figure: targets only label rows "met" or "MISSED". The charts
# (bench/charts.sh) are drawn from the same rows, into $BB/perf-*.svg.
#
# Environment (set by the Makefile): B, BB, CC, GAME_CC, BENCH_QUICK (1: few runs, a smoke test),
# BENCH_ONLY (ids: only the steps whose id starts with one of them, e.g. "3m 5f"),
# GAME_WARN_FLAGS, GAME_OPT_FLAGS, GAME_PIC_FLAGS, GAME_LINK_FLAGS (the game library's flags).
set -u
cd "$(dirname "$0")/.." || exit 1
B="${B:-build}"
BB="${BB:-$B/bench}"
CC="${CC:-cc}"
if [ "${1:-}" = --table ]; then # reprint the last run's table (and charts): bench/run.sh --table
    table_only=1
else
    table_only=
    : "${GAME_WARN_FLAGS:?is not set: run this through make bench}"
fi
GAME_CC="${GAME_CC:-$CC}"
export CC GAME_CC GAME_WARN_FLAGS GAME_OPT_FLAGS GAME_PIC_FLAGS GAME_LINK_FLAGS
quick="${BENCH_QUICK:-}"
only="${BENCH_ONLY:-}"
rows="$BB/rows.tsv"
log="$BB/bench.log"
work="$BB/work"
gen="$BB/gen"
start=$(date +%s)

# print_table ROWS ELAPSED: the rows as one aligned table on stdout and as Markdown in
# $BB/results.md. Times are in ns: shown with a unit that keeps three significant digits.
print_table() {
    local rows=$1 elapsed=$2
    cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
    machine="$(nproc) cores, $cpu; $(uname -sr); $(. /etc/os-release && echo "$PRETTY_NAME")"
    machine="$machine; $($CC --version | head -1); tmpfs copies in ${XDG_RUNTIME_DIR:-/dev/shm}"

    awk -F'\t' -v machine="$machine" -v elapsed="$elapsed" -v md="$BB/results.md" '
    function num(x) {
        a = x < 0 ? -x : x
        return a >= 100 ? sprintf("%.0f", x) : a >= 10 ? sprintf("%.1f", x) : sprintf("%.2f", x)
    }
    function t(v, unit) {
        if (v == "-" || v == "") return "-"
        if (unit != "ns") return sprintf("%g %s", v, unit)
        a = v < 0 ? -v : v
        if (a >= 1e9) return num(v / 1e9) " s"
        if (a >= 1e6) return num(v / 1e6) " ms"
        if (a >= 1e3) return num(v / 1e3) " us"
        return num(v) " ns"
    }
    $1 == "row" {
        n++
        id[n] = $2; what[n] = $3; runs[n] = $5
        if ($5 == 0) { med[n] = p99[n] = mn[n] = "-" }
        else { med[n] = t($6, $4); p99[n] = t($7, $4); mn[n] = t($8, $4) }
        fl[n] = $9; fmed[n] = t($10, $4); fp99[n] = t($11, $4); fmn[n] = t($12, $4)
        ratio[n] = ($10 != "-" && $10 + 0 > 0 && $5 > 0) ? sprintf("%.2fx", $6 / $10) : "-"
        tgt[n] = $13; ver[n] = $14; note[n] = $15
    }
    END {
        h[1] = "#"; h[2] = "figure"; h[3] = "runs"; h[4] = "median"; h[5] = "p99"; h[6] = "min"
        h[7] = "floor"; h[8] = "f.median"; h[9] = "f.p99"; h[10] = "f.min"; h[11] = "ratio"
        h[12] = "target"; h[13] = "verdict"; h[14] = "note"
        for (c = 1; c <= 13; c++) w[c] = length(h[c])
        for (i = 1; i <= n; i++) {
            cell[i, 1] = id[i]; cell[i, 2] = what[i]; cell[i, 3] = runs[i]; cell[i, 4] = med[i]
            cell[i, 5] = p99[i]; cell[i, 6] = mn[i]; cell[i, 7] = fl[i]; cell[i, 8] = fmed[i]
            cell[i, 9] = fp99[i]; cell[i, 10] = fmn[i]; cell[i, 11] = ratio[i]
            cell[i, 12] = tgt[i]; cell[i, 13] = ver[i]; cell[i, 14] = note[i]
            for (c = 1; c <= 13; c++) if (length(cell[i, c]) > w[c]) w[c] = length(cell[i, c])
        }
        print "livehost benchmarks - " machine
        line = ""
        for (c = 1; c <= 14; c++) line = line sprintf(c < 14 ? "%-" w[c] "s  " : "%s", h[c])
        print line
        for (i = 1; i <= n; i++) {
            line = ""
            for (c = 1; c <= 14; c++) {
                if (c == 14) fmt = "%s"
                else if (c >= 3 && c <= 6 || c >= 8 && c <= 11) fmt = "%" w[c] "s  "
                else fmt = "%-" w[c] "s  "
                line = line sprintf(fmt, cell[i, c])
            }
            print line
        }
        printf "%d rows in %d s. Median, p99 and min over the runs; ", n, elapsed
        print "the floor ran in the same run, alternating; ratio = median / floor median."
        printf "Machine: %s\n\n", machine > md
        printf "| # | figure | runs | median | p99 | min | floor | f.median | f.p99 | f.min " > md
        printf "| ratio | target | verdict | note |\n" > md
        printf "|---|---|--:|--:|--:|--:|---|--:|--:|--:|--:|---|---|---|\n" > md
        for (i = 1; i <= n; i++) {
            line = "|"
            for (c = 1; c <= 14; c++) { v = cell[i, c]; gsub(/\|/, "/", v); line = line " " v " |" }
            print line > md
        }
    }' "$rows"
}

if [ -n "$table_only" ]; then
    print_table "$rows" 0
    bench/charts.sh "$rows" "$BB"
    exit
fi
rm -rf "$work" "$gen"
mkdir -p "$work" "$gen"
: >"$rows"
: >"$log"

# n FULL QUICK: the run count for this mode.
n() { if [ -n "$quick" ]; then echo "$2"; else echo "$1"; fi; }

# A row that says why a figure is missing.
missing() {
    printf 'row\t%s\t%s\t-\t0\t0\t0\t0\t-\t-\t-\t-\t-\t-\tskipped: %s\n' "$1" "$2" "$3" >>"$rows"
}

# wants ID: the step ID is to run (BENCH_ONLY is empty or names a prefix of it).
wants() {
    local w
    [ -z "$only" ] && return 0
    for w in $only; do
        case $1 in "$w"*) return 0 ;; esac
    done
    return 1
}

# step ID WHAT COMMAND...: runs one bench program, its rows to the table, the rest to the log.
step() {
    local id=$1 what=$2
    shift 2
    wants "$id" || return 0
    echo "bench: $id $what" >&2
    echo "== $id $what: $*" >>"$log"
    if ! "$@" >>"$rows" 2>>"$log"; then
        missing "$id" "$what" "failed (see $log)"
    fi
}

# The host, its pre-flight program and the game are copied first, so that a rebuild while the
# benchmarks run cannot swap them midway (the host finds hr-preflight beside itself).
bin="$BB/bin"
rm -rf "$bin"
mkdir -p "$bin"
have_host=0
host="$bin/host"
if [ -x "$B/host" ]; then
    cp "$B/host" "$host" && have_host=1
    [ -x "$B/hr-preflight" ] && cp "$B/hr-preflight" "$bin/hr-preflight"
fi
lib="$bin/game.so"
label="build/game.so"
if [ -f "$B/game.so" ]; then
    cp "$B/game.so" "$lib"
else
    lib="$BB/empty_game.so"
    label="bench/empty_game.so (no build/game.so yet)"
fi
preflight=()
[ -x "$bin/hr-preflight" ] && preflight=(--preflight "$bin/hr-preflight")

# --- 1. reload stall and change-to-first-call -----------------------------------------------------
step 1 "reload stall" "$BB/bench_reload" "${preflight[@]}" 1 "$label" "$lib" livehost_game \
    "$(n 300 30)" "$work/reload"

[ -f "$B/game.so" ] && step 1l "state layout" "$BB/bench_layout" 1l "$(n 300 30)" "$lib" game_state

# --- 2. detection ---------------------------------------------------------------------------------
step 2 "detection" "$BB/bench_detect" 2 "$(n 200 20)" "$work/detect" "$BB"

# --- 3. edit to pixels, compilers -----------------------------------------------------------------
if [ $have_host = 1 ] && [ -d game ]; then
    step 3 "edit to pixels" "$BB/bench_edit" 3 "$(n 30 3)" "$host" game assets "$work/edit"
    step 3 "compilers" "$BB/bench_edit" --compilers 3 "$(n 15 2)" "$host" game assets \
        "$work/compilers"
else
    missing 3 "edit to pixels" "needs $B/host and game/"
fi

# --- 3m, 3n. save to pixels through the host's own build ------------------------------------------
# pixels ID FIGURE KIND [VAR=VALUE...]: a host running a project as the user would (KIND demo:
# a copy of this tree's game, the Makefile and the command `make run` gives the host; KIND new:
# a `livehost new` project and the host's default command), one file saved again and again.
pixels() {
    local id=$1 figure=$2 kind=$3 dir="$work/pixels-$1" d file exe
    shift 3
    wants "$id" || return 0
    mkdir -p "$dir"
    exe="$(cd "$(dirname "$host")" && pwd)/host" # the host runs in the project's directory
    for d in host floor; do
        if [ "$kind" = demo ]; then
            mkdir -p "$dir/$d/build"
            cp -r game include assets Makefile "$dir/$d/"
        else
            "$B/host" new "$dir/$d" >>"$log" 2>&1 # finds include/ beside the tree's host
        fi
    done
    if [ "$kind" = demo ]; then
        file=game/game.h
        local cmd
        cmd=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory -C "$dir/host" \
            B=build host-build-cmd)
        step "$id" "$figure" "$BB/bench_pixels" "$id" "$figure" "$(n 20 3)" "$dir/host" \
            "$dir/floor" "$file" "$@" -- "$exe" --game build/game.so --build-cmd "$cmd"
    else
        file=game/game.c
        step "$id" "$figure" "$BB/bench_pixels" "$id" "$figure" "$(n 20 3)" "$dir/host" \
            "$dir/floor" "$file" "$@" -- "$exe"
    fi
}
if [ $have_host = 1 ] && [ -d game ]; then
    pixels 3m "save to pixels, make run: the demo, game.h edited, $CC" demo "GAME_CC=$CC"
    pixels 3mt "save to pixels, make run: the demo, game.h edited, GAME_CC=tcc" demo GAME_CC=tcc
    pixels 3n "save to pixels, new project: game.c edited, $CC" new "CC=$CC"
    pixels 3nt "save to pixels, new project: game.c edited, CC=tcc" new CC=tcc
else
    missing 3m "save to pixels" "needs $B/host and game/"
fi

# --- 4. idle overhead -----------------------------------------------------------------------------
step 4 "idle check" "$BB/bench_idle" 4 "$(n 300 30)" "$lib" "$work/idle"

# --- 5. scaling -----------------------------------------------------------------------------------
# gen_functions COUNT: C source of COUNT functions, each calling the next, so that with default
# visibility every call is a PLT call the loader binds at dlopen (RTLD_NOW), and with
# -fvisibility=hidden none is. bench_entry is exported either way.
gen_functions() {
    awk -v n="$1" 'BEGIN {
        print "/* generated by bench/run.sh: " n " functions calling each other */"
        print "#define EXPORT __attribute__((visibility(\"default\")))"
        for (i = 0; i < n; i++) printf "int bench_f%d(int x);\n", i
        print "EXPORT int bench_entry(int x);"
        for (i = 0; i < n; i++) {
            if (i + 1 < n)
                printf "int bench_f%d(int x) { return x > 0 ? bench_f%d(x - 1) + %d : %d; }\n",
                    i, i + 1, i, i
            else printf "int bench_f%d(int x) { return x + %d; }\n", i, i
        }
        print "int bench_entry(int x) { return bench_f0(x & 7); }"
    }'
}
# gen_blob MIB: a library with MIB MiB of machine code (one hidden function of nops).
gen_blob() {
    cat <<EOF
/* generated by bench/run.sh: $1 MiB of code */
#define EXPORT __attribute__((visibility("default")))
__asm__(".text\n.hidden bench_blob\n.type bench_blob, @function\nbench_blob:\n"
        ".fill $(($1 * 1048576)), 1, 0x90\nret\n");
int bench_blob(int x);
EXPORT int bench_entry(int x);
int bench_entry(int x) { return x > 1000 ? bench_blob(x) : x + 1; }
EOF
}
# build_gen NAME EXTRA_FLAGS: compiles $gen/NAME.c with the game's flags into $gen/NAME.so.
build_gen() {
    # shellcheck disable=SC2086 # the flag strings are word lists
    $CC $GAME_WARN_FLAGS $GAME_OPT_FLAGS $GAME_PIC_FLAGS $2 $GAME_LINK_FLAGS "$gen/$1.c" \
        -o "$gen/$1.so" >>"$log" 2>&1
}
for count in 1 1000 10000; do
    wants 5- || break
    gen_functions $count >"$gen/fn$count.c"
    if build_gen "fn$count" "-fvisibility=default" &&
        cp "$gen/fn$count.c" "$gen/fn${count}h.c" && build_gen "fn${count}h" ""; then
        step 5 "scaling" "$BB/bench_reload" --brief "5-$count" "$count exported functions" \
            "$gen/fn$count.so" bench_entry "$(n 200 20)" "$work/scale"
        [ $count -gt 1 ] && step 5 "scaling" "$BB/bench_reload" --brief "5-${count}h" \
            "$count functions, 1 exported" "$gen/fn${count}h.so" bench_entry "$(n 200 20)" \
            "$work/scale"
    else
        missing "5-$count" "scaling: $count functions" "the generated library did not build"
    fi
done
gen_blob 10 >"$gen/blob10.c"
if ! wants 5-10mb; then
    :
elif build_gen blob10 ""; then
    step 5 "scaling" "$BB/bench_reload" --brief 5-10mb "10 MiB of code" "$gen/blob10.so" \
        bench_entry "$(n 50 5)" "$work/scale"
else
    missing 5-10mb "scaling: 10 MiB of code" "the generated library did not build"
fi
# gen_dwarf COUNT: a library whose debug information describes COUNT structs and functions (about
# 10 MiB for 24000), then the state type bench_state: reading its layout walks every unit.
gen_dwarf() {
    awk -v n="$1" 'BEGIN {
        print "#include <stdint.h>"
        for (i = 0; i < n; i++) {
            printf "struct t%d {", i
            for (j = 0; j < 8; j++) printf " int f%d; float g%d;", j, j
            printf " struct t%d *next; };\nint use%d(struct t%d *p);\n", i, i, i
            printf "int use%d(struct t%d *p) { return p->f0 + (int)p->g1; }\n", i, i
        }
        print "typedef struct bench_state { uint64_t tick; int score; float speed; struct t0 items[16]; } bench_state;"
        print "int bench_use(bench_state *s);\nint bench_use(bench_state *s) { return s->score; }"
    }'
}
gen_dwarf 24000 >"$gen/dwarf10.c"
if ! wants 1l-10mb; then
    :
elif build_gen dwarf10 "-g -fvisibility=default"; then
    step 1l-10mb "state layout" "$BB/bench_layout" 1l-10mb "$(n 30 5)" "$gen/dwarf10.so" bench_state
else
    missing 1l-10mb "state layout: a 10 MiB library" "the generated library did not build"
fi
if [ $have_host = 1 ]; then
    for size in 1024:1KiB 1048576:1MiB 67108864:64MiB; do
        bytes=${size%%:*}
        name=${size##*:}
        wants "5-$name" || wants "5f-$name" || continue
        for v in 1 2; do
            cp bench/empty_game.c "$gen/state_${name}_v$v.c"
            build_gen "state_${name}_v$v" "-DBENCH_STATE_SIZE=$bytes -DBENCH_STATE_VERSION=$v"
        done
        runs=$(n 30 3)
        [ "$name" = 64MiB ] && runs=$(n 10 2)
        # A frame costs the same for any block (big ones are tracked page by page, not copied),
        # but a big block's start-up varies by tens of ms: enough frames to drown that.
        frames=$(n 20000 2000)
        step "5-$name" "state block" "$BB/bench_state" "5-$name" "$name" "$bytes" "$runs" \
            "$host" assets "$work/state" "$gen/state_${name}_v1.so" "$gen/state_${name}_v2.so"
        # What the crash guard and the rewind recorder cost per frame for this block.
        step "5f-$name" "state block frame" "$BB/bench_frame" "5f-$name" "state $name" \
            "$(n 5 2)" "$frames" "$host" "$gen/state_${name}_v1.so" assets \
            "$BB/empty_game.so"
    done
else
    missing 5-state "state blocks" "needs $B/host"
fi

# --- 6. soak --------------------------------------------------------------------------------------
step 6 "soak" "$BB/bench_soak" 6 "$(n 10000 500)" "$lib" livehost_game "$work/soak"

# --- 7. call overhead -----------------------------------------------------------------------------
step 7 "calls" "$BB/bench_calls" 7 "$(n 300 30)" "$BB/lib_calls_1.so"

# --- 8. frame cost --------------------------------------------------------------------------------
if [ $have_host = 1 ]; then
    # 100,000 frames: a run's start-up varies by milliseconds and its exit waits up to 10 ms for
    # the watchdog thread; spread over fewer frames, either drowns the host's own fraction of a
    # microsecond.
    step 8 "frame" "$BB/bench_frame" 8 "empty game" "$(n 9 2)" "$(n 100000 5000)" "$host" \
        "$BB/empty_game.so" assets sdl
    [ -f "$B/game.so" ] && step 8d "frame" "$BB/bench_frame" 8d "demo game" "$(n 5 2)" \
        "$(n 3000 300)" "$host" "$lib" assets "$BB/empty_game.so"
    [ -z "$quick" ] && step 8w "frame" "$BB/bench_frame" 8w "empty game" 3 60 "$host" \
        "$BB/empty_game.so" assets window
else
    missing 8 "frame cost" "needs $B/host"
fi

# --- 9. sound -------------------------------------------------------------------------------------
step 9 "mixer" "$BB/bench_audio" 9 "$(n 30 3)" "$work/audio"

# --- the table and the charts ------------------------------------------------------------------------
print_table "$rows" $(($(date +%s) - start))
bench/charts.sh "$rows" "$BB"
echo "(rows: $rows; Markdown: $BB/results.md; charts: $BB/perf-*.svg; log: $log)"
