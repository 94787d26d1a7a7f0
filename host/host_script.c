/* host_script.c - scripted input (--script FILE): key presses and quit requests pushed into
 * SDL's event queue at given frames, so headless runs and tests drive the host exactly as a
 * keyboard would, host keys (F1, F5, ...) included.
 *
 * File format, one event per line, '#' starts a comment:
 *     FRAME key NAME     press NAME at FRAME and release it one frame later
 *     FRAME down NAME    press and hold
 *     FRAME up NAME      release
 *     FRAME quit         ask the host to quit, as closing the window does
 * NAME is an SDL key name: F5, Left, Space, A, Return... Lines may come in any order.
 * Owns the parsed list; never touches the game.
 */
#include "host.h"

#include <stdlib.h>
#include <string.h>

typedef struct script_event {
    uint64_t frame;
    Uint32 type; /* SDL_KEYDOWN, SDL_KEYUP or SDL_QUIT */
    SDL_Scancode key;
} script_event;

static struct {
    script_event *events;
    size_t count, cap;
} script;

static int add(uint64_t frame, Uint32 type, SDL_Scancode key)
{
    if (script.count == script.cap) {
        size_t cap = script.cap ? script.cap * 2 : 32;
        script_event *grown = realloc(script.events, cap * sizeof *grown);
        if (!grown)
            return -1;
        script.events = grown;
        script.cap = cap;
    }
    script.events[script.count++] = (script_event){ frame, type, key };
    return 0;
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
        char action[16], name[64] = "";
        int n = sscanf(text, "%llu %15s %63s", &frame, action, name);
        if (n <= 0)
            continue; /* blank or comment */
        SDL_Scancode key = name[0] ? SDL_GetScancodeFromName(name) : SDL_SCANCODE_UNKNOWN;
        if (n >= 2 && strcmp(action, "quit") == 0)
            rc = add(frame, SDL_QUIT, SDL_SCANCODE_UNKNOWN);
        else if (n < 3 || key == SDL_SCANCODE_UNKNOWN)
            rc = fail(path, line,
                      "want 'FRAME key|down|up NAME' or 'FRAME quit' with an SDL "
                      "key name (F5, Left, Space, A...)");
        else if (strcmp(action, "key") == 0)
            rc = add(frame, SDL_KEYDOWN, key) || add(frame + 1, SDL_KEYUP, key) ? -1 : 0;
        else if (strcmp(action, "down") == 0)
            rc = add(frame, SDL_KEYDOWN, key);
        else if (strcmp(action, "up") == 0)
            rc = add(frame, SDL_KEYUP, key);
        else
            rc = fail(path, line, "unknown action (key, down, up or quit)");
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
        SDL_Event e = { .type = s->type };
        if (s->type != SDL_QUIT) {
            e.key.state = s->type == SDL_KEYDOWN ? SDL_PRESSED : SDL_RELEASED;
            e.key.keysym.scancode = s->key;
            e.key.keysym.sym = SDL_GetKeyFromScancode(s->key);
        }
        SDL_PushEvent(&e);
    }
}

void host_script_close(void)
{
    free(script.events);
    script.events = NULL;
    script.count = script.cap = 0;
}
