/* hr_proc_win32.c - child processes on Windows (the core's pre-flight check, the host's build):
 * start, poll without blocking, read what it printed, kill and reap.
 *
 * hr_proc has a long "pid" and an int "out_fd". Windows needs handles, not numbers: a process
 * id is free for reuse as soon as the last handle closes, and the exit code goes with it. The
 * process handle is kept in pid and the pipe's read handle in out_fd; Windows guarantees that
 * kernel handles have 32 significant bits (HandleToLong/LongToHandle exist for exactly this),
 * and a valid handle is never 0 or -1. The child inherits the pipe (and with stdin_null the
 * null device) and nothing else. With own_group the child runs in a job object of its own,
 * kept in hr_proc.starting (the POSIX side's helper thread: Windows needs none); hr_proc_end
 * terminates the job, which ends every process the child started too.
 */
#include "hr_platform.h"
#include "hr_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

/* Appends arg to cmd quoted the way CommandLineToArgvW and the C runtime split it again. */
static int append_arg(char *cmd, size_t size, size_t *len, const char *arg)
{
    char buf[2048];
    size_t n = 0;
    buf[n++] = '"';
    for (const char *p = arg;; p++) {
        size_t slashes = 0;
        while (*p == '\\') {
            p++;
            slashes++;
        }
        /* Backslashes double only before a quote (or the closing one); elsewhere they stay. */
        size_t copies = (*p == '"' || !*p) ? 2 * slashes : slashes;
        if (n + copies + 3 >= sizeof buf)
            return -1;
        memset(buf + n, '\\', copies);
        n += copies;
        if (!*p)
            break;
        if (*p == '"')
            buf[n++] = '\\';
        buf[n++] = *p;
    }
    buf[n++] = '"';
    if (*len + n + 2 > size)
        return -1;
    if (*len)
        cmd[(*len)++] = ' ';
    memcpy(cmd + *len, buf, n);
    *len += n;
    cmd[*len] = 0;
    return 0;
}

/* UTF-8 to UTF-16 as it is (hr_win32_widen would turn every '/' of the arguments into '\'). */
static wchar_t *widen_text(const char *text)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, text, -1, w, n);
    return w;
}

/* cmd.exe splits its command line its own way, not the C runtime's: a quote inside a command
 * quoted for the C runtime (\") reaches it as a backslash and ends its string. So a shell call,
 * {cmd.exe, /c, command} as host_os_shell_argv gives it, passes the command verbatim after
 * "/s /c": with /s, cmd.exe drops the first and the last quote of the line and keeps the rest. */
static int is_shell_call(const char *const *argv)
{
    const char *name = argv[0] ? argv[0] + strlen(argv[0]) : NULL;
    while (name && name > argv[0] && name[-1] != '\\' && name[-1] != '/')
        name--;
    return name && _stricmp(name, "cmd.exe") == 0 && argv[1] && _stricmp(argv[1], "/c") == 0 &&
           argv[2] && !argv[3];
}

static int command_line(const char *const *argv, char *cmd, size_t size)
{
    size_t len = 0;
    if (is_shell_call(argv)) {
        if (append_arg(cmd, size, &len, argv[0]) != 0)
            return -1;
        int n = snprintf(cmd + len, size - len, " /s /c \"%s\"", argv[2]);
        return n >= 0 && (size_t)n < size - len ? 0 : -1;
    }
    for (int i = 0; argv[i]; i++)
        if (append_arg(cmd, size, &len, argv[i]) != 0)
            return -1;
    return 0;
}

/* The length of an environment entry's name: up to its '=', past a leading one (the "=C:"
 * entries that hold each drive's current directory). */
static int name_length(const wchar_t *entry)
{
    const wchar_t *eq = entry[0] ? wcschr(entry + 1, L'=') : NULL;
    return (int)(eq ? eq - entry : (ptrdiff_t)wcslen(entry));
}

static int by_name(const void *a, const void *b)
{
    const wchar_t *x = *(const wchar_t *const *)a, *y = *(const wchar_t *const *)b;
    return CompareStringOrdinal(x, name_length(x), y, name_length(y), TRUE) - CSTR_EQUAL;
}

/* envp as CreateProcessW's UTF-16 block: "name=value" strings one after the other, each ending
 * in a 0, an empty one after the last. Sorted by name without regard to case, as Windows
 * documents the block must be. NULL when out of memory or an entry is not UTF-8. */
static wchar_t *environment_block(char *const *envp)
{
    size_t n = 0, total = 1;
    while (envp[n])
        n++;
    wchar_t **wide = calloc(n + 1, sizeof *wide), *block = NULL;
    for (size_t i = 0; wide && i < n; i++) {
        if (!(wide[i] = widen_text(envp[i])))
            goto done;
        total += wcslen(wide[i]) + 1;
    }
    if (!wide || !(block = malloc((total + 1) * sizeof *block)))
        goto done;
    qsort(wide, n, sizeof *wide, by_name);
    wchar_t *at = block;
    for (size_t i = 0; i < n; i++) {
        size_t len = wcslen(wide[i]) + 1;
        memcpy(at, wide[i], len * sizeof *at);
        at += len;
    }
    *at++ = 0;
    *at = 0; /* an empty block still needs its two zeros */
done:
    for (size_t i = 0; wide && i < n; i++)
        free(wide[i]);
    free(wide);
    return block;
}

/* A job that ends every process in it when its last handle closes: hr_proc_end terminates it,
 * and a host that dies without ending its build takes the build with it. */
static HANDLE kill_on_close_job(void)
{
    HANDLE job = CreateJobObjectW(NULL, NULL);
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {
        .BasicLimitInformation = { .LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE }
    };
    if (job &&
        !SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)) {
        CloseHandle(job);
        return NULL;
    }
    return job;
}

int hr_proc_start(const char *const *argv, hr_proc *p, char *why, size_t why_size)
{
    return hr_proc_start_with(argv, NULL, p, why, why_size);
}

int hr_proc_start_with(const char *const *argv, const hr_proc_opts *opts, hr_proc *p, char *why,
                       size_t why_size)
{
    static const hr_proc_opts none = { 0 };
    char cmd[8192] = "", err[256];
    if (!opts)
        opts = &none;
    if (command_line(argv, cmd, sizeof cmd) != 0) {
        snprintf(why, why_size, "cannot start %s: command line too long", argv[0]);
        return -1;
    }
    const char *what = "cannot start";
    wchar_t *wcmd = widen_text(cmd), *wexe = hr_win32_widen(argv[0]);
    wchar_t *wcwd = opts->cwd ? hr_win32_widen(opts->cwd) : NULL;
    wchar_t *wenv = opts->envp ? environment_block(opts->envp) : NULL;
    HANDLE rd = NULL, wr = NULL, in = NULL, job = NULL;
    SECURITY_ATTRIBUTES sa = { .nLength = sizeof sa, .bInheritHandle = TRUE };
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    SIZE_T attrs_size = 0;
    PROCESS_INFORMATION pi = { 0 };
    DWORD e = ERROR_NOT_ENOUGH_MEMORY;
    if (!wcmd || !wexe || (opts->cwd && !wcwd) || (opts->envp && !wenv))
        goto fail;
    if (!CreatePipe(&rd, &wr, &sa, 1 << 16) || !SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0))
        goto fail_with_last_error;
    if (opts->stdin_null) {
        in = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                         OPEN_EXISTING, 0, NULL);
        if (in == INVALID_HANDLE_VALUE) {
            in = NULL;
            goto fail_with_last_error;
        }
    }
    if (opts->own_group && !(job = kill_on_close_job()))
        goto fail_with_last_error;
    /* Inherit only the pipe (and the null device): a plain bInheritHandles would hand the child
     * every inheritable handle of this process (the host's files, sockets, other children's
     * pipes). */
    HANDLE inherit[2] = { wr, in };
    InitializeProcThreadAttributeList(NULL, 1, 0, &attrs_size);
    attrs = malloc(attrs_size);
    if (!attrs)
        goto fail;
    if (!InitializeProcThreadAttributeList(attrs, 1, 0, &attrs_size) ||
        !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherit,
                                   (in ? 2 : 1) * sizeof(HANDLE), NULL, NULL))
        goto fail_with_last_error;
    STARTUPINFOEXW si = { .StartupInfo = { .cb = sizeof si,
                                           .dwFlags = STARTF_USESTDHANDLES,
                                           .hStdInput = in,
                                           .hStdOutput = wr,
                                           .hStdError = wr },
                          .lpAttributeList = attrs };
    /* CREATE_NO_WINDOW: a console child of a windowed game must not flash a console.
     * CREATE_SUSPENDED with a job: the child joins it before it runs, so nothing it starts can
     * slip out. */
    DWORD flags = CREATE_NO_WINDOW | EXTENDED_STARTUPINFO_PRESENT |
                  (wenv ? CREATE_UNICODE_ENVIRONMENT : 0) | (job ? CREATE_SUSPENDED : 0);
    if (!CreateProcessW(wexe, wcmd, NULL, NULL, TRUE, flags, wenv, wcwd, &si.StartupInfo, &pi))
        goto fail_with_last_error;
    if (job && !AssignProcessToJobObject(job, pi.hProcess)) {
        e = GetLastError();
        what = "cannot give a job of its own to";
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 5000);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        goto fail;
    }
    if (job)
        ResumeThread(pi.hThread);
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
    CloseHandle(wr); /* the child's end: once it exits, reads see the end of the pipe */
    if (in)
        CloseHandle(in);
    CloseHandle(pi.hThread);
    free(wcmd);
    free(wexe);
    free(wcwd);
    free(wenv);
    p->pid = HandleToLong(pi.hProcess);
    p->out_fd = HandleToLong(rd);
    p->starting = job;
    return 0;

fail_with_last_error:
    e = GetLastError();
fail:
    if (attrs)
        DeleteProcThreadAttributeList(attrs);
    free(attrs);
    if (job)
        CloseHandle(job);
    if (in)
        CloseHandle(in);
    if (rd)
        CloseHandle(rd);
    if (wr)
        CloseHandle(wr);
    free(wcmd);
    free(wexe);
    free(wcwd);
    free(wenv);
    /* A missing working directory fails here with a text that does not name it: we do. */
    snprintf(why, why_size, "%s %s%s%s: %s", what, argv[0], opts->cwd ? " in " : "",
             opts->cwd ? opts->cwd : "", hr_win32_error_text(e, err, sizeof err));
    return -1;
}

int hr_proc_poll(hr_proc *p, int *code)
{
    HANDLE h = LongToHandle(p->pid);
    if (WaitForSingleObject(h, 0) == WAIT_TIMEOUT)
        return 1;
    DWORD status = 0;
    GetExitCodeProcess(h, &status);
    CloseHandle(h);
    p->pid = 0;
    /* A crash ends the process with its exception code (0xC0000005 access violation...), the
     * signal of Windows: report it as negative, as POSIX reports a signal; the text comes from
     * hr_proc_signal_text(). Codes with the top bit set are never ordinary exit statuses. */
    *code = (status & 0x80000000u) ? -(int)(status & 0x7fffffffu) : (int)status;
    return 0;
}

long hr_proc_cpu_ms(const hr_proc *p)
{
    FILETIME created, ended, kernel, user;
    if (!p->pid || !GetProcessTimes(LongToHandle(p->pid), &created, &ended, &kernel, &user))
        return -1;
    ULARGE_INTEGER k = { .u = { kernel.dwLowDateTime, kernel.dwHighDateTime } };
    ULARGE_INTEGER u = { .u = { user.dwLowDateTime, user.dwHighDateTime } };
    return (long)((k.QuadPart + u.QuadPart) / 10000u); /* 100 ns units */
}

void hr_proc_read(hr_proc *p, char *buf, size_t size)
{
    size_t len = strlen(buf);
    HANDLE rd = LongToHandle(p->out_fd);
    while (p->out_fd >= 0 && len + 1 < size) {
        DWORD avail = 0, got = 0, want = (DWORD)(size - len - 1);
        /* Anonymous pipes have no non-blocking mode: read only what is already there. */
        if (!PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) || avail == 0)
            break;
        if (!ReadFile(rd, buf + len, avail < want ? avail : want, &got, NULL) || got == 0)
            break;
        len += got;
    }
    buf[len] = 0;
}

void hr_proc_end(hr_proc *p)
{
    /* The job goes first: it holds what the child started, which may run on after the child
     * itself ended. */
    if (p->starting) {
        TerminateJobObject(p->starting, 1);
        CloseHandle(p->starting);
        p->starting = NULL;
    }
    if (p->pid > 0) {
        HANDLE h = LongToHandle(p->pid);
        TerminateProcess(h, 1);
        WaitForSingleObject(h, 5000); /* the kill is asynchronous: let it finish */
        CloseHandle(h);
        p->pid = 0;
    }
    if (p->out_fd >= 0)
        CloseHandle(LongToHandle(p->out_fd));
    p->out_fd = -1;
}

void hr_proc_signal_text(int sig, char *buf, size_t size)
{
    static const struct {
        DWORD code;
        const char *name;
    } known[] = {
        { 0xC0000005u, "access violation" },
        { 0xC00000FDu, "stack overflow" },
        { 0xC000001Du, "illegal instruction" },
        { 0xC0000094u, "integer division by zero" },
        { 0xC0000409u, "abort or fast fail" },
        { 0xC0000135u, "DLL not found" },
        { 0xC0000139u, "entry point not found" },
        { 0x80000003u, "breakpoint" },
        { 0xC000013Au, "Ctrl+C" },
    };
    DWORD code = 0x80000000u | (DWORD)sig;
    const char *name = "unknown exception";
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (known[i].code == code)
            name = known[i].name;
    snprintf(buf, size, "exception 0x%08lX (%s)", (unsigned long)code, name);
}
