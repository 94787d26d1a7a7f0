/* host_event.c - the host's event log: one line per event on stderr, never one per frame, and
 * the listeners that get each event as data (the overlay is one; main adds it).
 *
 * Format: livehost: <event> key=value key="quoted text"
 * Values that are plain words stay bare; free text is double-quoted with \" \\ \n escaped, so
 * every line greps and splits the same way. The events and their fields are the list in
 * host_event.h; the README's Events section says what each one means.
 *
 * Owns the listeners and nothing else; calls nobody above it (a listener is a function
 * pointer main hands it). Must not be called from a signal handler (stdio is not
 * async-signal-safe): the two events written there ("crash" of stale code, "stuck") are
 * written with write(2) in the same format by their own modules.
 */
#include "host_event.h"
#include "host_clock.h"

#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

enum {
    LINE_MAX_FIELDS = 2048, /* bytes of one line's fields; longer text is cut */
    LISTENERS_MAX = 4,
};

static const struct {
    const char *name;
    int overlay;
    const char *fields;
    const char *when;
} events[HOST_EVENT_COUNT] = {
#define HOST_EVENT_ROW(id, name, overlay, fields, when) { name, overlay, fields, when },
    HOST_EVENT_LIST(HOST_EVENT_ROW)
#undef HOST_EVENT_ROW
};

static struct {
    host_event_listener fn;
    pthread_t thread; /* the thread that added it: the only one it hears */
} listeners[LISTENERS_MAX];
static int listener_count;

const char *host_event_name(host_event_kind kind)
{
    return (unsigned)kind < HOST_EVENT_COUNT ? events[kind].name : "?";
}

void host_event_listen(host_event_listener listener)
{
    assert(listener_count < LISTENERS_MAX);
    listeners[listener_count].fn = listener;
    listeners[listener_count].thread = pthread_self();
    listener_count++;
}

void host_event_unlisten(host_event_listener listener)
{
    for (int i = 0; i < listener_count; i++) {
        if (listeners[i].fn != listener)
            continue;
        memmove(&listeners[i], &listeners[i + 1],
                (size_t)(listener_count - i - 1) * sizeof listeners[0]);
        listener_count--;
        return;
    }
}

/* 1 if key is one of the keys the list gives the event (a programmer's slip otherwise: the
 * docs and --help would not name the field). */
static int is_listed(host_event_kind kind, const char *key)
{
    const size_t len = strlen(key);
    for (const char *p = events[kind].fields; (p = strstr(p, key)) != NULL; p += len) {
        const int starts = p == events[kind].fields || strchr(" [|", p[-1]);
        if (starts && (p[len] == 0 || strchr(" ]|", p[len])))
            return 1;
    }
    return 0;
}

/* Appends " key=value" to out (which holds *used bytes of size). */
static void append_field(char *out, size_t size, size_t *used, const host_event_field *f)
{
    if (*used + 1 >= size)
        return;
    char *at = out + *used;
    size_t room = size - *used;
    int n = snprintf(at, room, " %s=", f->key);
    if (n < 0 || (size_t)n >= room) {
        *used = size - 1;
        return;
    }
    at += n;
    room -= (size_t)n;
    switch (f->type) {
    case HOST_FIELD_WORD: host_event_word(at, room, f->text); break;
    case HOST_FIELD_TEXT: host_event_quote(at, room, f->text); break;
    case HOST_FIELD_INT: snprintf(at, room, "%" PRId64, f->i); break;
    case HOST_FIELD_UINT: snprintf(at, room, "%" PRIu64, f->u); break;
    default: snprintf(at, room, "%.*f", f->decimals, f->real); break;
    }
    *used += (size_t)n + strlen(at);
}

int host_event_is_present(const host_event_field *f)
{
    if (f->type == HOST_FIELD_WORD || f->type == HOST_FIELD_TEXT)
        return f->text != NULL;
    return !f->absent;
}

void host_event_emit(host_event_kind kind, const host_event_field *fields)
{
    assert((unsigned)kind < HOST_EVENT_COUNT);
    const host_event_data event = { .kind = kind,
                                    .name = events[kind].name,
                                    .overlay = events[kind].overlay,
                                    .t_ns = host_now_ns(),
                                    .fields = fields };
    for (const host_event_field *f = fields; f->key; f++)
        assert(is_listed(kind, f->key));
    char line[LINE_MAX_FIELDS];
    host_event_fields_text(&event, line, sizeof line);
    /* One fputs per line, so lines from the core's log callback never interleave mid-line. */
    char out[LINE_MAX_FIELDS + 64];
    snprintf(out, sizeof out, "livehost: %s%s%s\n", event.name, line[0] ? " " : "", line);
    fputs(out, stderr);
    const pthread_t self = pthread_self();
    for (int i = 0; i < listener_count; i++)
        if (pthread_equal(self, listeners[i].thread))
            listeners[i].fn(&event);
    fflush(stderr);
}

void host_event_print_list(FILE *out)
{
    for (int k = 0; k < HOST_EVENT_COUNT; k++)
        fprintf(out, "  %-20s %s\n  %-20s   %s\n", events[k].name, events[k].fields, "",
                events[k].when);
}

void host_event_fields_text(const host_event_data *event, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
    for (const host_event_field *f = event->fields; f->key; f++)
        if (host_event_is_present(f))
            append_field(out, size, &used, f);
    if (out[0]) /* the first field's leading space */
        memmove(out, out + 1, strlen(out));
}

const char *host_event_text(const host_event_data *event, const char *key)
{
    for (const host_event_field *f = event->fields; f->key; f++)
        if ((f->type == HOST_FIELD_WORD || f->type == HOST_FIELD_TEXT) && f->text &&
            strcmp(f->key, key) == 0)
            return f->text;
    return NULL;
}

double host_event_number(const host_event_data *event, const char *key, double none)
{
    for (const host_event_field *f = event->fields; f->key; f++) {
        if (strcmp(f->key, key) != 0 || f->absent)
            continue;
        switch (f->type) {
        case HOST_FIELD_INT: return (double)f->i;
        case HOST_FIELD_UINT: return (double)f->u;
        case HOST_FIELD_REAL: return f->real;
        default: break;
        }
    }
    return none;
}

void host_event_describe(const host_event_data *event, char *out, size_t size)
{
    char before[LINE_MAX_FIELDS];
    size_t used = 0;
    before[0] = 0;
    const char *reason = NULL;
    for (const host_event_field *f = event->fields; f->key && !reason; f++) {
        if (!host_event_is_present(f))
            continue;
        if (strcmp(f->key, "reason") == 0)
            reason = f->text;
        else
            append_field(before, sizeof before, &used, f);
    }
    const char *fields = before[0] ? before + 1 : before; /* the first field's leading space */
    if (!reason) {
        snprintf(out, size, "%s", fields);
        return;
    }
    snprintf(out, size, "%s%s%.500s", fields, fields[0] ? ": " : "", reason);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < ' ')
            *p = ' ';
}

const char *host_event_quote(char *buf, size_t size, const char *text)
{
    size_t n = 0;
    if (size < 3) {
        if (size)
            buf[0] = 0;
        return buf;
    }
    buf[n++] = '"';
    for (const char *p = text ? text : ""; *p; p++) {
        char esc = *p == '"' ? '"' : *p == '\\' ? '\\' : *p == '\n' ? 'n' : 0;
        size_t need = esc ? 2 : 1;
        if (n + need + 2 > size)
            break; /* keep room for the closing quote and the terminator */
        if (esc) {
            buf[n++] = '\\';
            buf[n++] = esc;
        } else {
            buf[n++] = (unsigned char)*p < ' ' ? ' ' : *p;
        }
    }
    buf[n++] = '"';
    buf[n] = 0;
    return buf;
}

const char *host_event_word(char *buf, size_t size, const char *text)
{
    int plain = text && text[0];
    for (const char *p = text; plain && *p; p++)
        plain = (unsigned char)*p > ' ' && *p != '"' && *p != '\\';
    if (plain && strlen(text) < size) {
        memcpy(buf, text, strlen(text) + 1);
        return buf;
    }
    return host_event_quote(buf, size, text);
}

void host_event_game_log(const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    host_event(LOG, HOST_TEXT("text", text));
}
