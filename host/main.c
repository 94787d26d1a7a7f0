/* main.c - the livehost host: parses the command line, opens the window, runs the frame loop,
 * and tears everything down in reverse order.
 *
 * One frame = poll input, look for a new game build, the fixed updates (1/60 s each) the clock
 * asks for (host_time.c: one, unless paused, slowed, sped up or rewinding), draw, present.
 * Owns only the loop: every resource belongs to the module that made it, and the game is only
 * ever reached through host_game.c. Exit code 0 for every clean end (frame count reached,
 * window closed, SIGINT, SIGTERM), 1 when the host cannot start or a --replay could not
 * play, 2 for a bad command line; a closed event log (its reader gone) is not an end.
 */
#include "host.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* Looks for a new build, with the overlay timing the look. */
static void check_game(void)
{
    host_overlay_check_begin();
    host_game_check();
    host_overlay_check_end();
}

/* Waits until the next 1/60 s tick. A host that fell far behind (a breakpoint, a slow load)
 * starts counting afresh instead of racing through the missed frames. While a new build is in
 * its pre-flight (about a millisecond), the wait goes in 1 ms steps that look again, so the
 * build runs from the next frame on instead of one frame later. */
static void pace(Uint64 *next_tick, Uint64 freq)
{
    const Uint64 period = freq / 60;
    *next_tick += period;
    Uint64 now = SDL_GetPerformanceCounter();
    if (now >= *next_tick) {
        if (now - *next_tick > period * 15)
            *next_tick = now;
        return;
    }
    while (host_game_is_checking() && now + freq / 500 < *next_tick) {
        SDL_Delay(1);
        check_game();
        now = SDL_GetPerformanceCounter();
    }
    Uint32 ms = now < *next_tick ? (Uint32)((*next_tick - now) * 1000 / freq) : 0;
    if (ms)
        SDL_Delay(ms);
}

int main(int argc, char **argv)
{
    host_args args;
    int parsed = host_args_parse(&args, argc, argv);
    if (parsed == HOST_ARGS_NEW)
        return host_new_project(args.new_dir, args.exe_path);
    if (parsed != HOST_ARGS_RUN)
        return parsed == HOST_ARGS_EXIT_OK ? 0 : 2;
    if (host_guard_install() != 0) {
        host_event("error", "reason=\"cannot install signal handlers: %s\"", strerror(errno));
        return 1;
    }
    /* Grace: how long the watchdog keeps trying to interrupt before it ends the process. */
    if (host_watchdog_start(args.watchdog_ms, 2000, args.stall_ms) != 0) {
        host_event("error", "reason=\"cannot start the watchdog thread\"");
        return 1;
    }
    host_video video;
    if (host_video_open(&video, &args) != 0) {
        host_video_close(&video);
        return 1;
    }
    if (args.script && host_script_open(args.script) != 0) {
        host_script_close();
        host_video_close(&video);
        return 2;
    }
    host_assets_open(video.renderer, args.assets_dir);
    /* Without a device (a sound-off event) the game still runs, in silence. */
    host_audio_open(host_assets_dir(), args.headless ? HOST_AUDIO_HEADLESS : HOST_AUDIO_DEVICE);
    host_assets_listen(host_audio_files_changed); /* saved sounds reload like images */
    host_files_open(".");
    host_draw_bind(video.renderer);
    host_overlay_open(&args); /* before the game: its first events may be problems */
    if (host_game_open(&args, video.renderer) != 0) {
        host_event("error", "reason=\"out of memory\"");
        host_audio_close();
        host_assets_close();
        host_video_close(&video);
        return 1;
    }
    host_time_open(&args);
    host_build_open(&args);

    /* A headless run with a frame count is a test or a render job: as fast as possible. */
    const int paced = !args.headless || args.frames == 0;
    const Uint64 freq = SDL_GetPerformanceFrequency();
    Uint64 next_tick = SDL_GetPerformanceCounter();
    game_input input = { 0 };
    uint64_t frame = 0;
    for (;;) {
        host_watchdog_frame();
        host_overlay_frame_begin();
        host_script_push(frame);
        unsigned actions = host_input_poll(&input);
        if ((actions & HOST_INPUT_QUIT) || host_guard_quit_requested())
            break;
        if (actions & HOST_INPUT_RESET) {
            host_audio_stop_all(); /* the fresh game holds no voice to stop them with */
            host_game_reset();
        }
        if (actions & HOST_INPUT_FORCE_RELOAD)
            host_game_force_reload();
        if (actions & HOST_INPUT_OVERLAY)
            host_overlay_toggle();
        host_build_poll();
        host_assets_poll();
        check_game();
        host_time_frame(actions, &input, frame); /* 0 to 4 updates, or a step back */
        host_game_render();
        host_overlay_render();
        if (host_guard_screenshot_requested()) /* kill -USR1: the picture now, play goes on */
            host_video_screenshot(&video, args.screenshot ? args.screenshot : "livehost.png");
        host_video_present(&video);
        if (!paced && host_game_is_checking())
            check_game();
        frame++;
        if (args.frames > 0 && frame >= (uint64_t)args.frames)
            break;
        if (paced)
            pace(&next_tick, freq);
    }

    if (args.screenshot) {
        /* Drawn again rather than kept: render does not change the state, so this is the
         * last frame, and a window's back buffer is undefined after a present. */
        host_game_render();
        host_overlay_render();
        host_video_screenshot(&video, args.screenshot);
    }
    const int replay_failed = host_record_replay_failed();
    host_build_close();
    host_time_close();
    host_game_close();
    host_audio_close();
    host_assets_close();
    host_script_close();
    host_overlay_close();
    host_video_close(&video);
    host_watchdog_stop();
    host_guard_uninstall();
    host_event("exit", "frames=%" PRIu64, frame);
    return replay_failed ? 1 : 0;
}
