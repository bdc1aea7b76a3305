"""Finding the library (CONTRAST_AUTH_LIBRARY, bundled next to the package, the system loader)
and checking its version against the package's."""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import contrast_auth
from contrast_auth import (
    LIBRARY_ENV_VAR,
    LibraryNotFoundError,
    LibraryVersionError,
    library_file_name,
    library_version,
    locate_library,
)
from contrast_auth._library import open_library

from conftest import API_KEY, LIBRARY, REPOSITORY, SERVICE_KEY, URL, USER_NAME

PACKAGE_DIR = Path(contrast_auth.__file__).resolve().parent

# Prints the Authorization user:service_key pair and the path of the library it loaded.
AUTHORIZATION_SCRIPT = (
    "import base64, sys\n"
    "from contrast_auth import ContrastAuth\n"
    "from contrast_auth._library import library\n"
    "with ContrastAuth.from_credentials(*sys.argv[1:5]) as a:\n"
    "    print(base64.b64decode(a.authorization_header()).decode())\n"
    "print(library()._name)\n"
)


def run_fresh_interpreter(env: dict, cwd: Path) -> subprocess.CompletedProcess:
    """AUTHORIZATION_SCRIPT in a new interpreter with exactly ``env``."""
    return subprocess.run(
        [sys.executable, "-c", AUTHORIZATION_SCRIPT, URL, USER_NAME, SERVICE_KEY, API_KEY],
        env=env, capture_output=True, text=True, timeout=60, cwd=cwd,
    )


def environment_without_override() -> dict:
    return {k: v for k, v in os.environ.items() if k != LIBRARY_ENV_VAR}


def package_copy_without_library(tmp_path: Path) -> Path:
    """A copy of the installed package with no library beside it; returns its sys.path entry."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE_DIR, site / "contrast_auth",
                    ignore=shutil.ignore_patterns("*.so", "*.dll", "*.dylib", "__pycache__"))
    return site


def test_the_installed_package_carries_its_library(monkeypatch):
    monkeypatch.delenv(LIBRARY_ENV_VAR, raising=False)
    bundled = PACKAGE_DIR / library_file_name()
    assert bundled.is_file(), f"no {library_file_name()} in the installed package {PACKAGE_DIR}"
    assert locate_library() == str(bundled)


def test_environment_variable_wins(monkeypatch, tmp_path):
    beside = tmp_path / library_file_name()
    shutil.copy(LIBRARY, beside)
    monkeypatch.setenv(LIBRARY_ENV_VAR, str(LIBRARY))
    assert locate_library(package_dir=tmp_path) == str(LIBRARY)


def test_environment_variable_overrides_the_bundled_library_in_a_fresh_interpreter(tmp_path):
    elsewhere = tmp_path / "elsewhere" / library_file_name()
    elsewhere.parent.mkdir()
    shutil.copy(LIBRARY, elsewhere)
    env = environment_without_override()
    env[LIBRARY_ENV_VAR] = str(elsewhere)
    done = run_fresh_interpreter(env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"{USER_NAME}:{SERVICE_KEY}", str(elsewhere)]


def test_environment_variable_naming_a_missing_file_is_an_error(monkeypatch, tmp_path):
    missing = tmp_path / "nope" / "libcontrast_auth.so"
    monkeypatch.setenv(LIBRARY_ENV_VAR, str(missing))
    with pytest.raises(LibraryNotFoundError, match=LIBRARY_ENV_VAR):
        locate_library()


def test_next_to_the_package_comes_second(monkeypatch, tmp_path):
    monkeypatch.delenv(LIBRARY_ENV_VAR, raising=False)
    beside = tmp_path / library_file_name()
    shutil.copy(LIBRARY, beside)
    assert locate_library(package_dir=tmp_path) == str(beside)
    library = open_library(str(beside))
    assert library.contrast_result_message(0)


def test_system_loader_is_last(monkeypatch, tmp_path):
    monkeypatch.delenv(LIBRARY_ENV_VAR, raising=False)
    found = locate_library(package_dir=tmp_path)  # empty directory: nothing beside
    assert found != str(tmp_path / library_file_name())
    assert "contrast_auth" in found


def test_a_file_that_is_not_a_library_is_a_clear_error(tmp_path):
    bogus = tmp_path / library_file_name()
    bogus.write_text("not an ELF file")
    with pytest.raises(LibraryNotFoundError, match=LIBRARY_ENV_VAR):
        open_library(str(bogus))


def test_system_loader_finds_the_library_on_ld_library_path(tmp_path):
    """A package without a bundled library, no CONTRAST_AUTH_LIBRARY: LD_LIBRARY_PATH is honoured."""
    lib_dir = tmp_path / "lib"
    lib_dir.mkdir()
    shutil.copy(LIBRARY, lib_dir / library_file_name())
    # As installed on a system: the link-time name and the SONAME (the shipped library has
    # SONAME libcontrast_auth.so.0, which is what find_library returns).
    (lib_dir / f"{library_file_name()}.0").symlink_to(library_file_name())
    env = environment_without_override()
    env["LD_LIBRARY_PATH"] = str(lib_dir)
    env["PYTHONPATH"] = str(package_copy_without_library(tmp_path))
    done = run_fresh_interpreter(env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"{USER_NAME}:{SERVICE_KEY}"


def test_the_package_version_is_the_crate_version():
    cargo = (REPOSITORY / "Cargo.toml").read_text(encoding="utf-8")
    crate_version = re.search(r'^version = "([^"]+)"', cargo, re.MULTILINE).group(1)
    assert contrast_auth.__version__ == crate_version


def test_the_loaded_library_reports_the_package_version():
    assert library_version() == contrast_auth.__version__


def test_a_library_of_another_version_is_refused_with_both_versions():
    with pytest.raises(LibraryVersionError) as caught:
        open_library(str(LIBRARY), expected_version="9.9.9")
    error = caught.value
    assert (error.library_version, error.package_version) == (contrast_auth.__version__, "9.9.9")
    message = str(error)
    assert f"is version {contrast_auth.__version__}" in message
    assert "package is version 9.9.9" in message
    assert str(LIBRARY) in message and LIBRARY_ENV_VAR in message


def test_a_library_without_contrast_version_is_refused():
    libm = ctypes.util.find_library("m")
    assert libm, "the C math library is on every Linux machine"
    with pytest.raises(LibraryVersionError, match=r"has no contrast_version\(\)") as caught:
        open_library(libm)
    assert caught.value.library_version is None


def test_a_package_of_another_version_refuses_the_library_at_first_use(tmp_path):
    """The whole path in a fresh interpreter: a package whose __version__ differs from its library."""
    site = package_copy_without_library(tmp_path)
    (site / "contrast_auth" / "_version.py").write_text('__version__ = "0.0.1"\n')
    env = environment_without_override()
    env[LIBRARY_ENV_VAR] = str(LIBRARY)
    env["PYTHONPATH"] = str(site)
    done = run_fresh_interpreter(env, tmp_path)
    assert done.returncode != 0
    assert "LibraryVersionError" in done.stderr
    assert f"is version {contrast_auth.__version__}, but the contrast_auth package is version 0.0.1" in done.stderr
