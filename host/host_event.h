/* host_event.h - the host's events: the one list of every event the host can print, the
 * structured event its listeners get, and the calls that emit one.
 *
 * The list drives the printed line (`livehost: <name> key=value key="text"`), the overlay (the
 * list says which events it shows), --help's list of events and the check that the docs name
 * every one (tests/test_events.sh). Includes nothing of the host's: the event log is the
 * lowest layer, and everything above it may emit.
 */
#ifndef HOST_EVENT_H
#define HOST_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What the overlay does with an event (the list's third column). */
enum {
    HOST_EVENT_HIDDEN = 0, /* not shown */
    HOST_EVENT_NOTICE,     /* shown in the notice colour; never opens the overlay by itself */
    HOST_EVENT_OPENS,      /* a problem: shown, and it opens the overlay by itself */
};

/* Every event, in the order a session meets them: X(ID, name, overlay, fields, when).
 * fields: the keys in the order they are printed, [optional] ones bracketed, | between the
 * keys of different forms of the event. stuck, and the crash of old code outside a game call,
 * are written with write(2) by the watchdog thread and a signal handler (no stdio there), in
 * the same format. */
#define HOST_EVENT_LIST(X)                                                                         \
    X(START, "start", HOST_EVENT_HIDDEN,                                                           \
      "game assets size video renderer vsync fps preflight pid",                                   \
      "the host is up (kill -USR1 PID: a screenshot now)")                                         \
    X(LOADED, "loaded", HOST_EVENT_HIDDEN, "version path ms state_size tmp",                       \
      "the first good build runs")                                                                 \
    X(WAITING, "waiting", HOST_EVENT_OPENS, "path reason",                                         \
      "no good build at start: a waiting screen is shown")                                         \
    X(RELOADED, "reloaded", HOST_EVENT_HIDDEN, "version ms state [changes]",                       \
      "a new build runs; changes: the fields a migration carried over")                            \
    X(LAYOUT_UNCHECKED, "layout-unchecked", HOST_EVENT_HIDDEN, "reason",                           \
      "once: a build names its state_type but has no debug information")                           \
    X(RELOAD_FAILED, "reload-failed", HOST_EVENT_OPENS, "reason",                                  \
      "the new build did not load; the old code runs")                                             \
    X(REFUSED, "refused", HOST_EVENT_OPENS, "reason",                                              \
      "the host refused the new build; the old code runs")                                         \
    X(NOT_READY, "not-ready", HOST_EVENT_HIDDEN, "reason",                                         \
      "a build is half-written or gone; looked at again later")                                    \
    X(CRASH, "crash", HOST_EVENT_OPENS,                                                            \
      "signal [kind] [build] function [addr] at version | signal kind function addr build exit "   \
      "[state-saved] reason",                                                                      \
      "a game call faulted (the state is put back), or old code ran outside one (exit code 4)")    \
    X(STATE_REJECTED, "state-rejected", HOST_EVENT_HIDDEN, "path reason",                          \
      "a crash right after a state file was loaded: the file is blamed")                           \
    X(HANG, "hang", HOST_EVENT_OPENS, "function ms at version",                                    \
      "a game call ran past --watchdog-ms and was interrupted")                                    \
    X(ROLLBACK, "rollback", HOST_EVENT_OPENS, "version state reason",                              \
      "after a crash or hang: the build before runs again")                                        \
    X(SAFE_MODE, "safe-mode", HOST_EVENT_OPENS, "state reason",                                    \
      "a second failure, or nothing to roll back to: no game code runs")                           \
    X(STUCK, "stuck", HOST_EVENT_HIDDEN,                                                           \
      "function|loop ms exit [state-saved|state-save-failed] reason",                              \
      "a hang that cannot be interrupted, or a stalled frame loop: exit code 3")                   \
    X(RESET, "reset", HOST_EVENT_HIDDEN, "reason", "the game restarts with a fresh state")         \
    X(FORCE_RELOAD, "force-reload", HOST_EVENT_HIDDEN, "version",                                  \
      "the running build is loaded again, state kept")                                             \
    X(TIME, "time", HOST_EVENT_HIDDEN, "state speed updates",                                      \
      "pause, step, slow motion or fast forward")                                                  \
    X(RECORD, "record", HOST_EVENT_HIDDEN, "state [frames] [reason] [loops]",                      \
      "recording, looping the recording, or live again")                                           \
    X(RECORD_SAVED, "record-saved", HOST_EVENT_HIDDEN, "path frames",                              \
      "--record: the recording is in PATH")                                                        \
    X(RECORD_MIGRATED, "record-migrated", HOST_EVENT_HIDDEN, "[path] [changes]",                   \
      "the loop's start state was of another layout and was migrated")                             \
    X(RECORD_REFUSED, "record-refused", HOST_EVENT_HIDDEN, "[path] reason",                        \
      "a recording that cannot play")                                                              \
    X(REWIND, "rewind", HOST_EVENT_HIDDEN, "state [steps] [snapshots] [reason]",                   \
      "F12 held: rewinding started, stopped, or is off")                                           \
    X(STATE_TRACKING, "state-tracking", HOST_EVENT_HIDDEN, "state reason",                         \
      "once: a big state block cannot be write-protected")                                         \
    X(STATE_SAVED, "state-saved", HOST_EVENT_HIDDEN, "path bytes", "F4, --save-state")             \
    X(STATE_LOADED, "state-loaded", HOST_EVENT_HIDDEN, "path layout [changes]",                    \
      "F9, --load-state")                                                                          \
    X(STATE_REFUSED, "state-refused", HOST_EVENT_HIDDEN, "path reason",                            \
      "a state file that cannot be loaded; the running state stays")                               \
    X(STATE_SAVE_FAILED, "state-save-failed", HOST_EVENT_HIDDEN, "path reason",                    \
      "the state could not be written")                                                            \
    X(LOG, "log", HOST_EVENT_HIDDEN, "text", "a line from the game's log service")                 \
    X(FILE_ERROR, "file-error", HOST_EVENT_HIDDEN, "name reason",                                  \
      "the game's read_file or write_file failed")                                                 \
    X(INSPECTOR, "inspector", HOST_EVENT_HIDDEN, "open [rows]",                                    \
      "the state inspector's panel opened or closed")                                              \
    X(INSPECT, "inspect", HOST_EVENT_HIDDEN, "field type value",                                   \
      "--script's inspect: one per field")                                                         \
    X(INSPECT_UNAVAILABLE, "inspect-unavailable", HOST_EVENT_HIDDEN, "reason",                     \
      "no layout to inspect")                                                                      \
    X(STATE_EDIT, "state-edit", HOST_EVENT_HIDDEN, "field from to",                                \
      "the inspector or --script's set changed a field")                                           \
    X(STATE_EDIT_FAILED, "state-edit-failed", HOST_EVENT_HIDDEN, "field reason",                   \
      "an edit that was not made")                                                                 \
    X(ASSET_MISSING, "asset-missing", HOST_EVENT_NOTICE, "name reason",                            \
      "an image, font, sound or music file is missing or broken: a stand-in is used")              \
    X(ASSET_RELOADED, "asset-reloaded", HOST_EVENT_HIDDEN, "name ms",                              \
      "a saved image, font or sound replaced the old one")                                         \
    X(SOUND_OFF, "sound-off", HOST_EVENT_HIDDEN, "reason",                                         \
      "no audio device, or --audio-out could not be written: silence")                             \
    X(PADS_OFF, "pads-off", HOST_EVENT_HIDDEN, "reason", "SDL's game controllers cannot start")    \
    X(PAD_ADDED, "pad-added", HOST_EVENT_HIDDEN, "slot name", "a gamepad was plugged in")          \
    X(PAD_REMOVED, "pad-removed", HOST_EVENT_HIDDEN, "slot", "a gamepad was pulled out")           \
    X(BUILD_WATCH, "build-watch", HOST_EVENT_HIDDEN, "dirs cmd",                                   \
      "the host runs the build on every save")                                                     \
    X(BUILD_OFF, "build-off", HOST_EVENT_HIDDEN, "reason", "builds are up to the user")            \
    X(BUILD_START, "build-start", HOST_EVENT_HIDDEN, "file [wait]",                                \
      "a save (or the host's start) starts a build; wait: ms since the save")                      \
    X(BUILD_OK, "build-ok", HOST_EVENT_HIDDEN, "ms [warnings] [first]",                            \
      "the build command succeeded")                                                               \
    X(BUILD_FAILED, "build-failed", HOST_EVENT_HIDDEN, "ms errors first",                          \
      "the build command failed; the old code runs on")                                            \
    X(LIBRARY_LANDED, "library-landed", HOST_EVENT_HIDDEN, "path",                                 \
      "a build renamed or wrote the game library into place (seen while the host builds)")         \
    X(TIMELINE, "timeline", HOST_EVENT_HIDDEN,                                                     \
      "version from ms [wait] [build] detect copy check preflight load hook frame",                \
      "a new build's first frame was drawn: where the time since the save went")                   \
    X(CORE, "core", HOST_EVENT_HIDDEN, "level text", "a warning from the hot-reload core")         \
    X(WINDOW, "window", HOST_EVENT_HIDDEN, "size scale title | fullscreen [reason]",               \
      "the game's window settings, or Alt+Return")                                                 \
    X(SCREENSHOT, "screenshot", HOST_EVENT_HIDDEN, "path", "a screenshot was written")             \
    X(SCREENSHOT_FAILED, "screenshot-failed", HOST_EVENT_HIDDEN, "path reason",                    \
      "a screenshot could not be written")                                                         \
    X(ERROR, "error", HOST_EVENT_OPENS, "reason",                                                  \
      "the host cannot start (exit code 1) or the command line is wrong (exit code 2)")            \
    X(EXIT, "exit", HOST_EVENT_HIDDEN, "frames", "a clean end")

typedef enum host_event_kind {
#define HOST_EVENT_ENUM(id, name, overlay, fields, when) HOST_EVENT_##id,
    HOST_EVENT_LIST(HOST_EVENT_ENUM)
#undef HOST_EVENT_ENUM
    HOST_EVENT_COUNT
} host_event_kind;

/* How a field's value is printed. */
enum {
    HOST_FIELD_WORD = 0, /* text: bare when it is a plain word, else quoted */
    HOST_FIELD_TEXT,     /* text: always double-quoted, \" \\ \n escaped */
    HOST_FIELD_INT,      /* i, in decimal */
    HOST_FIELD_UINT,     /* u, in decimal */
    HOST_FIELD_REAL,     /* real, with `decimals` digits after the point */
};

/* One key=value of an event. */
typedef struct host_event_field {
    const char *key;  /* NULL ends a list of fields */
    int type;         /* HOST_FIELD_* */
    const char *text; /* WORD, TEXT: the value, unescaped; NULL leaves the field out */
    int64_t i;        /* INT */
    uint64_t u;       /* UINT */
    double real;      /* REAL */
    int decimals;     /* REAL */
    int absent;       /* 1 leaves the field out (an optional number) */
} host_event_field;

#define HOST_WORD(k, v)                                                                            \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_WORD, .text = (v)                                           \
    }
#define HOST_TEXT(k, v)                                                                            \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_TEXT, .text = (v)                                           \
    }
#define HOST_INT(k, v)                                                                             \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_INT, .i = (v)                                               \
    }
#define HOST_UINT(k, v)                                                                            \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_UINT, .u = (v)                                              \
    }
#define HOST_REAL(k, v, d)                                                                         \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_REAL, .real = (v), .decimals = (d)                          \
    }
/* A number printed only when present is true (present 0: the field is left out). */
#define HOST_UINT_IF(k, v, present)                                                                \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_UINT, .u = (v), .absent = !(present)                        \
    }
#define HOST_REAL_IF(k, v, d, present)                                                             \
    {                                                                                              \
        .key = (k), .type = HOST_FIELD_REAL, .real = (v), .decimals = (d), .absent = !(present)    \
    }

/* What listeners get: valid during the call only. */
typedef struct host_event_data {
    host_event_kind kind;
    const char *name;               /* the list's name, "crash" */
    int overlay;                    /* HOST_EVENT_HIDDEN, _NOTICE or _OPENS */
    uint64_t t_ns;                  /* host_now_ns() when it was emitted */
    const host_event_field *fields; /* ended by a NULL key; see host_event_is_present */
} host_event_data;

/* Emits one event: its line on stderr, then every listener on this thread. E.g.
 *     host_event(ASSET_MISSING, HOST_WORD("name", name), HOST_TEXT("reason", why));
 * Must not be called from a signal handler (stdio is not async-signal-safe). */
#define host_event(id, ...)                                                                        \
    host_event_emit(HOST_EVENT_##id, (const host_event_field[]){ __VA_ARGS__, { 0 } })
void host_event_emit(host_event_kind kind, const host_event_field *fields);

/* Called with every event emitted on the thread that added it (up to four listeners; the
 * overlay is one, added by main). Events of other threads reach no listener. */
typedef void (*host_event_listener)(const host_event_data *event);
void host_event_listen(host_event_listener listener);
/* Removes a listener added before (at close). */
void host_event_unlisten(host_event_listener listener);

/* The event's name, from the list. */
const char *host_event_name(host_event_kind kind);
/* Prints every event of the list, one per line (name, fields, when), for --help. */
void host_event_print_list(FILE *out);

/* The event's fields as its line prints them ("version=3 state=kept"), cut to size bytes. */
void host_event_fields_text(const host_event_data *event, char *out, size_t size);
/* 0 for a field the line leaves out: NULL text, or absent. */
int host_event_is_present(const host_event_field *field);
/* The text of a WORD or TEXT field called key, or NULL when the event has none. */
const char *host_event_text(const host_event_data *event, const char *key);
/* The value of an INT, UINT or REAL field called key (the number itself, not its printed
 * digits), or none when the event has no such field or leaves it out. */
double host_event_number(const host_event_data *event, const char *key, double none);
/* The event's fields for a reader: as the line prints them, but the reason last, unquoted,
 * after a colon ("version=3 state=kept: update crashed"); control characters become spaces. */
void host_event_describe(const host_event_data *event, char *out, size_t size);

/* Writes text into buf as a double-quoted value (\" \\ \n escaped, cut to fit) and returns buf. */
const char *host_event_quote(char *buf, size_t size, const char *text);
/* Like host_event_quote, but leaves a plain word (no space, quote or control byte) bare. */
const char *host_event_word(char *buf, size_t size, const char *text);

/* The game's log service: one "log text=..." event. */
void host_event_game_log(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif /* HOST_EVENT_H */
