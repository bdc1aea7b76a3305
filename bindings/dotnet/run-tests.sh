#!/usr/bin/env bash
# .NET binding: builds the library and the CLI (release), Contrast.Auth.dll with mcs (every
# public member documented), the self-checking test program, and runs it on Mono 6.8 and on
# CoreCLR 8 (bindings/dotnet/runtimes.sh) against target/release/libcontrast_auth.so and the
# CLI's loopback test server. Each run ends with "N passed, N failed"; any failure, or no test
# run, fails the suite. The package as a consumer sees it: bindings/dotnet/test-nupkg.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cargo build --release --quiet
dotnet="$("$here/runtimes.sh")"
build="$here/build"
"$here/build.sh" "$build"
mcs -nologo -target:exe -unsafe -warnaserror+ -out:"$build/Contrast.Auth.Tests.exe" \
  -r:"$build/Contrast.Auth.dll" -r:System.dll -r:System.Core.dll "$here"/tests/*.cs
cat >"$build/Contrast.Auth.Tests.runtimeconfig.json" <<'JSON'
{"runtimeOptions":{"tfm":"net8.0","framework":{"name":"Microsoft.NETCore.App","version":"8.0.0"}}}
JSON

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bindings/c/tests/vectors_to_tsv.py tests/vectors "$work/vectors"
# The tests pass their configuration as host settings; start from no CONTRAST_* variable.
for name in $(env | awk -F= '/^CONTRAST/ {print $1}'); do unset "$name"; done
export CONTRAST_AUTH_LIBRARY="$root/target/release/libcontrast_auth.so"
args=("$work/vectors" "$root/target/release/contrast-auth" "$work" "$root/include/contrast_auth.h" "$@")

status=0
for runtime in mono coreclr; do
  mkdir -p "$work/$runtime" && cd "$work/$runtime"   # a working directory without a YAML file
  echo "-- $runtime"
  log="$work/$runtime.log"
  if [ "$runtime" = mono ]; then
    mono --debug "$build/Contrast.Auth.Tests.exe" "${args[@]}" >"$log" 2>&1 || status=1
  else
    "$dotnet" "$build/Contrast.Auth.Tests.exe" "${args[@]}" >"$log" 2>&1 || status=1
  fi
  grep -E '^(runtime:|FAIL|[0-9]+ passed)' "$log" || true
  last="$(tail -1 "$log")"
  if ! [[ "$last" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]]; then
    cat "$log"
    echo "dotnet ($runtime): the test program did not end with 'N passed, 0 failed'" >&2
    status=1
  fi
  cd "$root"
done
exit "$status"
