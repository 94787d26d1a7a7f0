/* host_input.c - turns SDL's events into one game_input per frame.
 * Owns nothing: the input lives in main's frame loop. Keys the host keeps for itself (F5) are
 * reported as HOST_INPUT_* bits and still appear in game_input.keys. Key state comes from the
 * key events, not SDL_GetKeyboardState, so events pushed by --script count like real ones.
 */
#include "host.h"

#include <string.h>

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

unsigned host_input_poll(game_input *in)
{
    unsigned actions = 0;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        if (e.type == SDL_QUIT) {
            actions |= HOST_INPUT_QUIT;
        } else if (e.type == SDL_KEYDOWN && !e.key.repeat &&
                   e.key.keysym.scancode == SDL_SCANCODE_F5) {
            actions |= HOST_INPUT_RESET;
            in->keys[SDL_SCANCODE_F5] = 1;
        } else if ((e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) &&
                   e.key.keysym.scancode < GAME_KEY_COUNT) {
            in->keys[e.key.keysym.scancode] = e.type == SDL_KEYDOWN;
        } else if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_FOCUS_LOST) {
            memset(in->keys, 0, sizeof in->keys); /* the key-up events go to another window */
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

    Uint32 mouse = SDL_GetMouseState(NULL, NULL);
    in->mouse_buttons = (mouse & SDL_BUTTON_LMASK ? 1u : 0u) |
                        (mouse & SDL_BUTTON_MMASK ? 2u : 0u) | (mouse & SDL_BUTTON_RMASK ? 4u : 0u);
    return actions;
}
