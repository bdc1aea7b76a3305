#!/usr/bin/env bash
# Python binding: builds the library and the CLI (release), installs the package with pip into
# a virtual environment under target/, checks the type hints (mypy --strict), runs pytest. Fails when any test fails, when no test ran
# (pytest exit code 5) or when a test was skipped (see tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

cargo build --release --quiet

venv="$root/target/python-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv --system-site-packages "$venv"   # system site: the machine's pytest
fi
# A real pip install of the package (not the source tree on sys.path); setup.py bundles the
# library just built in target/release, as a wheel does (no CONTRAST_AUTH_LIBRARY needed).
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$root/bindings/python"

# The type hints are checked, not just written.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mypy>=1.10"
"$venv/bin/python" -m mypy --strict "$root/bindings/python/src"

unset CONTRAST_AUTH_LIBRARY
export CONTRAST_AUTH_CLI="$root/target/release/contrast-auth"
cd "$root/bindings/python"   # src/ layout: `import contrast_auth` finds the installed copy
status=0
"$venv/bin/python" -m pytest -p no:cacheprovider -q tests "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "python: pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"
