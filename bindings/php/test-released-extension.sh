#!/usr/bin/env bash
# The released PHP extension, built as an agent would build it: the source tarball
# (dist/php-contrast_auth-<version>.tgz) unpacked, phpize, configured against the unpacked C
# tarball of linux-x86_64 (the shipped static library: dist profile, release features), then
# the .phpt suite's API, vectors, send, persistent and php-fpm tests run with that module.
# Needs dist/ from scripts/release (linux-x86_64 at least). Last line: `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
extension_tarball="dist/php-contrast_auth-$version.tgz"
c_tarball="dist/contrast-auth-$version-linux-x86_64.tar.gz"
for file in "$extension_tarball" "$c_tarball"; do
  [ -f "$file" ] || { echo "$file is missing: run scripts/release" >&2; exit 1; }
done
work="$root/target/php-released"
rm -rf "$work"
mkdir -p "$work"
tar -xzf "$c_tarball" -C "$work"
tar -xzf "$extension_tarball" -C "$work"
prefix="$work/contrast-auth-$version-linux-x86_64"
(
  cd "$work/php-contrast_auth-$version"
  phpize >/dev/null
  # No --with-contrast-auth-libs: the libraries come from the tarball's contrast-auth.pc.
  ./configure --with-contrast-auth="$prefix" >configure.log
  grep -q "checking for the libraries libcontrast_auth.a needs... -l" configure.log ||
    { echo "configure did not take the libraries from contrast-auth.pc"; exit 1; }
  make -j2 >make.log 2>&1 || { cat make.log; exit 1; }
)
module="$work/php-contrast_auth-$version/modules/contrast_auth.so"
CONTRAST_PHP_MODULE="$module" bindings/php/run-tests.sh api.phpt vectors.phpt send.phpt persistent.phpt \
  agent_dir.phpt fpm_workers.phpt fpm_preload.phpt
