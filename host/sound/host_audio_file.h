/* host_audio_file.h - sound files (WAV, OGG) read and decoded for the mixer (host_audio_file.c).
 */
#ifndef HOST_AUDIO_FILE_H
#define HOST_AUDIO_FILE_H

#include <stddef.h>
#include <stdint.h>

/* A whole sound: frames of float stereo at HOST_AUDIO_RATE, interleaved, malloc'ed. */
typedef struct host_audio_data {
    float *samples; /* frames * 2 floats; NULL when frames is 0 */
    uint32_t frames;
} host_audio_data;

/* A music file being played: an OGG decoded a little at a time, or a WAV decoded whole. */
typedef struct host_audio_stream {
    struct stb_vorbis *vorbis; /* the OGG's decoder, NULL for a WAV */
    unsigned char *bytes;      /* the OGG file, which the decoder reads */
    void *arena;               /* the decoder's memory */
    host_audio_data data;      /* the WAV's samples */
    int rate, channels;        /* of what host_audio_stream_frame reads (WAV: HOST_AUDIO_RATE) */
    float **planes;            /* the decoder's last frame, one array per channel */
    uint32_t at, have;         /* the next sample of planes and how many it holds (WAV: of data) */
} host_audio_stream;

/* Reads and decodes a WAV or OGG file (told by its first bytes) into out. Returns 0, or -1 with
 * the reason in why: missing, empty, truncated, not WAV or OGG, undecodable. */
int host_audio_file_load(const char *path, host_audio_data *out, char *why, size_t why_size);
/* Opens a WAV or OGG file for host_audio_stream_frame. 0, or -1 with the reason in why. */
int host_audio_file_open_stream(const char *path, host_audio_stream *out, char *why,
                                size_t why_size);
void host_audio_file_close_stream(host_audio_stream *stream);
/* The stream's next frame (left, right; a mono file gives the same to both), from its start
 * again after its end. Returns 0 when it has nothing to play. Allocates nothing: the audio
 * thread calls it. */
int host_audio_stream_frame(host_audio_stream *stream, float frame[2]);

#endif /* HOST_AUDIO_FILE_H */
