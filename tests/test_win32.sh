#!/usr/bin/env bash
# test_win32.sh - the core, the host's OS seam and its crash guard on Windows: cross-builds them
# with mingw-w64 (`make win`) and runs tests/test_core_win32.c (with its fixture DLLs),
# tests/test_os_win32.c and tests/test_guard_win32.c under wine, headless, in a private wine
# prefix under $B/win/wine. Prints the tests' PASS/FAIL lines. A missing cross compiler or wine
# is a FAIL with the package to install, never a skip: `scripts/deps.sh test` installs both.
set -u
cd "$(dirname "$0")/.." || exit 1
B="${B:-build}"
MAKE="${MAKE:-make}"
WB="$B/win"
log="$B/tests/logs"
mkdir -p "$log"

missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(mingw-w64)
command -v wine >/dev/null 2>&1 || missing+=(wine wine64)
if [ ${#missing[@]} -gt 0 ]; then
    echo "FAIL win32_toolchain: missing ${missing[*]} (install: apt-get install ${missing[*]}, or scripts/deps.sh test)"
    exit 1
fi

# One make of $WB at a time: test_win_host.sh builds the same targets, maybe at this moment.
mkdir -p "$WB"
if ! flock "$WB/.make.lock" "$MAKE" --no-print-directory -s B="$B" win >"$log/win-build.log" 2>&1; then
    echo "FAIL win32_build: make win failed:"
    tail -n 20 "$log/win-build.log" | sed 's/^/    /'
    exit 1
fi
echo "PASS win32_build"

# A prefix of our own: never the user's ~/.wine. win64 only (no 32-bit wine needed); no Mono or
# Gecko installer prompts; no debug chatter. The first run creates it (a few seconds).
export WINEPREFIX="$PWD/$WB/wine" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$WINEPREFIX"
# Each program's output goes to a file, not a pipe: wineserver outlives the test and would hold
# a pipe open. The core's cases, the host's OS seam (watcher, build process, clocks), the
# crash guard.
rc=0
for name in test_core_win32 test_os_win32 test_guard_win32; do
    out="$log/win-$name.out" err="$log/win-$name.err"
    B="$WB" timeout 300 wine "$WB/tests/$name.exe" >"$out" 2>"$err"
    status=$?
    # wine prints \r\n through the Windows C runtime.
    tr -d '\r' <"$out" | grep -E '^(PASS|FAIL) '
    if [ $status -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
        echo "FAIL win32_$name: wine exited with code $status (log: $err)"
        tail -n 20 "$err" | sed 's/^/    /'
    fi
    [ $status -eq 0 ] || rc=$status
done
wineserver -k >/dev/null 2>&1 || true
exit $rc
