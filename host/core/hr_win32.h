/* hr_win32.h - helpers shared by the core's Windows files (hr_*_win32.c, hr_image_pe.c):
 * UTF-8 paths to wide paths, and Windows error codes to one-line text.
 * Internal: not part of the public API, never included by portable code.
 */
#ifndef HR_WIN32_H
#define HR_WIN32_H

#include <stddef.h>
#include <wchar.h>

/* The core speaks UTF-8 and accepts '/' or '\' as separators; the W functions want UTF-16 with
 * '\' (LoadLibrary in particular is documented to need backslashes). Returns a malloc'ed wide
 * copy with every '/' turned into '\', or NULL when out of memory or not valid UTF-8. */
wchar_t *hr_win32_widen(const char *path);

/* The UTF-8 text of a wide string into out (always terminated). */
void hr_win32_narrow(const wchar_t *w, char *out, size_t out_size);

/* FormatMessage text of a GetLastError() code, as "<text> (error <code>)", without the
 * trailing newline and period. Returns out. */
const char *hr_win32_error_text(unsigned long code, char *out, size_t out_size);

#endif /* HR_WIN32_H */
