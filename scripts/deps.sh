#!/usr/bin/env bash
# scripts/deps.sh - makes sure the Debian packages a make target needs are installed.
# Usage: scripts/deps.sh run|test|watch|fuzz|bench|lint
# As root it installs what is missing with apt-get; otherwise it names the exact packages and
# the command to install them, and fails. Quiet when everything is there.
# A minimal Debian 12 (debootstrap --variant=minbase) plus make is enough to start from: what
# such a system has (coreutils, util-linux's flock and setsid, grep, sed, mawk, findutils,
# diffutils) is not listed; everything else the builds, the suites and the scripts call is.
set -eu
what="${1:-run}"

# binutils: addr2line names the function and line of a crash in game code; libdw-dev: the
# state's layout from the game's debug information.
pkgs=(make gcc binutils pkg-config libsdl2-dev libstb-dev libdw-dev)
case "$what" in
    run) ;;
    watch) pkgs+=(inotify-tools) ;;
    # procps: pgrep/pkill; strace: the idle-frame system call count; g++, libsdl2-ttf-dev and
    # fonts-dejavu-core: the C++ and SDL2_ttf test games; vorbis-tools: oggenc for the sound
    # tests' OGG files; the rest: see README.
    test) pkgs+=(inotify-tools xvfb xauth procps strace g++ libsdl2-ttf-dev fonts-dejavu-core
        vorbis-tools clang clang-format clang-tidy valgrind gdb mingw-w64 wine wine64) ;;
    fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
    # gnuplot-nox: the charts make bench draws from its rows (no X11 needed).
    bench) pkgs+=(inotify-tools clang tcc strace gnuplot-nox) ;;
    lint) pkgs+=(shellcheck) ;;
    *) echo "deps.sh: unknown target '$what' (run, test, watch, fuzz, bench or lint)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps.sh: not a Debian system; make sure these (Debian names) are installed: ${pkgs[*]}" >&2
    exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "livehost needs these Debian packages for 'make $what': ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
