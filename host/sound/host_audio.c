/* host_audio.c - sound: SDL's audio device and the mixer that feeds it.
 *
 * Owns the device, the table of sounds (handle = index + 1: valid across reloads; the samples
 * behind it are replaced when the file is saved), HOST_AUDIO_VOICES voices and two music
 * tracks (the one playing or fading in, the one fading out).
 * The audio thread runs host_audio_mix and nothing else: no game code (a reload can never pull
 * code out from under it), no allocation, no system call, no lock of its own. What it reads
 * (voices, tracks) the main thread changes under SDL_LockAudioDevice, and what it replaced
 * (old samples, old tracks) is freed after the unlock. The table of sounds is the main
 * thread's alone: a voice carries its own pointer to the samples.
 * Voice handles are serial numbers, handed out in the order of the play calls whether there is
 * a device or not, so the game's state never depends on the sound card or the audio thread.
 * Sounds are started by update (or init), so a recording replays them at the same updates.
 * Pause and slow motion leave the mixer alone: what plays plays on (a looped voice keeps
 * looping while paused). A voice remembers the update that started it, and a rewind that takes
 * that update back stops it (the state no longer holds its handle, so nothing else could);
 * updates run again after a rewind start their sounds again.
 */
#include "host_audio.h"
#include "game_api.h"
#include "host_audio_file.h"
#include "host_clock.h"
#include "host_event.h"

#include <SDL.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ONE ((uint64_t)1 << 32) /* positions are 32.32 fixed point, in frames */

enum {
    OFF = 0, /* no device: every call is a silent no-op */
    ON,
    DEVICE_FRAMES = 512, /* frames per callback: 10.7 ms at 48 kHz */
};

typedef struct sound {
    char *name;           /* the name the game asked for */
    host_audio_data data; /* its samples, empty when the file is missing or broken */
} sound;

typedef struct voice {
    game_voice id;        /* 0: free */
    game_sound sound;     /* what it plays */
    const float *samples; /* the sound's (repointed when its file is reloaded) */
    uint32_t frames;
    int loop;
    uint64_t pos, step; /* where it is and the pitch, 32.32 */
    float left, right;  /* gains from volume and pan */
    float volume;       /* the quietest voice is taken when all are busy */
    uint64_t age;       /* ... the oldest of equals */
    uint64_t update;    /* the update that started it (host_audio_timeline) */
} voice;

typedef struct track {
    host_audio_stream stream;
    uint64_t frac, step; /* between cur and next, 32.32; the file's rate / ours */
    float cur[2], next[2];
    float gain, gain_step; /* fading in (> 0) or out (< 0) by this much per frame */
    int ended;             /* set by the audio thread: faded out, or nothing left to play */
} track;

static struct {
    int state; /* OFF or ON */
    SDL_AudioDeviceID device;
    char *dir;
    sound *sounds; /* handle h is sounds[h - 1] */
    int count, capacity;
    voice voices[HOST_AUDIO_VOICES];
    game_voice last_id;
    uint64_t last_age;
    uint64_t timeline; /* the update running now, as host_audio_timeline said */
    track *music[2];   /* [0] playing or fading in, [1] fading out */
    char *music_name;  /* the music asked for last, NULL for none */
} audio;

static void lock(void)
{
    if (audio.device)
        SDL_LockAudioDevice(audio.device);
}

static void unlock(void)
{
    if (audio.device)
        SDL_UnlockAudioDevice(audio.device);
}

/* ---- the audio thread ---- */

static void mix_voice(voice *v, float *out, int frames)
{
    if (!v->frames) {
        if (!v->loop) /* a looped one waits, silent, for its file to come back */
            v->id = 0;
        return;
    }
    const uint64_t end = (uint64_t)v->frames << 32;
    for (int i = 0; i < frames; i++) {
        if (v->pos >= end) {
            if (!v->loop) {
                v->id = 0;
                return;
            }
            v->pos %= end;
        }
        uint32_t at = (uint32_t)(v->pos >> 32);
        uint32_t next = at + 1 < v->frames ? at + 1 : v->loop ? 0 : at;
        float f = (float)(uint32_t)v->pos * (1.0f / 4294967296.0f);
        const float *a = v->samples + 2 * (size_t)at, *b = v->samples + 2 * (size_t)next;
        float *o = out + (ptrdiff_t)2 * i;
        o[0] += (a[0] + (b[0] - a[0]) * f) * v->left;
        o[1] += (a[1] + (b[1] - a[1]) * f) * v->right;
        v->pos += v->step;
    }
}

static void mix_track(track *t, float *out, int frames)
{
    for (int i = 0; i < frames && !t->ended; i++) {
        while (t->frac >= ONE) {
            t->cur[0] = t->next[0];
            t->cur[1] = t->next[1];
            if (!host_audio_stream_frame(&t->stream, t->next)) {
                t->ended = 1;
                return;
            }
            t->frac -= ONE;
        }
        float f = (float)t->frac * (1.0f / 4294967296.0f);
        float *o = out + (ptrdiff_t)2 * i;
        o[0] += (t->cur[0] + (t->next[0] - t->cur[0]) * f) * t->gain;
        o[1] += (t->cur[1] + (t->next[1] - t->cur[1]) * f) * t->gain;
        t->frac += t->step;
        t->gain += t->gain_step;
        if (t->gain >= 1.0f) {
            t->gain = 1.0f;
            t->gain_step = 0;
        } else if (t->gain <= 0 && t->gain_step < 0) {
            t->ended = 1;
        }
    }
}

void host_audio_mix(float *out, int frames)
{
    memset(out, 0, (size_t)frames * 2 * sizeof *out);
    for (int i = 0; i < HOST_AUDIO_VOICES; i++)
        if (audio.voices[i].id)
            mix_voice(&audio.voices[i], out, frames);
    for (int i = 0; i < 2; i++)
        if (audio.music[i] && !audio.music[i]->ended)
            mix_track(audio.music[i], out, frames);
    /* The device may want integers: a sum past full scale is clipped, never wrapped. */
    for (int i = 0; i < frames * 2; i++)
        out[i] = out[i] > 1.0f ? 1.0f : out[i] < -1.0f ? -1.0f : out[i];
}

/* SDL calls it with the device locked, in our format (SDL converts for the hardware). */
static void callback(void *user, Uint8 *stream, int bytes)
{
    (void)user;
    host_audio_mix((float *)(void *)stream, bytes / (int)(2 * sizeof(float)));
}

/* ---- the main thread ---- */

static int sound_off(const char *what)
{
    char why[600];
    const char *driver = SDL_GetCurrentAudioDriver();
    snprintf(why, sizeof why, "%s (driver %s): %s", what, driver ? driver : "none", SDL_GetError());
    host_event(SOUND_OFF, HOST_TEXT("reason", why));
    return -1;
}

int host_audio_open(const char *assets_dir, int mode)
{
    memset(&audio, 0, sizeof audio);
    audio.dir = SDL_strdup(assets_dir ? assets_dir : ".");
    if (mode == HOST_AUDIO_CALLER) {
        audio.state = ON;
        return 0;
    }
    if (mode == HOST_AUDIO_HEADLESS)
        SDL_setenv("SDL_AUDIODRIVER", "dummy", 0); /* 0: a driver the user chose wins */
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
        return sound_off("cannot start SDL audio");
    SDL_AudioSpec want = { .freq = HOST_AUDIO_RATE,
                           .format = AUDIO_F32SYS,
                           .channels = 2,
                           .samples = DEVICE_FRAMES,
                           .callback = callback },
                  have;
    /* No allowed changes: SDL converts to whatever the hardware takes. */
    audio.device = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
    if (!audio.device) {
        sound_off("cannot open an audio device");
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return -1;
    }
    audio.state = ON;
    SDL_PauseAudioDevice(audio.device, 0);
    return 0;
}

static void close_track(track *t)
{
    if (!t)
        return;
    host_audio_file_close_stream(&t->stream);
    free(t);
}

void host_audio_close(void)
{
    if (audio.device) {
        SDL_CloseAudioDevice(audio.device); /* the audio thread has ended when it returns */
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
    for (int i = 0; i < audio.count; i++) {
        free(audio.sounds[i].name);
        free(audio.sounds[i].data.samples);
    }
    free(audio.sounds);
    close_track(audio.music[0]);
    close_track(audio.music[1]);
    free(audio.music_name);
    SDL_free(audio.dir);
    memset(&audio, 0, sizeof audio);
}

static void asset_missing(const char *name, const char *why)
{
    host_event(ASSET_MISSING, HOST_WORD("name", name), HOST_TEXT("reason", why));
}

static void asset_reloaded(const char *name, uint64_t t0)
{
    host_event(ASSET_RELOADED, HOST_WORD("name", name),
               HOST_REAL("ms", (double)(host_now_ns() - t0) / 1e6, 2));
}

/* Decodes name's file into out, or gives the asset-missing event and an empty sound. */
static int load(const char *name, host_audio_data *out)
{
    char path[4200], why[600];
    snprintf(path, sizeof path, "%s/%s", audio.dir, name);
    if (host_audio_file_load(path, out, why, sizeof why) == 0)
        return 0;
    asset_missing(name, why);
    return -1;
}

game_sound host_audio_sound(const char *name)
{
    if (!name)
        name = "";
    for (int i = 0; i < audio.count; i++)
        if (strcmp(audio.sounds[i].name, name) == 0)
            return (game_sound)(i + 1);
    if (audio.count == audio.capacity) {
        int capacity = audio.capacity ? audio.capacity * 2 : 16;
        sound *grown = realloc(audio.sounds, (size_t)capacity * sizeof *grown);
        if (!grown)
            return 0;
        audio.sounds = grown;
        audio.capacity = capacity;
    }
    sound s = { .name = strdup(name) };
    if (!s.name)
        return 0;
    if (audio.state == ON) /* without a device nothing is ever heard: nothing is decoded */
        load(name, &s.data);
    audio.sounds[audio.count++] = s;
    return (game_sound)audio.count;
}

/* The game's numbers made safe: NaN and out-of-range values cannot reach the mixer. */
static void set_voice(voice *v, float volume, float pan, float pitch)
{
    volume = isnan(volume) || volume < 0 ? 0 : volume > 1 ? 1 : volume;
    pan = isnan(pan) ? 0 : pan < -1 ? -1 : pan > 1 ? 1 : pan;
    pitch = !(pitch > 0) ? 1 : pitch > 64 ? 64 : pitch;
    v->volume = volume;
    v->left = volume * (pan > 0 ? 1 - pan : 1);
    v->right = volume * (pan < 0 ? 1 + pan : 1);
    v->step = (uint64_t)((double)pitch * (double)ONE);
    if (!v->step)
        v->step = 1;
}

static voice *find_voice(game_voice id)
{
    for (int i = 0; id && i < HOST_AUDIO_VOICES; i++)
        if (audio.voices[i].id == id)
            return &audio.voices[i];
    return NULL;
}

/* A free voice, or the quietest (the oldest of equals) when all are busy. Call locked. */
static voice *take_voice(void)
{
    voice *best = &audio.voices[0];
    for (int i = 0; i < HOST_AUDIO_VOICES; i++) {
        voice *v = &audio.voices[i];
        if (!v->id)
            return v;
        if (v->volume < best->volume || (v->volume == best->volume && v->age < best->age))
            best = v;
    }
    return best;
}

game_voice host_audio_play(game_sound snd, float volume, float pan, float pitch, int loop)
{
    if (snd < 1 || snd > (game_sound)audio.count)
        return 0;
    game_voice id = ++audio.last_id ? audio.last_id : ++audio.last_id;
    if (audio.state != ON)
        return id;
    const sound *s = &audio.sounds[snd - 1];
    lock();
    voice *v = take_voice();
    *v = (voice){ .id = id,
                  .sound = snd,
                  .samples = s->data.samples,
                  .frames = s->data.frames,
                  .loop = loop != 0,
                  .age = ++audio.last_age,
                  .update = audio.timeline };
    set_voice(v, volume, pan, pitch);
    unlock();
    return id;
}

void host_audio_voice_set(game_voice id, float volume, float pan, float pitch)
{
    lock();
    voice *v = find_voice(id);
    if (v)
        set_voice(v, volume, pan, pitch);
    unlock();
}

void host_audio_voice_stop(game_voice id)
{
    lock();
    voice *v = find_voice(id);
    if (v)
        v->id = 0;
    unlock();
}

/* A track of name's file, its first two frames read, or NULL after an asset-missing event. */
static track *open_track(const char *name)
{
    char path[4200], why[600];
    snprintf(path, sizeof path, "%s/%s", audio.dir, name);
    track *t = calloc(1, sizeof *t);
    if (!t) {
        asset_missing(name, "out of memory");
        return NULL;
    }
    if (host_audio_file_open_stream(path, &t->stream, why, sizeof why) != 0) {
        asset_missing(name, why);
        free(t);
        return NULL;
    }
    t->step = ((uint64_t)t->stream.rate << 32) / HOST_AUDIO_RATE;
    t->ended = !host_audio_stream_frame(&t->stream, t->cur) ||
               !host_audio_stream_frame(&t->stream, t->next);
    return t;
}

/* Starts audio.music_name (none: silence), fading over fade_seconds (0: at once). */
static track *switch_music(float fade_seconds)
{
    track *t = audio.music_name ? open_track(audio.music_name) : NULL;
    float step = fade_seconds > 0 ? 1.0f / (fade_seconds * HOST_AUDIO_RATE) : 0;
    track *gone[2] = { audio.music[1], NULL };
    lock();
    if (step > 0) {
        audio.music[1] = audio.music[0];
        if (audio.music[1])
            audio.music[1]->gain_step = -step;
    } else {
        gone[1] = audio.music[0];
        audio.music[1] = NULL;
    }
    audio.music[0] = t;
    if (t) {
        t->gain = step > 0 ? 0 : 1;
        t->gain_step = step;
    }
    unlock();
    close_track(gone[0]);
    close_track(gone[1]);
    return t;
}

void host_audio_music(const char *name, float fade_seconds)
{
    if (audio.state != ON)
        return;
    /* Asked every update, the track playing goes on (and a missing file is reported once). */
    if (name ? audio.music_name && strcmp(name, audio.music_name) == 0 : !audio.music_name)
        return;
    char *copy = name ? strdup(name) : NULL;
    if (name && !copy)
        return;
    free(audio.music_name);
    audio.music_name = copy;
    switch_music(fade_seconds);
}

void host_audio_timeline(uint64_t update)
{
    const int back = update < audio.timeline;
    audio.timeline = update;
    if (!back || audio.state != ON)
        return;
    lock();
    for (int i = 0; i < HOST_AUDIO_VOICES; i++)
        if (audio.voices[i].id && audio.voices[i].update >= update)
            audio.voices[i].id = 0;
    unlock();
}

void host_audio_stop_all(void)
{
    if (audio.state != ON)
        return;
    lock();
    for (int i = 0; i < HOST_AUDIO_VOICES; i++)
        audio.voices[i].id = 0;
    unlock();
    free(audio.music_name);
    audio.music_name = NULL;
    switch_music(0);
}

static void reload_sound(int index)
{
    sound *s = &audio.sounds[index];
    uint64_t t0 = host_now_ns();
    host_audio_data data;
    int ok = load(s->name, &data) == 0;
    lock();
    for (int i = 0; i < HOST_AUDIO_VOICES; i++) {
        voice *v = &audio.voices[i];
        if (v->id && v->sound == (game_sound)(index + 1)) {
            v->samples = data.samples;
            v->frames = data.frames;
        }
    }
    host_audio_data old = s->data;
    s->data = data;
    unlock();
    free(old.samples);
    if (ok)
        asset_reloaded(s->name, t0);
}

void host_audio_files_changed(const char *const *names, int count)
{
    if (audio.state != ON)
        return;
    for (int n = 0; n < count; n++) {
        for (int i = 0; i < audio.count; i++)
            if (strcmp(audio.sounds[i].name, names[n]) == 0)
                reload_sound(i);
        if (audio.music_name && strcmp(audio.music_name, names[n]) == 0) {
            /* The saved file plays from its start, at once. */
            uint64_t t0 = host_now_ns();
            if (switch_music(0))
                asset_reloaded(audio.music_name, t0);
        }
    }
}
