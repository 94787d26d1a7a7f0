#!/usr/bin/env bash
# test_reference.sh - the host's reference cannot drift from the host: every option of the
# table in host/host_args.c and every event of the list in host/host_event.h is printed by
# --help, and documented in README.md or docs/*.md (a flags table row "| `--flag ...` |", an
# Events section's row "| `event key=...` |"); every flag and event documented there exists.
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/livehost-reference.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
docs=(README.md docs/*.md)

# check NAME FILE-OF-PROBLEMS: PASS when the file is empty, else FAIL with its lines.
check() {
    if [ -s "$2" ]; then
        echo "FAIL $1: $(tr '\n' ' ' <"$2")"
    else
        echo "PASS $1"
    fi
}

# The first cell of a table row ("| `--a X`, `--b` | text |" -> "`--a X`, `--b`"), an escaped
# \| kept inside it.
first_cells() {
    sed -e 's/\\|/\x01/g' -e 's/^| *\([^|]*\)|.*/\1/' -e 's/\x01/\\|/g'
}

if ! "$B/host" --help >"$tmp/help" 2>"$tmp/err"; then
    echo "FAIL help_runs: $(head -3 "$tmp/err" | tr '\n' ' ')"
    exit 1
fi

# Options: --help's rows (before the keys), and the flags named in the docs' tables.
sed -n '/^Keys (/q; s/^  \(--[a-z][a-z-]*\).*/\1/p' "$tmp/help" | sort -u >"$tmp/options"
grep -h '^| `--' "${docs[@]}" | first_cells | grep -o '`--[a-z][a-z-]*' | tr -d '`' |
    sort -u >"$tmp/documented-options"
[ "$(wc -l <"$tmp/options")" -ge 20 ] || echo "only $(wc -l <"$tmp/options") options" >"$tmp/few"
check help_lists_options "$tmp/few"
comm -23 "$tmp/options" "$tmp/documented-options" | sed 's/^/undocumented /' >"$tmp/p1"
check every_option_documented "$tmp/p1"
comm -13 "$tmp/options" "$tmp/documented-options" | sed 's/^/no such option /' >"$tmp/p2"
check every_documented_option_exists "$tmp/p2"

# Events: the list in host_event.h, --help's rows after "Events are printed", and the first
# cells of the rows of every Events section of the docs.
sed -n 's/^ *X([A-Z_]*, "\([a-z-]*\)",.*/\1/p' host/host_event.h | sort -u >"$tmp/events"
sed -n '/^Events are printed/,$ s/^  \([a-z][a-z-]*\) .*/\1/p' "$tmp/help" | sort -u \
    >"$tmp/help-events"
awk '/^#+ / { inside = ($0 ~ /^#+ Events/) } inside && /^\| `[a-z]/' "${docs[@]}" | first_cells |
    grep -o '`[a-z][a-z-]*' | tr -d '`' | sort -u >"$tmp/documented-events"
[ "$(wc -l <"$tmp/events")" -ge 40 ] || echo "only $(wc -l <"$tmp/events") events" >"$tmp/few2"
check event_list_read "$tmp/few2"
diff "$tmp/events" "$tmp/help-events" | sed -n 's/^[<>] //p' | sed 's/^/help differs: /' >"$tmp/p3"
check help_lists_every_event "$tmp/p3"
comm -23 "$tmp/events" "$tmp/documented-events" | sed 's/^/undocumented /' >"$tmp/p4"
check every_event_documented "$tmp/p4"
comm -13 "$tmp/events" "$tmp/documented-events" | sed 's/^/no such event /' >"$tmp/p5"
check every_documented_event_exists "$tmp/p5"
exit 0
