/* hr_proc_win32.c - child processes for the core's pre-flight check on Windows: start, poll
 * without blocking, read what it printed, kill and reap.
 *
 * hr_proc has a long "pid" and an int "out_fd". Windows needs handles, not numbers: a process
 * id is free for reuse as soon as the last handle closes, and the exit code goes with it. The
 * process handle is kept in pid and the pipe's read handle in out_fd; Windows guarantees that
 * kernel handles have 32 significant bits (HandleToLong/LongToHandle exist for exactly this),
 * and a valid handle is never 0 or -1. The child inherits the pipe and nothing else.
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

int hr_proc_start(const char *const *argv, hr_proc *p, char *why, size_t why_size)
{
    char cmd[8192] = "", err[256];
    size_t len = 0;
    for (int i = 0; argv[i]; i++) {
        if (append_arg(cmd, sizeof cmd, &len, argv[i]) != 0) {
            snprintf(why, why_size, "cannot start %s: command line too long", argv[0]);
            return -1;
        }
    }
    wchar_t *wcmd = widen_text(cmd), *wexe = hr_win32_widen(argv[0]);
    HANDLE rd = NULL, wr = NULL;
    SECURITY_ATTRIBUTES sa = { .nLength = sizeof sa, .bInheritHandle = TRUE };
    LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
    SIZE_T attrs_size = 0;
    PROCESS_INFORMATION pi = { 0 };
    DWORD e = 0;
    if (!wcmd || !wexe || !CreatePipe(&rd, &wr, &sa, 1 << 16) ||
        !SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0)) {
        e = wcmd && wexe ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    /* Inherit only the pipe: a plain bInheritHandles would hand the child every inheritable
     * handle of this process (the host's files, sockets, other children's pipes). */
    InitializeProcThreadAttributeList(NULL, 1, 0, &attrs_size);
    attrs = malloc(attrs_size);
    if (!attrs || !InitializeProcThreadAttributeList(attrs, 1, 0, &attrs_size) ||
        !UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, &wr, sizeof wr,
                                   NULL, NULL)) {
        e = attrs ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    STARTUPINFOEXW si = { .StartupInfo = { .cb = sizeof si,
                                           .dwFlags = STARTF_USESTDHANDLES,
                                           .hStdOutput = wr,
                                           .hStdError = wr },
                          .lpAttributeList = attrs };
    /* CREATE_NO_WINDOW: a console child of a windowed game must not flash a console. */
    if (!CreateProcessW(wexe, wcmd, NULL, NULL, TRUE,
                        CREATE_NO_WINDOW | EXTENDED_STARTUPINFO_PRESENT, NULL, NULL,
                        &si.StartupInfo, &pi)) {
        e = GetLastError();
        goto fail;
    }
    DeleteProcThreadAttributeList(attrs);
    free(attrs);
    CloseHandle(wr); /* the child's end: once it exits, reads see the end of the pipe */
    CloseHandle(pi.hThread);
    free(wcmd);
    free(wexe);
    p->pid = HandleToLong(pi.hProcess);
    p->out_fd = HandleToLong(rd);
    return 0;

fail:
    if (attrs)
        DeleteProcThreadAttributeList(attrs);
    free(attrs);
    if (rd)
        CloseHandle(rd);
    if (wr)
        CloseHandle(wr);
    free(wcmd);
    free(wexe);
    snprintf(why, why_size, "cannot start %s: %s", argv[0],
             hr_win32_error_text(e, err, sizeof err));
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
