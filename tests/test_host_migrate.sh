#!/usr/bin/env bash
# test_host_migrate.sh - migration by field name in a `livehost new` project whose game exports
# no migrate: each edit of its state header (a field inserted, one removed, two reordered, an
# int widened, an array grown, a nested struct grown) reloads with state=migrated and the game
# logs every surviving value intact, the overlay listing what changed; a pointer into the state
# or a changed union is refused with the field named and the game plays on.
# shellcheck source=tests/host_lib.sh
. "$(dirname "$0")/host_lib.sh" || exit 1

NOTICE=e8e070 # the overlay's notices: what a migration changed (COLOR_NOTICE)

# new_game DIR: a new project whose game takes everything about its state from game_state.h:
# STATE_INIT sets the values, STATE_LOG logs them ("reload values ..." after every load,
# "tick values ..." every 30 ticks), STATE_UPDATE runs each tick.
new_game() {
    "$HOST" new "$1" >/dev/null 2>&1 || return 1
    cat >"$1/game/game.c" <<'EOF'
/* game.c - logs its state's values, for the migration tests. */
#include "game_api.h"
#include "game_state.h"

static void my_init(void *state, const host_services *host)
{
    my_state *s = state;
    STATE_INIT(s);
    host->log("new game");
}

static void my_reload(void *state, const host_services *host)
{
    my_state *s = state;
    STATE_LOG("reload", s, host);
}

static void my_update(void *state, const host_services *host, const game_input *in)
{
    my_state *s = state;
    (void)in;
    s->ticks++;
    STATE_UPDATE(s);
    if (s->ticks % 30 == 0)
        STATE_LOG("tick", s, host);
}

static void my_render(const void *state, const host_services *host)
{
    (void)state;
    host->clear(GAME_RGBA(30, 30, 46, 255));
}

GAME_EXPORT const game_api GAME_API_SYMBOL_NAME = {
    .api_version = GAME_API_VERSION,
    .state_size = sizeof(my_state),
    .state_type = "my_state",
    .init = my_init,
    .reload = my_reload,
    .update = my_update,
    .render = my_render,
};
EOF
}

# state_h DIR FIELDS LOG_FORMAT LOG_ARGS [UPDATE]: writes the state header in one step (a
# rename): the struct's fields, what STATE_LOG prints and what STATE_UPDATE does. STATE_INIT
# is $INIT, by default the first layout's values.
state_h() {
    cat >"$1/state.tmp" <<EOF
#include <stdint.h>
typedef struct pos { $(if [ -n "${NESTED:-}" ]; then echo "float z;"; fi) float x, y; } pos;
typedef struct my_state {
    unsigned long long ticks;
$2
} my_state;
#define STATE_INIT(s) ${INIT:-$V1_INIT}
#define STATE_LOG(what, s, host) host->log(what " values $3", $4)
#define STATE_UPDATE(s) (void)(s)${5:+; $5}
EOF
    mv "$1/state.tmp" "$1/game/game_state.h"
}

V1_INIT='(s->score = 1234, s->speed = 2.5f, s->hp = -7, s->items[0] = 10, s->items[1] = 20, s->items[2] = 30, s->items[3] = 40, s->at.x = 1.5f, s->at.y = -2.5f, s->u.i = 99)'
V1_FIELDS='int score; float speed; short hp; int items[4]; pos at; union { int i; float f; } u;'
V1_LOG='score=%d speed=%g hp=%d items=%d,%d,%d,%d at=%g,%g u=%d'
V1_ARGS='s->score, (double)s->speed, s->hp, s->items[0], s->items[1], s->items[2], s->items[3], (double)s->at.x, (double)s->at.y, s->u.i'
V1_VALUES='score=1234 speed=2.5 hp=-7 items=10,20,30,40 at=1.5,-2.5 u=99'

# step LOG VERSION FIELDS LOG_FORMAT LOG_ARGS VALUES CHANGES [UPDATE]: the header changes, the
# build reloads as VERSION with state=migrated and the changes, and logs VALUES.
step() {
    local log=$1 version=$2
    mark "$log"
    state_h "$DIR" "$3" "$4" "$5" "${8:-}"
    expect "version $version: no migrated reload ($7): $(grep -E 'refused|reloaded|build-failed' "$log" | tail -2)" \
        wait_new "$log" "^livehost: reloaded version=$version .*state=migrated changes=\"$7\"\$" || return 1
    expect "version $version: the values did not survive: $(grep 'values' "$log" | tail -1)" \
        wait_new "$log" "^livehost: log text=\"reload values $6\"\$"
}

migrates_by_field_name() {
    local log=$TMP/mig.log
    DIR=$TMP/mig
    expect "could not write the game" new_game "$DIR" || return
    state_h "$DIR" "$V1_FIELDS" "$V1_LOG" "$V1_ARGS"
    local png=$TMP/mig.png
    (cd "$DIR" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --overlay --screenshot "$png" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the game did not load: $(tail -3 "$log")" wait_for "$log" '^livehost: loaded version=1 ' || return
    expect "the game did not run: $(tail -3 "$log")" wait_for "$log" "^livehost: log text=\"tick values $V1_VALUES\"\$" || return
    expect "no frame before the first migration" frames "$log"
    expect "a notice ($NOTICE) before any migration" [ "$(count_color "$png" "$NOTICE")" -eq 0 ]
    local INIT='(void)(s)' # the later layouts start from the first one's values

    # A field inserted in the middle: it starts at zero.
    step "$log" 2 'int score; int inserted; float speed; short hp; int items[4]; pos at; union { int i; float f; } u;' \
        "inserted=%d $V1_LOG" "s->inserted, $V1_ARGS" "inserted=0 $V1_VALUES" \
        '\+ int inserted @12; speed: moved @12 -> @16; .*' || return
    # One removed.
    step "$log" 3 'int score; int inserted; float speed; int items[4]; pos at; union { int i; float f; } u;' \
        'score=%d speed=%g items=%d,%d,%d,%d at=%g,%g u=%d' \
        's->score, (double)s->speed, s->items[0], s->items[1], s->items[2], s->items[3], (double)s->at.x, (double)s->at.y, s->u.i' \
        'score=1234 speed=2.5 items=10,20,30,40 at=1.5,-2.5 u=99' '.*- short hp' || return
    # Two reordered, and int widened to int64_t.
    step "$log" 4 'float speed; int64_t score; int inserted; int items[4]; pos at; union { int i; float f; } u;' \
        'score=%lld speed=%g items=%d,%d,%d,%d at=%g,%g u=%d' \
        '(long long)s->score, (double)s->speed, s->items[0], s->items[1], s->items[2], s->items[3], (double)s->at.x, (double)s->at.y, s->u.i' \
        'score=1234 speed=2.5 items=10,20,30,40 at=1.5,-2.5 u=99' '.*score: int -> int64_t, moved @8 -> @16; .*' || return
    # An array grown: the new elements start at zero.
    step "$log" 5 'float speed; int64_t score; int inserted; int items[6]; pos at; union { int i; float f; } u;' \
        'score=%lld speed=%g items=%d,%d,%d,%d,%d,%d at=%g,%g u=%d' \
        '(long long)s->score, (double)s->speed, s->items[0], s->items[1], s->items[2], s->items[3], s->items[4], s->items[5], (double)s->at.x, (double)s->at.y, s->u.i' \
        'score=1234 speed=2.5 items=10,20,30,40,0,0 at=1.5,-2.5 u=99' 'items\[\]: 4 -> 6 elements; .*' || return
    # A nested struct grown in front: its fields follow by name.
    NESTED=1 step "$log" 6 'float speed; int64_t score; int inserted; int items[6]; pos at; union { int i; float f; } u;' \
        'score=%lld speed=%g items=%d,%d,%d,%d,%d,%d at=%g,%g,%g u=%d' \
        '(long long)s->score, (double)s->speed, s->items[0], s->items[1], s->items[2], s->items[3], s->items[4], s->items[5], (double)s->at.x, (double)s->at.y, (double)s->at.z, s->u.i' \
        'score=1234 speed=2.5 items=10,20,30,40,0,0 at=1.5,-2.5,0 u=99' '\+ float at.z @[0-9]+; .*' || return
    expect "no frame after the last migration" frames "$log"
    stop_host TERM
    expect "the overlay shows no notice of what was migrated ($NOTICE)" [ "$(count_color "$png" "$NOTICE")" -gt 50 ]
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "a crash: $(grep crash "$log")" not grep -q '^livehost: crash ' "$log"
}

# A pointer into the state (it would dangle once the block is replaced), and a union whose members changed, are refused with
# the field named; the game plays on with its values.
refuses_unsafe_changes() {
    local log=$TMP/unsafe.log
    DIR=$TMP/unsafe
    expect "could not write the game" new_game "$DIR" || return
    local fields="void *self; $V1_FIELDS"
    state_h "$DIR" "$fields" "$V1_LOG" "$V1_ARGS" 's->self = s'
    local png=$TMP/mig.png
    (cd "$DIR" && exec timeout "$LIMIT" "$HOST" --headless --frames 0 --overlay --screenshot "$png" 2>"$log") &
    HOST_PID=$!
    HOST_PIDS+=("$HOST_PID")
    expect "the game did not load: $(tail -3 "$log")" wait_for "$log" '^livehost: loaded version=1 ' || return
    expect "the game did not run: $(tail -3 "$log")" wait_for "$log" "^livehost: log text=\"tick values $V1_VALUES\"\$" || return
    expect "no frame before the first migration" frames "$log"
    expect "a notice ($NOTICE) before any migration" [ "$(count_color "$png" "$NOTICE")" -eq 0 ]
    mark "$log"
    state_h "$DIR" "int before; $fields" "$V1_LOG" "$V1_ARGS" 's->self = s'
    expect "a pointer into the state was not refused: $(grep -E 'refused|reloaded' "$log" | tail -1)" \
        wait_new "$log" '^livehost: refused reason=".*: state size changed 56 -> 64 bytes \(.*\), and it cannot be migrated by field name: self: points into the state block, which the migration replaces; restart the game' || return
    mark "$log"
    state_h "$DIR" "int score; float speed; short hp; int items[4]; pos at; union { int i; double f; } u;" \
        "$V1_LOG" "$V1_ARGS"
    expect "a changed union was not refused: $(grep -E 'refused|reloaded' "$log" | tail -1)" \
        wait_new "$log" '^livehost: refused reason=".*, and it cannot be migrated by field name: u: union changed; ' || return
    mark "$log"
    expect "the game did not play on with its values: $(tail -2 "$log")" \
        wait_new "$log" "^livehost: log text=\"tick values $V1_VALUES\"\$"
    stop_host TERM
    expect "exit code $HOST_RC, want 0" [ "$HOST_RC" -eq 0 ]
    expect "a refused build was loaded: $(grep reloaded "$log")" not grep -q '^livehost: reloaded ' "$log"
}

for c in ${CASES:-migrates_by_field_name refuses_unsafe_changes}; do
    run_case "$c"
done
