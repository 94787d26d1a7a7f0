/* host_event.c - the host's event log: one line per event on stderr, never one per frame, and
 * the reading of an event's fields back (the overlay shows what the log says).
 *
 * Format: livehost: <event> key=value key="quoted text"
 * Values that are plain words stay bare; free text is double-quoted with \" \\ \n escaped,
 * so every line greps and splits the same way. The events, in the order a session meets them:
 *
 *   livehost: start game=PATH assets=DIR size=WxH video=window|headless renderer=NAME
 *               preflight=PATH|none pid=N   (kill -USR1 N: a screenshot now)
 *   livehost: loaded version=N path=PATH ms=F state_size=N tmp=DIR
 *   livehost: waiting path=PATH reason="..."     no good build at start; waiting screen shown
 *   livehost: reloaded version=N ms=F state=kept|migrated|fresh [changes="..."]
 *                                                changes: the fields a migration carried over
 *   livehost: layout-unchecked reason="..."      once: a build names its state_type but has no
 *                                                debug information to read the layout from
 *   livehost: reload-failed reason="..."         the new build did not load; old code runs
 *   livehost: refused reason="..."               the host refused the new build; old code runs
 *   livehost: not-ready reason="..."             a build is half-written or gone; looked at
 *                                                again later (a build in its pre-flight is the
 *                                                normal path and has no event)
 *   livehost: crash signal=SIGSEGV function=update addr=0x0 at="FUNC FILE:LINE in LIB+0xOFF"
 *               version=N                        a game call faulted; the state is put back;
 *                                                LIB is the file the user built, not the copy;
 *                                                no addr= when the kernel gave none (abort,
 *                                                raise, kill, x86's int3); kind=stack-overflow
 *                                                after signal= for a SIGSEGV in or just below
 *                                                the thread's stack
 *   livehost: hang function=update ms=N at="..." version=N
 *                                                a game call ran past --watchdog-ms and was
 *                                                interrupted in game code; handled like a crash
 *   livehost: rollback version=N state=restored|kept|unrestored reason="..."
 *                                                after a crash or hang: the build before runs
 *                                                again; the one that failed is never reloaded
 *   livehost: safe-mode state=... reason="..."   a second failure, or nothing to roll back to:
 *                                                no game code runs until a new build loads
 *   livehost: stuck function=NAME|loop=frame ms=N exit=3 [state-saved=FILE] reason="..."
 *                                                a hang that cannot be interrupted (a system
 *                                                call, a lock) or a stalled frame loop: the
 *                                                host writes --save-state (state-save-failed=
 *                                                FILE if it could not) and ends with exit code
 *                                                3 (written by the watchdog thread with
 *                                                write(2))
 *   livehost: reset reason="..."                 the game restarts with a fresh state
 *   livehost: force-reload version=N             F6: the running build is loaded again, state
 *                                                kept (a reloaded event follows)
 *   livehost: time state=paused|running|step speed=X updates=N
 *                                                F7, F8, F10, F11, --pause, --speed: X is 0.25,
 *                                                0.5, 1, 2 or 4; N counts the updates run so far
 *   livehost: record state=recording             F2: state kept, every update's input recorded
 *   livehost: record state=looping frames=N      F2 again, or --replay: the recording loops
 *   livehost: record state=live reason=WHY loops=N   F3, F5, F2, rewind, refused, exit: play
 *                                                goes on live after N runs of the loop
 *   livehost: record-saved path=PATH frames=N    --record: the recording is in PATH
 *   livehost: record-migrated [path=PATH] [changes="..."]   the loop's start state was of
 *                                                another layout (a rebuild in the loop, a
 *                                                --replay of an older build) and was migrated
 *   livehost: record-refused [path=PATH] reason="..."   a recording that cannot play: a bad
 *                                                file, or a layout no migration takes (the
 *                                                field named)
 *   livehost: rewind state=started snapshots=N   F12 held: N steps back are available
 *   livehost: rewind state=stopped steps=N snapshots=N
 *   livehost: rewind state=off reason="..."      no memory for the history
 *   livehost: state-tracking state=off reason="..."   once: a big state block cannot be
 *                                                write-protected; frames compare and copy it
 *   livehost: state-saved path=PATH bytes=N      F4, --save-state (at exit)
 *   livehost: state-loaded path=PATH layout=same|migrated [changes="..."]   F9, --load-state;
 *                                                changes: the fields that moved, as in reloaded
 *   livehost: state-refused path=PATH reason="..."   not a state file, cut short, a layout
 *                                                text that cannot be read, another API
 *                                                version, or a layout no migration takes (the
 *                                                field named); the running state stays
 *   livehost: state-save-failed path=PATH reason="..."
 *   livehost: log text="..."                     a line from the game's log service
 *   livehost: inspector open=1 rows=N | open=0    the state inspector's panel opened / closed
 *   livehost: inspect field=PATH type=TYPE value=VALUE
 *                                                --script's inspect: one per field, nested
 *                                                field and array element
 *   livehost: inspect-unavailable reason="..."   no layout to inspect (no game, no state_type,
 *                                                no debug information): once per request
 *   livehost: state-edit field=PATH from=OLD to=NEW   the inspector or --script's set
 *                                                changed a field of the state
 *   livehost: state-edit-failed field=PATH reason="..."   an edit that was not made
 *   livehost: asset-missing name=NAME reason="..."   an image gets a placeholder texture, a
 *                                                font the built-in font, a sound or music
 *                                                plays silence (at first use, or when a saved
 *                                                file breaks)
 *   livehost: asset-reloaded name=NAME ms=F      a saved image, font or sound replaced the old
 *                                                one (same handle; music starts over)
 *   livehost: sound-off reason="..."             no audio device could be opened: the game
 *                                                runs in silence
 *   livehost: build-watch dirs="DIR ..." cmd="..."   the host runs the build on every save
 *   livehost: build-off reason="..."             --no-build (or implied by --game), or nothing
 *                                                to watch: builds are up to the user
 *   livehost: build-start file=PATH|(start)      a save (the burst's first file) starts a build,
 *                                                or the host starts (the build at start)
 *   livehost: build-ok ms=N [warnings=N first="..."]   the build command succeeded; the
 *                                                compiler's warnings are an overlay notice
 *   livehost: build-failed ms=N errors=N first="file:line: message"
 *                                                the old code keeps running; the overlay shows
 *                                                the compiler's messages
 *   livehost: timeline version=N from=save|start|library ms=F [wait=F build=F] detect=F
 *               copy=F check=F preflight=F load=F hook=F frame=F
 *                                                a new build's first frame was drawn: ms from
 *                                                the save (the host's build), the host's start
 *                                                (the build at start) or the library's write
 *                                                (a build of someone else's), and where they
 *                                                went, as the overlay's timeline shows them;
 *                                                frame: from the load to that frame
 *   livehost: core level=warning text="..."      a warning from the hot-reload core
 *   livehost: window size=WxH scale=fit|none title="..."   the game's window settings, at
 *                                                its first load
 *   livehost: window fullscreen=0|1 [reason="..."]   Alt+Return: desktop fullscreen on or off
 *                                                (reason: SDL refused, nothing changed)
 *   livehost: screenshot path=PATH
 *   livehost: screenshot-failed path=PATH reason="..."
 *   livehost: error reason="..."                 the host cannot start (exit code 1) or the
 *                                                command line is wrong (exit code 2)
 *   livehost: exit frames=N
 *
 * Owns no state; hands every line to the overlay (host_overlay_note), so the screen says what
 * the log says. Must not be called from a signal handler (stdio is not async-signal-safe).
 */
#include "host.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void host_event(const char *name, const char *fields, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fields);
    vsnprintf(line, sizeof line, fields, ap);
    va_end(ap);
    /* One fputs per line, so lines from the core's log callback never interleave mid-line. */
    char out[2200];
    snprintf(out, sizeof out, "livehost: %s%s%s\n", name, line[0] ? " " : "", line);
    fputs(out, stderr);
    host_overlay_note(name, line);
    fflush(stderr);
}

const char *host_event_quote(char *buf, size_t size, const char *text)
{
    size_t n = 0;
    if (size < 3) {
        if (size)
            buf[0] = 0;
        return buf;
    }
    buf[n++] = '"';
    for (const char *p = text ? text : ""; *p; p++) {
        char esc = *p == '"' ? '"' : *p == '\\' ? '\\' : *p == '\n' ? 'n' : 0;
        size_t need = esc ? 2 : 1;
        if (n + need + 2 > size)
            break; /* keep room for the closing quote and the terminator */
        if (esc) {
            buf[n++] = '\\';
            buf[n++] = esc;
        } else {
            buf[n++] = (unsigned char)*p < ' ' ? ' ' : *p;
        }
    }
    buf[n++] = '"';
    buf[n] = 0;
    return buf;
}

const char *host_event_word(char *buf, size_t size, const char *text)
{
    int plain = text && text[0];
    for (const char *p = text; plain && *p; p++)
        plain = (unsigned char)*p > ' ' && *p != '"' && *p != '\\';
    if (plain && strlen(text) < size) {
        memcpy(buf, text, strlen(text) + 1);
        return buf;
    }
    return host_event_quote(buf, size, text);
}

void host_event_game_log(const char *fmt, ...)
{
    char text[1024], quoted[1100];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    host_event("log", "text=%s", host_event_quote(quoted, sizeof quoted, text));
}

/* ---- Reading event fields back (the overlay shows what the log says) ---- */

int host_event_field(const char *fields, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    for (const char *p = fields; (p = strstr(p, key)) != NULL; p += klen) {
        if ((p != fields && p[-1] != ' ') || p[klen] != '=')
            continue;
        const char *v = p + klen + 1;
        size_t n = 0;
        if (*v != '"') {
            n = strcspn(v, " ");
            snprintf(out, size, "%.*s", (int)n, v);
            return 1;
        }
        for (v++; *v && *v != '"' && n + 1 < size; v++) {
            int escaped = *v == '\\' && v[1];
            v += escaped;
            out[n++] = escaped && *v == 'n' ? ' ' : *v;
        }
        out[n] = 0;
        return 1;
    }
    return 0;
}

void host_event_describe(const char *fields, char *out, size_t size)
{
    char reason[600];
    if (!host_event_field(fields, "reason", reason, sizeof reason)) {
        snprintf(out, size, "%s", fields);
        return;
    }
    const char *at = strstr(fields, "reason=");
    while (at && at != fields && at[-1] != ' ')
        at = strstr(at + 1, "reason=");
    int before = at ? (int)(at - fields) : 0;
    while (before > 0 && fields[before - 1] == ' ')
        before--;
    snprintf(out, size, "%.*s%s%.500s", before, fields, before ? ": " : "", reason);
}
