#!/usr/bin/env bash
# The released wheels (scripts/release-wheels, in dist/): what a Python agent team gets.
# 1. Each wheel has its platform's tag and library; `auditwheel show` (pinned) finds every Linux
#    wheel consistent with its tag (manylinux2014 = manylinux_2_17, musllinux_1_2).
# 2. In a fresh virtual environment outside the repository (no system site packages), the
#    x86_64 wheel is pip-installed and the binding's whole pytest suite runs against the
#    installed package with no environment variable set (the tests find the test server CLI in
#    target/release/ and the shared vectors in tests/vectors/; the library is the wheel's).
# Usage: bindings/python/test-wheels.sh [TAG...]   (default: all five wheels)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
dist="$root/dist"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' bindings/python/src/contrast_auth/_version.py)"
AUDITWHEEL="auditwheel==6.8.2"
PYTEST="pytest==9.2.0"

echo "-- wheel tags and contents"
declare -A library=(
  [manylinux2014_x86_64]=libcontrast_auth.so [manylinux2014_aarch64]=libcontrast_auth.so
  [musllinux_1_2_x86_64]=libcontrast_auth.so [musllinux_1_2_aarch64]=libcontrast_auth.so
  [win_amd64]=contrast_auth.dll
)
tags=("$@")
[ ${#tags[@]} -gt 0 ] || tags=(manylinux2014_x86_64 manylinux2014_aarch64 musllinux_1_2_x86_64 musllinux_1_2_aarch64 win_amd64)
for tag in "${tags[@]}"; do
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

echo "-- auditwheel show (Linux wheels)"
tools="$root/target/wheel-test-tools"
[ -x "$tools/bin/python" ] || python3 -m venv "$tools"
"$tools/bin/python" -m pip install --quiet --disable-pip-version-check "$AUDITWHEEL"
for tag in "${tags[@]}"; do
  [ "$tag" = win_amd64 ] && continue
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
