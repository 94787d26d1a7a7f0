/* host_audio.h - the mixer and the sound services (host_audio.c), and --audio-out, the mix written
 * to a file in update time (host_audio_out.c).
 */
#ifndef HOST_AUDIO_H
#define HOST_AUDIO_H

#include "game_api.h"

#include <stdint.h>

/* ---- host_audio.c: sounds, voices and music, mixed on SDL's audio thread ---- */

/* What the mixer makes: float stereo, interleaved, at this rate; and how many voices play at
 * once (a play when all are busy takes the quietest, the oldest of equals). */
#define HOST_AUDIO_RATE 48000
#define HOST_AUDIO_VOICES 64

/* Where host_audio_open sends the mix. */
enum {
    HOST_AUDIO_DEVICE = 0, /* SDL's audio device: the driver SDL_AUDIODRIVER names, or SDL's pick */
    HOST_AUDIO_HEADLESS,   /* the same, but SDL_AUDIODRIVER=dummy unless it is set (--headless) */
    HOST_AUDIO_CALLER,     /* no device: the caller runs host_audio_mix (tests, benchmarks) */
};

/* Opens sound. assets_dir: where sound files are (absolute: host_assets_dir). Returns 0, or -1
 * after a "sound-off" event: no audio device could be opened, and every sound call is a silent
 * no-op from then on (handles are still handed out, the same ones as with sound, so the game's
 * state does not depend on a sound card). Call host_audio_close() either way. */
int host_audio_open(const char *assets_dir, int mode);
/* Stops the device, frees every sound and track. Handles become invalid. */
void host_audio_close(void);

/* The sound / play / voice_set / voice_stop / music services (see host_services). */
game_sound host_audio_sound(const char *name);
game_voice host_audio_play(game_sound sound, float volume, float pan, float pitch, int loop);
void host_audio_voice_set(game_voice voice, float volume, float pan, float pitch);
void host_audio_voice_stop(game_voice voice);
void host_audio_music(const char *name, float fade_seconds);
/* Stops every voice and the music at once (F5: a fresh game holds no voice handle). */
void host_audio_stop_all(void);
/* Where the game is on its timeline of updates: host_time.c says it before every update (the
 * count of updates behind the state the game holds) and after every rewind step (one less).
 * Voices remember the update that started them; going back stops those started by the
 * updates taken back, whose handles the state no longer holds. */
void host_audio_timeline(uint64_t update);
/* Reloads the sounds and the music read from these files, keeping their handles; voices
 * playing them go on with the new samples (a host_assets_listener). */
void host_audio_files_changed(const char *const *names, int count);
/* Mixes the next frames of sound into out (frames * 2 floats): what the audio thread runs.
 * Only with HOST_AUDIO_CALLER may anyone else call it. */
void host_audio_mix(float *out, int frames);

/* ---- host_audio_out.c: --audio-out, the sound written in update time ---- */

/* Frames of sound that stand for one update (1/60 s). */
#define HOST_AUDIO_UPDATE_FRAMES (HOST_AUDIO_RATE / 60)

/* Opens FILE for the mix (host_audio_open must have been called with HOST_AUDIO_CALLER).
 * Returns 0, or -1 after an "error" event. */
int host_audio_out_open(const char *path);
/* After an update: mixes HOST_AUDIO_UPDATE_FRAMES frames and appends them to the file. A write
 * that fails gives one "sound-off" event and ends the writing. No-op when nothing is open. */
void host_audio_out_update(void);
/* Closes the file (if any). */
void host_audio_out_close(void);

#endif /* HOST_AUDIO_H */
