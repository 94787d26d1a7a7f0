#!/usr/bin/env bash
# test_host_build.sh - "one command is enough": the host watches the game's sources and runs the
# build itself after a save (--watch-dir, --build-cmd), debounced, one build at a time, never
# waiting on the compiler; a failed build names its first error. Every case works on a private
# copy of the game, and after the first build nothing but the host runs make.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

# The acceptance test: save a source, and the running game shows the change.
edit_rebuilds_and_reloads() {
    start_watched edit || return
    expect "no build-watch event: $(grep build- "$LOG")" grep -q "^livehost: build-watch dirs=\"$SRC/game $SRC/include\" cmd=" "$LOG"
    expect "no build at start: $(grep build- "$LOG")" grep -q '^livehost: build-start file=(start)$' "$LOG"
    expect "a build ran before any save" [ "$(grep -c '^livehost: build-start' "$LOG")" -eq 1 ]
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    expect "no build-start event for game.h (sed -i renames a temp file over it): $(grep build-start "$LOG")" wait_for "$LOG" "^livehost: build-start file=$SRC/game/game.h wait=[0-9.]*\$"
    expect "no build-ok event: $(grep build- "$LOG")" wait_for "$LOG" '^livehost: build-ok ms=[0-9]+$'
    expect "no reload after the build: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 .*state=kept$'
    expect "no frame after the reload" frames "$LOG"
    # The save-to-pixels timeline, put together from the events: the save, the build, the
    # library landing, the load.
    expect "no library-landed event: $(grep -e build- -e library "$LOG")" grep -q '^livehost: library-landed path=' "$LOG"
    expect "no timeline from the save: $(grep timeline "$LOG")" wait_for "$LOG" '^livehost: timeline version=2 from=save ms=[0-9.]+ wait=[0-9.]+ build=[0-9.]+ detect=[0-9.]+ '
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the new sky (c8285a) is not on screen" mostly "$PNG" c8285a
    expect "more than one build for one save" [ "$(grep -c '^livehost: build-start' "$LOG")" -eq 2 ]
}

# Saves in a burst are one build; a save during a build gets exactly one more build after it.
# The burst is five saves of game.h one right after the other, as an editor's "save all" or a
# checkout makes them: written by the shell itself, no process started between them (saves a
# process apart are a burst only as long as the host's short wait after a complete file).
burst_and_save_during_build() {
    start_watched burst || return
    local i texts=()
    for i in 1 2 3 4 5; do
        texts+=("$(sed "s/^#define GAME_BACKGROUND GAME_RGBA([^)]*)/#define GAME_BACKGROUND GAME_RGBA(200, 40, $((80 + i)), 255)/" "$SRC/game/game.h")")
    done
    for i in 0 1 2 3 4; do
        printf '%s\n' "${texts[$i]}" >"$SRC/game/game.h"
    done
    expect "no build-start event" wait_until count_at_least 2 "$LOG" '^livehost: build-start '
    # The last save lands while that build runs: it must be built too, after it.
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 40 200 90
    expect "the save during the build was not built: $(grep build- "$LOG" | tr '\n' ' ')" \
        wait_until count_at_least 3 "$LOG" '^livehost: build-ok'
    # The last build's library may be loaded as version 2 or 3 (the first one's may have been
    # replaced before the host saw it): its sky on screen tells.
    expect "the last save (28c85a) never showed: $(grep -E 'build-|reloaded' "$LOG" | tr '\n' ' ')" \
        wait_until shows "$LOG" "$PNG" 28c85a
    # A third build would start within the host's wait after a save: 6 paced frames are longer.
    expect "no frames after the last build" frames "$LOG" 6
    stop_host TERM
    expect "the burst was built $(grep -c '^livehost: build-start' "$LOG") times, want 2 (and 1 at start)" [ "$(grep -c '^livehost: build-start' "$LOG")" -eq 3 ]
    expect "the last save (28c85a) is not on screen" mostly "$PNG" 28c85a
}

# The save lands while the compiler runs: the object it writes afterwards is newer than the
# save but holds the old text. The build after it must still rebuild that object. The compiler
# is a wrapper that, once cc is done, says so ($TMP/compiled) and waits for the test's save
# ($TMP/saved) before it touches its output: the save lands in that window every time.
save_while_compiling() {
    local slow=$TMP/slowcc
    cat >"$slow" <<EOF
#!/bin/sh
${CC:-cc} "\$@" || exit 1
[ -e "$TMP/armed" ] || exit 0 # the build at start compiles as usual
touch "$TMP/compiled"
i=0
while [ ! -e "$TMP/saved" ] && [ \$i -lt $((DEADLINE * 10)) ]; do sleep 0.1; i=\$((i + 1)); done
for a; do [ "\$p" = -o ] && touch "\$a"; p=\$a; done
exit 0
EOF
    chmod +x "$slow"
    SRC=$(game_src slow)
    OUT=$TMP/slow-out LOG=$TMP/slow.log PNG=$TMP/slow.png
    expect "could not build the game" build_game "$SRC" "$OUT" || return
    start_host "$LOG" --frames 0 --game "$OUT/game.so" --screenshot "$PNG" \
        --watch-dir "$SRC/game" --watch-dir "$SRC/include" \
        --build-cmd "$(build_cmd "$SRC" "$OUT") GAME_CC=$slow"
    expect "no loaded event" wait_for "$LOG" '^livehost: loaded version=1 ' || return
    touch "$TMP/armed"
    set_sky "$SRC" 200 40 90
    expect "no build-start event" wait_until count_at_least 2 "$LOG" '^livehost: build-start '
    expect "the compiler did not finish" wait_until [ -e "$TMP/compiled" ]
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 40 200 90
    touch "$TMP/saved"
    expect "the save made while compiling did not load: $(grep -E 'build-|reloaded' "$LOG" | tr '\n' ' ')" \
        wait_for "$LOG" '^livehost: reloaded version=3 '
    stop_host TERM
    expect "the last save (28c85a) is not on screen" mostly "$PNG" 28c85a
}

# A compile error: build-failed names file:line, the old code keeps running; the fix reloads.
compile_error_then_fix() {
    start_watched broken || return
    cp "$SRC/game/game.c" "$SRC/game.c.good"
    local line
    line=$(grep -n '^    s->tick++;$' "$SRC/game/game.c" | cut -d: -f1)
    expect "could not break game.c" sed_game "$SRC" game.c 's/^    s->tick++;$/    s->tick++ oops;/'
    expect "no build-failed event: $(grep build- "$LOG")" wait_for "$LOG" '^livehost: build-failed '
    local failed
    failed=$(grep -m1 '^livehost: build-failed ' "$LOG")
    expect "build-failed does not name game/game.c:$line: $failed" grep -Eq "^livehost: build-failed ms=[0-9]+ errors=[1-9][0-9]* first=\"game/game.c:$line: expected " <<<"$failed"
    expect "no frame after the failed build" frames "$LOG"
    expect "the host died" kill -0 "$HOST_PID"
    expect "a failed build was loaded" not grep -q '^livehost: reloaded' "$LOG"
    cp "$SRC/game.c.good" "$SRC/game/game.c"
    expect "no build-ok after the fix" wait_for "$LOG" '^livehost: build-ok '
    expect "the fixed build did not load" wait_for "$LOG" '^livehost: reloaded version=2 '
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
}

# A command that fails without compiler output still says why.
failing_command_is_reported() {
    start_game failcmd --watch-dir "$TMP/failcmd/game" --build-cmd 'echo "no compiler here" >&2; exit 3' || return
    expect "could not edit GAME_BACKGROUND" set_sky "$SRC" 200 40 90
    expect "no build-failed event at start: $(grep build- "$LOG")" grep -Eq '^livehost: build-failed ms=[0-9]+ errors=0 first="no compiler here"$' "$LOG"
    expect "no build-failed event after the save: $(grep build- "$LOG")" wait_until count_at_least 2 "$LOG" '^livehost: build-failed ms=[0-9]+ errors=0 first="no compiler here"$'
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
}

# --no-build: the host only reloads what someone else builds; editor droppings never build.
# A build would start within the host's wait after the save (at most 50 ms): 6 paced frames
# are longer.
# The droppings come before a real save: had they counted, the one build would name one of
# them (a burst is named after its first file), or they would have had a build of their own.
no_build_and_ignored_files() {
    start_game nobuild --no-build --watch-dir "$TMP/nobuild/game" || return
    expect "build-watch without builds" not grep -q '^livehost: build-watch' "$LOG"
    expect "no build-off event for --no-build" grep -q '^livehost: build-off reason="--no-build' "$LOG"
    set_sky "$SRC" 200 40 90
    expect "no frames after the save" frames "$LOG" 6
    expect "--no-build still built" not grep -q '^livehost: build-start' "$LOG"
    stop_host TERM
    start_watched ignored || return
    touch "$SRC/game/.game.c.swp" "$SRC/game/game.c~" "$SRC/game/4913" "$SRC/game/#game.c#"
    set_sky "$SRC" 200 40 90
    expect "no build after the real save" wait_until count_at_least 2 "$LOG" '^livehost: build-ok '
    expect "no frames after the build" frames "$LOG" 6
    stop_host TERM
    expect "an editor's swap or backup file started a build: $(grep build-start "$LOG")" \
        [ "$(grep -c '^livehost: build-start file=/' "$LOG")" -eq 1 ]
    expect "the build was not for the real save: $(grep build-start "$LOG")" \
        grep -q "^livehost: build-start file=$SRC/game/game.h wait=[0-9.]*\$" "$LOG"
}

# Idle, a frame makes no system call beyond one read() per inotify descriptor (the core's, the
# assets', the build's) when it looks: 300 more frames cost at most 900 more reads and no stat,
# open or waitpid.
# host_file_calls LOG: stat, open and wait calls the host made, leaving out the start-up
# pre-flight child: its own calls and the host's polls of it, whose count follows the load.
host_file_calls() {
    local kids
    kids=$(grep -o 'si_pid=[0-9]*' "$1" | cut -d= -f2 | paste -sd'|')
    grep -Ev "^(${kids:-none}) |wait4\((${kids:-none})[,<]| resumed>" "$1" | grep -Ec 'stat|openat|wait4'
}

# The build at start (here `true`) and the first load come before the loaded event: only the
# calls after it are the frames'.
idle_frames_read_at_most_once_per_watch() {
    command -v strace >/dev/null || {
        why="strace is not installed (scripts/deps.sh test installs it)"
        return
    }
    local n calls=() kinds="read,write,stat,newfstatat,statx,openat,wait4"
    for n in 100 400; do
        timeout "$LIMIT" strace -f -qq -e trace=$kinds -o "$TMP/strace-all-$n.log" \
            "$HOST" --headless --frames $n --game "$OUT_DIR/game.so" --watch-dir game \
            --build-cmd true 2>/dev/null
        sed -n '/write(2, "livehost: loaded /,$p' "$TMP/strace-all-$n.log" >"$TMP/strace-$n.log"
        calls+=("$(grep -c 'read(.*EAGAIN' "$TMP/strace-$n.log") $(host_file_calls "$TMP/strace-$n.log")")
    done
    local reads0 other0 reads1 other1
    read -r reads0 other0 <<<"${calls[0]}"
    read -r reads1 other1 <<<"${calls[1]}"
    # Each watch is read at most once per frame (once per millisecond in a run this fast:
    # host_look.c), and how many frames fall in a millisecond depends on the machine.
    expect "300 frames made $((reads1 - reads0)) idle reads, want at most 900 (3 watches)" \
        [ $((reads1 - reads0)) -le 900 ]
    # A sanitizer's runtime makes a few calls of its own now and then.
    local slack=3
    [ -n "${SANFLAGS:-}" ] && slack=10
    expect "300 frames made $((other1 - other0)) stat/open/waitpid calls, want 0" [ $((other1 - other0)) -le $slack ]
}

# A game warning is a warning, not an error (the Makefile builds game/ without -Werror): the
# build loads and names the warning.
warning_builds_and_loads() {
    start_watched warn || return
    expect "could not add an unused variable" sed_game "$SRC" game.c 's/^    s->tick++;$/    int unused_thing = 0;\n    s->tick++;/'
    expect "no build-ok event with the warning: $(grep build- "$LOG")" wait_for "$LOG" "^livehost: build-ok ms=[0-9]+ warnings=1 first=\"game/game.c:[0-9]+:[0-9]+: warning: unused variable" 20
    expect "the build with a warning did not load: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: reloaded version=2 '
    stop_host TERM
    expect "a warning failed the build" not grep -q '^livehost: build-failed' "$LOG"
}

# new_project NAME: a `livehost new` project in $TMP/NAME (a name no other case uses), its
# physical path printed; nothing printed if it could not be made.
new_project() {
    [ ! -e "$TMP/$1" ] && "$HOST" new "$TMP/$1" >/dev/null 2>&1 && (cd "$TMP/$1" && pwd -P)
}

# Sources changed while the host was down (a new colour, a field more in the state): the host
# builds before it runs anything, so the stale library never runs and the new layout is no
# reason to refuse.
stale_library_rebuilt_at_start() {
    local dir log=$TMP/stale.log png=$TMP/stale.png
    dir=$(new_project stale)
    expect "could not make a new project" [ -n "$dir" ] || return
    expect "could not build the new project" env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$dir" || return
    sed -i 's/^#define BACKGROUND GAME_RGBA(30, 30, 46, 255)$/#define BACKGROUND GAME_RGBA(200, 40, 90, 255)/' "$dir/game/game.c"
    sed -i 's/^    unsigned long long ticks;$/&\n    int lives;/' "$dir/game/game_state.h"
    expect "the edits did not apply" grep -q 'int lives;' "$dir/game/game_state.h"
    (cd "$dir" && timeout "$LIMIT" "$HOST" --headless --frames 5 --screenshot "$png" 2>"$log")
    local rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "no build at start: $(grep build- "$log")" grep -q '^livehost: build-start file=(start)$' "$log"
    expect "the build at start failed: $(grep build- "$log")" grep -q '^livehost: build-ok ' "$log"
    expect "the fresh build was not the first load: $(grep -E 'loaded|refused' "$log")" grep -q '^livehost: loaded version=1 .*state_size=32 ' "$log"
    expect "a build was refused or reloaded: $(grep -E 'reloaded|refused' "$log")" not grep -Eq '^livehost: (reloaded|refused)' "$log"
    expect "the stale colour is on screen, not the new one (c8285a)" mostly "$png" c8285a
}

# --headless --frames N in a project with no build yet: the frames are the game's, not the
# waiting screen's; a build that fails ends the wait too.
frames_wait_for_the_first_build() {
    local dir log=$TMP/first.log png=$TMP/first.png
    dir=$(new_project first)
    expect "could not make a new project" [ -n "$dir" ] || return
    (cd "$dir" && timeout "$LIMIT" "$HOST" --headless --frames 3 --screenshot "$png" 2>"$log")
    local rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "no load: $(tail -3 "$log")" grep -q '^livehost: loaded version=1 ' "$log"
    expect "not 3 frames: $(grep exit "$log")" grep -q '^livehost: exit frames=3$' "$log"
    expect "the screenshot is not the game's (1e1e2e)" mostly "$png" 1e1e2e
    dir=$(new_project first-broken)
    expect "could not make a new project" [ -n "$dir" ] || return
    sed -i 's/^    s->ticks++;$/    s->ticks++ oops;/' "$dir/game/game.c"
    (cd "$dir" && timeout "$LIMIT" "$HOST" --headless --frames 3 --screenshot "$png" 2>"$log")
    rc=$?
    expect "a failed first build: exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "no build-failed: $(grep build- "$log")" grep -q '^livehost: build-failed ' "$log"
    expect "no waiting screen after a failed first build" mostly "$png" "$WAITING"
}

# The project is found upward from the current directory, as git finds its repository; its
# files are absolute paths. --project names it from anywhere; a --game whose directory does
# not exist is a command-line error, not an endless wait.
project_found_upward() {
    local dir log=$TMP/up.log png=$TMP/up.png rc
    dir=$(new_project up)
    expect "could not make a new project" [ -n "$dir" ] || return
    mkdir -p "$dir/game/deeper"
    (cd "$dir/game/deeper" && timeout "$LIMIT" "$HOST" --headless --frames 3 --screenshot "$png" 2>"$log")
    rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "the project's files were not the defaults: $(grep start "$log")" grep -q "^livehost: start game=$dir/build/game.so assets=$dir/assets " "$log"
    expect "the project's sources are not watched: $(grep build- "$log")" grep -q "^livehost: build-watch dirs=\"$dir/game $dir/include\" " "$log"
    expect "the project's game did not load: $(tail -2 "$log")" grep -q "^livehost: loaded version=1 path=$dir/build/game.so " "$log"
    expect "the screenshot is not the project's game (1e1e2e)" mostly "$png" 1e1e2e
    (cd "$TMP" && timeout "$LIMIT" "$HOST" --project "$dir" --headless --frames 3 2>"$log")
    expect "--project: no load of its game: $(tail -2 "$log")" grep -q "^livehost: loaded version=1 path=$dir/build/game.so " "$log"
    timeout "$LIMIT" "$HOST" --project "$TMP/no-such-project" --headless --frames 3 2>"$log"
    rc=$?
    expect "--project of a missing directory exited $rc, want 2" [ "$rc" -eq 2 ]
    timeout "$LIMIT" "$HOST" --headless --frames 3 --game "$TMP/no-such-dir/game.so" 2>"$log"
    rc=$?
    expect "--game in a missing directory exited $rc, want 2" [ "$rc" -eq 2 ]
    expect "the error does not name the missing directory: $(cat "$log")" grep -q "^livehost: error reason=\".*directory $TMP/no-such-dir does not exist" "$log"
}

help_lists_the_build_flags() {
    local out flag
    out=$(timeout "$LIMIT" "$HOST" --help 2>&1)
    for flag in --overlay --no-overlay --watch-dir --build-cmd --no-build --project F1; do
        expect "--help does not mention $flag" grep -q -- "$flag" <<<"$out"
    done
    timeout "$LIMIT" "$HOST" --headless --watch-dir 2>/dev/null
    expect "--watch-dir without a value was accepted" [ $? -eq 2 ]
}

for c in ${CASES:-edit_rebuilds_and_reloads burst_and_save_during_build save_while_compiling \
    compile_error_then_fix \
    failing_command_is_reported no_build_and_ignored_files idle_frames_read_at_most_once_per_watch \
    warning_builds_and_loads stale_library_rebuilt_at_start frames_wait_for_the_first_build \
    project_found_upward help_lists_the_build_flags}; do
    run_case "$c"
done
