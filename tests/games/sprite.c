/* sprite.c - a test game that draws one frame of a sprite sheet (assets/sheet.bmp, made by
 * tests/test_host_draw.sh) every way draw_sprite can, each 8 times its size in a 64 x 64 box
 * at a known place, for the test to read back pixel by pixel. The frame is the sheet's 8 x 8
 * texels at 8, 8, four quadrants of four colours (red top-left, green top-right, blue
 * bottom-left, white bottom-right), so a flip or a turn shows which way it went; the rest of
 * the sheet is yellow, so a wrong source rectangle shows too.
 *
 *     y 20:  as it is (x 20), GAME_FLIP_X (120), GAME_FLIP_Y (220), angle 90 (320),
 *            tint 255, 128, 0 (420), angle 90 with GAME_FLIP_X (520)
 *     y 120: tint alpha 128 over the black sky (20); GAME_BLEND_ADD over a 0, 0, 128 box (120);
 *            GAME_BLEND_ADD with tint alpha 128 over the same box (220)
 */
#include "game_api.h"

typedef struct sprite_state {
    game_texture sheet;
} sprite_state;

static void sprite_init(void *s, const host_services *host)
{
    ((sprite_state *)s)->sheet = host->texture("sheet.bmp");
}

/* The frame at x, y with the rest of the sprite's fields as given. */
static void frame_at(const host_services *host, game_texture sheet, float x, float y,
                     game_sprite how)
{
    how.x = x;
    how.y = y;
    how.w = how.h = 64;
    how.src_x = how.src_y = 8;
    how.src_w = how.src_h = 8;
    host->draw_sprite(sheet, &how);
}

static void sprite_render(const void *s, const host_services *host)
{
    const game_texture sheet = ((const sprite_state *)s)->sheet;
    host->clear(GAME_RGBA(0, 0, 0, 255));
    frame_at(host, sheet, 20, 20, (game_sprite){ 0 });
    frame_at(host, sheet, 120, 20, (game_sprite){ .flip = GAME_FLIP_X });
    frame_at(host, sheet, 220, 20, (game_sprite){ .flip = GAME_FLIP_Y });
    frame_at(host, sheet, 320, 20, (game_sprite){ .angle = 90 });
    frame_at(host, sheet, 420, 20, (game_sprite){ .tint = GAME_RGBA(255, 128, 0, 255) });
    frame_at(host, sheet, 520, 20, (game_sprite){ .angle = 90, .flip = GAME_FLIP_X });
    frame_at(host, sheet, 20, 120, (game_sprite){ .tint = GAME_RGBA(255, 255, 255, 128) });
    host->fill_rect(120, 120, 64, 64, GAME_RGBA(0, 0, 128, 255));
    frame_at(host, sheet, 120, 120, (game_sprite){ .blend = GAME_BLEND_ADD });
    host->fill_rect(220, 120, 64, 64, GAME_RGBA(0, 0, 128, 255));
    frame_at(host, sheet, 220, 120,
             (game_sprite){ .tint = GAME_RGBA(255, 255, 255, 128), .blend = GAME_BLEND_ADD });
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(sprite_state),
    .init = sprite_init,
    .render = sprite_render,
};
