/* host_script.c - scripted input (--script FILE): key presses and quit requests pushed into
 * SDL's event queue at given frames, so headless runs and tests drive the host exactly as a
 * keyboard would, host keys (F1, F5, ...) included.
 *
 * File format, one event per line, '#' starts a comment:
 *     FRAME key NAME         press NAME at FRAME and release it one frame later
 *     FRAME down NAME        press and hold
 *     FRAME up NAME          release
 *     FRAME text WORD        type WORD (UTF-8, no spaces)
 *     FRAME wheel DX DY      turn the mouse wheel
 *     FRAME pad BUTTON       press a button of a virtual gamepad and release it a frame later
 *     FRAME pad-down BUTTON  press and hold; pad-up BUTTON releases
 *     FRAME axis AXIS VALUE  move a stick or trigger of the virtual gamepad (-1..1)
 *     FRAME quit             ask the host to quit, as closing the window does
 *     FRAME inspect          print every field of the state as `inspect` event lines
 *     FRAME set FIELD VALUE  set a field of the state, as the inspector panel does
 * NAME is an SDL key name: F5, Left, Space, A, Return..., a space in it written as _
 * (Left_Alt). BUTTON and AXIS are SDL's game controller names: a, b, x, y, start, dpup,
 * leftshoulder...; leftx, lefty, righttrigger...
 * Lines may come in any order. A script with pad lines plugs one virtual gamepad in at start
 * (SDL's virtual joystick), so pads are tested and recorded without hardware.
 * Owns the parsed list and the virtual gamepad; never touches the game.
 */
#include "host.h"
#include "host_inspect.h"

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
    SCRIPT_INSPECT,
    SCRIPT_SET,
} script_kind;

typedef struct script_event {
    uint64_t frame;
    script_kind kind;
    int code;            /* scancode, pad button or axis */
    float x, y;          /* wheel, axis value */
    char text[TEXT_MAX]; /* SCRIPT_TEXT */
    char field[64];      /* SCRIPT_SET: the field's path, and its new value */
    char value[32];
} script_event;

static struct {
    script_event *events;
    size_t count, cap;
    SDL_Joystick *pad; /* the virtual gamepad, when the script has pad lines */
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

static int plug_pad(void);

static int is_pad_action(const char *action)
{
    return strcmp(action, "pad") == 0 || strcmp(action, "pad-down") == 0 ||
           strcmp(action, "pad-up") == 0;
}

/* "pad" presses for one frame, "pad-down" holds, "pad-up" releases. */
static int add_pad(uint64_t frame, const char *action, int button)
{
    if (plug_pad() != 0)
        return -1;
    if (strcmp(action, "pad-up") != 0 && add(frame, SCRIPT_PAD_DOWN, button) != 0)
        return -1;
    if (strcmp(action, "pad-down") != 0 &&
        add(frame + (strcmp(action, "pad") == 0), SCRIPT_PAD_UP, button) != 0)
        return -1;
    return 0;
}

/* Plugs in a virtual gamepad with every standard button and axis; SDL maps it as a game
 * controller, which the input module opens like a real one. */
static int plug_pad(void)
{
    if (script.pad)
        return 0;
    if (SDL_InitSubSystem(SDL_INIT_JOYSTICK) != 0)
        return -1;
    int index = SDL_JoystickAttachVirtual(SDL_JOYSTICK_TYPE_GAMECONTROLLER, SDL_CONTROLLER_AXIS_MAX,
                                          SDL_CONTROLLER_BUTTON_MAX, 0);
    script.pad = index >= 0 ? SDL_JoystickOpen(index) : NULL;
    return script.pad ? 0 : -1;
}

static int fail(const char *path, int line, const char *what)
{
    char quoted[300];
    char why[256];
    snprintf(why, sizeof why, "%s:%d: %s", path, line, what);
    host_event("error", "reason=%s", host_event_quote(quoted, sizeof quoted, why));
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
        char action[16], name[64] = "", value[32] = "";
        int n = sscanf(text, "%llu %15s %63s %31s", &frame, action, name, value);
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
        else if (n == 3 && strcmp(action, "text") == 0 && strlen(name) < TEXT_MAX)
            rc = add_text(frame, name);
        else if (n == 4 && strcmp(action, "wheel") == 0)
            rc = add_event((script_event){ .frame = frame,
                                           .kind = SCRIPT_WHEEL,
                                           .x = strtof(name, NULL),
                                           .y = strtof(value, NULL) });
        else if (n == 4 && strcmp(action, "axis") == 0 &&
                 SDL_GameControllerGetAxisFromString(name) != SDL_CONTROLLER_AXIS_INVALID)
            rc =
                plug_pad() ||
                        add_event((script_event){ .frame = frame,
                                                  .kind = SCRIPT_AXIS,
                                                  .code = SDL_GameControllerGetAxisFromString(name),
                                                  .x = strtof(value, NULL) })
                    ? -1
                    : 0;
        else if (n == 3 && is_pad_action(action) && button != SDL_CONTROLLER_BUTTON_INVALID)
            rc = add_pad(frame, action, button);
        else if (n < 3 || key == SDL_SCANCODE_UNKNOWN)
            rc = fail(
                path, line,
                "want 'FRAME key|down|up NAME' with an SDL key name (F5, Left, Space, "
                "A...), 'FRAME text WORD', 'FRAME wheel DX DY', 'FRAME pad|pad-down|pad-up "
                "BUTTON', 'FRAME axis AXIS VALUE', 'FRAME inspect', 'FRAME set FIELD VALUE' or "
                "'FRAME quit'");
        else if (strcmp(action, "key") == 0)
            rc = add(frame, SCRIPT_KEY_DOWN, key) || add(frame + 1, SCRIPT_KEY_UP, key) ? -1 : 0;
        else if (strcmp(action, "down") == 0)
            rc = add(frame, SCRIPT_KEY_DOWN, key);
        else if (strcmp(action, "up") == 0)
            rc = add(frame, SCRIPT_KEY_UP, key);
        else
            rc = fail(path, line,
                      "unknown action (key, down, up, text, wheel, pad, axis, inspect, set, quit)");
    }
    fclose(f);
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
        case SCRIPT_PAD_UP:
            SDL_JoystickSetVirtualButton(script.pad, s->code, s->kind == SCRIPT_PAD_DOWN);
            continue;
        case SCRIPT_AXIS:
            SDL_JoystickSetVirtualAxis(script.pad, s->code,
                                       (Sint16)(s->x < 0 ? s->x * 32768.0f : s->x * 32767.0f));
            continue;
        case SCRIPT_INSPECT: host_inspect_dump(); continue;
        case SCRIPT_SET: host_inspect_set(s->field, s->value); continue;
        case SCRIPT_QUIT: break;
        }
        SDL_PushEvent(&e);
    }
}

void host_script_close(void)
{
    if (script.pad)
        SDL_JoystickClose(script.pad);
    free(script.events);
    memset(&script, 0, sizeof script);
}
