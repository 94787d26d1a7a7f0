/* host_build.c - host-driven builds: the host watches the game's sources and runs the build
 * command after every save, so one terminal (`make run`) is enough for live coding.
 *
 * Owns one inotify descriptor on the watched directories (and their subdirectories), the
 * running build (a child in its own process group) and the pipe its output comes back
 * through. Idle, a look costs one non-blocking read() of the inotify descriptor (every frame at
 * 60 frames per second, at most once per millisecond faster: host_look.c); while a build is
 * due or runs, every frame looks, and a running build costs one read() of the pipe and one
 * waitpid(WNOHANG) more. The frame loop never waits on the compiler; the frame's pacing wait
 * can sleep on the descriptors instead (host_build_wait), so a save starts its build within a
 * millisecond, and the library the build renames into place is looked at as it lands, before
 * the build command has exited (the same descriptor watches the library's directory for that
 * one name). The project's Makefile is watched too: a save of it is a change like a source's.
 * A source file closed after writing, or renamed into place, is complete: its build starts
 * SETTLE_MS after the last such save (the rest of an editor's "save all" comes in that time).
 * Other changes (a temp file, a file moved away or deleted, a new directory) usually have more
 * to follow and wait FALLBACK_MS. Saves within those waits are one build; a save that lands
 * while a build runs gets exactly one more build after it (the running one may have read the
 * file before the save), run with LIVEHOST_REBUILD=1 in its environment, since make would take
 * the objects the first build wrote afterwards, from the old text, for up to date.
 * The build command runs in the project's root; the first build runs when the host starts
 * (main opens the game after it), so a library older than its sources never runs.
 * Never loads anything itself: the build renames the new library into place and host_game.c's
 * watch picks it up, exactly as it does for `make watch` in a second terminal.
 */
#include "host_build.h"
#include "host_args.h"
#include "host_clock.h"
#include "host_event.h"
#include "host_look.h"
#include "host_version.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum {
    SETTLE_MS = 5,           /* after a complete source file: the rest of a multi-file save */
    FALLBACK_MS = 50,        /* after any other change: the rest of what an editor does */
    WATCH_MAX = 256,         /* directories watched, subdirectories included */
    OUTPUT_MAX = 64 * 1024,  /* build output kept for the overlay; the rest is counted */
    MESSAGES_MAX = 8 * 1024, /* the compiler lines handed to the overlay */
};

/* inotify events that mean "a file's content may be different now". IN_CLOSE_WRITE, not
 * IN_MODIFY: a file still being written (`cat > game.c` at a terminal) is not built. */
#define CHANGE_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)

static struct {
    int fd;            /* inotify descriptor, -1 while host builds are off */
    int wd[WATCH_MAX]; /* watch descriptors and the directories they name */
    char *dir[WATCH_MAX];
    int count;
    int lib_wd;           /* the game library's directory, -1 when it is not watched */
    const char *lib_path; /* the library (its directory may appear with the first build) */
    const char *lib_name; /* ... and its name in that directory */
    int lib_landed;       /* the library was renamed (or written) into place */
    int make_wd;          /* the project's root, for its Makefile; -1 when not watched */
    const char *cmd;      /* the build command, run by /bin/sh -c */
    const char *cwd;      /* ... in this directory: the project's root */
    char **env;      /* environ without make's own variables (see build_env), and a free slot */
    size_t env_free; /* index of that slot: LIVEHOST_REBUILD=1 goes there, or NULL */
    int saved_while_building; /* a save landed while the running build ran */
    int woken;                /* host_build_wait saw the descriptors ready: read them now */
    uint64_t last_look_ns;    /* when an idle host_build_poll last read (host_look.c) */

    int dirty;                /* a save arrived since the last build started */
    uint64_t first_change_ns; /* the burst's first save (the start of "save to pixels") */
    uint64_t due_ns;          /* the burst's build may start then: its latest save's wait */
    char changed[1024];       /* the burst's first changed file */
    int changed_moved;        /* ... was renamed away: the next name it moved to replaces it */

    pid_t pid;   /* the running build, 0 when none */
    int out;     /* read end of its output pipe */
    int out_eof; /* ... which every writer has closed: the build is ending */
    uint64_t started_ns;
    char *output; /* what it printed so far (stdout and stderr interleaved) */
    size_t len;
    char messages[MESSAGES_MAX]; /* the last finished build's compiler lines (or its failure) */
} build = { .fd = -1, .out = -1, .lib_wd = -1, .make_wd = -1 };

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

/* Watches dir and every subdirectory under it (inotify is not recursive). */
static void watch_tree(const char *dir)
{
    if (build.count == WATCH_MAX)
        return;
    int wd = inotify_add_watch(build.fd, dir, CHANGE_MASK | IN_ONLYDIR);
    if (wd < 0)
        return;
    for (int i = 0; i < build.count; i++)
        if (build.wd[i] == wd)
            return; /* already watched (a directory named twice, or moved back) */
    char *copy = strdup(dir);
    if (!copy)
        return;
    build.wd[build.count] = wd;
    build.dir[build.count++] = copy;
    DIR *d = opendir(dir);
    if (!d)
        return;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char sub[1024];
        struct stat st;
        if (e->d_name[0] == '.' ||
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) >= (int)sizeof sub)
            continue;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            watch_tree(sub);
    }
    closedir(d);
}

static const char *dir_of(int wd)
{
    for (int i = 0; i < build.count; i++)
        if (build.wd[i] == wd)
            return build.dir[i];
    return NULL;
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

/* Watches the directory of the game library for the library's own name. IN_MASK_ADD: if that
 * directory is a watched source directory too, its events stay as they are, and a library
 * written there counts as a change (as it always did). */
static void watch_library(const char *path)
{
    build.lib_path = path;
    char dir[1024];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    int wd = inotify_add_watch(build.fd, dir[0] ? dir : "/",
                               IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR | IN_MASK_ADD);
    if (wd < 0 || dir_of(wd))
        return;
    build.lib_wd = wd;
    build.lib_name = slash ? slash + 1 : path;
}

/* Watches the project's root for its Makefile: a project's build depends on it as much as on
 * its sources (a library added to GAME_PKGS, a flag), and it is not under game/. Only the
 * makefile names count there; the root's other files (notes, a README) start no build. */
static void watch_makefile(const char *root)
{
    int wd = inotify_add_watch(build.fd, root ? root : ".",
                               IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR | IN_MASK_ADD);
    if (wd >= 0 && !dir_of(wd) && wd != build.lib_wd)
        build.make_wd = wd;
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
    build.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (build.fd < 0) {
        snprintf(list, sizeof list, "inotify: %s", strerror(errno));
        host_event(BUILD_OFF, HOST_TEXT("reason", list));
        return -1;
    }
    for (int i = 0; i < count; i++) {
        int before = build.count;
        watch_tree(dirs[i]);
        if (build.count > before) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", used ? " " : "", dirs[i]);
        }
    }
    if (build.count == 0) {
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

/* One non-blocking read: notes the saves, watches new directories. */
static void read_changes(void)
{
    /* Aligned for struct inotify_event; one read per frame, the rest waits for the next. */
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(build.fd, buf, sizeof buf);
    for (ssize_t off = 0; n > 0 && off < n;) {
        const struct inotify_event *ev = (const struct inotify_event *)(buf + off);
        off += (ssize_t)(sizeof *ev + ev->len);
        if (build.lib_wd >= 0 && ev->wd == build.lib_wd) { /* (IN_Q_OVERFLOW has wd -1) */
            if (ev->len && strcmp(ev->name, build.lib_name) == 0) {
                build.lib_landed = 1;
                host_event(LIBRARY_LANDED, HOST_WORD("path", build.lib_path));
            }
            continue;
        }
        const char *dir = dir_of(ev->wd);
        int relevant = (ev->mask & IN_Q_OVERFLOW) != 0; /* events were lost: build anyway */
        int complete = 0; /* a source file closed after writing, or renamed into place */
        if (build.make_wd >= 0 && ev->wd == build.make_wd) {
            if (!ev->len || !is_makefile(ev->name))
                continue;
            relevant = complete = 1;
            if (!build.dirty)
                snprintf(build.changed, sizeof build.changed, "%s/%s", build.cwd ? build.cwd : ".",
                         ev->name);
        } else if (dir && ev->len && !is_ignored(ev->name)) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, ev->name);
            if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO))) {
                watch_tree(path);
                relevant = 1;
            } else if (!(ev->mask & IN_CREATE)) { /* a new file: its IN_CLOSE_WRITE follows */
                relevant = 1;
                complete = (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && is_source_name(ev->name);
            }
            /* Editors and sed -i write a temp file and rename it over the source: the burst's
             * file is the name it was renamed to, not the temp one. */
            int renamed_to = (ev->mask & IN_MOVED_TO) && build.changed_moved;
            if (relevant && (!build.dirty || renamed_to)) {
                snprintf(build.changed, sizeof build.changed, "%s", path);
                build.changed_moved = 0;
            } else if ((ev->mask & IN_MOVED_FROM) && strcmp(path, build.changed) == 0) {
                build.changed_moved = 1;
            }
        }
        if (!relevant)
            continue;
        uint64_t now = host_now_ns();
        if (!build.dirty)
            build.first_change_ns = now;
        build.dirty = 1;
        /* The latest change decides: sed -i's temp file waits long, the rename over game.h
         * that follows it in the same read is complete. */
        build.due_ns = now + (complete ? SETTLE_MS : FALLBACK_MS) * 1000000ull;
        build.saved_while_building |= build.pid != 0;
    }
}

/* A build that could not even start fails like one that ran: its reason is its message. */
static void fail_to_start(const char *why)
{
    snprintf(build.messages, sizeof build.messages, "%s", why);
    host_event(BUILD_FAILED, HOST_INT("ms", 0), HOST_INT("errors", 0), HOST_TEXT("first", why));
}

static void start_build(void)
{
    char why[300];
    int fds[2];
    /* A save that landed while the last build compiled is older than the objects that build
     * wrote afterwards from the file's old text: make would call them up to date. This build
     * is told to compile everything again (the Makefiles read LIVEHOST_REBUILD). */
    static char rebuild[] = "LIVEHOST_REBUILD=1";
    if (build.env)
        build.env[build.env_free] = build.saved_while_building ? rebuild : NULL;
    build.saved_while_building = 0;
    build.len = 0;
    build.started_ns = host_now_ns();
    /* wait: from the burst's first save (none for the build at start), where "save to pixels"
     * begins. */
    const int saved = build.dirty && build.first_change_ns;
    host_event(
        BUILD_START, HOST_WORD("file", build.changed[0] ? build.changed : "?"),
        HOST_REAL_IF("wait", (double)(build.started_ns - build.first_change_ns) / 1e6, 1, saved));
    build.dirty = 0;
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(why, sizeof why, "cannot start the build: pipe: %s", strerror(errno));
        fail_to_start(why);
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
    if (build.cwd)
        posix_spawn_file_actions_addchdir_np(&fa, build.cwd);
    /* Its own process group, so closing the host stops the compiler too, and no signal mask
     * or ignored signal of ours leaks into it. */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, deflt;
    sigemptyset(&none);
    sigemptyset(&deflt);
    sigaddset(&deflt, SIGPIPE);
    sigaddset(&deflt, SIGINT);
    sigaddset(&deflt, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &deflt);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    const char *argv[] = { "/bin/sh", "-c", build.cmd, NULL };
    int rc = posix_spawn(&build.pid, argv[0], &fa, &attr, (char *const *)argv,
                         build.env ? build.env : environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        build.pid = 0;
        snprintf(why, sizeof why, "cannot start /bin/sh: %s", strerror(rc));
        fail_to_start(why);
        return;
    }
    build.out = fds[0];
    build.out_eof = 0;
    fcntl(build.out, F_SETFL, fcntl(build.out, F_GETFL) | O_NONBLOCK);
}

/* Reads what the build printed so far; a full pipe would stall the compiler. */
static void drain(void)
{
    if (!build.output)
        build.output = malloc(OUTPUT_MAX + 1);
    char sink[4096];
    for (;;) {
        char *to = build.output && build.len < OUTPUT_MAX ? build.output + build.len : sink;
        size_t room = to == sink ? sizeof sink : OUTPUT_MAX - build.len;
        ssize_t n = read(build.out, to, room);
        build.out_eof |= n == 0;
        if (n <= 0)
            break; /* EAGAIN: nothing more yet; 0: every writer is gone */
        if (to != sink)
            build.len += (size_t)n;
    }
    if (build.output)
        build.output[build.len] = 0;
}

static void finish(int status)
{
    char first[600];
    char *messages = build.messages;
    const size_t size = sizeof build.messages;
    if (build.lib_wd < 0 && build.lib_path) /* a new project's build/ is made by its build */
        watch_library(build.lib_path);
    drain();
    close(build.out);
    build.out = -1;
    build.pid = 0;
    uint64_t end = host_now_ns();
    double ms = (double)(end - build.started_ns) / 1e6;
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok) {
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
    if (WIFSIGNALED(status)) {
        snprintf(first, sizeof first, "the build was killed by signal %d", WTERMSIG(status));
    } else if (!first[0]) {
        snprintf(first, sizeof first, "the build command exited with status %d",
                 WEXITSTATUS(status));
    }
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
    if (build.fd < 0)
        return 0;
    if (!build.pid && !build.dirty && !build.woken && !host_look_due(&build.last_look_ns))
        return 0;
    build.woken = 0;
    read_changes();
    int landed = build.lib_landed;
    build.lib_landed = 0;
    if (build.pid) {
        drain();
        int status;
        if (waitpid(build.pid, &status, WNOHANG) == build.pid) {
            finish(status);
            landed = 1;
        }
    }
    if (!build.pid && build.dirty && host_now_ns() >= build.due_ns)
        start_build();
    return landed;
}

int host_build_wait(int timeout_ms)
{
    if (build.fd < 0) {
        if (timeout_ms > 0)
            poll(NULL, 0, timeout_ms);
        return 0;
    }
    /* A pending build's start, and a build whose output has ended but which is not reaped
     * yet (exit closes the pipe a moment before the process can be waited for), cut it short. */
    if (!build.pid && build.dirty) {
        uint64_t now = host_now_ns();
        uint64_t left = build.due_ns > now ? (build.due_ns - now + 999999) / 1000000 : 0;
        timeout_ms = left < (uint64_t)timeout_ms ? (int)left : timeout_ms;
    }
    if (build.pid && build.out_eof)
        timeout_ms = timeout_ms > 1 ? 1 : timeout_ms;
    struct pollfd fds[2] = { { .fd = build.fd, .events = POLLIN },
                             { .fd = build.pid && !build.out_eof ? build.out : -1,
                               .events = POLLIN } };
    int ready = timeout_ms > 0 ? poll(fds, 2, timeout_ms) : 0;
    build.woken |= ready > 0;
    return ready > 0 || (build.pid && build.out_eof) ||
           (!build.pid && build.dirty && host_now_ns() >= build.due_ns);
}

int host_build_is_running(void)
{
    return build.pid != 0;
}

void host_build_close(void)
{
    if (build.pid) {
        kill(-build.pid, SIGTERM); /* the whole group: make and the compiler it runs */
        waitpid(build.pid, NULL, 0);
    }
    if (build.out >= 0)
        close(build.out);
    if (build.fd >= 0)
        close(build.fd);
    for (int i = 0; i < build.count; i++)
        free(build.dir[i]);
    free(build.env);
    free(build.output);
    memset(&build, 0, sizeof build);
    build.fd = build.out = build.lib_wd = build.make_wd = -1;
}
