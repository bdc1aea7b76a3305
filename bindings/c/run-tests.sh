#!/usr/bin/env bash
# C tests of the C ABI: builds the library, compiles bindings/c/tests/test_capi.c and
# example.c with gcc -Wall -Wextra -Werror -pedantic against include/contrast_auth.h, and
# runs both three times: plain, under AddressSanitizer + UndefinedBehaviorSanitizer, and
# under valgrind (zero errors, zero leaks); tests/test_fork.c (pre-fork servers, issue #20)
# runs plain and under the sanitizers. Exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bindings/c"
BUILD="$HERE/build"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LIB_DIR="$TARGET_DIR/debug"
mkdir -p "$BUILD"

echo "-- cargo build (libcontrast_auth.so with the capi feature, and the test-server CLI)"
(cd "$ROOT" && cargo build --lib --bin contrast-auth --quiet)
CLI="$LIB_DIR/contrast-auth"
test -f "$LIB_DIR/libcontrast_auth.so" || { echo "no $LIB_DIR/libcontrast_auth.so"; exit 1; }

echo "-- shared vectors -> $BUILD/vectors"
python3 "$HERE/tests/vectors_to_tsv.py" "$ROOT/tests/vectors" "$BUILD/vectors"

# The library here is the unoptimized debug build: its small-stack test thread gets 512 KiB
# (it needs between 128 and 256 KiB; the shipped libraries pass with musl's 128 KiB in
# scripts/test-platforms).
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -g -I"$ROOT/include" -DSMALL_STACK="(512 * 1024)")
LDFLAGS=(-L"$LIB_DIR" -Wl,-rpath,"$LIB_DIR" -lcontrast_auth -pthread)
SANITIZE=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

build() { # name source extra-flags...
  local name="$1" source="$2"; shift 2
  gcc "${CFLAGS[@]}" "$@" -o "$BUILD/$name" "$source" "${LDFLAGS[@]}"
}

build test_capi "$HERE/tests/test_capi.c"
build test_fork "$HERE/tests/test_fork.c"
build example "$HERE/example.c"
# The static library works too (plain run only).
gcc "${CFLAGS[@]}" -o "$BUILD/example_static" "$HERE/example.c" "$LIB_DIR/libcontrast_auth.a" \
  -pthread -ldl -lm
build test_capi_asan "$HERE/tests/test_capi.c" "${SANITIZE[@]}"
build test_fork_asan "$HERE/tests/test_fork.c" "${SANITIZE[@]}"
build example_asan "$HERE/example.c" "${SANITIZE[@]}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The tests set CONTRAST_* variables themselves; start from none.
for name in $(env | awk -F= '/^CONTRAST/ {print $1}'); do unset "$name"; done
cd "$WORK"

echo "-- plain"
"$BUILD/test_capi" "$BUILD/vectors" "$WORK" "$CLI"
# Pre-fork servers: a handle used before fork() in the parent and 4 children (issue #20).
"$BUILD/test_fork" "$WORK" "$CLI"
"$BUILD/example" >/dev/null
"$BUILD/example_static" >/dev/null

echo "-- AddressSanitizer + UndefinedBehaviorSanitizer"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
"$BUILD/test_capi_asan" "$BUILD/vectors" "$WORK" "$CLI"
"$BUILD/test_fork_asan" "$WORK" "$CLI"
"$BUILD/example_asan" >/dev/null
unset ASAN_OPTIONS UBSAN_OPTIONS

echo "-- valgrind"
VALGRIND=(valgrind --quiet --error-exitcode=87 --leak-check=full --suppressions="$HERE/valgrind.supp"
  --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)
"${VALGRIND[@]}" "$BUILD/test_capi" "$BUILD/vectors" "$WORK" "$CLI"
"${VALGRIND[@]}" "$BUILD/example" >/dev/null

echo "-- C tests passed (plain, ASan+UBSan, valgrind)"
