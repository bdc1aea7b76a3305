"""Reports to the crate's real loopback HTTPS test server (`contrast-auth test-server`),
with a CA certificate made when the server starts."""

from __future__ import annotations

import http.client
import json
import os
import ssl
import subprocess
from pathlib import Path
from typing import Iterator, NamedTuple
from urllib.parse import urlsplit

import pytest

from contrast_auth import ContrastAuth

from conftest import API_KEY, REPOSITORY, SERVICE_KEY, USER_NAME

CLI = Path(os.environ.get("CONTRAST_AUTH_CLI", REPOSITORY / "target" / "release" / "contrast-auth"))
REPORT = json.dumps({"application": "demo", "findings": [1, 2, 3]}).encode()


class RunningServer(NamedTuple):
    url: str
    ca_file: str


@pytest.fixture
def test_server(tmp_path) -> Iterator[RunningServer]:
    """The CLI's test server accepting the test credentials and requiring signatures;
    stopped by closing its stdin."""
    assert CLI.is_file(), f"{CLI} is missing: run `cargo build --release`"
    process = subprocess.Popen(
        [str(CLI), "test-server", "--accept", f"{USER_NAME}:{SERVICE_KEY}:{API_KEY}",
         "--ca-out", str(tmp_path / "ca.pem"), "--require-signature"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        assert line, f"the test server did not start: {process.stderr.read()}"
        started = json.loads(line)
        yield RunningServer(started["url"], started["ca_file"])
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def stats(server: RunningServer) -> dict:
    """The server's counters (GET /Contrast/__test/stats)."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPSConnection(
        parts.hostname, parts.port, context=ssl.create_default_context(cafile=server.ca_file), timeout=30
    )
    try:
        connection.request("GET", "/Contrast/__test/stats")
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def post_signed(auth: ContrastAuth, server: RunningServer, path: str, body: bytes) -> http.client.HTTPResponse:
    """What an agent with its own HTTP client does: the library's headers and signature,
    sent by Python's http.client over TLS trusting the server's CA."""
    url = server.url + path
    parts = urlsplit(url)
    headers = {**auth.headers(), **auth.sign("POST", url, "application/json", body), "Content-Type": "application/json"}
    connection = http.client.HTTPSConnection(
        parts.hostname, parts.port, context=ssl.create_default_context(cafile=server.ca_file), timeout=30
    )
    connection.request("POST", parts.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_headers_and_signature_are_accepted_by_the_test_server(test_server):
    with ContrastAuth.from_credentials(test_server.url, USER_NAME, SERVICE_KEY, API_KEY) as auth:
        response = post_signed(auth, test_server, "/api/ng/agents/report", REPORT)
        assert response.status == 200
    counters = stats(test_server)
    assert counters["accepted"] >= 1 and counters["rejected"] == 0, counters


def test_a_tampered_body_or_a_wrong_key_is_refused(test_server):
    with ContrastAuth.from_credentials(test_server.url, USER_NAME, SERVICE_KEY, "WRONGAPIKEY") as auth:
        assert post_signed(auth, test_server, "/api/ng/agents/report", REPORT).status == 401
    with ContrastAuth.from_credentials(test_server.url, USER_NAME, SERVICE_KEY, API_KEY) as auth:
        url = test_server.url + "/api/ng/agents/report"
        signed = auth.sign("POST", url, "application/json", REPORT)
        parts = urlsplit(url)
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, context=ssl.create_default_context(cafile=test_server.ca_file), timeout=30
        )
        connection.request("POST", parts.path, body=REPORT + b" ", headers={**auth.headers(), **signed, "Content-Type": "application/json"})
        assert connection.getresponse().status == 401
        connection.close()
    assert stats(test_server)["rejected"] == 2
