/* bench_audio.c - the mixer's CPU time per second of audio (row 9): 32 looped voices of a 1 s
 * sound, each at its own pitch (0.5 to 1.5, so every voice interpolates) and pan, mixed by
 * host_audio_mix in the 512-frame pieces the audio thread asks for, as the device would.
 * The floor does the least any mixer must: adds 32 buffers of samples into the output, with
 * no resampling, gains or bounds, in the same pieces. Thread CPU time; runs alternate, floor
 * first.
 *
 * Usage: bench_audio ID RUNS WORKDIR
 */
#include "bench.h"
#include "game_api.h"
#include "host_audio.h"

#include <math.h>

enum {
    VOICES = 32,
    PIECE = 512
};

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A 1 s 16-bit mono WAV of a 440 Hz sine at path. */
static void write_sound(const char *path)
{
    static unsigned char wav[44 + 2 * HOST_AUDIO_RATE];
    uint32_t data = 2 * HOST_AUDIO_RATE,
             words[] = { 36 + data,           16,         0x00010001u, HOST_AUDIO_RATE,
                         2 * HOST_AUDIO_RATE, 0x00100002u };
    static const char riff[4] = "RIFF", wave_fmt[8] = "WAVEfmt ", data_tag[4] = "data"; /* no NUL */
    memcpy(wav, riff, sizeof riff);
    memcpy(wav + 4, &words[0], 4);
    memcpy(wav + 8, wave_fmt, sizeof wave_fmt);
    memcpy(wav + 16, &words[1], 20);
    memcpy(wav + 36, data_tag, sizeof data_tag);
    memcpy(wav + 40, &data, 4);
    for (int i = 0; i < HOST_AUDIO_RATE; i++) {
        int16_t v = (int16_t)lrintf(16000.0f * sinf(6.2831853f * 440.0f * (float)i / 48000.0f));
        memcpy(wav + 44 + 2 * (size_t)i, &v, 2);
    }
    bench_write(path, wav, sizeof wav);
}

static float out[PIECE * 2];
static float sources[VOICES][PIECE * 2];

__attribute__((noinline)) static void floor_piece(void)
{
    memset(out, 0, sizeof out);
    for (int v = 0; v < VOICES; v++)
        for (int i = 0; i < PIECE * 2; i++)
            out[i] += sources[v][i];
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_audio ID RUNS WORKDIR\n");
        return 2;
    }
    const char *id = argv[1], *work = argv[3];
    int runs = atoi(argv[2]);
    char path[4200];
    mkdir(work, 0755);
    bench_str(path, sizeof path, "%s/tone.wav", work);
    write_sound(path);
    host_audio_open(work, HOST_AUDIO_CALLER);
    game_sound s = host_audio_sound("tone.wav");
    for (int v = 0; v < VOICES; v++)
        host_audio_play(s, 0.03f, (float)v / VOICES * 2 - 1, 0.5f + (float)v / VOICES, 1);
    for (int v = 0; v < VOICES; v++)
        for (int i = 0; i < PIECE * 2; i++)
            sources[v][i] = 0.001f * (float)((i + v) % 64);

    bench_samples sub = { 0 }, flo = { 0 };
    const int pieces = HOST_AUDIO_RATE / PIECE; /* 93 pieces: 0.99 s, scaled to 1 s below */
    const double scale = (double)HOST_AUDIO_RATE / (pieces * PIECE);
    float check = 0;
    for (int r = 0; r < runs + 1; r++) { /* the first round warms the caches: not counted */
        uint64_t t0 = cpu_ns();
        for (int p = 0; p < pieces; p++)
            floor_piece();
        uint64_t t1 = cpu_ns();
        for (int p = 0; p < pieces; p++) {
            host_audio_mix(out, PIECE);
            check += out[p];
        }
        uint64_t t2 = cpu_ns();
        if (r > 0) {
            bench_add(&flo, (double)(t1 - t0) * scale);
            bench_add(&sub, (double)(t2 - t1) * scale);
        }
    }
    host_audio_close();
    if (check == 0) {
        fprintf(stderr, "bench_audio: the mixer played silence\n");
        return 1;
    }
    bench_stats st = bench_stats_of(&sub);
    char note[200];
    bench_str(note, sizeof note,
              "CPU per second of 48 kHz stereo, %d-frame pieces: %.2f%% of a core", PIECE,
              st.median / 1e7);
    bench_row(id, "mixer, 32 voices", "ns", st, "32 buffers added", bench_stats_of(&flo), NULL,
              NULL, note);
    bench_free(&sub);
    bench_free(&flo);
    return 0;
}
