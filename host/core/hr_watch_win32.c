/* hr_watch_win32.c - change detection on Windows: ReadDirectoryChangesW, overlapped, so a check
 * never blocks; an idle check costs no system call at all.
 *
 * Watches the library's directory, not the file: builds replace a file by renaming a new one
 * over it. Windows has no "closed after writing" event (inotify's IN_CLOSE_WRITE), so once our
 * file changed, every check tries to open it for reading while denying writers: a sharing
 * violation means a writer still has it open, which is reported as "writing" until it lets go.
 */
#include "hr_platform.h"
#include "hr_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define FILTER                                                                                     \
    (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE |      \
     FILE_NOTIFY_CHANGE_CREATION)

typedef struct win32_watch {
    hr_watch base;
    HANDLE dir;          /* the watched directory, opened for overlapped reads */
    OVERLAPPED ov;       /* the one outstanding ReadDirectoryChangesW */
    int armed;           /* a read is outstanding: ov and buf belong to the kernel */
    wchar_t *path;       /* the library, for the writer probe */
    const wchar_t *name; /* its file name, inside path */
    int changed;         /* our file changed: report it once no writer holds it */
    DWORD buf[4096];     /* 16 KiB of FILE_NOTIFY_INFORMATION; DWORD-aligned as required */
} win32_watch;

static int arm(win32_watch *w)
{
    memset(&w->ov, 0, sizeof w->ov);
    w->armed = ReadDirectoryChangesW(w->dir, w->buf, sizeof w->buf, FALSE, FILTER, NULL, &w->ov,
                                     NULL) != 0;
    return w->armed;
}

/* 1 if some handle with write access (or one that shares no reading) is open on the file. */
static int writer_holds_it(const win32_watch *w)
{
    HANDLE h = CreateFileW(w->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_SHARING_VIOLATION;
    CloseHandle(h);
    return 0;
}

static void scan(win32_watch *w, DWORD bytes)
{
    const unsigned char *p = (const unsigned char *)w->buf;
    for (;;) {
        const FILE_NOTIFY_INFORMATION *e = (const FILE_NOTIFY_INFORMATION *)p;
        /* Names compare like the file system does: without regard to case. */
        if (CompareStringOrdinal(e->FileName, (int)(e->FileNameLength / sizeof(WCHAR)), w->name, -1,
                                 TRUE) == CSTR_EQUAL)
            w->changed = 1;
        if (!e->NextEntryOffset ||
            (DWORD)(p - (const unsigned char *)w->buf) + e->NextEntryOffset >= bytes)
            break;
        p += e->NextEntryOffset;
    }
}

static hr_watch_event win32_check(hr_watch *base)
{
    win32_watch *w = (win32_watch *)base;
    /* HasOverlappedIoCompleted reads a field of ov: the idle path makes no system call. */
    while (w->armed && HasOverlappedIoCompleted(&w->ov)) {
        DWORD bytes = 0;
        w->armed = 0;
        if (GetOverlappedResult(w->dir, &w->ov, &bytes, FALSE)) {
            if (bytes == 0)
                w->changed = 1; /* the buffer overflowed: assume ours was among the changes */
            else
                scan(w, bytes);
        } else if (GetLastError() == ERROR_NOTIFY_ENUM_DIR) {
            w->changed = 1; /* same overflow, told as an error */
        } else {
            return HR_WATCH_LOST; /* directory deleted or moved, or the volume went away */
        }
        if (!arm(w))
            return HR_WATCH_LOST;
    }
    if (!w->armed)
        return HR_WATCH_LOST;
    if (!w->changed)
        return HR_WATCH_QUIET;
    if (writer_holds_it(w))
        return HR_WATCH_WRITING;
    w->changed = 0;
    return HR_WATCH_CHANGED;
}

static void win32_close(hr_watch *base)
{
    win32_watch *w = (win32_watch *)base;
    if (w->armed) {
        /* The kernel writes into buf until the cancel completes: wait for it before freeing. */
        DWORD bytes;
        CancelIoEx(w->dir, &w->ov);
        GetOverlappedResult(w->dir, &w->ov, &bytes, TRUE);
    }
    CloseHandle(w->dir);
    free(w->path);
    free(w);
}

hr_watch *hr_watch_native_open(const char *path, char *why, size_t why_size)
{
    win32_watch *w = calloc(1, sizeof *w);
    snprintf(why, why_size, "out of memory, or the path is not valid UTF-8");
    if (!w)
        return NULL;
    w->dir = INVALID_HANDLE_VALUE;
    w->path = hr_win32_widen(path);
    if (!w->path)
        goto fail;
    wchar_t *slash = wcsrchr(w->path, L'\\');
    w->name = slash ? slash + 1 : w->path;
    /* The directory: "." for a bare name, "\" or "C:\" for a file at a root. */
    wchar_t dir[MAX_PATH + 2] = L".";
    size_t len = slash ? (size_t)(slash - w->path) : 0;
    if (slash && len + 2 > sizeof dir / sizeof dir[0]) {
        snprintf(why, why_size, "the directory's path is too long");
        goto fail;
    }
    if (slash) {
        memcpy(dir, w->path, len * sizeof(wchar_t));
        if (len == 0 || (len == 2 && dir[1] == L':'))
            dir[len++] = L'\\';
        dir[len] = 0;
    }
    /* Shares delete: the watch must never stop anyone from removing or renaming the directory
     * (it then reports the watch as lost). */
    w->dir = CreateFileW(dir, FILE_LIST_DIRECTORY,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                         OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, NULL);
    if (w->dir == INVALID_HANDLE_VALUE || !arm(w)) {
        DWORD e = GetLastError();
        char text[256];
        if (w->dir == INVALID_HANDLE_VALUE &&
            (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND))
            why[0] = 0; /* the directory does not exist yet */
        else
            snprintf(why, why_size, "ReadDirectoryChangesW: %s",
                     hr_win32_error_text(e, text, sizeof text));
        goto fail;
    }
    w->base.poll = win32_check;
    w->base.close = win32_close;
    return &w->base;

fail:
    if (w->dir != INVALID_HANDLE_VALUE)
        CloseHandle(w->dir);
    free(w->path);
    free(w);
    return NULL;
}
