"""Writes the heap audit's needles: every planted secret (run.sh exports them as AUDIT_* and
CONTRAST__API__* variables and writes them into the YAML variants) and the forms a library
may hold it in. One line per needle: "<label> <hex bytes>".

Forms: the raw UTF-8 bytes (and the ASCII prefix of a non-ASCII user name, which also catches
escaped copies); the standard and URL-safe base64 of the value at each of the three byte
alignments inside a longer encoded text (only the characters that depend on the value alone);
the Authorization values (base64 of user:service_key, both alphabets); the token; the HMAC
signing keys (configured, and HKDF-derived from both layers as DESIGN.md says), raw and in
base64. Usage: needles.py OUT_FILE (values from the environment).
"""

import base64
import hashlib
import hmac
import os
import sys


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int = 32) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    block, out, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def base64_cores(value: bytes):
    """Substrings every base64 encoding of a text containing `value` holds, per alignment."""
    for shift in range(3):
        text = b"\0" * shift + value
        whole = (len(text) // 3) * 4
        start = 4 if shift else 0
        for encode in (base64.standard_b64encode, base64.urlsafe_b64encode):
            core = encode(text)[start:whole]
            if len(core) >= 12:
                yield core


def main() -> None:
    env = os.environ
    needles: dict = {}

    def add(label: str, value: bytes, encoded: bool = True) -> None:
        needles.setdefault(value, label)
        if encoded:
            for core in base64_cores(value):
                needles.setdefault(core, label + "~b64")

    users = {
        "user_name": env["CONTRAST__API__USER_NAME"],
        "user_name_new": env["AUDIT_USER_N"],
        "user_name_token": env["AUDIT_USER_T"],
    }
    layers = {
        "service_key_signing": env["AUDIT_SK_S"],
        "service_key_refused": env["AUDIT_SK_E1"],
        "service_key_accepted": env["AUDIT_SK_E2"],
        "service_key_reloaded": env["AUDIT_SK_E3"],
        "service_key_rotated": env["AUDIT_SK_E4"],
        "service_key_new": env["AUDIT_SK_N"],
        "service_key_new_rotated": env["AUDIT_SK_N2"],
        "service_key_token": env["AUDIT_SK_T"],
        "api_key": env["CONTRAST__API__API_KEY"],
        "api_key_rotated": env["AUDIT_AK_E4"],
        "api_key_new": env["AUDIT_AK_N"],
        "api_key_new_rotated": env["AUDIT_AK_N2"],
        "api_key_token": env["AUDIT_AK_T"],
        "proxy_password": env["AUDIT_PROXY_PASSWORD"],
        "token": env["AUDIT_TOKEN"],
    }
    for label, value in {**users, **layers}.items():
        add(label, value.encode())
    for label, value in users.items():
        ascii_prefix = value[: next((i for i, c in enumerate(value) if ord(c) > 127), len(value))]
        if len(ascii_prefix) >= 10:
            add(label + "_prefix", ascii_prefix.encode(), encoded=False)

    # Authorization values and derived keys, for every pairing the driver uses.
    user_env, user_new, user_token = users["user_name"], users["user_name_new"], users["user_name_token"]
    pairs = [
        (user_env, layers["service_key_signing"], layers["api_key"]),
        (user_env, layers["service_key_refused"], layers["api_key"]),
        (user_env, layers["service_key_accepted"], layers["api_key"]),
        (user_env, layers["service_key_reloaded"], layers["api_key"]),
        (user_env, layers["service_key_rotated"], layers["api_key_rotated"]),
        (user_new, layers["service_key_new"], layers["api_key_new"]),
        (user_new, layers["service_key_new_rotated"], layers["api_key_new_rotated"]),
        (user_token, layers["service_key_token"], layers["api_key_token"]),
    ]
    for i, (user, service_key, api_key) in enumerate(pairs):
        joined = f"{user}:{service_key}".encode()
        needles.setdefault(base64.standard_b64encode(joined), f"authorization_{i}")
        needles.setdefault(base64.urlsafe_b64encode(joined), f"authorization_{i}_url_safe")
        key = hkdf_sha256(api_key.encode(), service_key.encode(), b"contrast-auth/v1 " + user.encode())
        add(f"derived_signing_key_{i}", key)
    add("signing_key", base64.b64decode(env["AUDIT_SIGNING_KEY"], validate=True))
    add("signing_key_base64", env["AUDIT_SIGNING_KEY"].encode())

    with open(sys.argv[1], "w") as out:
        for value, label in needles.items():
            out.write(f"{label} {value.hex()}\n")


if __name__ == "__main__":
    main()
