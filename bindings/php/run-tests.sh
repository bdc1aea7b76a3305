#!/usr/bin/env bash
# PHP extension (bindings/php): builds contrast_auth.so with phpize against the static library
# that `cargo build --release` makes (the Go and Python suites build the same one), checks the
# link (no libcontrast_auth dependency, only get_module exported), the generated arginfo, a ZTS
# compile, `php --re`, then runs the .phpt tests with php-src's run-tests.php (php8.2-dev),
# the php-fpm tests among them, and the leak check under valgrind (USE_ZEND_ALLOC=0).
# Fails when anything fails or is skipped; the last line is `N passed, N failed`.
#   bindings/php/run-tests.sh [TEST.phpt...]   (default: every test in bindings/php/tests)
#   CONTRAST_PHP_MODULE=path/contrast_auth.so bindings/php/run-tests.sh ...   test that module
#     instead of building one (the checks that need the sources are then not run)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
here="$root/bindings/php"
work="$root/target/php"
passed=0
failed=0
check() { # name command...: one counted check
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "PASS $name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

for tool in phpize php-config php php-fpm8.2 cgi-fcgi valgrind; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/setup" >&2; exit 1; }
done
build_dir="$(php-config --extension-dir)/build"
run_tests="$build_dir/run-tests.php"
[ -f "$run_tests" ] || { echo "$run_tests is missing (php8.2-dev)" >&2; exit 1; }

echo "-- cargo build --release (libcontrast_auth.a and the test-server CLI)"
cargo build --release --quiet

if [ -n "${CONTRAST_PHP_MODULE:-}" ]; then
  # A module built elsewhere (bindings/php/test-released-extension.sh: from the released
  # tarballs): tested as it is.
  module="$CONTRAST_PHP_MODULE"
else
  # A prefix laid out like the C tarball (include/, lib/): what an agent's build points at.
  rm -rf "$work/prefix" "$work/build"
  mkdir -p "$work/prefix/include" "$work/prefix/lib" "$work/build"
  cp include/contrast_auth.h "$work/prefix/include/"
  cp target/release/libcontrast_auth.a "$work/prefix/lib/"
  # What a static link of the library needs: rustc's own answer (--print native-static-libs).
  # scripts/release records it per platform; without a release here, rustc's answer for this
  # target's standard library, which is the whole list on Linux (ring's C code is inside the
  # archive; no dependency links a system library of its own).
  if [ -s dist/.work/linux-x86_64/native-static-libs ]; then
    native_libs="$(cat dist/.work/linux-x86_64/native-static-libs)"
  else
    echo 'fn main() {}' >"$work/empty.rs"
    native_libs="$(rustc --crate-type staticlib --crate-name empty --print native-static-libs \
      -o "$work/empty.a" "$work/empty.rs" 2>&1 | sed -n 's/^note: native-static-libs: //p')"
  fi
  [ -n "$native_libs" ] || { echo "no native-static-libs from rustc" >&2; exit 1; }

  echo "-- phpize, configure, make (NTS, PHP $(php-config --version))"
  cp "$here"/config.m4 "$here"/*.c "$here"/*.h "$work/build/"
  (
    cd "$work/build"
    phpize >/dev/null
    ./configure --with-contrast-auth="$work/prefix" --with-contrast-auth-libs="$native_libs" >configure.log
    make -j2 CFLAGS="-g -O2 -Werror" >make.log 2>&1 || { cat make.log; exit 1; }
  )
  module="$work/build/modules/contrast_auth.so"
fi

echo "-- the link, the API, the arginfo"
no_library_dependency() {
  ! readelf -d "$module" | grep -q 'NEEDED.*contrast' && ! ldd "$module" | grep -q contrast
}
only_get_module_exported() {
  local exported
  exported="$(readelf --dyn-syms -W "$module" | awk '$5 == "GLOBAL" && $7 != "UND" {print $8}')"
  [ "$exported" = "get_module" ] || { echo "exported: $exported"; return 1; }
}
reflection_lists_the_api() {
  local out item
  out="$(php -n -d extension="$module" --re contrast_auth)"
  for item in fromCredentials fromToken fromEnvironment persistent authorizationHeader apiKeyHeader \
      headers sign send rotate reload fingerprints counters 'function Contrast\Auth\set_logger' \
      'Contrast\Auth\LOG_TRACE' 'class Contrast\Auth\SendOutcome' 'class Contrast\Auth\Fingerprints' \
      'class Contrast\Auth\Counters' 'Contrast\Auth\ContrastAuthException extends RuntimeException' \
      'Contrast\Auth\SigningException extends Contrast\Auth\ContrastAuthException'; do
    grep -qF "$item" <<<"$out" || { echo "php --re contrast_auth lacks: $item"; return 1; }
  done
}
zts_compiles() {
  # Debian ships no ZTS PHP (no ZTS php-config or headers configured with --enable-zts): the
  # check compiles every file with ZTS defined over the NTS-configured headers, which takes
  # the thread-safe paths of Zend/TSRM (module globals through TSRM, the TSRMLS cache).
  local f
  for f in "$here"/*.c; do
    gcc -c -fPIC -Wall -Wextra -Werror -Wno-unused-parameter -DZTS=1 -DCOMPILE_DL_CONTRAST_AUTH=1 \
      -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 $(php-config --includes) -I"$root/include" -I"$here" \
      "$f" -o "$work/zts-$(basename "$f" .c).o" || return 1
  done
}
every_header_function_used() {
  # Every function of include/contrast_auth.h is used by the extension, but those the PHP API
  # covers otherwise: contrast_headers_find (headers() and sign() return the whole list as an
  # array), contrast_auth_from_environment and _with_trust (fromEnvironment() and persistent()
  # use contrast_auth_from_environment_with_options, which does what both do and more).
  local function missing=""
  for function in $(sed -n 's/^[a-z_ ]*[ *]\(contrast_[a-z_]*\)(.*/\1/p' "$root/include/contrast_auth.h" | sort -u); do
    case "$function" in
      contrast_headers_find | contrast_auth_from_environment | contrast_auth_from_environment_with_trust) continue ;;
    esac
    grep -qw "$function" "$here"/*.c || missing+=" $function"
  done
  [ -z "$missing" ] || { echo "not used by the extension:$missing"; return 1; }
}
check "no libcontrast_auth dependency (readelf -d, ldd)" no_library_dependency
check "only get_module exported (the library's symbols stay inside)" only_get_module_exported
check "php --re contrast_auth lists the API" reflection_lists_the_api
if [ -z "${CONTRAST_PHP_MODULE:-}" ]; then
  check "contrast_auth_arginfo.h is what gen_stub.php makes of the stub" "$here/gen-arginfo.sh" --check
  check "compiles with ZTS" zts_compiles
  check "every function of contrast_auth.h is used (or covered, as listed)" every_header_function_used
fi

echo "-- .phpt tests (run-tests.php)"
rm -rf "$work/tests"
mkdir -p "$work/tests"
cp "$here"/tests/*.phpt "$here"/tests/*.inc "$work/tests/"
cat >"$work/tests/paths.inc" <<PATHS
<?php
// Written by bindings/php/run-tests.sh.
const REPOSITORY = '$root';
const CLI = '$root/target/release/contrast-auth';
const MODULE = '$module';
PATHS
selected=("$@")
if [ ${#selected[@]} -eq 0 ]; then
  selected=("$work/tests")
else
  selected=("${selected[@]/#/$work/tests/}")
fi
# -n: no php.ini; the tests load what they use besides the built-in extensions (openssl, pcntl).
run_phpt() { # log [run-tests.php options...] -- tests...
  local log="$1"
  shift
  set +e
  TEST_PHP_EXECUTABLE="$(command -v php)" php "$run_tests" -q -n --show-diff --set-timeout 300 \
    -d extension="$module" -d extension=posix "$@" 2>&1 | tee "$log"
  set -e
  local count_of
  count_of() { # the count run-tests.php printed for "Tests $1", 0 when it printed none
    local n
    n="$(sed -n "s/^Tests $1 *: *\([0-9]*\).*/\1/p" "$log" | tail -1)"
    echo "${n:-0}"
  }
  local ok bad
  ok="$(count_of passed)"
  if ! grep -q "^Tests passed" "$log"; then
    echo "run-tests.php printed no summary: failing"
    failed=$((failed + 1))
    return
  fi
  bad=$(( $(count_of failed) + $(count_of skipped) + $(count_of warned) + $(count_of leaked) + $(count_of borked) ))
  [ "$(count_of skipped)" -eq 0 ] || echo "FAIL: $(count_of skipped) test(s) skipped (a skipped test is not a passed test)"
  passed=$((passed + ok))
  failed=$((failed + bad))
}
run_phpt "$work/run-tests.log" "${selected[@]}"

# The leak check: the tests again under valgrind (run-tests.php -m sets USE_ZEND_ALLOC=0, so
# every PHP allocation is a malloc valgrind sees), except the php-fpm ones (processes of their
# own) and logger_fatal (after a fatal error PHP itself frees nothing more: its compiled
# scripts and the abandoned call frames show as lost). PCRE's JIT is off: memcheck cannot
# follow the code it generates. The test server and other helper
# processes are not traced; the two suppression files hold only ring's known AES-GCM false
# positives.
if [ $# -eq 0 ]; then
  echo "-- leak check: .phpt tests under valgrind (USE_ZEND_ALLOC=0)"
  leak_tests=()
  for test in "$work"/tests/*.phpt; do
    case "$(basename "$test")" in fpm_* | logger_fatal.phpt) ;; *) leak_tests+=("$test") ;; esac
  done
  VALGRIND_OPTS="--suppressions=$root/bindings/c/valgrind.supp --suppressions=$here/valgrind.supp \
--trace-children-skip=*contrast-auth*,*cgi-fcgi*,*php-fpm*,*setpriv* --leak-check=full \
--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect" \
    run_phpt "$work/run-tests-valgrind.log" -m -d pcre.jit=0 "${leak_tests[@]}"
  for mem in "$work"/tests/*.mem; do
    [ -f "$mem" ] && { echo "== $mem"; head -60 "$mem"; }
  done
fi
finish
