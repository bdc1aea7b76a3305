#!/usr/bin/env bash
# The released Go module (scripts/release-go, in dist/goproxy/): what a Go agent team gets.
# In a fresh module outside the repository, with an empty module cache, `go get` the binding
# through GOPROXY=file://<dist>/goproxy (checksum database off for it), build
# testdata/consumer/main.go, check the binary does not need libcontrast_auth.so (readelf -d:
# statically linked), and run it against `contrast-auth test-server` with no LD_LIBRARY_PATH;
# then the same for linux/arm64 (cgo with zig cc as the cross C compiler, glibc 2.17) run
# under qemu-aarch64, and windows/amd64 (MinGW-w64 as the C compiler) run under wine;
# darwin/arm64, darwin/amd64 and windows/arm64 cross-built with zig cc and checked, not run.
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

# The platforms no machine here runs: the consumer cross-built with zig cc as cgo's compiler
# and linker against the module's static library, and checked (format, architecture, the
# library linked in, not loaded); not run. macOS: zig has no Apple frameworks, so the link
# reads the project's stubs (build/macos-frameworks: Security, CoreFoundation, libiconv) and,
# for Go's own resolver (package net imports three functions of libresolv), a test-only stub
# written here.
stubs="$work/macos-stubs"
mkdir -p "$stubs"
cat >"$stubs/libresolv.tbd" <<'TBD'
--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/usr/lib/libresolv.9.dylib'
exports:
  - targets:         [ x86_64-macos, arm64-macos ]
    symbols:         [ _res_9_nclose, _res_9_ninit, _res_9_nsearch ]
...
TBD
for cross in "darwin arm64 aarch64-macos.11.0 arm64" "darwin amd64 x86_64-macos.10.12 x86_64" \
  "windows arm64 aarch64-windows-gnu Aarch64"; do
  read -r goos goarch zig_target arch <<<"$cross"
  echo "-- cross build $goos/$goarch (zig cc -target $zig_target): built and checked, not run"
  out="consumer-$goos-$goarch"
  ldflags=""
  [ "$goos" = darwin ] && ldflags="-F$root/build/macos-frameworks -L$root/build/macos-frameworks -L$stubs"
  # (-ldflags=-w: no DWARF, else Go's darwin link ends running dsymutil and the host's strip,
  # which cannot read Mach-O)
  GOOS="$goos" GOARCH="$goarch" CC="$zig cc -target $zig_target" CGO_LDFLAGS="$ldflags" \
    go build -ldflags=-w -o "$out" .
  file -b "$out" >"$work/$out.file"
  case "$goos" in
    darwin) grep -q "Mach-O 64-bit $arch executable" "$work/$out.file" ;;
    windows) grep -q "PE32+ executable (console) $arch" "$work/$out.file" ;;
  esac || { echo "$out is $(cat "$work/$out.file")" >&2; exit 1; }
  # The library is in the binary: its C symbols (Mach-O keeps a symbol table; Go's PE link
  # keeps none) or, in any case, its signature tag (DESIGN.md), a string only it holds.
  llvm-nm "$out" >"$work/$out.nm" 2>/dev/null || true
  if [ "$goos" = darwin ]; then
    grep -q " T _contrast_version$" "$work/$out.nm" ||
      { echo "contrast_version is not linked into $out" >&2; exit 1; }
  fi
  grep -aqc 'tag="contrast-auth/v1"' "$out" || grep -aqc 'contrast-auth/v1' "$out" ||
    { echo "the library's signature tag is not in $out: contrast-auth is not linked in" >&2; exit 1; }
  if [ "$goos" = darwin ]; then
    llvm-objdump --macho --private-headers "$out" >"$work/$out.headers"
    if grep -q "libcontrast_auth" "$work/$out.headers"; then echo "$out loads a contrast_auth dylib" >&2; exit 1; fi
  else
    llvm-readobj --coff-imports "$out" >"$work/$out.imports"
    if grep -qi "contrast_auth" "$work/$out.imports"; then echo "$out imports contrast_auth.dll" >&2; exit 1; fi
  fi
  echo "$goos/$goarch: $out built ($(du -h "$out" | cut -f1)), contrast-auth linked in statically"
done

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
echo "go module: released module fetched, built and run: 3 platforms passed, 0 failed (3 more built, not run)"
