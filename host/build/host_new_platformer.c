/* host_new_platformer.c - the project `livehost new --template platformer DIR` writes: a small
 * platformer that runs and jumps on a sprite sheet, plays a sound, reads the keyboard and the
 * first gamepad, and keeps its hero in the state across reloads.
 * Its assets are made here, not shipped as files: the sprite sheet (assets/hero.bmp, four
 * 16x16 frames drawn from the character pictures below, magenta where it is transparent) and
 * the jump sound (assets/jump.wav, a rising square wave).
 *
 * Data and the two asset makers only: host_new.c writes the files.
 */
#include "host_new.h"

#include <stdint.h>
#include <string.h>

static const char game_c[] =
    "/* game.c - a small platformer for livehost: run and jump over the platforms, take the\n"
    " * coins. Save this file while `livehost` runs: the host rebuilds it and the hero keeps\n"
    " * its place.\n"
    " *\n"
    " * What it shows:\n"
    " * - a sprite sheet: assets/hero.bmp holds four 16x16 frames side by side (stand, run,\n"
    " *   run, jump) on a magenta background that texture_keyed makes transparent;\n"
    " *   draw_sprite picks a frame with src_x and mirrors it with GAME_FLIP_X;\n"
    " * - a sound: assets/jump.wav, played on a jump, and an octave up (pitch 2) for a coin;\n"
    " * - keyboard and gamepad: arrows/A/D or the pad's d-pad and left stick run, Space/Up/W\n"
    " *   or the pad's A button jump;\n"
    " * - a state that survives reloads: everything is in my_state (game_state.h); textures\n"
    " *   and sounds are handles the host keeps, asked for once in init.\n"
    " * Try: change GRAVITY, JUMP_SPEED or SKY below and save while jumping. */\n"
    "#include \"game_api.h\"\n"
    "#include \"game_state.h\"\n"
    "\n"
    "#include <stdio.h>\n"
    "\n"
    "/* Try these while it runs. */\n"
    "#define SKY GAME_RGBA(40, 44, 80, 255)\n"
    "#define GROUND GAME_RGBA(70, 150, 80, 255)\n"
    "#define COIN GAME_RGBA(250, 220, 60, 255)\n"
    "#define GRAVITY 900.0f    /* pixels per second per second */\n"
    "#define RUN_SPEED 110.0f  /* pixels per second */\n"
    "#define JUMP_SPEED 330.0f /* pixels per second, upward */\n"
    "\n"
    "#define WIDTH 320 /* the drawing area, scaled to the window */\n"
    "#define HEIGHT 180\n"
    "#define FRAME 16 /* one frame of the sprite sheet, in texels */\n"
    "#define SIZE 32  /* the hero on screen: each texel drawn 2x2 */\n"
    "\n"
    "/* The level: read-only data, so the code may change it on any reload. */\n"
    "static const struct {\n"
    "    float x, y, w, h;\n"
    "} platforms[] = {\n"
    "    { 0, 156, WIDTH, 24 },\n"
    "    { 70, 118, 60, 8 },\n"
    "    { 170, 88, 60, 8 },\n"
    "    { 250, 120, 50, 8 },\n"
    "};\n"
    "static const struct {\n"
    "    float x, y;\n"
    "} coins[] = { { 100, 100 }, { 200, 70 }, { 275, 102 }, { 300, 140 } };\n"
    "#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))\n"
    "\n"
    "static void my_init(void *state, const host_services *host)\n"
    "{\n"
    "    my_state *s = state;\n"
    "    s->x = 40;\n"
    "    s->y = platforms[0].y - SIZE;\n"
    "    s->on_ground = 1;\n"
    "    s->hero = host->texture_keyed(\"hero.bmp\", GAME_RGBA(255, 0, 255, 255));\n"
    "    s->jump = host->sound(\"jump.wav\");\n"
    "    host->log(\"new game\");\n"
    "}\n"
    "\n"
    "static void my_reload(void *state, const host_services *host)\n"
    "{\n"
    "    const my_state *s = state;\n"
    "    host->log(\"reloaded at tick=%llu x=%d\", s->ticks, (int)s->x);\n"
    "}\n"
    "\n"
    "/* -1 .. 1: left or right, from the keyboard or the first gamepad. */\n"
    "static float run_input(const game_input *in)\n"
    "{\n"
    "    const game_pad *pad = &in->pads[0];\n"
    "    float move = 0;\n"
    "    if ((in->buttons & GAME_BUTTON_LEFT) || (pad->buttons & GAME_PAD_LEFT))\n"
    "        move -= 1;\n"
    "    if ((in->buttons & GAME_BUTTON_RIGHT) || (pad->buttons & GAME_PAD_RIGHT))\n"
    "        move += 1;\n"
    "    float stick = pad->axes[GAME_AXIS_LEFT_X];\n"
    "    if (stick > 0.3f ||\n"
    "        stick < -0.3f) /* a dead zone: a resting stick is never quite 0 */\n"
    "        move += stick;\n"
    "    return move < -1 ? -1 : move > 1 ? 1 : move;\n"
    "}\n"
    "\n"
    "/* Lands the hero on a platform its feet crossed this update (platforms are one-way: it\n"
    " * jumps through them from below). */\n"
    "static void land(my_state *s, float old_feet)\n"
    "{\n"
    "    s->on_ground = 0;\n"
    "    if (s->vy < 0)\n"
    "        return;\n"
    "    for (int i = 0; i < COUNT(platforms); i++) {\n"
    "        float top = platforms[i].y, feet = s->y + SIZE;\n"
    "        int over = s->x + SIZE - 8 > platforms[i].x &&\n"
    "                   s->x + 8 < platforms[i].x + platforms[i].w;\n"
    "        if (over && old_feet <= top && feet >= top) {\n"
    "            s->y = top - SIZE;\n"
    "            s->vy = 0;\n"
    "            s->on_ground = 1;\n"
    "        }\n"
    "    }\n"
    "}\n"
    "\n"
    "static void take_coins(my_state *s, const host_services *host)\n"
    "{\n"
    "    for (int i = 0; i < COUNT(coins); i++) {\n"
    "        float dx = coins[i].x - (s->x + SIZE / 2), dy = coins[i].y - (s->y + SIZE / 2);\n"
    "        if (!(s->coins_taken & (1u << i)) && dx * dx + dy * dy < 16 * 16) {\n"
    "            s->coins_taken |= 1u << i;\n"
    "            s->score++;\n"
    "            host->play(s->jump, 0.8f, 0, 2, 0);\n"
    "            host->log(\"coin score=%d\", s->score);\n"
    "        }\n"
    "    }\n"
    "}\n"
    "\n"
    "static void my_update(void *state, const host_services *host, const game_input *in)\n"
    "{\n"
    "    my_state *s = state;\n"
    "    s->ticks++;\n"
    "    float move = run_input(in);\n"
    "    s->vx = move * RUN_SPEED;\n"
    "    if (move < 0)\n"
    "        s->facing_left = 1;\n"
    "    else if (move > 0)\n"
    "        s->facing_left = 0;\n"
    "    int jump = (in->pressed & (GAME_BUTTON_ACTION | GAME_BUTTON_UP)) ||\n"
    "               (in->pads[0].pressed & GAME_PAD_A);\n"
    "    if (jump && s->on_ground) {\n"
    "        s->vy = -JUMP_SPEED;\n"
    "        host->play(s->jump, 0.8f, 0, 1,\n"
    "                   0); /* in update, never render: replays hear it too */\n"
    "        host->log(\"jump at tick=%llu x=%d\", s->ticks, (int)s->x);\n"
    "    }\n"
    "    float old_feet = s->y + SIZE;\n"
    "    s->vy += GRAVITY * host->dt;\n"
    "    s->x += s->vx * host->dt;\n"
    "    s->y += s->vy * host->dt;\n"
    "    if (s->x < 0)\n"
    "        s->x = 0;\n"
    "    if (s->x > WIDTH - SIZE)\n"
    "        s->x = WIDTH - SIZE;\n"
    "    land(s, old_feet);\n"
    "    take_coins(s, host);\n"
    "    if (s->coins_taken == (1u << COUNT(coins)) - 1) {\n"
    "        host->log(\"all coins at tick=%llu\", s->ticks);\n"
    "        s->coins_taken = 0; /* the coins come back */\n"
    "    }\n"
    "}\n"
    "\n"
    "static void my_render(const void *state, const host_services *host)\n"
    "{\n"
    "    const my_state *s = state;\n"
    "    host->clear(SKY);\n"
    "    for (int i = 0; i < COUNT(platforms); i++)\n"
    "        host->fill_rect(platforms[i].x, platforms[i].y, platforms[i].w, platforms[i].h,\n"
    "                        GROUND);\n"
    "    for (int i = 0; i < COUNT(coins); i++)\n"
    "        if (!(s->coins_taken & (1u << i)))\n"
    "            host->fill_circle(coins[i].x, coins[i].y, 5, COIN);\n"
    "    /* Frames: 0 stand, 1 and 2 run (every 8 updates), 3 in the air. */\n"
    "    int frame = !s->on_ground ? 3 : s->vx != 0 ? 1 + (int)(s->ticks / 8 % 2) : 0;\n"
    "    host->draw_sprite(s->hero,\n"
    "                      &(game_sprite){ .x = s->x,\n"
    "                                      .y = s->y,\n"
    "                                      .w = SIZE,\n"
    "                                      .h = SIZE,\n"
    "                                      .src_x = (float)(frame * FRAME),\n"
    "                                      .src_w = FRAME,\n"
    "                                      .src_h = FRAME,\n"
    "                                      .flip = s->facing_left ? GAME_FLIP_X : 0 });\n"
    "    char score[32];\n"
    "    snprintf(score, sizeof score, \"coins: %d\", s->score);\n"
    "    host->draw_text(6, 6, 1, GAME_RGBA(255, 255, 255, 255), score);\n"
    "}\n"
    "\n"
    "GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {\n"
    "    .api_version = GAME_API_VERSION,\n"
    "    .state_size = sizeof(my_state),\n"
    "    .state_type = \"my_state\", /* the host reads its layout from the debug information */\n"
    "    .window = { .width = WIDTH, .height = HEIGHT, .title = \"platformer\" },\n"
    "    .init = my_init,\n"
    "    .reload = my_reload,\n"
    "    .update = my_update,\n"
    "    .render = my_render,\n"
    "};\n";

static const char state_h[] =
    "/* game_state.h - everything the platformer remembers: the host keeps this block across\n"
    " * reloads, so the hero stays where it is while you edit game.c.\n"
    " * Values and handles only: a pointer into the game's code or strings would dangle after\n"
    " * a reload. The host reads this layout from the build's debug information (-g): change\n"
    " * it and the host refuses the build, naming the fields, until F5 starts the game\n"
    " * fresh. */\n"
    "#ifndef GAME_STATE_H\n"
    "#define GAME_STATE_H\n"
    "\n"
    "#include \"game_api.h\"\n"
    "\n"
    "typedef struct my_state {\n"
    "    float x, y;               /* the hero's top-left corner, in logical pixels */\n"
    "    float vx, vy;             /* its speed, pixels per second (vy > 0: falling) */\n"
    "    int on_ground;            /* 1 while standing on a platform */\n"
    "    int facing_left;          /* the sprite is drawn mirrored */\n"
    "    unsigned coins_taken;     /* one bit per coin of the level */\n"
    "    int score;                /* coins taken */\n"
    "    unsigned long long ticks; /* updates since the game started */\n"
    "    game_texture hero;        /* the sprite sheet (assets/hero.bmp) */\n"
    "    game_sound jump;          /* assets/jump.wav */\n"
    "} my_state;\n"
    "\n"
    "#endif\n";

/* The hero, frame by frame: stand, run, run, in the air. One character per texel. */
enum {
    FRAME = 16,
    FRAMES = 4,
    SHEET_W = FRAME * FRAMES
};
static const char *const hero[FRAMES][FRAME] = {
    { "................", ".....oooooo.....", "....oooooooo....", "....oowkoowk....",
      "....oooooooo....", "....oooooooo....", ".....oooooo.....", "......kkkk......",
      "....oooooooo....", "...oooooooooo...", "...oo.oooo.oo...", "...oo.oooo.oo...",
      ".....bbbbbb.....", ".....bb..bb.....", ".....bb..bb.....", "....kkk..kkk...." },
    { "................", ".....oooooo.....", "....oooooooo....", "....oowkoowk....",
      "....oooooooo....", "....oooooooo....", ".....oooooo.....", "......kkkk......",
      "....oooooooo....", "...oooooooooo...", "..oo..oooo..oo..", "......oooo......",
      ".....bbbbbb.....", "....bb....bb....", "...bb......bb...", "..kkk......kkk.." },
    { "................", ".....oooooo.....", "....oooooooo....", "....oowkoowk....",
      "....oooooooo....", "....oooooooo....", ".....oooooo.....", "......kkkk......",
      "....oooooooo....", "...oooooooooo...", "...oo.oooo.oo...", "...oo.oooo.oo...",
      ".....bbbbbb.....", "......bbbb......", "......bbbb......", ".....kkkkkk....." },
    { "..oo........oo..", "..oo.oooooo.oo..", "..oooooooooooo..", "....oowkoowk....",
      "....oooooooo....", "....oooooooo....", ".....oooooo.....", "......kkkk......",
      "....oooooooo....", "....oooooooo....", "......oooo......", "......oooo......",
      ".....bbbbbb.....", "....bb....bb....", "....kk....kk....", "................" },
};

/* A texel's colour, as BMP's blue, green, red. */
static void texel(char c, unsigned char *bgr)
{
    const unsigned char key[3] = { 255, 0, 255 }, body[3] = { 60, 180, 250 },
                        dark[3] = { 46, 30, 30 }, white[3] = { 255, 255, 255 },
                        legs[3] = { 200, 90, 60 };
    memcpy(bgr, c == 'o' ? body : c == 'k' ? dark : c == 'w' ? white : c == 'b' ? legs : key, 3);
}

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* A file's or a chunk's tag ("BM", "RIFF"), without the string's terminator. */
static void put_tag(unsigned char *at, const char *tag)
{
    while (*tag)
        *at++ = (unsigned char)*tag++;
}

/* A 24-bit BMP: a 14-byte file header, a 40-byte info header, rows bottom-up (each row of
 * 64 texels is 192 bytes, already the multiple of 4 BMP wants). */
static size_t make_sheet(unsigned char *out)
{
    const uint32_t row = SHEET_W * 3, size = 54 + row * FRAME;
    memset(out, 0, 54);
    put_tag(out, "BM");
    put_le(out + 2, size, 4);
    put_le(out + 10, 54, 4);
    put_le(out + 14, 40, 4);
    put_le(out + 18, SHEET_W, 4);
    put_le(out + 22, FRAME, 4);
    put_le(out + 26, 1, 2);
    put_le(out + 28, 24, 2);
    put_le(out + 34, row * FRAME, 4);
    for (int y = 0; y < FRAME; y++)
        for (int x = 0; x < SHEET_W; x++)
            texel(hero[x / FRAME][y][x % FRAME],
                  out + 54 + (size_t)(FRAME - 1 - y) * row + (size_t)x * 3);
    return size;
}

/* The jump: 0.12 s of a square wave rising from 330 to 660 Hz and fading out, 16-bit mono
 * 48 kHz PCM in a 44-byte WAV header. */
enum {
    RATE = 48000,
    JUMP_FRAMES = RATE * 12 / 100
};
static size_t make_jump(unsigned char *out)
{
    const uint32_t data = JUMP_FRAMES * 2;
    put_tag(out, "RIFF");
    put_le(out + 4, 36 + data, 4);
    put_tag(out + 8, "WAVEfmt ");
    put_le(out + 16, 16, 4);
    put_le(out + 20, 1, 2); /* PCM */
    put_le(out + 22, 1, 2); /* mono */
    put_le(out + 24, RATE, 4);
    put_le(out + 28, RATE * 2, 4);
    put_le(out + 32, 2, 2);
    put_le(out + 34, 16, 2);
    put_tag(out + 36, "data");
    put_le(out + 40, data, 4);
    double phase = 0;
    for (int i = 0; i < JUMP_FRAMES; i++) {
        double t = (double)i / JUMP_FRAMES, hz = 330 + 330 * t;
        phase += hz / RATE;
        double level = 9000 * (1 - t);
        int16_t v = (int16_t)(phase - (int)phase < 0.5 ? level : -level);
        put_le(out + 44 + 2 * (size_t)i, (uint16_t)v, 2);
    }
    return 44 + data;
}

static int assets(host_new_file *files, int max)
{
    static unsigned char sheet[54 + SHEET_W * 3 * FRAME], jump[44 + JUMP_FRAMES * 2];
    if (max < 2)
        return 0;
    files[0] = (host_new_file){ "assets/hero.bmp", (const char *)sheet, make_sheet(sheet) };
    files[1] = (host_new_file){ "assets/jump.wav", (const char *)jump, make_jump(jump) };
    return 2;
}

const host_new_template host_new_platformer_template = {
    .name = "platformer",
    .about = "run and jump: a sprite sheet, a sound, keyboard and gamepad",
    .game_c = game_c,
    .state_h = state_h,
    .pkgs = "",
    .assets = assets,
};
