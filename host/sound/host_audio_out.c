/* host_audio_out.c - --audio-out FILE: the game's sound written to a file in update time.
 *
 * An audio device plays in real time: a sound starts at the device's next buffer after the
 * update that asked for it, so two sounds k updates apart are k/60 s apart give or take a
 * buffer, and a run never writes quite the same bytes twice. Here there is no device (the
 * mixer runs in HOST_AUDIO_CALLER mode): after each update the next 1/60 s of the mix,
 * HOST_AUDIO_UPDATE_FRAMES frames, is appended to the file, so a sound started by update n
 * begins at frame n * HOST_AUDIO_UPDATE_FRAMES, and the same updates write the same bytes on
 * any machine, at any frame rate, headless or not. A paused or rewinding game runs no update
 * and writes nothing. The format is SDL's disk driver's: raw float stereo at 48 kHz.
 *
 * Owns the file and one update's buffer; never calls game code.
 */
#include "host_audio.h"
#include "host_event.h"

#include <errno.h>
#include <string.h>

static struct {
    FILE *file;
    float mix[HOST_AUDIO_UPDATE_FRAMES * 2];
} out;

int host_audio_out_open(const char *path)
{
    char word[600], why[600];
    out.file = fopen(path, "wb");
    if (out.file)
        return 0;
    snprintf(why, sizeof why, "--audio-out %s: %s", host_event_word(word, sizeof word, path),
             strerror(errno));
    host_event(ERROR, HOST_TEXT("reason", why));
    return -1;
}

void host_audio_out_update(void)
{
    if (!out.file)
        return;
    host_audio_mix(out.mix, HOST_AUDIO_UPDATE_FRAMES);
    /* Flushed each time: a reader of the file while the game runs sees whole updates. */
    if (fwrite(out.mix, sizeof out.mix, 1, out.file) == 1 && fflush(out.file) == 0)
        return;
    char why[300];
    snprintf(why, sizeof why, "cannot write --audio-out: %s", strerror(errno));
    host_event(SOUND_OFF, HOST_TEXT("reason", why));
    fclose(out.file);
    out.file = NULL;
}

void host_audio_out_close(void)
{
    if (out.file)
        fclose(out.file);
    out.file = NULL;
}
