/* test_migrate.c - unit tests of the migration by field name (host/game/host_layout_migrate.h).
 * The state types are this file's own: the test reads their layouts from its own debug
 * information (the Makefile builds it with -g), fills an mt_old, migrates it into another type
 * and checks each value where the new type has it, or the refusal and the field it names.
 */
#include "check.h"
#include "host_layout.h"
#include "host_layout_migrate.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct mt_pos {
    float x, y;
} mt_pos;
typedef struct mt_item {
    mt_pos at;
    int kind;
} mt_item;
typedef enum mt_mode {
    MT_TITLE,
    MT_PLAY
} mt_mode;

typedef struct mt_old {
    uint64_t tick;
    int score;
    float speed;
    double ratio;
    int16_t hp;
    mt_mode mode;
    unsigned alive : 1, lives : 3;
    int grid[2][3];
    mt_item items[4];
    int gone;
    void *self;
    union {
        int i;
        float f;
    } u;
    union {
        int anon_i;
        float anon_f;
    };
    bool on;
} mt_old;

/* Everything of mt_old moved, retyped, reordered or resized. */
typedef struct mt_pos3 {
    float z, y, x; /* a field added, two swapped */
} mt_pos3;
typedef struct mt_item2 {
    int kind;
    mt_pos3 at;
} mt_item2;
typedef struct mt_new {
    int fresh;     /* inserted */
    int64_t score; /* widened, and before tick now */
    uint64_t tick;
    double speed; /* float -> double */
    int ratio;    /* double -> int */
    int32_t hp;   /* int16_t -> int32_t */
    int mode;     /* enum -> int */
    int lives;    /* a bitfield -> int */
    unsigned alive : 1;
    int grid[3][2];    /* per dimension: [0..1][0..1] */
    mt_item2 items[2]; /* shrunk, its elements reordered and nested deeper */
    void *self;        /* moved, null */
    union {            /* moved, unchanged */
        int i;
        float f;
    } u;
    union {
        int anon_i;
        float anon_f;
    };
    int on; /* bool -> int */
} mt_new;

typedef struct mt_narrow {
    int8_t score;
    unsigned lives : 2;
} mt_narrow;
typedef struct mt_float_narrow {
    float ratio;
} mt_float_narrow;
typedef struct mt_ptr_moved {
    int before;
    void *self;
} mt_ptr_moved;
typedef struct mt_ptr_retyped {
    uint64_t tick;
    int score;
    float speed;
    double ratio;
    int16_t hp;
    mt_mode mode;
    unsigned alive : 1, lives : 3;
    int grid[2][3];
    mt_item items[4];
    int gone;
    char *self; /* same place, another type */
} mt_ptr_retyped;
typedef struct mt_union_changed {
    union {
        int i;
        double f;
    } u;
} mt_union_changed;
typedef struct mt_anon_changed {
    union {
        int anon_i;
        double anon_f;
    };
} mt_anon_changed;
typedef struct mt_scalar_items {
    int items[4];
} mt_scalar_items;
typedef struct mt_struct_score {
    mt_pos score;
} mt_struct_score;
typedef struct mt_grid_flat {
    int grid[6];
} mt_grid_flat;

static mt_old sample(void)
{
    mt_old o;
    memset(&o, 0, sizeof o);
    o.tick = 123456789012ull;
    o.score = -4321;
    o.speed = 2.5f;
    o.ratio = 7.75;
    o.hp = -300;
    o.mode = MT_PLAY;
    o.alive = 1;
    o.lives = 5;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            o.grid[r][c] = 10 * r + c + 1;
    for (int i = 0; i < 4; i++)
        o.items[i] = (mt_item){ .at = { .x = (float)i + 0.5f, .y = -(float)i }, .kind = 100 + i };
    o.gone = 99;
    o.u.f = 1.25f;
    o.anon_i = 77;
    o.on = true;
    return o;
}

static host_layout *layout(const char *type)
{
    host_layout *l = host_layout_read("/proc/self/exe", type);
    if (!l)
        abort(); /* out of memory */
    CHECK(host_layout_error_code(l) == HOST_LAYOUT_OK, "%s: %s", type, host_layout_error_text(l));
    return l;
}

/* Migrates old (an mt_old) into out, a zeroed block of type type; returns the result, the
 * reason in why. */
static int migrate(const mt_old *old, const char *type, void *out, size_t size, char *why,
                   size_t why_size)
{
    host_layout *from = layout("mt_old"), *to = layout(type);
    memset(out, 0, size);
    why[0] = 0;
    int rc = host_layout_migrate(from, old, sizeof *old, to, out, size, why, why_size);
    host_layout_free(from);
    host_layout_free(to);
    return rc;
}

static void every_value_moves_by_name(void)
{
    mt_old o = sample();
    mt_new n;
    char why[512];
    int rc = migrate(&o, "mt_new", &n, sizeof n, why, sizeof why);
    CHECK(rc == 0, "refused: %s", why);
    CHECK(n.fresh == 0, "a new field is %d, not 0", n.fresh);
    CHECK(n.tick == 123456789012ull && n.score == -4321, "tick %llu score %lld",
          (unsigned long long)n.tick, (long long)n.score);
    CHECK(n.speed == 2.5 && n.ratio == 7 && n.hp == -300 && n.mode == MT_PLAY,
          "speed %g ratio %d hp %d mode %d", n.speed, n.ratio, n.hp, n.mode);
    CHECK(n.alive == 1 && n.lives == 5, "alive %u lives %d", n.alive, n.lives);
    int want_grid[3][2] = { { 1, 2 }, { 11, 12 }, { 0, 0 } };
    CHECK(memcmp(n.grid, want_grid, sizeof want_grid) == 0, "grid %d %d / %d %d / %d %d",
          n.grid[0][0], n.grid[0][1], n.grid[1][0], n.grid[1][1], n.grid[2][0], n.grid[2][1]);
    for (int i = 0; i < 2; i++)
        CHECK(n.items[i].kind == 100 + i && n.items[i].at.x == (float)i + 0.5f &&
                  n.items[i].at.y == -(float)i && n.items[i].at.z == 0,
              "items[%d]: kind %d at %g,%g,%g", i, n.items[i].kind, (double)n.items[i].at.x,
              (double)n.items[i].at.y, (double)n.items[i].at.z);
    CHECK(n.self == NULL && n.u.f == 1.25f && n.anon_i == 77 && n.on == 1,
          "self %p u.f %g anon_i %d on %d", n.self, (double)n.u.f, n.anon_i, n.on);
}

static void narrowing_is_range_checked(void)
{
    mt_old o = sample();
    mt_narrow n;
    char why[512];
    o.score = 100;
    o.lives = 3;
    CHECK(migrate(&o, "mt_narrow", &n, sizeof n, why, sizeof why) == 0, "refused: %s", why);
    CHECK(n.score == 100 && n.lives == 3, "score %d lives %u", n.score, n.lives);
    o.score = 300;
    CHECK(migrate(&o, "mt_narrow", &n, sizeof n, why, sizeof why) == -1, "300 fit an int8_t");
    CHECK(strcmp(why, "score: 300 does not fit in int8_t") == 0, "got: %s", why);
    o.score = -129;
    CHECK(migrate(&o, "mt_narrow", &n, sizeof n, why, sizeof why) == -1, "-129 fit an int8_t");
    CHECK(strcmp(why, "score: -129 does not fit in int8_t") == 0, "got: %s", why);
    o.score = 0;
    o.lives = 5;
    CHECK(migrate(&o, "mt_narrow", &n, sizeof n, why, sizeof why) == -1, "5 fit in 2 bits");
    CHECK(strcmp(why, "lives: 5 does not fit in unsigned int of that width") == 0, "got: %s", why);
    mt_float_narrow f;
    o.ratio = 1e300;
    CHECK(migrate(&o, "mt_float_narrow", &f, sizeof f, why, sizeof why) == -1, "1e300 fit a float");
    CHECK(strcmp(why, "ratio: 1e+300 does not fit in float") == 0, "got: %s", why);
}

/* A pointer to something outside the state (a heap or SDL object) moves with its field; one
 * into the old block would dangle once the block is replaced. */
static void pointers_into_the_block_are_refused(void)
{
    static int elsewhere;
    mt_old o = sample();
    mt_ptr_moved p;
    char why[512];
    o.self = &elsewhere;
    CHECK(migrate(&o, "mt_ptr_moved", &p, sizeof p, why, sizeof why) == 0,
          "a pointer to another object that moved was refused: %s", why);
    CHECK(p.self == &elsewhere && p.before == 0, "self %p, want %p", p.self, (void *)&elsewhere);
    o.self = &o.items[2];
    CHECK(migrate(&o, "mt_ptr_moved", &p, sizeof p, why, sizeof why) == -1,
          "a pointer into the old block was carried over");
    CHECK(strcmp(why, "self: points into the state block, which the migration replaces") == 0,
          "got: %s", why);
    mt_ptr_retyped r;
    o.self = &elsewhere;
    CHECK(migrate(&o, "mt_ptr_retyped", &r, sizeof r, why, sizeof why) == -1,
          "a pointer changed type");
    CHECK(strcmp(why, "self: pointer type changed (void * -> char *)") == 0, "got: %s", why);
}

static void unsafe_changes_name_their_field(void)
{
    mt_old o = sample();
    union { /* a block of each type, which also puts the types in the debug information */
        mt_union_changed u;
        mt_anon_changed a;
        mt_scalar_items s;
        mt_struct_score t;
        mt_grid_flat g;
    } out;
    char why[512];
    struct {
        const char *type, *reason;
    } cases[] = {
        { "mt_union_changed", "u: union changed" },
        { "mt_anon_changed", "anon_f: union member changed (float -> double)" },
        { "mt_scalar_items", "items[]: element type changed (mt_item -> int)" },
        { "mt_struct_score", "score: type changed (int -> mt_pos)" },
        { "mt_grid_flat", "grid[]: array dimensions changed [2][3] -> [6]" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(migrate(&o, cases[i].type, &out, sizeof out, why, sizeof why) == -1,
              "%s was migrated", cases[i].type);
        CHECK(strcmp(why, cases[i].reason) == 0, "%s: got \"%s\", want \"%s\"", cases[i].type, why,
              cases[i].reason);
    }
}

/* A block smaller than its layout says (a state file that lies): refused, nothing read past
 * its end. */
static void a_short_block_is_refused(void)
{
    mt_old o = sample();
    mt_new n;
    char why[512];
    host_layout *from = layout("mt_old"), *to = layout("mt_new");
    int rc = host_layout_migrate(from, &o, 8, to, &n, sizeof n, why, sizeof why);
    host_layout_free(from);
    host_layout_free(to);
    CHECK(rc == -1, "a block of 8 bytes was read as %zu", sizeof o);
    CHECK(strstr(why, "lies outside the saved block"), "got: %s", why);
}

/* The canonical text read back is the same layout, and migrates the same way: a state file
 * carries its layout as that text. */
static void a_layout_text_reads_back(void)
{
    host_layout *l = layout("mt_new"), *p = host_layout_parse(host_layout_text(l));
    CHECK(p && host_layout_error_code(p) == HOST_LAYOUT_OK, "%s", host_layout_error_text(p));
    CHECK(strcmp(host_layout_text(p), host_layout_text(l)) == 0, "read back:\n%s\nwas:\n%s",
          host_layout_text(p), host_layout_text(l));
    CHECK(host_layout_hash(p) == host_layout_hash(l) &&
              host_layout_count(p) == host_layout_count(l),
          "another hash or count");
    for (int i = 0; i < host_layout_count(l); i++) {
        const host_layout_field *a = host_layout_field_at(l, i), *b = host_layout_field_at(p, i);
        CHECK(a->parent == b->parent && a->rel == b->rel && a->width == b->width &&
                  strcmp(a->base, b->base) == 0,
              "field %s read back differs", a->path);
    }
    host_layout *old = layout("mt_old"), *from = host_layout_parse(host_layout_text(old));
    host_layout_free(old);
    mt_old o = sample();
    mt_new n;
    char why[512];
    memset(&n, 0, sizeof n);
    CHECK(host_layout_migrate(from, &o, sizeof o, l, &n, sizeof n, why, sizeof why) == 0,
          "refused: %s", why);
    CHECK(n.score == -4321 && n.items[1].at.x == 1.5f && n.lives == 5, "score %lld",
          (long long)n.score);
    host_layout_free(from);
    host_layout_free(p);
    host_layout_free(l);
    host_layout *bad = host_layout_parse("size 8\nscore int @x 4\n");
    CHECK(host_layout_error_code(bad) == HOST_LAYOUT_ERR_PARSE &&
              strcmp(host_layout_error_text(bad), "layout text line 2 is not a field") == 0,
          "got %d: %s", host_layout_error_code(bad), host_layout_error_text(bad));
    host_layout_free(bad);
}

int main(void)
{
    int passed = 0, failed = 0;
    RUN(every_value_moves_by_name, passed, failed);
    RUN(narrowing_is_range_checked, passed, failed);
    RUN(pointers_into_the_block_are_refused, passed, failed);
    RUN(unsafe_changes_name_their_field, passed, failed);
    RUN(a_short_block_is_refused, passed, failed);
    RUN(a_layout_text_reads_back, passed, failed);
    return failed != 0;
}
