#!/usr/bin/env bash
# test_host_inspect.sh - the live state inspector: `FRAME inspect` lists every field of the
# state with the values the game itself logs; `FRAME set` changes an int, a float, a bool, an
# enum, a bitfield, a nested field and an array element, the game behaves accordingly and each
# edit is a state-edit event; a bad field or value is a state-edit-failed event naming why and
# changes nothing; an edit stays through a reload (kept and migrated), is rewound like the
# game's own changes and is in the --save-state file; the panel (the backquote key, or
# --key inspect=KEY) draws on the right half and edits with its keys, which the game does not
# see; a build without debug information (or without state_type) says inspect-unavailable once
# per request, never once per frame.
# The game is tests/games/inspect.c, built here with the flags a game's Makefile uses.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

GAME=$TMP/inspect.so
# The game's colours (tests/games/inspect.c) and the panel's (host/screen/host_inspect_panel.c).
GREEN=1ea03c RED=c81e1e PANEL=000000 NAMES=d0d0d0 VALUES=ffd6a0 REASON=ff6b6b
# Every row of a dump, in order: fields, nested fields, array elements.
ROWS="tick lives speed red mode flags at at.x at.y hits hits[0] hits[1] hits[2] hits[3] distance right_presses"

# build_inspect_game OUT [FLAGS...]: tests/games/inspect.c as a game library (a temporary name
# renamed into place: a running host never sees half a file).
build_inspect_game() {
    local out=$1
    shift
    "${CC:-cc}" -g -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$ROOT/include" \
        "$ROOT/tests/games/inspect.c" -o "$out.tmp" "$@" >"$out.log" 2>&1 && mv -f "$out.tmp" "$out"
}

setup() {
    build_inspect_game "$GAME" || SETUP_WHY="could not build tests/games/inspect.c: $(tail -3 "$GAME.log")"
}

ready() { expect "${SETUP_WHY:-}" [ -z "${SETUP_WHY:-}" ]; }

# script NAME LINES...: a --script file, its path printed.
script() {
    local f=$TMP/$1.script
    shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# dumped LOG FIELD: the value of FIELD in each `inspect` dump of LOG, one a line, unquoted.
dumped() {
    grep -F "livehost: inspect field=$2 type=" "$1" | sed 's/.* value=//; s/^"//; s/"$//'
}

# dump_types LOG: "field:type" of the first dump's rows, separated by spaces.
dump_types() {
    sed -nE 's/^livehost: inspect field=([^ ]+) type=("[^"]*"|[^ ]+) value=.*/\1:\2/p' "$1" |
        head -"$(wc -w <<<"$ROWS")" | tr -d '"' | tr '\n' ' '
}

# game_values LOG TICK: the game's own "values ..." log line for update TICK (build and tick
# left out).
game_values() {
    sed -n "s/^livehost: log text=\"values build=[0-9]* tick=$2 \(.*\)\"\$/\1/p" "$1" | head -1
}

# mode_number NAME: the enumerator's value in tests/games/inspect.c.
mode_number() {
    case $1 in MODE_IDLE) echo 0 ;; MODE_RUN) echo 1 ;; MODE_JUMP) echo 2 ;; *) echo "?$1" ;; esac
}

# The dump shows every field, with the type it is declared with and the value the game logs
# for the same update; the picture's colour is the one `red` says.
dump_lists_every_field() {
    ready || return
    local log=$TMP/dump.log png=$TMP/dump.png f tick want got
    run_host "$log" --game "$GAME" --no-overlay --frames 40 --screenshot "$png" \
        --script "$(script dump '30 inspect')"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
    got=$(grep -F 'livehost: inspect field=' "$log" | sed 's/^livehost: inspect field=\([^ ]*\) .*/\1/' | tr '\n' ' ')
    expect "the dump lists '$got', want '$ROWS '" [ "$got" = "$ROWS " ] || return
    want="tick:uint64_t lives:int speed:float red:bool mode:mode flags:unsigned int at:vec2 at.x:float at.y:float hits:short[4] hits[0]:short hits[1]:short hits[2]:short hits[3]:short distance:double right_presses:int "
    expect "the dump's types are '$(dump_types "$log")', want '$want'" [ "$(dump_types "$log")" = "$want" ] || return
    declare -A v
    for f in $ROWS; do v[$f]=$(dumped "$log" "$f"); done
    tick=${v[tick]}
    expect "the dump was taken before any update (tick=$tick)" [ "${tick:-0}" -gt 0 ] || return
    expect "mode is shown as '${v[mode]}', want its enumerator MODE_RUN" [ "${v[mode]}" = MODE_RUN ]
    expect "hits is summarised as '${v[hits]}'" [ "${v[hits]}" = "[4] {10, 20, 30, 40}" ]
    expect "at is summarised as '${v[at]}'" [ "${v[at]}" = "{2 fields}" ]
    want="lives=${v[lives]} speed=${v[speed]} red=${v[red]} mode=$(mode_number "${v[mode]}") flags=${v[flags]} at=${v[at.x]},${v[at.y]} hits=${v[hits[0]]},${v[hits[1]]},${v[hits[2]]},${v[hits[3]]} distance=${v[distance]} right_presses=${v[right_presses]}"
    expect "the dump at tick $tick says '$want', the game logged '$(game_values "$log" "$tick")'" \
        [ "$(game_values "$log" "$tick")" = "$want" ]
    expect "red=${v[red]} but the picture is not green" mostly "$png" "$GREEN"
}

# Each kind of field set from the script: the game logs the new values from then on, distance
# grows by the new speed, the picture turns red; every edit is one state-edit event.
set_changes_the_game() {
    ready || return
    local log=$TMP/set.log png=$TMP/set.png edits line a b got e
    run_host "$log" --game "$GAME" --no-overlay --frames 60 --screenshot "$png" \
        --script "$(script set '20 set lives 7' '21 set speed 0.5' '22 set red true' \
            '23 set mode MODE_JUMP' '24 set flags 2' '25 set at.y 1.25' '26 set hits[2] -5' \
            '27 set distance 1000' '28 set right_presses 5')"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
    edits=$(grep -c '^livehost: state-edit ' "$log")
    expect "$edits state-edit events, want 9: $(grep state-edit "$log")" [ "$edits" -eq 9 ] || return
    for e in 'lives from=3 to=7' 'speed from=2.5 to=0.5' 'red from=false to=true' \
        'mode from=MODE_RUN to=MODE_JUMP' 'flags from=5 to=2' 'at.y from=-2 to=1.25' \
        'hits[2] from=30 to=-5' 'right_presses from=0 to=5'; do
        expect "no 'state-edit field=$e': $(grep state-edit "$log")" grep -qxF "livehost: state-edit field=$e" "$log"
    done
    expect "no 'state-edit field=distance ... to=1000'" grep -Eq '^livehost: state-edit field=distance from=[0-9.]+ to=1000$' "$log"
    line=$(grep '^livehost: log text="values ' "$log" | tail -1)
    expect "the game's last values are not the edited ones: $line" \
        grep -Eq 'lives=7 speed=0.5 red=true mode=2 flags=2 at=1.5,1.25 hits=10,20,-5,40 distance=[0-9.]+ right_presses=5"$' <<<"$line"
    # distance: +2.5 per update before the speed edit, +0.5 after, from 1000 after its own.
    a=$(sed -n 's/.* distance=\([0-9.]*\) .*/\1/p' <<<"$line")
    b=$(sed -n 's/.* tick=\([0-9]*\) .*/\1/p' <<<"$line")
    got=$(game_values "$log" $((b - 1)) | sed -n 's/.* distance=\([0-9.]*\) .*/\1/p')
    expect "distance went $got -> $a in the last update, want +0.5 (the edited speed)" \
        awk -v a="$a" -v b="$got" 'BEGIN { exit !(a - b == 0.5 && a > 1000) }'
    expect "red=true but the picture is not red" mostly "$png" "$RED"
}

# A field that is not there, a value that does not parse or fit, a field that is no number:
# one state-edit-failed each, naming why; the state is as it was (the game is paused, so two
# dumps around the edits must be the same).
bad_edits_change_nothing() {
    ready || return
    local log=$TMP/bad.log rows first second f reason
    run_host "$log" --game "$GAME" --no-overlay --frames 30 --pause \
        --script "$(script bad '5 inspect' '6 set nosuch 1' '7 set lives abc' \
            '8 set lives 4294967296' '9 set red maybe' '10 set mode MODE_FLY' '11 set flags 8' \
            '12 set at 1' '13 set hits 1' '14 set speed fast' '15 set hits[4] 1' '20 inspect')"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
    for f in 'nosuch:the state has no field nosuch' \
        'lives:\"abc\" is not a value of type int' \
        'lives:4294967296 does not fit in 32 signed bits' \
        'red:\"maybe\" is not a value of type bool' \
        'mode:\"MODE_FLY\" is not a value of type mode: MODE_IDLE=0 MODE_RUN=1 MODE_JUMP=2' \
        'flags:8 does not fit in 3 unsigned bits' \
        'at:at is a vec2: only numbers, bools and enums can be edited' \
        'hits:hits is a short[4]: only numbers, bools and enums can be edited' \
        'speed:\"fast\" is not a value of type float' \
        'hits[4]:the state has no field hits[4]'; do
        reason=${f#*:}
        expect "no state-edit-failed for ${f%%:*} with '$reason': $(grep state-edit "$log")" \
            grep -qF "livehost: state-edit-failed field=${f%%:*} reason=\"$reason\"" "$log"
    done
    expect "a bad edit was made: $(grep '^livehost: state-edit ' "$log")" not grep -q '^livehost: state-edit ' "$log"
    rows=$(grep -c '^livehost: inspect field=' "$log")
    expect "$rows inspect rows, want two dumps of $(wc -w <<<"$ROWS")" [ "$rows" -eq $((2 * $(wc -w <<<"$ROWS"))) ] || return
    first=$(grep '^livehost: inspect field=' "$log" | head -$((rows / 2)))
    second=$(grep '^livehost: inspect field=' "$log" | tail -$((rows / 2)))
    expect "the state changed: $(diff <(echo "$first") <(echo "$second") | grep '^[<>]' | paste -sd' ')" \
        [ "$first" = "$second" ]
}

# An edit is part of the state: a new build of the same layout (state=kept) and one with a field
# inserted before it (state=migrated) both go on with the edited value.
edit_survives_reload() {
    ready || return
    local dir=$TMP/reload log=$TMP/reload.log
    mkdir -p "$dir"
    expect "could not build the game" build_inspect_game "$dir/game.so" -DBUILD=1 || return
    start_host "$log" --frames 0 --no-overlay --game "$dir/game.so" --no-build \
        --script "$(script reload '10 set lives 7' '11 set speed 0.5')"
    expect "no edit: $(tail -2 "$log")" wait_for "$log" '^livehost: state-edit field=speed from=2.5 to=0.5$' || return
    expect "could not build build 2: $(tail -3 "$dir/game.so.log")" build_inspect_game "$dir/game.so" -DBUILD=2 || return
    expect "build 2 did not reload with the state kept: $(grep -E 'reloaded|refused' "$log")" \
        wait_for "$log" '^livehost: reloaded version=2 .*state=kept$' || return
    expect "build 2 did not go on with the edited values: $(grep 'build=2' "$log" | tail -1)" \
        wait_for "$log" '^livehost: log text="values build=2 tick=[0-9]+ lives=7 speed=0.5 ' || return
    expect "could not build build 3: $(tail -3 "$dir/game.so.log")" \
        build_inspect_game "$dir/game.so" -DBUILD=3 -DEXTRA_FIELD || return
    expect "build 3 did not migrate: $(grep -E 'reloaded|refused' "$log" | tail -1)" \
        wait_for "$log" '^livehost: reloaded version=3 .*state=migrated changes="\+ int extra @8; ' || return
    expect "build 3 did not go on with the edited values: $(grep 'build=3' "$log" | tail -1)" \
        wait_for "$log" '^livehost: log text="values build=3 tick=[0-9]+ lives=7 speed=0.5 ' || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
}

# rewind_story LOG: from the game's "values" lines, "EDITED BACK1 BACK2 WRONG": the first tick
# that ran with lives=7, the ticks play went on from after the first two rewinds (the tick
# went down), and how many lines have the wrong lives: until the second rewind, 7 from EDITED
# on and 3 before; after it (back before the edit, which is state, not input) 3.
rewind_story() {
    sed -n 's/^livehost: log text="values build=1 tick=\([0-9]*\) lives=\([-0-9]*\) .*/\1 \2/p' "$1" |
        awk 'NR > 1 && $1 < last && backs < 2 { back[++backs] = $1 }
             { last = $1; if ($2 == 7 && !edited) edited = $1
               want = backs < 2 && edited && $1 >= edited ? 7 : 3; wrong += $2 != want }
             END { print edited + 0, back[1] + 0, back[2] + 0, wrong + 0 }'
}

# Rewind restores the state an update had, edits included: back to an update after the edit,
# the edited value; back past it, the value from before, and play goes on from there with it. The same for a block of more than
# 256 KiB, whose pages the host write-protects and tracks (the edit is a write of the host's).
edit_seen_by_rewind() {
    ready || return
    local game log edited back1 back2 wrong
    expect "could not build the big game" build_inspect_game "$TMP/big.so" -DBIG_STATE || return
    for game in "$GAME" "$TMP/big.so"; do
        log=$TMP/rewind-$(basename "$game" .so).log
        run_host "$log" --game "$game" --no-overlay --frames 160 \
            --script "$(script rewind '30 set lives 7' '60 down F12' '70 up F12' '72 down F12' '130 up F12')"
        expect "$game: exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
        expect "$game: the rewind stopped: $(grep rewind "$log")" \
            [ "$(grep -c '^livehost: rewind state=stopped steps=[1-9]' "$log")" -eq 2 ] || return
        expect "$game: a big block was not tracked: $(grep state-tracking "$log")" \
            not grep -q '^livehost: state-tracking ' "$log"
        read -r edited back1 back2 wrong < <(rewind_story "$log")
        expect "$game: the game never saw the edit" [ "$edited" -gt 0 ] || return
        expect "$game: the first rewind went on from tick $back1, want one after the edit (tick $edited)" \
            [ "$back1" -ge "$edited" ]
        expect "$game: no second rewind" [ "$back2" -gt 0 ] || return
        expect "$game: the second rewind went on from tick $back2, want one before the edit (tick $edited)" \
            [ "$back2" -lt "$edited" ]
        expect "$game: $wrong updates ran with lives other than the state of their tick had (edited at tick $edited)" \
            [ "$wrong" -eq 0 ]
    done
}

# --save-state writes the edited block: lives (byte 8 of the block, after the 48-byte header)
# is 7 in the file, and a run that loads it starts with lives=7.
edit_in_saved_state() {
    ready || return
    local log=$TMP/save.log file=$TMP/edited.state got
    run_host "$log" --game "$GAME" --no-overlay --frames 30 --save-state "$file" \
        --script "$(script save '10 set lives 7')"
    expect "no state-saved: $(tail -2 "$log")" grep -q "^livehost: state-saved path=$file " "$log" || return
    got=$(od -An -t d4 -j $((48 + 8)) -N 4 "$file" | tr -d ' ')
    expect "the file holds lives=$got, want 7" [ "$got" = 7 ]
    log=$TMP/load.log
    run_host "$log" --game "$GAME" --no-overlay --frames 10 --load-state "$file" \
        --script "$(script load '5 inspect')"
    expect "no state-loaded: $(grep state- "$log")" grep -q "^livehost: state-loaded path=$file layout=same\$" "$log"
    expect "the loaded game has lives=$(dumped "$log" lives), want 7" [ "$(dumped "$log" lives)" = 7 ]
}

# right_half "X Y W H" WIDTH HEIGHT: the rectangle fills most of the right half of the picture.
right_half() {
    local x y w h
    read -r x y w h <<<"$1"
    [ "$x" -ge $(($2 / 2)) ] && [ $((x + w)) -le "$2" ] && [ "$w" -ge $(($2 / 3)) ] &&
        [ "$y" -lt $(($3 / 8)) ] && [ "$h" -ge $(($3 * 3 / 4)) ]
}

# The backquote opens the panel on the right half (black, names and values in their colours),
# the game's picture untouched on the left; its keys edit (Down selects, Right/Left step, Space
# flips a bool, Shift makes a step ten) and never reach the game; Escape closes it, and the next
# Right is the game's.
panel_draws_and_edits() {
    ready || return
    local closed=$TMP/closed.png open=$TMP/open.png log=$TMP/panel.log w h box
    run_host "$TMP/closed.log" --game "$GAME" --no-overlay --frames 10 --screenshot "$closed"
    run_host "$log" --game "$GAME" --no-overlay --frames 10 --screenshot "$open" \
        --script "$(script open '5 key `')"
    expect "no 'inspector open=1 rows=10': $(grep inspect "$log")" grep -q '^livehost: inspector open=1 rows=10$' "$log" || return
    read -r w h < <("$PIXEL" "$open" size)
    box=$("$PIXEL" "$open" bbox "$PANEL")
    expect "the closed panel drew: $("$PIXEL" "$closed" count "$PANEL") black pixels" [ "$("$PIXEL" "$closed" count "$PANEL")" -eq 0 ]
    expect "no values drawn in the closed picture" [ "$("$PIXEL" "$closed" count "$VALUES")" -eq 0 ]
    expect "the panel is at '$box', want the right half of ${w}x$h" right_half "$box" "$w" "$h"
    expect "no field names drawn" [ "$("$PIXEL" "$open" count "$NAMES")" -gt 0 ]
    expect "no values drawn" [ "$("$PIXEL" "$open" count "$VALUES")" -gt 0 ]
    expect "the game's left half changed under the panel" [ "$("$PIXEL" "$open" at $((w / 4)) $((h / 2)))" = "$GREEN" ]
    expect "the right half is the game's while closed" [ "$("$PIXEL" "$closed" at $((w * 3 / 4)) $((h / 2)))" = "$GREEN" ]
    log=$TMP/panel-keys.log
    run_host "$log" --game "$GAME" --no-overlay --frames 30 --screenshot "$TMP/keys.png" \
        --script "$(script keys '5 key `' '6 key Down' '7 key Right' '9 key Right' '11 key Left' \
            '12 down Left_Shift' '13 key Right' '14 up Left_Shift' '15 key Down' '16 key Down' \
            '17 key Space' '19 key Escape' '21 key Right' '25 inspect')"
    local edits
    edits=$(sed -n 's/^livehost: state-edit \(.*\)/\1/p' "$log" | paste -sd';')
    expect "the panel's edits were '$edits'" \
        [ "$edits" = "field=lives from=3 to=4;field=lives from=4 to=5;field=lives from=5 to=4;field=lives from=4 to=14;field=red from=false to=true" ]
    expect "Escape did not close the panel: $(grep inspector "$log")" grep -q '^livehost: inspector open=0$' "$log"
    expect "the game saw $(dumped "$log" right_presses) Right presses, want only the one after the panel closed" [ "$(dumped "$log" right_presses)" = 1 ]
    expect "the game's picture is not red after Space flipped red" mostly "$TMP/keys.png" "$RED"
    log=$TMP/panel-moved.log
    run_host "$log" --game "$GAME" --no-overlay --frames 10 --key inspect=Tab \
        --script "$(script moved '5 key Tab' '7 key `')"
    expect "--key inspect=Tab: $(grep -E 'inspector|error' "$log")" \
        [ "$(grep '^livehost: inspector ' "$log" | cut -d' ' -f3)" = open=1 ]
}

# Without debug information: the host's layout-unchecked once, and one inspect-unavailable per
# request (the panel opening, a dump), however long the panel stays open; the panel shows the
# reason; a set fails with it. A game without state_type says that instead.
unavailable_without_debug_info() {
    ready || return
    local dir=$TMP/nodebug log=$TMP/nodebug.log png=$TMP/nodebug.png seq reason
    mkdir -p "$dir"
    expect "could not build without -g" build_inspect_game "$dir/game.so" -g0 || return
    run_host "$log" --game "$dir/game.so" --no-overlay --frames 40 --screenshot "$png" \
        --script "$(script nodebug '5 key `' '30 inspect' '31 set lives 7')"
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
    seq=$(sed -n 's/^livehost: \(layout-unchecked\|inspector\|inspect-unavailable\|inspect\|state-edit-failed\|state-edit\) .*/\1/p' "$log" | paste -sd' ')
    expect "the events were '$seq'" \
        [ "$seq" = "layout-unchecked inspector inspect-unavailable inspect-unavailable state-edit-failed" ]
    reason="the build has no debug information (built without -g, or by a compiler that writes none): the fields of \\\"inspect_state\\\" cannot be read"
    expect "inspect-unavailable does not say '$reason': $(grep -m1 inspect-unavailable "$log")" \
        grep -qF "livehost: inspect-unavailable reason=\"$reason\"" "$log"
    expect "state-edit-failed does not say why: $(grep state-edit "$log")" \
        grep -qF "livehost: state-edit-failed field=lives reason=\"$reason\"" "$log"
    expect "the panel does not show the reason" [ "$("$PIXEL" "$png" count "$REASON")" -gt 0 ]
    expect "the game's lives changed: $(grep 'values' "$log" | tail -1)" grep -q '^livehost: log text="values build=1 tick=40 lives=3 ' "$log"
    expect "could not build without state_type" build_inspect_game "$dir/notype.so" -DNO_STATE_TYPE || return
    log=$TMP/notype.log
    run_host "$log" --game "$dir/notype.so" --no-overlay --frames 10 --script "$(script notype '5 inspect')"
    expect "no inspect-unavailable naming state_type: $(grep inspect "$log")" \
        grep -q '^livehost: inspect-unavailable reason="the game names no state_type in its game_api: no field names to show"$' "$log"
}

setup
for c in ${CASES:-dump_lists_every_field set_changes_the_game bad_edits_change_nothing \
    edit_survives_reload edit_seen_by_rewind edit_in_saved_state panel_draws_and_edits \
    unavailable_without_debug_info}; do
    run_case "$c"
done
