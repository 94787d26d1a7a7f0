/* host_audio_file.c - sound files from the assets directory, made ready for the mixer.
 *
 * WAV goes through SDL_LoadWAV, OGG through stb_vorbis (compiled here and nowhere else); a whole
 * sound comes out as float stereo at HOST_AUDIO_RATE through an SDL_AudioStream, music as a
 * stb_vorbis decoder over the file's bytes that the audio thread reads a little at a time.
 * The format is told by the file's first bytes, not by its name. A file cut short is refused,
 * not half played: SDL and stb_vorbis would both play what is there without a word, so a WAV
 * whose data chunk runs past the end of the file, or an OGG that does not end with a whole page
 * flagged as the stream's last, is "truncated".
 * Owns nothing between calls. Loading and opening run on the main thread (they allocate and read
 * files); host_audio_stream_frame runs on the audio thread and allocates nothing: stb_vorbis
 * decodes within the buffer it was given when the stream was opened.
 */
#include "host_audio_file.h"
#include "host_audio.h"

#include <SDL.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole decoder is in Debian's stb_vorbis.h (upstream's stb_vorbis.c): without
 * STB_VORBIS_HEADER_ONLY it compiles here. Files are read into memory first, so neither its
 * FILE * functions nor its push API are needed. */
#define STB_VORBIS_NO_STDIO
#define STB_VORBIS_NO_PUSHDATA_API
#include <stb_vorbis.h>

/* Reads the file at path into a malloc'ed buffer. NULL with the reason in why. */
static unsigned char *read_all(const char *path, size_t *size, char *why, size_t why_size)
{
    errno = 0;
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    unsigned char *bytes = n >= 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)n + 1) : NULL;
    if (bytes && fread(bytes, 1, (size_t)n, f) == (size_t)n) {
        fclose(f);
        *size = (size_t)n;
        return bytes;
    }
    snprintf(why, why_size, "cannot open %.400s: %s", path, strerror(errno ? errno : EIO));
    free(bytes);
    if (f)
        fclose(f);
    return NULL;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* 0 when the RIFF file's data chunk runs past its end (a little-endian RIFF; others pass). */
static int riff_is_whole(const unsigned char *b, size_t n)
{
    if (memcmp(b, "RIFF", 4) != 0)
        return 1;
    for (size_t at = 12; at + 8 <= n;) {
        uint32_t size = le32(b + at + 4);
        if (memcmp(b + at, "data", 4) == 0)
            return size <= n - at - 8;
        at += 8 + (size_t)size + (size & 1);
    }
    return 1; /* no data chunk at all: SDL says so */
}

/* 1 when the Ogg pages, walked from the start, end exactly at the end of the file and the last
 * one is flagged as the end of the stream. */
static int ogg_is_whole(const unsigned char *b, size_t n)
{
    size_t at = 0;
    int last = 0;
    while (at + 27 <= n && memcmp(b + at, "OggS", 4) == 0) {
        size_t segments = b[at + 26], body = 0;
        if (at + 27 + segments > n)
            return 0;
        for (size_t i = 0; i < segments; i++)
            body += b[at + 27 + i];
        last = b[at + 5] & 4;
        at += 27 + segments + body;
    }
    return at == n && last;
}

/* pcm (bytes long, in format, channels, rate) as float stereo at HOST_AUDIO_RATE. */
static int convert(SDL_AudioFormat format, int channels, int rate, const void *pcm, size_t bytes,
                   host_audio_data *out, char *why, size_t why_size)
{
    *out = (host_audio_data){ 0 };
    if (bytes > INT_MAX / 4) {
        snprintf(why, why_size, "too long to decode whole (%zu bytes of samples)", bytes);
        return -1;
    }
    if (channels < 1 || channels > 8 || rate <= 0) {
        snprintf(why, why_size, "unsupported: %d channels at %d Hz", channels, rate);
        return -1;
    }
    if (bytes == 0)
        return 0; /* an empty sound: plays nothing */
    SDL_AudioStream *stream =
        SDL_NewAudioStream(format, (Uint8)channels, rate, AUDIO_F32SYS, 2, HOST_AUDIO_RATE);
    /* SDL's resampler keeps back its last few milliseconds even when flushed: silence after
     * the sound pushes them out, and the result is cut to the sound's own length. */
    size_t frame_bytes = (size_t)channels * SDL_AUDIO_BITSIZE(format) / 8;
    int tail = (int)(frame_bytes * (size_t)(rate / 20 + 64));
    void *silence = calloc(1, (size_t)tail);
    if (silence && format == AUDIO_U8)
        memset(silence, 0x80, (size_t)tail);
    int ok = stream && silence && SDL_AudioStreamPut(stream, pcm, (int)bytes) == 0 &&
             SDL_AudioStreamPut(stream, silence, tail) == 0 && SDL_AudioStreamFlush(stream) == 0;
    free(silence);
    uint64_t frames = (uint64_t)(bytes / frame_bytes) * HOST_AUDIO_RATE / (uint64_t)rate;
    int size = ok ? SDL_AudioStreamAvailable(stream) : 0;
    if ((uint64_t)size > frames * 2 * sizeof(float))
        size = (int)(frames * 2 * sizeof(float));
    float *samples = ok ? malloc(size > 0 ? (size_t)size : 1) : NULL;
    ok = samples && SDL_AudioStreamGet(stream, samples, size) == size;
    if (!ok) {
        snprintf(why, why_size, "cannot convert %d channels at %d Hz: %s", channels, rate,
                 samples ? SDL_GetError() : "out of memory");
        free(samples);
    } else {
        out->samples = samples;
        out->frames = (uint32_t)(size / (int)(2 * sizeof(float)));
    }
    SDL_FreeAudioStream(stream);
    return ok ? 0 : -1;
}

static int decode_wav(const unsigned char *b, size_t n, host_audio_data *out, char *why,
                      size_t why_size)
{
    if (!riff_is_whole(b, n)) {
        snprintf(why, why_size, "truncated: the WAV data chunk runs past the end of the file");
        return -1;
    }
    SDL_AudioSpec spec;
    Uint8 *pcm = NULL;
    Uint32 bytes = 0;
    SDL_RWops *rw = SDL_RWFromConstMem(b, (int)n);
    if (!rw || !SDL_LoadWAV_RW(rw, 1, &spec, &pcm, &bytes)) {
        snprintf(why, why_size, "not a WAV file SDL can read: %s", SDL_GetError());
        return -1;
    }
    int result = convert(spec.format, spec.channels, spec.freq, pcm, bytes, out, why, why_size);
    SDL_FreeWAV(pcm);
    return result;
}

/* A decoder over the file's bytes, allocating from *arena (malloc'ed here, freed by the caller
 * after stb_vorbis_close): stb_vorbis's own error paths leak what they malloc (a corrupt
 * setup header), a buffer of ours is freed whatever happened. One too small is refused with
 * VORBIS_outofmem, and a bigger one tried. */
static stb_vorbis *open_vorbis(const unsigned char *b, size_t n, void **arena, char *why,
                               size_t why_size)
{
    *arena = NULL;
    if (!ogg_is_whole(b, n)) {
        snprintf(why, why_size, "truncated: the Ogg stream's last page is cut short or missing");
        return NULL;
    }
    int error = VORBIS_outofmem;
    stb_vorbis *v = NULL;
    for (int size = 256 << 10; !v && error == VORBIS_outofmem && size <= 64 << 20; size *= 2) {
        free(*arena);
        *arena = malloc((size_t)size);
        if (!*arena)
            break;
        v = stb_vorbis_open_memory(b, (int)n, &error, &(stb_vorbis_alloc){ *arena, size });
    }
    if (!v) {
        snprintf(why, why_size, "not an Ogg Vorbis stream stb_vorbis can read (error %d)", error);
        free(*arena);
        *arena = NULL;
    }
    return v;
}

static int decode_ogg(const unsigned char *b, size_t n, host_audio_data *out, char *why,
                      size_t why_size)
{
    void *arena;
    stb_vorbis *v = open_vorbis(b, n, &arena, why, why_size);
    if (!v)
        return -1;
    stb_vorbis_info info = stb_vorbis_get_info(v);
    size_t channels = (size_t)info.channels, frames = 0, capacity = 0;
    float *pcm = NULL, **planes;
    int got, result = 0;
    while ((got = stb_vorbis_get_frame_float(v, NULL, &planes)) > 0) {
        if (frames + (size_t)got > capacity) {
            capacity = (frames + (size_t)got) * 2;
            float *grown = realloc(pcm, capacity * channels * sizeof *pcm);
            if (!grown) {
                snprintf(why, why_size, "out of memory");
                result = -1;
                break;
            }
            pcm = grown;
        }
        for (size_t i = 0; i < (size_t)got; i++)
            for (size_t c = 0; c < channels; c++)
                pcm[(frames + i) * channels + c] = planes[c][i];
        frames += (size_t)got;
    }
    if (result == 0)
        result = convert(AUDIO_F32SYS, info.channels, (int)info.sample_rate, pcm,
                         frames * channels * sizeof *pcm, out, why, why_size);
    free(pcm);
    stb_vorbis_close(v);
    free(arena);
    return result;
}

/* Reads the file and refuses one that is empty or too big for the decoders (int sizes). */
static unsigned char *read_sound(const char *path, size_t *n, char *why, size_t why_size)
{
    unsigned char *bytes = read_all(path, n, why, why_size);
    if (bytes && (*n < 4 || *n > INT_MAX)) {
        snprintf(why, why_size, *n < 4 ? "empty or too short (%zu bytes)" : "too big (%zu bytes)",
                 *n);
        free(bytes);
        return NULL;
    }
    return bytes;
}

static int is_wav(const unsigned char *b)
{
    return memcmp(b, "RIFF", 4) == 0 || memcmp(b, "RIFX", 4) == 0;
}

static int is_ogg(const unsigned char *b)
{
    return memcmp(b, "OggS", 4) == 0;
}

int host_audio_file_load(const char *path, host_audio_data *out, char *why, size_t why_size)
{
    *out = (host_audio_data){ 0 };
    size_t n;
    unsigned char *bytes = read_sound(path, &n, why, why_size);
    if (!bytes)
        return -1;
    int result = -1;
    if (is_wav(bytes))
        result = decode_wav(bytes, n, out, why, why_size);
    else if (is_ogg(bytes))
        result = decode_ogg(bytes, n, out, why, why_size);
    else
        snprintf(why, why_size, "not a WAV or OGG file");
    free(bytes);
    return result;
}

int host_audio_file_open_stream(const char *path, host_audio_stream *out, char *why,
                                size_t why_size)
{
    *out = (host_audio_stream){ .rate = HOST_AUDIO_RATE, .channels = 2 };
    size_t n;
    unsigned char *bytes = read_sound(path, &n, why, why_size);
    if (!bytes)
        return -1;
    if (is_wav(bytes)) {
        int result = decode_wav(bytes, n, &out->data, why, why_size);
        free(bytes);
        return result;
    }
    if (!is_ogg(bytes)) {
        snprintf(why, why_size, "not a WAV or OGG file");
        free(bytes);
        return -1;
    }
    out->vorbis = open_vorbis(bytes, n, &out->arena, why, why_size);
    if (!out->vorbis) {
        free(bytes);
        return -1;
    }
    stb_vorbis_info info = stb_vorbis_get_info(out->vorbis);
    out->bytes = bytes;
    out->rate = (int)info.sample_rate;
    out->channels = info.channels;
    return 0;
}

void host_audio_file_close_stream(host_audio_stream *stream)
{
    if (stream->vorbis)
        stb_vorbis_close(stream->vorbis);
    free(stream->arena);
    free(stream->bytes);
    free(stream->data.samples);
    *stream = (host_audio_stream){ 0 };
}

int host_audio_stream_frame(host_audio_stream *stream, float frame[2])
{
    if (!stream->vorbis) {
        const host_audio_data *d = &stream->data;
        if (!d->frames)
            return 0;
        if (stream->at >= d->frames)
            stream->at = 0;
        frame[0] = d->samples[2 * (size_t)stream->at];
        frame[1] = d->samples[2 * (size_t)stream->at + 1];
        stream->at++;
        return 1;
    }
    /* At the end, back to the start; a stream that gives nothing from its start either (only
     * headers, or frames stb_vorbis cannot decode) has nothing to play. */
    int tries = 0;
    while (stream->at >= stream->have) {
        float **planes;
        int got = stb_vorbis_get_frame_float(stream->vorbis, NULL, &planes);
        if (got > 0) {
            stream->planes = planes;
            stream->at = 0;
            stream->have = (uint32_t)got;
            break;
        }
        if (++tries > 2 || !stb_vorbis_seek_start(stream->vorbis))
            return 0;
    }
    int right = stream->channels > 1;
    frame[0] = stream->planes[0][stream->at];
    frame[1] = stream->planes[right][stream->at];
    stream->at++;
    return 1;
}
