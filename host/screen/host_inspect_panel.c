/* host_inspect_panel.c - the inspector panel (the inspect key, ` by default): the state's
 * fields and their values on the right half of the window, read again every frame; Up/Down
 * (or a click) selects a row, Enter (or a click on the selected row) opens or folds an array
 * or struct, Left/Right (or the wheel over the panel) change a number by a step (Shift: ten
 * steps), Space flips a bool. Escape closes it.
 *
 * Owns which rows are open, the selection and the rows drawn last; the values and every edit
 * go through the model (host_inspect.c), so an edit is logged and written into the state
 * block exactly as a --script `set` is. Drawn opaque, like the overlay, so the game's picture
 * never mixes with the panel's text. Never calls game code.
 */
#include "host_draw.h"
#include "host_event.h"
#include "host_inspect.h"

#include <SDL.h>
#include <string.h>

enum {
    ROWS_MAX = 512, /* rows kept per frame; an open array longer than that is cut */
    OPEN_MAX = 64,  /* arrays and structs open at once */
    LINE = 12,      /* the host font's line advance at scale 1 */
    PAD = 6,        /* margin and padding, pixels */
};

#define COLOR_PANEL 0x000000ffu
#define COLOR_TITLE 0x9ce0ffffu
#define COLOR_NAME 0xd0d0d0ffu
#define COLOR_VALUE 0xffd6a0ffu
#define COLOR_SELECTED 0x30485cffu
#define COLOR_REASON 0xff6b6bffu

/* A row as drawn: what the keys act on until the next frame's rows replace it. */
typedef struct panel_row {
    char path[HOST_INSPECT_PATH_MAX];
    char value[HOST_INSPECT_VALUE_MAX];
    int depth, foldable, editable;
} panel_row;

static struct {
    int open;
    int selected, scroll;
    char opened[OPEN_MAX][HOST_INSPECT_PATH_MAX]; /* paths of the open arrays and structs */
    int opened_count;
    panel_row rows[ROWS_MAX];
    int count;
    char reason[300]; /* why there are no rows */
    float x, y, w, h; /* the panel's rectangle, as drawn last */
} panel;

static int find_opened(const char *path)
{
    for (int i = 0; i < panel.opened_count; i++)
        if (strcmp(panel.opened[i], path) == 0)
            return i;
    return -1;
}

static void toggle_open(const char *path)
{
    int i = find_opened(path);
    if (i >= 0)
        memmove(panel.opened[i], panel.opened[i + 1],
                (size_t)(--panel.opened_count - i) * sizeof panel.opened[0]);
    else if (panel.opened_count < OPEN_MAX)
        snprintf(panel.opened[panel.opened_count++], HOST_INSPECT_PATH_MAX, "%s", path);
}

static int collect(void *user, const host_inspect_row *row)
{
    (void)user;
    if (panel.count == ROWS_MAX)
        return -1;
    panel_row *r = &panel.rows[panel.count++];
    snprintf(r->path, sizeof r->path, "%s", row->path);
    snprintf(r->value, sizeof r->value, "%s", row->value);
    r->depth = row->depth;
    r->foldable = row->foldable;
    r->editable = row->editable;
    return find_opened(row->path) >= 0;
}

/* This frame's rows from the live state. */
static void refresh(void)
{
    panel.count = 0;
    panel.reason[0] = 0;
    if (host_inspect_walk(collect, NULL, panel.reason, sizeof panel.reason) < 0)
        panel.count = 0;
    if (panel.selected >= panel.count)
        panel.selected = panel.count ? panel.count - 1 : 0;
}

void host_inspect_panel_toggle(void)
{
    panel.open = !panel.open;
    if (!panel.open) {
        host_event(INSPECTOR, HOST_INT("open", 0));
        return;
    }
    refresh();
    host_event(INSPECTOR, HOST_INT("open", 1), HOST_INT("rows", panel.count));
    if (!panel.count && panel.reason[0])
        host_event(INSPECT_UNAVAILABLE, HOST_TEXT("reason", panel.reason));
}

int host_inspect_panel_is_open(void)
{
    return panel.open;
}

/* Acts on the selected row: opens or folds it, or changes its value by steps. */
static void act(int steps, int big, int fold)
{
    if (panel.selected >= panel.count)
        return;
    /* a copy: the row lives in panel, which toggle_open writes (gcc -O2 -Wrestrict) */
    panel_row r = panel.rows[panel.selected];
    if (fold && r.foldable)
        toggle_open(r.path);
    else if (!fold && r.editable && steps)
        host_inspect_step(r.path, steps, big);
    refresh(); /* the next key of the same frame sees the change */
}

int host_inspect_panel_key(int scancode, int shift)
{
    if (!panel.open)
        return 0;
    switch (scancode) {
    case SDL_SCANCODE_ESCAPE: host_inspect_panel_toggle(); return 1;
    case SDL_SCANCODE_UP: panel.selected -= panel.selected > 0; return 1;
    case SDL_SCANCODE_DOWN: panel.selected += panel.selected + 1 < panel.count; return 1;
    case SDL_SCANCODE_RETURN:
    case SDL_SCANCODE_KP_ENTER: act(0, 0, 1); return 1;
    case SDL_SCANCODE_LEFT: act(-1, shift, 0); return 1;
    case SDL_SCANCODE_RIGHT: act(1, shift, 0); return 1;
    case SDL_SCANCODE_SPACE:
        if (panel.selected < panel.count && strcmp(panel.rows[panel.selected].value, "true") != 0 &&
            strcmp(panel.rows[panel.selected].value, "false") != 0)
            return 1; /* Space flips bools only */
        act(1, 0, 0);
        return 1;
    default: return 0;
    }
}

static int inside(int x, int y)
{
    return panel.open && x >= panel.x && x < panel.x + panel.w && y >= panel.y &&
           y < panel.y + panel.h;
}

int host_inspect_panel_click(int x, int y)
{
    if (!inside(x, y))
        return 0;
    int row = panel.scroll + (int)((float)y - panel.y - PAD - LINE) / LINE;
    if (row < 0 || row >= panel.count || (float)y < panel.y + PAD + LINE)
        return 1;
    if (row == panel.selected)
        act(0, 0, 1);
    panel.selected = row;
    return 1;
}

int host_inspect_panel_wheel(int x, int y, int steps, int shift)
{
    if (!inside(x, y))
        return 0;
    if (steps)
        act(steps, shift, 0);
    return 1;
}

void host_inspect_panel_render(int width, int height)
{
    if (!panel.open)
        return;
    refresh();
    panel.w = (float)width / 2 - PAD;
    panel.x = (float)width - panel.w - PAD;
    panel.y = PAD;
    panel.h = (float)height - 2 * PAD;
    host_draw_fill_rect(panel.x, panel.y, panel.w, panel.h, COLOR_PANEL);
    const float tx = panel.x + PAD, max_w = panel.w - 2 * PAD;
    char line[HOST_INSPECT_PATH_MAX + HOST_INSPECT_VALUE_MAX + 16], fit[160];
    if (!panel.count) {
        snprintf(line, sizeof line, "no fields to show: %s", panel.reason);
        host_draw_text(tx, panel.y + PAD, 1, COLOR_TITLE, "state inspector");
        for (size_t at = 0, n, y = 1; line[at] && y * LINE < (size_t)panel.h; y++) {
            n = host_draw_fit(line + at, max_w, fit, sizeof fit);
            host_draw_ascii(fit);
            host_draw_text(tx, panel.y + PAD + (float)(y * LINE), 1, COLOR_REASON, fit);
            at += n;
            at += strspn(line + at, " \n");
        }
        return;
    }
    const int visible = (int)((panel.h - 2 * PAD) / LINE) - 1;
    if (panel.selected < panel.scroll)
        panel.scroll = panel.selected;
    if (visible > 0 && panel.selected >= panel.scroll + visible)
        panel.scroll = panel.selected - visible + 1;
    host_draw_text(tx, panel.y + PAD, 1, COLOR_TITLE,
                   "state: Up/Down, Enter opens, Left/Right change (Shift x10), Space flips");
    for (int i = 0; i < visible && panel.scroll + i < panel.count; i++) {
        const panel_row *r = &panel.rows[panel.scroll + i];
        const float y = panel.y + PAD + (float)((i + 1) * LINE);
        if (panel.scroll + i == panel.selected)
            host_draw_fill_rect(panel.x + 2, y - 2, panel.w - 4, LINE, COLOR_SELECTED);
        snprintf(line, sizeof line, "%*s%s%s", r->depth * 2, "",
                 r->foldable ? (find_opened(r->path) >= 0 ? "- " : "+ ") : "  ", r->path);
        host_draw_fit(line, max_w / 2, fit, sizeof fit);
        host_draw_ascii(fit);
        host_draw_text(tx, y, 1, COLOR_NAME, fit);
        host_draw_fit(r->value, max_w / 2, fit, sizeof fit);
        host_draw_ascii(fit);
        host_draw_text(tx + max_w / 2, y, 1, COLOR_VALUE, fit);
    }
}
