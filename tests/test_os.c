/* test_os.c - unit tests of the host's OS seam on Linux (host/host_os.h): the directory watcher
 * (host_dirwatch_inotify.c) and the build's process (the core's hr_proc_start_with with a
 * working directory, an environment, a process group of its own and stdin from /dev/null; the
 * CPU time a child used, hr_proc_cpu_ms).
 * Every case works in its own temp directory and waits for what it needs with a deadline. */
#include "check.h"
#include "core/hr_platform.h"
#include "host_os.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEADLINE_MS 60000

static char work[256]; /* this case's temp directory (its real path) */

static void new_work_dir(void)
{
    char tmpl[] = "/tmp/livehost-os-XXXXXX";
    CHECK(mkdtemp(tmpl) != NULL, "mkdtemp: %s", strerror(errno));
    CHECK(realpath(tmpl, work) != NULL, "realpath: %s", strerror(errno));
}

static void remove_work_dir(void)
{
    char cmd[300];
    if (!work[0])
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", work);
    work[0] = 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

/* ---- the directory watcher ---- */

typedef struct seen {
    char lines[2048]; /* "KIND dir/name\n" per change, in order */
    int watch;        /* the watch of the last change */
} seen;

static const char *kind_name(host_change_kind kind)
{
    switch (kind) {
    case HOST_CHANGE_DONE: return "done";
    case HOST_CHANGE_CREATED: return "created";
    case HOST_CHANGE_GONE: return "gone";
    case HOST_CHANGE_NEW_DIR: return "new-dir";
    case HOST_CHANGE_LOST: return "lost";
    }
    return "?";
}

static void note(const host_change *c, void *ctx)
{
    seen *s = ctx;
    size_t used = strlen(s->lines);
    /* The work directory's own path is left out: the lines read "done sub/x.c". */
    const char *dir = strncmp(c->dir, work, strlen(work)) == 0 ? c->dir + strlen(work) : c->dir;
    snprintf(s->lines + used, sizeof s->lines - used, "%s %s%s%s\n", kind_name(c->kind),
             dir[0] == '/' ? dir + 1 : dir, dir[0] == '/' ? "/" : "", c->name);
    s->watch = c->watch;
}

/* Reads changes into s until its lines contain want, waiting on the watcher between looks. */
static int read_until(host_dirwatch *w, seen *s, const char *want)
{
    for (int waited = 0; !strstr(s->lines, want) && waited < DEADLINE_MS; waited += 100)
        if (host_dirwatch_read(w, note, s) == 0)
            host_dirwatch_wait(w, NULL, 100);
    return strstr(s->lines, want) != NULL;
}

static void watcher_reports_writes_renames_and_deletes(void)
{
    new_work_dir();
    char why[300];
    host_dirwatch *w = host_dirwatch_open(why, sizeof why);
    CHECK(w != NULL, "open: %s", why);
    int id = host_dirwatch_add(w, work, 0, why, sizeof why);
    CHECK(id >= 0, "add: %s", why);
    CHECK(host_dirwatch_add(w, work, 0, why, sizeof why) == id, "a second add gives another id");
    seen s = { .lines = "" };
    CHECK(host_dirwatch_read(w, note, &s) == 0, "changes without any: %s", s.lines);
    CHECK(host_dirwatch_wait(w, NULL, 10) == 0, "woken with nothing to read");

    write_file(work, "a.c", "int a;\n");
    CHECK(host_dirwatch_wait(w, NULL, DEADLINE_MS) == 1, "no wake for a written file");
    CHECK(read_until(w, &s, "done a.c\n"), "got: %s", s.lines);
    CHECK(strstr(s.lines, "created a.c\ndone a.c\n") && s.watch == id, "got: %s (watch %d of %d)",
          s.lines, s.watch, id);

    char from[600], to[600];
    snprintf(from, sizeof from, "%s/a.c", work);
    snprintf(to, sizeof to, "%s/b.c", work);
    CHECK(rename(from, to) == 0, "rename: %s", strerror(errno));
    CHECK(read_until(w, &s, "done b.c\n"), "got: %s", s.lines);
    CHECK(strstr(s.lines, "gone a.c\ndone b.c\n"), "got: %s", s.lines);
    CHECK(unlink(to) == 0, "unlink: %s", strerror(errno));
    CHECK(read_until(w, &s, "gone b.c\n"), "got: %s", s.lines);
    host_dirwatch_close(w);
    remove_work_dir();
}

static void tree_watch_follows_new_directories(void)
{
    new_work_dir();
    char why[300], old_dir[600], new_dir[600];
    snprintf(old_dir, sizeof old_dir, "%s/old", work);
    snprintf(new_dir, sizeof new_dir, "%s/new", work);
    CHECK(mkdir(old_dir, 0700) == 0, "mkdir: %s", strerror(errno));
    host_dirwatch *w = host_dirwatch_open(why, sizeof why);
    CHECK(w != NULL, "open: %s", why);
    int id = host_dirwatch_add(w, work, 1, why, sizeof why);
    CHECK(id >= 0, "add: %s", why);
    CHECK(host_dirwatch_add(w, old_dir, 0, why, sizeof why) == id,
          "a subdirectory of a tree has an id of its own");

    seen s = { .lines = "" };
    write_file(old_dir, "x.c", "int x;\n");
    CHECK(read_until(w, &s, "done old/x.c\n") && s.watch == id, "got: %s (watch %d of %d)", s.lines,
          s.watch, id);
    CHECK(mkdir(new_dir, 0700) == 0, "mkdir: %s", strerror(errno));
    CHECK(read_until(w, &s, "new-dir new\n"), "got: %s", s.lines);
    write_file(new_dir, "y.c", "int y;\n");
    CHECK(read_until(w, &s, "done new/y.c\n") && s.watch == id, "got: %s (watch %d of %d)", s.lines,
          s.watch, id);
    host_dirwatch_close(w);
    remove_work_dir();
}

/* ---- the build's process ---- */

/* Polls p until it ends (or the deadline), collecting its output in out. */
static int run_to_end(hr_proc *p, char *out, size_t size)
{
    int code = 0;
    for (int waited = 0; waited < DEADLINE_MS; waited += 10) {
        hr_proc_read(p, out, size);
        if (!hr_proc_poll(p, &code)) {
            hr_proc_read(p, out, size);
            hr_proc_end(p);
            return code;
        }
        host_dirwatch_wait(NULL, p, 10);
    }
    hr_proc_end(p);
    return -1000;
}

static void build_runs_in_its_directory_with_its_environment(void)
{
    new_work_dir();
    const char *argv[4];
    host_os_shell_argv("pwd; echo \"$SEAM_WORD\"; cat; exit 3", argv);
    static char word[] = "SEAM_WORD=hello", path[] = "PATH=/usr/bin:/bin";
    char *env[] = { word, path, NULL };
    const hr_proc_opts opts = { .cwd = work, .envp = env, .own_group = 1, .stdin_null = 1 };
    hr_proc p = { 0 };
    char why[300], out[1024] = "", want[600];
    CHECK(hr_proc_start_with(argv, &opts, &p, why, sizeof why) == 0, "start: %s", why);
    int code = run_to_end(&p, out, sizeof out);
    snprintf(want, sizeof want, "%s\nhello\n", work);
    CHECK(code == 3 && strcmp(out, want) == 0, "code %d, output \"%s\", want 3 and \"%s\"", code,
          out, want);
    remove_work_dir();
}

static void start_without_options_names_its_parent(void)
{
    const char *argv[4];
    host_os_shell_argv("echo \"$HR_PARENT_PID\"", argv);
    hr_proc p = { 0 };
    char why[300], out[256] = "", want[64];
    CHECK(hr_proc_start_with(argv, NULL, &p, why, sizeof why) == 0, "start: %s", why);
    int code = run_to_end(&p, out, sizeof out);
    snprintf(want, sizeof want, "%ld\n", (long)getpid());
    CHECK(code == 0 && strcmp(out, want) == 0, "code %d, output \"%s\", want \"%s\"", code, out,
          want);
}

static void start_in_a_missing_directory_says_why(void)
{
    const char *argv[4];
    host_os_shell_argv("true", argv);
    const hr_proc_opts opts = { .cwd = "/nonexistent/livehost-os" };
    hr_proc p = { 0 };
    char why[300], out[512] = "";
    /* The start itself happens off this thread: the failure comes as code 127. */
    CHECK(hr_proc_start_with(argv, &opts, &p, why, sizeof why) == 0, "start: %s", why);
    int code = run_to_end(&p, out, sizeof out);
    CHECK(code == 127 && strstr(out, "cannot start /bin/sh: No such file or directory"),
          "code %d, output \"%s\"", code, out);
}

/* 1 once process pid is gone or a zombie (killed, not reaped yet by whoever adopted it). */
static int is_gone(long pid)
{
    char path[64], stat_line[512] = "";
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(stat_line, 1, sizeof stat_line - 1, f);
    fclose(f);
    stat_line[n] = 0;
    const char *paren = strrchr(stat_line, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static void end_stops_the_whole_group(void)
{
    const char *argv[4];
    host_os_shell_argv("sleep 120 & echo $!; wait", argv);
    const hr_proc_opts opts = { .own_group = 1, .stdin_null = 1 };
    hr_proc p = { 0 };
    char why[300], out[256] = "";
    CHECK(hr_proc_start_with(argv, &opts, &p, why, sizeof why) == 0, "start: %s", why);
    for (int waited = 0; !strchr(out, '\n') && waited < DEADLINE_MS; waited += 10) {
        host_dirwatch_wait(NULL, &p, 10);
        hr_proc_read(&p, out, sizeof out);
    }
    long sleeper = atol(out);
    CHECK(sleeper > 0, "no pid printed: \"%s\"", out);
    hr_proc_end(&p);
    int waited = 0;
    while (!is_gone(sleeper) && waited < DEADLINE_MS) {
        host_dirwatch_wait(NULL, NULL, 10);
        waited += 10;
    }
    int gone = is_gone(sleeper);
    if (!gone)
        kill((pid_t)sleeper, SIGKILL);
    CHECK(gone, "the build's child %ld outlived hr_proc_end", sleeper);
}

static void wait_wakes_for_output(void)
{
    const char *argv[4];
    host_os_shell_argv("echo ready; exec sleep 120", argv);
    const hr_proc_opts opts = { .own_group = 1, .stdin_null = 1 };
    hr_proc p = { 0 };
    char why[300], out[256] = "";
    CHECK(hr_proc_start_with(argv, &opts, &p, why, sizeof why) == 0, "start: %s", why);
    int woken = host_dirwatch_wait(NULL, &p, DEADLINE_MS);
    hr_proc_read(&p, out, sizeof out);
    hr_proc_end(&p);
    CHECK(woken == 1 && strcmp(out, "ready\n") == 0, "woken %d, output \"%s\"", woken, out);
}

/* hr_proc_cpu_ms counts what a child runs, not how long it exists: a sleeping child uses next
 * to nothing, a spinning one gains, and never more than the time that passed (one thread). */
static void cpu_time_counts_running_not_waiting(void)
{
    const char *argv[4];
    const hr_proc_opts opts = { .own_group = 1, .stdin_null = 1 };
    hr_proc p = { 0 };
    char why[300];
    host_os_shell_argv("echo ready; exec sleep 120", argv);
    CHECK(hr_proc_start_with(argv, &opts, &p, why, sizeof why) == 0, "start: %s", why);
    CHECK(host_dirwatch_wait(NULL, &p, DEADLINE_MS) == 1, "the sleeper never printed");
    const uint64_t slept_from = host_now_ns();
    while (host_now_ns() - slept_from < 300000000u) /* it sleeps 300 ms at least */
        host_dirwatch_wait(NULL, NULL, 10);
    const long sleeper_ms = hr_proc_cpu_ms(&p);
    hr_proc_end(&p);
    CHECK(sleeper_ms >= 0 && sleeper_ms < 100, "a sleeping child used %ld ms of CPU", sleeper_ms);

    host_os_shell_argv("while :; do :; done", argv);
    const uint64_t started = host_now_ns();
    CHECK(hr_proc_start_with(argv, &opts, &p, why, sizeof why) == 0, "start: %s", why);
    long spun_ms = 0;
    while ((spun_ms = hr_proc_cpu_ms(&p)) < 200 &&
           host_now_ns() - started < (uint64_t)DEADLINE_MS * 1000000u)
        host_dirwatch_wait(NULL, NULL, 10);
    const long wall_ms = (long)((host_now_ns() - started) / 1000000u);
    hr_proc_end(&p);
    CHECK(spun_ms >= 200 && spun_ms <= wall_ms + 10, "a spinning child: %ld ms of CPU in %ld ms",
          spun_ms, wall_ms);
    CHECK(hr_proc_cpu_ms(&p) == 0, "an ended child still counts %ld ms", hr_proc_cpu_ms(&p));
}

int main(void)
{
    check_cleanup = remove_work_dir; /* a failed case leaves no temp directory */
    int passed = 0, failed = 0;
    RUN(watcher_reports_writes_renames_and_deletes, passed, failed);
    RUN(tree_watch_follows_new_directories, passed, failed);
    RUN(build_runs_in_its_directory_with_its_environment, passed, failed);
    RUN(start_without_options_names_its_parent, passed, failed);
    RUN(start_in_a_missing_directory_says_why, passed, failed);
    RUN(end_stops_the_whole_group, passed, failed);
    RUN(wait_wakes_for_output, passed, failed);
    RUN(cpu_time_counts_running_not_waiting, passed, failed);
    return failed != 0;
}
