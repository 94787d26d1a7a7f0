/* host_overlay.c - the in-window overlay (F1): frame time, fps, the library version, the state
 * block's size, where the time went between the last save and its first frame, and every
 * problem the host has to tell: compiler messages (with the source lines around the first
 * error), crashes, hangs, refused and failed builds. The panel is opaque, so the game's own
 * text under it never mixes with the overlay's.
 *
 * Owns only what it shows. It learns everything from the events (main adds
 * host_overlay_on_event as a listener: the structured event, whose list says which events are
 * shown and which open the overlay, so the screen says what the log says): problems, and the
 * save-to-pixels timeline, put together from the timestamps of build-start, library-landed,
 * build-ok or build-failed and loaded or reloaded. With a build's end it takes that build's
 * compiler lines (host_build_messages), and with a load the core's phase timings
 * (host_game_info_get). It is drawn by the host after the game, with the host's own font, so
 * it keeps working when the game library is broken, crashed or not built yet.
 * Shown by default only while something is wrong; F1 toggles it, --overlay keeps it on and
 * --no-overlay keeps it off until F1. Problems clear when the next good build loads.
 * Never calls game code and never does a system call per frame.
 */
#include "host_overlay.h"
#include "host_args.h"
#include "host_build.h"
#include "host_clock.h"
#include "host_draw.h"
#include "host_event.h"
#include "host_input.h"
#include "host_os.h"

#include <stdio.h>
#include <string.h>

#include <stb_easy_font.h>

enum {
    PROBLEM_MAX = 6, /* problems kept; a new one pushes out the oldest */
    LINE_MAX = 160,  /* bytes of one drawn line */
    FONT_LINE = 12,  /* stb_easy_font's line advance at scale 1 */
    PAD = 6,         /* panel margin and padding, pixels */
};

/* Opaque: the game's own text under a see-through panel would mix with the overlay's. */
#define COLOR_PANEL 0x000000ffu
#define COLOR_HUD 0x9ce0ffffu /* frame time, version, state size */
#define COLOR_TIMELINE 0xd0d0d0ffu
#define COLOR_ERROR 0xff6b6bffu   /* problem titles: "build failed", "crash" */
#define COLOR_MESSAGE 0xffd6a0ffu /* compiler lines and reasons */
#define COLOR_NOTICE 0xe8e070ffu  /* asset problems, build warnings: shown, never open it */
#define COLOR_SOURCE 0xb8c4ffffu  /* the source lines around the first compile error */

#define MIGRATED "state migrated" /* the notice of a migration by field name */

typedef struct problem {
    char title[32];  /* the event name */
    char text[600];  /* its fields, the reason unquoted */
    char asset[128]; /* asset-missing: the name, so asset-reloaded can clear it */
    int notice;      /* shown in the notice colour */
} problem;

static struct {
    int open;
    int mode; /* 1 --overlay, -1 --no-overlay, 0 shown while something is wrong */
    int visible;
    int auto_shown; /* opened by a problem, not F1: closes again when they clear */
    int width, height;
    const host_args *args; /* where a compiler message's file may be (host_source_excerpt) */

    uint64_t frame_start, window_start; /* frame timing: this frame, the fps window */
    double frame_ms, fps;
    int window_frames;

    int in_check;    /* between check_begin and check_end */
    int reload_seen; /* during this check: 1 a reloaded event, 2 the first build's loaded */

    int building; /* a host-driven build runs (build-start, not yet its end) */
    int build_ok; /* the last build: ok, duration, its save, start and end times */
    double build_ms;
    uint64_t build_changed_ns, build_started_ns, build_done_ns;
    int build_unloaded;        /* that build succeeded and nothing was loaded since */
    uint64_t landed_ns;        /* library-landed since the last load, 0 for none */
    int landed_while_building; /* ... while a host build ran: that build's library */

    struct {
        int valid;
        int built; /* the host ran the build (else: an external build) */
        int saved; /* ... after a save (else: at start, with no library to load) */
        double debounce, build, detect, copy, check, preflight, load, hook, total;
        double frame;            /* from the end of the check that loaded it to its first frame */
        uint64_t loaded_ns;      /* ... that check's end */
        uint64_t origin_ns;      /* the save (host build) or the library's landing */
        int total_pending;       /* total is taken when the first frame of the new code is drawn */
        uint64_t first_frame_ns; /* ... at this time */
        int await_build;  /* the reload came before its build was reaped: figures to follow */
        int reported;     /* the timeline event was printed (or is not to be) */
        unsigned version; /* the build it is about */
    } tl;

    char compile[4096]; /* the last failed build's compiler lines */
    int compile_errors;
    char source[1024];   /* the lines around its first error, marked ('>') */
    char warnings[2048]; /* the last good build's warnings: a notice, never opens the overlay */
    int warning_count;
    problem problems[PROBLEM_MAX];
    int problem_count;
} ov;

static double ms_between(uint64_t from, uint64_t to)
{
    return to > from ? (double)(to - from) / 1e6 : 0;
}

void host_overlay_resize(int width, int height)
{
    ov.width = width;
    ov.height = height;
}

void host_overlay_open(const host_args *args)
{
    memset(&ov, 0, sizeof ov);
    ov.open = 1;
    ov.mode = args->overlay;
    ov.visible = args->overlay > 0;
    ov.width = args->width;
    ov.height = args->height;
    ov.args = args;
}

void host_overlay_close(void)
{
    memset(&ov, 0, sizeof ov);
}

int host_overlay_is_visible(void)
{
    return ov.visible;
}

void host_overlay_toggle(void)
{
    ov.visible = !ov.visible;
    ov.auto_shown = 0; /* the user decides from now on */
}

static void show_for_problem(void)
{
    if (ov.mode == 0 && !ov.visible) {
        ov.visible = 1;
        ov.auto_shown = 1;
    }
}

static void hide_if_clear(void)
{
    int notices = 0;
    for (int i = 0; i < ov.problem_count; i++)
        notices += ov.problems[i].notice;
    if (ov.auto_shown && !ov.compile[0] && ov.problem_count == notices) {
        ov.visible = 0;
        ov.auto_shown = 0;
    }
}

static void remove_problem(int i)
{
    memmove(&ov.problems[i], &ov.problems[i + 1],
            (size_t)(ov.problem_count - i - 1) * sizeof ov.problems[0]);
    ov.problem_count--;
}

/* A build whose state was migrated by field name: what changed, as a notice (it never opens
 * the overlay; the next build's replaces it). */
static void note_migration(const char *changes)
{
    if (!changes)
        return;
    if (ov.problem_count == PROBLEM_MAX)
        remove_problem(0);
    problem *p = &ov.problems[ov.problem_count++];
    snprintf(p->title, sizeof p->title, "%s", MIGRATED);
    snprintf(p->text, sizeof p->text, "%s", changes);
    host_draw_ascii(p->text);
    p->asset[0] = 0;
    p->notice = 1;
}

/* The timeline of a reload the host's own build made counts from the save (or, for the build
 * at start, from the build's start). */
static void take_build_figures(void)
{
    ov.tl.saved = ov.build_changed_ns != 0;
    ov.tl.debounce = ov.tl.saved ? ms_between(ov.build_changed_ns, ov.build_started_ns) : 0;
    ov.tl.build = ov.build_ms;
    ov.tl.origin_ns = ov.tl.saved ? ov.build_changed_ns : ov.build_started_ns;
    if (!ov.tl.total_pending) /* the new code's first frame was drawn already */
        ov.tl.total = ms_between(ov.tl.origin_ns, ov.tl.first_frame_ns);
}

/* The timeline event: once per loaded build, when both its first frame and (for a host build)
 * the build's figures are known. Not for a library that was simply there (the first load of a
 * --game, F6 on an old build): its age is no build's latency. */
static void report_timeline(void)
{
    if (ov.tl.reported || ov.tl.total_pending || ov.tl.await_build)
        return;
    ov.tl.reported = 1;
    const char *from = ov.tl.built ? (ov.tl.saved ? "save" : "start") : "library";
    host_event(
        TIMELINE, HOST_UINT("version", ov.tl.version), HOST_WORD("from", from),
        HOST_REAL("ms", ov.tl.total, 1), HOST_REAL_IF("wait", ov.tl.debounce, 1, ov.tl.built),
        HOST_REAL_IF("build", ov.tl.build, 1, ov.tl.built), HOST_REAL("detect", ov.tl.detect, 1),
        HOST_REAL("copy", ov.tl.copy, 2), HOST_REAL("check", ov.tl.check, 2),
        HOST_REAL("preflight", ov.tl.preflight, 1), HOST_REAL("load", ov.tl.load, 2),
        HOST_REAL("hook", ov.tl.hook, 2), HOST_REAL("frame", ov.tl.frame, 1));
}

/* The code around the first error (errors come first in messages). */
static void find_source(const char *messages)
{
    ov.source[0] = 0;
    if (!ov.args || ov.compile_errors <= 0)
        return;
    host_source_excerpt(messages, ov.args->project_dir, ov.args->watch_dirs,
                        ov.args->watch_dir_count, ov.source, sizeof ov.source);
    host_draw_ascii(ov.source);
}

/* build-start: the time of the save that started it is wait= before the event's. */
static void build_started(const host_event_data *ev)
{
    const double wait = host_event_number(ev, "wait", -1);
    ov.building = 1;
    ov.build_started_ns = ev->t_ns;
    ov.build_changed_ns = wait >= 0 ? ev->t_ns - (uint64_t)(wait * 1e6) : 0;
    ov.build_unloaded = 0;
}

/* library-landed: the next load is of this library. A host build renames it into place a
 * moment before it exits, so one landing while a build runs is that build's. */
static void library_landed(const host_event_data *ev)
{
    if (ov.tl.await_build)
        return; /* the running build's library was loaded already: this is its landing */
    ov.landed_ns = ev->t_ns;
    ov.landed_while_building = ov.building;
}

/* build-ok, build-failed: the build's figures, its warnings or its errors (errors first in its
 * messages, which host_build.c keeps until the next build ends). */
static void build_finished(const host_event_data *ev)
{
    const int ok = ev->kind == HOST_EVENT_BUILD_OK;
    const int count = (int)host_event_number(ev, ok ? "warnings" : "errors", 0);
    const char *messages = host_build_messages();
    ov.building = 0;
    ov.build_ok = ok;
    ov.build_ms = host_event_number(ev, "ms", 0);
    ov.build_done_ns = ev->t_ns;
    ov.build_unloaded = ok;
    if (ov.tl.await_build) {
        ov.tl.await_build = 0;
        if (ok)
            take_build_figures();
        else
            ov.tl.built = 0; /* not this build's library after all */
        report_timeline();
    }
    ov.warnings[0] = 0;
    ov.warning_count = 0;
    if (ok) {
        ov.compile[0] = ov.source[0] = 0; /* the sources compile again; a load problem may
                                             still follow */
        ov.compile_errors = 0;
        snprintf(ov.warnings, sizeof ov.warnings, "%s", messages);
        host_draw_ascii(ov.warnings);
        ov.warning_count = count;
        hide_if_clear();
        return;
    }
    snprintf(ov.compile, sizeof ov.compile, "%s", messages);
    ov.compile_errors = count;
    find_source(messages);
    host_draw_ascii(ov.compile);
    show_for_problem();
}

void host_overlay_on_event(const host_event_data *ev)
{
    if (!ov.open)
        return;
    switch (ev->kind) {
    case HOST_EVENT_BUILD_START: build_started(ev); return;
    case HOST_EVENT_LIBRARY_LANDED: library_landed(ev); return;
    case HOST_EVENT_BUILD_OK:
    case HOST_EVENT_BUILD_FAILED: build_finished(ev); return;
    default: break;
    }
    if (ev->kind == HOST_EVENT_LOADED || ev->kind == HOST_EVENT_RELOADED) {
        /* A good build is in: every problem of the old code is gone, asset ones are not. */
        for (int i = ov.problem_count - 1; i >= 0; i--)
            if (!ov.problems[i].notice || strcmp(ov.problems[i].title, MIGRATED) == 0)
                remove_problem(i);
        note_migration(host_event_text(ev, "changes"));
        ov.compile[0] = ov.source[0] = 0;
        ov.compile_errors = 0;
        ov.reload_seen = ov.in_check ? (ev->kind == HOST_EVENT_LOADED ? 2 : 1) : 0;
        hide_if_clear();
        return;
    }
    const char *asset = host_event_text(ev, "name");
    if (ev->kind == HOST_EVENT_ASSET_RELOADED) {
        for (int i = ov.problem_count - 1; asset && i >= 0; i--)
            if (ov.problems[i].notice && strcmp(ov.problems[i].asset, asset) == 0)
                remove_problem(i);
        return;
    }
    if (ev->overlay == HOST_EVENT_HIDDEN)
        return;
    const int opens = ev->overlay == HOST_EVENT_OPENS;
    if (opens)
        asset = NULL;
    for (int i = ov.problem_count - 1; asset && i >= 0; i--)
        if (strcmp(ov.problems[i].asset, asset) == 0)
            remove_problem(i); /* the same asset again: one line is enough */
    if (ov.problem_count == PROBLEM_MAX)
        remove_problem(0);
    problem *p = &ov.problems[ov.problem_count++];
    snprintf(p->title, sizeof p->title, "%s", ev->name);
    host_event_describe(ev, p->text, sizeof p->text);
    host_draw_ascii(p->text);
    snprintf(p->asset, sizeof p->asset, "%s", asset ? asset : "");
    p->notice = !opens;
    if (opens)
        show_for_problem();
}

void host_overlay_frame_begin(void)
{
    const uint64_t now = host_frame_clock_ns();
    if (!ov.window_start)
        ov.window_start = now;
    if (++ov.window_frames >= 30 || now - ov.window_start > 1000000000u) {
        ov.fps = ov.window_frames / ms_between(ov.window_start, now) * 1000.0;
        ov.window_start = now;
        ov.window_frames = 0;
    }
    ov.frame_start = now;
}

void host_overlay_check_begin(void)
{
    ov.in_check = 1;
    ov.reload_seen = 0;
}

/* A build was loaded during this check: work out where the time went since the save. */
void host_overlay_check_end(void)
{
    ov.in_check = 0;
    if (!ov.reload_seen)
        return;
    const int first_load = ov.reload_seen == 2;
    uint64_t end = host_now_ns();
    host_game_info info;
    host_game_info_get(&info);
    double check_call = ms_between(info.look_ns, end);
    ov.tl.copy = (double)info.copy_ns / 1e6;
    ov.tl.check = (double)info.check_ns / 1e6;
    ov.tl.preflight = (double)info.preflight_ns / 1e6;
    ov.tl.load = (double)info.load_ns / 1e6;
    /* The check that finished the load also ran the reload hook (and printed its events). */
    ov.tl.hook = check_call > ov.tl.load ? check_call - ov.tl.load : 0;

    double phases = ov.tl.copy + ov.tl.check + ov.tl.preflight + ov.tl.load + ov.tl.hook;

    /* Whose library this is, as the events told: one that landed while a host build ran is
     * that build's (which may not have exited yet: its figures follow with build-ok), one that
     * landed otherwise is someone else's build. Nothing landed: at the first load after a good
     * build that found the library up to date, the library is that build's, in place since its
     * end; else it was simply there (the first load of a --game, F6), and its age is no build's
     * latency. From the landing to the end of this check, minus the phases, is the time the
     * change waited to be noticed. */
    ov.tl.built =
        ov.landed_ns ? ov.landed_while_building : ov.building || (first_load && ov.build_unloaded);
    uint64_t landed = ov.landed_ns;
    if (!landed && ov.tl.built && !ov.building)
        landed = ov.build_done_ns;
    const double since_landing = landed ? ms_between(landed, end) : phases;
    ov.tl.detect = since_landing > phases ? since_landing - phases : 0;
    ov.tl.origin_ns = end - (uint64_t)(since_landing * 1e6);
    ov.tl.await_build = ov.tl.built && ov.building;
    if (ov.tl.built && !ov.tl.await_build)
        take_build_figures();
    ov.tl.reported = !ov.tl.built && (first_load || !ov.landed_ns);
    ov.landed_ns = 0; /* one load per landing, and per build */
    ov.build_unloaded = 0;
    ov.tl.valid = 1;
    ov.tl.total_pending = 1;
    ov.tl.version = info.version;
    ov.tl.loaded_ns = end;
}

/* One drawn line of the panel. */
typedef struct panel_line {
    char text[LINE_MAX];
    uint32_t color;
    float indent;
} panel_line;

/* Appends text as wrapped lines (continuation lines indented by cont_indent pixels) to the
 * panel's lines from index at, up to max. Returns how many it used. */
static int wrap(panel_line *lines, int at, int max, float width, uint32_t color, const char *text,
                float cont_indent)
{
    int n = 0;
    int first = 1;
    while (*text && at + n < max) {
        float indent = first ? 0 : cont_indent;
        size_t used = host_draw_fit(text, width - indent, lines[at + n].text, LINE_MAX);
        lines[at + n].color = color;
        lines[at + n].indent = indent;
        n++;
        text += used;
        first = text[0] == '\n';
        while (*text == ' ' || *text == '\n')
            text++;
    }
    return n;
}

static void timeline(char *out, size_t size)
{
    char build[96] = "external build";
    if (ov.tl.await_build)
        snprintf(build, sizeof build, "build (finishing)");
    else if (ov.tl.built && ov.tl.saved)
        snprintf(build, sizeof build, "save +%.0f ms > build %.0f ms", ov.tl.debounce, ov.tl.build);
    else if (ov.tl.built)
        snprintf(build, sizeof build, "build at start %.0f ms", ov.tl.build);
    snprintf(out, size,
             "last change: %s > detect %.1f > copy %.1f > check %.2f > pre-flight %.1f > "
             "load %.1f > reload hook %.2f ms = %.0f ms %s to pixels",
             build, ov.tl.detect, ov.tl.copy, ov.tl.check, ov.tl.preflight, ov.tl.load, ov.tl.hook,
             ov.tl.total, ov.tl.built && !ov.tl.saved ? "start" : "save");
}

void host_overlay_render(void)
{
    /* The clock is read only for what uses it: the frame time a shown panel prints, the first
     * frame of new code for the timeline. A hidden panel's frame time starts afresh. */
    if ((!ov.open || !ov.visible) && !ov.tl.total_pending) {
        ov.frame_ms = 0;
        return;
    }
    const uint64_t now = host_now_ns();
    const double work = ms_between(ov.frame_start, now);
    ov.frame_ms = ov.frame_ms ? ov.frame_ms * 0.9 + work * 0.1 : work;
    if (ov.tl.total_pending) { /* the first frame of the new code is being drawn now */
        ov.tl.first_frame_ns = now;
        ov.tl.total = ms_between(ov.tl.origin_ns, now);
        ov.tl.frame = ms_between(ov.tl.loaded_ns, now);
        ov.tl.total_pending = 0;
        report_timeline();
    }
    if (!ov.open || !ov.visible)
        return;

    enum {
        LINES = 40
    };
    panel_line lines[LINES];
    const float width = (float)(ov.width - 4 * PAD);
    /* At most about half the screen: the game stays visible under the overlay. */
    int max = (ov.height / 2 - 2 * PAD) / FONT_LINE;
    max = max < 3 ? 3 : max > LINES ? LINES : max;
    int n = 0;
    char text[1024];
    host_game_info info;
    host_game_info_get(&info);
    snprintf(text, sizeof text, "%s  %.1f ms  %.0f fps   library v%u   state %llu bytes%s",
             host_input_key_name(HOST_INPUT_OVERLAY), ov.frame_ms, ov.fps, info.version,
             (unsigned long long)info.state_size, ov.building ? "   building..." : "");
    n += wrap(lines, n, max, width, COLOR_HUD, text, 12);
    if (ov.tl.valid) {
        timeline(text, sizeof text);
        n += wrap(lines, n, max, width, COLOR_TIMELINE, text, 12);
    }
    if (ov.compile[0] && n < max) {
        snprintf(text, sizeof text, "build failed after %.0f ms: %d error%s", ov.build_ms,
                 ov.compile_errors, ov.compile_errors == 1 ? "" : "s");
        n += wrap(lines, n, max, width, COLOR_ERROR, text, 12);
        for (const char *s = ov.source; *s && n < max; n++) { /* code is cut, not wrapped */
            size_t len = strcspn(s, "\n");
            char code[LINE_MAX];
            snprintf(text, sizeof text, "%.*s", (int)len, s);
            host_draw_fit(text, width, code, sizeof code);
            snprintf(lines[n].text, LINE_MAX, "%s", code);
            lines[n].color = s[0] == '>' ? COLOR_ERROR : COLOR_SOURCE;
            lines[n].indent = 0;
            s += len + (s[len] == '\n');
        }
        n += wrap(lines, n, max, width, COLOR_MESSAGE, ov.compile, 12);
    }
    if (ov.warning_count && n < max) {
        snprintf(text, sizeof text, "build ok, %d warning%s", ov.warning_count,
                 ov.warning_count == 1 ? "" : "s");
        n += wrap(lines, n, max, width, COLOR_NOTICE, text, 12);
        n += wrap(lines, n, max, width, COLOR_NOTICE, ov.warnings, 12);
    }
    for (int i = ov.problem_count - 1; i >= 0 && n < max; i--) { /* newest first */
        const problem *p = &ov.problems[i];
        snprintf(text, sizeof text, "%s: %s", p->title, p->text);
        n += wrap(lines, n, max, width, p->notice ? COLOR_NOTICE : COLOR_ERROR, text, 12);
    }
    if (n == max && (ov.compile[0] || ov.problem_count)) {
        snprintf(lines[n - 1].text, LINE_MAX, "... more in the event log (stderr)");
        lines[n - 1].color = COLOR_TIMELINE;
        lines[n - 1].indent = 0;
    }

    float w = 0;
    for (int i = 0; i < n; i++) {
        float lw = (float)stb_easy_font_width(lines[i].text) + lines[i].indent;
        w = lw > w ? lw : w;
    }
    host_draw_fill_rect(PAD, PAD, w + 2 * PAD, (float)(n * FONT_LINE + 2 * PAD - 2), COLOR_PANEL);
    for (int i = 0; i < n; i++)
        host_draw_text(2 * PAD + lines[i].indent, (float)(2 * PAD + i * FONT_LINE), 1,
                       lines[i].color, lines[i].text);
}
