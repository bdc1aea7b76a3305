#!/usr/bin/env bash
# Heap audit: no freed heap block holds a secret. An LD_PRELOAD interposer (interposer.c)
# scans every block before free()/realloc() for the planted secrets (needles.py: raw, base64
# in both alphabets at every alignment, Authorization values, the token, the signing keys)
# while driver.c makes every C ABI call that touches a secret against the loopback test
# server (503 and 500 retried, a 401 answered by reloading the file, rotation, reload, free).
#
# JniDriver.java makes the same calls through the Java binding in a JVM; there only blocks
# freed by the Rust library count (the JVM's own copies of Java strings are out of its reach
# and reported apart, as "outside").
#
# Each runs twice: with the library built with the `zeroizing-allocator` feature (as shipped):
# it must find 0 blocks; and with the default build (no zeroizing allocator) as the control:
# it must find some, or the audit could not notice a leak. Exits non-zero otherwise.
# glibc Linux only. Usage: bindings/c/heap-audit/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
HERE="$ROOT/bindings/c/heap-audit"
BUILD="$HERE/build"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
SENDS="${HEAP_AUDIT_SENDS:-20}"
mkdir -p "$BUILD/zeroizing" "$BUILD/plain"

echo "-- cargo build: the library without (default features) and with the zeroizing allocator"
(cd "$ROOT" && cargo build --quiet --lib --bin contrast-auth)
cp "$TARGET_DIR/debug/libcontrast_auth.so" "$BUILD/plain/"
cp "$TARGET_DIR/debug/contrast-auth" "$BUILD/contrast-auth"
(cd "$ROOT" && cargo build --quiet --lib --all-features)
cp "$TARGET_DIR/debug/libcontrast_auth.so" "$BUILD/zeroizing/"
CLI="$BUILD/contrast-auth"

gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -o "$BUILD/interposer.so" \
  "$HERE/interposer.c" -ldl
gcc -std=c11 -Wall -Wextra -Werror -pedantic -g -I"$ROOT/include" -o "$BUILD/driver" \
  "$HERE/driver.c" -L"$BUILD/zeroizing" -lcontrast_auth -ldl -pthread

JAVA_OUT="$BUILD/java"
rm -rf "$JAVA_OUT" && mkdir -p "$JAVA_OUT"
javac -Xlint:all -Werror -proc:none -d "$JAVA_OUT" \
  $(find "$ROOT/bindings/java/src/main/java" -name '*.java') "$HERE/JniDriver.java"
# The loader reads the jar's index (version, platforms) even with -Dcontrast.auth.library:
# write it as the Maven build would (resource filtering), from Cargo.toml's version.
mkdir -p "$JAVA_OUT/native"
printf 'version=%s\nplatforms=\n' "$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -1)" \
  > "$JAVA_OUT/native/contrast-auth.properties"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for name in $(env | awk -F= '/^CONTRAST/ {print $1}'); do unset "$name"; done

# Distinct planted secrets per layer and per handle (user names non-ASCII: Latin-1, 4-byte).
export CONTRAST__API__USER_NAME="agentEnvQ7x2Lm_ü_9f@AuditOrg"
export CONTRAST__API__API_KEY="APIKEYenv4Hq8ZpW2sLx"
export AUDIT_PROXY_PASSWORD="proxyPWd6Tn3Vb9Ke"
export CONTRAST__API__PROXY__ENABLE=false
export CONTRAST__API__PROXY__URL="http://proxyuser:$AUDIT_PROXY_PASSWORD@127.0.0.1:9"
export AUDIT_SK_S="SVCKEYsign7Yc2Nf5Rw" AUDIT_SK_E1="SVCKEYrefused3Jd8Lq1" AUDIT_SK_E2="SVCKEYaccept5Gm2Xt7" \
  AUDIT_SK_E3="SVCKEYreload9Pb4Wc6" AUDIT_SK_E4="SVCKEYrotate2Hs7Qv3" AUDIT_AK_E4="APIKEYrotate8Nf3Km5Zr"
export AUDIT_USER_N="agentNewR4k8Wd_𝄞_3c@AuditOrg" AUDIT_SK_N="SVCKEYnew6Lp9Dq2Tx" \
  AUDIT_AK_N="APIKEYnew1Cv5Bj8Ys4" AUDIT_SK_N2="SVCKEYnewrot4Mz7Fk1" AUDIT_AK_N2="APIKEYnewrot3Wq6Hd9"
export AUDIT_USER_T="agentTokP2v6Hs_ß_1a@AuditOrg" AUDIT_SK_T="SVCKEYtoken8Rb3Ng5" AUDIT_AK_T="APIKEYtoken5Jx2Pc7"
export AUDIT_SIGNING_KEY="$(python3 -c 'import base64; print(base64.b64encode(bytes(range(101, 133))).decode())')"
export AUDIT_TOKEN="$(python3 -c '
import base64, json, os
e = os.environ
print(base64.b64encode(json.dumps({"url": "https://app.contrastsecurity.com/Contrast",
    "api_key": e["AUDIT_AK_T"], "service_key": e["AUDIT_SK_T"], "user_name": e["AUDIT_USER_T"]},
    ensure_ascii=False).encode()).decode())')"
export AUDIT_SENDS="$SENDS" AUDIT_DIR="$WORK/variants" CONTRAST_CONFIG_PATH="$WORK/contrast_security.yaml"
python3 "$HERE/needles.py" "$BUILD/needles.txt"

audit() { # kind: c | jni; variant: zeroizing | plain; prints the hit count last
  local kind="$1" variant="$2"
  mkdir -p "$AUDIT_DIR"
  printf 'api:\n  service_key: %s\n  signing_key: %s\n' "$AUDIT_SK_S" "$AUDIT_SIGNING_KEY" \
    >"$AUDIT_DIR/signing.yaml"
  for pair in refused:"$AUDIT_SK_E1" accepted:"$AUDIT_SK_E2" reloaded:"$AUDIT_SK_E3"; do
    printf 'api:\n  service_key: %s\n' "${pair#*:}" >"$AUDIT_DIR/${pair%%:*}.yaml"
  done
  local user="$CONTRAST__API__USER_NAME" api="$CONTRAST__API__API_KEY"
  coproc SERVER { exec "$CLI" test-server --require-signature --fault 503 --fault 500 \
    --accept "$user:$AUDIT_SK_E2:$api" --accept "$user:$AUDIT_SK_E3:$api" \
    --accept "$user:$AUDIT_SK_E4:$AUDIT_AK_E4" --ca-out "$WORK/ca.pem" 2>"$WORK/server.log"; }
  local line
  read -r line <&"${SERVER[0]}"
  local url
  url="$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["url"])' "$line")"
  local status=0 report="$BUILD/report-$kind-$variant.txt"
  local driver=("$BUILD/driver") only=""
  if [ "$kind" = jni ]; then
    driver=(java -Xcheck:jni -Dcontrast.auth.library="$BUILD/$variant/libcontrast_auth.so"
      -cp "$JAVA_OUT" JniDriver)
    only=libcontrast_auth
  fi
  CONTRAST__API__URL="$url" CONTRAST__API__CERTIFICATE__CA_FILE="$WORK/ca.pem" \
    HEAP_AUDIT_NEEDLES="$BUILD/needles.txt" HEAP_AUDIT_REPORT="$report" HEAP_AUDIT_ONLY="$only" \
    LD_LIBRARY_PATH="$BUILD/$variant" LD_PRELOAD="$BUILD/interposer.so" \
    "${driver[@]}" >&2 || status=$?
  exec {SERVER[1]}>&-
  wait "$SERVER_PID" || true
  if [ "$status" -ne 0 ]; then
    echo "heap audit ($kind, $variant): the driver failed (exit $status)" >&2
    cat "$WORK/server.log" >&2
    return 1
  fi
  local needles blocks hits outside
  needles="$(awk '$1 == "needles" {print $2}' "$report")"
  blocks="$(awk '$1 == "freed_blocks" {print $2}' "$report")"
  hits="$(awk '$1 == "hits" {print $2}' "$report")"
  outside="$(awk '$1 == "outside_hits" {print $2}' "$report")"
  echo "heap audit ($kind, $variant): $needles needles, $blocks blocks freed, $hits freed by the" \
    "library holding a secret${only:+ ($outside by the JVM itself, not counted)}" >&2
  if [ "$hits" -gt 0 ]; then
    echo "   by phase, needle and caller (up to 200 listed):" >&2
    awk '$1 == "hit" {sub(".*/", "", $6); print $2, $3, $4, $6}' "$report" | sort | uniq -c |
      sort -rn | head -25 >&2
  fi
  if [ "$blocks" -lt 1000 ]; then
    echo "heap audit ($kind, $variant): only $blocks blocks freed: the interposer did not run" >&2
    return 1
  fi
  echo "$hits"
}

status=0
for kind in c jni; do
  echo "-- heap audit ($kind): zeroizing allocator (as shipped)"
  zeroizing_hits="$(audit "$kind" zeroizing)"
  echo "-- heap audit ($kind): control run, default build without the zeroizing allocator"
  plain_hits="$(audit "$kind" plain)"
  if [ "$zeroizing_hits" -ne 0 ]; then
    echo "FAIL ($kind): $zeroizing_hits freed blocks held a secret with the zeroizing allocator" >&2
    status=1
  elif [ "$plain_hits" -eq 0 ]; then
    echo "FAIL ($kind): the control run found no secret in freed memory: the audit cannot see leaks" >&2
    status=1
  else
    echo "-- heap audit ($kind) passed: 0 freed blocks with a secret (control without the allocator: $plain_hits)"
  fi
done
exit "$status"
