#!/usr/bin/env python3
"""Flattens the shared vectors (tests/vectors/) into tab-separated lines of hex fields
that the C tests read without a JSON parser: `vectors_to_tsv.py VECTORS_DIR OUT_DIR`.

headers.tsv: name url user_name service_key api_key authorization api_key_header
signing.tsv: name user_name service_key api_key signing_key prev_service_key prev_api_key
             method url content_type body created nonce authorization api_key
             content_digest signature_input signature
Every field is lowercase hex of its UTF-8 bytes (raw bytes for the body and nonce), or
"-" when absent (null). `created` is decimal.
"""
import base64
import json
import pathlib
import sys


def hx(value):
    if value is None:
        return "-"
    if isinstance(value, str):
        value = value.encode("utf-8")
    return value.hex()


def main():
    vectors, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    doc = json.loads((vectors / "headers.json").read_text(encoding="utf-8"))
    with open(out / "headers.tsv", "w") as f:
        for c in doc["cases"]:
            row = [c["name"], doc["url"], c["user_name"], c["service_key"], c["api_key"],
                   c["authorization"], c["api_key_header"]]
            f.write("\t".join(hx(v) for v in row) + "\n")
    count = 0
    with open(out / "signing.tsv", "w") as f:
        for path in sorted(vectors.glob("*/case.json")):
            c = json.loads(path.read_text(encoding="utf-8"))
            cred, prev, req, exp = (c["credentials"], c["previous_credentials"], c["request"],
                                    c["expected"])
            if prev is not None and prev["user_name"] != cred["user_name"]:
                sys.exit(f"{path}: a rotation keeps the user name; the C tests cannot build this case")
            body = (path.parent / req["body_file"]).read_bytes()
            nonce = base64.urlsafe_b64decode(c["nonce"] + "=" * (-len(c["nonce"]) % 4))
            if len(nonce) != 16:
                sys.exit(f"{path}: the nonce is not 16 bytes")
            row = [path.parent.name, cred["user_name"], cred["service_key"], cred["api_key"],
                   cred["signing_key"], prev and prev["service_key"], prev and prev["api_key"],
                   req["method"], req["url"], req["content_type"], body]
            f.write("\t".join(hx(v) for v in row))
            f.write("\t%d\t" % c["created"])
            row = [nonce, exp["authorization"], exp["api_key"], exp["content_digest"],
                   exp["signature_input"], exp["signature"]]
            f.write("\t".join(hx(v) for v in row) + "\n")
            count += 1
    if count < 20:
        sys.exit(f"only {count} signing cases found under {vectors}")


if __name__ == "__main__":
    main()
