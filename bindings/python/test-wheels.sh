#!/usr/bin/env bash
# The released wheels (scripts/release-wheels, in dist/): what a Python agent team gets.
# 1. Each wheel has its platform's tag and library; `auditwheel show` (pinned) finds every Linux
#    wheel consistent with its tag (manylinux2014 = manylinux_2_17, musllinux_1_2); the macOS
#    and Windows arm64 wheels' tags are among those `packaging` (pip's tag logic, pinned)
#    computes for such machines, and not among other platforms'.
# 2. In a fresh virtual environment outside the repository (no system site packages), the
#    x86_64 wheel is pip-installed and the binding's whole pytest suite runs against the
#    installed package with no environment variable set (the tests find the test server CLI in
#    target/release/ and the shared vectors in tests/vectors/; the library is the wheel's).
# Usage: bindings/python/test-wheels.sh [TAG...]   (default: every platform's wheel)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
dist="$root/dist"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' bindings/python/src/contrast_auth/_version.py)"
AUDITWHEEL="auditwheel==6.8.2"
PYTEST="pytest==9.2.0"
PACKAGING="packaging==26.3"

echo "-- wheel tags and contents"
# tag -> library file, from scripts/platforms.txt (columns "wheel" and "shared").
declare -A library=()
all_tags=()
while read -r platform tag; do
  library[$tag]="$(scripts/platforms shared "$platform")"
  all_tags+=("$tag")
done < <(scripts/platforms wheel)
tags=("$@")
[ ${#tags[@]} -gt 0 ] || tags=("${all_tags[@]}")
for tag in "${tags[@]}"; do
  [ -n "${library[$tag]:-}" ] || { echo "unknown wheel tag $tag (scripts/platforms.txt: ${all_tags[*]})" >&2; exit 1; }
  wheel="$dist/contrast_auth-$version-py3-none-$tag.whl"
  [ -f "$wheel" ] || { echo "missing $wheel (scripts/release-wheels)" >&2; exit 1; }
  python3 - "$wheel" "$tag" "${library[$tag]}" <<'PY'
import sys, zipfile
wheel, tag, library = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
meta = next(n for n in names if n.endswith(".dist-info/WHEEL"))
text = zipfile.ZipFile(wheel).read(meta).decode()
assert f"Tag: py3-none-{tag}\n" in text, f"{wheel}: WHEEL says\n{text}"
assert "Root-Is-Purelib: false" in text, text
libraries = [n for n in names if n.rsplit("/", 1)[-1] in ("libcontrast_auth.so", "contrast_auth.dll", "libcontrast_auth.dylib")]
assert libraries == [f"contrast_auth/{library}"], f"{wheel}: libraries {libraries}"
print(f"{wheel.rsplit('/', 1)[-1]}: Tag py3-none-{tag}, carries contrast_auth/{library}")
PY
done

tools="$root/target/wheel-test-tools"
[ -x "$tools/bin/python" ] || python3 -m venv "$tools"
"$tools/bin/python" -m pip install --quiet --disable-pip-version-check "$AUDITWHEEL" "$PACKAGING"

echo "-- macOS and Windows arm64 wheels: installable where pip (packaging) says they are"
# pip installs a wheel when one of its tags is among the running interpreter's supported tags,
# which `packaging.tags` computes. For each wheel with no machine here to run on, the tags of
# the oldest and a current machine of its platform: the wheel must be accepted by both (its
# minimum macOS is the one the library was built for) and refused by the other platforms.
"$tools/bin/python" - "$dist" "$version" "${tags[@]}" <<'PY'
import platform, sys, sysconfig
from unittest import mock
from packaging import tags
from packaging.utils import parse_wheel_filename

dist, version, *wanted = sys.argv[1:]
# wheel tag -> the machines (description, platform tags pip computes there) that must accept it
def mac(version, arch):
    return list(tags.mac_platforms(version, arch))
def windows(get_platform):
    with mock.patch.object(platform, "system", return_value="Windows"), \
         mock.patch.object(sysconfig, "get_platform", return_value=get_platform):
        return list(tags.platform_tags())
m11a, m15a = ("macOS 11 arm64", mac((11, 0), "arm64")), ("macOS 15 arm64", mac((15, 0), "arm64"))
m1012, m15x = ("macOS 10.12 x86_64", mac((10, 12), "x86_64")), ("macOS 15 x86_64", mac((15, 0), "x86_64"))
m1011 = ("macOS 10.11 x86_64", mac((10, 11), "x86_64"))
wa, wx = ("Windows arm64", windows("win-arm64")), ("Windows x86_64", windows("win-amd64"))
# wheel tag -> (machines where pip must accept it, machines where pip must refuse it)
machines = {
    "macosx_11_0_arm64": ([m11a, m15a], [m15x, wa, wx]),
    "macosx_10_12_x86_64": ([m1012, m15x], [m1011, m15a, wx]),
    "win_arm64": ([wa], [wx, m15a]),
}
checked = 0
for tag, (accepting, refusing) in machines.items():
    if tag not in wanted:
        continue
    name = f"contrast_auth-{version}-py3-none-{tag}.whl"
    _, _, _, wheel_tags = parse_wheel_filename(name)
    for should, group in ((True, accepting), (False, refusing)):
        for description, platforms in group:
            accepted = bool(wheel_tags & set(tags.compatible_tags((3, 9), "cp39", platforms)))
            assert accepted == should, f"{name}: pip on {description} would {'refuse' if should else 'accept'} it"
    print(f"{name}: accepted on {', '.join(d for d, _ in accepting)}; refused on {', '.join(d for d, _ in refusing)}")
    checked += 1
print(f"packaging: {checked} wheel(s) checked")
PY

echo "-- auditwheel show (Linux wheels)"
for tag in "${tags[@]}"; do
  case "$tag" in manylinux* | musllinux*) ;; *) continue ;; esac
  wheel="$dist/contrast_auth-$version-py3-none-$tag.whl"
  # On this glibc host auditwheel cannot find a musl library path by itself (it asserts on
  # /etc/ld-musl-*.path of two architectures): point it at Debian's musl for the wheel's arch.
  ldpaths=()
  case "$tag" in musllinux_*) ldpaths=(--ldpaths "/usr/lib/${tag##*_1_2_}-linux-musl") ;; esac
  shown="$("$tools/bin/auditwheel" show "${ldpaths[@]}" "$wheel" 2>&1)" || { echo "$shown" >&2; exit 1; }
  python3 - "$tag" "$shown" <<'PY'
import re, sys
tag, shown = sys.argv[1:]
# auditwheel wraps its sentences: match across line breaks.
m = re.search(r'consistent\s+with\s+the\s+following\s+platform\s+tag:\s+"([^"]+)"', shown)
detected = m.group(1) if m else ""
# The tag the wheel claims, as (family, major, minor, arch); manylinux2014 is manylinux_2_17.
def parse(t):
    t = t.replace("manylinux2014_", "manylinux_2_17_")
    m = re.fullmatch(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)", t)
    assert m, f"cannot read the tag {t!r}"
    return m.group(1), (int(m.group(2)), int(m.group(3))), m.group(4)
claimed, found = parse(tag), parse(detected) if detected else None
ok = found is not None and found[0] == claimed[0] and found[2] == claimed[2] and found[1] <= claimed[1]
print(f"{tag}: auditwheel: consistent with {detected or '(nothing)'}: {'accepted' if ok else 'REFUSED'}")
if not ok:
    sys.exit(shown)
PY
done

echo "-- fresh venv outside the repository: pip install the x86_64 wheel, run the pytest suite"
outside="$(mktemp -d)"
trap 'rm -rf "$outside"' EXIT
python3 -m venv "$outside/venv"
"$outside/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$PYTEST" \
  "$dist/contrast_auth-$version-py3-none-manylinux2014_x86_64.whl"
unset CONTRAST_AUTH_LIBRARY CONTRAST_AUTH_CLI
where="$(cd "$outside" && "$outside/venv/bin/python" -c \
  'import contrast_auth, contrast_auth._library as l; print(contrast_auth.__file__); print(l.locate_library()); print(contrast_auth.library_version())')"
echo "$where"
case "$(sed -n 1p <<<"$where")" in "$outside/venv/"*) ;; *) echo "imported from outside the venv" >&2; exit 1 ;; esac
case "$(sed -n 2p <<<"$where")" in "$outside/venv/"*/contrast_auth/libcontrast_auth.so) ;; *) echo "not the wheel's library" >&2; exit 1 ;; esac
[ "$(sed -n 3p <<<"$where")" = "$version" ] || { echo "library version is not $version" >&2; exit 1; }
cargo build --release --quiet   # the tests' test server: target/release/contrast-auth
status=0
(cd "$outside" && "$outside/venv/bin/python" -m pytest -p no:cacheprovider -q \
  --rootdir "$root/bindings/python" -c "$root/bindings/python/pyproject.toml" "$root/bindings/python/tests") || status=$?
if [ "$status" -eq 5 ]; then echo "python wheel: pytest collected no tests: failing" >&2; exit 1; fi
exit "$status"
