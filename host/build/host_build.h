/* host_build.h - the build the host runs on every save (host_build.c), a failed build's output made
 * readable (host_build_output.c), and the source lines around a compiler message
 * (host_source.c).
 */
#ifndef HOST_BUILD_H
#define HOST_BUILD_H

#include "host_args.h"

#include <stddef.h>

/* ---- host_build.c: the host runs the build on every save (--watch-dir, --build-cmd) ---- */

/* Watches args->watch_dirs unless --no-build, and starts the build at start (run in
 * args->project_dir, like every build; host_build_is_running() tells when it ended). Returns 0,
 * or -1 after a "build-off" event (nothing to watch: the host still reloads external builds). */
int host_build_open(const host_args *args);
/* Notes saves, starts a build once a save has settled, collects a finished one (once per frame,
 * and after host_build_wait; never blocks). Returns 1 when a new library may be in place: the
 * build renamed it there, or a build ended. */
int host_build_poll(void);
/* Sleeps up to timeout_ms, less when a save comes in, a pending build is due, the build's
 * library lands or its output arrives or ends. Returns 1 when host_build_poll has something to
 * do, 0 when the time ran out with nothing new (an idle frame adds no read). Without host
 * builds, a plain sleep. */
int host_build_wait(int timeout_ms);
/* 1 while a build runs. */
int host_build_is_running(void);
/* The compiler's lines of the last finished build, for whoever shows them with its build-ok or
 * build-failed event: a failed build's errors first, then its other diagnostics (or why it
 * failed); a good build's warnings, "" without any. Owned by host_build.c: valid until the next
 * build ends. */
const char *host_build_messages(void);
/* Stops a running build (its whole process group) and closes the watch. */
void host_build_close(void);

/* ---- host_build_output.c: a failed build's output, made readable ---- */

/* Picks the compiler's messages out of a build's output text: errors first, in order, then the
 * other diagnostics (warnings, notes); without any, the last lines (make's own complaint).
 * Writes them to messages (size bytes), counts the errors into *errors and writes the first as
 * "file:line: message" to first (first_size bytes). */
void host_build_summarize(const char *text, char *messages, size_t size, int *errors, char *first,
                          size_t first_size);
/* The compiler's warnings in a build's output: their lines to messages (size bytes), the first
 * to first (first_size bytes). Returns how many there are. */
int host_build_warnings(const char *text, char *messages, size_t size, char *first,
                        size_t first_size);

/* ---- host_source.c: the source lines around a compiler message ---- */

/* Reads the file a compiler message names ("game/game.c:67:5: error: ..."; a relative name is
 * looked for under root, the watched directories' parents and the watched directories, the
 * places a build may have compiled it from, preferring a file inside a watched directory) and
 * writes the lines around that line to out (size bytes), one per line as " 65 | text", the
 * message's line as "> 67 | text". Returns how many lines it wrote, 0 when the message names
 * no line of a readable file. */
int host_source_excerpt(const char *message, const char *root, const char *const *watched,
                        int watched_count, char *out, size_t size);

#endif /* HOST_BUILD_H */
