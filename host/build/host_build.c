/* host_build.c - host-driven builds: the host watches the game's sources and runs the build
 * command after every save, so one terminal (`make run`) is enough for live coding.
 *
 * Owns a directory watcher (host_os.h) on the watched directories (and their subdirectories),
 * the running build (the core's hr_proc: a child in its own process group, started off the
 * frame thread) and its output. Idle, a look costs one non-blocking read of the watcher (every
 * frame at 60 frames per second, at most once per millisecond faster: host_look.c); while a
 * build is due or runs, every frame looks, and a running build costs one read of its output pipe
 * and a look at whether it ended more. The frame loop never waits on the compiler; the frame's
 * pacing wait can sleep on the watcher and the pipe instead (host_build_wait), so a save starts
 * its build within a millisecond, and the library the build renames into place is looked at as
 * it lands, before the build command has exited (the same watcher watches the library's
 * directory for that one name). The project's Makefile is watched too: a save of it is a change
 * like a source's. A source file closed after writing, or renamed into place, is complete: its
 * build starts SETTLE_MS after the last such save (the rest of an editor's "save all" comes in that
 * time). Other changes (a temp file, a file moved away or deleted, a new directory) usually have
 * more to follow and wait FALLBACK_MS. Saves within those waits are one build; a save that lands
 * while a build runs gets exactly one more build after it (the running one may have read the
 * file before the save), run with LIVEHOST_REBUILD=1 in its environment, since make would take
 * the objects the first build wrote afterwards, from the old text, for up to date.
 * The build command runs in the project's root; the first build runs when the host starts
 * (main opens the game after it), so a library older than its sources never runs.
 * Never loads anything itself: the build renames the new library into place and host_game.c's
 * watch picks it up, exactly as it does for `make watch` in a second terminal.
 */
#include "host_build.h"
#include "core/hr_platform.h"
#include "host_args.h"
#include "host_clock.h"
#include "host_event.h"
#include "host_look.h"
#include "host_os.h"
#include "host_version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

enum {
    SETTLE_MS = 5,           /* after a complete source file: the rest of a multi-file save */
    FALLBACK_MS = 50,        /* after any other change: the rest of what an editor does */
    OUTPUT_MAX = 64 * 1024,  /* build output kept for the overlay; the rest is read and dropped */
    MESSAGES_MAX = 8 * 1024, /* the compiler lines handed to the overlay */
};

static struct {
    host_dirwatch *watcher;           /* NULL while host builds are off */
    int sources[HOST_WATCH_DIRS_MAX]; /* the watcher's ids of the source directories */
    int source_count;
    int lib_watch;        /* the game library's directory, -1 when not watched on its own */
    const char *lib_path; /* the library (its directory may appear with the first build) */
    const char *lib_name; /* ... and its name in that directory */
    int lib_landed;       /* the library was renamed (or written) into place */
    int make_watch;       /* the project's root, for its Makefile; -1 when not watched on its own */
    const char *cmd;      /* the build command, run by the system's shell */
    const char *cwd;      /* ... in this directory: the project's root */
    char **env;      /* environ without make's own variables (see build_env), and a free slot */
    size_t env_free; /* index of that slot: LIVEHOST_REBUILD=1 goes there, or NULL */
    int saved_while_building; /* a save landed while the running build ran */
    int woken;                /* host_build_wait saw the watcher or the build ready: look now */
    uint64_t last_look_ns;    /* when an idle host_build_poll last read (host_look.c) */

    int dirty;                /* a save arrived since the last build started */
    uint64_t first_change_ns; /* the burst's first save (the start of "save to pixels") */
    uint64_t due_ns;          /* the burst's build may start then: its latest save's wait */
    char changed[1024];       /* the burst's first changed file */
    int changed_moved;        /* ... was renamed away: the next name it moved to replaces it */

    int running;  /* a build was started and has not been reaped yet */
    hr_proc proc; /* ... its process and output pipe */
    uint64_t started_ns;
    char *output; /* what it printed so far (stdout and stderr interleaved) */
    size_t len;
    char messages[MESSAGES_MAX]; /* the last finished build's compiler lines (or its failure) */
} build = { .lib_watch = -1, .make_watch = -1, .proc = { .out_fd = -1 } };

/* Editor droppings that are not sources: hidden files, vim's swap and write test files, backups
 * (name~), emacs lock and autosave files (.#name, #name#). A build for each would be a build
 * per keystroke. */
static int is_ignored(const char *name)
{
    size_t n = strlen(name);
    return n == 0 || name[0] == '.' || name[0] == '#' || name[n - 1] == '~' ||
           strcmp(name, "4913") == 0 || (n > 4 && strcmp(name + n - 4, ".swp") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".swx") == 0);
}

/* A source file's name: a short extension of letters and digits (game.c, game.h, level.inl),
 * which the temporary files that editors and sed -i write and then rename over a source lack
 * (sedAb12Cd, game.c___jb_tmp___, game.c.tmp). Such a file, once closed, is complete. */
static int is_source_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name || !dot[1] || strlen(dot + 1) > 4 || strcmp(dot, ".tmp") == 0)
        return 0;
    for (const char *p = dot + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

static int is_source(int watch)
{
    for (int i = 0; i < build.source_count; i++)
        if (build.sources[i] == watch)
            return 1;
    return 0;
}

/* The build's environment: ours without MAKEFLAGS, MAKELEVEL, MFLAGS and MAKE_TERM*, plus one
 * free slot at env_free for LIVEHOST_REBUILD. Under `make run` those variables describe the
 * outer make (its jobserver descriptors are closed here, its -n or -k would change what the
 * build does), and a nested make would obey them. NULL when out of memory. */
static char **build_env(void)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "MAKEFLAGS=", 10) != 0 &&
            strncmp(environ[i], "MAKELEVEL=", 10) != 0 && strncmp(environ[i], "MFLAGS=", 7) != 0 &&
            strncmp(environ[i], "MAKE_TERM", 9) != 0)
            env[k++] = environ[i];
    build.env_free = k;
    return env;
}

static void start_build(void);

/* Watches the directory of the game library for the library's own name. If that directory is a
 * watched source directory too (the same watch), its changes stay source changes, and a library
 * written there counts as a change (as it always did). */
static void watch_library(const char *path)
{
    build.lib_path = path;
    char dir[1024], why[300];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    int id = host_dirwatch_add(build.watcher, dir[0] ? dir : "/", 0, why, sizeof why);
    if (id < 0 || is_source(id))
        return;
    build.lib_watch = id;
    build.lib_name = slash ? slash + 1 : path;
}

/* Watches the project's root for its Makefile: a project's build depends on it as much as on
 * its sources (a library added to GAME_PKGS, a flag), and it is not under game/. Only the
 * makefile names count there; the root's other files (notes, a README) start no build. */
static void watch_makefile(const char *root)
{
    char why[300];
    int id = host_dirwatch_add(build.watcher, root ? root : ".", 0, why, sizeof why);
    if (id >= 0 && !is_source(id))
        build.make_watch = id;
}

static int is_makefile(const char *name)
{
    return strcmp(name, "Makefile") == 0 || strcmp(name, "makefile") == 0 ||
           strcmp(name, "GNUmakefile") == 0;
}

int host_build_open(const host_args *args)
{
    if (args->no_build) {
        host_event(BUILD_OFF,
                   HOST_TEXT("reason", HOST_RELEASE
                                           ? "a release build: the game is linked in"
                                           : "--no-build, or --game without --build-cmd or "
                                             "--watch-dir: builds are up to you; new ones load "
                                             "as they land"));
        return 0;
    }
    const char *const *dirs = args->watch_dirs;
    int count = args->watch_dir_count;
    char list[1024] = "";

    build.cmd = args->build_cmd;
    build.cwd = args->project_dir;
    build.watcher = host_dirwatch_open(list, sizeof list);
    if (!build.watcher) {
        host_event(BUILD_OFF, HOST_TEXT("reason", list));
        return -1;
    }
    for (int i = 0; i < count; i++) {
        char why[300];
        int id = host_dirwatch_add(build.watcher, dirs[i], 1, why, sizeof why);
        if (id < 0 || is_source(id))
            continue; /* not there (yet), or named twice */
        build.sources[build.source_count++] = id;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", used ? " " : "", dirs[i]);
    }
    if (build.source_count == 0) {
        snprintf(list, sizeof list,
                 "no source directory to watch (%s%s); --watch-dir DIR names one", dirs[0],
                 count > 1 ? " ..." : "");
        host_event(BUILD_OFF, HOST_TEXT("reason", list));
        host_build_close();
        return -1;
    }
    build.env = build_env();
    if (args->game_path)
        watch_library(args->game_path);
    watch_makefile(args->project_dir);
    host_event(BUILD_WATCH, HOST_TEXT("dirs", list), HOST_TEXT("cmd", build.cmd));
    /* The build at start: the sources may have changed while the host was down, and a library
     * left from then would run stale code (or refuse every later build for its old state
     * layout). make decides what is out of date; main opens the game once this build ends. */
    snprintf(build.changed, sizeof build.changed, "%s", "(start)");
    start_build();
    return 0;
}

/* A change the watcher reported: notes the saves; the watcher itself watches new directories. */
static void on_change(const host_change *c, void *ctx)
{
    (void)ctx;
    int relevant = c->kind == HOST_CHANGE_LOST; /* changes were lost: build anyway */
    int complete = 0; /* a source file closed after writing, or renamed into place */
    if (c->kind == HOST_CHANGE_LOST) {
        /* nothing to name */
    } else if (is_source(c->watch)) {
        if (is_ignored(c->name))
            return;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", c->dir, c->name);
        if (c->kind != HOST_CHANGE_CREATED) { /* a new file: its DONE follows */
            relevant = 1;
            complete = c->kind == HOST_CHANGE_DONE && is_source_name(c->name);
        }
        /* Editors and sed -i write a temp file and rename it over the source: the burst's
         * file is the name it was renamed to, not the temp one. */
        int renamed_to = c->kind == HOST_CHANGE_DONE && build.changed_moved;
        if (relevant && (!build.dirty || renamed_to)) {
            snprintf(build.changed, sizeof build.changed, "%s", path);
            build.changed_moved = 0;
        } else if (c->kind == HOST_CHANGE_GONE && strcmp(path, build.changed) == 0) {
            build.changed_moved = 1;
        }
    } else {
        if (c->watch == build.lib_watch && c->kind == HOST_CHANGE_DONE &&
            strcmp(c->name, build.lib_name) == 0) {
            build.lib_landed = 1;
            host_event(LIBRARY_LANDED, HOST_WORD("path", build.lib_path));
        }
        if (c->watch != build.make_watch || c->kind != HOST_CHANGE_DONE || !is_makefile(c->name))
            return;
        relevant = complete = 1;
        if (!build.dirty)
            snprintf(build.changed, sizeof build.changed, "%s/%s", build.cwd ? build.cwd : ".",
                     c->name);
    }
    if (!relevant)
        return;
    uint64_t now = host_now_ns();
    if (!build.dirty)
        build.first_change_ns = now;
    build.dirty = 1;
    /* The latest change decides: sed -i's temp file waits long, the rename over game.h that
     * follows it in the same read is complete. */
    build.due_ns = now + (complete ? SETTLE_MS : FALLBACK_MS) * 1000000ull;
    build.saved_while_building |= build.running;
}

/* A build that could not even start fails like one that ran: its reason is its message. */
static void fail_to_start(const char *why)
{
    snprintf(build.messages, sizeof build.messages, "%s", why);
    host_event(BUILD_FAILED, HOST_INT("ms", 0), HOST_INT("errors", 0), HOST_TEXT("first", why));
}

static void start_build(void)
{
    /* A save that landed while the last build compiled is older than the objects that build
     * wrote afterwards from the file's old text: make would call them up to date. This build
     * is told to compile everything again (the Makefiles read LIVEHOST_REBUILD). */
    static char rebuild[] = "LIVEHOST_REBUILD=1";
    if (build.env)
        build.env[build.env_free] = build.saved_while_building ? rebuild : NULL;
    build.saved_while_building = 0;
    build.len = 0;
    if (build.output)
        build.output[0] = 0;
    build.started_ns = host_now_ns();
    /* wait: from the burst's first save (none for the build at start), where "save to pixels"
     * begins. */
    const int saved = build.dirty && build.first_change_ns;
    host_event(
        BUILD_START, HOST_WORD("file", build.changed[0] ? build.changed : "?"),
        HOST_REAL_IF("wait", (double)(build.started_ns - build.first_change_ns) / 1e6, 1, saved));
    build.dirty = 0;
    /* Its own process group, so closing the host stops the compiler too; stdin is no terminal
     * of ours to read. */
    const char *argv[4];
    host_os_shell_argv(build.cmd, argv);
    const hr_proc_opts opts = {
        .cwd = build.cwd, .envp = build.env, .own_group = 1, .stdin_null = 1
    };
    char why[300];
    if (hr_proc_start_with(argv, &opts, &build.proc, why, sizeof why) != 0) {
        fail_to_start(why);
        return;
    }
    build.running = 1;
}

/* Reads what the build printed so far; a full pipe would stall the compiler. */
static void drain(void)
{
    if (!build.output && (build.output = malloc(OUTPUT_MAX + 1)) != NULL)
        build.output[0] = 0;
    if (build.output && build.len < OUTPUT_MAX) {
        hr_proc_read(&build.proc, build.output + build.len, OUTPUT_MAX + 1 - build.len);
        build.len += strlen(build.output + build.len);
        if (build.len < OUTPUT_MAX)
            return; /* the pipe is empty */
    }
    char sink[4096];
    do {
        sink[0] = 0;
        hr_proc_read(&build.proc, sink, sizeof sink);
    } while (strlen(sink) == sizeof sink - 1);
}

/* The build ended with code: its exit status, or -(the signal that killed it). */
static void finish(int code)
{
    char first[600];
    char *messages = build.messages;
    const size_t size = sizeof build.messages;
    if (build.lib_watch < 0 && build.lib_path) /* a new project's build/ is made by its build */
        watch_library(build.lib_path);
    drain();
    hr_proc_end(&build.proc);
    build.running = 0;
    uint64_t end = host_now_ns();
    double ms = (double)(end - build.started_ns) / 1e6;
    if (code == 0) {
        /* Warnings are shown (a notice in the overlay), but a warning is no reason to wait. */
        int warnings = host_build_warnings(build.output ? build.output : "", messages, size, first,
                                           sizeof first);
        if (warnings)
            host_event(BUILD_OK, HOST_REAL("ms", ms, 0), HOST_INT("warnings", warnings),
                       HOST_TEXT("first", first));
        else
            host_event(BUILD_OK, HOST_REAL("ms", ms, 0));
        return;
    }
    int errors;
    host_build_summarize(build.output ? build.output : "", messages, size, &errors, first,
                         sizeof first);
    if (code < 0)
        snprintf(first, sizeof first, "the build was killed by signal %d", -code);
    else if (!first[0])
        snprintf(first, sizeof first, "the build command exited with status %d", code);
    if (!messages[0])
        snprintf(messages, size, "%s", first);
    host_event(BUILD_FAILED, HOST_REAL("ms", ms, 0), HOST_INT("errors", errors),
               HOST_TEXT("first", first));
}

const char *host_build_messages(void)
{
    return build.messages;
}

int host_build_poll(void)
{
    if (!build.watcher)
        return 0;
    if (!build.running && !build.dirty && !build.woken && !host_look_due(&build.last_look_ns))
        return 0;
    build.woken = 0;
    host_dirwatch_read(build.watcher, on_change, NULL);
    int landed = build.lib_landed;
    build.lib_landed = 0;
    if (build.running) {
        drain();
        int code;
        if (!hr_proc_poll(&build.proc, &code)) {
            finish(code);
            landed = 1;
        }
    }
    if (!build.running && build.dirty && host_now_ns() >= build.due_ns)
        start_build();
    return landed;
}

int host_build_wait(int timeout_ms)
{
    if (!build.watcher) {
        if (timeout_ms > 0)
            host_dirwatch_wait(NULL, NULL, timeout_ms);
        return 0;
    }
    /* A pending build's start cuts it short; so does a build whose output has ended but which
     * is not reaped yet (exit closes the pipe a moment before the process can be waited for):
     * the watcher's wait comes back within a millisecond then. */
    if (!build.running && build.dirty) {
        uint64_t now = host_now_ns();
        uint64_t left = build.due_ns > now ? (build.due_ns - now + 999999) / 1000000 : 0;
        timeout_ms = left < (uint64_t)timeout_ms ? (int)left : timeout_ms;
    }
    int ready = timeout_ms > 0 &&
                host_dirwatch_wait(build.watcher, build.running ? &build.proc : NULL, timeout_ms);
    build.woken |= ready;
    return ready || (!build.running && build.dirty && host_now_ns() >= build.due_ns);
}

int host_build_is_running(void)
{
    return build.running;
}

void host_build_close(void)
{
    if (build.running) /* the whole group: make and the compiler it runs */
        hr_proc_end(&build.proc);
    host_dirwatch_close(build.watcher);
    free(build.env);
    free(build.output);
    memset(&build, 0, sizeof build);
    build.lib_watch = build.make_watch = build.proc.out_fd = -1;
}
