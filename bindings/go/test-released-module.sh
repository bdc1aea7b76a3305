#!/usr/bin/env bash
# The released Go module (scripts/release-go, in dist/goproxy/): what a Go agent team gets.
# In a fresh module outside the repository, with an empty module cache, `go get` the binding
# through GOPROXY=file://<dist>/goproxy (checksum database off for it), build
# testdata/consumer/main.go, check the binary does not need libcontrast_auth.so (readelf -d:
# statically linked), and run it against `contrast-auth test-server` with no LD_LIBRARY_PATH;
# then the same for linux/arm64 (cgo with zig cc as the cross C compiler, glibc 2.17) run
# under qemu-aarch64, and windows/amd64 (MinGW-w64 as the C compiler) run under wine.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
proxy="$root/dist/goproxy"
module="$(sed -n 's/^module //p' bindings/go/go.mod)"
version="v$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
[ -f "$proxy/$module/@v/$version.zip" ] || { echo "no $module $version in $proxy (scripts/release-go)" >&2; exit 1; }
cargo build --release --quiet   # the test server: target/release/contrast-auth
cli="$root/target/release/contrast-auth"

work="$(mktemp -d)"
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "${server:-}" ] && wait "$server" 2>/dev/null || true
  GOMODCACHE="$work/modcache" go clean -modcache 2>/dev/null || true   # read-only files
  rm -rf "$work"
}
trap cleanup EXIT

export GOPROXY="file://$proxy" GOSUMDB=off GONOSUMDB="$module" GOFLAGS=-mod=mod
export GOMODCACHE="$work/modcache" CGO_ENABLED=1
unset LD_LIBRARY_PATH
mkdir "$work/consumer"
cp bindings/go/testdata/consumer/main.go "$work/consumer/"
cd "$work/consumer"
go mod init example.com/consumer >/dev/null 2>&1
echo "-- go get $module@$version (GOPROXY=$GOPROXY)"
go get "$module@$version"
grep -q "$module $version" go.mod

echo "-- go build (linux/amd64) and readelf -d"
go build -o consumer .
needed="$(readelf -d consumer | grep NEEDED || true)"
echo "$needed"
if grep -q contrast_auth <<<"$needed"; then echo "the binary needs a contrast_auth shared library" >&2; exit 1; fi
nm consumer >"$work/nm.txt"   # (not piped into grep -q: pipefail and SIGPIPE)
grep -q ' T contrast_version$' "$work/nm.txt" || { echo "contrast_version is not linked into the binary" >&2; exit 1; }

echo "-- test server"
mkfifo "$work/server.stdin"
"$cli" test-server --accept GOUSER:GOSERVICEKEY:GOAPIKEY --ca-out "$work/ca.pem" --require-signature \
  <"$work/server.stdin" >"$work/server.out" 2>"$work/server.err" &
server=$!
exec 3>"$work/server.stdin"
for _ in $(seq 100); do [ -s "$work/server.out" ] && break; sleep 0.1; done
url="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$work/server.out")"
export CONTRAST__API__URL="$url" CONTRAST__API__USER_NAME=GOUSER CONTRAST__API__SERVICE_KEY=GOSERVICEKEY \
  CONTRAST__API__API_KEY=GOAPIKEY CONTRAST__API__CERTIFICATE__CA_FILE="$work/ca.pem"
expect() { # what output
  grep -q "^library ${version#v}, binding ${version#v}$" <<<"$2" || { echo "$1: no version line: $2" >&2; exit 1; }
  grep -q "^accepted: HTTP 2" <<<"$2" || { echo "$1: report not accepted: $2" >&2; exit 1; }
  echo "$1: $(tr '\n' ' ' <<<"$2")"
}
out="$(env -i PATH="$PATH" CONTRAST__API__URL="$url" CONTRAST__API__USER_NAME=GOUSER \
  CONTRAST__API__SERVICE_KEY=GOSERVICEKEY CONTRAST__API__API_KEY=GOAPIKEY \
  CONTRAST__API__CERTIFICATE__CA_FILE="$work/ca.pem" ./consumer)"
expect "linux/amd64" "$out"
# A wrong API key is refused by the server: the run above is not accepting anything.
if env CONTRAST__API__API_KEY=WRONG ./consumer >/dev/null 2>&1; then echo "a wrong key was accepted" >&2; exit 1; fi

echo "-- cross build linux/arm64 (zig cc), run under qemu-aarch64"
zig="python3 -m ziglang"
$zig version >/dev/null
GOOS=linux GOARCH=arm64 CC="$zig cc -target aarch64-linux-gnu.2.17" go build -o consumer-arm64 .
readelf -h consumer-arm64 >"$work/arm64-header.txt"
grep -q 'Machine:.*AArch64' "$work/arm64-header.txt"
needed="$(readelf -d consumer-arm64 | grep NEEDED || true)"
if grep -q contrast_auth <<<"$needed"; then echo "the arm64 binary needs a contrast_auth shared library" >&2; exit 1; fi
out="$(qemu-aarch64 -L /usr/aarch64-linux-gnu ./consumer-arm64)"
expect "linux/arm64 (qemu)" "$out"

# MinGW-w64 gcc (what the Windows library is built with, scripts/release-setup) when present.
windows_cc="$zig cc -target x86_64-windows-gnu"
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 && windows_cc=x86_64-w64-mingw32-gcc
echo "-- cross build windows/amd64 ($windows_cc)"
GOOS=windows GOARCH=amd64 CC="$windows_cc" go build -o consumer.exe .
head -c 2 consumer.exe | grep -q MZ || { echo "consumer.exe is not a PE executable" >&2; exit 1; }
echo "windows/amd64: consumer.exe built ($(du -h consumer.exe | cut -f1))"

echo "-- run windows/amd64 under wine, against the same test server"
command -v wine >/dev/null 2>&1 || { echo "wine is missing (scripts/release-setup installs it)" >&2; exit 1; }
# As in scripts/test-platforms: Wine 8 has no bcryptprimitives.dll, which Rust's std (linked
# into consumer.exe) imports; a test-only stand-in beside the executable (real Windows has it).
x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 -shared -o bcryptprimitives.dll \
  "$root/scripts/wine-bcryptprimitives.c" -lbcrypt
export WINEPREFIX="${CARGO_TARGET_DIR:-$root/target}/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
[ -d "$WINEPREFIX" ] || wineboot --init >/dev/null 2>&1 || true
# (tr: a Windows program's output under wine ends its lines with CR LF)
out="$(CONTRAST__API__CERTIFICATE__CA_FILE="Z:$work/ca.pem" wine ./consumer.exe | tr -d '\r')"
expect "windows/amd64 (wine)" "$out"
echo "go module: released module fetched, built and run: 3 platforms passed, 0 failed"
