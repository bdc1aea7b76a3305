"""An independent implementation of the signing wire format (DESIGN.md, "Signing"), in Python's
standard library only, checked against every committed vector in this directory.

It rebuilds everything from the case's inputs without using any `expected` value: the HMAC
key (HKDF-SHA256 per RFC 5869, or the configured key), `keyid`, `@authority`/`@path`/`@query`
from the URL, the `Content-Digest`, the RFC 9421 signature base, `Signature-Input` and
`Signature`, and then compares with `expected`. Run: `python3 -m pytest -q tests/vectors`.
"""

import base64
import hashlib
import hmac
import json
import pathlib
import urllib.parse

import pytest

HERE = pathlib.Path(__file__).parent
CASES = sorted(p.parent for p in HERE.glob("*/case.json"))
COMPONENTS = ["@method", "@authority", "@path", "@query", "content-type", "content-digest"]


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int = 32) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    block, out, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def hmac_key(creds: dict) -> bytes:
    if creds["signing_key"]:
        return base64.b64decode(creds["signing_key"], validate=True)
    info = b"contrast-auth/v1 " + creds["user_name"].encode()
    return hkdf_sha256(creds["api_key"].encode(), creds["service_key"].encode(), info)


def keyid(creds: dict) -> str:
    """The first 16 lowercase hex digits of SHA-256 of the HMAC key (never the user name)."""
    return hashlib.sha256(hmac_key(creds)).hexdigest()[:16]


def sf_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def components_from_url(url: str):
    parts = urllib.parse.urlsplit(url)
    assert parts.scheme == "https"
    host = parts.hostname.lower()
    authority = host if parts.port in (None, 443) else f"{host}:{parts.port}"
    # Non-ASCII is sent percent-encoded as UTF-8; everything else as written.
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = "?" + parts.query
    return authority, path, query


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def params(case: dict, creds: dict) -> str:
    inner = "(" + " ".join(f'"{c}"' for c in COMPONENTS) + ")"
    created = case["created"]
    expires = created + case["validity_seconds"]
    return (
        f"{inner};created={created};expires={expires};nonce={sf_string(case['nonce'])}"
        f";keyid={sf_string(keyid(creds))};tag=\"contrast-auth/v1\""
    )


def signature_base(lines, serialized_params: str) -> str:
    out = "".join(f'"{name}": {value}\n' for name, value in lines)
    return out + '"@signature-params": ' + serialized_params


@pytest.mark.parametrize("case_dir", CASES, ids=[c.name for c in CASES])
def test_signing_matches_an_independent_implementation(case_dir):
    case = json.loads((case_dir / "case.json").read_text())
    request, expected = case["request"], case["expected"]
    body = (case_dir / request["body_file"]).read_bytes()
    authority, path, query = components_from_url(request["url"])
    digest = content_digest(body)
    lines = [
        ("@method", request["method"]),
        ("@authority", authority),
        ("@path", path),
        ("@query", query),
        ("content-type", request["content_type"].strip()),
        ("content-digest", digest),
    ]
    inputs, signatures = [], []
    labelled = [("contrast", case["credentials"])]
    if case["previous_credentials"]:
        labelled.append(("contrast-prev", case["previous_credentials"]))
    for label, creds in labelled:
        serialized = params(case, creds)
        base = signature_base(lines, serialized)
        if label == "contrast":
            assert base == expected["signature_base"]
        mac = hmac.new(hmac_key(creds), base.encode(), hashlib.sha256).digest()
        inputs.append(f"{label}={serialized}")
        signatures.append(f"{label}=:{base64.b64encode(mac).decode()}:")

    assert base64.b64encode(hmac_key(case["credentials"])).decode() == expected["hmac_key"]
    assert keyid(case["credentials"]) == expected["keyid"]
    assert digest == expected["content_digest"]
    assert ", ".join(inputs) == expected["signature_input"]
    assert ", ".join(signatures) == expected["signature"]
    # The user name is a secret and may be non-ASCII: it appears in no signature header.
    for header in (expected["signature_input"], expected["signature"], digest):
        assert header.isascii()
        assert case["credentials"]["user_name"] not in header


def test_non_ascii_user_names_have_cases():
    users = {json.loads((c / "case.json").read_text())["credentials"]["user_name"] for c in CASES}
    assert "agent_\u00fc7f3a" in users
    assert any(any(ord(ch) > 0xFFFF for ch in user) for user in users)


def test_there_are_at_least_20_cases():
    assert len(CASES) >= 20
