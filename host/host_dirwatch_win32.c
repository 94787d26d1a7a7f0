/* host_dirwatch_win32.c - directories watched for changes on Windows (host_os.h's watcher):
 * ReadDirectoryChangesW, overlapped, one directory handle and one outstanding read per added
 * directory; a tree is one handle too (bWatchSubtree), present and future subdirectories alike.
 * Owns the handles, their events and their buffers; never blocks but in host_dirwatch_wait.
 *
 * The traps:
 * - Windows has no "closed after writing" event (inotify's IN_CLOSE_WRITE). A file's
 *   FILE_ACTION_MODIFIED is reported as DONE, and it may come while the file is still being
 *   written (several come for one save): the host's settle wait covers that, as it covers a
 *   compiler that writes in several steps.
 * - Names come relative to the watched directory ("sub\\dir\\file.c" in a tree): they are split
 *   so that dir is the directory the file is in and name the file's own name, UTF-8.
 * - Between two reads the kernel keeps the directory's changes in a buffer of the first read's
 *   size; when they do not fit, a read completes with 0 bytes (or ERROR_NOTIFY_ENUM_DIR):
 *   changes were lost, which is reported as LOST.
 * - An overlapped read is cancelled when the thread that started it ends
 *   (ERROR_OPERATION_ABORTED): the read is started again and LOST says what may have been missed.
 * - A directory that is deleted or moved away while watched ends its watch with an error: LOST
 *   is reported once and the directory's handle is closed (the handle shares delete, so it
 *   never stops the deletion).
 * - Anonymous pipes cannot be waited on: host_dirwatch_wait looks at a build's pipe in short
 *   slices.
 */
#include "host_os.h"

#include "core/hr_platform.h"
#include "core/hr_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#define FILTER                                                                                     \
    (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME | FILE_NOTIFY_CHANGE_LAST_WRITE |  \
     FILE_NOTIFY_CHANGE_SIZE)

enum {
    PIPE_SLICE_MS = 10,   /* how often host_dirwatch_wait looks at a build's pipe */
    ROUNDS_PER_READ = 16, /* completed reads handled per directory in one host_dirwatch_read */
    PATH_BYTES = 4096     /* a reported dir or name (UTF-8); longer ones are reported as LOST */
};

typedef struct watch {
    HANDLE dir;      /* the directory, opened for overlapped reads; NULL once the watch died */
    OVERLAPPED ov;   /* the outstanding read; ov.hEvent is signalled when it completes */
    int armed;       /* a read is outstanding: ov and buf belong to the kernel */
    int tree;        /* subdirectories too */
    int lost;        /* changes were lost outside a read (the watch became a tree): say LOST */
    char *name;      /* the directory as added, without trailing separators */
    char sep;        /* the separator name uses, for the paths of its subdirectories */
    wchar_t *full;   /* its full path, to find it again and to look at what changed */
    DWORD buf[8192]; /* 32 KiB of FILE_NOTIFY_INFORMATION, DWORD-aligned as required */
} watch;

struct host_dirwatch {
    watch **watches; /* by id; a watch keeps its place (and its id) until close */
    int count;
};

host_dirwatch *host_dirwatch_open(char *why, size_t why_size)
{
    host_dirwatch *w = calloc(1, sizeof *w);
    if (!w)
        snprintf(why, why_size, "out of memory");
    return w;
}

/* Starts the next read. The event is reset first: it must say "completed" only for this one. */
static int arm(watch *wt)
{
    HANDLE event = wt->ov.hEvent;
    ResetEvent(event);
    memset(&wt->ov, 0, sizeof wt->ov);
    wt->ov.hEvent = event;
    wt->armed = ReadDirectoryChangesW(wt->dir, wt->buf, sizeof wt->buf, wt->tree, FILTER, NULL,
                                      &wt->ov, NULL) != 0;
    return wt->armed;
}

/* Ends the outstanding read: the kernel writes into buf until the cancel completes. */
static void disarm(watch *wt)
{
    if (wt->armed) {
        DWORD bytes;
        CancelIoEx(wt->dir, &wt->ov);
        GetOverlappedResult(wt->dir, &wt->ov, &bytes, TRUE);
        wt->armed = 0;
    }
}

/* Opens dir (a full path) for change reads and starts the first one. Shares delete: the watch
 * never stops anyone from removing or renaming the directory. NULL with GetLastError(). */
static HANDLE open_dir(watch *wt, const wchar_t *dir, int tree)
{
    HANDLE h = CreateFileW(dir, FILE_LIST_DIRECTORY,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OVERLAPPED, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    HANDLE old = wt->dir;
    int old_tree = wt->tree;
    wt->dir = h;
    wt->tree = tree;
    if (!arm(wt)) {
        DWORD e = GetLastError();
        CloseHandle(h);
        wt->dir = old;
        wt->tree = old_tree;
        SetLastError(e);
        return NULL;
    }
    return h;
}

/* Opens a watch again: one that died (its directory went away and came back), or one first
 * added alone that must now be a tree (a handle watches what its first read asked for, so a new
 * handle replaces the old one, and what the old one held unread is lost). 0, or -1 with
 * GetLastError() and the watch as it was. */
static int reopen(watch *wt, int tree)
{
    HANDLE old = wt->dir;
    disarm(wt);
    if (!open_dir(wt, wt->full, tree)) {
        DWORD e = GetLastError();
        if (old)
            arm(wt);
        SetLastError(e);
        return -1;
    }
    if (old)
        CloseHandle(old);
    wt->lost = old != NULL;
    return 0;
}

/* The full path of dir without trailing separators (but for a root: "C:\"). NULL with why. */
static wchar_t *full_path(const char *dir, char *why, size_t why_size)
{
    wchar_t *wide = hr_win32_widen(dir), *full = NULL;
    DWORD n = wide ? GetFullPathNameW(wide, 0, NULL, NULL) : 0;
    if (n)
        full = malloc(n * sizeof *full);
    if (!full || GetFullPathNameW(wide, n, full, NULL) == 0) {
        snprintf(why, why_size, "%s: not a valid path, or out of memory", dir);
        free(full);
        free(wide);
        return NULL;
    }
    free(wide);
    size_t len = wcslen(full);
    while (len > 1 && full[len - 1] == L'\\' && !(len == 3 && full[1] == L':'))
        full[--len] = 0;
    return full;
}

/* 1 if full is wt's directory (*same = 1), or one below it while wt watches a tree. */
static int covers(const watch *wt, const wchar_t *full, int *same)
{
    int len = (int)wcslen(wt->full), n = (int)wcslen(full);
    /* Paths compare like the file system does: without regard to case. */
    *same = n == len && CompareStringOrdinal(wt->full, len, full, n, TRUE) == CSTR_EQUAL;
    return *same ||
           (wt->dir && wt->tree && n > len && (full[len] == L'\\' || wt->full[len - 1] == L'\\') &&
            CompareStringOrdinal(wt->full, len, full, len, TRUE) == CSTR_EQUAL);
}

int host_dirwatch_add(host_dirwatch *w, const char *dir, int tree, char *why, size_t why_size)
{
    char text[256];
    wchar_t *full = full_path(dir, why, why_size);
    if (!full)
        return -1;
    DWORD attrs = GetFileAttributesW(full);
    if (attrs == INVALID_FILE_ATTRIBUTES || !(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        snprintf(why, why_size, "%s: %s", dir,
                 attrs == INVALID_FILE_ATTRIBUTES
                     ? hr_win32_error_text(GetLastError(), text, sizeof text)
                     : "not a directory");
        free(full);
        return -1;
    }
    for (int i = 0; i < w->count; i++) {
        watch *wt = w->watches[i];
        int same = 0;
        if (!covers(wt, full, &same))
            continue;
        free(full);
        if (same && (!wt->dir || (tree && !wt->tree)) && reopen(wt, tree || wt->tree) != 0) {
            snprintf(why, why_size, "%s: ReadDirectoryChangesW: %s", dir,
                     hr_win32_error_text(GetLastError(), text, sizeof text));
            return -1;
        }
        return i;
    }
    watch *wt = calloc(1, sizeof *wt);
    watch **grown = realloc(w->watches, (size_t)(w->count + 1) * sizeof(watch *));
    if (grown)
        w->watches = grown;
    size_t len = strlen(dir);
    while (len > 1 && (dir[len - 1] == '/' || dir[len - 1] == '\\'))
        len--;
    if (!wt || !grown || !(wt->name = malloc(len + 1)) ||
        !(wt->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL))) {
        snprintf(why, why_size, "%s: out of memory", dir);
        goto fail;
    }
    memcpy(wt->name, dir, len);
    wt->name[len] = 0;
    wt->sep = strchr(wt->name, '/') || !strchr(wt->name, '\\') ? '/' : '\\';
    wt->full = full;
    if (!open_dir(wt, full, tree)) {
        snprintf(why, why_size, "%s: ReadDirectoryChangesW: %s", dir,
                 hr_win32_error_text(GetLastError(), text, sizeof text));
        goto fail;
    }
    w->watches[w->count] = wt;
    return w->count++;

fail:
    if (wt && wt->ov.hEvent)
        CloseHandle(wt->ov.hEvent);
    if (wt)
        free(wt->name);
    free(wt);
    free(full);
    return -1;
}

/* UTF-16 text of n characters (not terminated) as UTF-8 into out; 0 if it does not fit. */
static int narrow(const WCHAR *text, int n, char *out, size_t out_size)
{
    int got = n ? WideCharToMultiByte(CP_UTF8, 0, text, n, out, (int)out_size - 1, NULL, NULL) : 0;
    if (n && got <= 0)
        return 0;
    out[got] = 0;
    return 1;
}

/* 1 if the entry (n characters, relative to wt's directory) is a directory now. */
static int is_dir(const watch *wt, const WCHAR *entry, int n)
{
    size_t len = wcslen(wt->full);
    wchar_t *path = malloc((len + (size_t)n + 2) * sizeof *path);
    if (!path)
        return 0;
    memcpy(path, wt->full, len * sizeof *path);
    path[len] = L'\\';
    memcpy(path + len + 1, entry, (size_t)n * sizeof *path);
    path[len + 1 + (size_t)n] = 0;
    DWORD attrs = GetFileAttributesW(path);
    free(path);
    return attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY);
}

typedef void (*on_change_fn)(const host_change *c, void *ctx);

/* LOST, as the inotify watcher says it: no watch, no directory, no name. */
static void report_lost(on_change_fn on_change, void *ctx)
{
    on_change(&(host_change){ .kind = HOST_CHANGE_LOST, .watch = -1, .dir = "", .name = "" }, ctx);
}

/* One entry of a completed read as a change; 0 when it is none (a directory's own
 * modification: its contents changed, which their own entries say). */
static int report(const watch *wt, int id, const FILE_NOTIFY_INFORMATION *e, on_change_fn on_change,
                  void *ctx)
{
    const WCHAR *entry = e->FileName;
    int n = (int)(e->FileNameLength / sizeof(WCHAR)), cut = n;
    while (cut > 0 && entry[cut - 1] != L'\\')
        cut--;
    host_change c = { .watch = id };
    switch (e->Action) {
    case FILE_ACTION_ADDED:
        c.kind = is_dir(wt, entry, n) ? HOST_CHANGE_NEW_DIR : HOST_CHANGE_CREATED;
        break;
    case FILE_ACTION_RENAMED_NEW_NAME:
        c.kind = is_dir(wt, entry, n) ? HOST_CHANGE_NEW_DIR : HOST_CHANGE_DONE;
        break;
    case FILE_ACTION_MODIFIED:
        if (is_dir(wt, entry, n))
            return 0;
        c.kind = HOST_CHANGE_DONE;
        break;
    case FILE_ACTION_REMOVED:
    case FILE_ACTION_RENAMED_OLD_NAME: c.kind = HOST_CHANGE_GONE; break;
    default: return 0;
    }
    /* dir: the directory as added, then the entry's own directories with the same separator. */
    char dir[PATH_BYTES], name[PATH_BYTES];
    size_t len = strlen(wt->name);
    if (len + 2 > sizeof dir || !narrow(entry + cut, n - cut, name, sizeof name)) {
        report_lost(on_change, ctx);
        return 1;
    }
    memcpy(dir, wt->name, len + 1);
    if (cut > 1) {
        dir[len++] = wt->sep;
        if (!narrow(entry, cut - 1, dir + len, sizeof dir - len)) {
            report_lost(on_change, ctx);
            return 1;
        }
        for (char *p = dir + len; *p; p++)
            if (*p == '\\' || *p == '/')
                *p = wt->sep;
    }
    c.dir = dir;
    c.name = name;
    on_change(&c, ctx);
    return 1;
}

/* The entries of a completed read of bytes, in order. One save often gives the same entry
 * several times in a row (its size, then its time): each is told once. */
static int report_all(const watch *wt, int id, DWORD bytes, on_change_fn on_change, void *ctx)
{
    const unsigned char *p = (const unsigned char *)wt->buf;
    const FILE_NOTIFY_INFORMATION *prev = NULL;
    int count = 0;
    for (;;) {
        const FILE_NOTIFY_INFORMATION *e = (const FILE_NOTIFY_INFORMATION *)p;
        int repeat = prev && prev->Action == e->Action &&
                     prev->FileNameLength == e->FileNameLength &&
                     memcmp(prev->FileName, e->FileName, e->FileNameLength) == 0;
        if (!repeat)
            count += report(wt, id, e, on_change, ctx);
        prev = e;
        if (!e->NextEntryOffset ||
            (DWORD)(p - (const unsigned char *)wt->buf) + e->NextEntryOffset >= bytes)
            break;
        p += e->NextEntryOffset;
    }
    return count;
}

/* The completed reads of one watch; each is followed by the next read. */
static int read_watch(watch *wt, int id, on_change_fn on_change, void *ctx)
{
    int count = 0;
    if (wt->lost) {
        wt->lost = 0;
        report_lost(on_change, ctx);
        count++;
    }
    /* HasOverlappedIoCompleted reads a field of ov: an idle look makes no system call. */
    for (int round = 0; round < ROUNDS_PER_READ && wt->armed && HasOverlappedIoCompleted(&wt->ov);
         round++) {
        DWORD bytes = 0;
        wt->armed = 0;
        BOOL ok = GetOverlappedResult(wt->dir, &wt->ov, &bytes, FALSE);
        DWORD e = ok ? 0 : GetLastError();
        if (ok && bytes > 0) {
            count += report_all(wt, id, bytes, on_change, ctx);
        } else {
            report_lost(on_change, ctx); /* overflow, a cancelled read, or the watch died */
            count++;
        }
        if ((ok || e == ERROR_NOTIFY_ENUM_DIR || e == ERROR_OPERATION_ABORTED) && arm(wt))
            continue;
        /* The directory went away (or cannot be read any more): its watch ends here. */
        CloseHandle(wt->dir);
        wt->dir = NULL;
    }
    return count;
}

int host_dirwatch_read(host_dirwatch *w, void (*on_change)(const host_change *c, void *ctx),
                       void *ctx)
{
    int count = 0;
    /* By index: on_change may add directories, which moves the array (not the watches). */
    for (int i = 0; i < w->count; i++)
        count += read_watch(w->watches[i], i, on_change, ctx);
    return count;
}

/* 1 if the running build printed something. A pipe whose writers are gone is no news: the
 * process's own handle says when it ended (a closed pipe would wake every look until then). */
static int pipe_has_news(const hr_proc *proc)
{
    DWORD avail = 0;
    return proc && proc->pid > 0 && proc->out_fd >= 0 &&
           PeekNamedPipe(LongToHandle(proc->out_fd), NULL, 0, NULL, &avail, NULL) && avail > 0;
}

static int watches_have_news(const host_dirwatch *w)
{
    for (int i = 0; w && i < w->count; i++)
        if (w->watches[i]->lost ||
            (w->watches[i]->armed && HasOverlappedIoCompleted(&w->watches[i]->ov)))
            return 1;
    return 0;
}

int host_dirwatch_wait(host_dirwatch *w, const struct hr_proc *proc, int timeout_ms)
{
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    DWORD n = 0;
    /* Looked at in slices: the pipe, and directories beyond what one wait can take. */
    int sliced = proc && proc->pid > 0 && proc->out_fd >= 0;
    if (proc && proc->pid > 0)
        handles[n++] = LongToHandle(proc->pid); /* signalled once the build ended */
    for (int i = 0; w && i < w->count; i++) {
        if (!w->watches[i]->armed)
            continue;
        if (n < MAXIMUM_WAIT_OBJECTS)
            handles[n++] = w->watches[i]->ov.hEvent;
        else
            sliced = 1;
    }
    ULONGLONG deadline = GetTickCount64() + (ULONGLONG)(timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        if (pipe_has_news(proc) || watches_have_news(w))
            return 1;
        ULONGLONG now = GetTickCount64();
        if (now >= deadline)
            return 0;
        DWORD slice = (DWORD)(deadline - now);
        if (sliced && slice > PIPE_SLICE_MS)
            slice = PIPE_SLICE_MS;
        if (n == 0)
            Sleep(slice);
        else if (WaitForMultipleObjects(n, handles, FALSE, slice) < WAIT_OBJECT_0 + n)
            return 1;
    }
}

void host_dirwatch_close(host_dirwatch *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->count; i++) {
        watch *wt = w->watches[i];
        disarm(wt);
        if (wt->dir)
            CloseHandle(wt->dir);
        CloseHandle(wt->ov.hEvent);
        free(wt->name);
        free(wt->full);
        free(wt);
    }
    free(w->watches);
    free(w);
}
