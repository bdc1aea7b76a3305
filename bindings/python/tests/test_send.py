"""Reports to the crate's real loopback HTTPS test server (`contrast-auth test-server`),
with a CA certificate made when the server starts."""

from __future__ import annotations

import base64
import http.client
import json
import os
import ssl
import subprocess
from pathlib import Path
from typing import Callable, Iterator, NamedTuple
from urllib.parse import urlsplit

import pytest

from contrast_auth import (
    ContrastAuth,
    CredentialsRejectedError,
    InvalidArgumentError,
    SendOutcome,
    TlsError,
)

from conftest import API_KEY, REPOSITORY, SERVICE_KEY, USER_NAME

CLI = Path(os.environ.get("CONTRAST_AUTH_CLI", REPOSITORY / "target" / "release" / "contrast-auth"))
REPORT = json.dumps({"application": "demo", "findings": [1, 2, 3]}).encode()


class RunningServer(NamedTuple):
    url: str
    ca_file: str
    ca_der_file: str


@pytest.fixture
def start_server(tmp_path) -> Iterator[Callable[..., RunningServer]]:
    """Starts the CLI's test server (signatures required) accepting the given credentials
    (default: the test credentials); every server is stopped by closing its stdin."""
    assert CLI.is_file(), f"{CLI} is missing: run `cargo build --release`"
    processes: list = []

    def start(*accept: str) -> RunningServer:
        accepted = accept or (f"{USER_NAME}:{SERVICE_KEY}:{API_KEY}",)
        args = [str(CLI), "test-server", "--ca-out", str(tmp_path / f"ca{len(processes)}.pem"), "--require-signature"]
        for spec in accepted:
            args += ["--accept", spec]
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        line = process.stdout.readline()
        assert line, f"the test server did not start: {process.stderr.read()}"
        started = json.loads(line)
        return RunningServer(started["url"], started["ca_file"], started["ca_der_file"])

    try:
        yield start
    finally:
        for process in processes:
            process.stdin.close()
            process.wait(timeout=30)


@pytest.fixture
def test_server(start_server) -> RunningServer:
    """One test server accepting the test credentials."""
    return start_server()


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


# -- the library sends: contrast_auth_send ------------------------------------------------


@pytest.fixture
def configured(monkeypatch, tmp_path):
    """Configures the process like an agent: CONTRAST__API__* variables (the CA file via
    CONTRAST__API__CERTIFICATE__CA_FILE), no stray YAML file."""
    for name in list(os.environ):
        if name.startswith("CONTRAST__") or name == "CONTRAST_CONFIG_PATH":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    def configure(server: RunningServer, api_key: str = API_KEY) -> None:
        for key, value in (("URL", server.url), ("USER_NAME", USER_NAME), ("SERVICE_KEY", SERVICE_KEY),
                           ("API_KEY", api_key), ("CERTIFICATE__CA_FILE", server.ca_file), ("TIMEOUT_MS", "5000")):
            monkeypatch.setenv(f"CONTRAST__API__{key}", value)

    return configure


def test_send_a_report_to_the_test_server(test_server, configured):
    configured(test_server)
    with ContrastAuth.from_environment() as auth:
        outcome = auth.send("POST", "/api/ng/agents/report", "application/json", REPORT)
        assert outcome == SendOutcome(status=200, attempts=1, generation=1, reloaded=False)
        assert auth.send("PUT", "/api/ng/agents/activity?x=1", "application/json", b"").status == 200
    counters = stats(test_server)
    assert counters["accepted"] == 2 and counters["rejected"] == 0, counters


def test_send_with_a_wrong_key_is_credentials_rejected(test_server, configured):
    configured(test_server, api_key="WRONGAPIKEY")
    with ContrastAuth.from_environment() as auth:
        with pytest.raises(CredentialsRejectedError) as caught:
            auth.send("POST", "/api/ng/agents/report", "application/json", REPORT)
    assert "401" in str(caught.value)
    assert "WRONGAPIKEY" not in str(caught.value) and SERVICE_KEY not in str(caught.value)


def test_send_without_trusting_the_ca_is_a_tls_error(test_server):
    # Explicit values use the system trust store, which does not know the test CA.
    with ContrastAuth.from_credentials(test_server.url, USER_NAME, SERVICE_KEY, API_KEY) as auth:
        with pytest.raises(TlsError):
            auth.send("POST", "/api/ng/agents/report", "application/json", REPORT)
    assert stats(test_server)["accepted"] == 0


def test_trust_anchors_from_the_host_are_trusted(test_server, configured):
    """The host hands over its own trust store as DER certificates (no ca_file): the
    server's certificate is trusted; without them it is not; a bad one is named."""
    configured(test_server)
    os.environ.pop("CONTRAST__API__CERTIFICATE__CA_FILE")
    der = Path(test_server.ca_der_file).read_bytes()
    with ContrastAuth.from_environment(trust_anchors=[der]) as auth:
        assert auth.send("POST", "/api/ng/agents/report", "application/json", REPORT).status == 200
    with ContrastAuth.from_environment(trust_anchors=[]) as auth:
        with pytest.raises(TlsError):
            auth.send("POST", "/api/ng/agents/report", "application/json", REPORT)
    with pytest.raises(InvalidArgumentError) as caught:
        ContrastAuth.from_environment(trust_anchors=[der, b"\x30\x03\x01\x02\x03"])
    assert "trust anchor 1" in str(caught.value), caught.value
    with pytest.raises(InvalidArgumentError):
        ContrastAuth.from_environment(trust_anchors=[b""])
    with pytest.raises(TypeError):
        ContrastAuth.from_environment(trust_anchors=der)  # one certificate, not a list
    with pytest.raises(TypeError):
        ContrastAuth.from_environment(trust_anchors=["not bytes"])  # type: ignore[list-item]
    assert stats(test_server)["accepted"] == 1


def test_send_after_the_server_rotated_reloads_the_new_key_from_yaml(start_server, configured, tmp_path):
    """The administrator rotates the API key: the server only accepts the new one. The agent's
    YAML file is updated; the next report is rejected once, reloaded and accepted."""
    server = start_server(f"{USER_NAME}:{SERVICE_KEY}:NEWAPIKEY")
    configured(server)
    os.environ.pop("CONTRAST__API__API_KEY")  # the API key comes from the YAML file
    config = tmp_path / "contrast_security.yaml"
    config.write_text("api:\n  api_key: OLDAPIKEY\n", encoding="utf-8")
    os.environ["CONTRAST_CONFIG_PATH"] = str(config)
    with ContrastAuth.from_environment() as auth:
        with pytest.raises(CredentialsRejectedError):
            auth.send("POST", "/api/ng/agents/report", "application/json", REPORT)
        config.write_text("api:\n  api_key: NEWAPIKEY\n", encoding="utf-8")
        outcome = auth.send("POST", "/api/ng/agents/report", "application/json", REPORT)
        assert outcome.status == 200 and outcome.reloaded and outcome.attempts == 2
        assert auth.api_key_header() == "NEWAPIKEY"


@pytest.mark.parametrize(
    "method, path",
    [("PO ST", "/api"), ("POST", "api/no-leading-slash"), ("POST", "/api\r\nX-Evil: 1"), ("", "/api")],
)
def test_send_refuses_a_bad_method_or_path(test_server, configured, method, path):
    configured(test_server)
    with ContrastAuth.from_environment() as auth:
        with pytest.raises(InvalidArgumentError):
            auth.send(method, path, "application/json", REPORT)
    assert stats(test_server)["requests"] == 0


@pytest.mark.parametrize("user_name", ["agent_\u00fc7f3a", "agent_\U0001D11E7f3a@Org"])
def test_a_non_ascii_user_name_works_end_to_end(start_server, configured, monkeypatch, user_name):
    """Configuration (environment), headers, signing, sending (signatures required): a user
    name with a Latin-1 or a 4-byte UTF-8 character; it never appears in signature headers."""
    server = start_server(f"{user_name}:{SERVICE_KEY}:{API_KEY}")
    configured(server)
    monkeypatch.setenv("CONTRAST__API__USER_NAME", user_name)
    with ContrastAuth.from_environment() as auth:
        expected = base64.b64encode(f"{user_name}:{SERVICE_KEY}".encode()).decode()
        assert auth.authorization_header() == expected
        signed = auth.sign("POST", server.url + "/api/ng/agents/report", "application/json", REPORT)
        assert all(user_name not in value and value.isascii() for value in signed.values())
        assert auth.send("POST", "/api/ng/agents/report", "application/json", REPORT).status == 200
        assert post_signed(auth, server, "/api/ng/agents/report", REPORT).status == 200
    counters = stats(server)
    assert counters["accepted"] == 2 and counters["rejected"] == 0, counters
