# scripts/livehost.gdb - gdb settings for a game running under the livehost host (make debug).
#
# Every reload loads a new private copy of the game library (/dev/shm/hr-PID-XXXX/N-game.so);
# the copy is byte for byte the build, debug information included, so gdb reads its symbols on
# each load and moves breakpoints on game code into the new code:
#     (gdb) break game.c:60        a line of the game
#     (gdb) break game_update      a function, static ones included
#     (gdb) run
# Save a change (the host rebuilds it), continue, and the breakpoint stops in the new build.
# `info sharedlibrary` shows which copy is loaded; the old one is gone after a reload.

# A breakpoint on game code is set before the library is loaded, and again after each reload.
set breakpoint pending on
# The host starts hr-preflight and the build as child processes: stay with the host.
set follow-fork-mode parent
set detach-on-fork on
# Every reload adds and removes a library; say nothing about threads coming and going.
set print thread-events off
# The watchdog interrupts a hung game call with SIGUSR2 (it stays quiet while a debugger is
# attached, but a signal already on its way should not stop the session).
handle SIGUSR2 nostop noprint pass
# A crash in game code stops here first: look at it, then `continue` lets the host's crash
# guard recover, exactly as without gdb.
