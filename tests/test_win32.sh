#!/usr/bin/env bash
# test_win32.sh - the core on Windows: cross-builds it with mingw-w64 (`make win`) and runs
# tests/test_core_win32.c and its fixture DLLs under wine, headless, in a private wine prefix
# under $B/win/wine. Prints the test's PASS/FAIL lines. A missing cross compiler or wine is a
# FAIL with the package to install, never a skip: `scripts/deps.sh test` installs both.
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

if ! "$MAKE" --no-print-directory -s B="$B" win >"$log/win-build.log" 2>&1; then
    echo "FAIL win32_build: make win failed:"
    tail -n 20 "$log/win-build.log" | sed 's/^/    /'
    exit 1
fi
echo "PASS win32_build"

# A prefix of our own: never the user's ~/.wine. win64 only (no 32-bit wine needed); no Mono or
# Gecko installer prompts; no debug chatter. The first run creates it (a few seconds).
export WINEPREFIX="$PWD/$WB/wine" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$WINEPREFIX"
# Output goes to a file, not a pipe: wineserver outlives the test and would hold a pipe open.
B="$WB" timeout 300 wine "$WB/tests/test_core_win32.exe" >"$log/win-test.out" 2>"$log/win-test.err"
rc=$?
# wine prints \r\n through the Windows C runtime.
tr -d '\r' <"$log/win-test.out" | grep -E '^(PASS|FAIL) '
if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log/win-test.out"; then
    echo "FAIL win32_core: wine exited with code $rc (log: $log/win-test.err)"
    tail -n 20 "$log/win-test.err" | sed 's/^/    /'
fi
wineserver -k >/dev/null 2>&1 || true
exit $rc
