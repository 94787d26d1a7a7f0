#!/usr/bin/env bash
# test_host_draw.sh - the drawing services as pixels: a filled circle covers about pi r^2
# pixels, an outline is closed and one pixel thin, a line lies on its path, a polygon covers its
# area and a translucent one blends every pixel once; text in a TrueType font (DejaVu Sans from
# fonts-dejavu-core, copied into the assets directory) is drawn anti-aliased where measure_text
# says, with kerning and a glyph beyond ASCII; a broken, cut-off or missing font file gives one
# asset-missing event and a handle that draws with the built-in font; a font saved while the
# game runs is read again behind the same handle; and the host frees it all (valgrind).
# The game is tests/games/draw.c; one headless run of it gives the screenshot most cases read.
# Sprites: tests/games/sprite.c draws one frame of a sprite sheet (written here as a BMP: four
# quadrants of four colours, the rest of the sheet yellow) flipped, turned, tinted, faded and
# added, and the cases read where each quadrant's colour landed.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

DEJAVU=/usr/share/fonts/truetype/dejavu
GAME=$TMP/draw.so
ASSETS=$TMP/assets
SHOT=$TMP/draw.png
SHOT_LOG=$TMP/draw.log

# build_draw_game: tests/games/draw.c as a game library, the way a game's Makefile builds one
# (DWARF 4: valgrind 3.19 cannot read the DWARF 5 clang writes by default).
build_draw_game() {
    "${CC:-cc}" -gdwarf-4 -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$ROOT/include" \
        "$ROOT/tests/games/draw.c" -o "$GAME.tmp" >"$GAME.log" 2>&1 && mv -f "$GAME.tmp" "$GAME"
}

# make_assets DIR: the fonts draw.c asks for: DejaVu Sans, live.ttf (a copy of it), broken.ttf
# (text), cut.ttf (DejaVu Sans cut after 2000 bytes); missing.ttf is not there.
make_assets() {
    mkdir -p "$1" &&
        cp "$DEJAVU/DejaVuSans.ttf" "$1/DejaVuSans.ttf" &&
        cp "$DEJAVU/DejaVuSans.ttf" "$1/live.ttf" &&
        echo "not a font" >"$1/broken.ttf" &&
        head -c 2000 "$DEJAVU/DejaVuSans.ttf" >"$1/cut.ttf"
}

# logged LOG WORD KEY: the number after KEY= in the game's first "WORD ..." log line.
logged() {
    grep -m1 "^livehost: log text=\"$2 " "$1" | sed -n "s/.* $3=\([-0-9.]*\).*/\1/p"
}

# within VALUE WANT PERCENT: VALUE is within PERCENT % of WANT.
within() {
    awk -v v="$1" -v w="$2" -v p="$3" 'BEGIN { d = v - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'
}

# holds AWK-CONDITION NAME=VALUE...: the condition on the named numbers is true.
holds() {
    local cond=$1 vars=() kv
    shift
    for kv in "$@"; do vars+=(-v "$kv"); done
    awk "${vars[@]}" "BEGIN { exit !($cond) }"
}

# wait_for_count FILE PATTERN N: until at least N lines of FILE match (20 s at most).
wait_for_count() {
    local i
    for ((i = 0; i < 400; i++)); do
        [ "$(grep -Ec -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
        sleep 0.05
    done
    return 1
}

# The sprite game (tests/games/sprite.c), its sheet and one screenshot of it.
SPRITE_GAME=$TMP/sprite.so
SPRITE_ASSETS=$TMP/sprite-assets
SPRITE_SHOT=$TMP/sprite.png

# bytes HEX: those bytes, e.g. bytes 424d for "BM".
bytes() {
    local esc="" i
    for ((i = 0; i < ${#1}; i += 2)); do esc+="\\x${1:i:2}"; done
    printf '%b' "$esc"
}

# le NUMBER SIZE: NUMBER as SIZE little-endian bytes.
le() {
    local hex="" i
    for ((i = 0; i < $2; i++)); do hex+=$(printf '%02x' $((($1 >> (8 * i)) & 255))); done
    bytes "$hex"
}

# sheet_bmp FILE: a 16 x 16 24-bit BMP, yellow but for its frame of 8 x 8 texels at 8, 8: red
# top-left, green top-right, blue bottom-left, white bottom-right quadrants (rows are stored
# bottom-up, texels as blue, green, red).
sheet_bmp() {
    local x y row
    {
        bytes 424d && le $((54 + 768)) 4 && le 0 4 && le 54 4 && le 40 4 && le 16 4 && le 16 4 &&
            le 1 2 && le 24 2 && le 0 4 && le 768 4 && le 2835 4 && le 2835 4 && le 0 4 && le 0 4
        for ((y = 15; y >= 0; y--)); do
            row=""
            for ((x = 0; x < 16; x++)); do
                if ((x < 8 || y < 8)); then
                    row+=00ffff
                elif ((y < 12)); then
                    if ((x < 12)); then row+=0000ff; else row+=00ff00; fi
                elif ((x < 12)); then
                    row+=ff0000
                else
                    row+=ffffff
                fi
            done
            bytes "$row"
        done
    } >"$1"
}

# build_sprite_game: tests/games/sprite.c as a game library (a temporary name, renamed).
build_sprite_game() {
    "${CC:-cc}" -g -fPIC -fvisibility=hidden -shared -Wl,-z,defs -I"$ROOT/include" \
        "$ROOT/tests/games/sprite.c" -o "$SPRITE_GAME.tmp" >"$SPRITE_GAME.log" 2>&1 &&
        mv -f "$SPRITE_GAME.tmp" "$SPRITE_GAME"
}

setup_sprites() {
    if ! { mkdir -p "$SPRITE_ASSETS" && sheet_bmp "$SPRITE_ASSETS/sheet.bmp"; }; then
        SPRITE_WHY="could not write $SPRITE_ASSETS/sheet.bmp"
    elif ! build_sprite_game; then
        SPRITE_WHY="could not build tests/games/sprite.c: $(tail -3 "$SPRITE_GAME.log")"
    elif ! timeout 60 "$HOST" --headless --no-overlay --game "$SPRITE_GAME" \
        --assets "$SPRITE_ASSETS" --frames 2 --screenshot "$SPRITE_SHOT" 2>"$TMP/sprite.log"; then
        SPRITE_WHY="the host run failed: $(tail -2 "$TMP/sprite.log")"
    fi
}

# sprite_is X Y TL TR BL BR: the 64 x 64 sprite drawn at X, Y has these colours at the centres
# of its quadrants (16 and 48 pixels in), and its corner pixels are inside its box: its
# top-left one is the TL colour at X, Y and the pixels just outside (X-1, Y-1 and X+64, Y+64)
# are the sky.
sprite_is() {
    local x=$1 y=$2 at want got
    shift 2
    expect "${SPRITE_WHY:-}" [ -z "${SPRITE_WHY:-}" ] || return
    for at in "16 16 $1" "48 16 $2" "16 48 $3" "48 48 $4" "0 0 $1" "63 63 $4" "-1 -1 000000" "64 64 000000"; do
        read -r dx dy want <<<"$at"
        got=$("$PIXEL" "$SPRITE_SHOT" at $((x + dx)) $((y + dy)))
        expect "the sprite at $x,$y has $got at +$dx,+$dy, want $want" [ "$got" = "$want" ] || return
    done
}

RED=ff0000 GREEN=00ff00 BLUE=0000ff WHITE=ffffff

# The frame as it is: the quadrants in place, inside its box, and no yellow of the sheet
# around it on screen (the source rectangle is the frame's).
sprite_frame_lands_in_its_box() {
    sprite_is 20 20 $RED $GREEN $BLUE $WHITE || return
    expect "the sheet's yellow is on screen: the source rectangle is not the frame's" \
        [ "$(count_color "$SPRITE_SHOT" ffff00)" = 0 ]
}

# GAME_FLIP_X mirrors left and right, GAME_FLIP_Y top and bottom.
sprite_flips() {
    sprite_is 120 20 $GREEN $RED $WHITE $BLUE || return
    sprite_is 220 20 $BLUE $WHITE $RED $GREEN
}

# angle 90 turns it a quarter clockwise about its centre: the top-left quadrant goes to the
# top-right; with GAME_FLIP_X too, the mirror is turned (SDL flips first, then rotates).
sprite_rotates_clockwise() {
    sprite_is 320 20 $BLUE $RED $WHITE $GREEN || return
    sprite_is 520 20 $WHITE $GREEN $BLUE $RED
}

# tint 255, 128, 0 multiplies every texel: red stays, green halves, blue goes black, white
# becomes the tint. (A black quadrant is the sky's colour: its corner check is left out.)
sprite_tint_multiplies() {
    local at want got
    expect "${SPRITE_WHY:-}" [ -z "${SPRITE_WHY:-}" ] || return
    for at in "436 36 ff0000" "468 36 008000" "436 68 000000" "468 68 ff8000" "420 20 ff0000" "483 83 ff8000"; do
        read -r x y want <<<"$at"
        got=$("$PIXEL" "$SPRITE_SHOT" at "$x" "$y")
        expect "the tinted sprite has $got at $x,$y, want $want" [ "$got" = "$want" ] || return
    done
}

# near HEX WANT TOL: each channel of HEX within TOL of WANT's.
near() {
    local i
    for i in 0 2 4; do
        (($(printf '%d' "0x${1:i:2}") - $(printf '%d' "0x${2:i:2}") <= $3)) &&
            (($(printf '%d' "0x${2:i:2}") - $(printf '%d' "0x${1:i:2}") <= $3)) || return 1
    done
}

# Alpha 128 over the black sky: every quadrant at half its colour (a blend rounds either
# way: within 2); GAME_BLEND_ADD adds the texels to the 0, 0, 128 box beneath (full alpha:
# exact, clamped at 255), and with alpha 128 adds half of them.
sprite_alpha_and_add_blend() {
    local at want got
    expect "${SPRITE_WHY:-}" [ -z "${SPRITE_WHY:-}" ] || return
    for at in "36 136 800000" "68 136 008000" "36 168 000080" "68 168 808080"; do
        read -r x y want <<<"$at"
        got=$("$PIXEL" "$SPRITE_SHOT" at "$x" "$y")
        expect "alpha 128: $got at $x,$y, want about $want" near "$got" "$want" 2 || return
    done
    sprite_is 120 120 ff0080 00ff80 0000ff ffffff || return
    for at in "236 136 800080" "268 136 008080" "236 168 0000ff" "268 168 8080ff"; do
        read -r x y want <<<"$at"
        got=$("$PIXEL" "$SPRITE_SHOT" at "$x" "$y")
        expect "GAME_BLEND_ADD at alpha 128: $got at $x,$y, want about $want" near "$got" "$want" 2 || return
    done
}

setup() {
    [ -f "$DEJAVU/DejaVuSans.ttf" ] && [ -f "$DEJAVU/DejaVuSerif.ttf" ] ||
        SETUP_WHY="no $DEJAVU/DejaVuSans.ttf and DejaVuSerif.ttf (Debian package fonts-dejavu-core)"
    [ -z "${SETUP_WHY:-}" ] && { build_draw_game ||
        SETUP_WHY="could not build tests/games/draw.c: $(tail -3 "$GAME.log")"; }
    [ -z "${SETUP_WHY:-}" ] && { make_assets "$ASSETS" || SETUP_WHY="could not make $ASSETS"; }
    [ -z "${SETUP_WHY:-}" ] || return
    timeout "$LIMIT" "$HOST" --headless --no-overlay --game "$GAME" --assets "$ASSETS" --frames 3 \
        --screenshot "$SHOT" 2>"$SHOT_LOG" ||
        SETUP_WHY="the host run failed: $(tail -2 "$SHOT_LOG")"
}

ready() { expect "${SETUP_WHY:-}" [ -z "${SETUP_WHY:-}" ]; }

# A disc of radius 40: about pi 40^2 = 5026.5 pixels.
filled_circle_covers_its_area() {
    ready || return
    local n
    n=$(count_color "$SHOT" ff0000)
    expect "the filled circle has $n pixels, want 5026 +- 2%" within "$n" 5026.5 2
}

# An outline of radius 40: one closed 8-connected ring (the inside stays apart from the outside:
# the sky forms exactly two regions), about 4 sqrt(2) r pixels, no more than a one-pixel ring.
circle_outline_is_closed_and_thin() {
    ready || return
    local n rings skies
    n=$(count_color "$SHOT" 00ff00)
    rings=$("$PIXEL" "$SHOT" regions 00ff00 8)
    skies=$("$PIXEL" "$SHOT" regions 102030 4)
    expect "the outline is $rings pieces, want 1" [ "$rings" = 1 ] || return
    expect "the sky is $skies regions, want 2 (outside, and inside the ring)" [ "$skies" = 2 ] || return
    expect "the outline has $n pixels, want 200..280 (5r..7r)" holds 'n >= 200 && n <= 280' n="$n"
}

# A line from 20,150 to 220,210: one pixel per column (201), its ends and middle on the path.
line_lies_on_its_path() {
    ready || return
    local n xy at
    n=$(count_color "$SHOT" 0000ff)
    expect "the line has $n pixels, want 201 (one per column)" holds 'n >= 200 && n <= 202' n="$n" || return
    for xy in "20 150" "220 210" "120 180" "70 165" "170 195"; do
        # shellcheck disable=SC2086 # two numbers
        at=$("$PIXEL" "$SHOT" at $xy)
        expect "pixel $xy is $at, want the line's 0000ff" [ "$at" = 0000ff ] || return
    done
}

# A trapezoid of area (100 + 140) / 2 * 80 = 9600.
polygon_covers_its_area() {
    ready || return
    local n
    n=$(count_color "$SHOT" ffff00)
    expect "the polygon has $n pixels, want 9600 +- 1%" within "$n" 9600 1
}

# A translucent hexagon of area 4080, drawn as a fan of four triangles: every pixel blended
# once, so all of it has the colour of its centre (a seam blended twice would be brighter).
translucent_polygon_blends_once() {
    ready || return
    local centre n
    centre=$("$PIXEL" "$SHOT" at 470 80)
    n=$("$PIXEL" "$SHOT" count "$centre" 1)
    expect "the hexagon's centre is $centre, want cyan over the sky" [ "$centre" != 00ffff ] || return
    expect "$n pixels have the hexagon's colour $centre, want 4080 +- 1%" within "$n" 4080 1
}

# "Hello, Wörld AV" in DejaVu Sans at 32 px, white at 20,240: anti-aliased pixels (the built-in
# font has none), its ink inside the box measure_text gives, and nearly as wide.
ttf_text_draws_where_measured() {
    ready || return
    local solid soft w h box bx by bw bh
    solid=$(count_color "$SHOT" ffffff)
    soft=$(($("$PIXEL" "$SHOT" count ffffff 200) - solid))
    expect "$solid white pixels, want the text's strokes (> 300)" [ "$solid" -gt 300 ] || return
    expect "$soft partly covered pixels, want anti-aliased edges (> 100)" [ "$soft" -gt 100 ] || return
    w=$(logged "$SHOT_LOG" "measure hello" w) h=$(logged "$SHOT_LOG" "measure hello" h)
    expect "no measure line: $(grep -m1 measure "$SHOT_LOG")" [ -n "$w" ] || return
    expect "no height in the measure line" [ -n "$h" ] || return
    box=$("$PIXEL" "$SHOT" bbox ffffff 200)
    read -r bx by bw bh <<<"$box"
    expect "the ink ($box) is not inside the measured ${w}x$h at 20,240" \
        holds 'bx >= 19 && bx + bw <= 20 + w + 2 && by >= 240 && by + bh <= 240 + h' \
        bx="$bx" by="$by" bw="$bw" bh="$bh" w="$w" h="$h" || return
    expect "the ink is ${bw} wide, the measure $w: want within a quarter of the line height" \
        holds 'bw >= w - h / 4' bw="$bw" w="$w" h="$h" || return
    expect "the ink is $bh tall, want more than half the line height $h" holds 'bh > h / 2' bh="$bh" h="$h"
}

# Kerning: "AV" is narrower than "A" and "V" apart; a codepoint beyond ASCII (the euro sign,
# U+20AC, baked on first use) draws.
ttf_kerning_and_utf8() {
    ready || return
    local a v av euro
    a=$(logged "$SHOT_LOG" measure A) v=$(logged "$SHOT_LOG" measure V)
    av=$(logged "$SHOT_LOG" measure AV)
    expect "AV measures $av, A and V $a + $v: want kerning to bring them closer" \
        holds 'av < a + v - 0.5' av="$av" a="$a" v="$v" || return
    euro=$(count_color "$SHOT" ff8000)
    expect "the euro sign has $euro solid pixels, want > 20" [ "$euro" -gt 20 ]
}

# broken.ttf (text), cut.ttf (cut short) and missing.ttf: one asset-missing event each, with the
# reason; their handles are not 0 and draw their text with the built-in font.
bad_fonts_draw_builtin() {
    ready || return
    local name colour n
    for name in broken cut missing; do
        n=$(grep -c "^livehost: asset-missing name=$name.ttf reason=\"" "$SHOT_LOG")
        expect "$n asset-missing events for $name.ttf, want 1: $(grep "$name" "$SHOT_LOG")" [ "$n" = 1 ] || return
        n=$(logged "$SHOT_LOG" fonts "$name")
        expect "the $name.ttf handle is '$n', want a number > 0" [ "${n:-0}" -gt 0 ] || return
    done
    expect "broken.ttf: no reason saying it is not a font" \
        grep -q '^livehost: asset-missing name=broken.ttf reason="not a TrueType font' "$SHOT_LOG" || return
    expect "cut.ttf: no reason saying it is cut short" \
        grep -q '^livehost: asset-missing name=cut.ttf reason="cut short' "$SHOT_LOG" || return
    expect "missing.ttf: no reason naming the missing file" \
        grep -q '^livehost: asset-missing name=missing.ttf reason="cannot open .*missing.ttf: No such file' "$SHOT_LOG" || return
    for colour in ff00ff 0080ff 00ff80; do
        n=$(count_color "$SHOT" "$colour")
        expect "text in $colour has $n pixels, want the built-in font's (> 50)" [ "$n" -gt 50 ] || return
    done
    expect "the host did not end cleanly" grep -q '^livehost: exit frames=3' "$SHOT_LOG"
}

# live.ttf is saved over while the game runs: DejaVu Serif written in place, then text, then
# DejaVu Sans renamed into place. Each save is read again (asset-reloaded, or asset-missing and
# the built-in font), the width the game measures follows, and the handle stays the same.
saved_font_reloads() {
    ready || return
    local dir=$TMP/live LOG=$TMP/live.log sans serif builtin
    make_assets "$dir" || return
    start_host "$LOG" --no-overlay --game "$GAME" --assets "$dir" --frames 0
    expect "no live width logged: $(tail -2 "$LOG")" wait_for "$LOG" '^livehost: log text="live w=' || return
    sans=$(logged "$LOG" live w)
    cp "$DEJAVU/DejaVuSerif.ttf" "$dir/live.ttf"
    expect "no asset-reloaded after writing DejaVu Serif: $(tail -2 "$LOG")" \
        wait_for "$LOG" '^livehost: asset-reloaded name=live.ttf ms=[0-9.]+$' || return
    expect "the width did not change after the reload: $(grep 'live w=' "$LOG")" \
        wait_for_count "$LOG" '^livehost: log text="live w=' 2 || return
    serif=$(grep '^livehost: log text="live w=' "$LOG" | sed -n '2s/.*live w=\([0-9.]*\).*/\1/p')
    echo "not a font any more" >"$dir/live.ttf"
    expect "no asset-missing after breaking live.ttf: $(tail -2 "$LOG")" \
        wait_for "$LOG" '^livehost: asset-missing name=live.ttf reason="not a TrueType font' || return
    expect "no new width for the built-in font: $(grep 'live w=' "$LOG")" \
        wait_for_count "$LOG" '^livehost: log text="live w=' 3 || return
    builtin=$(grep '^livehost: log text="live w=' "$LOG" | sed -n '3s/.*live w=\([0-9.]*\).*/\1/p')
    cp "$DEJAVU/DejaVuSans.ttf" "$dir/sans.tmp" && mv -f "$dir/sans.tmp" "$dir/live.ttf"
    expect "no asset-reloaded after renaming DejaVu Sans into place: $(tail -2 "$LOG")" \
        wait_for_count "$LOG" '^livehost: asset-reloaded name=live.ttf ' 2 || return
    expect "the width did not come back to DejaVu Sans's $sans: $(grep 'live w=' "$LOG")" \
        wait_for "$LOG" "^livehost: log text=\"live w=$sans " 20 || return
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ] || return
    expect "widths sans $sans, serif $serif, built-in $builtin: want three different ones" \
        holds 'sans != serif && serif != builtin && sans != builtin' \
        sans="$sans" serif="$serif" builtin="$builtin" || return
    expect "a font handle changed across a reload of its file" not grep -q 'handle changed' "$LOG"
}

# The host under valgrind draws every primitive and all the fonts (and the built-in fallback),
# then frees everything: no invalid access, nothing lost, and no block of the drawing or font
# code still held at exit (SDL's own, made at SDL_Init, may be).
valgrind_clean() {
    ready || return
    command -v valgrind >/dev/null || {
        why="valgrind is not installed (scripts/deps.sh test installs it)"
        return
    }
    local log=$TMP/valgrind.log
    timeout 300 valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
        --errors-for-leak-kinds=definite "$HOST" --headless --no-overlay --game "$GAME" \
        --assets "$ASSETS" --frames 3 2>"$log"
    local rc=$?
    expect "valgrind found errors (exit $rc): $(grep -m3 -A3 '^==[0-9]*== [A-Z]' "$log")" [ "$rc" -eq 0 ] || return
    expect "memory of the drawing or font code held at exit: $(grep -m3 -B3 'host_\(font\|draw\)' "$log")" \
        not grep -q 'by 0x[0-9A-F]*: host_\(font\|draw\)' "$log"
}

setup
setup_sprites
# valgrind cannot run a sanitizer build (make asan): that run leaves the case out.
valgrind_case=valgrind_clean
[ -n "${SANFLAGS:-}" ] && valgrind_case=

for c in ${CASES:-filled_circle_covers_its_area circle_outline_is_closed_and_thin \
    line_lies_on_its_path polygon_covers_its_area translucent_polygon_blends_once \
    ttf_text_draws_where_measured ttf_kerning_and_utf8 bad_fonts_draw_builtin \
    saved_font_reloads sprite_frame_lands_in_its_box sprite_flips sprite_rotates_clockwise \
    sprite_tint_multiplies sprite_alpha_and_add_blend $valgrind_case}; do
    run_case "$c"
done
