/* game_draw.c - draws the demo game from its state: sky, falling things, ship, score.
 * Reads the state and never changes it (render gets a const block); all drawing goes
 * through the host's services.
 */
#include "game.h"

#include <stdio.h>

void game_ship_size(const game_state *s, const host_services *host, float *w, float *h)
{
    int tw = 16, th = 16;
    if (s->ship)
        host->texture_size(s->ship, &tw, &th);
    *w = (float)(tw * GAME_SPRITE_SCALE);
    *h = (float)(th * GAME_SPRITE_SCALE);
}

void game_item_size(const game_state *s, const host_services *host, float *w, float *h)
{
    int tw = 8, th = 8;
    if (s->star)
        host->texture_size(s->star, &tw, &th);
    *w = (float)(tw * GAME_SPRITE_SCALE);
    *h = (float)(th * GAME_SPRITE_SCALE);
}

void game_draw(const game_state *s, const host_services *host)
{
    host->clear(GAME_BACKGROUND);

    float iw, ih, sw, sh;
    game_item_size(s, host, &iw, &ih);
    for (int i = 0; i < GAME_ITEM_COUNT; i++) {
        const game_item *it = &s->items[i];
        if (it->kind == GAME_ITEM_STAR)
            host->draw_texture(s->star, it->x, it->y, iw, ih);
        else if (it->kind == GAME_ITEM_ROCK)
            host->fill_rect(it->x, it->y, iw, ih, GAME_ROCK_COLOR);
    }
    game_ship_size(s, host, &sw, &sh);
    host->draw_texture(s->ship, s->ship_x, s->ship_y, sw, sh);

    char hud[96];
    snprintf(hud, sizeof hud, "score %d   best %d", s->score, s->best);
    host->draw_text(8, 8, 2, GAME_TEXT_COLOR, hud);
    snprintf(hud, sizeof hud, "build %u   tick %llu", host->reloads, (unsigned long long)s->tick);
    host->draw_text(8, 34, 1, GAME_TEXT_COLOR, hud);
    if (s->flash > 0)
        host->fill_rect(0, 0, (float)host->width, (float)host->height, GAME_RGBA(255, 40, 40, 90));
}
