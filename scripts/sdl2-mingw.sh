#!/usr/bin/env bash
# scripts/sdl2-mingw.sh - SDL2 for Windows (x86_64-w64-mingw32), cross-built from Debian's own
# source package, for `make win`: Debian ships no mingw SDL2, and nothing is downloaded from
# anywhere but the Debian archive the machine already uses.
# Usage: scripts/sdl2-mingw.sh [DIR]    (DIR, else $SDL2_MINGW_DIR, else build/win/sdl2)
# DIR is both the cache and the install prefix: DIR/bin/SDL2.dll, DIR/include/SDL2,
# DIR/lib/libSDL2.dll.a; DIR/build.log holds the build's output. A stamp (DIR/.stamp: the source
# version and the configure flags) makes a second run instant; delete DIR to build again. The
# source package and the build tree (DIR/src, DIR/apt) are removed once it is installed: DIR may
# then be copied elsewhere (CI copies it into a chroot; the Makefile reads its include/ and lib/,
# never sdl2-config, so the prefix compiled into that does not matter).
# How: a private apt state in DIR/apt with one deb-src line for the machine's own mirror and
# release (read from /etc/apt/sources.list{,.d/*}; the system's apt configuration is not
# touched), `apt-get source libsdl2`, then configure --host=x86_64-w64-mingw32, make, install.
# As root it installs the Debian packages it needs (like scripts/deps.sh); otherwise it names
# them and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-${SDL2_MINGW_DIR:-build/win/sdl2}}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
HOST=x86_64-w64-mingw32
# Shared SDL2.dll only; the two drivers the headless host and the tests use are asked for by
# name so that a default that changes cannot drop them silently.
FLAGS=(--host="$HOST" --enable-shared --disable-static --enable-video-offscreen
    --enable-video-dummy)

say() { echo "sdl2-mingw: $*" >&2; }

# The stamp is checked before any lock or package check: a cached build costs nothing.
stamp_ok() { [ -f "$DIR/.stamp" ] && [ -f "$DIR/bin/SDL2.dll" ] &&
    [ "$(sed -n 2p "$DIR/.stamp")" = "${FLAGS[*]}" ]; }
stamp_ok && exit 0

# One build at a time per DIR (two makes may ask at once); the second waits, then finds it done.
exec 9>"$DIR/.lock"
flock 9
stamp_ok && exit 0

pkgs=(gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev dpkg-dev make
    xz-utils)
missing=()
for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        say "SDL2 for Windows needs these Debian packages: ${missing[*]}"
        say "install them with:  sudo apt-get install ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The machine's Debian mirror and release: the first deb entry (one-line or deb822 format) for
# the release itself (not -updates, not -security) with the main component.
# shellcheck disable=SC1091 # the running system's file
. /etc/os-release
RELEASE=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
lists=() sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && sources+=("$f"); done
mirror_line=$(
    cat "${lists[@]}" /dev/null |
        awk -v rel="$RELEASE" '$1 == "deb" {
            i = 2; opts = ""
            if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
            if ($(i + 1) == rel) { print $i "|" opts; exit }
        }'
)
if [ -z "$mirror_line" ]; then
    mirror_line=$(
        cat "${sources[@]}" /dev/null | awk -v rel="$RELEASE" '
            function flush() { if (deb && uri != "" && (" " suites " ") ~ (" " rel " ")) {
                                   print uri "|" key; found = 1; exit } }
            /^[ \t]*$/ { flush(); deb = 0; uri = ""; suites = ""; key = ""; next }
            tolower($1) == "types:" { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { $1 = ""; suites = $0 }
            tolower($1) == "signed-by:" { key = $2 }
            END { if (!found) flush() }'
    )
    mirror=${mirror_line%%|*}
    key=${mirror_line#*|}
    opts=${key:+[signed-by=$key]}
else
    mirror=${mirror_line%%|*}
    opts=${mirror_line#*|}
fi
[ -n "$mirror" ] || { say "no 'deb' entry for $RELEASE in /etc/apt/sources.list{,.d/*}"; exit 1; }

APT=$DIR/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
echo "deb-src $opts $mirror $RELEASE main" >"$APT/sources.list"
# A private apt: its own sources list, package lists and cache; no system file is written. The
# download runs as whoever runs this script (apt's _apt sandbox user cannot write into DIR).
apt_private=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=-"
    -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
    -o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1")
say "source package from $mirror $RELEASE (deb-src in $APT/sources.list)"
apt-get -qq "${apt_private[@]}" update >&2
rm -rf "$DIR/src"
mkdir -p "$DIR/src"
(cd "$DIR/src" && apt-get -qq "${apt_private[@]}" source libsdl2 >&2)
srcdir=$(find "$DIR/src" -mindepth 1 -maxdepth 1 -type d -name 'libsdl2-*' | head -n 1)
[ -n "$srcdir" ] || { say "apt-get source libsdl2 left no source tree in $DIR/src"; exit 1; }
version=$(cd "$srcdir" && dpkg-parsechangelog -S Version)

say "building SDL2 $version for $HOST (a few minutes; output in $DIR/build.log)"
mkdir -p "$DIR/src/build"
if ! (cd "$DIR/src/build" && "$srcdir/configure" --prefix="$DIR" "${FLAGS[@]}" && make -j2 && make install) \
    >"$DIR/build.log" 2>&1; then
    tail -n 30 "$DIR/build.log" >&2
    say "the build failed; the whole output is in $DIR/build.log"
    exit 1
fi
[ -f "$DIR/bin/SDL2.dll" ] || { say "no $DIR/bin/SDL2.dll after make install"; exit 1; }
rm -rf "$DIR/src" "$DIR/apt"
printf '%s\n%s\n' "$version" "${FLAGS[*]}" >"$DIR/.stamp"
say "SDL2 $version for Windows installed in $DIR"
