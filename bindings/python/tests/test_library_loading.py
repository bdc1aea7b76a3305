"""Finding the library: CONTRAST_AUTH_LIBRARY, next to the package, the system loader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import contrast_auth
from contrast_auth import LIBRARY_ENV_VAR, LibraryNotFoundError, library_file_name, locate_library
from contrast_auth._library import open_library

from conftest import API_KEY, RELEASE_LIBRARY, SERVICE_KEY, URL, USER_NAME


def test_environment_variable_wins(monkeypatch, tmp_path):
    beside = tmp_path / library_file_name()
    shutil.copy(RELEASE_LIBRARY, beside)
    monkeypatch.setenv(LIBRARY_ENV_VAR, str(RELEASE_LIBRARY))
    assert locate_library(package_dir=tmp_path) == str(RELEASE_LIBRARY)


def test_environment_variable_naming_a_missing_file_is_an_error(monkeypatch, tmp_path):
    missing = tmp_path / "nope" / "libcontrast_auth.so"
    monkeypatch.setenv(LIBRARY_ENV_VAR, str(missing))
    with pytest.raises(LibraryNotFoundError, match=LIBRARY_ENV_VAR):
        locate_library()


def test_next_to_the_package_comes_second(monkeypatch, tmp_path):
    monkeypatch.delenv(LIBRARY_ENV_VAR, raising=False)
    beside = tmp_path / library_file_name()
    shutil.copy(RELEASE_LIBRARY, beside)
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
    """In a fresh interpreter without CONTRAST_AUTH_LIBRARY: LD_LIBRARY_PATH is honoured."""
    env = {k: v for k, v in os.environ.items() if k != LIBRARY_ENV_VAR}
    env["LD_LIBRARY_PATH"] = str(RELEASE_LIBRARY.parent)
    env["PYTHONPATH"] = str(Path(contrast_auth.__file__).resolve().parents[1])
    script = (
        "import base64, sys\n"
        "from contrast_auth import ContrastAuth\n"
        "with ContrastAuth.from_credentials(*sys.argv[1:5]) as a:\n"
        "    print(base64.b64decode(a.authorization_header()).decode())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, URL, USER_NAME, SERVICE_KEY, API_KEY],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{USER_NAME}:{SERVICE_KEY}"
