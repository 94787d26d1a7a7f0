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
#include "game_api.h"
#include "host_args.h"
#include "host_assets.h"
#include "host_audio.h"
#include "host_build.h"
#include "host_clock.h"
#include "host_draw.h"
#include "host_event.h"
#include "host_files.h"
#include "host_font.h"
#include "host_game.h"
#include "host_guard.h"
#include "host_input.h"
#include "host_inspect.h"
#include "host_new.h"
#include "host_os.h"
#include "host_overlay.h"
#include "host_record.h"
#include "host_script.h"
#include "host_state_file.h"
#include "host_time.h"
#include "host_video.h"
#include "host_watchdog.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* Looks for a new build, with the overlay timing the look. Returns 1 when one was loaded. */
static int check_game(void)
{
    host_overlay_check_begin();
    const int loaded = host_game_check();
    host_overlay_check_end();
    return loaded;
}

/* Waits until the next frame's tick (1/fps s). A host that fell far behind (a breakpoint, a slow
 * load) starts counting afresh instead of racing through the missed frames.
 * The wait is where a save turns into pixels, so it does not sleep through one: it wakes for the
 * host's build (a save, the build's output, its library landing, its end: host_build_wait),
 * looks for the new library as soon as it is in place, and goes in 1 ms steps that look again
 * while a new build is in its pre-flight (about a millisecond). A build that loads during the
 * wait is drawn at once: the frame clock starts again from now, instead of holding the new
 * code's first frame back until the tick. */
static void pace(uint64_t *next_tick_ns, int fps)
{
    const uint64_t period = 1000000000u / (uint64_t)fps, ms = 1000000u;
    *next_tick_ns += period;
    uint64_t now = host_now_ns();
    if (now >= *next_tick_ns) {
        if (now - *next_tick_ns > period * 15)
            *next_tick_ns = now;
        return;
    }
    for (;;) {
        int wait = (int)((*next_tick_ns - now) / ms);
        if (wait <= 0)
            return;
        const int woken = host_build_wait(host_game_is_checking() ? 1 : wait);
        const int landed = woken && host_build_poll();
        if ((landed || host_game_is_checking()) && check_game()) {
            *next_tick_ns = host_now_ns();
            return;
        }
        now = host_now_ns();
        if (now >= *next_tick_ns)
            return;
    }
}

/* The build at start (host_build.c) runs before the game is opened, so that a library older
 * than its sources never runs: the window shows that it builds and stays responsive. Returns 1
 * when the user quit meanwhile. */
static int wait_for_first_build(const host_args *args, host_video *video)
{
    game_input input = { 0 };
    while (host_build_is_running()) {
        host_frame_clock_tick();
        host_watchdog_frame();
        host_overlay_frame_begin();
        unsigned actions = host_input_poll(&input);
        if ((actions & HOST_INPUT_QUIT) || host_guard_quit_requested())
            return 1;
        if (actions & HOST_INPUT_OVERLAY)
            host_overlay_toggle();
        host_build_poll();
        host_draw_message(args->width, args->height, 0x202630ffu,
                          "building the game:", args->build_cmd);
        host_overlay_render();
        host_video_present(video);
        host_build_wait(10); /* wakes when the build ends */
    }
    return 0;
}

/* The video the game's window settings apply to (main's, for apply_game_window). */
static host_video *game_video;
static const host_args *game_args;
static int follow_window; /* GAME_SCALE_NONE: the drawing area is the window's size */

/* The game's first load asks for its window: resize, retitle, and hand every module the
 * renderer and drawing area that came of it. */
static void apply_game_window(const game_window *want)
{
    if (!host_video_apply(game_video, want, game_args))
        return;
    int w = game_video->width, h = game_video->height;
    follow_window = want->scale == GAME_SCALE_NONE;
    if (follow_window)
        host_video_output_size(game_video, &w, &h);
    host_draw_bind(game_video->renderer);
    host_assets_set_renderer(game_video->renderer);
    host_font_set_renderer(game_video->renderer);
    host_overlay_resize(w, h);
    host_game_set_view(game_video->renderer, w, h);
}

int main(int argc, char **argv)
{
    host_os_claim_std_descriptors();
    host_args args;
    int parsed = host_args_parse(&args, argc, argv);
    if (parsed == HOST_ARGS_NEW)
        return host_new_project(args.new_dir, args.exe_path, host_new_template_find(args.new_tpl));
    if (parsed != HOST_ARGS_RUN)
        return parsed == HOST_ARGS_EXIT_OK ? 0 : 2;
    char why[300];
    if (host_input_bind(&args, why, sizeof why) != 0) {
        host_event(ERROR, HOST_TEXT("reason", why));
        return 2;
    }
    /* What was opened is closed in reverse order, by the labels at the end; rc is the exit code
     * of a host that could not start. */
    int rc = 1, ran = 0;
    uint64_t frame = 0;
    host_video video = { 0 };
    if (host_guard_install() != 0) {
        snprintf(why, sizeof why, "cannot install signal handlers: %s", strerror(errno));
        host_event(ERROR, HOST_TEXT("reason", why));
        return 1;
    }
    host_watchdog_on_stuck(host_state_save_stuck); /* a stuck exit still writes --save-state */
    /* Grace: how long the watchdog keeps trying to interrupt before it ends the process. */
    if (host_watchdog_start(args.watchdog_ms, 2000, args.stall_ms) != 0) {
        host_event(ERROR, HOST_TEXT("reason", "cannot start the watchdog thread"));
        goto out_guard;
    }
    if (host_video_open(&video, &args) != 0)
        goto out_video;
    host_input_open();
    if (args.script && host_script_open(args.script) != 0) {
        rc = 2;
        goto out_input;
    }
    host_assets_open(video.renderer, args.assets_dir);
    host_font_open(video.renderer);
    /* Without a device (a sound-off event) the game still runs, in silence. --audio-out
     * takes no device: the mix goes to the file, in update time. */
    host_audio_open(host_assets_dir(), args.audio_out  ? HOST_AUDIO_CALLER
                                       : args.headless ? HOST_AUDIO_HEADLESS
                                                       : HOST_AUDIO_DEVICE);
    if (args.audio_out && host_audio_out_open(args.audio_out) != 0)
        goto out_media;
    host_assets_listen(host_audio_files_changed); /* saved sounds reload like images */
    host_files_open(args.project_dir);
    host_draw_bind(video.renderer);
    host_overlay_open(&args); /* before the game: its first events may be problems */
    host_event_listen(host_overlay_on_event);
    host_build_open(&args);
    const int quit = wait_for_first_build(&args, &video);
    game_video = &video;
    game_args = &args;
    host_game_on_window(apply_game_window);
    /* Opened like a check, so that the overlay's timeline shows the build at start. */
    host_overlay_check_begin();
    const int game_opened = host_game_open(&args, video.renderer);
    host_overlay_check_end();
    if (game_opened != 0) {
        host_event(ERROR, HOST_TEXT("reason", "out of memory"));
        goto out_game;
    }
    host_time_open(&args, video.fps);

    /* A headless run with a frame count is a test or a render job: as fast as possible. */
    const int paced = (!args.headless || args.frames == 0) && !video.vsync; /* else present waits */
    uint64_t next_tick = host_now_ns();
    game_input input = { 0 };
    uint64_t counted = 0;
    int started = 0; /* --frames counts from here: the game ran, or nothing more is coming */
    while (!quit) {
        host_frame_clock_tick(); /* the one read of the fine clock an idle frame makes */
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
        if (actions & HOST_INPUT_FULLSCREEN)
            host_video_toggle_fullscreen(&video);
        if (actions & HOST_INPUT_INSPECT)
            host_inspect_panel_toggle();
        if ((actions & HOST_INPUT_RESIZED) && follow_window) {
            int w, h;
            host_video_output_size(&video, &w, &h);
            host_overlay_resize(w, h);
            host_game_set_view(video.renderer, w, h);
        }
        host_build_poll();
        host_assets_poll();
        check_game();
        host_time_frame(actions, &input, frame); /* 0 to 4 updates, or a step back */
        host_game_render();
        host_inspect_panel_render(video.width, video.height);
        host_overlay_render();
        if (host_guard_screenshot_requested()) /* kill -USR1: the picture now, play goes on */
            host_video_screenshot(&video, args.screenshot ? args.screenshot : "livehost.png");
        host_video_present(&video);
        if (!paced && host_game_is_checking())
            check_game();
        frame++;
        /* --frames counts frames the game ran: a first build still in its pre-flight is
         * waited for; a failed one, or none to wait for, counts the waiting screen. */
        started |= host_game_is_running() || !(host_game_is_checking() || host_build_is_running());
        counted += started;
        if (args.frames > 0 && counted >= (uint64_t)args.frames)
            break;
        if (paced)
            pace(&next_tick, video.fps);
    }

    if (args.screenshot) {
        /* Drawn again rather than kept: render does not change the state, so this is the
         * last frame, and a window's back buffer is undefined after a present. */
        host_game_render();
        host_inspect_panel_render(video.width, video.height);
        host_overlay_render();
        host_video_screenshot(&video, args.screenshot);
    }
    rc = host_record_replay_failed() ? 1 : 0;
    ran = 1;
    host_time_close();
out_game:
    host_game_close(); /* also after a failed open: it may have set up part of the game */
    host_build_close();
    host_event_unlisten(host_overlay_on_event);
    host_overlay_close();
    host_audio_out_close();
out_media:
    host_audio_close();
    host_font_close();
    host_assets_close();
out_input:
    host_script_close();
    host_input_close();
out_video:
    host_video_close(&video);
    host_watchdog_stop();
out_guard:
    host_guard_uninstall();
    if (ran)
        host_event(EXIT, HOST_UINT("frames", frame));
    return rc;
}
