/* test_audio.c - the host's mixer (host/sound/host_audio.c, host_audio_file.c) on its own: what a
 * user would hear, sample by sample. Each case writes its WAV files (and OGG files, through
 * oggenc) into a private directory, opens the mixer without a device and mixes by hand, so
 * every sample is known: a sound as recorded, volume, pan, pitch, loops, two voices summed,
 * a full mixer taking its quietest voice, format conversion, OGG sounds, streamed music with
 * fades, saved and removed files and music, every cut of a WAV and an OGG and random bytes (an
 * event and silence, never a crash), no device at all, and SDL's disk driver writing the mix. The
 * host's event log is listened to: its events go to a list the cases read.
 */
#include "check.h"
#include "game_api.h"
#include "host_audio.h"
#include "host_event.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static char events[16384]; /* every event since the last reset, one a line */

/* ---- the host's events, as the mixer emits them ---- */

static void note_event(const host_event_data *event)
{
    char fields[2048];
    host_event_fields_text(event, fields, sizeof fields);
    size_t n = strlen(events);
    snprintf(events + n, sizeof events - n, "%s %s\n", event->name, fields);
}

/* ---- fixtures ---- */

static void put16(FILE *f, unsigned v)
{
    fputc((int)(v & 255), f);
    fputc((int)(v >> 8 & 255), f);
}

static void put32(FILE *f, uint32_t v)
{
    put16(f, v & 0xffff);
    put16(f, v >> 16);
}

/* A 16-bit PCM WAV of frames * channels samples (-1..1) at rate, in the test's directory. */
static void write_wav(const char *name, int channels, int rate, const float *x, int frames)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    uint32_t bytes = (uint32_t)(frames * channels * 2);
    fputs("RIFF", f);
    put32(f, 36 + bytes);
    fputs("WAVEfmt ", f);
    put32(f, 16);
    put16(f, 1);
    put16(f, (unsigned)channels);
    put32(f, (uint32_t)rate);
    put32(f, (uint32_t)(rate * channels * 2));
    put16(f, (unsigned)(channels * 2));
    put16(f, 16);
    fputs("data", f);
    put32(f, bytes);
    for (int i = 0; i < frames * channels; i++)
        put16(f, (unsigned)(uint16_t)(int16_t)lrintf(x[i] * 32768.0f));
    fclose(f);
}

/* A mono sine of hz at amplitude for seconds, as WAV (and, with ogg set, as OGG too). */
static int write_sine(const char *name, float hz, float amplitude, float seconds, int rate, int ogg)
{
    int frames = (int)(seconds * (float)rate);
    float *x = malloc((size_t)frames * sizeof *x);
    for (int i = 0; i < frames; i++)
        x[i] = amplitude * sinf(2.0f * 3.14159265f * hz * (float)i / (float)rate);
    char wav[300];
    snprintf(wav, sizeof wav, "%s.wav", name);
    write_wav(wav, 1, rate, x, frames);
    free(x);
    if (!ogg)
        return 0;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "oggenc -Q -q 6 -o '%s/%s.ogg' '%s/%s.wav'", dir, name, dir, name);
    return system(cmd);
}

/* The samples test sounds are made of: a ramp, exact in 16 bits and in float. */
static float ramp(int i)
{
    return (float)((i % 64) - 32) / 64.0f;
}

static void write_ramp(const char *name, int frames)
{
    float *x = malloc((size_t)frames * sizeof *x);
    for (int i = 0; i < frames; i++)
        x[i] = ramp(i);
    write_wav(name, 1, HOST_AUDIO_RATE, x, frames);
    free(x);
}

static void write_dc(const char *name, float value, int frames)
{
    float *x = malloc((size_t)frames * sizeof *x);
    for (int i = 0; i < frames; i++)
        x[i] = value;
    write_wav(name, 1, HOST_AUDIO_RATE, x, frames);
    free(x);
}

static void write_bytes(const char *name, const void *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, size, f);
    fclose(f);
}

static unsigned char *read_bytes(const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*size + 1);
    *size = fread(b, 1, *size, f);
    fclose(f);
    return b;
}

/* ---- listening ---- */

#define MAX_FRAMES (HOST_AUDIO_RATE * 3)
static float out[MAX_FRAMES * 2];

/* Mixes frames into out, in device-sized pieces as the audio thread would. */
static void mix(int frames)
{
    for (int at = 0; at < frames; at += 512)
        host_audio_mix(out + 2 * (size_t)at, frames - at < 512 ? frames - at : 512);
}

static void open_mixer(void)
{
    events[0] = 0;
    host_audio_open(dir, HOST_AUDIO_CALLER);
}

/* Rising zero crossings of channel c in out[from, from + frames): the frequency, per second. */
static int crossings(int c, int from, int frames)
{
    int n = 0;
    for (int i = from + 1; i < from + frames; i++)
        n += out[2 * (i - 1) + c] < 0 && out[2 * i + c] >= 0;
    return n;
}

static float rms(int c, int from, int frames)
{
    double sum = 0;
    for (int i = from; i < from + frames; i++)
        sum += (double)out[2 * i + c] * out[2 * i + c];
    return (float)sqrt(sum / frames);
}

static float peak(int from, int frames)
{
    float p = 0;
    for (int i = 2 * from; i < 2 * (from + frames); i++)
        p = fabsf(out[i]) > p ? fabsf(out[i]) : p;
    return p;
}

/* ---- cases ---- */

static void wav_plays_as_recorded(void)
{
    write_ramp("ramp.wav", 1000);
    open_mixer();
    game_sound s = host_audio_sound("ramp.wav");
    CHECK(s != 0, "no handle");
    CHECK(host_audio_sound("ramp.wav") == s, "a second handle for the same file");
    CHECK(host_audio_play(s, 1, 0, 1, 0) != 0, "no voice");
    mix(1500);
    for (int i = 0; i < 1000; i++)
        CHECK(out[2 * (size_t)i] == ramp(i) && out[2 * i + 1] == ramp(i),
              "frame %d is %g %g, want %g in both channels", i, out[2 * (size_t)i], out[2 * i + 1],
              ramp(i));
    CHECK(peak(1000, 500) == 0, "sound after the end: %g", peak(1000, 500));
    CHECK(events[0] == 0, "events: %.500s", events);
    host_audio_close();
}

static void volume_and_pan(void)
{
    write_ramp("ramp.wav", 1000);
    open_mixer();
    game_sound s = host_audio_sound("ramp.wav");
    host_audio_play(s, 0.5f, 1, 1, 0);
    mix(1000);
    for (int i = 0; i < 1000; i++)
        CHECK(out[2 * (size_t)i] == 0 && out[2 * i + 1] == 0.5f * ramp(i),
              "pan 1, volume 0.5: frame %d is %g %g, want 0 %g", i, out[2 * (size_t)i],
              out[2 * i + 1], 0.5f * ramp(i));
    host_audio_play(s, 1, -0.5f, 1, 0);
    mix(1000);
    for (int i = 0; i < 1000; i++)
        CHECK(out[2 * (size_t)i] == ramp(i) && out[2 * i + 1] == 0.5f * ramp(i),
              "pan -0.5: frame %d is %g %g, want %g %g", i, out[2 * (size_t)i], out[2 * i + 1],
              ramp(i), 0.5f * ramp(i));
    host_audio_close();
}

static void two_voices_sum(void)
{
    write_ramp("ramp.wav", 1000);
    write_dc("dc.wav", 0.25f, 500);
    open_mixer();
    host_audio_play(host_audio_sound("ramp.wav"), 0.5f, 0, 1, 0);
    host_audio_play(host_audio_sound("dc.wav"), 1, 0, 1, 0);
    mix(1000);
    for (int i = 0; i < 1000; i++) {
        float want = 0.5f * ramp(i) + (i < 500 ? 0.25f : 0);
        CHECK(out[2 * (size_t)i] == want && out[2 * i + 1] == want, "frame %d is %g, want %g", i,
              out[2 * (size_t)i], want);
    }
    host_audio_close();
}

static void pitch_resamples(void)
{
    write_ramp("ramp.wav", 1000);
    open_mixer();
    game_sound s = host_audio_sound("ramp.wav");
    host_audio_play(s, 1, 0, 2, 0);
    mix(600);
    for (int i = 0; i < 500; i++)
        CHECK(out[2 * (size_t)i] == ramp(2 * i), "pitch 2: frame %d is %g, want %g", i,
              out[2 * (size_t)i], ramp(2 * i));
    CHECK(peak(500, 100) == 0, "pitch 2 played past half the length");
    host_audio_play(s, 1, 0, 0.5f, 0);
    mix(1998);
    for (int i = 0; i < 999; i++) {
        float mid = (ramp(i) + ramp(i + 1)) / 2;
        CHECK(out[4 * (size_t)i] == ramp(i) && fabsf(out[4 * i + 2] - mid) < 1e-6f,
              "pitch 0.5: frames %d, %d are %g, %g, want %g, %g", 2 * i, 2 * i + 1,
              out[4 * (size_t)i], out[4 * i + 2], ramp(i), mid);
    }
    host_audio_close();
}

static void loop_until_stopped(void)
{
    write_ramp("ramp.wav", 100);
    open_mixer();
    game_voice v = host_audio_play(host_audio_sound("ramp.wav"), 1, 0, 1, 1);
    mix(2500);
    for (int i = 0; i < 2500; i++)
        CHECK(out[2 * (size_t)i] == ramp(i % 100), "frame %d is %g, want %g", i, out[2 * (size_t)i],
              ramp(i % 100));
    host_audio_voice_set(v, 0.5f, 0, 1);
    mix(100);
    CHECK(out[0] == 0.5f * ramp(0) && out[20] == 0.5f * ramp(10), "voice_set: %g %g", out[0],
          out[20]);
    host_audio_voice_stop(v);
    mix(1000);
    CHECK(peak(0, 1000) == 0, "a stopped voice plays");
    host_audio_voice_stop(v);         /* again: nothing */
    host_audio_voice_set(v, 1, 0, 1); /* a voice that ended: nothing */
    host_audio_voice_set(0, 1, 0, 1); /* none */
    host_audio_voice_stop(12345);     /* never handed out */
    CHECK(host_audio_play(0, 1, 0, 1, 0) == 0, "a voice for sound 0");
    CHECK(host_audio_play(99, 1, 0, 1, 0) == 0, "a voice for an unknown sound");
    mix(100);
    CHECK(peak(0, 100) == 0, "sound from nothing");
    host_audio_close();
}

/* The timeline going back (a rewind step) stops the voices started at or after the update it
 * goes back to, and only those; going forward stops nothing. */
static void rewind_stops_later_voices(void)
{
    write_dc("dc.wav", 0.25f, 100);
    open_mixer();
    game_sound s = host_audio_sound("dc.wav");
    host_audio_timeline(10);
    host_audio_play(s, 1, -1, 1, 1); /* update 10: the left channel */
    host_audio_timeline(11);
    host_audio_timeline(12);
    host_audio_play(s, 1, 1, 1, 1); /* update 12: the right channel */
    host_audio_timeline(13);
    mix(100);
    CHECK(out[0] == 0.25f && out[1] == 0.25f, "both voices: %g %g", out[0], out[1]);
    host_audio_timeline(12); /* update 12 taken back */
    mix(100);
    CHECK(out[0] == 0.25f && out[1] == 0, "after going back to 12: %g %g, want 0.25 0", out[0],
          out[1]);
    host_audio_timeline(11);
    mix(100);
    CHECK(out[0] == 0.25f, "going back to 11 stopped update 10's voice");
    host_audio_timeline(10); /* update 10 taken back */
    mix(100);
    CHECK(peak(0, 100) == 0, "update 10's voice plays on after it was taken back");
    host_audio_close();
}

/* NaN, infinities and numbers out of range reach the mixer as safe values. */
static void odd_numbers_are_safe(void)
{
    write_dc("dc.wav", 0.5f, 1000);
    open_mixer();
    game_sound s = host_audio_sound("dc.wav");
    host_audio_play(s, NAN, NAN, NAN, 0);
    host_audio_play(s, INFINITY, -INFINITY, INFINITY, 0);
    host_audio_play(s, -3, 7, 0, 0);
    mix(500);
    for (int i = 0; i < 500; i++)
        CHECK(isfinite(out[2 * (size_t)i]) && isfinite(out[2 * i + 1]), "frame %d is %g %g", i,
              out[2 * (size_t)i], out[2 * i + 1]);
    /* NaN volume: 0; infinite volume: 1, pan -1 (left only), pitch 64; volume -3: 0. */
    CHECK(out[0] == 0.5f && out[1] == 0, "frame 0 is %g %g, want 0.5 0", out[0], out[1]);
    host_audio_close();
}

static void full_mixer_takes_quietest(void)
{
    write_dc("dc.wav", 0.5f, 2000);
    open_mixer();
    game_sound s = host_audio_sound("dc.wav");
    game_voice quiet = host_audio_play(s, 0.001f, 0, 1, 1);
    for (int i = 1; i < HOST_AUDIO_VOICES; i++)
        host_audio_play(s, 0.01f, 0, 1, 1);
    mix(100);
    CHECK(fabsf(out[0] - 0.5f * 0.631f) < 1e-4f, "64 voices sum to %g, want %g", out[0],
          0.5f * 0.631f);
    game_voice extra = host_audio_play(s, 0.01f, 0, 1, 1);
    CHECK(extra != 0 && extra != quiet, "no new voice (%u)", extra);
    mix(100);
    CHECK(fabsf(out[0] - 0.5f * 0.64f) < 1e-4f, "the quietest voice was not the one taken: %g",
          out[0]);
    host_audio_voice_stop(extra);
    mix(100);
    CHECK(fabsf(out[0] - 0.5f * 0.63f) < 1e-4f, "stopping the new voice left %g", out[0]);
    host_audio_close();
}

/* A 44.1 kHz stereo file comes out at 48 kHz, its pitch and its channels as they were. */
static void formats_convert(void)
{
    enum {
        RATE = 44100
    };
    static float x[RATE * 2];
    for (int i = 0; i < RATE; i++) {
        x[2 * (size_t)i] = 0.5f * sinf(2.0f * 3.14159265f * 1000.0f * (float)i / RATE);
        x[2 * i + 1] = 0;
    }
    write_wav("stereo.wav", 2, RATE, x, RATE);
    open_mixer();
    host_audio_play(host_audio_sound("stereo.wav"), 1, 0, 1, 0);
    mix(HOST_AUDIO_RATE + 1000);
    int n = crossings(0, 0, HOST_AUDIO_RATE);
    CHECK(n >= 998 && n <= 1001, "a 1 kHz tone crosses zero %d times a second", n);
    CHECK(fabsf(rms(0, 1000, 40000) - 0.3536f) < 0.01f, "left RMS %g, want 0.354",
          rms(0, 1000, 40000));
    CHECK(rms(1, 0, HOST_AUDIO_RATE) < 1e-3f, "the silent right channel has %g",
          rms(1, 0, HOST_AUDIO_RATE));
    CHECK(rms(0, HOST_AUDIO_RATE - 480, 480) > 0.3f, "its last 10 ms are missing");
    CHECK(peak(HOST_AUDIO_RATE + 1, 999) == 0, "it lasts longer than 1 s");
    host_audio_close();
}

static void ogg_sound_plays(void)
{
    CHECK(write_sine("sine", 440, 0.5f, 1, 44100, 1) == 0, "oggenc failed (apt-get install "
                                                           "vorbis-tools)");
    if (check_failed)
        return;
    open_mixer();
    host_audio_play(host_audio_sound("sine.ogg"), 1, 0, 1, 0);
    mix(HOST_AUDIO_RATE + 4800);
    CHECK(events[0] == 0, "events: %.500s", events);
    int n = crossings(0, 0, HOST_AUDIO_RATE);
    CHECK(n >= 436 && n <= 442, "440 Hz crosses zero %d times a second", n);
    float r = rms(0, 2400, HOST_AUDIO_RATE / 2);
    CHECK(fabsf(r - 0.3536f) < 0.03f, "RMS %g, want 0.354", r);
    CHECK(fabsf(rms(1, 2400, HOST_AUDIO_RATE / 2) - r) < 1e-6f, "a mono file is not centred");
    host_audio_close();
}

static void music_streams_loops_and_fades(void)
{
    CHECK(write_sine("m440", 440, 0.5f, 0.5f, 44100, 1) == 0, "oggenc failed");
    CHECK(write_sine("m880", 880, 0.5f, 0.5f, 44100, 1) == 0, "oggenc failed");
    if (check_failed)
        return;
    open_mixer();
    host_audio_music("m440.ogg", 0);
    mix(HOST_AUDIO_RATE * 2); /* four times round */
    for (int w = 0; w < 8; w++) {
        int from = w * HOST_AUDIO_RATE / 4;
        CHECK(rms(0, from, HOST_AUDIO_RATE / 4) > 0.3f, "quarter %d of the looped music: %g", w,
              rms(0, from, HOST_AUDIO_RATE / 4));
    }
    int n = crossings(0, 0, HOST_AUDIO_RATE);
    CHECK(n >= 432 && n <= 446, "440 Hz music crosses zero %d times a second", n);
    host_audio_music("m440.ogg", 0); /* the same track again: goes on */
    host_audio_music("m880.ogg", 0.2f);
    mix(HOST_AUDIO_RATE);
    n = crossings(0, HOST_AUDIO_RATE / 4, HOST_AUDIO_RATE / 2);
    CHECK(n >= 430 && n <= 450, "after the fade, 880 Hz crosses zero %d times in 0.5 s", n);
    host_audio_music(NULL, 0.5f);
    mix(HOST_AUDIO_RATE);
    float early = rms(0, 0, 4800), late = rms(0, 19200, 4800);
    CHECK(early > late && late > 0, "not fading out: RMS %g then %g", early, late);
    CHECK(peak(HOST_AUDIO_RATE / 2 + 10, HOST_AUDIO_RATE / 2 - 10) == 0,
          "music after its fade-out");
    CHECK(events[0] == 0, "events: %.500s", events);
    host_audio_music("missing.ogg", 0);
    host_audio_music("missing.ogg", 0);
    CHECK(strstr(events, "asset-missing name=missing.ogg reason=\"cannot open ") &&
              !strstr(strstr(events, "missing.ogg") + 1, "asset-missing"),
          "want one asset-missing event for music asked for twice: %.500s", events);
    host_audio_close();
}

static void saved_file_reloads(void)
{
    write_dc("dc.wav", 0.5f, 1000);
    open_mixer();
    game_sound s = host_audio_sound("dc.wav");
    game_voice v = host_audio_play(s, 1, 0, 1, 1);
    mix(100);
    CHECK(out[0] == 0.5f, "before: %g", out[0]);
    write_dc("dc.wav", 0.25f, 300);
    const char *names[] = { "other.png", "dc.wav" };
    host_audio_files_changed(names, 2);
    CHECK(strstr(events, "asset-reloaded name=dc.wav ms="), "no asset-reloaded: %.500s", events);
    CHECK(host_audio_sound("dc.wav") == s, "a new handle after the save");
    mix(1000);
    CHECK(out[0] == 0.25f && out[2 * (size_t)999] == 0.25f, "after the save: %g ... %g", out[0],
          out[2 * (size_t)999]);
    char path[512];
    snprintf(path, sizeof path, "%s/dc.wav", dir);
    unlink(path);
    host_audio_files_changed(names + 1, 1);
    CHECK(strstr(events, "asset-missing name=dc.wav reason="), "no asset-missing: %.500s", events);
    mix(100);
    CHECK(peak(0, 100) == 0, "a removed file still plays");
    write_dc("dc.wav", 0.125f, 300);
    host_audio_files_changed(names + 1, 1);
    mix(100);
    CHECK(out[0] == 0.125f, "the looped voice did not come back with its file: %g", out[0]);
    host_audio_voice_stop(v);
    host_audio_close();
}

/* WAV music plays looped; its file saved starts it over with the new samples. */
static void saved_music_restarts(void)
{
    write_dc("m.wav", 0.5f, 1000);
    open_mixer();
    host_audio_music("m.wav", 0);
    mix(2500);
    CHECK(out[0] == 0.5f && out[2 * (size_t)2499] == 0.5f, "WAV music: %g ... %g", out[0],
          out[2 * (size_t)2499]);
    write_dc("m.wav", 0.25f, 1000);
    const char *names[] = { "m.wav" };
    host_audio_files_changed(names, 1);
    CHECK(strstr(events, "asset-reloaded name=m.wav ms="), "no asset-reloaded: %.500s", events);
    mix(2500);
    CHECK(out[0] == 0.25f && out[2 * (size_t)2499] == 0.25f, "after the save: %g ... %g", out[0],
          out[2 * (size_t)2499]);
    host_audio_close();
}

/* expect_refused NAME WHY: the sound gives an asset-missing event (reason containing why) and
 * plays silence. */
static void expect_refused(const char *name, const char *why)
{
    events[0] = 0;
    game_sound s = host_audio_sound(name);
    CHECK(s != 0, "%s: no handle", name);
    char want[300];
    snprintf(want, sizeof want, "asset-missing name=%s reason=", name);
    const char *e = strstr(events, want);
    CHECK(e && strstr(e, why), "%s: want an asset-missing event with '%s', got: %.500s", name, why,
          events);
    host_audio_play(s, 1, 0, 1, 1);
    host_audio_music(name, 0);
    mix(1000);
    CHECK(peak(0, 1000) == 0, "%s plays %g", name, peak(0, 1000));
    host_audio_stop_all();
}

static void bad_files_are_silent(void)
{
    write_ramp("ramp.wav", 2000);
    CHECK(write_sine("good", 440, 0.5f, 0.5f, 44100, 1) == 0, "oggenc failed");
    if (check_failed)
        return;
    write_bytes("empty.wav", "", 0);
    write_bytes("text.ogg", "hello, this is not a sound\n", 27);
    write_bytes("riff.wav", "RIFF\x10\0\0\0WAVEfmt \x04\0\0\0\1\0\1\0", 24);
    write_bytes("fake.ogg", "OggS\0\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 27);
    open_mixer();
    expect_refused("missing.wav", "cannot open ");
    expect_refused("empty.wav", "empty");
    expect_refused("text.ogg", "not a WAV or OGG file");
    expect_refused("riff.wav", "not a WAV file SDL can read");
    expect_refused("fake.ogg", "not an Ogg Vorbis stream");
    /* Every cut of a good WAV and OGG: truncated (or unreadable), never half played. */
    const char *good[] = { "ramp.wav", "good.ogg" };
    for (int g = 0; g < 2 && !check_failed; g++) {
        size_t size = 0;
        unsigned char *b = read_bytes(good[g], &size);
        for (size_t cut = 0; cut < size && !check_failed; cut += cut < 200 ? 1 : 97) {
            char name[64];
            snprintf(name, sizeof name, "cut%zu_%s", cut, good[g]);
            write_bytes(name, b, cut);
            expect_refused(name, cut >= 100 ? "truncated" : "");
        }
        free(b);
    }
    host_audio_close();
}

/* Random bytes, some behind a WAV or OGG header: an event or a sound, never a crash. */
static void random_bytes_never_crash(void)
{
    uint64_t seed = 0x9e3779b97f4a7c15u;
    static unsigned char b[8192];
    size_t good_size;
    unsigned char *good = read_bytes("good.ogg", &good_size);
    CHECK(good != NULL, "no good.ogg from the case before");
    if (!good)
        return;
    open_mixer();
    for (int n = 0; n < 300; n++) {
        size_t size = 1 + (size_t)(game_random(&seed) % sizeof b);
        for (size_t i = 0; i < size; i++)
            b[i] = (unsigned char)game_random(&seed);
        static const char riff[4] = "RIFF"; /* the tag's 4 bytes, no NUL */
        if (n % 3 == 0)
            memcpy(b, riff, sizeof riff);
        if (n % 3 == 1 && size > good_size / 2) { /* a real stream with bytes flipped */
            size = good_size;
            memcpy(b, good, size);
            for (int k = 0; k < 8; k++)
                b[game_random(&seed) % size] ^= (unsigned char)(1u << (game_random(&seed) % 8));
        }
        char name[64];
        snprintf(name, sizeof name, "random%d.%s", n, n % 3 ? "ogg" : "wav");
        write_bytes(name, b, size);
        game_sound s = host_audio_sound(name);
        CHECK(s != 0, "%s: no handle", name);
        host_audio_play(s, 1, 0, 1, 0);
        host_audio_music(name, 0);
        mix(2000);
        for (int i = 0; i < 4000; i++)
            CHECK(isfinite(out[i]) && fabsf(out[i]) <= 1, "%s: sample %d is %g", name, i, out[i]);
        host_audio_stop_all();
    }
    free(good);
    host_audio_close();
}

static void no_device_is_silent(void)
{
    write_ramp("ramp.wav", 1000);
    events[0] = 0;
    setenv("SDL_AUDIODRIVER", "no-such-driver", 1);
    CHECK(host_audio_open(dir, HOST_AUDIO_DEVICE) == -1, "opened a device that is not there");
    unsetenv("SDL_AUDIODRIVER");
    CHECK(strncmp(events, "sound-off reason=\"cannot start SDL audio", 40) == 0 &&
              strchr(events, '\n') == events + strlen(events) - 1,
          "want one sound-off event, got: %.500s", events);
    game_sound s = host_audio_sound("ramp.wav");
    CHECK(s == 1, "sound handle %u, want 1 (as with a device)", s);
    /* Apart: clang-tidy reads f() == 1 && f() == 2 as always false. */
    game_voice first = host_audio_play(s, 1, 0, 1, 1);
    CHECK(first == 1 && host_audio_play(s, 1, 0, 1, 1) == 2,
          "voice handles are not the ones a device would give");
    host_audio_music("nothing.ogg", 1);
    host_audio_voice_set(1, 1, 0, 1);
    host_audio_voice_stop(2);
    mix(1000);
    CHECK(peak(0, 1000) == 0, "sound without a device");
    CHECK(strchr(events, '\n') == events + strlen(events) - 1, "more events: %.500s", events);
    host_audio_close();
}

/* SDL's disk driver (what the host's tests listen to) gets the mix: a looped DC of 0.5. */
static void disk_driver_writes_the_mix(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out.raw", dir);
    write_dc("dc.wav", 0.5f, 100);
    setenv("SDL_AUDIODRIVER", "disk", 1);
    setenv("SDL_DISKAUDIOFILE", path, 1);
    events[0] = 0;
    int opened = host_audio_open(dir, HOST_AUDIO_DEVICE);
    unsetenv("SDL_AUDIODRIVER");
    CHECK(opened == 0, "the disk driver did not open: %.500s", events);
    host_audio_play(host_audio_sound("dc.wav"), 1, 0, 1, 1);
    struct stat st = { 0 };
    for (int i = 0; i < 2000 && (stat(path, &st) != 0 || st.st_size < 65536); i++)
        usleep(10000);
    host_audio_close();
    size_t size = 0;
    float *x = (float *)(void *)read_bytes("out.raw", &size);
    CHECK(x && size >= 65536, "the disk driver wrote %zu bytes", size);
    int heard = 0;
    for (size_t i = 0; x && i < size / sizeof *x; i++) {
        CHECK(x[i] == 0 || x[i] == 0.5f, "sample %zu is %g", i, x[i]);
        heard += x[i] == 0.5f;
    }
    CHECK(heard > 8192, "only %d samples of the sound", heard);
    free(x);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/livehost-audio.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    host_event_listen(note_event);
    int passed = 0, failed = 0;
    RUN(wav_plays_as_recorded, passed, failed);
    RUN(volume_and_pan, passed, failed);
    RUN(two_voices_sum, passed, failed);
    RUN(pitch_resamples, passed, failed);
    RUN(loop_until_stopped, passed, failed);
    RUN(rewind_stops_later_voices, passed, failed);
    RUN(odd_numbers_are_safe, passed, failed);
    RUN(full_mixer_takes_quietest, passed, failed);
    RUN(formats_convert, passed, failed);
    RUN(ogg_sound_plays, passed, failed);
    RUN(music_streams_loops_and_fades, passed, failed);
    RUN(saved_file_reloads, passed, failed);
    RUN(saved_music_restarts, passed, failed);
    RUN(bad_files_are_silent, passed, failed);
    RUN(random_bytes_never_crash, passed, failed);
    RUN(no_device_is_silent, passed, failed);
    RUN(disk_driver_writes_the_mix, passed, failed);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (!getenv("KEEP_TMP") && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
