#!/usr/bin/env bash
# test_doc_pages.sh - the README and the pages under docs/ hold together: every relative link
# and image leads to a file that exists, every #anchor to a heading of that file, every docs page
# is linked from the README, every table row has its header's number of cells, every code fence
# is closed, and every make target the Makefile announces is documented. Reads files only: no
# build needed. A page moved or a heading renamed without its links fails here, not on a reader.
set -u
cd "$(dirname "$0")/.." || exit 1
pages=(README.md docs/*.md)

# outside_code FILE: the file's lines with fenced blocks blanked and code spans removed, so a
# link, a heading or a pipe written as code is not read as one. Line numbers are kept.
outside_code() {
    awk '/^```/ { fence = !fence; print ""; next }
         fence { print ""; next }
         { gsub(/`` [^ ]* ``/, ""); gsub(/`[^`]*`/, ""); print }' "$1"
}

# links FILE: "LINE TARGET" for each link and image of FILE, web addresses left out.
links() {
    outside_code "$1" | awk '{
        s = $0
        while (match(s, /\]\([^) ]+\)/)) {
            t = substr(s, RSTART + 2, RLENGTH - 3)
            s = substr(s, RSTART + RLENGTH)
            if (t !~ /^(https?|mailto):/) print NR, t
        }
    }'
}

# anchors FILE: the anchor of every heading of FILE, as GitHub makes them: lower case, spaces
# to hyphens, punctuation dropped, a repeated heading numbered -1, -2...
anchors() {
    awk '/^```/ { fence = !fence; next }
         !fence && /^#+ / {
             h = tolower($0); sub(/^#+ +/, "", h)
             gsub(/[^a-z0-9 _-]/, "", h); gsub(/ /, "-", h)
             n = seen[h]++
             print (n ? h "-" n : h)
         }' "$1"
}

# target_of PAGE LINK: the file a relative link of PAGE leads to (the anchor cut off).
target_of() {
    local dir file=${2%%#*}
    dir=$(dirname "$1")
    if [ -z "$file" ]; then echo "$1"; else echo "$dir/$file"; fi
}

check_links_resolve() {
    local page line link bad=""
    for page in "${pages[@]}"; do
        while read -r line link; do
            [ -e "$(target_of "$page" "$link")" ] || bad+=" $page:$line:$link"
        done < <(links "$page")
    done
    if [ -z "$bad" ]; then echo "PASS links_resolve"; else echo "FAIL links_resolve: no such file:$bad"; fi
}

check_anchors_resolve() {
    local page line link file bad=""
    for page in "${pages[@]}"; do
        while read -r line link; do
            case "$link" in *'#'*) ;; *) continue ;; esac
            file=$(target_of "$page" "$link")
            [ -f "$file" ] || continue # links_resolve names it
            anchors "$file" | grep -qxF -- "${link#*#}" || bad+=" $page:$line:$link"
        done < <(links "$page")
    done
    if [ -z "$bad" ]; then echo "PASS anchors_resolve"; else echo "FAIL anchors_resolve: no such heading:$bad"; fi
}

check_docs_linked_from_readme() {
    local page bad=""
    for page in docs/*.md; do
        links README.md | awk '{ sub(/#.*/, "", $2); print $2 }' | grep -qxF "$page" ||
            bad+=" $page"
    done
    if [ -z "$bad" ]; then
        echo "PASS docs_linked_from_readme"
    else
        echo "FAIL docs_linked_from_readme: README.md does not link to:$bad"
    fi
}

# A table row's cells are counted outside code spans, with escaped pipes (\|) taken out first.
check_tables_well_formed() {
    local page bad=""
    for page in "${pages[@]}"; do
        bad+=$(sed 's/\\|//g' "$page" | outside_code /dev/stdin | awk -v page="$page" '
            function cells(s) { s = $0; sub(/^\|/, "", s); sub(/\|[ \t]*$/, "", s); return gsub(/\|/, "|", s) + 1 }
            /^\|/ {
                if (!want) { want = cells(); head = NR; next }
                if (NR == head + 1 && $0 !~ /^\|[-:| ]+\|[ \t]*$/) printf " %s:%d:no separator row", page, NR
                if (cells() != want) printf " %s:%d:%d cells, header has %d", page, NR, cells(), want
                next
            }
            { want = 0 }')
    done
    if [ -z "$bad" ]; then echo "PASS tables_well_formed"; else echo "FAIL tables_well_formed:$bad"; fi
}

check_fences_closed() {
    local page bad=""
    for page in "${pages[@]}"; do
        [ $(($(grep -c '^```' "$page") % 2)) -eq 0 ] || bad+=" $page"
    done
    if [ -z "$bad" ]; then echo "PASS fences_closed"; else echo "FAIL fences_closed: a code fence left open in:$bad"; fi
}

# The targets the Makefile's opening comment announces ("#   make run ...").
check_make_targets_documented() {
    local target bad=""
    while read -r target; do
        [ -n "$target" ] || continue
        cat "${pages[@]}" | grep -qE -- "make ${target}([^a-z-]|$)" || bad+=" $target"
    done < <(sed -n 's/^#  *make \([a-z-]*\).*/\1/p' Makefile | sort -u)
    if [ -z "$bad" ]; then
        echo "PASS make_targets_documented"
    else
        echo "FAIL make_targets_documented: not in README.md or docs/*.md:$bad"
    fi
}

check_links_resolve
check_anchors_resolve
check_docs_linked_from_readme
check_tables_well_formed
check_fences_closed
check_make_targets_documented
exit 0
