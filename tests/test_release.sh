#!/usr/bin/env bash
# test_release.sh - `make release`: the demo linked into one plain program with the host, which
# runs from anywhere with no game library, no pre-flight and no build beside it, shows the
# same frames as the hot-reload host after the same scripted input, and still survives a
# crash or a hang of the game (safe mode, F5 starts over). A `livehost new` project's
# `make release` does the same, with the host's libhost.a from the tree or from `make install`,
# for every template: the sdl one compiled and linked with its GAME_PKGS, the platformer with
# its sprite sheet, sound and a font in subdirectories of assets/ shipped beside it. The
# tree's `make release` ships every file of assets/ too, sounds and fonts with the images.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1
REL=$OUT_DIR/release
DEJAVU=/usr/share/fonts/truetype/dejavu # fonts-dejavu-core

# quiet_make ARGS...: make as a user runs it, not as a job of the make that may run this suite.
quiet_make() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -s -j2 "$@"; }

if ! quiet_make B="$B" CC="${CC:-cc}" release >"$TMP/release.log" 2>&1; then
    echo "FAIL release_builds: make release failed: $(tail -5 "$TMP/release.log")"
    exit 1
fi

script() {
    local f=$TMP/$1.keys
    shift
    printf '%s\n' "$@" >"$f"
    echo "$f"
}

# link_release SRC OUT: SRC's game (game/, include/) linked with the host's libhost.a into OUT,
# the way a project's `make release` does it.
link_release() {
    # shellcheck disable=SC2046 # word splitting of pkg-config's flags is wanted
    "${CC:-cc}" -std=c11 -O2 -I"$1/include" "$1"/game/*.c "$REL/libhost.a" -o "$2" \
        $(pkg-config --libs sdl2 libdw) -ldl -lpthread -lm >"$TMP/link.log" 2>&1
}

# needed FILE: the shared libraries FILE asks the loader for, one a line.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

# The program asks the loader for SDL and system libraries only, never for libhr or a game
# library, and of the host's own names only main is global (a game's `game` or `stbi_load`
# cannot clash with them).
release_is_one_plain_program() {
    local exe=$REL/game libs globals
    expect "no executable $exe" [ -x "$exe" ]
    expect "no images beside it: $(ls "$REL/assets" 2>&1)" [ -s "$REL/assets/ship.png" ]
    libs=$(needed "$exe")
    expect "it needs no SDL: $libs" grep -q '^libSDL2' <<<"$libs"
    expect "it needs a game library or libhr: $libs" not grep -Eq 'game|hr' <<<"$libs"
    globals=$(nm --defined-only -g "$exe" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^_|@/ { print $3 }' | sort | tr '\n' ' ')
    expect "global names besides main and livehost_game: $globals" [ "$globals" = "livehost_game main " ]
}

# A copy of the release, run from another directory: no build/, no game.so, no hr-preflight
# anywhere near; its images are found beside it, no build runs, nothing is loaded.
release_runs_anywhere() {
    local ship=$TMP/ship log=$TMP/anywhere.log
    mkdir -p "$ship" "$TMP/elsewhere"
    cp -r "$REL/game" "$REL/assets" "$ship/"
    (cd "$TMP/elsewhere" && exec timeout "$LIMIT" "$ship/game" --headless --frames 60 \
        --screenshot shot.png 2>"$log")
    HOST_RC=$?
    expect "exit code $HOST_RC, want 0: $(tail -2 "$log")" [ "$HOST_RC" -eq 0 ]
    expect "no start line naming the program and its images: $(head -1 "$log")" \
        grep -q "^livehost: start game=$ship/game assets=$ship/assets .* preflight=none " "$log"
    expect "the linked-in game did not run: $(grep -v '^livehost: log' "$log" | head -3)" \
        grep -q "^livehost: loaded version=1 path=$ship/game .* tmp=\"\"$" "$log"
    expect "no build-off for a release: $(grep build- "$log")" \
        grep -q '^livehost: build-off reason="a release build: the game is linked in"$' "$log"
    expect "an image is missing: $(grep asset-missing "$log")" not grep -q '^livehost: asset-missing' "$log"
    expect "it waited, reloaded or failed: $(grep -E 'waiting|reload|not-ready' "$log")" \
        not grep -Eq '^livehost: (waiting|reloaded|reload-failed|not-ready|refused) ' "$log"
    expect "no screenshot in the directory it ran from" [ -s "$TMP/elsewhere/shot.png" ]
    expect "the demo's sky is not on screen" mostly "$TMP/elsewhere/shot.png" "$SKY"
}

# The same keys at the same frames: the release and the hot-reload host draw the same last
# frame, byte for byte, and the game logs the same lines.
release_matches_hot_reload() {
    local keys
    keys=$(script same '10 down Right' '45 up Right' '50 down Up' '80 up Up' '100 down Left' \
        '130 up Left' '150 key F2' '200 key F2')
    (cd "$TMP" && exec timeout "$LIMIT" "$REL/game" --headless --frames 300 --no-overlay \
        --script "$keys" --screenshot "$TMP/release.png" 2>"$TMP/release-run.log")
    HOST_RC=$?
    expect "the release exited $HOST_RC: $(tail -2 "$TMP/release-run.log")" [ "$HOST_RC" -eq 0 ]
    run_host "$TMP/hot.log" --frames 300 --no-overlay --script "$keys" --screenshot "$TMP/hot.png"
    expect "the hot-reload host exited $HOST_RC: $(tail -2 "$TMP/hot.log")" [ "$HOST_RC" -eq 0 ]
    expect "no loop in the release: $(grep record "$TMP/release-run.log")" \
        grep -q '^livehost: record state=looping frames=50$' "$TMP/release-run.log"
    expect "the two last frames differ" cmp -s "$TMP/release.png" "$TMP/hot.png"
    expect "the game logged other lines: $(diff <(grep '^livehost: log ' "$TMP/release-run.log") \
        <(grep '^livehost: log ' "$TMP/hot.log") | head -4 | tr '\n' ' ')" \
        cmp -s <(grep '^livehost: log ' "$TMP/release-run.log") <(grep '^livehost: log ' "$TMP/hot.log")
    (cd "$TMP" && timeout "$LIMIT" "$REL/game" --headless --frames 300 --no-overlay \
        --screenshot "$TMP/idle.png" 2>/dev/null)
    expect "the keys did not reach the game (same picture without them)" \
        not cmp -s "$TMP/release.png" "$TMP/idle.png"
}

# inject SRC CODE: CODE runs in every update of SRC's game, right after the tick moves.
inject() {
    sed -i "s/^    s->tick++;\$/    s->tick++;\\n    $2/" "$1/game/game.c"
    grep -qF "$2" "$1/game/game.c"
}

# A crash and a hang of the linked-in game are caught as in the hot-reload host: the state
# is put back and the game stops (there is no other build to roll back to); F5 starts it again.
release_survives_crash_and_hang() {
    local src=$TMP/crashing log=$TMP/crash.log rc
    src=$(game_src crashing)
    expect "could not inject the crash" inject "$src" 'if (s->tick == 30) *(volatile int *)0 = 1;'
    link_release "$src" "$src/game.bin"
    rc=$?
    expect "could not link the crashing game: $(head -3 "$TMP/link.log")" [ "$rc" -eq 0 ] || return
    timeout "$LIMIT" "$src/game.bin" --headless --frames 90 --assets "$ROOT/assets" \
        --script "$(script crash '60 key F5')" --screenshot "$TMP/crash.png" 2>"$log"
    HOST_RC=$?
    expect "exit code $HOST_RC, want 0: $(tail -2 "$log")" [ "$HOST_RC" -eq 0 ]
    expect "no crash line: $(grep -v '^livehost: log' "$log" | tail -3)" \
        grep -Eq '^livehost: crash signal=SIGSEGV function=update addr=0x0 at=".* in game\.bin\+0x[0-9a-f]+" version=1$' "$log"
    expect "no rollback refusal, then safe mode: $(grep -E 'rollback|safe-mode' "$log")" \
        grep -q '^livehost: safe-mode state=restored reason="the game is stopped; F5 starts it again with a fresh state"$' "$log"
    expect "F5 did not start the game again" [ "$(grep -c '^livehost: log text="new game' "$log")" -eq 2 ]

    src=$(game_src hanging)
    log=$TMP/hang.log
    expect "could not inject the hang" inject "$src" 'if (s->tick == 30) for (;;) {}'
    link_release "$src" "$src/game.bin"
    rc=$?
    expect "could not link the hanging game: $(head -3 "$TMP/link.log")" [ "$rc" -eq 0 ] || return
    timeout "$LIMIT" "$src/game.bin" --headless --frames 60 --watchdog-ms 200 --assets "$ROOT/assets" \
        --screenshot "$TMP/hang.png" 2>"$log"
    HOST_RC=$?
    expect "exit code $HOST_RC, want 0: $(tail -2 "$log")" [ "$HOST_RC" -eq 0 ]
    expect "the watchdog did not interrupt the hang: $(grep -v '^livehost: log' "$log" | tail -3)" \
        grep -Eq '^livehost: hang function=update ms=[0-9]+ at=".* in game\.bin\+0x[0-9a-f]+" version=1$' "$log"
    expect "no safe mode after the hang" grep -q '^livehost: safe-mode state=restored ' "$log"
    expect "the crashed screen is not shown" mostly "$TMP/hang.png" "$CRASHED"
}

# A game without the API struct does not link: the release cannot start without its game.
release_needs_the_game_to_link() {
    local src=$TMP/nogame
    mkdir -p "$src/game"
    cp -r "$ROOT/include" "$src/"
    echo 'int nothing_here(void) { return 0; }' >"$src/game/game.c"
    expect "a program without a game linked" not link_release "$src" "$src/game.bin"
    expect "the link error does not name livehost_game: $(head -3 "$TMP/link.log")" \
        grep -q "undefined reference to .livehost_game'" "$TMP/link.log"
}

# run_project_pair DIR PROGRAM NAME [RRGGBB]: the project's release and the hot-reload host on
# the project's own build, 120 frames each with a key; both screenshots must be equal and
# mostly the background RRGGBB (default: the box's and the sdl template's).
run_project_pair() {
    local keys
    keys=$(script "$3" '20 key Space' '21 key Return' '70 key Space')
    (cd "$TMP/elsewhere" && exec timeout "$LIMIT" "$2" --headless --frames 120 --no-overlay \
        --script "$keys" --screenshot "$TMP/$3-release.png" 2>"$TMP/$3-release.log")
    HOST_RC=$?
    expect "the project's release exited $HOST_RC: $(tail -2 "$TMP/$3-release.log")" [ "$HOST_RC" -eq 0 ]
    expect "the project's release did not run its game: $(head -3 "$TMP/$3-release.log")" \
        grep -q '^livehost: log text="new game"$' "$TMP/$3-release.log"
    expect "could not build the project's game.so" quiet_make -C "$1" build/game.so >/dev/null 2>&1
    (cd "$1" && exec timeout "$LIMIT" "$HOST" --headless --no-build --frames 120 --no-overlay \
        --script "$keys" --screenshot "$TMP/$3-hot.png" 2>"$TMP/$3-hot.log")
    expect "the hot-reload host did not run the project: $(tail -2 "$TMP/$3-hot.log")" \
        grep -q '^livehost: loaded version=1 ' "$TMP/$3-hot.log"
    expect "the project's release and hot-reload frames differ" cmp -s "$TMP/$3-release.png" "$TMP/$3-hot.png"
    expect "the scaffold's background is not on screen" mostly "$TMP/$3-release.png" "${4:-1e1e2e}"
}

# A `livehost new` project: `make release` with the tree's libhost.a (LIVEHOST_LIB) makes
# build/release/<directory name> and its assets/; without it and with no installed livehost,
# it says what to do.
new_project_release() {
    local dir=$TMP/proj rc
    mkdir -p "$TMP/elsewhere"
    "$HOST" new "$dir" >/dev/null 2>&1
    expect "the project has no release target" grep -q '^release:' "$dir/Makefile"
    quiet_make -C "$dir" release LIVEHOST_LIB="$TMP/none/libhost.a" >"$TMP/nolib.log" 2>&1
    expect "make release without libhost.a did not fail" [ $? -ne 0 ]
    expect "no hint to install or set LIVEHOST_LIB: $(cat "$TMP/nolib.log")" \
        grep -q "make release: no libhost.a at $TMP/none/libhost.a; .*set LIVEHOST_LIB" "$TMP/nolib.log"
    quiet_make -C "$dir" release LIVEHOST_LIB="$REL/libhost.a" >"$TMP/proj-make.log" 2>&1
    rc=$?
    expect "make release failed: $(tail -3 "$TMP/proj-make.log")" [ "$rc" -eq 0 ]
    expect "no build/release/proj" [ -x "$dir/build/release/proj" ]
    expect "no assets/ beside it" [ -d "$dir/build/release/assets" ]
    run_project_pair "$dir" "$dir/build/release/proj" proj
}

# The sdl template's game includes SDL.h and links SDL2 (GAME_PKGS = sdl2): its release is
# compiled and linked with the same flags as its hot-reload build, and draws the same frames.
sdl_project_release() {
    local dir=$TMP/sdlproj rc
    mkdir -p "$TMP/elsewhere"
    "$HOST" new --template sdl "$dir" >/dev/null 2>&1
    expect "the sdl project's GAME_PKGS is not sdl2" grep -q '^GAME_PKGS ?= sdl2$' "$dir/Makefile"
    quiet_make -C "$dir" release LIVEHOST_LIB="$REL/libhost.a" >"$TMP/sdl-make.log" 2>&1
    rc=$?
    expect "make release failed: $(tail -3 "$TMP/sdl-make.log")" [ "$rc" -eq 0 ] || return
    expect "no build/release/sdlproj" [ -x "$dir/build/release/sdlproj" ] || return
    run_project_pair "$dir" "$dir/build/release/sdlproj" sdlproj
}

# The platformer, its assets moved into subdirectories (sprites/, sfx/, fonts/) and its score
# drawn in a TrueType font: `make release` copies every file beside the program, subdirectories
# kept, and the program loads them by the same names (no asset-missing), drawing the hot-reload
# build's frames.
platformer_project_release() {
    local dir=$TMP/platproj rel f rc
    mkdir -p "$TMP/elsewhere"
    "$HOST" new --template platformer "$dir" >/dev/null 2>&1
    expect "no $DEJAVU/DejaVuSans.ttf (Debian package fonts-dejavu-core)" [ -f "$DEJAVU/DejaVuSans.ttf" ] || return
    mkdir -p "$dir/assets/sprites" "$dir/assets/sfx" "$dir/assets/fonts"
    mv "$dir/assets/hero.bmp" "$dir/assets/sprites/" && mv "$dir/assets/jump.wav" "$dir/assets/sfx/" &&
        cp "$DEJAVU/DejaVuSans.ttf" "$dir/assets/fonts/"
    expect "could not move the platformer's assets" [ -s "$dir/assets/sfx/jump.wav" ] || return
    sed -i 's|"hero\.bmp"|"sprites/hero.bmp"|; s|"jump\.wav"|"sfx/jump.wav"|
        s|host->draw_text(6, 6, 1, \(.*\), score);|host->draw_font_text(host->font("fonts/DejaVuSans.ttf", 16), 6, 6, \1, score);|' \
        "$dir/game/game.c"
    expect "the game does not ask for its assets by their new names" \
        [ "$(grep -c '"sprites/hero.bmp"\|"sfx/jump.wav"\|"fonts/DejaVuSans.ttf"' "$dir/game/game.c")" -eq 3 ] || return
    quiet_make -C "$dir" release LIVEHOST_LIB="$REL/libhost.a" >"$TMP/plat-make.log" 2>&1
    rc=$?
    expect "make release failed: $(tail -3 "$TMP/plat-make.log")" [ "$rc" -eq 0 ] || return
    rel=$dir/build/release
    expect "no build/release/platproj" [ -x "$rel/platproj" ] || return
    for f in sprites/hero.bmp sfx/jump.wav fonts/DejaVuSans.ttf; do
        expect "$f is not beside the release: $(cd "$rel" && find assets | tr '\n' ' ')" \
            cmp -s "$dir/assets/$f" "$rel/assets/$f" || return
    done
    run_project_pair "$dir" "$rel/platproj" platproj 282c50
    expect "the release missed an asset: $(grep asset-missing "$TMP/platproj-release.log")" \
        not grep -q '^livehost: asset-missing' "$TMP/platproj-release.log"
    expect "the hot-reload host missed an asset: $(grep asset-missing "$TMP/platproj-hot.log")" \
        not grep -q '^livehost: asset-missing' "$TMP/platproj-hot.log"
    expect "the hero is not on screen" [ "$(count_color "$TMP/platproj-release.png" fab43c)" -gt 100 ]
    expect "Space did not jump in the release: $(grep 'log text' "$TMP/platproj-release.log")" \
        grep -q '^livehost: log text="jump at tick=' "$TMP/platproj-release.log"
}

# The tree's `make release` ships every file of assets/ beside the program, subdirectories
# kept: here a copy of the tree whose assets/ also holds a sound in sfx/ and a font (the copy
# keeps this tree and $B as they are). The script that draws the demo's images stays behind.
tree_release_ships_every_asset() {
    local copy=$TMP/tree rel f rc
    expect "no $DEJAVU/DejaVuSans.ttf (Debian package fonts-dejavu-core)" [ -f "$DEJAVU/DejaVuSans.ttf" ] || return
    expect "could not copy the tree" tree_copy "$copy" || return
    "$HOST" new --template platformer "$TMP/wavsrc" >/dev/null 2>&1
    mkdir -p "$copy/assets/sfx"
    cp "$TMP/wavsrc/assets/jump.wav" "$copy/assets/sfx/" && cp "$DEJAVU/DejaVuSans.ttf" "$copy/assets/"
    expect "no sound to ship" [ -s "$copy/assets/sfx/jump.wav" ] || return
    quiet_make -C "$copy" B=build CC="${CC:-cc}" release >"$TMP/tree-make.log" 2>&1
    rc=$?
    expect "make release failed: $(tail -3 "$TMP/tree-make.log")" [ "$rc" -eq 0 ] || return
    rel=$copy/build/release
    for f in ship.png star.bmp sfx/jump.wav DejaVuSans.ttf; do
        expect "$f is not beside the release: $(cd "$rel" && find assets | tr '\n' ' ')" \
            cmp -s "$copy/assets/$f" "$rel/assets/$f" || return
    done
    expect "the images' script was shipped" [ ! -e "$rel/assets/make_assets.py" ]
}

# With livehost installed (make install, here into a staging directory), a project's
# `make release` finds libhost.a beside the livehost on PATH by itself.
installed_project_release() {
    local stage=$TMP/stage prefix=/opt/livehost-release dir=$TMP/instproj root rc
    root=$stage$prefix
    mkdir -p "$TMP/elsewhere"
    quiet_make B="$B" CC="${CC:-cc}" DESTDIR="$stage" PREFIX="$prefix" install >"$TMP/install.log" 2>&1
    rc=$?
    expect "make install failed: $(tail -3 "$TMP/install.log")" [ "$rc" -eq 0 ] || return
    expect "no lib/livehost/libhost.a installed" [ -s "$root/lib/livehost/libhost.a" ]
    "$root/bin/livehost" new "$dir" >/dev/null 2>&1
    PATH="$root/bin:$PATH" quiet_make -C "$dir" release >"$TMP/inst-make.log" 2>&1
    rc=$?
    expect "make release with the installed host failed: $(tail -3 "$TMP/inst-make.log")" [ "$rc" -eq 0 ]
    expect "no build/release/instproj" [ -x "$dir/build/release/instproj" ]
    run_project_pair "$dir" "$dir/build/release/instproj" instproj
}

for c in ${CASES:-release_is_one_plain_program release_runs_anywhere release_matches_hot_reload \
    release_survives_crash_and_hang release_needs_the_game_to_link new_project_release \
    sdl_project_release platformer_project_release tree_release_ships_every_asset \
    installed_project_release}; do
    run_case "$c"
done
