#!/usr/bin/env bash
# test_install.sh - livehost installs like a library: `make install` into a staging DESTDIR
# with its own PREFIX, then the seed demo (examples/) is built against the installed copy with
# nothing but `pkg-config livehost` (the .pc is relative to itself, so the staged tree works
# as it is), runs, reloads a rebuilt library, and `make uninstall` leaves no file behind.
# Every file of assets/ is installed, sounds and fonts with the images, subdirectories kept.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1
MAKE="${MAKE:-make}"
CC="${CC:-cc}"
tmp=$TMP
stage="$tmp/stage"
prefix=/opt/livehost-test
root="$stage$prefix"

if ! "$MAKE" --no-print-directory -s B="$B" DESTDIR="$stage" PREFIX="$prefix" install \
    >"$tmp/install.log" 2>&1; then
    echo "FAIL install_runs: make install failed: $(tail -5 "$tmp/install.log")"
    exit 1
fi
missing=()
for f in bin/livehost bin/hr-preflight lib/libhr.a lib/pkgconfig/livehost.pc \
    include/livehost/hr.h include/livehost/game_api.h share/livehost/game.so; do
    [ -f "$root/$f" ] || missing+=("$f")
done
[ -n "$(ls "$root/share/livehost/assets" 2>/dev/null)" ] || missing+=(share/livehost/assets/)
if [ ${#missing[@]} -eq 0 ] && [ -x "$root/bin/livehost" ]; then
    echo "PASS install_layout"
else
    echo "FAIL install_layout: missing under $prefix: ${missing[*]}"
fi
if "$root/bin/livehost" --help 2>&1 | grep -q -- '--game' &&
    "$root/bin/livehost" --help 2>&1 | grep -q '^usage: livehost \[options\]'; then
    echo "PASS install_host_runs"
else
    echo "FAIL install_host_runs: $root/bin/livehost --help printed no usage"
fi

# Outside the source tree the installed host finds its own game, images and pre-flight program.
mkdir -p "$tmp/elsewhere"
(cd "$tmp/elsewhere" && SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$root/bin/livehost" --headless \
    --frames 30 --screenshot shot.png >/dev/null 2>"$tmp/installed.log")
if grep -q "^livehost: loaded version=1 path=$root/bin/../share/livehost/game.so " "$tmp/installed.log" &&
    grep -q "preflight=$root/bin/hr-preflight" "$tmp/installed.log" &&
    ! grep -q '^livehost: asset-missing' "$tmp/installed.log" && [ -s "$tmp/elsewhere/shot.png" ]; then
    echo "PASS install_host_finds_its_game"
else
    echo "FAIL install_host_finds_its_game: $(grep -v 'log text' "$tmp/installed.log" | head -4 | tr '\n' ' ')"
fi

# The installed host scaffolds a new project with the installed contract header.
if "$root/bin/livehost" new "$tmp/newgame" >/dev/null 2>"$tmp/new.log" &&
    cmp -s "$tmp/newgame/include/game_api.h" "$root/include/livehost/game_api.h" &&
    make -s -C "$tmp/newgame" >/dev/null 2>&1 && [ -s "$tmp/newgame/build/game.so" ]; then
    echo "PASS install_new_project_builds"
else
    echo "FAIL install_new_project_builds: $(cat "$tmp/new.log")"
fi

# In a new project the installed host runs that project's game, not its own demo: it builds
# the missing build/game.so itself and loads it.
"$root/bin/livehost" new "$tmp/fresh" >/dev/null 2>&1
(cd "$tmp/fresh" && SDL_VIDEODRIVER=dummy exec timeout "$LIMIT" "$root/bin/livehost" --headless \
    --frames 0 >/dev/null 2>"$tmp/fresh.log") &
HOST_PID=$!
HOST_PIDS+=("$HOST_PID")
fresh=$(cd "$tmp/fresh" && pwd -P)
if wait_for "$tmp/fresh.log" "^livehost: loaded version=1 path=$fresh/build/game\.so " 30 &&
    grep -q "^livehost: start game=$fresh/build/game.so " "$tmp/fresh.log"; then
    echo "PASS install_host_runs_a_new_project"
else
    echo "FAIL install_host_runs_a_new_project: $(grep -v 'log text' "$tmp/fresh.log" | head -4 | tr '\n' ' ')"
fi
stop_host TERM

# make install puts every file of assets/ into share/livehost/assets/, subdirectories kept,
# where the installed host looks for them by the names the game asks for: here a copy of the
# tree whose assets/ also holds a sound in sfx/ and a font, installed into a stage of its own
# (the copy keeps this tree and $B as they are). The script that draws the demo's images is
# not installed.
install_ships_every_asset() {
    local copy=$tmp/tree cstage=$tmp/stage-copy shared f rc
    shared=$cstage$prefix/share/livehost/assets
    expect "no /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (Debian package fonts-dejavu-core)" \
        [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || return
    expect "could not copy the tree" tree_copy "$copy" || return
    "$HOST" new --template platformer "$tmp/wavsrc" >/dev/null 2>&1
    mkdir -p "$copy/assets/sfx"
    cp "$tmp/wavsrc/assets/jump.wav" "$copy/assets/sfx/" &&
        cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$copy/assets/"
    expect "no sound to install" [ -s "$copy/assets/sfx/jump.wav" ] || return
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS "$MAKE" --no-print-directory -s -C "$copy" B=build \
        CC="$CC" DESTDIR="$cstage" PREFIX="$prefix" install >"$tmp/copy-install.log" 2>&1
    rc=$?
    expect "make install failed: $(tail -3 "$tmp/copy-install.log")" [ "$rc" -eq 0 ] || return
    for f in ship.png star.bmp sfx/jump.wav DejaVuSans.ttf; do
        expect "$f is not in share/livehost/assets/: $(cd "$shared/.." 2>/dev/null && find assets | tr '\n' ' ')" \
            cmp -s "$copy/assets/$f" "$shared/$f" || return
    done
    expect "the images' script was installed" [ ! -e "$shared/make_assets.py" ]
}
run_case install_ships_every_asset

# Build the demo from a copy of its sources, so nothing from the source tree's include/ leaks in.
export PKG_CONFIG_PATH="$root/lib/pkgconfig"
cp examples/main.c examples/library1.c examples/library2.c "$tmp/"
cflags=$(pkg-config --cflags livehost) && libs=$(pkg-config --libs livehost)
if [ -x "$(pkg-config --variable=preflight livehost)" ]; then
    echo "PASS install_pkg_config_names_preflight"
else
    echo "FAIL install_pkg_config_names_preflight: '$(pkg-config --variable=preflight livehost)' is not a program"
fi
lib_flags="-fPIC -shared -fvisibility=hidden"
# ${SANFLAGS:-}: against a sanitizer build (make asan), the program needs the same runtime.
# shellcheck disable=SC2086 # word splitting of the flags is wanted
if [ -n "$cflags" ] && $CC ${SANFLAGS:-} $cflags "$tmp/main.c" $libs -o "$tmp/main" 2>"$tmp/cc.log" &&
    $CC $lib_flags "$tmp/library1.c" -o "$tmp/library1.so" &&
    $CC $lib_flags "$tmp/library2.c" -o "$tmp/library2.so"; then
    echo "PASS install_pkg_config_build"
else
    echo "FAIL install_pkg_config_build: cflags '$cflags' libs '$libs': $(head -5 "$tmp/cc.log")"
    exit 1
fi

start_demo "$tmp/main" "$tmp"
if wait_for "$tmp/out" 'compute\(6, 7\) = 13' 5 && rebuild_library1 "$tmp/library1.c" "$tmp" &&
    wait_for "$tmp/out" 'multiplies its arguments: compute\(6, 7\) = 42' 5; then
    echo "PASS install_demo_reloads"
else
    echo "FAIL install_demo_reloads: $(tail -3 "$tmp/out")"
fi
kill "$DEMO_PID" 2>/dev/null
wait "$DEMO_PID" 2>/dev/null

"$MAKE" --no-print-directory -s B="$B" DESTDIR="$stage" PREFIX="$prefix" uninstall \
    >"$tmp/uninstall.log" 2>&1
left=$(find "$stage" -mindepth 1 ! -type d; find "$root/include/livehost" "$root/share/livehost" \
    -maxdepth 0 2>/dev/null)
if [ -z "$left" ]; then
    echo "PASS install_uninstall_clean"
else
    echo "FAIL install_uninstall_clean: left behind: $(echo "$left" | tr "\n" " " | head -c 300)"
fi
