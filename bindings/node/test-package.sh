#!/usr/bin/env bash
# The released npm package (dist/npm/ from scripts/release) as a consumer gets it: a fresh
# project in a temporary directory installs the tarball offline (no registry), finds a binary
# for every platform of bindings/node/platforms.json (all eight; those of CONTRAST_PLATFORMS
# when the release was built for fewer) whose type is the platform's, sends a report to
# `contrast-auth test-server` from a CommonJS and from an ES module script (with the shipped,
# stripped linux-x64-gnu binary), and type-checks a TypeScript consumer with
# `tsc --noEmit --strict` (TypeScript from npm, pinned below).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
TYPESCRIPT_VERSION=5.9.3

DIST="${DIST:-$root/dist}"
tarball="$(ls "$DIST"/npm/contrast-auth-*.tgz)"
cli="${CONTRAST_AUTH_CLI:-$root/target/release/contrast-auth}"
[ -x "$cli" ] || cargo build --release --quiet
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then exec {server_in}>&-; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

consumer="$work/consumer"
mkdir -p "$consumer"
cp bindings/node/testdata/consumer/* "$consumer/"
cd "$consumer"
echo '{ "name": "consumer", "version": "1.0.0", "private": true }' >package.json
npm install --offline --no-audit --no-fund --silent "$tarball"
for file in native/contrast_auth.linux-x64-gnu.node index.d.ts index.mjs LICENSE THIRD-PARTY-LICENSES.md; do
  test -f "node_modules/@contrast/auth/$file" || { echo "the package lacks $file" >&2; exit 1; }
done
echo "-- installed $(basename "$tarball") offline: $(ls node_modules/@contrast/auth/native | tr '\n' ' ')"
# Every platform's binary (of those built: CONTRAST_PLATFORMS, as scripts/release reads it),
# and nothing else in native/.
python3 - "$root/bindings/node/platforms.json" node_modules/@contrast/auth/native "${CONTRAST_PLATFORMS:-}" <<'PY'
import json, os, subprocess, sys
platforms = json.load(open(sys.argv[1]))["platforms"]
built = sys.argv[3].split()
expected = {p["name"]: p["file"] for p in platforms if not built or p["release"] in built}
present = {f[len("contrast_auth."):-len(".node")] for f in os.listdir(sys.argv[2])}
if present != set(expected):
    sys.exit(f"the package carries binaries for {sorted(present)}, expected {sorted(expected)}")
for name, says in sorted(expected.items()):
    actual = subprocess.run(["file", "-b", os.path.join(sys.argv[2], f"contrast_auth.{name}.node")],
                            check=True, capture_output=True, text=True).stdout.strip()
    if says not in actual:
        sys.exit(f"contrast_auth.{name}.node is '{actual}', expected '{says}'")
print(f"-- the package carries the {len(expected)} binaries {', '.join(sorted(expected))}, each of its platform's type")
PY

# The test server, stopped by closing its stdin (fd server_in).
fifo="$work/server-in"
mkfifo "$fifo"
"$cli" test-server --ca-out "$work/ca.pem" --require-signature \
  --accept "agent_ümlaut@Org:SERVICEKEY:APIKEY" <"$fifo" >"$work/server.json" 2>"$work/server.err" &
server_pid=$!
exec {server_in}>"$fifo"
for _ in $(seq 1 300); do [ -s "$work/server.json" ] && break; sleep 0.1; done
url="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$work/server.json")"
ca_der="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["ca_der_file"])' "$work/server.json")"

export CONTRAST__API__URL="$url" CONTRAST__API__USER_NAME="agent_ümlaut@Org" \
  CONTRAST__API__SERVICE_KEY=SERVICEKEY CONTRAST__API__API_KEY=APIKEY CA_DER_FILE="$ca_der"
node send.cjs
node send.mjs

npm install --no-audit --no-fund --silent "typescript@$TYPESCRIPT_VERSION"
npx --no-install tsc --version
npx --no-install tsc --noEmit --strict -p tsconfig.json
echo "-- tsc --noEmit --strict: the TypeScript consumer type-checks"
