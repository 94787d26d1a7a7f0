/* host_record.h - recording and looped playback: F2, F3, --record, --replay (host_record.c).
 */
#ifndef HOST_RECORD_H
#define HOST_RECORD_H

#include "game_api.h"
#include "host_args.h"

/* Remembers --record and loads --replay (played once the game runs). Returns 0, or -1 after a
 * "record-refused" event (the host then plays live). */
int host_record_open(const host_args *args);
/* F2: start recording (snapshot now), or stop and loop what was recorded. */
void host_record_toggle(void);
/* Leaves the loop or drops the recording (F3, F5, rewind); reason goes into the event. */
void host_record_live(const char *reason);
/* The input the next update gets: live (recorded while recording) or the loop's next one
 * (putting the snapshot back first when the loop starts over). Valid until the next call. */
const game_input *host_record_input(const game_input *live);
/* 1 when --replay was given and its recording could not play (a bad file, or a layout the
 * game's migrate does not take): a regression run that did not run must not pass. */
int host_record_replay_failed(void);
/* Writes a recording still due to --record, frees everything. */
void host_record_close(void);

#endif /* HOST_RECORD_H */
