"""The library's log records in ``logging.getLogger("contrast_auth")`` and the counters: a
full session at TRACE (load, sign, send with a retry, a clock correction and a 401 reload,
rotate) against the crate's loopback HTTPS test server, with no planted secret in any
record in any base64 form."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import subprocess
import threading
from pathlib import Path
from typing import Iterator, List

import pytest

import contrast_auth
from contrast_auth import ContrastAuth, Counters, _abi, _log

from conftest import API_KEY, REPOSITORY, SERVICE_KEY, USER_NAME

CLI = Path(os.environ.get("CONTRAST_AUTH_CLI", REPOSITORY / "target" / "release" / "contrast-auth"))
HEADER = (REPOSITORY / "include" / "contrast_auth.h").read_text(encoding="utf-8")
WRONG_SERVICE_KEY = "WRONGSERVICEKEY4PY"
ROTATED_SERVICE_KEY = "ROTATEDSERVICEKEY6PY"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=1)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured() -> Iterator[Capture]:
    logger = logging.getLogger(contrast_auth.LOGGER_NAME)
    handler = Capture()
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(contrast_auth.TRACE)
    contrast_auth.refresh_log_level()
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        contrast_auth.refresh_log_level()


def test_levels_equal_the_headers():
    found = {name: int(value) for name, value in re.findall(r"#define CONTRAST_LOG_(\w+) (\d+)", HEADER)}
    assert found == _abi.LOG_LEVELS


def test_the_library_level_follows_the_logger():
    logger = logging.getLogger(contrast_auth.LOGGER_NAME)
    previous = logger.level
    try:
        for python_level, library_level in [(logging.WARNING, 2), (logging.DEBUG, 4), (contrast_auth.TRACE, 5),
                                            (logging.ERROR, 1), (logging.CRITICAL + 1, 0)]:
            logger.setLevel(python_level)
            assert _log.library_level() == library_level
    finally:
        logger.setLevel(previous)


def forbidden() -> List[str]:
    texts = [USER_NAME, SERVICE_KEY, API_KEY, WRONG_SERVICE_KEY, ROTATED_SERVICE_KEY]
    texts += [f"{USER_NAME}:{key}" for key in (SERVICE_KEY, WRONG_SERVICE_KEY, ROTATED_SERVICE_KEY)]
    out = []
    for text in texts:
        raw = text.encode()
        for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
            out += [encoded.decode(), encoded.decode().rstrip("=")]
        out.append(text)
    return out


def write_yaml(path: Path, url: str, ca_file: str, service_key: str) -> None:
    path.write_text(
        f"api:\n  url: {url}\n  user_name: {USER_NAME}\n  service_key: {service_key}\n  api_key: {API_KEY}\n"
        f"  timeout_ms: 5000\n  certificate:\n    ca_file: {ca_file}\n",
        encoding="utf-8",
    )


def test_a_full_session_logs_every_step_and_no_secret(captured, tmp_path, monkeypatch):
    assert CLI.is_file(), f"{CLI} is missing: run `cargo build --release`"
    server = subprocess.Popen(
        [str(CLI), "test-server", "--ca-out", str(tmp_path / "ca.pem"),
         "--accept", f"{USER_NAME}:{SERVICE_KEY}:{API_KEY}", "--accept", f"{USER_NAME}:{ROTATED_SERVICE_KEY}:{API_KEY}",
         "--fault", "503", "--clock-offset", "60"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        started = json.loads(server.stdout.readline())
        for name in list(os.environ):
            if name.startswith("CONTRAST__") or name == "CONTRAST_CONFIG_PATH":
                monkeypatch.delenv(name)
        monkeypatch.chdir(tmp_path)
        config = tmp_path / "session.yaml"
        write_yaml(config, started["url"], started["ca_file"], WRONG_SERVICE_KEY)
        monkeypatch.setenv("CONTRAST_CONFIG_PATH", str(config))
        with ContrastAuth.from_environment() as auth:
            write_yaml(config, started["url"], started["ca_file"], SERVICE_KEY)
            assert auth.counters() == Counters(0, 0, 0, 0, 0, 0, 0, 0)
            auth.sign("POST", started["url"] + "/api/ng/report", "application/json", b"{}")
            outcome = auth.send("POST", "/api/ng/report", "application/json", b'{"a":1}')
            assert outcome.attempts == 3 and outcome.reloaded
            auth.rotate(service_key=ROTATED_SERVICE_KEY)
            auth.send("POST", "/api/ng/report", "application/json", b"{}")
            counters = auth.counters()
        assert (counters.acknowledged, counters.failed, counters.requests, counters.retries, counters.reloads,
                counters.rejections, counters.reconnects) == (2, 0, 4, 2, 1, 1, 0), counters
        assert counters.handshakes >= 1
    finally:
        server.stdin.close()
        server.wait(timeout=30)

    records = captured.records
    events = [r.event for r in records]  # type: ignore[attr-defined]
    for event in ["config.loaded", "signing.signed", "transport.connected", "transport.retry", "transport.clock_skew",
                  "transport.rejected", "credentials.reloaded", "credentials.rotated", "transport.sent"]:
        assert event in events, f"no {event} in {events}"
    assert events.count("transport.rejected") == 1
    by_event = {r.event: r for r in reversed(records)}  # type: ignore[attr-defined]
    assert by_event["transport.retry"].levelno == logging.DEBUG
    assert "HTTP 503" in by_event["transport.retry"].getMessage()
    assert by_event["transport.rejected"].levelno == logging.WARNING
    assert "HTTP 401" in by_event["transport.rejected"].getMessage()
    assert by_event["credentials.reloaded"].levelno == logging.INFO
    assert by_event["config.loaded"].levelno == logging.DEBUG
    assert by_event["signing.signed"].levelno == contrast_auth.TRACE
    assert by_event["signing.signed"].levelname == "TRACE"
    assert all(r.name == "contrast_auth" for r in records)
    assert all(r.args and r.args[0] == r.event for r in records)  # type: ignore[attr-defined,index]
    assert {r.thread for r in records} == {threading.get_ident()}, "delivered on the calling thread"
    secrets = forbidden()
    for record in records:
        text = record.getMessage()
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {text}"


def test_a_failing_filter_does_not_break_the_library(captured, auth):
    class Broken(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            raise RuntimeError("deliberate test failure in a logging filter")

    logger = logging.getLogger(contrast_auth.LOGGER_NAME)
    broken = Broken()
    logger.addFilter(broken)
    try:
        auth.rotate(service_key="ANOTHERKEY")
        assert auth.fingerprints().generation == 2
    finally:
        logger.removeFilter(broken)
    auth.rotate(service_key="THIRDKEY")
    assert [r.event for r in captured.records] == ["credentials.rotated"]  # type: ignore[attr-defined]


def test_counters_of_a_handle_that_never_sent_are_zero(auth):
    assert auth.counters() == Counters(0, 0, 0, 0, 0, 0, 0, 0)
