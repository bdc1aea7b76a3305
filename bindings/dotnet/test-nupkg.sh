#!/usr/bin/env bash
# The NuGet package as a consumer sees it: dist/Contrast.Auth.<version>.nupkg (scripts/release)
# is unpacked into a temporary directory and checked (the parts NuGet writes, the .nuspec
# metadata, the XML docs, LICENSE, runtimes/<rid>/native/ for every platform built: all eight
# unless CONTRAST_PLATFORMS names fewer); a consumer program is compiled with mcs against
# lib/netstandard2.0/Contrast.Auth.dll only and run on Mono 6.8 and CoreCLR 8 with the native
# library taken from runtimes/linux-x64/native/ (beside the assembly as Mono and .NET Framework
# apps get it; and as a published .NET app with its deps.json), sending a report to the test
# server; and on a platform the package does not carry, the consumer gets one exception naming
# the detected platform and the ones carried. (scripts/release-check --packages checks that
# LICENSE and THIRD-PARTY-LICENSES.md are the repository's.)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
package="${DIST:-$root/dist}/Contrast.Auth.$version.nupkg"
[ -f "$package" ] || { echo "test-nupkg: $package is missing: run scripts/release" >&2; exit 1; }
cargo build --release --quiet --bin contrast-auth
cli="$root/target/release/contrast-auth"
dotnet="$("$here/runtimes.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unzip -q "$package" -d "$work/package"

echo "-- the package's parts and metadata"
# The platform -> runtime identifier list scripts/release-nuget packs: scripts/platforms.txt's
# (columns "dotnet" and "shared"), every entry unless CONTRAST_PLATFORMS names fewer.
runtimes="$(scripts/platforms dotnet | while read -r platform rid; do
  echo "$platform=runtimes/$rid/native/$(scripts/platforms shared "$platform")"; done)"
[ -n "$runtimes" ] || { echo "test-nupkg: no platforms in scripts/platforms.txt" >&2; exit 1; }
expected=()
for entry in $runtimes; do
  platform="${entry%%=*}"
  if [ -z "${CONTRAST_PLATFORMS:-}" ] || [[ " $CONTRAST_PLATFORMS " == *" $platform "* ]]; then expected+=("$entry"); fi
done
python3 - "$work/package" "$version" "${expected[@]}" <<'PY'
import os, sys, xml.etree.ElementTree as ET
root, version = sys.argv[1], sys.argv[2]
natives = [entry.split("=", 1)[1] for entry in sys.argv[3:]]
files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)
want = {"[Content_Types].xml", "_rels/.rels", "Contrast.Auth.nuspec", "LICENSE", "THIRD-PARTY-LICENSES.md",
        "lib/netstandard2.0/Contrast.Auth.dll", "lib/netstandard2.0/Contrast.Auth.xml"}
want |= set(natives)
got = {f for f in files if not f.startswith("package/services/metadata/core-properties/")}
assert got == want, f"package files {sorted(got)} != {sorted(want)}"
assert sum(f.endswith(".psmdcp") for f in files) == 1, files
ns = {"n": "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"}
meta = ET.parse(os.path.join(root, "Contrast.Auth.nuspec")).getroot().find("n:metadata", ns)
value = lambda tag: (meta.find("n:" + tag, ns).text or "").strip()
assert value("id") == "Contrast.Auth" and value("version") == version, (value("id"), value("version"))
assert value("authors") and value("description") and "rfc9421" in value("tags")
license = meta.find("n:license", ns)
assert license.get("type") == "expression" and license.text == "Apache-2.0"
assert meta.find("n:repository", ns).get("url").endswith("contrast-auth.git")
assert meta.find("n:dependencies/n:group", ns).get("targetFramework") == ".NETStandard2.0"
types = ET.parse(os.path.join(root, "[Content_Types].xml")).getroot()
defaults = {e.get("Extension") for e in types if e.tag.endswith("Default")}
assert {"rels", "nuspec", "dll", "xml", "psmdcp"} <= defaults, defaults
rels = ET.parse(os.path.join(root, "_rels/.rels")).getroot()
assert {r.get("Target") for r in rels} >= {"/Contrast.Auth.nuspec"}, [r.get("Target") for r in rels]
docs = ET.parse(os.path.join(root, "lib/netstandard2.0/Contrast.Auth.xml")).getroot()
members = {m.get("name") for m in docs.iter("member")}
for name in ("T:Contrast.Auth.ContrastAuth", "M:Contrast.Auth.ContrastAuth.Send(System.String,System.String,System.String,System.Byte[])",
             "M:Contrast.Auth.ContrastAuthLog.SetLogger(System.Action{Contrast.Auth.ContrastLogLevel,System.String,System.String},Contrast.Auth.ContrastLogLevel)",
             "P:Contrast.Auth.Counters.Rejections", "T:Contrast.Auth.CredentialsRejectedException"):
    assert name in members, name
assert "Apache License" in open(os.path.join(root, "LICENSE")).read()
print(f"   {len(files)} files; runtimes: {', '.join(sorted(n.split('/')[1] for n in natives))}; {len(members)} documented members")
PY

echo "-- a consumer compiled against lib/netstandard2.0/Contrast.Auth.dll only"
lib="$work/package/lib/netstandard2.0"
native="$work/package/runtimes/linux-x64/native/libcontrast_auth.so"
app="$work/app"
mkdir -p "$app/runtimes/linux-x64/native"
mcs -nologo -target:exe -warnaserror+ -out:"$app/Consumer.exe" -r:"$lib/Contrast.Auth.dll" "$here/consumer/Consumer.cs"
cp "$lib/Contrast.Auth.dll" "$app/"
cp "$native" "$app/runtimes/linux-x64/native/"
echo '{"runtimeOptions":{"tfm":"net8.0","framework":{"name":"Microsoft.NETCore.App","version":"8.0.0"}}}' \
  >"$app/Consumer.runtimeconfig.json"
# A published .NET app whose deps.json names the native at a path the assembly's own search never
# looks at (a report accepted there was resolved by CoreCLR itself).
cp -r "$app" "$work/published"
mkdir -p "$work/published/deps-native"
mv "$work/published/runtimes/linux-x64/native/libcontrast_auth.so" "$work/published/deps-native/"
cat >"$work/published/Consumer.deps.json" <<JSON
{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0"},
  "targets": {
    ".NETCoreApp,Version=v8.0": {
      "Consumer/1.0.0": {"dependencies": {"Contrast.Auth": "$version"}, "runtime": {"Consumer.exe": {}}},
      "Contrast.Auth/$version": {
        "runtime": {"Contrast.Auth.dll": {}},
        "runtimeTargets": {"deps-native/libcontrast_auth.so": {"rid": "linux-x64", "assetType": "native"}}
      }
    }
  },
  "libraries": {
    "Consumer/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "Contrast.Auth/$version": {"type": "project", "serviceable": false, "sha512": ""}
  }
}
JSON

for name in $(env | awk -F= '/^CONTRAST/ {print $1}'); do unset "$name"; done
user="agent_consumer_\u00fc@Org"
user="$(printf "$user")"
coproc SERVER { "$cli" test-server --require-signature --ca-out "$work/ca.pem" --accept "$user:CONSUMERSERVICE1:CONSUMERAPIKEY1"; }
server_pid=$SERVER_PID
read -t 60 -r started <&"${SERVER[0]}" || { echo "test-nupkg: the test server did not start" >&2; exit 1; }
url="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$started")"
export CONTRAST__API__URL="$url" CONTRAST__API__USER_NAME="$user" CONTRAST__API__SERVICE_KEY=CONSUMERSERVICE1 \
  CONTRAST__API__API_KEY=CONSUMERAPIKEY1 CONTRAST__API__CERTIFICATE__CA_FILE="$work/ca.pem"
status=0
run() { # label dir command...
  local label="$1" dir="$2"; shift 2
  if (cd "$dir" && "$@"); then echo "   $label: passed"; else echo "test-nupkg: $label failed" >&2; status=1; fi
}
run "Mono, native in runtimes/linux-x64/native/" "$app" mono "$app/Consumer.exe"
run "CoreCLR 8, native in runtimes/linux-x64/native/" "$app" "$dotnet" "$app/Consumer.exe"
run "CoreCLR 8, published app (native where only its deps.json says)" "$work/published" "$dotnet" "$work/published/Consumer.exe"
exec {SERVER[1]}>&-
wait "$server_pid" || true
unset CONTRAST__API__URL CONTRAST__API__USER_NAME CONTRAST__API__SERVICE_KEY CONTRAST__API__API_KEY CONTRAST__API__CERTIFICATE__CA_FILE

echo "-- a platform the package does not carry: one exception naming it and the ones carried"
mkdir -p "$work/other"
cp "$app/Consumer.exe" "$app/Consumer.runtimeconfig.json" "$lib/Contrast.Auth.dll" "$work/other/"
carried=()
for dir in "$work/package/runtimes"/*/; do
  rid="$(basename "$dir")"
  [ "$rid" = linux-x64 ] && continue
  mkdir -p "$work/other/runtimes/$rid" && cp -r "$dir/native" "$work/other/runtimes/$rid/"
  carried+=("$rid")
done
expected_carried="$(printf '%s\n' "${carried[@]}" | LC_ALL=C sort | paste -sd, | sed 's/,/, /g')"
run "Mono, no linux-x64 native" "$work/other" mono "$work/other/Consumer.exe" --expect-no-native linux-x64 "${expected_carried:-none}"
run "CoreCLR 8, no linux-x64 native" "$work/other" "$dotnet" "$work/other/Consumer.exe" --expect-no-native linux-x64 "${expected_carried:-none}"
[ "$status" -eq 0 ] && echo "-- the NuGet package works as a consumer sees it"
exit "$status"
