#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/ (generated, not
committed: run by scripts/fuzz). Text targets get realistic inputs; the structured targets
(verifier, sign_mutate, c_abi: `arbitrary` decodes their bytes) get byte patterns."""
import base64
import json
import os
import random
import sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, items):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    for i, item in enumerate(items):
        data = item if isinstance(item, bytes) else item.encode()
        with open(os.path.join(d, f"seed-{i:03}"), "wb") as f:
            f.write(data)


def token(**fields):
    base = {"url": "https://h.example/Contrast", "api_key": "AK", "service_key": "SK", "user_name": "agent@Org"}
    base.update(fields)
    return base64.b64encode(json.dumps({k: v for k, v in base.items() if v is not None}).encode()).decode()


tokens = [token(), token(api_key="k\u00e9\ud83d\udd11"), token(extra="x"), token(user_name=None),
          " " + token() + "\t", token(url=5) if False else token(url="http://h/Contrast"),
          base64.urlsafe_b64encode(b'{"url":"u"}').decode(), "e30=", "", "!!!!"]
yaml = [
    "api:\n  url: https://h.example/Contrast\n  api_key: AK\n  service_key: SK\n  user_name: agent@Org\n",
    "api:\n  token: " + token() + "\n",
    "api:\n  url: https://h.example/Contrast\n  token: " + token() + "\n  proxy:\n    url: http://u:p@proxy:3128\n  timeout_ms: 500\n",
    "api:\n  certificate:\n    enable: true\n    ignore_cert_errors: false\n",
    "a: &a {url: x}\napi:\n  <<: *a\n",
    "api: [1, 2, 3]\n", "--- !!binary aGVsbG8=\n", "api:\n  url: \"\\u0000\"\n",
]
urls = ["https://h.example/Contrast/api/ng/report?app=1", "https://h.example:8443/a", "https://H.Example:443/a",
        "https://0x/", "https://a.0x1/", "https://1.2.3.4/", "https://[::1]:8443/x", "https://xn--nxasmq6b.example/",
        "https://h.example/a/../b", "https://h.example/%2e/x", "https://h.example/a b?c d#f", "h.example/x",
        "https://h.example/\u00e9?\u00e9", "https://h.example:0443/", "https://h.example:/", "https://a..b/"]
rng = random.Random(16)
structured = [bytes(rng.randrange(256) for _ in range(n)) for n in (0, 8, 32, 64, 128, 256, 512)]
structured += [b"\x00" * 64, b"\xff" * 64, bytes(range(256))]

write("token_decode", tokens)
write("config_yaml", yaml)
write("url_fast_path", urls)
for target in ("verifier", "sign_mutate", "c_abi"):
    write(target, structured)
print(f"seed corpora written under {root}", file=sys.stderr)

# fleet_inputs: first byte even = a --replay-store URL, odd = an --accept-file.
write("fleet_inputs", [
    b"\x00memory", b"\x00redis://127.0.0.1:6379/0", b"\x00rediss://u@h.example:6380",
    b"\x00redis-cluster://127.0.0.1:7000,127.0.0.1:7001,[::1]:7002",
    b"\x00rediss-cluster://user@h1:7000,h2:7000", b"\x00redis://h:1?x=y", b"\x00redis-cluster://h",
    b"\x01# agents\n\nagent-1@org:SVC-1:API-1\r\nagent-2:SVC-2:API:2\n",
    b"\x01bad line\n", b"\x01a:b:\n", b"\x01a:\xff:c\n", b"\x01 \t# c\n\t a:b:c \n",
])
