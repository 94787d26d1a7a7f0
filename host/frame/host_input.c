/* host_input.c - turns SDL's events into one game_input per frame: keys, mouse and wheel,
 * typed text, window focus and size, and up to GAME_PAD_COUNT gamepads.
 * Owns the open SDL game controllers (opened when plugged in, closed when pulled out or at
 * close) and the table of the host's own keys; the input itself lives in main's frame loop.
 * Keys the host keeps for itself (F1-F12, or what --key moved them to) are reported as
 * HOST_INPUT_* bits and still appear in game_input.keys. Key state comes from the key events,
 * not SDL_GetKeyboardState, so events pushed by --script count like real ones; pads are read
 * from their controllers each frame, so a --script's virtual pad counts too.
 * SDL's joystick update (the pads' state, and a look for new ones: two poll() calls of its
 * hotplug monitors) runs here, once per frame before the events are read, while any pad is
 * plugged in; with none, it is only that look, made as often as host_look.c allows.
 */
#include "host_input.h"
#include "game_api.h"
#include "host_args.h"
#include "host_event.h"
#include "host_inspect.h"
#include "host_look.h"

#include <SDL.h>
#include <stdio.h>
#include <string.h>

/* The gamepads, by slot (game_input.pads index): the first free slot takes a new pad. */
static struct {
    SDL_GameController *pads[GAME_PAD_COUNT];
    int focused; /* the window has the keyboard focus (headless: always) */
    int opened;
    uint64_t last_look_ns; /* SDL's last joystick update with no pad plugged in */
} input;

int host_input_open(void)
{
    input.focused = 1;
    /* SDL_PollEvent would update the joysticks at every call: host_input_poll does it. */
    SDL_SetHint(SDL_HINT_AUTO_UPDATE_JOYSTICKS, "0");
    input.opened = SDL_InitSubSystem(SDL_INIT_GAMECONTROLLER) == 0;
    if (!input.opened) {
        host_event(PADS_OFF, HOST_TEXT("reason", SDL_GetError()));
    }
    return input.opened ? 0 : -1;
}

void host_input_close(void)
{
    for (int i = 0; i < GAME_PAD_COUNT; i++)
        if (input.pads[i])
            SDL_GameControllerClose(input.pads[i]);
    if (input.opened)
        SDL_QuitSubSystem(SDL_INIT_GAMECONTROLLER);
    memset(&input, 0, sizeof input);
}

static void pad_added(int device_index)
{
    for (int i = 0; i < GAME_PAD_COUNT; i++) {
        if (input.pads[i])
            continue;
        input.pads[i] = SDL_GameControllerOpen(device_index);
        if (input.pads[i]) {
            const char *name = SDL_GameControllerName(input.pads[i]);
            host_event(PAD_ADDED, HOST_INT("slot", i), HOST_TEXT("name", name ? name : "?"));
        }
        return;
    }
}

static void pad_removed(SDL_JoystickID id)
{
    for (int i = 0; i < GAME_PAD_COUNT; i++) {
        SDL_Joystick *j = input.pads[i] ? SDL_GameControllerGetJoystick(input.pads[i]) : NULL;
        if (j && SDL_JoystickInstanceID(j) == id) {
            SDL_GameControllerClose(input.pads[i]);
            input.pads[i] = NULL;
            host_event(PAD_REMOVED, HOST_INT("slot", i));
        }
    }
}

/* The buttons game_pad.buttons has bits for (GAME_PAD_A .. GAME_PAD_RIGHT): SDL's first 15. */
#define GAME_PAD_BUTTON_COUNT 15

/* SDL's axis range -32768..32767 as -1..1 (triggers 0..1). */
static float axis_value(Sint16 v)
{
    return v < 0 ? (float)v / 32768.0f : (float)v / 32767.0f;
}

static void read_pads(game_input *in)
{
    for (int i = 0; i < GAME_PAD_COUNT; i++) {
        game_pad *p = &in->pads[i];
        SDL_GameController *c = input.pads[i];
        if (!c && !p->connected)
            continue; /* an empty slot, cleared when its pad went: nothing else writes it */
        uint32_t buttons = 0;
        if (c)
            for (int b = 0; b < GAME_PAD_BUTTON_COUNT; b++)
                if (SDL_GameControllerGetButton(c, (SDL_GameControllerButton)b))
                    buttons |= 1u << b;
        p->connected = c != NULL;
        p->pressed = buttons & ~p->buttons;
        p->buttons = buttons;
        for (int a = 0; a < GAME_AXIS_COUNT; a++)
            p->axes[a] =
                c ? axis_value(SDL_GameControllerGetAxis(c, (SDL_GameControllerAxis)a)) : 0.0f;
    }
}

/* Appends UTF-8 text to the frame's text, whole characters only. */
static void add_text(game_input *in, const char *text)
{
    size_t have = strlen(in->text), add = strlen(text);
    if (have + add >= GAME_TEXT_SIZE)
        return; /* more than a frame can hold: dropped whole rather than cut mid-character */
    memcpy(in->text + have, text, add + 1);
}

/* The keys the host keeps for itself, pressed once (no key repeat) per action; rewind acts
 * while its key is held. A key marked alt acts only while Alt is held (Alt+Return) and is the
 * host's alone: the game sees no Return. --key ACTION=KEY moves them (host_input_bind). */
static struct {
    const char *name; /* the ACTION of --key */
    SDL_Scancode key;
    unsigned action;
    int alt; /* 1: only with Alt held */
} host_keys[] = {
    { "overlay", SDL_SCANCODE_F1, HOST_INPUT_OVERLAY, 0 },
    { "record", SDL_SCANCODE_F2, HOST_INPUT_RECORD, 0 },
    { "live", SDL_SCANCODE_F3, HOST_INPUT_LIVE, 0 },
    { "save", SDL_SCANCODE_F4, HOST_INPUT_SAVE_STATE, 0 },
    { "restart", SDL_SCANCODE_F5, HOST_INPUT_RESET, 0 },
    { "reload", SDL_SCANCODE_F6, HOST_INPUT_FORCE_RELOAD, 0 },
    { "pause", SDL_SCANCODE_F7, HOST_INPUT_PAUSE, 0 },
    { "step", SDL_SCANCODE_F8, HOST_INPUT_STEP, 0 },
    { "load", SDL_SCANCODE_F9, HOST_INPUT_LOAD_STATE, 0 },
    { "slower", SDL_SCANCODE_F10, HOST_INPUT_SLOWER, 0 },
    { "faster", SDL_SCANCODE_F11, HOST_INPUT_FASTER, 0 },
    { "rewind", SDL_SCANCODE_F12, HOST_INPUT_REWIND, 0 },
    { "fullscreen", SDL_SCANCODE_RETURN, HOST_INPUT_FULLSCREEN, 1 },
    { "inspect", SDL_SCANCODE_GRAVE, HOST_INPUT_INSPECT, 0 },
};
enum {
    HOST_KEY_COUNT = sizeof host_keys / sizeof host_keys[0]
};

/* Alt is held: from the key events, like every key, so a --script's "down LAlt" counts. */
static int alt_held(const game_input *in)
{
    return in->keys[SDL_SCANCODE_LALT] || in->keys[SDL_SCANCODE_RALT];
}

/* The host key that key (with Alt held or not) presses, or -1. An Alt combination wins over
 * the same key alone. */
static int host_key_index(SDL_Scancode key, int alt)
{
    int found = -1;
    for (int i = 0; i < (int)HOST_KEY_COUNT; i++)
        if (host_keys[i].key == key && host_keys[i].action != HOST_INPUT_REWIND &&
            (alt || !host_keys[i].alt) && (found < 0 || host_keys[i].alt))
            found = i;
    return found;
}

static SDL_Scancode key_of(unsigned action)
{
    for (size_t i = 0; i < HOST_KEY_COUNT; i++)
        if (host_keys[i].action == action)
            return host_keys[i].key;
    return SDL_SCANCODE_UNKNOWN;
}

int host_input_bind(const host_args *args, char *why, size_t size)
{
    for (int k = 0; k < args->key_count; k++) {
        const char *spec = args->keys[k], *eq = strchr(spec, '=');
        size_t i = 0;
        while (eq && i < HOST_KEY_COUNT &&
               (strlen(host_keys[i].name) != (size_t)(eq - spec) ||
                strncmp(host_keys[i].name, spec, (size_t)(eq - spec)) != 0))
            i++;
        if (!eq || i == HOST_KEY_COUNT) {
            snprintf(why, size,
                     "--key %s: want ACTION=KEY, ACTION one of overlay record live save restart "
                     "reload pause step load slower faster rewind fullscreen inspect",
                     spec);
            return -1;
        }
        const char *name = eq + 1;
        const int alt = SDL_strncasecmp(name, "Alt+", 4) == 0;
        SDL_Scancode key = SDL_GetScancodeFromName(name + (alt ? 4 : 0));
        if (key == SDL_SCANCODE_UNKNOWN || key >= GAME_KEY_COUNT) {
            snprintf(why, size,
                     "--key %s: '%s' is not an SDL key name (F1, Escape, Tab, R..., or "
                     "Alt+KEY)",
                     spec, name);
            return -1;
        }
        host_keys[i].key = key;
        host_keys[i].alt = alt;
    }
    /* One key, one action: --key restart=F6 alone leaves F6 on reload too. */
    for (size_t i = 0; i < HOST_KEY_COUNT; i++)
        for (size_t j = i + 1; j < HOST_KEY_COUNT; j++)
            if (host_keys[i].key == host_keys[j].key && host_keys[i].alt == host_keys[j].alt) {
                snprintf(why, size,
                         "%s%s is the key of both %s and %s: move the other one too (e.g. --key "
                         "restart=F6 --key reload=F5)",
                         host_keys[i].alt ? "Alt+" : "", SDL_GetScancodeName(host_keys[i].key),
                         host_keys[i].name, host_keys[j].name);
                return -1;
            }
    return 0;
}

const char *host_input_key_name(unsigned action)
{
    static char name[64];
    for (size_t i = 0; i < HOST_KEY_COUNT; i++)
        if (host_keys[i].action == action) {
            snprintf(name, sizeof name, "%s%s", host_keys[i].alt ? "Alt+" : "",
                     SDL_GetScancodeName(host_keys[i].key));
            return name;
        }
    return "";
}

/* Logical buttons and the keys that hold them down. */
static const struct {
    uint32_t button;
    SDL_Scancode keys[2];
} button_keys[] = {
    { GAME_BUTTON_LEFT, { SDL_SCANCODE_LEFT, SDL_SCANCODE_A } },
    { GAME_BUTTON_RIGHT, { SDL_SCANCODE_RIGHT, SDL_SCANCODE_D } },
    { GAME_BUTTON_UP, { SDL_SCANCODE_UP, SDL_SCANCODE_W } },
    { GAME_BUTTON_DOWN, { SDL_SCANCODE_DOWN, SDL_SCANCODE_S } },
    { GAME_BUTTON_ACTION, { SDL_SCANCODE_SPACE, SDL_SCANCODE_SPACE } },
    { GAME_BUTTON_START, { SDL_SCANCODE_RETURN, SDL_SCANCODE_KP_ENTER } },
};

/* Shift, by the key's modifiers or by the key state (scripted keys carry no modifiers). */
static int shift_held(const game_input *in, const SDL_Event *e)
{
    return (e && (e->key.keysym.mod & KMOD_SHIFT)) || in->keys[SDL_SCANCODE_LSHIFT] ||
           in->keys[SDL_SCANCODE_RSHIFT];
}

/* 1 when the open inspector panel takes e: one of its keys (after the host's own keys), a
 * click on it (selects or opens a row), a wheel turn over it (a step of the selected value). */
static int inspector_takes(const SDL_Event *e, const game_input *in)
{
    switch (e->type) {
    case SDL_KEYDOWN: return host_inspect_panel_key(e->key.keysym.scancode, shift_held(in, e));
    case SDL_MOUSEWHEEL:
        return host_inspect_panel_wheel((int)in->mouse_x, (int)in->mouse_y, e->wheel.y,
                                        shift_held(in, NULL));
    case SDL_MOUSEBUTTONDOWN:
        return e->button.button == SDL_BUTTON_LEFT &&
               host_inspect_panel_click(e->button.x, e->button.y);
    default: return 0;
    }
}

unsigned host_input_poll(game_input *in)
{
    unsigned actions = 0;
    int host;
    SDL_Event e;
    in->wheel_x = in->wheel_y = 0;
    in->text[0] = 0;
    in->window &= ~(uint32_t)GAME_WINDOW_RESIZED;
    /* After host_script_push: a virtual pad's buttons set this frame count this frame. */
    if (SDL_NumJoysticks() > 0 || host_look_due(&input.last_look_ns))
        SDL_JoystickUpdate();
    while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) {
            actions |= HOST_INPUT_QUIT;
        } else if (e.type == SDL_KEYDOWN && !e.key.repeat &&
                   (host = host_key_index(e.key.keysym.scancode, alt_held(in))) >= 0) {
            actions |= host_keys[host].action;
            in->keys[e.key.keysym.scancode] = !host_keys[host].alt;
        } else if (inspector_takes(&e, in)) {
            /* the open inspector's key, click or wheel turn: the game does not see it */
        } else if ((e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) &&
                   e.key.keysym.scancode < GAME_KEY_COUNT) {
            in->keys[e.key.keysym.scancode] = e.type == SDL_KEYDOWN;
        } else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
            memset(in->keys, 0, sizeof in->keys); /* the key-up events go to another window */
            input.focused = 0;
        } else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_FOCUS_GAINED) {
            input.focused = 1;
        } else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED) {
            in->window |= GAME_WINDOW_RESIZED;
            actions |= HOST_INPUT_RESIZED;
        } else if (e.type == SDL_MOUSEWHEEL) {
            in->wheel_x += e.wheel.preciseX;
            in->wheel_y += e.wheel.preciseY;
        } else if (e.type == SDL_TEXTINPUT) {
            add_text(in, e.text.text);
        } else if (e.type == SDL_CONTROLLERDEVICEADDED) {
            pad_added(e.cdevice.which);
        } else if (e.type == SDL_CONTROLLERDEVICEREMOVED) {
            pad_removed(e.cdevice.which);
        } else if (e.type == SDL_MOUSEMOTION) {
            /* Events, not SDL_GetMouseState: the renderer rescales event coordinates into
             * logical pixels (SDL_RenderSetLogicalSize), the state stays in window pixels. */
            in->mouse_x = (float)e.motion.x;
            in->mouse_y = (float)e.motion.y;
        }
    }

    uint32_t buttons = 0;
    for (size_t i = 0; i < sizeof button_keys / sizeof button_keys[0]; i++)
        if (in->keys[button_keys[i].keys[0]] || in->keys[button_keys[i].keys[1]])
            buttons |= button_keys[i].button;
    in->pressed = buttons & ~in->buttons;
    in->buttons = buttons;
    if (in->keys[key_of(HOST_INPUT_REWIND)]) /* rewind lasts as long as the key is held */
        actions |= HOST_INPUT_REWIND;

    if (input.focused)
        in->window |= GAME_WINDOW_FOCUSED;
    else
        in->window &= ~(uint32_t)GAME_WINDOW_FOCUSED;
    read_pads(in);
    Uint32 mouse = SDL_GetMouseState(NULL, NULL);
    in->mouse_buttons = (mouse & SDL_BUTTON_LMASK ? 1u : 0u) |
                        (mouse & SDL_BUTTON_MMASK ? 2u : 0u) | (mouse & SDL_BUTTON_RMASK ? 4u : 0u);
    return actions;
}
