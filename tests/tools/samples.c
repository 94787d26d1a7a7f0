/* samples.c - reads what SDL's disk audio driver, or the host's --audio-out, wrote (raw float
 * stereo at 48 kHz, the mixer's format) and answers one question about it, for the host's
 * shell tests;
 * also writes the test tones they play:
 *
 *   samples FILE info                  prints "FRAMES ONSET": the whole frames in the file and
 *                                      the first one with a non-zero sample (-1: all silent)
 *   samples FILE peak FROM COUNT       prints "LEFT RIGHT", the largest |sample| of each channel
 *                                      in frames FROM .. FROM+COUNT-1 (cut to the file)
 *   samples FILE least FROM COUNT      the same with the smallest |sample| (0: a gap)
 *   samples FILE starts GAP            prints where each sound starts, one frame number a
 *                                      line: a non-zero frame after GAP or more silent frames
 *                                      (or at the file's start)
 *   samples A same B COUNT [AT_A AT_B] exit 0 when COUNT frames from A's onset (or frame AT_A)
 *                                      are bit for bit those from B's onset (or frame AT_B),
 *                                      else 1 with the first difference
 *   samples tone FILE HZ AMP SECONDS   writes a 16-bit mono 48 kHz WAV of a square wave that
 *                                      starts at +AMP (so its first frame is its onset)
 *
 * Exit code 0, or 1 with the reason on stderr.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *load(const char *path, long *frames)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *x = malloc((size_t)size + 8);
    *frames = (long)fread(x, 1, (size_t)size, f) / 8;
    fclose(f);
    return x;
}

static long onset(const float *x, long frames)
{
    for (long i = 0; i < frames; i++)
        if (x[2 * i] != 0 || x[2 * i + 1] != 0)
            return i;
    return -1;
}

static void put(FILE *f, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        fputc((int)(v >> (8 * i) & 255), f);
}

static int tone(const char *path, double hz, double amp, double seconds)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint32_t frames = (uint32_t)(seconds * 48000), half = (uint32_t)(48000 / hz / 2);
    int16_t v = (int16_t)lrint(amp * 32768);
    fputs("RIFF", f);
    put(f, 36 + frames * 2, 4);
    fputs("WAVEfmt ", f);
    put(f, 16, 4);
    put(f, 1, 2);     /* PCM */
    put(f, 1, 2);     /* mono */
    put(f, 48000, 4); /* rate */
    put(f, 96000, 4); /* bytes per second */
    put(f, 2, 2);     /* bytes per frame */
    put(f, 16, 2);    /* bits */
    fputs("data", f);
    put(f, frames * 2, 4);
    for (uint32_t i = 0; i < frames; i++)
        put(f, (uint16_t)((i / (half ? half : 1)) % 2 ? -v : v), 2);
    return fclose(f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "tone") == 0)
        return tone(argv[2], atof(argv[3]), atof(argv[4]), atof(argv[5]));
    if (argc < 3) {
        fputs("usage: samples FILE info | peak FROM COUNT | least FROM COUNT | starts GAP |\n"
              "       samples A same B COUNT [AT_A AT_B]\n"
              "       samples tone FILE HZ AMP SECONDS\n",
              stderr);
        return 1;
    }
    long frames;
    float *x = load(argv[1], &frames);
    if (strcmp(argv[2], "info") == 0) {
        printf("%ld %ld\n", frames, onset(x, frames));
        return 0;
    }
    if (argc == 5 && (strcmp(argv[2], "peak") == 0 || strcmp(argv[2], "least") == 0)) {
        int least = argv[2][0] == 'l';
        long from = atol(argv[3]), to = from + atol(argv[4]);
        float m[2] = { least ? INFINITY : 0, least ? INFINITY : 0 };
        for (long i = from < 0 ? 0 : from; i < to && i < frames; i++)
            for (int c = 0; c < 2; c++)
                m[c] = least ? fminf(m[c], fabsf(x[2 * i + c])) : fmaxf(m[c], fabsf(x[2 * i + c]));
        printf("%g %g\n", m[0], m[1]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[2], "starts") == 0) {
        long gap = atol(argv[3]), silent = gap;
        for (long i = 0; i < frames; i++) {
            if (x[2 * i] == 0 && x[2 * i + 1] == 0) {
                silent++;
                continue;
            }
            if (silent >= gap)
                printf("%ld\n", i);
            silent = 0;
        }
        return 0;
    }
    if ((argc == 5 || argc == 7) && strcmp(argv[2], "same") == 0) {
        long other_frames, count = atol(argv[4]);
        float *y = load(argv[3], &other_frames);
        long a = argc == 7 ? atol(argv[5]) : onset(x, frames);
        long b = argc == 7 ? atol(argv[6]) : onset(y, other_frames);
        if (a < 0 || b < 0 || a + count > frames || b + count > other_frames) {
            fprintf(stderr, "onsets %ld and %ld, %ld and %ld frames: no %ld to compare\n", a, b,
                    frames, other_frames, count);
            return 1;
        }
        for (long i = 0; i < 2 * count; i++) {
            uint32_t xbits, ybits; /* bit for bit: -0.0 differs from 0.0, a NaN is itself */
            memcpy(&xbits, &x[2 * a + i], sizeof xbits);
            memcpy(&ybits, &y[2 * b + i], sizeof ybits);
            if (xbits != ybits) {
                fprintf(stderr, "frame %ld after the start: %g, %g\n", i / 2, x[2 * a + i],
                        y[2 * b + i]);
                return 1;
            }
        }
        return 0;
    }
    fprintf(stderr, "samples: unknown question '%s'\n", argv[2]);
    return 1;
}
