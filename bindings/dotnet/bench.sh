#!/usr/bin/env bash
# .NET benchmarks (BENCHMARKS.md, "## .NET"): Contrast.Auth against a pure C# baseline on CoreCLR 8
# (bindings/dotnet/runtimes.sh), with target/release/libcontrast_auth.so. Outputs are checked
# equal before timing; prints a Markdown table. Usage: bindings/dotnet/bench.sh [SCALE]
# (iterations x SCALE, default 1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
cargo build --release --quiet --lib
dotnet="$("$here/runtimes.sh")"
build="$here/build"
"$here/build.sh" "$build" >/dev/null
mcs -nologo -target:exe -optimize+ -warnaserror+ -out:"$build/Bench.exe" -r:"$build/Contrast.Auth.dll" \
  -r:System.dll -r:System.Core.dll "$here/bench/Bench.cs"
echo '{"runtimeOptions":{"tfm":"net8.0","framework":{"name":"Microsoft.NETCore.App","version":"8.0.0"}}}' \
  >"$build/Bench.runtimeconfig.json"
CONTRAST_AUTH_LIBRARY="$root/target/release/libcontrast_auth.so" "$dotnet" "$build/Bench.exe" "$@"
