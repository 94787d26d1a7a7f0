#!/usr/bin/env bash
# scripts/fresh-debian-test.sh - the README's `make test` on a fresh machine: a minimal Debian 12
# (debootstrap --variant=minbase bookworm, plus make and git, nothing else), into which this
# tree's committed HEAD is cloned; `make test` then runs inside it through chroot, as root, so
# scripts/deps.sh must install everything the build and the suites use.
# Usage (as root, with debootstrap and Debian's package mirror):
#   scripts/fresh-debian-test.sh [SUITE...]
# First `make run` (headless, its screenshot checked for the demo's pixels: make_run_draws), then
# with no SUITE the whole `make test`; with SUITEs (tests/run.sh filters, e.g. test_host_reload)
# `make deps-test tests` (every package installed, everything built) and only those suites.
# SDL2_MINGW_DIR (a stamped scripts/sdl2-mingw.sh build) is copied into the clone, so that its
# make win does not cross-build SDL2 again.
# The pristine system is kept in build/fresh-debian/base and copied for each run (run/, removed
# at the start of the next run); downloaded packages are kept in build/fresh-debian/apt-cache.
# The chroot's whole output goes to build/fresh-debian/run.log; shown are its PASS/FAIL and
# summary lines, each prefixed "fresh-debian: " so that none is ever taken for the summary of a
# `make test` run outside, and its last lines when it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=$ROOT/build/fresh-debian
BASE=$DIR/base
RUN=$DIR/run
CACHE=$DIR/apt-cache
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { echo "fresh-debian: $*"; }

[ "$(id -u)" -eq 0 ] || { say "needs root (debootstrap, chroot, mount)" >&2; exit 2; }
if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

mounts=()
# shellcheck disable=SC2317 # called by the trap
unmount_all() {
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}"; done
    mounts=()
}
trap unmount_all EXIT

if [ ! -x "$BASE/usr/bin/make" ] || [ ! -x "$BASE/usr/bin/git" ]; then
    say "building a minimal Debian 12 in $BASE (kept for later runs)"
    rm -rf "$BASE" "$BASE.tmp"
    mkdir -p "$DIR"
    debootstrap --variant=minbase --include=make,git bookworm "$BASE.tmp" "$MIRROR" \
        >"$DIR/debootstrap.log" 2>&1 || { tail -n 20 "$DIR/debootstrap.log"; exit 1; }
    # No service may start inside the chroot (packages' postinst scripts ask this first).
    printf '#!/bin/sh\nexit 101\n' >"$BASE.tmp/usr/sbin/policy-rc.d"
    chmod +x "$BASE.tmp/usr/sbin/policy-rc.d"
    mv "$BASE.tmp" "$BASE"
fi

# A run that was killed may have left its mounts: never delete through them (/dev!).
leftover=$(awk -v r="$RUN/" 'index($2 "/", r) == 1 { print $2 }' /proc/mounts | sort -r)
for m in $leftover; do umount "$m" 2>/dev/null || umount -l "$m"; done
say "copying the pristine system to $RUN"
rm -rf --one-file-system "$RUN"
cp -a "$BASE" "$RUN"
cp /etc/resolv.conf "$RUN/etc/resolv.conf"
rm -rf "$RUN/src/livehost"
git clone -q --no-hardlinks "$ROOT" "$RUN/src/livehost"
say "cloned $(git -C "$RUN/src/livehost" log -1 --format='%h %s' | cut -c1-80)"
# SDL2 for Windows, when this run was given one already built (CI builds it once): the clone's
# make win finds it where it builds its own, stamped, and does not build it again.
if [ -n "${SDL2_MINGW_DIR:-}" ] && [ -f "$SDL2_MINGW_DIR/.stamp" ]; then
    mkdir -p "$RUN/src/livehost/build/win"
    cp -a "$SDL2_MINGW_DIR" "$RUN/src/livehost/build/win/sdl2"
    say "SDL2 for Windows copied from $SDL2_MINGW_DIR"
fi

mkdir -p "$CACHE/partial"
mount_in() { mount "$@" && mounts+=("${*: -1}"); }
mount_in -t proc proc "$RUN/proc"
mount_in -t sysfs sys "$RUN/sys"
mount_in --bind /dev "$RUN/dev"
mount_in -t devpts -o newinstance,ptmxmode=0666 devpts "$RUN/dev/pts"
mount_in -t tmpfs -o mode=1777 shm "$RUN/dev/shm"
mount_in -t tmpfs -o mode=1777 tmp "$RUN/tmp"
mount_in --bind "$CACHE" "$RUN/var/cache/apt/archives"

# The quick start in its order: `make run` first (its own packages only), drawing the demo headless
# into a screenshot whose sky is checked once the tests have built the pixel tool; then the whole
# `make test`, or with SUITEs every package and build of `make test` and only those suites.
if [ $# -eq 0 ]; then
    tests="make test"
else
    tests="make deps-test && make -s tests && { rc=0; for s in $*; do B=build tests/run.sh \$s || rc=1; done; exit \$rc; }"
fi
template=$(
    cat <<'EOF'
make run HOST_FLAGS="--headless --frames 60 --screenshot /tmp/run.png" && (@TESTS@)
rc=$?
sky=$(build/tests/pixel /tmp/run.png count 121634 2>&1)
if [ "$sky" -gt 10000 ] 2>/dev/null; then
    echo "PASS make_run_draws"
else
    echo "FAIL make_run_draws: the demo's sky (121634) in the screenshot of make run: $sky"
    rc=1
fi
exit $rc
EOF
)
cmd=${template/@TESTS@/"$tests"}
say "running in the chroot: make run (headless, its screenshot checked), then $tests"
t0=$(date +%s)
set +e
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    TERM=dumb LANG=C.UTF-8 chroot "$RUN" /bin/bash -c "cd /src/livehost && $cmd" \
    >"$DIR/run.log" 2>&1
rc=$?
set -e
grep -E '^(== |PASS |FAIL |[0-9]+ passed, [0-9]+ failed$|deps.sh: installing )' "$DIR/run.log" |
    sed 's/^/fresh-debian: /'
if [ "$rc" -ne 0 ]; then
    say "failed; the last lines of $DIR/run.log:"
    tail -n 30 "$DIR/run.log" | sed 's/^/fresh-debian:     /'
fi
say "exit code $rc after $(($(date +%s) - t0)) s"
exit "$rc"
