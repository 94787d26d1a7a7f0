/* game.c - the demo game's logic and its one exported symbol, livehost_game.
 * Owns nothing: the state block, textures and the screen all belong to the host.
 * Must never keep a pointer (or anything else) in a static: a reload starts the library afresh.
 */
#include "game.h"

#include <inttypes.h>
#include <string.h>

static uint32_t next_random(game_state *s)
{
    uint32_t x = s->rng; /* xorshift32: tiny, and its whole state fits in the block */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return s->rng = x;
}

static float random_between(game_state *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)(next_random(s) % 10000u) / 10000.0f;
}

static void spawn(game_state *s, game_item *it, const host_services *host)
{
    float w, h;
    game_item_size(s, host, &w, &h);
    it->kind = next_random(s) % GAME_ROCK_CHANCE == 0 ? GAME_ITEM_ROCK : GAME_ITEM_STAR;
    it->x = random_between(s, 0, (float)host->width - w);
    it->y = -h - random_between(s, 0, (float)host->height); /* staggered above the top */
    it->speed = random_between(s, GAME_FALL_SPEED, 2 * GAME_FALL_SPEED);
}

static int overlaps(float ax, float ay, float aw, float ah, float bx, float by, float bw, float bh)
{
    return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

static void game_init(void *state, const host_services *host)
{
    game_state *s = state;
    s->rng = 0x2545f491u;
    s->ship = host->texture("ship.png");
    s->star = host->texture("star.bmp");
    float w, h;
    game_ship_size(s, host, &w, &h);
    s->ship_x = ((float)host->width - w) / 2;
    s->ship_y = (float)host->height - h - 24;
    host->log("new game: %d things falling", GAME_ITEM_COUNT);
}

static void game_reload(void *state, const host_services *host)
{
    const game_state *s = state;
    host->log("reloaded at tick=%" PRIu64 " score=%d", s->tick, s->score);
}

static void game_update(void *state, const host_services *host, const game_input *in)
{
    game_state *s = state;
    const float dt = host->dt;
    s->tick++;

    float sw, sh, iw, ih;
    game_ship_size(s, host, &sw, &sh);
    game_item_size(s, host, &iw, &ih);
    float dx = (float)(!!(in->buttons & GAME_BUTTON_RIGHT) - !!(in->buttons & GAME_BUTTON_LEFT));
    float dy = (float)(!!(in->buttons & GAME_BUTTON_DOWN) - !!(in->buttons & GAME_BUTTON_UP));
    s->ship_x += dx * GAME_SHIP_SPEED * dt;
    s->ship_y += dy * GAME_SHIP_SPEED * dt;
    s->ship_x = s->ship_x < 0 ? 0 : s->ship_x > host->width - sw ? host->width - sw : s->ship_x;
    s->ship_y = s->ship_y < 0 ? 0 : s->ship_y > host->height - sh ? host->height - sh : s->ship_y;
    if (s->flash > 0)
        s->flash -= dt;

    for (int i = 0; i < GAME_ITEM_COUNT; i++) {
        game_item *it = &s->items[i];
        if (it->kind == GAME_ITEM_NONE) {
            spawn(s, it, host);
            continue;
        }
        it->y += it->speed * dt;
        if (overlaps(it->x, it->y, iw, ih, s->ship_x, s->ship_y, sw, sh)) {
            if (it->kind == GAME_ITEM_STAR) {
                s->score++;
                s->best = s->score > s->best ? s->score : s->best;
            } else {
                s->score = 0;
                s->flash = 0.3f;
            }
            spawn(s, it, host);
        } else if (it->y > host->height) {
            spawn(s, it, host);
        }
    }
}

static void game_render(const void *state, const host_services *host)
{
    game_draw(state, host);
}

static void game_shutdown(void *state, const host_services *host)
{
    const game_state *s = state;
    host->log("shutdown at tick=%" PRIu64 " score=%d best=%d", s->tick, s->score, s->best);
}

/* The layout changed. When only GAME_ITEM_COUNT did, everything before the items array is
 * where it was: copy what fits, and the new items (zero = NONE) spawn on the next update.
 * That is the case it accepts: the same version, and an old size that differs by whole items.
 * Anything else is refused rather than read at the wrong offsets: the same size with another
 * layout hash (a reordered or retyped field), or a field added without bumping
 * GAME_STATE_VERSION (one exactly an item wide would slip through: bump the version). */
static int game_migrate(void *new_state, const void *old_state, uint64_t old_size,
                        uint32_t old_version, uint64_t old_hash)
{
    (void)old_hash;
    const size_t head = offsetof(game_state, items);
    if (old_version != GAME_STATE_VERSION || old_size < head || old_size == sizeof(game_state) ||
        (old_size - head) % sizeof(game_item) != 0)
        return 1;
    memcpy(new_state, old_state, old_size < sizeof(game_state) ? old_size : sizeof(game_state));
    return 0;
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_version = GAME_STATE_VERSION,
    .state_size = sizeof(game_state),
    .state_type = "game_state", /* the host reads its layout from the debug information */
    .init = game_init,
    .reload = game_reload,
    .update = game_update,
    .render = game_render,
    .shutdown = game_shutdown,
    .migrate = game_migrate,
};
