/* hr_win32.c - helpers shared by the core's Windows files: path conversion and error text
 * (see hr_win32.h). Owns nothing; every returned buffer belongs to the caller.
 */
#include "hr_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

wchar_t *hr_win32_widen(const char *path)
{
    /* MB_ERR_INVALID_CHARS: a path that is not UTF-8 fails here instead of naming another file. */
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w)
        return NULL;
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n);
    for (wchar_t *p = w; *p; p++)
        if (*p == L'/')
            *p = L'\\';
    return w;
}

void hr_win32_narrow(const wchar_t *w, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)out_size, NULL, NULL);
    if (n <= 0)
        out[0] = 0;
    out[out_size - 1] = 0;
}

const char *hr_win32_error_text(unsigned long code, char *out, size_t out_size)
{
    wchar_t msg[512];
    /* IGNORE_INSERTS: some texts hold "%1" placeholders we have no arguments for. */
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code,
                             0, msg, sizeof msg / sizeof msg[0], NULL);
    while (n > 0 &&
           (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L' ' || msg[n - 1] == L'.'))
        n--;
    msg[n] = 0;
    char text[768];
    hr_win32_narrow(msg, text, sizeof text);
    snprintf(out, out_size, "%s (error %lu)", n ? text : "unknown error", code);
    return out;
}
