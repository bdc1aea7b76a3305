#!/usr/bin/env bash
# Writes contrast_auth_arginfo.h from contrast_auth.stub.php with php-src's own generator
# (build/gen_stub.php, shipped by php8.2-dev), as php-src's extensions do.
#   bindings/php/gen-arginfo.sh           regenerate the committed file
#   bindings/php/gen-arginfo.sh --check   fail if the committed file is not what the stub gives
# gen_stub.php needs nikic/PHP-Parser 4.x: Debian's php-parser package (/usr/share/php/PhpParser)
# is given to it in the folder layout it looks for, so nothing is downloaded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
gen_stub="$(php-config --extension-dir)/build/gen_stub.php"   # Debian's php8.2-dev layout
[ -f "$gen_stub" ] || { echo "gen_stub.php not found (install php8.2-dev)" >&2; exit 1; }
parser=/usr/share/php/PhpParser
[ -d "$parser" ] || { echo "$parser not found (install php-parser)" >&2; exit 1; }
version="$(sed -n 's/^ *\$version = "\(4\.[0-9.]*\)";/\1/p' "$gen_stub" | head -1)"
[ -n "$version" ] || { echo "cannot read the PHP-Parser version gen_stub.php wants" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$gen_stub" "$work/gen_stub.php"
mkdir -p "$work/PHP-Parser-$version/lib"
ln -s "$parser" "$work/PHP-Parser-$version/lib/PhpParser"
cp "$here/contrast_auth.stub.php" "$work/"
php "$work/gen_stub.php" -f "$work/contrast_auth.stub.php" >/dev/null

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$here/contrast_auth_arginfo.h" "$work/contrast_auth_arginfo.h"; then
    echo "contrast_auth_arginfo.h is not what contrast_auth.stub.php gives: run bindings/php/gen-arginfo.sh" >&2
    exit 1
  fi
  echo "contrast_auth_arginfo.h matches contrast_auth.stub.php"
else
  cp "$work/contrast_auth_arginfo.h" "$here/contrast_auth_arginfo.h"
  echo "wrote bindings/php/contrast_auth_arginfo.h"
fi
