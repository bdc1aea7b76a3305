#!/usr/bin/env bash
# Benchmarks of the PHP extension (BENCHMARKS.md, "PHP extension"): sign() against PHP's own
# hash functions, and php-fpm requests per second with persistent() against a handle per
# request. Builds the extension first (bindings/php/run-tests.sh with one test), then runs
# bindings/php/bench/*.php with it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
bindings/php/run-tests.sh api.phpt >/dev/null
cp bindings/php/bench/*.php target/php/tests/
module="$root/target/php/build/modules/contrast_auth.so"
echo "== sign: extension vs hash('sha256') + hash_hmac('sha256') (PHP $(php-config --version))"
php -n -d extension="$module" -d extension=posix target/php/tests/sign.php
echo "== php-fpm: persistent() vs a handle per request"
php -n -d extension="$module" -d extension=posix target/php/tests/fpm.php
