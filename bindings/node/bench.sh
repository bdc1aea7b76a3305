#!/usr/bin/env bash
# Node benchmarks (BENCHMARKS.md, "Node.js"): the release addon against pure Node, one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --quiet
cargo build --release --quiet -p contrast-auth-node
package="$PWD/bindings/node"
platform="$(node -e 'console.log(require(process.argv[1]).detectPlatform())' "$package/lib/loader.js")"
mkdir -p "$package/native"
cp target/release/libcontrast_auth_node.so "$package/native/contrast_auth.$platform.node"
export CONTRAST_AUTH_CLI="$PWD/target/release/contrast-auth"
node --version
exec node "$package/bench.js"
