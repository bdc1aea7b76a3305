"""The shared vectors, read in place: tests/vectors/headers.json (Authorization and API-Key
values) and the signing cases tests/vectors/<case>/ (header values and the exact
Content-Digest, Signature-Input and Signature for the fixed time and nonce)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from contrast_auth import ContrastAuth

from conftest import VECTORS

VECTOR_URL = "https://app.contrastsecurity.com/Contrast"  # tests/vectors/README.md
CASES = sorted(path.parent.name for path in VECTORS.glob("*/case.json"))


HEADER_VECTORS = json.loads((VECTORS / "headers.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", HEADER_VECTORS["cases"], ids=lambda case: case["name"])
def test_header_vector(case):
    # The C ABI uses the standard alphabet (`authorization_url_safe` is the Rust core's option).
    with ContrastAuth.from_credentials(
        HEADER_VECTORS["url"], case["user_name"], case["service_key"], case["api_key"]
    ) as auth:
        assert auth.authorization_header() == case["authorization"]
        assert auth.api_key_header() == case["api_key_header"]
        headers = auth.headers()
        assert headers["Authorization"] == case["authorization"]
        assert headers["API-Key"] == case["api_key_header"]


def test_the_vectors_are_there():
    assert len(HEADER_VECTORS["cases"]) >= 5
    assert len(CASES) >= 20, f"expected the shared signing vectors under {VECTORS}"


def open_case(name: str) -> dict:
    with open(VECTORS / name / "case.json", encoding="utf-8") as file:
        return json.load(file)


def signer_for(case: dict, monkeypatch, tmp_path: Path) -> ContrastAuth:
    """An auth holding the case's credentials (rotated from the previous ones, if any)."""
    creds, previous = case["credentials"], case["previous_credentials"]
    if creds["signing_key"] is not None:
        # A dedicated signing key is configuration (api.signing_key): load it like an agent does.
        assert previous is None, "no vector combines a signing key and a rotation"
        monkeypatch.chdir(tmp_path)  # no stray contrast_security.yaml
        monkeypatch.delenv("CONTRAST_CONFIG_PATH", raising=False)
        monkeypatch.delenv("CONTRAST__API__TOKEN", raising=False)
        for key in ("url", "user_name", "service_key", "api_key", "signing_key"):
            value = VECTOR_URL if key == "url" else creds[key]
            monkeypatch.setenv(f"CONTRAST__API__{key.upper()}", value)
        return ContrastAuth.from_environment()
    first = previous or creds
    auth = ContrastAuth.from_credentials(VECTOR_URL, first["user_name"], first["service_key"], first["api_key"])
    if previous is not None:
        assert previous["user_name"] == creds["user_name"]
        auth.rotate(creds["service_key"], creds["api_key"])
    return auth


def nonce_bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("name", CASES)
def test_signing_vector(name, monkeypatch, tmp_path):
    case = open_case(name)
    expected, request = case["expected"], case["request"]
    body = (VECTORS / name / request["body_file"]).read_bytes()
    with signer_for(case, monkeypatch, tmp_path) as auth:
        assert auth.authorization_header() == expected["authorization"]
        assert auth.api_key_header() == expected["api_key"]
        # The keyid is 16 hex digits of SHA-256 of the key; the fingerprint its first 8.
        assert len(expected["keyid"]) == 16
        assert auth.fingerprints().signing_key == expected["keyid"][:8]
        signed = auth.sign(
            request["method"],
            request["url"],
            request["content_type"],
            body,
            created=case["created"],
            nonce=nonce_bytes(case["nonce"]),
        )
    assert list(signed) == ["Content-Digest", "Signature-Input", "Signature"]
    assert signed["Content-Digest"] == expected["content_digest"]
    assert signed["Signature-Input"] == expected["signature_input"]
    assert signed["Signature"] == expected["signature"]
    assert all(case["credentials"]["user_name"] not in value for value in signed.values())
    assert f'created={case["created"]};expires={case["created"] + case["validity_seconds"]};' in signed["Signature-Input"]


def test_signing_is_randomized_without_a_fixed_nonce(auth):
    body = b'{"report": 1}'
    first = auth.sign("POST", "https://contrast.example.com/Contrast/api/ng/agents/report", "application/json", body)
    second = auth.sign("POST", "https://contrast.example.com/Contrast/api/ng/agents/report", "application/json", body)
    assert first["Content-Digest"] == second["Content-Digest"]
    assert first["Signature-Input"] != second["Signature-Input"]  # fresh nonce
    assert first["Signature"] != second["Signature"]
