#!/usr/bin/env bash
# test_host_audio.sh - what the host plays, heard through SDL's disk audio driver: the raw float
# stereo the mixer gives the device, written to a file ($B/tests/samples reads it). A test game
# (tests/games/sound.c) plays a square-wave tone on its 30th update: silence before it, the
# tone after it at its recorded level, two tones summed, pan putting it in one channel, a
# replay of a recording playing the same samples, a looped tone going on without a gap through
# a reload of the game and replaced by a saved file, and a missing file or no audio device at
# all: an event, silence, and a game that plays on. --audio-out writes the sound in update time
# instead (the same bytes at any speed), which shows to the frame what a rewind does to a
# looped sound: stopped when the update that started it is taken back, started again by it.
# Waits are for events and for the file to grow, never for a fixed time.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

SAMPLES=$OUT_DIR/tests/samples
# shellcheck disable=SC2054 # -Wl,-z,defs is one word: the commas are the linker's
GAME_FLAGS=(-g -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$ROOT/include")
TONE=12000 # frames of a 0.25 s tone at 48 kHz

# sound_game DIR [FLAGS...]: builds the test game into DIR/game.so (a temporary name, renamed).
sound_game() {
    local dir=$1
    shift
    mkdir -p "$dir/assets"
    "${CC:-cc}" "${GAME_FLAGS[@]}" "$ROOT/tests/games/sound.c" -o "$dir/game.so.tmp" "$@" \
        >"$dir/build.log" 2>&1 && mv -f "$dir/game.so.tmp" "$dir/game.so"
}

# tone WAV AMP [SECONDS]: a 1 kHz square wave, written beside WAV and renamed into place.
tone() { "$SAMPLES" tone "$1.tmp" 1000 "$2" "${3:-0.25}" && mv -f "$1.tmp" "$1"; }

# start_sound DIR LOG RAW [HOST ARGS...]: the host on DIR's game and assets, headless, its mix
# written to RAW by SDL's disk driver.
start_sound() {
    local dir=$1 log=$2 raw=$3
    shift 3
    SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE=$raw start_host "$log" --frames 0 --no-build \
        --game "$dir/game.so" --assets "$dir/assets" "$@"
    expect "no loaded event: $(tail -2 "$log")" wait_for "$log" '^livehost: loaded version=1 '
}

frames() { "$SAMPLES" "$1" info 2>/dev/null | awk '{ print $1 }'; }
onset() { "$SAMPLES" "$1" info 2>/dev/null | awk '{ print $2 }'; }

# wait_frames RAW N: until the file holds N frames (the disk driver writes in real time).
wait_frames() {
    local i n
    for ((i = 0; i < 600; i++)); do
        n=$(frames "$1")
        [ -n "$n" ] && [ "$n" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

# wait_onset RAW AFTER: until the file holds a sound and AFTER frames past its start; ONSET.
wait_onset() {
    local i
    for ((i = 0; i < 600; i++)); do
        ONSET=$(onset "$1")
        [ -n "$ONSET" ] && [ "$ONSET" -ge 0 ] && wait_frames "$1" $((ONSET + $2)) && return 0
        sleep 0.05
    done
    return 1
}

peak() { "$SAMPLES" "$1" peak "$2" "$3"; }
least() { "$SAMPLES" "$1" least "$2" "$3"; }

# play_once NAME [FLAGS...]: the game (built with FLAGS) plays its tone(s) once; RAW holds the
# mix from the start to well after the tone, ONSET where the tone begins.
play_once() {
    local name=$1
    shift
    DIR=$TMP/$name LOG=$TMP/$name.log RAW=$TMP/$name.raw
    expect "could not build the game: $(cat "$DIR/build.log" 2>/dev/null)" sound_game "$DIR" "$@" || return 1
    tone "$DIR/assets/a.wav" 0.5
    tone "$DIR/assets/b.wav" 0.25
    start_sound "$DIR" "$LOG" "$RAW" || return 1
    expect "the game did not play: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: log text="played at tick=30"$' || return 1
    expect "no sound in the mix: $("$SAMPLES" "$RAW" info)" wait_onset "$RAW" $((TONE + 4800)) || return 1
    stop_host TERM
    expect "exit code $HOST_RC, want 0: $(tail -2 "$LOG")" [ "$HOST_RC" -eq 0 ]
}

silence_then_the_tone() {
    play_once once || return
    expect "no silence before the tone (it starts at frame $ONSET)" [ "$ONSET" -gt 0 ]
    expect "the tone is not at its recorded 0.5 in both channels: $(peak "$RAW" "$ONSET" $TONE)" \
        [ "$(peak "$RAW" "$ONSET" $TONE)" = "0.5 0.5" ]
    expect "the tone has gaps: $(least "$RAW" "$ONSET" $TONE)" [ "$(least "$RAW" "$ONSET" $TONE)" = "0.5 0.5" ]
    expect "sound after the tone's end: $(peak "$RAW" $((ONSET + TONE)) 4800)" \
        [ "$(peak "$RAW" $((ONSET + TONE)) 4800)" = "0 0" ]
    expect "sound-off with the disk driver" not grep -q '^livehost: sound-off' "$LOG"
}

# a.wav at 0.5 and b.wav at 0.25, same phase, same update: 0.75.
two_tones_sum() {
    play_once two -DTWO || return
    expect "the two tones do not sum to 0.75: $(peak "$RAW" "$ONSET" $TONE)" \
        [ "$(peak "$RAW" "$ONSET" $TONE)" = "0.75 0.75" ]
    expect "the sum has gaps: $(least "$RAW" "$ONSET" $TONE)" [ "$(least "$RAW" "$ONSET" $TONE)" = "0.75 0.75" ]
}

pan_right() {
    play_once pan -DPAN=1.0f || return
    expect "pan 1 is not the right channel alone: $(peak "$RAW" "$ONSET" $TONE)" \
        [ "$(peak "$RAW" "$ONSET" $TONE)" = "0 0.5" ]
}

# Recorded from update 5 to 60 (the tone at 30), then replayed from the file: the same tone at
# the same update, the same samples.
replay_plays_the_same_samples() {
    local dir=$TMP/rec script=$TMP/rec.script
    expect "could not build the game" sound_game "$dir" || return
    tone "$dir/assets/a.wav" 0.5
    printf '%s\n' '5 key F2' '60 key F2' >"$script"
    start_sound "$dir" "$TMP/rec.log" "$TMP/rec.raw" --record "$TMP/rec.rec" --script "$script" || return
    expect "no recording: $(tail -2 "$TMP/rec.log")" wait_for "$TMP/rec.log" '^livehost: record-saved ' || return
    expect "no sound while recording" wait_onset "$TMP/rec.raw" $TONE || return
    stop_host TERM
    start_sound "$dir" "$TMP/replay.log" "$TMP/replay.raw" --replay "$TMP/rec.rec" || return
    expect "the replay did not play the tone: $(tail -2 "$TMP/replay.log")" \
        wait_for "$TMP/replay.log" '^livehost: log text="played at tick=30"$' || return
    expect "no sound in the replay" wait_onset "$TMP/replay.raw" $TONE || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the replay's samples differ: $("$SAMPLES" "$TMP/rec.raw" same "$TMP/replay.raw" $TONE 2>&1)" \
        "$SAMPLES" "$TMP/rec.raw" same "$TMP/replay.raw" $TONE
    expect "silent comparison" [ "$(peak "$TMP/replay.raw" "$(onset "$TMP/replay.raw")" $TONE)" = "0.5 0.5" ]
}

# A looped tone plays on without a gap while a new build of the game loads, then a saved
# a.wav (0.25) replaces it under the same voice.
loop_survives_reload_and_save() {
    local dir=$TMP/loop log=$TMP/loop.log raw=$TMP/loop.raw at
    expect "could not build the game" sound_game "$dir" -DLOOP || return
    tone "$dir/assets/a.wav" 0.5
    start_sound "$dir" "$log" "$raw" || return
    expect "no looped tone" wait_onset "$raw" 24000 || return
    expect "could not rebuild the game" sound_game "$dir" -DLOOP -DBUILD=2 || return
    expect "no reload: $(tail -2 "$log")" wait_for "$log" '^livehost: log text="reload build=2"$' || return
    at=$(frames "$raw")
    expect "the file stopped growing" wait_frames "$raw" $((at + 48000)) || return
    expect "the loop broke across the reload: $(least "$raw" "$ONSET" $((at + 48000 - ONSET)))" \
        [ "$(least "$raw" "$ONSET" $((at + 48000 - ONSET)))" = "0.5 0.5" ]
    tone "$dir/assets/a.wav" 0.25 0.1
    expect "no asset-reloaded: $(tail -2 "$log")" wait_for "$log" '^livehost: asset-reloaded name=a.wav ms=' || return
    at=$(frames "$raw")
    expect "the file stopped growing" wait_frames "$raw" $((at + 2048 + 24000)) || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "the saved a.wav (0.25) does not play: $(least "$raw" $((at + 2048)) 24000) to $(peak "$raw" $((at + 2048)) 24000)" \
        [ "$(least "$raw" $((at + 2048)) 24000) $(peak "$raw" $((at + 2048)) 24000)" = "0.25 0.25 0.25 0.25" ]
}

# No a.wav: an asset-missing event, silence, and the game goes on to the end.
missing_file_is_silent() {
    local dir=$TMP/missing log=$TMP/missing.log raw=$TMP/missing.raw
    expect "could not build the game" sound_game "$dir" || return
    start_sound "$dir" "$log" "$raw" || return
    expect "no asset-missing event: $(tail -2 "$log")" \
        wait_for "$log" '^livehost: asset-missing name=a.wav reason="cannot open .*a.wav: No such file' || return
    expect "the game did not go on" wait_for "$log" '^livehost: log text="played at tick=30"$' || return
    expect "the file stopped growing" wait_frames "$raw" 48000 || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "sound from a missing file: onset $(onset "$raw")" [ "$(onset "$raw")" = -1 ]
}

# No driver that works: one sound-off event, the game plays on in silence. Headless without
# SDL_AUDIODRIVER: SDL's dummy driver, no event and nothing but event lines on stderr.
no_device() {
    local dir=$TMP/nodev log=$TMP/nodev.log
    expect "could not build the game" sound_game "$dir" || return
    tone "$dir/assets/a.wav" 0.5
    SDL_AUDIODRIVER=no-such-driver timeout "$LIMIT" "$HOST" --headless --frames 60 --no-build \
        --game "$dir/game.so" --assets "$dir/assets" 2>"$log"
    local rc=$?
    expect "exit code $rc, want 0: $(tail -2 "$log")" [ "$rc" -eq 0 ]
    expect "want one sound-off event: $(grep sound-off "$log")" \
        [ "$(grep -c '^livehost: sound-off reason="cannot start SDL audio' "$log")" -eq 1 ]
    expect "the game did not play on" grep -q '^livehost: log text="played at tick=30"$' "$log"
    env -u SDL_AUDIODRIVER timeout "$LIMIT" "$HOST" --headless --frames 60 --no-build \
        --game "$dir/game.so" --assets "$dir/assets" 2>"$log"
    rc=$?
    expect "headless: exit code $rc, want 0" [ "$rc" -eq 0 ]
    expect "headless: a sound-off event" not grep -q 'sound-off' "$log"
    expect "headless: lines that are not events: $(grep -v '^livehost: ' "$log" | head -2)" \
        not grep -qv '^livehost: ' "$log"
}

# --audio-out writes the sound in update time: 800 frames (1/60 s) after each update, so the
# tone of update 30 starts at frame 29 * 800 and 60 updates write 48000 frames, the same bytes
# headless as fast as it can and in a window at 30 fps (two updates a frame).
audio_out_is_in_update_time() {
    local dir=$TMP/out
    expect "could not build the game" sound_game "$dir" || return
    tone "$dir/assets/a.wav" 0.5
    timeout "$LIMIT" "$HOST" --headless --frames 60 --no-build --game "$dir/game.so" \
        --assets "$dir/assets" --audio-out "$dir/fast.raw" 2>"$dir/fast.log"
    expect "exit code $?: $(tail -2 "$dir/fast.log")" grep -q '^livehost: exit ' "$dir/fast.log" || return
    expect "60 updates wrote $(frames "$dir/fast.raw") frames, want 48000" [ "$(frames "$dir/fast.raw")" = 48000 ]
    expect "the tone of update 30 starts at $("$SAMPLES" "$dir/fast.raw" starts 480 | tr '\n' ' '), want 23200" \
        [ "$("$SAMPLES" "$dir/fast.raw" starts 480)" = 23200 ] || return
    expect "the tone is not at its 0.5: $(least "$dir/fast.raw" 23200 $TONE) to $(peak "$dir/fast.raw" 23200 $TONE)" \
        [ "$(least "$dir/fast.raw" 23200 $TONE) $(peak "$dir/fast.raw" 23200 $TONE)" = "0.5 0.5 0.5 0.5" ]
    SDL_VIDEODRIVER=dummy timeout "$LIMIT" "$HOST" --frames 30 --fps 30 --no-build --game "$dir/game.so" \
        --assets "$dir/assets" --audio-out "$dir/paced.raw" 2>"$dir/paced.log"
    expect "a window at 30 fps: $(tail -2 "$dir/paced.log")" grep -q '^livehost: start .*video=window.* fps=30 ' "$dir/paced.log"
    expect "a window at 30 fps wrote other bytes than a headless run" cmp -s "$dir/fast.raw" "$dir/paced.raw"
    expect "--audio-out opened a device: $(grep sound-off "$dir/paced.log")" not grep -q sound-off "$dir/paced.log"
}

# Rewind and sound, in update time (--audio-out): a looped tone starts at update 30; F12 held
# from frame 60 to 100 takes 40 updates back, past the one that started it, so it stops (the
# state holds its handle no more: left playing, nothing could ever stop it); while rewinding no
# update runs, so nothing new plays and nothing is written; played on, update 30 comes again
# after 10 updates and starts it again: one voice, at its 0.5, not two summed.
# In the file: the tone from update 30 to 60 (frames 23200..48000), silence for the 9 updates
# after the rewind, the tone again from frame (60 + 9) * 800 = 55200 to the end (80 updates).
rewind_stops_and_replays_sounds() {
    local dir=$TMP/rewind log=$TMP/rewind.log raw=$TMP/rewind.raw
    expect "could not build the game" sound_game "$dir" -DLOOP || return
    tone "$dir/assets/a.wav" 0.5
    printf '%s\n' '60 down F12' '100 up F12' >"$TMP/rewind.script"
    timeout "$LIMIT" "$HOST" --headless --frames 120 --no-build --game "$dir/game.so" \
        --assets "$dir/assets" --script "$TMP/rewind.script" --audio-out "$raw" 2>"$log"
    expect "exit code $?: $(tail -2 "$log")" grep -q '^livehost: exit ' "$log" || return
    expect "the rewind did not take 40 updates back: $(grep rewind "$log")" \
        grep -q '^livehost: rewind state=stopped steps=40 ' "$log" || return
    expect "update 30 did not play twice: $(grep 'log text' "$log")" \
        [ "$(grep -c '^livehost: log text="played at tick=30"$' "$log")" = 2 ] || return
    expect "$(frames "$raw") frames for 80 updates, want 64000" [ "$(frames "$raw")" = 64000 ] || return
    expect "the tone starts at $("$SAMPLES" "$raw" starts 480 | tr '\n' ' '), want at 23200 and 55200" \
        [ "$("$SAMPLES" "$raw" starts 480 | tr '\n' ' ')" = "23200 55200 " ] || return
    expect "the first tone is not at 0.5: $(least "$raw" 23200 24800) to $(peak "$raw" 23200 24800)" \
        [ "$(least "$raw" 23200 24800) $(peak "$raw" 23200 24800)" = "0.5 0.5 0.5 0.5" ]
    expect "the tone plays on after the rewind took its update back: $(peak "$raw" 48000 7200)" \
        [ "$(peak "$raw" 48000 7200)" = "0 0" ]
    expect "after the rewind the tone is not one voice at 0.5: $(least "$raw" 55200 8800) to $(peak "$raw" 55200 8800)" \
        [ "$(least "$raw" 55200 8800) $(peak "$raw" 55200 8800)" = "0.5 0.5 0.5 0.5" ]
}

for c in ${CASES:-silence_then_the_tone two_tones_sum pan_right replay_plays_the_same_samples \
    loop_survives_reload_and_save missing_file_is_silent no_device audio_out_is_in_update_time \
    rewind_stops_and_replays_sounds}; do
    run_case "$c"
done
