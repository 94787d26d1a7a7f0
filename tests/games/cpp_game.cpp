// cpp_game.cpp - a test game in C++: game_api.h and GAME_EXPORT work unchanged, the API struct
// gets C linkage, and C++ features (a class, a lambda, a template) run inside the hooks.
#include "game_api.h"

#include <algorithm>
#include <array>

#ifndef SKY
#define SKY 40
#endif

namespace {

struct cpp_state {
    std::array<int, 4> values;
    int ticks;
};

template <typename T> T clamp_to(T v, T lo, T hi)
{
    return std::max(lo, std::min(v, hi));
}

void cpp_init(void *s, const host_services *host)
{
    auto *st = static_cast<cpp_state *>(s);
    st->values = { 3, 1, 2, 0 };
    std::sort(st->values.begin(), st->values.end());
    host->log("cpp init sorted=%d%d%d%d", st->values[0], st->values[1], st->values[2],
              st->values[3]);
}

void cpp_update(void *s, const host_services *, const game_input *)
{
    auto *st = static_cast<cpp_state *>(s);
    st->ticks = clamp_to(st->ticks + 1, 0, 1000000);
}

void cpp_render(const void *, const host_services *host)
{
    auto sky = [](int v) { return static_cast<uint32_t>(clamp_to(v, 0, 255)); };
    host->clear(GAME_RGBA(sky(SKY), 90, 160, 255));
}

} // namespace

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(cpp_state),
    .init = cpp_init,
    .update = cpp_update,
    .render = cpp_render,
};
