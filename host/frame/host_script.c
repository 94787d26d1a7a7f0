/* host_script.c - scripted input (--script FILE): key presses and quit requests pushed into
 * SDL's event queue at given frames, so headless runs and tests drive the host exactly as a
 * keyboard would, host keys (F1, F5, ...) included.
 *
 * File format, one event per line, '#' starts a comment:
 *     FRAME key NAME           press NAME at FRAME and release it one frame later
 *     FRAME down NAME          press and hold
 *     FRAME up NAME            release
 *     FRAME text WORD          type WORD (UTF-8, no spaces)
 *     FRAME wheel DX DY        turn the mouse wheel
 *     FRAME pad BUTTON [P]     press a button of virtual gamepad P (default 0) and release it
 *                              a frame later
 *     FRAME pad-down BUTTON [P]  press and hold; pad-up BUTTON [P] releases
 *     FRAME axis AXIS VALUE [P]  move a stick or trigger of virtual gamepad P (-1..1)
 *     FRAME plug P             plug virtual gamepad P (0-7) in
 *     FRAME unplug P           pull it out
 *     FRAME focus-lost         the window loses the keyboard focus; focus-gained: gets it back
 *     FRAME quit               ask the host to quit, as closing the window does
 *     FRAME inspect            print every field of the state as `inspect` event lines
 *     FRAME set FIELD VALUE    set a field of the state, as the inspector panel does
 * NAME is an SDL key name: F5, Left, Space, A, Return..., a space in it written as _
 * (Left_Alt). BUTTON and AXIS are SDL's game controller names: a, b, x, y, start, dpup,
 * leftshoulder...; leftx, lefty, righttrigger...
 * Lines may come in any order. Virtual gamepads are SDL's virtual joysticks, so pads are tested
 * and recorded without hardware: a pad that pad or axis lines name is plugged in at start,
 * unless a plug line plugs it in (plug and unplug lines then say when it is there).
 * Owns the parsed list and the virtual gamepads; never touches the game.
 */
#include "host_script.h"
#include "host_event.h"
#include "host_inspect.h"

#include <SDL.h>
#include <stdlib.h>
#include <string.h>

enum {
    TEXT_MAX = 16 /* bytes of a text line's word, with its zero */
};

typedef enum script_kind {
    SCRIPT_KEY_DOWN,
    SCRIPT_KEY_UP,
    SCRIPT_QUIT,
    SCRIPT_TEXT,
    SCRIPT_WHEEL,
    SCRIPT_PAD_DOWN,
    SCRIPT_PAD_UP,
    SCRIPT_AXIS,
    SCRIPT_PLUG,
    SCRIPT_UNPLUG,
    SCRIPT_FOCUS_LOST,
    SCRIPT_FOCUS_GAINED,
    SCRIPT_INSPECT,
    SCRIPT_SET,
} script_kind;

enum {
    PADS = 8 /* virtual gamepads a script may plug in: more than the game's GAME_PAD_COUNT */
};

typedef struct script_event {
    uint64_t frame;
    script_kind kind;
    int code;            /* scancode, pad button or axis */
    int pad;             /* virtual gamepad: 0..PADS-1 */
    float x, y;          /* wheel, axis value */
    char text[TEXT_MAX]; /* SCRIPT_TEXT */
    char field[64];      /* SCRIPT_SET: the field's path, and its new value */
    char value[32];
} script_event;

static struct {
    script_event *events;
    size_t count, cap;
    SDL_Joystick *pads[PADS]; /* the virtual gamepads plugged in now */
    int named[PADS];          /* a pad or axis line names the pad */
    int plugged[PADS];        /* a plug line plugs it in */
} script;

static int add_event(script_event e)
{
    if (script.count == script.cap) {
        size_t cap = script.cap ? script.cap * 2 : 32;
        script_event *grown = realloc(script.events, cap * sizeof *grown);
        if (!grown)
            return -1;
        script.events = grown;
        script.cap = cap;
    }
    script.events[script.count++] = e;
    return 0;
}

static int add(uint64_t frame, script_kind kind, int code)
{
    return add_event((script_event){ .frame = frame, .kind = kind, .code = code });
}

/* An event of virtual gamepad pad (x: an axis's value). */
static int add_for_pad(uint64_t frame, script_kind kind, int code, int pad, float x)
{
    script.named[pad] |= kind == SCRIPT_PAD_DOWN || kind == SCRIPT_PAD_UP || kind == SCRIPT_AXIS;
    script.plugged[pad] |= kind == SCRIPT_PLUG;
    return add_event(
        (script_event){ .frame = frame, .kind = kind, .code = code, .pad = pad, .x = x });
}

static int add_text(uint64_t frame, const char *word)
{
    script_event e = { .frame = frame, .kind = SCRIPT_TEXT };
    snprintf(e.text, sizeof e.text, "%s", word);
    return add_event(e);
}

static int add_set(uint64_t frame, const char *field, const char *value)
{
    script_event e = { .frame = frame, .kind = SCRIPT_SET };
    snprintf(e.field, sizeof e.field, "%s", field);
    snprintf(e.value, sizeof e.value, "%s", value);
    return add_event(e);
}

static int is_pad_action(const char *action)
{
    return strcmp(action, "pad") == 0 || strcmp(action, "pad-down") == 0 ||
           strcmp(action, "pad-up") == 0;
}

/* "pad" presses for one frame, "pad-down" holds, "pad-up" releases. */
static int add_pad(uint64_t frame, const char *action, int button, int pad)
{
    if (strcmp(action, "pad-up") != 0 && add_for_pad(frame, SCRIPT_PAD_DOWN, button, pad, 0) != 0)
        return -1;
    if (strcmp(action, "pad-down") != 0 &&
        add_for_pad(frame + (strcmp(action, "pad") == 0), SCRIPT_PAD_UP, button, pad, 0) != 0)
        return -1;
    return 0;
}

/* A pad number: "" is pad 0. -1 when it is not 0..PADS-1. */
static int pad_number(const char *text)
{
    if (!text[0])
        return 0;
    char *end = NULL;
    long n = strtol(text, &end, 10);
    return end == text || *end || n < 0 || n >= PADS ? -1 : (int)n;
}

/* Plugs in virtual gamepad pad with every standard button and axis; SDL maps it as a game
 * controller, which the input module opens like a real one (its pad-added event). */
static int plug_pad(int pad)
{
    if (script.pads[pad])
        return 0;
    if (SDL_InitSubSystem(SDL_INIT_JOYSTICK) != 0)
        return -1;
    int index = SDL_JoystickAttachVirtual(SDL_JOYSTICK_TYPE_GAMECONTROLLER, SDL_CONTROLLER_AXIS_MAX,
                                          SDL_CONTROLLER_BUTTON_MAX, 0);
    script.pads[pad] = index >= 0 ? SDL_JoystickOpen(index) : NULL;
    return script.pads[pad] ? 0 : -1;
}

/* Pulls virtual gamepad pad out: SDL then tells the input module (its pad-removed event). */
static void unplug_pad(int pad)
{
    SDL_Joystick *j = script.pads[pad];
    if (!j)
        return;
    SDL_JoystickID id = SDL_JoystickInstanceID(j);
    SDL_JoystickClose(j);
    script.pads[pad] = NULL;
    /* SDL detaches by device index, which moves as devices come and go: look it up. */
    for (int i = 0; i < SDL_NumJoysticks(); i++)
        if (SDL_JoystickGetDeviceInstanceID(i) == id) {
            SDL_JoystickDetachVirtual(i);
            return;
        }
}

static int fail(const char *path, int line, const char *what)
{
    char why[1024];
    snprintf(why, sizeof why, "%s:%d: %s", path, line, what);
    host_event(ERROR, HOST_TEXT("reason", why));
    return -1;
}

int host_script_open(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(path, 0, "cannot open the script");
    char text[256];
    int line = 0, rc = 0;
    while (rc == 0 && fgets(text, sizeof text, f)) {
        line++;
        text[strcspn(text, "#\r\n")] = 0;
        unsigned long long frame;
        char action[16], name[64] = "", value[32] = "", extra[16] = "";
        int n = sscanf(text, "%llu %15s %63s %31s %15s", &frame, action, name, value, extra);
        if (n <= 0)
            continue;      /* blank or comment */
        char key_name[64]; /* SDL's names with spaces ("Left Alt") are written Left_Alt */
        snprintf(key_name, sizeof key_name, "%s", name);
        for (char *c = key_name; *c; c++)
            *c = *c == '_' ? ' ' : *c;
        SDL_Scancode key = name[0] ? SDL_GetScancodeFromName(key_name) : SDL_SCANCODE_UNKNOWN;
        SDL_GameControllerButton button = SDL_GameControllerGetButtonFromString(name);
        if (n >= 2 && strcmp(action, "quit") == 0)
            rc = add(frame, SCRIPT_QUIT, 0);
        else if (n == 2 && strcmp(action, "inspect") == 0)
            rc = add(frame, SCRIPT_INSPECT, 0);
        else if (n == 4 && strcmp(action, "set") == 0)
            rc = add_set(frame, name, value);
        else if (n == 2 && strcmp(action, "focus-lost") == 0)
            rc = add(frame, SCRIPT_FOCUS_LOST, 0);
        else if (n == 2 && strcmp(action, "focus-gained") == 0)
            rc = add(frame, SCRIPT_FOCUS_GAINED, 0);
        else if (n == 3 && (strcmp(action, "plug") == 0 || strcmp(action, "unplug") == 0))
            rc = pad_number(name) < 0
                     ? fail(path, line, "want 'FRAME plug|unplug P' with P a pad from 0 to 7")
                     : add_for_pad(frame, action[0] == 'p' ? SCRIPT_PLUG : SCRIPT_UNPLUG, 0,
                                   pad_number(name), 0);
        else if (n == 3 && strcmp(action, "text") == 0 && strlen(name) < TEXT_MAX)
            rc = add_text(frame, name);
        else if (n == 4 && strcmp(action, "wheel") == 0)
            rc = add_event((script_event){ .frame = frame,
                                           .kind = SCRIPT_WHEEL,
                                           .x = strtof(name, NULL),
                                           .y = strtof(value, NULL) });
        else if ((n == 4 || n == 5) && strcmp(action, "axis") == 0 &&
                 SDL_GameControllerGetAxisFromString(name) != SDL_CONTROLLER_AXIS_INVALID &&
                 pad_number(extra) >= 0)
            rc = add_for_pad(frame, SCRIPT_AXIS, SDL_GameControllerGetAxisFromString(name),
                             pad_number(extra), strtof(value, NULL));
        else if ((n == 3 || n == 4) && is_pad_action(action) &&
                 button != SDL_CONTROLLER_BUTTON_INVALID && pad_number(value) >= 0)
            rc = add_pad(frame, action, button, pad_number(value));
        else if (n < 3 || key == SDL_SCANCODE_UNKNOWN)
            rc = fail(path, line,
                      "want 'FRAME key|down|up NAME' with an SDL key name (F5, Left, Space, "
                      "A...), 'FRAME text WORD', 'FRAME wheel DX DY', 'FRAME pad|pad-down|pad-up "
                      "BUTTON [P]', 'FRAME axis AXIS VALUE [P]', 'FRAME plug|unplug P', 'FRAME "
                      "focus-lost|focus-gained', 'FRAME inspect', 'FRAME set FIELD VALUE' or "
                      "'FRAME quit'");
        else if (strcmp(action, "key") == 0)
            rc = add(frame, SCRIPT_KEY_DOWN, key) || add(frame + 1, SCRIPT_KEY_UP, key) ? -1 : 0;
        else if (strcmp(action, "down") == 0)
            rc = add(frame, SCRIPT_KEY_DOWN, key);
        else if (strcmp(action, "up") == 0)
            rc = add(frame, SCRIPT_KEY_UP, key);
        else
            rc = fail(path, line,
                      "unknown action (key, down, up, text, wheel, pad, pad-down, pad-up, axis, "
                      "plug, unplug, focus-lost, focus-gained, inspect, set, quit)");
    }
    fclose(f);
    /* Pads that pad or axis lines name and no plug line plugs in are there from the start. */
    for (int p = 0; rc == 0 && p < PADS; p++)
        if (script.named[p] && !script.plugged[p] && plug_pad(p) != 0)
            rc = fail(path, 0, "cannot plug a virtual gamepad in");
    return rc;
}

void host_script_push(uint64_t frame)
{
    for (size_t i = 0; i < script.count; i++) {
        const script_event *s = &script.events[i];
        if (s->frame != frame)
            continue;
        SDL_Event e = { .type = SDL_QUIT };
        switch (s->kind) {
        case SCRIPT_KEY_DOWN:
        case SCRIPT_KEY_UP:
            e.type = s->kind == SCRIPT_KEY_DOWN ? SDL_KEYDOWN : SDL_KEYUP;
            e.key.state = s->kind == SCRIPT_KEY_DOWN ? SDL_PRESSED : SDL_RELEASED;
            e.key.keysym.scancode = (SDL_Scancode)s->code;
            e.key.keysym.sym = SDL_GetKeyFromScancode((SDL_Scancode)s->code);
            break;
        case SCRIPT_TEXT:
            e.type = SDL_TEXTINPUT;
            memcpy(e.text.text, s->text, sizeof s->text);
            break;
        case SCRIPT_WHEEL:
            e.type = SDL_MOUSEWHEEL;
            e.wheel.preciseX = s->x;
            e.wheel.preciseY = s->y;
            e.wheel.x = (Sint32)s->x;
            e.wheel.y = (Sint32)s->y;
            break;
        case SCRIPT_PAD_DOWN:
        case SCRIPT_PAD_UP: /* on a pad that is not plugged in: nothing */
            if (script.pads[s->pad])
                SDL_JoystickSetVirtualButton(script.pads[s->pad], s->code,
                                             s->kind == SCRIPT_PAD_DOWN);
            continue;
        case SCRIPT_AXIS:
            if (script.pads[s->pad])
                SDL_JoystickSetVirtualAxis(script.pads[s->pad], s->code,
                                           (Sint16)(s->x < 0 ? s->x * 32768.0f : s->x * 32767.0f));
            continue;
        case SCRIPT_PLUG: plug_pad(s->pad); continue;
        case SCRIPT_UNPLUG: unplug_pad(s->pad); continue;
        case SCRIPT_FOCUS_LOST:
        case SCRIPT_FOCUS_GAINED:
            e.type = SDL_WINDOWEVENT;
            e.window.event = s->kind == SCRIPT_FOCUS_LOST ? SDL_WINDOWEVENT_FOCUS_LOST
                                                          : SDL_WINDOWEVENT_FOCUS_GAINED;
            break;
        case SCRIPT_INSPECT: host_inspect_dump(); continue;
        case SCRIPT_SET: host_inspect_set(s->field, s->value); continue;
        case SCRIPT_QUIT: break;
        }
        SDL_PushEvent(&e);
    }
}

void host_script_close(void)
{
    for (int p = 0; p < PADS; p++)
        if (script.pads[p])
            SDL_JoystickClose(script.pads[p]);
    free(script.events);
    memset(&script, 0, sizeof script);
}
