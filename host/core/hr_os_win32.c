/* hr_os_win32.c - files, private directories and time for the core on Windows.
 *
 * Owns nothing: hr.c owns the directory path and the copies. The traps this file exists for:
 * Windows locks a loaded DLL's file, so the build could not overwrite it if the core loaded it
 * directly - every load goes through a copy, created with CREATE_NEW (never through an
 * existing file or link) in a directory of our own under the per-user %TEMP%; and a file's
 * identity is volume serial + file index, not a path, because builds replace files by rename.
 */
#include "hr_platform.h"
#include "hr_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <sddl.h> /* after windows.h, which it needs */

#define DIR_PREFIX "hr-"

uint64_t hr_os_now_ns(void)
{
    LARGE_INTEGER freq, now; /* the frequency is read each time: no state shared by threads */
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    uint64_t c = (uint64_t)now.QuadPart, f = (uint64_t)freq.QuadPart;
    return c / f * 1000000000u + c % f * 1000000000u / f; /* split: c * 1e9 would overflow */
}

void hr_os_sleep_ms(int ms)
{
    Sleep(ms > 0 ? (DWORD)ms : 0);
}

/* FILETIME counts 100 ns ticks since 1601; only differences matter here. */
static int64_t ticks_to_ns(uint64_t ticks)
{
    return (int64_t)(ticks * 100u);
}

static hr_file_sig sig_from_handle(HANDLE h)
{
    BY_HANDLE_FILE_INFORMATION fi;
    if (!GetFileInformationByHandle(h, &fi))
        return (hr_file_sig){ .kind = HR_FILE_MISSING };
    hr_file_sig sig = {
        .kind =
            (fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? HR_FILE_DIRECTORY : HR_FILE_REGULAR,
        .dev = fi.dwVolumeSerialNumber,
        .ino = (uint64_t)fi.nFileIndexHigh << 32 | fi.nFileIndexLow,
        .size = (uint64_t)fi.nFileSizeHigh << 32 | fi.nFileSizeLow,
        .mtime_ns = ticks_to_ns((uint64_t)fi.ftLastWriteTime.dwHighDateTime << 32 |
                                fi.ftLastWriteTime.dwLowDateTime),
    };
    /* The change time moves on every write and rename and cannot be set back by tools (the
     * ctime of POSIX). NTFS has it; a file system without it leaves 0, and the rest decides. */
    FILE_BASIC_INFO basic;
    if (GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof basic))
        sig.ctime_ns = ticks_to_ns((uint64_t)basic.ChangeTime.QuadPart);
    return sig;
}

hr_file_sig hr_os_stat(const char *path)
{
    wchar_t *w = hr_win32_widen(path);
    if (!w)
        return (hr_file_sig){ .kind = HR_FILE_MISSING };
    /* Attribute access only: never blocked by, and never blocking, a writer's share mode.
     * BACKUP_SEMANTICS lets the open succeed on a directory, so it is reported as one. */
    HANDLE h =
        CreateFileW(w, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return (hr_file_sig){ .kind = HR_FILE_MISSING };
    hr_file_sig sig = sig_from_handle(h);
    CloseHandle(h);
    return sig;
}

int hr_os_same_file(const hr_file_sig *a, const hr_file_sig *b)
{
    return a->kind == b->kind && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

/* Deletes the plain files directly inside dir (hr never makes subdirectories). */
static void empty_dir(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH + 4], file[2 * MAX_PATH];
    if (_snwprintf(pattern, sizeof pattern / sizeof pattern[0], L"%ls\\*", dir) < 0)
        return;
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return;
    do {
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        if (_snwprintf(file, sizeof file / sizeof file[0], L"%ls\\%ls", dir, fd.cFileName) > 0)
            DeleteFileW(file);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

/* 1 unless the process is certainly gone: a process we may not open belongs to someone else
 * and is alive. */
static int process_alive(unsigned long pid)
{
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, (DWORD)pid);
    if (!h)
        return GetLastError() != ERROR_INVALID_PARAMETER;
    DWORD code = 0;
    int alive = !GetExitCodeProcess(h, &code) || code == STILL_ACTIVE;
    CloseHandle(h);
    return alive;
}

/* A directory "hr-<pid>-XXXXXX" whose process is gone was left by a killed program: remove it.
 * Never follows a junction or symlink (a reparse point) planted under that name. */
static void clean_leftovers(const wchar_t *parent)
{
    wchar_t pattern[MAX_PATH + 8], dir[2 * MAX_PATH];
    if (_snwprintf(pattern, sizeof pattern / sizeof pattern[0], L"%ls\\" DIR_PREFIX "*", parent) <
        0)
        return;
    WIN32_FIND_DATAW fd;
    HANDLE find = FindFirstFileW(pattern, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return;
    do {
        unsigned long pid;
        wchar_t tail[16];
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ||
            (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
            swscanf(fd.cFileName, L"" DIR_PREFIX "%lu-%15ls", &pid, tail) != 2 || pid == 0 ||
            pid == GetCurrentProcessId() || process_alive(pid))
            continue;
        if (_snwprintf(dir, sizeof dir / sizeof dir[0], L"%ls\\%ls", parent, fd.cFileName) < 0)
            continue;
        empty_dir(dir);
        RemoveDirectoryW(dir);
    } while (FindNextFileW(find, &fd));
    FindClose(find);
}

/* Drops trailing separators (GetTempPath ends with one) but keeps the one of "C:\". */
static void strip_separator(wchar_t *dir)
{
    size_t n = wcslen(dir);
    while (n > 1 && (dir[n - 1] == L'\\' || dir[n - 1] == L'/') && dir[n - 2] != L':')
        dir[--n] = 0;
}

int hr_os_make_private_dir(const char *parent, char *out, size_t out_size, char *why,
                           size_t why_size)
{
    wchar_t wparent[MAX_PATH + 1];
    if (parent && parent[0]) {
        wchar_t *w = hr_win32_widen(parent);
        if (!w || wcslen(w) > MAX_PATH) {
            free(w);
            snprintf(why, why_size, "temp directory %s is not valid UTF-8 or too long", parent);
            return -1;
        }
        wcscpy(wparent, w);
        free(w);
    } else if (!GetTempPathW(MAX_PATH + 1, wparent)) { /* %TMP%, %TEMP%, the profile's Temp */
        char err[256];
        snprintf(why, why_size, "GetTempPath: %s",
                 hr_win32_error_text(GetLastError(), err, sizeof err));
        return -1;
    }
    strip_separator(wparent);
    clean_leftovers(wparent);

    /* Owner-only, like mkdtemp's 0700: a protected DACL granting the owner alone full access,
     * inherited by the copies. %TEMP% is per-user already, but desc.temp_dir may be shared.
     * Should the descriptor be unavailable, the directory inherits its parent's ACL. */
    SECURITY_ATTRIBUTES sa = { .nLength = sizeof sa };
    PSECURITY_DESCRIPTOR sd = NULL;
    if (ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;OICI;FA;;;OW)",
                                                             SDDL_REVISION_1, &sd, NULL))
        sa.lpSecurityDescriptor = sd;

    char uparent[3 * MAX_PATH];
    hr_win32_narrow(wparent, uparent, sizeof uparent);
    LARGE_INTEGER seed;
    QueryPerformanceCounter(&seed);
    DWORD err = ERROR_ALREADY_EXISTS;
    for (unsigned i = 0; i < 100 && err == ERROR_ALREADY_EXISTS; i++) {
        unsigned tag = (unsigned)(seed.QuadPart ^ (seed.QuadPart >> 24)) + i * 0x9E3779B9u;
        int n = snprintf(out, out_size, "%s\\" DIR_PREFIX "%lu-%06x", uparent,
                         (unsigned long)GetCurrentProcessId(), tag & 0xffffffu);
        wchar_t *w = n > 0 && (size_t)n < out_size ? hr_win32_widen(out) : NULL;
        if (!w) {
            err = ERROR_FILENAME_EXCED_RANGE;
            break;
        }
        err = CreateDirectoryW(w, sa.lpSecurityDescriptor ? &sa : NULL) ? 0 : GetLastError();
        free(w);
    }
    LocalFree(sd);
    if (err) {
        char text[256];
        snprintf(why, why_size, "cannot create a private directory under %s: %s", uparent,
                 hr_win32_error_text(err, text, sizeof text));
        return -1;
    }
    return 0;
}

void hr_os_remove_private_dir(const char *dir)
{
    wchar_t *w = hr_win32_widen(dir);
    if (!w)
        return;
    empty_dir(w);
    RemoveDirectoryW(w);
    free(w);
}

/* 0 when size bytes were copied, 1 when the source ended early, -1 on an error (GetLastError()
 * says which). The buffer is the copy's own, from the heap: a static one would be state shared
 * by every hr_lib (two copying at once would mix their bytes), and 64 KiB frames are unkind to
 * game threads. */
static int copy_bytes(HANDLE in, HANDLE out, uint64_t size)
{
    enum {
        BUF_SIZE = 1 << 16
    };
    char *buf = malloc(BUF_SIZE);
    if (!buf) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return -1;
    }
    uint64_t done = 0;
    int rc = 0;
    while (done < size) {
        DWORD want = size - done < BUF_SIZE ? (DWORD)(size - done) : (DWORD)BUF_SIZE, got, put;
        if (!ReadFile(in, buf, want, &got, NULL)) {
            rc = -1;
            break;
        }
        if (got == 0)
            break; /* the source shrank while we copied */
        if (!WriteFile(out, buf, got, &put, NULL) || put != got) {
            rc = -1;
            break;
        }
        done += got;
    }
    DWORD saved = GetLastError(); /* free() may set it */
    free(buf);
    SetLastError(saved);
    return rc < 0 ? rc : done == size ? 0 : 1;
}

hr_error hr_os_copy(const char *src, const char *dst, hr_file_sig *sig, char *why, size_t why_size)
{
    char err[256];
    wchar_t *wsrc = hr_win32_widen(src), *wdst = hr_win32_widen(dst);
    hr_error result = HR_ERR_NONE;
    HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
    int created = 0;
    if (!wsrc || !wdst) {
        snprintf(why, why_size, "%s or %s is not valid UTF-8 (or out of memory)", src, dst);
        result = HR_ERR_TEMP;
        goto done;
    }
    DWORD attrs = GetFileAttributesW(wsrc);
    if (attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        snprintf(why, why_size, "%s is not a regular file (a directory?)", src);
        result = HR_ERR_NOT_FILE;
        goto done;
    }
    /* Share everything: the build must stay free to replace or rewrite the file meanwhile;
     * the signature taken before and after tells whether it did. */
    in = CreateFileW(wsrc, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                     NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (in == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        snprintf(why, why_size, "%s: %s", src, hr_win32_error_text(e, err, sizeof err));
        result = e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? HR_ERR_MISSING
                 : e == ERROR_SHARING_VIOLATION                         ? HR_ERR_INCOMPLETE
                                                                        : HR_ERR_TEMP;
        goto done;
    }
    hr_file_sig before = sig_from_handle(in);
    if (before.size > HR_MAX_LIBRARY_BYTES) {
        snprintf(why, why_size, "%s is %llu bytes, more than a library may be (%llu)", src,
                 (unsigned long long)before.size, (unsigned long long)HR_MAX_LIBRARY_BYTES);
        result = HR_ERR_NOT_LIBRARY;
        goto done;
    }
    /* CREATE_NEW fails on any existing name, a planted link included. TEMPORARY keeps the
     * copy in the file cache instead of writing it to disk (the tmpfs of POSIX). */
    out = CreateFileW(wdst, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_TEMPORARY, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        snprintf(why, why_size, "cannot create the private copy %s: %s", dst,
                 hr_win32_error_text(GetLastError(), err, sizeof err));
        result = HR_ERR_TEMP;
        goto done;
    }
    created = 1;
    int rc = copy_bytes(in, out, before.size);
    DWORD saved = GetLastError();
    hr_file_sig after = sig_from_handle(in);
    if (!CloseHandle(out) && rc == 0) {
        rc = -1;
        saved = GetLastError();
    }
    out = INVALID_HANDLE_VALUE;
    *sig = before;
    if (rc < 0) {
        snprintf(why, why_size, "copying %s to %s failed: %s", src, dst,
                 hr_win32_error_text(saved, err, sizeof err));
        result = HR_ERR_TEMP;
    } else if (rc > 0 || !hr_os_same_file(&before, &after)) {
        snprintf(why, why_size, "%s changed while it was copied (still being written)", src);
        result = HR_ERR_INCOMPLETE;
    }
done:
    if (out != INVALID_HANDLE_VALUE)
        CloseHandle(out);
    if (in != INVALID_HANDLE_VALUE)
        CloseHandle(in);
    if (created && result != HR_ERR_NONE)
        DeleteFileW(wdst); /* a copy cut short (a full disk) is never left behind */
    free(wsrc);
    free(wdst);
    return result;
}

/* A "copy in a thread" that is made at once, in hr_os_copy_start, and is over at the first
 * poll. The trap a real thread would fall into: Windows refuses to rename a file over one that
 * is open (ERROR_ACCESS_DENIED, FILE_SHARE_DELETE or not), so holding the build's file open for
 * the length of a big copy would make the build itself fail when it replaces the library. */
struct hr_copy {
    char *dst; /* the copy, removed if the job is cancelled */
    hr_file_sig sig;
};

hr_error hr_os_copy_start(const char *src, const char *dst, hr_copy **job, char *why,
                          size_t why_size)
{
    *job = NULL;
    hr_copy *j = calloc(1, sizeof *j);
    if (!j || !(j->dst = _strdup(dst))) {
        free(j);
        snprintf(why, why_size, "cannot copy %s: out of memory", src);
        return HR_ERR_TEMP;
    }
    hr_error err = hr_os_copy(src, dst, &j->sig, why, why_size);
    if (err != HR_ERR_NONE) {
        free(j->dst);
        free(j);
        return err;
    }
    *job = j;
    return HR_ERR_NONE;
}

int hr_os_copy_poll(hr_copy *job, hr_error *err, hr_file_sig *sig, char *why, size_t why_size)
{
    *err = HR_ERR_NONE;
    *sig = job->sig;
    if (why_size > 0)
        why[0] = 0;
    free(job->dst);
    free(job);
    return 0;
}

void hr_os_copy_cancel(hr_copy *job)
{
    if (!job)
        return;
    hr_os_remove(job->dst);
    free(job->dst);
    free(job);
}

/* Opened to read, sharing everything: never in the way of a build replacing the file. */
static HANDLE open_to_read(const char *path)
{
    wchar_t *w = hr_win32_widen(path);
    HANDLE h =
        w ? CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL)
          : INVALID_HANDLE_VALUE;
    free(w);
    return h;
}

int hr_os_same_content(const char *a, const char *b)
{
    HANDLE ha = open_to_read(a), hb = open_to_read(b);
    LARGE_INTEGER sa, sb;
    int same = ha != INVALID_HANDLE_VALUE && hb != INVALID_HANDLE_VALUE && GetFileSizeEx(ha, &sa) &&
               GetFileSizeEx(hb, &sb) && sa.QuadPart == sb.QuadPart;
    char x[1 << 15], y[1 << 15];
    while (same) {
        DWORD na = 0, nb = 0;
        if (!ReadFile(ha, x, sizeof x, &na, NULL)) {
            same = 0;
            break;
        }
        if (na == 0)
            break;
        same = ReadFile(hb, y, na, &nb, NULL) && nb == na && memcmp(x, y, na) == 0;
    }
    if (ha != INVALID_HANDLE_VALUE)
        CloseHandle(ha);
    if (hb != INVALID_HANDLE_VALUE)
        CloseHandle(hb);
    return same;
}

void hr_os_remove(const char *path)
{
    wchar_t *w = hr_win32_widen(path);
    if (w)
        DeleteFileW(w);
    free(w);
}
