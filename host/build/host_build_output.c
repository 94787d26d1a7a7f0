/* host_build_output.c - what a failed build printed, made readable: the compiler's diagnostics
 * picked out of make's output (gcc, clang, tcc and the linker all write "file:line: ..."),
 * errors first, counted, and the first one as a one-line summary for the event log; and the
 * warnings of a build that succeeded.
 * Pure text in, text out: no state, no system calls.
 */
#include "host_build.h"

#include <stdio.h>
#include <string.h>

/* "game/game.c:42:7: error: expected ';'" -> 1, with the file:line part's length in *loc and
 * the message's offset in *msg. */
static int is_diagnostic(const char *line, size_t *loc, size_t *msg)
{
    const char *colon = strchr(line, ':');
    if (!colon || colon == line || strchr(" \t", line[0]))
        return 0;
    const char *p = colon + 1;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p != ':')
        return 0;
    *loc = (size_t)(p - line);
    p++;
    while (*p >= '0' && *p <= '9') /* the column, if any */
        p++;
    if (*p == ':')
        p++;
    while (*p == ' ')
        p++;
    *msg = (size_t)(p - line);
    return 1;
}

static int is_error_line(const char *line)
{
    return strstr(line, "error:") || strstr(line, "undefined reference") ||
           strstr(line, "multiple definition");
}

int host_build_warnings(const char *text, char *messages, size_t size, char *first,
                        size_t first_size)
{
    size_t used = 0;
    int count = 0;
    messages[0] = first[0] = 0;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n"), loc, msg;
        char one[1024];
        snprintf(one, sizeof one, "%.*s", (int)len, line);
        line += len + (line[len] == '\n');
        if (!is_diagnostic(one, &loc, &msg) || strncmp(one + msg, "warning: ", 9) != 0)
            continue;
        if (count++ == 0)
            snprintf(first, first_size, "%s", one);
        if (used + strlen(one) + 2 < size)
            used += (size_t)snprintf(messages + used, size - used, "%s\n", one);
    }
    return count;
}

void host_build_summarize(const char *text, char *messages, size_t size, int *errors, char *first,
                          size_t first_size)
{
    size_t used = 0;
    messages[0] = first[0] = 0;
    *errors = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (const char *line = text; *line;) {
            size_t len = strcspn(line, "\n"), loc, msg;
            char one[1024];
            snprintf(one, sizeof one, "%.*s", (int)len, line);
            line += len + (line[len] == '\n');
            int diag = is_diagnostic(one, &loc, &msg);
            int error = is_error_line(one) && strncmp(one, "collect2:", 9) != 0 &&
                        strncmp(one, "make", 4) != 0;
            if (pass == 0 ? !error : !diag || error)
                continue;
            if (pass == 0 && (*errors)++ == 0) {
                const char *m = one + (diag ? msg : 0);
                if (diag && strncmp(m, "error: ", 7) == 0)
                    m += 7;
                else if (diag && strncmp(m, "fatal error: ", 13) == 0)
                    m += 13;
                if (diag)
                    snprintf(first, first_size, "%.*s: %s", (int)loc, one, m);
                else
                    snprintf(first, first_size, "%.500s", one);
            }
            if (used + strlen(one) + 2 < size)
                used += (size_t)snprintf(messages + used, size - used, "%s\n", one);
        }
    }
    if (used == 0) { /* no compiler message: the output's last lines say what went wrong */
        size_t n = strlen(text);
        while (n && text[n - 1] == '\n')
            n--;
        size_t start = n;
        for (int lines = 0; start > 0 && lines < 6; start--)
            if (text[start - 1] == '\n' && ++lines == 6)
                break;
        snprintf(messages, size, "%.*s", (int)(n - start), text + start);
        const char *last = NULL; /* the last '\n' before n (memrchr is GNU's only) */
        for (size_t i = n; i > 0 && !last; i--)
            if (text[i - 1] == '\n')
                last = text + i - 1;
        snprintf(first, first_size, "%.*s", (int)(last ? n - (size_t)(last + 1 - text) : n),
                 last ? last + 1 : text);
    }
}
