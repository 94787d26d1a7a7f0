#!/usr/bin/env bash
# bench/charts.sh - draws the benchmark charts from a run's rows (bench/run.sh calls it at the
# end of make bench; docs/PERFORMANCE.md shows the committed copies, docs/perf-*.svg).
#
#   perf-frame-state.svg     rows 5f: CPU per frame against the size of the state block, next
#                            to the same host running the empty game
#   perf-save-to-pixels.svg  rows 3m, 3mt, 3n, 3nt: save to pixels against the build command
#                            alone, and what the host adds on top of the build, phase by phase
#
# A chart whose rows are not in the run (BENCH_ONLY) is left out. Needs gnuplot (Debian's
# gnuplot-nox, installed by scripts/deps.sh bench); without it, says so and draws nothing.
# BEFORE=ROWS (the rows of an earlier run) draws the save-to-pixels chart as before and after.
# Usage: [BEFORE=ROWS] bench/charts.sh ROWS OUTDIR [TITLE_SUFFIX]
set -u
rows=${1:?usage: bench/charts.sh ROWS OUTDIR [TITLE_SUFFIX]}
out=${2:?usage: bench/charts.sh ROWS OUTDIR [TITLE_SUFFIX]}
suffix=${3:-}
if ! command -v gnuplot >/dev/null; then
    echo "bench: no charts: gnuplot is not installed (scripts/deps.sh bench installs gnuplot-nox)" >&2
    exit 0
fi
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every chart: SVG (text: it diffs, and any browser shows it), one font, white background.
svg='set terminal svg size 860,440 dynamic enhanced font "Helvetica,13" background rgb "white"'

# --- frame cost against state size ----------------------------------------------------------------
# label, the game's median and p99, the floor's median: microseconds.
awk -F'\t' '$1 == "row" && $2 ~ /^5f-/ && $5 > 0 {
    label = $2; sub(/^5f-/, "", label); sub(/a$/, "", label)
    printf "\"%s\"\t%.3f\t%.3f\t%.3f\n", label, $6 / 1e3, $7 / 1e3, $10 / 1e3
}' "$rows" >"$tmp/frame.dat"
if [ -s "$tmp/frame.dat" ]; then
    gnuplot <<EOF
$svg
set output "$out/perf-frame-state.svg"
set title "CPU per frame against the size of the game's state block$suffix"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb "#404040"
set boxwidth 0.9
set ylabel "CPU per frame, median (us)"
set xlabel "state block of the game (rewind on; a headless host, user + system of every thread)"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set key outside bottom center horizontal
set grid ytics lc rgb "#dddddd"
plot "$tmp/frame.dat" using 2:xtic(1) title "the game with that state" lc rgb "#3b7dd8", \
     "" using 4 title "floor: the same host, empty game (64-byte state)" lc rgb "#b8b8b8", \
     "" using (\$0 - 1.0 / 6):2:(sprintf("%.2f", \$2)) with labels offset 0, 0.8 notitle, \
     "" using (\$0 + 1.0 / 6):4:(sprintf("%.2f", \$4)) with labels offset 0, 0.8 notitle
EOF
fi

# --- save to pixels ---------------------------------------------------------------------------------
# pixels ROWS: one line per configuration: id, label, save to pixels, the build command alone,
# then the host's phases (notice, wait, detect, pre-flight, load, frame), medians in ms.
pixels() {
    awk -F'\t' '
    $1 != "row" || $2 !~ /^3[mn]/ || $5 == 0 { next }
    $2 ~ /^3[mn]t?$/ {
        n++; id[n] = $2
        compiler = $3; sub(/.*[ =]/, "", compiler) # the figure ends with the compiler
        name[$2] = ($2 ~ /^3m/ ? "demo, " : "new, ") compiler
        total[$2] = $6 / 1e6; floor[$2] = $10 / 1e6
        next
    }
    { split($2, part, "-"); v[part[1], part[2]] = $6 / 1e6 }
    END {
        for (i = 1; i <= n; i++) {
            k = id[i]
            printf "%s\t%s\t%.2f\t%.2f", k, name[k], total[k], floor[k]
            split("notice wait detect preflight load frame", ph, " ")
            for (p = 1; p <= 6; p++) printf "\t%.2f", v[k, ph[p]]
            printf "\n"
        }
    }' "$1"
}
pixels "$rows" >"$tmp/after.raw"
if [ -n "${BEFORE:-}" ]; then
    # BEFORE=ROWS (an earlier run): each configuration of both runs, side by side.
    pixels "$BEFORE" >"$tmp/before.raw"
    awk -F'\t' 'NR == FNR { b[$1] = $3 "\t" $4; next }
        $1 in b { printf "\"%s\"\t%s\t%s\t%s\n", $2, b[$1], $3, $4 }' \
        "$tmp/before.raw" "$tmp/after.raw" >"$tmp/totals.dat"
    awk -F'\t' 'NR == FNR { b[$1] = $0; next }
        $1 in b {
            split(b[$1], f, "\t")
            printf "\"%s\\nbefore\"", $2; for (i = 5; i <= 10; i++) printf "\t%s", f[i]; printf "\n"
            printf "\"%s\\nafter\"", $2; for (i = 5; i <= 10; i++) printf "\t%s", $i; printf "\n"
        }' "$tmp/before.raw" "$tmp/after.raw" >"$tmp/phases.dat"
    top="plot '$tmp/totals.dat' using 2:xtic(1) title 'before: save to pixels' lc rgb '#a9c4ee', \
        '' using 3 title 'before: floor' lc rgb '#e6e6e6', \
        '' using 4 title 'after: save to pixels' lc rgb '#3b7dd8', \
        '' using 5 title 'after: floor' lc rgb '#a8a8a8', \
        '' using (\$0 - 0.3):2:(sprintf('%.0f', \$2)) with labels offset 0, 0.8 font ',10' notitle, \
        '' using (\$0 + 0.1):4:(sprintf('%.0f', \$4)) with labels offset 0, 0.8 font ',10' notitle"
else
    awk -F'\t' '{ printf "\"%s\"\t%s\t%s\n", $2, $3, $4 }' "$tmp/after.raw" >"$tmp/totals.dat"
    awk -F'\t' '{ printf "\"%s\"", $2; for (i = 5; i <= 10; i++) printf "\t%s", $i; printf "\n" }' \
        "$tmp/after.raw" >"$tmp/phases.dat"
    top="plot '$tmp/totals.dat' using 2:xtic(1) title 'save to pixels (paced host, 60 fps)' lc rgb '#3b7dd8', \
        '' using 3 title 'floor: the same build command alone' lc rgb '#b8b8b8', \
        '' using (\$0 - 1.0 / 6):2:(sprintf('%.0f', \$2)) with labels offset 0, 0.8 notitle, \
        '' using (\$0 + 1.0 / 6):3:(sprintf('%.0f', \$3)) with labels offset 0, 0.8 notitle"
fi
if [ -s "$tmp/totals.dat" ]; then
    gnuplot <<EOF
$svg
set terminal svg size 860,800
set output "$out/perf-save-to-pixels.svg"
set multiplot layout 2, 1 title "Save to pixels through the host's own build$suffix"
set style data histograms
set style fill solid 0.85 border rgb "#404040"
set grid ytics lc rgb "#dddddd"
set xtics noenhanced
set yrange [0:*]
set offsets 0, 0, graph 0.15, 0
set key top right

set title "save -> first frame of the new code, next to the build command alone (median)"
set style histogram clustered gap 1
set ylabel "ms"
set xlabel "demo: make run on this tree's game, game.h saved; new: a livehost new project, game.c saved" noenhanced
$top

set title "what the host adds to the build, phase by phase (median of each)"
set style histogram rowstacked
set boxwidth 0.5
set ylabel "ms"
unset xlabel
set bmargin 4
set key inside top left vertical maxrows 4 width -4
set offsets 0, 0, graph 0.35, 0
set yrange [0:*]
plot "$tmp/phases.dat" using 2:xtic(1) title "save noticed" lc rgb "#f2c14e", \
     "" using 3 title "wait before the build" lc rgb "#e4572e", \
     "" using 4 title "library landed -> looked at" lc rgb "#76b041", \
     "" using 5 title "pre-flight process" lc rgb "#2e86ab", \
     "" using 6 title "copy, check, load, reload hook" lc rgb "#a846a0", \
     "" using 7 title "load -> first frame" lc rgb "#7a7a7a", \
     1000.0 / 60 + 5 with lines dt 2 lw 1.5 lc rgb "#c03030" title "goal: 1 frame + 5 ms"
unset multiplot
EOF
fi
exit 0
