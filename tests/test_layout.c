/* test_layout.c - unit tests of the state-layout reader (host/game/host_layout.h) against the
 * variants of one state type in tests/fixtures/layout.c: layout.so is the base, layout_NAME.so
 * changes one thing (a field inserted, two swapped, one added into padding, one widened, an
 * array grown, a nested struct changed, only code), layout_nodebug.so has no -g. Each case
 * checks what a user is shown: equal or different hashes, and the text of the difference or
 * of the error.
 */
#include "check.h"
#include "host_layout.h"

#include <stdlib.h>

#define TYPE "fx_state"

static char fixtures[512]; /* $B/tests/fixtures */

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static host_layout *read_fixture(const char *name, const char *type)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", fixtures, name);
    host_layout *l = host_layout_read(path, type);
    if (!l)
        abort(); /* out of memory */
    return l;
}

/* The difference from the base layout to variant (lines joined by '\n') into out; the
 * variant's hash must differ from the base's. Returns the number of items. */
static int diff_from_base(const char *variant, char *out, size_t size)
{
    host_layout *a = read_fixture("layout.so", TYPE), *b = read_fixture(variant, TYPE);
    CHECK(host_layout_error_code(b) == HOST_LAYOUT_OK, "%s: %s", variant,
          host_layout_error_text(b));
    CHECK(host_layout_hash(a) != host_layout_hash(b), "%s has the base's hash %016llx", variant,
          (unsigned long long)host_layout_hash(a));
    int n = host_layout_diff(a, b, "\n", out, size);
    host_layout_free(a);
    host_layout_free(b);
    return n;
}

static void same_layout_same_hash(void)
{
    host_layout *a = read_fixture("layout.so", TYPE), *b = read_fixture("layout_code.so", TYPE);
    host_layout *tag = read_fixture("layout.so", "fx_state_s");
    char out[256] = "x";
    CHECK(host_layout_error_code(a) == HOST_LAYOUT_OK, "%s", host_layout_error_text(a));
    CHECK(host_layout_hash(a) != 0, "no hash");
    CHECK(host_layout_hash(a) == host_layout_hash(b), "a change of code only changed the hash");
    CHECK(host_layout_hash(a) == host_layout_hash(tag), "the struct tag and the typedef differ");
    CHECK(host_layout_diff(a, b, "\n", out, sizeof out) == 0, "a difference: %s", out);
    CHECK(out[0] == 0, "diff text without a difference: %s", out);
    CHECK(host_layout_size(a) == 120, "size %llu, want 120",
          (unsigned long long)host_layout_size(a));
    host_layout_free(a);
    host_layout_free(b);
    host_layout_free(tag);
}

/* Every kind of field appears in the canonical text as the header documents it. */
static void canonical_text_names_every_field(void)
{
    host_layout *l = read_fixture("layout.so", TYPE);
    const char *text = host_layout_text(l);
    const char *want[] = {
        "size 120\n",
        "\ntick: uint64_t @0 8 = unsigned long\n",   /* the same words from gcc and clang */
        "\nmode: fx_mode @20 4 = enum fx_mode\n",    /* an enum, through its typedef */
        "\nalive: unsigned int @28.0:1 4\n",         /* bitfields */
        "\nlives: unsigned int @28.1:3 4\n",         /* ... */
        "\npos.y: float @36 4\n",                    /* a nested struct's field */
        "\nname: const char * @40 8\n",              /* pointers, not followed */
        "\nnext: struct fx_state_s * @48 8\n",       /* ... even to the state itself */
        "\nbits.u: uint32_t @56 4 = unsigned int\n", /* a union's members */
        "\nanon_b: float @60 4\n",                   /* an anonymous union's, as C names them */
        "\ngrid: uint8_t @64 1 [2][3] = unsigned char\n", /* a 2-D array */
        "\nitems: fx_item @72 12 [4] = struct fx_item\n", /* an array of structs */
        "\nitems[].at.x: float @72 4\n",                  /* the fields of its elements */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        CHECK(strstr(text, want[i]), "no line \"%s\" in:\n%s", want[i], text);
    CHECK(host_layout_count(l) == 24, "%d fields, want 24", host_layout_count(l));
    host_layout_free(l);
}

static void inserted_field(void)
{
    char out[2048];
    int n = diff_from_base("layout_inserted.so", out, sizeof out);
    CHECK(starts_with(out, "+ float speed @8\nscore: moved @8 -> @12\nbest: moved @12 -> @16\n"),
          "got:\n%s", out);
    /* Moved fields are named once: pos, not pos.x and pos.y as well. */
    CHECK(strstr(out, "\npos: moved @32 -> @36\n") && !strstr(out, "pos.x"), "got:\n%s", out);
    CHECK(n == 16, "%d items, want 16:\n%s", n, out);
}

static void swapped_fields(void)
{
    char out[2048];
    int n = diff_from_base("layout_swapped.so", out, sizeof out);
    CHECK(strcmp(out, "best: moved @12 -> @8\nscore: moved @8 -> @12") == 0, "got:\n%s", out);
    CHECK(n == 2, "%d items", n);
}

static void field_added_into_padding(void)
{
    char out[2048];
    int n = diff_from_base("layout_padding.so", out, sizeof out);
    CHECK(strcmp(out, "+ uint8_t extra @17") == 0, "got:\n%s", out);
    CHECK(n == 1, "%d items", n);
    host_layout *l = read_fixture("layout_padding.so", TYPE);
    CHECK(host_layout_size(l) == 120, "the size changed: %llu",
          (unsigned long long)host_layout_size(l));
    host_layout_free(l);
}

static void widened_field(void)
{
    char out[2048];
    diff_from_base("layout_widened.so", out, sizeof out);
    CHECK(starts_with(out, "score: int -> int64_t\nbest: moved @12 -> @16\n"), "got:\n%s", out);
}

static void array_grown(void)
{
    char out[2048];
    int n = diff_from_base("layout_grown.so", out, sizeof out);
    CHECK(strcmp(out, "items[]: 4 -> 8 elements") == 0, "got:\n%s", out);
    CHECK(n == 1, "%d items", n);
}

static void nested_struct_changed(void)
{
    char out[2048];
    diff_from_base("layout_nested.so", out, sizeof out);
    CHECK(starts_with(out, "+ float pos.z @40\nname: moved @40 -> @48\n"), "got:\n%s", out);
    CHECK(strstr(out, "\n+ float items[].at.z @88\n"), "the array's elements:\n%s", out);
}

static void removed_field(void)
{
    host_layout *a = read_fixture("layout_inserted.so", TYPE), *b = read_fixture("layout.so", TYPE);
    char out[2048];
    host_layout_diff(a, b, "; ", out, sizeof out);
    CHECK(starts_with(out, "score: moved @12 -> @8; "), "got: %s", out);
    CHECK(strlen(out) > 15 && strcmp(out + strlen(out) - 15, "; - float speed") == 0, "got: %s",
          out);
    host_layout_free(a);
    host_layout_free(b);
}

/* A difference longer than the buffer ends in "and N more", never in half an item. */
static void long_diff_is_cut_at_an_item(void)
{
    char out[80];
    int n = diff_from_base("layout_inserted.so", out, sizeof out);
    CHECK(strcmp(out, "+ float speed @8\nscore: moved @8 -> @12\nand 14 more") == 0, "got: %s",
          out);
    CHECK(n == 16, "%d items", n);
}

static void no_debug_information(void)
{
    host_layout *l = read_fixture("layout_nodebug.so", TYPE);
    const char *text = host_layout_error_text(l);
    CHECK(host_layout_error_code(l) == HOST_LAYOUT_ERR_NO_DEBUG, "code %d: %s",
          host_layout_error_code(l), text);
    CHECK(strstr(text, "layout_nodebug.so has no DWARF debug information (built without -g?)"),
          "got: %s", text);
    CHECK(host_layout_hash(l) == 0 && host_layout_text(l)[0] == 0 && host_layout_count(l) == 0,
          "a failed read has a layout");
    host_layout_free(l);
}

static void missing_type(void)
{
    host_layout *l = read_fixture("layout.so", "game_stat");
    const char *text = host_layout_error_text(l);
    CHECK(host_layout_error_code(l) == HOST_LAYOUT_ERR_NO_TYPE, "code %d: %s",
          host_layout_error_code(l), text);
    CHECK(strstr(text, "no struct, union or typedef named \"game_stat\""), "got: %s", text);
    CHECK(strstr(text, "set .state_type in the game's game_api struct"), "got: %s", text);
    host_layout_free(l);
}

static void missing_file(void)
{
    host_layout *l = read_fixture("no-such-file.so", TYPE);
    CHECK(host_layout_error_code(l) == HOST_LAYOUT_ERR_OPEN, "code %d", host_layout_error_code(l));
    CHECK(strstr(host_layout_error_text(l), "no-such-file.so: No such file or directory"),
          "got: %s", host_layout_error_text(l));
    host_layout_free(l);
}

int main(void)
{
    const char *b = getenv("B");
    snprintf(fixtures, sizeof fixtures, "%s/tests/fixtures", b && b[0] ? b : "build");
    int passed = 0, failed = 0;
    RUN(same_layout_same_hash, passed, failed);
    RUN(canonical_text_names_every_field, passed, failed);
    RUN(inserted_field, passed, failed);
    RUN(swapped_fields, passed, failed);
    RUN(field_added_into_padding, passed, failed);
    RUN(widened_field, passed, failed);
    RUN(array_grown, passed, failed);
    RUN(nested_struct_changed, passed, failed);
    RUN(removed_field, passed, failed);
    RUN(long_diff_is_cut_at_an_item, passed, failed);
    RUN(no_debug_information, passed, failed);
    RUN(missing_type, passed, failed);
    RUN(missing_file, passed, failed);
    return failed != 0;
}
