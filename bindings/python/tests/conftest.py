"""Shared fixtures: the repository root, the shared vectors, valid credentials."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
VECTORS = REPOSITORY / "tests" / "vectors"

# The library the installed package loads: the one bundled in its wheel (the tests set no
# CONTRAST_AUTH_LIBRARY), or the file CONTRAST_AUTH_LIBRARY names when the runner set it.
from contrast_auth import locate_library  # noqa: E402

LIBRARY = Path(locate_library())
assert LIBRARY.is_file(), f"the installed contrast_auth package finds no library file ({LIBRARY})"

URL = "https://contrast.example.com/Contrast"
USER_NAME = "agent_0f1e2d3c"
SERVICE_KEY = "SERVICEKEY0123"
API_KEY = "APIKEY9876"


def load_vectors(name: str) -> Any:
    """A file of the shared vectors, read in place (never copied)."""
    with open(VECTORS / name, encoding="utf-8") as file:
        return json.load(file)


@pytest.fixture
def auth():
    """A ContrastAuth on fixed test credentials, closed afterwards."""
    from contrast_auth import ContrastAuth

    with ContrastAuth.from_credentials(URL, USER_NAME, SERVICE_KEY, API_KEY) as handle:
        yield handle


# A skipped test is not a passed test: a run with any skip fails.
_skipped: list = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(f"FAILING THE RUN: {len(_skipped)} test(s) skipped", red=True)
