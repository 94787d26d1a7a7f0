#!/usr/bin/env bash
# test_headers.sh - the two contract headers stand alone: include/hr.h and include/game_api.h
# each compile as the only include of a translation unit, as C11 and C99 with -pedantic, and as
# C++11 and C++17, with every warning an error, under gcc and (where installed) clang. A header
# that leans on an include it does not make, on a GNU extension, or on C that C++ rejects fails
# here before a user's game does.
# Every header of the host (host/*.h and those of its job directories) likewise compiles alone,
# included twice (its guard), as C11 with the host's flags and without SDL's: a host header needs
# no SDL.h, so only the files that call SDL include it.
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/livehost-headers.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
host_inc=(-Ihost -Ihost/game -Ihost/frame -Ihost/screen -Ihost/sound -Ihost/build)

# compiles HEADER LANG STD COMPILER: one translation unit that includes HEADER alone and uses
# one of its names, so an empty or broken include guard cannot pass either.
compiles() {
    local header=$1 lang=$2 std=$3 cc=$4 use src
    case "$header" in
        hr.h) use='hr_desc d = { 0 }; (void)d; return (int)sizeof(hr_lib *) - (int)sizeof(void *);' ;;
        game_api.h) use='return GAME_API_VERSION > 0 && sizeof(game_api) > 0 ? 0 : 1;' ;;
    esac
    src=$tmp/use.$lang
    if [ "$lang" = c ]; then
        printf '#include "%s"\nint main(void)\n{\n    %s\n}\n' "$header" "$use" >"$src"
    else # C++ has no { 0 } for a struct whose first member is a pointer: {} says the same
        printf '#include "%s"\nint main()\n{\n    %s\n}\n' "$header" "${use//\{ 0 \}/\{\}}" >"$src"
    fi
    "$cc" -std="$std" -pedantic -Wall -Wextra -Werror -Iinclude -c "$src" -o "$tmp/use.o" \
        >"$tmp/out" 2>&1
}

compilers=(gcc:g++)
command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 && compilers+=(clang:clang++)
for pair in "${compilers[@]}"; do
    cc=${pair%%:*} cxx=${pair##*:}
    for header in hr.h game_api.h; do
        for std in c11 c99; do
            name="${header%.h}_alone_${std}_${cc}"
            if compiles "$header" c "$std" "$cc"; then
                echo "PASS $name"
            else
                echo "FAIL $name: $(head -3 "$tmp/out" | tr '\n' ' ')"
            fi
        done
        for std in c++11 c++17; do
            name="${header%.h}_alone_${std/++/xx}_${cxx}"
            if compiles "$header" cpp "$std" "$cxx"; then
                echo "PASS $name"
            else
                echo "FAIL $name: $(head -3 "$tmp/out" | tr '\n' ' ')"
            fi
        done
    done

    for path in host/*.h host/{game,frame,screen,sound,build}/*.h; do
        header=${path##*/}
        name="host_header_${header%.h}_alone_c11_${cc}"
        printf '#include "%s"\n#include "%s"\nint main(void)\n{\n    return 0;\n}\n' \
            "$header" "$header" >"$tmp/host.c"
        if "$cc" -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wundef -Wvla -Iinclude "${host_inc[@]}" -c "$tmp/host.c" -o "$tmp/host.o" \
            >"$tmp/out" 2>&1; then
            echo "PASS $name"
        else
            echo "FAIL $name: $(head -3 "$tmp/out" | tr '\n' ' ')"
        fi
    done
done
exit 0
