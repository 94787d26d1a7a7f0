/* host_state_file.c - the state block on disk: state files (F4 / F9, --save-state,
 * --load-state) and recordings (--record, --replay) share one small format.
 *
 *   offset  type      field
 *        0  char[8]   magic: "LHSTATE" and a zero byte (a state), "LHRECORD" (a recording)
 *        8  u32       format version, 3 (2 is read too)
 *       12  u32       GAME_API_VERSION of the host that wrote it
 *       16  u64       state_size
 *       24  u32       state_version
 *       28  u32       bytes per input record, 720
 *       32  u64       state_hash (0 = not checked)
 *       40  u64       input count (0 in a state file)
 *       48            state_size bytes: the block as the game laid it out (native byte order)
 *                     then per input: buttons u32, pressed u32, mouse_x f32, mouse_y f32,
 *                     mouse_buttons u32, keys u8[512], wheel_x f32, wheel_y f32, text
 *                     u8[32], window u32, then 4 pads of connected u32, buttons u32,
 *                     pressed u32, axes f32[6]
 *                     then (format 3) the layout: its length u64 (0: not known) and its
 *                     canonical text (host_layout_text), so that a later build with another
 *                     layout migrates the block by field name. Format 2 files, without it,
 *                     still load.
 * Integers are little-endian. A file is written under PATH.tmp and renamed into place, so a
 * crash or a full disk never leaves half a file under the real name.
 *
 * Owns the file buffers it returns (freed with host_state_file_free) and the pending
 * --load-state; the live block belongs to host_game.c and is reached through its accessors.
 */
#include "host_state_file.h"
#include "game_api.h"
#include "host_args.h"
#include "host_event.h"
#include "host_game.h"
#include "host_input.h"
#include "host_layout.h"
#include "host_os.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    HEADER_BYTES = 48,
    FORMAT_VERSION = 3,
    FORMAT_NO_LAYOUT = 2, /* the last format without the layout's text */
    PAD_BYTES = 12 + 4 * GAME_AXIS_COUNT,
    INPUT_BYTES = 20 + GAME_KEY_COUNT + 8 + GAME_TEXT_SIZE + 4 + GAME_PAD_COUNT * PAD_BYTES
};

static const char *const magics[] = { "LHSTATE", "LHRECORD" }; /* 8 bytes with the zero */
static const char *const kind_names[] = { "state file", "recording" };

static struct {
    const char *key_path;  /* F4 / F9: --save-state FILE, else livehost.state */
    const char *save_path; /* --save-state: written at exit */
    const char *load_path; /* --load-state, until the game runs and it is loaded */

    /* The stuck exit's save, made ready here so that the watchdog thread only writes. */
    char stuck_tmp[4096];             /* --save-state FILE.tmp */
    char stuck_word[600];             /* FILE as an event value */
    _Atomic(const char *) stuck_path; /* --save-state FILE once the two above are ready */
} files;

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static void put_input(unsigned char *p, const game_input *in)
{
    put32(p, in->buttons);
    put32(p + 4, in->pressed);
    put32(p + 8, float_bits(in->mouse_x));
    put32(p + 12, float_bits(in->mouse_y));
    put32(p + 16, in->mouse_buttons);
    memcpy(p + 20, in->keys, GAME_KEY_COUNT);
    p += 20 + GAME_KEY_COUNT;
    put32(p, float_bits(in->wheel_x));
    put32(p + 4, float_bits(in->wheel_y));
    memcpy(p + 8, in->text, GAME_TEXT_SIZE);
    put32(p + 8 + GAME_TEXT_SIZE, in->window);
    p += 12 + GAME_TEXT_SIZE;
    for (int i = 0; i < GAME_PAD_COUNT; i++, p += PAD_BYTES) {
        const game_pad *pad = &in->pads[i];
        put32(p, pad->connected);
        put32(p + 4, pad->buttons);
        put32(p + 8, pad->pressed);
        for (int a = 0; a < GAME_AXIS_COUNT; a++)
            put32(p + 12 + (ptrdiff_t)4 * a, float_bits(pad->axes[a]));
    }
}

static void get_input(const unsigned char *p, game_input *in)
{
    in->buttons = get32(p);
    in->pressed = get32(p + 4);
    in->mouse_x = bits_float(get32(p + 8));
    in->mouse_y = bits_float(get32(p + 12));
    in->mouse_buttons = get32(p + 16);
    memcpy(in->keys, p + 20, GAME_KEY_COUNT);
    p += 20 + GAME_KEY_COUNT;
    in->wheel_x = bits_float(get32(p));
    in->wheel_y = bits_float(get32(p + 4));
    memcpy(in->text, p + 8, GAME_TEXT_SIZE);
    in->text[GAME_TEXT_SIZE - 1] = 0; /* a file's text is ended whatever it holds */
    in->window = get32(p + 8 + GAME_TEXT_SIZE);
    p += 12 + GAME_TEXT_SIZE;
    for (int i = 0; i < GAME_PAD_COUNT; i++, p += PAD_BYTES) {
        game_pad *pad = &in->pads[i];
        pad->connected = get32(p);
        pad->buttons = get32(p + 4);
        pad->pressed = get32(p + 8);
        for (int a = 0; a < GAME_AXIS_COUNT; a++)
            pad->axes[a] = bits_float(get32(p + 12 + (ptrdiff_t)4 * a));
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return -1;
}

/* The 48 bytes before the block. Plain stores only: the watchdog thread calls it too. */
static void put_header(unsigned char *header, int kind, const host_game_layout *layout,
                       uint64_t input_count)
{
    memset(header, 0, HEADER_BYTES);
    memcpy(header, magics[kind], 8);
    put32(header + 8, FORMAT_VERSION);
    put32(header + 12, GAME_API_VERSION);
    put64(header + 16, layout->size);
    put32(header + 24, layout->version);
    put32(header + 28, INPUT_BYTES);
    put64(header + 32, layout->hash);
    put64(header + 40, input_count);
}

int host_state_file_write(const char *path, int kind, const host_state_data *data, char *why,
                          size_t why_size)
{
    char tmp[4096];
    unsigned char header[HEADER_BYTES], rec[INPUT_BYTES];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return fail(why, why_size, "the path is too long");
    put_header(header, kind, &data->layout, data->input_count);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return fail(why, why_size, "cannot create %s: %s", tmp, strerror(errno));
    int ok = fwrite(header, sizeof header, 1, f) == 1 &&
             (data->layout.size == 0 || fwrite(data->state, (size_t)data->layout.size, 1, f) == 1);
    for (uint64_t i = 0; ok && i < data->input_count; i++) {
        put_input(rec, &data->inputs[i]);
        ok = fwrite(rec, sizeof rec, 1, f) == 1;
    }
    const char *text = data->layout_text ? data->layout_text : "";
    unsigned char len[8];
    put64(len, strlen(text));
    ok = ok && fwrite(len, sizeof len, 1, f) == 1 && (!text[0] || fputs(text, f) >= 0);
    int err = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        err = errno;
    }
    if (!ok || host_os_rename(tmp, path) != 0) {
        if (ok)
            err = errno;
        remove(tmp);
        return fail(why, why_size, "cannot write %s: %s", path, strerror(err));
    }
    return 0;
}

void host_state_file_free(host_state_data *data)
{
    free(data->state);
    free(data->inputs);
    free(data->layout_text);
    memset(data, 0, sizeof *data);
}

static int check_header(const unsigned char *h, int kind, long file_size, char *why,
                        size_t why_size)
{
    if (memcmp(h, magics[kind], 8) != 0) {
        if (memcmp(h, magics[!kind], 8) == 0)
            return fail(why, why_size, "it is a %s, not a %s", kind_names[!kind], kind_names[kind]);
        return fail(why, why_size, "it is not a livehost %s (wrong magic bytes)", kind_names[kind]);
    }
    uint32_t format = get32(h + 8);
    if (format != FORMAT_VERSION && format != FORMAT_NO_LAYOUT)
        return fail(why, why_size, "it has format version %" PRIu32 "; this host reads %d and %d",
                    format, FORMAT_NO_LAYOUT, FORMAT_VERSION);
    if (get32(h + 12) != GAME_API_VERSION)
        return fail(why, why_size,
                    "it was written for game_api.h version %" PRIu32 "; this host speaks %d",
                    get32(h + 12), GAME_API_VERSION);
    if (get32(h + 28) != INPUT_BYTES)
        return fail(why, why_size, "its inputs are %" PRIu32 " bytes each, not %d", get32(h + 28),
                    INPUT_BYTES);
    uint64_t size = get64(h + 16), count = get64(h + 40);
    uint64_t room = (uint64_t)file_size - HEADER_BYTES;
    if (size > room || count > (room - size) / INPUT_BYTES)
        return fail(why, why_size,
                    "it is cut short: %ld bytes for a %" PRIu64 "-byte state and %" PRIu64
                    " inputs",
                    file_size, size, count);
    uint64_t rest = room - size - count * INPUT_BYTES;
    if (format == FORMAT_VERSION && rest < 8)
        return fail(why, why_size, "it is cut short: no layout after its state and inputs");
    if (format == FORMAT_NO_LAYOUT && rest != 0)
        return fail(why, why_size, "it has %" PRIu64 " bytes more than its header says", rest);
    return 0;
}

/* Format 3: the layout's text after the inputs, into out->layout_text (rest: the bytes left in
 * the file). Returns 0, or -1 with the reason. */
static int read_layout_text(FILE *f, uint64_t rest, host_state_data *out, char *why,
                            size_t why_size)
{
    unsigned char len_bytes[8];
    if (fread(len_bytes, sizeof len_bytes, 1, f) != 1)
        return fail(why, why_size, "cannot read its layout: %s", strerror(errno));
    uint64_t len = get64(len_bytes);
    if (len > rest - 8)
        return fail(why, why_size,
                    "it is cut short: %" PRIu64 " bytes for a %" PRIu64 "-byte layout", rest - 8,
                    len);
    if (len < rest - 8)
        return fail(why, why_size, "it has %" PRIu64 " bytes more than its header says",
                    rest - 8 - len);
    out->layout_text = malloc((size_t)len + 1);
    if (!out->layout_text)
        return fail(why, why_size, "out of memory for its layout");
    if (len && fread(out->layout_text, (size_t)len, 1, f) != 1)
        return fail(why, why_size, "cannot read its layout: %s", strerror(errno));
    out->layout_text[len] = 0;
    /* Checked here, whatever the running build knows of its own layout: a file whose layout
     * text is garbage is a broken file, not one to load by size alone. */
    if (memchr(out->layout_text, 0, (size_t)len))
        return fail(why, why_size, "its layout text holds a zero byte");
    host_layout *l = len ? host_layout_parse(out->layout_text) : NULL;
    int rc = 0;
    if (len && !l)
        rc = fail(why, why_size, "out of memory for its layout");
    else if (l && host_layout_error_code(l) != HOST_LAYOUT_OK)
        rc = fail(why, why_size, "its layout cannot be read: %s", host_layout_error_text(l));
    host_layout_free(l);
    return rc;
}

int host_state_file_read(const char *path, int kind, host_state_data *out, char *why,
                         size_t why_size)
{
    unsigned char header[HEADER_BYTES], rec[INPUT_BYTES];
    memset(out, 0, sizeof *out);
    /* A regular file only: a FIFO would block the open (O_NONBLOCK) and the reads, a directory
     * opens fine and then "holds" LONG_MAX bytes. */
    struct stat st;
    int fd = open(path, O_RDONLY | HOST_O_NONBLOCK | HOST_O_PRIVATE);
    if (fd < 0)
        return fail(why, why_size, "cannot open it: %s", strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(why, why_size, "it is not a regular file");
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return fail(why, why_size, "cannot open it: %s", strerror(errno));
    }
    long file_size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        file_size = ftell(f);
    if (file_size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fail(why, why_size, "cannot read it: %s", strerror(errno));
        goto fail;
    }
    if (file_size < HEADER_BYTES || fread(header, sizeof header, 1, f) != 1) {
        fail(why, why_size, "it is not a livehost %s (%ld bytes, too short)", kind_names[kind],
             file_size);
        goto fail;
    }
    if (check_header(header, kind, file_size, why, why_size) != 0)
        goto fail;
    out->layout = (host_game_layout){ .size = get64(header + 16),
                                      .version = get32(header + 24),
                                      .hash = get64(header + 32) };
    out->input_count = get64(header + 40);
    out->state = malloc(out->layout.size ? (size_t)out->layout.size : 1);
    if (out->input_count)
        out->inputs = malloc((size_t)out->input_count * sizeof *out->inputs);
    if (!out->state || (out->input_count && !out->inputs)) {
        fail(why, why_size, "out of memory for its %" PRIu64 "-byte state", out->layout.size);
        goto fail;
    }
    if (out->layout.size && fread(out->state, (size_t)out->layout.size, 1, f) != 1) {
        fail(why, why_size, "cannot read its state block: %s", strerror(errno));
        goto fail;
    }
    for (uint64_t i = 0; i < out->input_count; i++) {
        if (fread(rec, sizeof rec, 1, f) != 1) {
            fail(why, why_size, "cannot read its inputs: %s", strerror(errno));
            goto fail;
        }
        get_input(rec, &out->inputs[i]);
    }
    if (get32(header + 8) == FORMAT_VERSION &&
        read_layout_text(f,
                         (uint64_t)file_size - HEADER_BYTES - out->layout.size -
                             out->input_count * INPUT_BYTES,
                         out, why, why_size) != 0)
        goto fail;
    fclose(f);
    return 0;
fail:
    fclose(f);
    host_state_file_free(out);
    return -1;
}

/* ---- F4 / F9 and the flags ---- */

static void save(const char *path)
{
    char why[512];
    host_state_data data = { 0 };
    data.state = host_game_state(&data.layout);
    const char *text = host_game_layout_text();
    if (!data.state) {
        snprintf(why, sizeof why, "no game is running");
    } else if (!(data.layout_text = strdup(text))) {
        snprintf(why, sizeof why, "out of memory for its layout");
    } else if (host_state_file_write(path, HOST_STATE_FILE_STATE, &data, why, sizeof why) == 0) {
        host_event(STATE_SAVED, HOST_WORD("path", path),
                   HOST_UINT("bytes", HEADER_BYTES + data.layout.size + 8 + strlen(text)));
        free(data.layout_text);
        return;
    }
    free(data.layout_text);
    host_event(STATE_SAVE_FAILED, HOST_WORD("path", path), HOST_TEXT("reason", why));
}

static void load(const char *path)
{
    char why[1024];
    host_state_data data;
    int adopted = -1;
    if (host_state_file_read(path, HOST_STATE_FILE_STATE, &data, why, sizeof why) == 0) {
        adopted =
            host_game_adopt(data.state, &data.layout, data.layout_text, path, why, sizeof why);
        host_state_file_free(&data);
    }
    if (adopted < 0)
        host_event(STATE_REFUSED, HOST_WORD("path", path), HOST_TEXT("reason", why));
    else /* changes: none when the game's migrate did it and a layout is not known */
        host_event(STATE_LOADED, HOST_WORD("path", path),
                   HOST_WORD("layout", adopted == 0 ? "same" : "migrated"),
                   HOST_TEXT("changes", adopted == 1 && why[0] ? why : NULL));
}

void host_state_open(const host_args *args)
{
    files.save_path = args->save_state;
    files.key_path = args->save_state ? args->save_state : HOST_STATE_DEFAULT_PATH;
    files.load_path = args->load_state;
    if (args->save_state && snprintf(files.stuck_tmp, sizeof files.stuck_tmp, "%s.tmp",
                                     args->save_state) < (int)sizeof files.stuck_tmp) {
        host_event_word(files.stuck_word, sizeof files.stuck_word, args->save_state);
        atomic_store(&files.stuck_path, args->save_state);
    }
}

static int write_all(int fd, const void *data, size_t size)
{
    const unsigned char *p = data;
    while (size) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* Appends the NUL-terminated parts to out (size bytes), cut to fit: no stdio here. */
static void append(char *out, size_t size, const char *const *parts, int count)
{
    size_t n = strlen(out);
    for (int i = 0; i < count; i++)
        for (const char *p = parts[i]; *p && n + 1 < size; p++)
            out[n++] = *p;
    out[n] = 0;
}

/* The main thread is stuck (in a game call, or outside game code) and will never run again,
 * but the state block is intact: this runs on the watchdog thread, so it touches nothing the
 * stuck thread may hold - no stdio, no malloc (their locks), only open, write, rename - and
 * reads the block and its layout as the stuck thread left them. */
int host_state_save_stuck(char *fields, size_t size)
{
    const char *path = atomic_load(&files.stuck_path);
    host_game_layout layout;
    const void *block = path ? host_game_state(&layout) : NULL;
    if (!block)
        return 0;
    unsigned char header[HEADER_BYTES], len[8];
    const char *text = host_game_layout_text();
    put_header(header, HOST_STATE_FILE_STATE, &layout, 0);
    put64(len, strlen(text));
    int fd = open(files.stuck_tmp, O_WRONLY | O_CREAT | O_TRUNC | HOST_O_PRIVATE, 0644);
    int ok = fd >= 0 && write_all(fd, header, sizeof header) == 0 &&
             write_all(fd, block, (size_t)layout.size) == 0 &&
             write_all(fd, len, sizeof len) == 0 && write_all(fd, text, strlen(text)) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (ok && host_os_rename(files.stuck_tmp, path) != 0)
        ok = 0;
    if (!ok)
        unlink(files.stuck_tmp);
    const char *parts[] = { ok ? "state-saved=" : "state-save-failed=", files.stuck_word };
    fields[0] = 0;
    append(fields, size, parts, 2);
    return 1;
}

void host_state_frame(unsigned actions)
{
    if (files.load_path && host_game_is_running()) {
        load(files.load_path); /* --load-state: as soon as there is a game to load it into */
        files.load_path = NULL;
    }
    if (actions & HOST_INPUT_SAVE_STATE)
        save(files.key_path);
    if (actions & HOST_INPUT_LOAD_STATE)
        load(files.key_path);
}

void host_state_close(void)
{
    atomic_store(&files.stuck_path, NULL);
    if (files.load_path)
        host_event(STATE_REFUSED, HOST_WORD("path", files.load_path),
                   HOST_TEXT("reason", "no game ran to load it into"));
    if (files.save_path)
        save(files.save_path);
    memset(&files, 0, sizeof files);
}
