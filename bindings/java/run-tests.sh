#!/usr/bin/env bash
# Java suite: builds the release library with cargo, packages it into the jar and runs JUnit 5
# (Surefire, -Xcheck:jni), the fresh-JVM jar-loading test (Failsafe), then the -javaagent example.
# Fails on the first failing step.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

echo "== Java: cargo build --release (libcontrast_auth.so + contrast-auth test-server)"
(cd "$root" && cargo build --release --quiet)

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=macos ;; *) os="$(uname -s | tr 'A-Z' 'a-z')" ;; esac
case "$(uname -m)" in x86_64|amd64) arch=x86_64 ;; arm64|aarch64) arch=aarch64 ;; *) arch="$(uname -m)" ;; esac

echo "== Java: mvn verify (JUnit 5 under -Xcheck:jni, packaged jar in a fresh JVM)"
rm -rf "$here/target/surefire-reports" "$here/target/failsafe-reports"
(cd "$here" && mvn -B -q verify -Dcontrast.native.platform="$os-$arch")

# -Xcheck:jni reports misuse as warnings on the forked JVM's output, not as test failures.
if grep -l "WARNING in native method\|Warning: Calling other JNI\|FATAL ERROR in native method" \
    "$here"/target/surefire-reports/* "$here"/target/failsafe-reports/* 2>/dev/null; then
  echo "-Xcheck:jni reported JNI misuse (files above)" >&2; exit 1
fi

echo "== Java: the main source set compiles with plain javac (no annotation processors)"
plain="$here/target/plain-javac"
rm -rf "$plain" && mkdir -p "$plain"
javac -Xlint:all -Werror -proc:none -d "$plain" $(find "$here/src/main/java" -name '*.java')

echo "== Java: -javaagent example"
jar="$here/target/contrast-auth-0.1.0.jar"
out="$here/target/agent-example"
rm -rf "$out" && mkdir -p "$out/classes"
javac -Xlint:all -Werror -d "$out/classes" -cp "$jar" \
  $(find "$here/examples/agent/src" -name '*.java')
jar cfm "$out/contrast-agent-example.jar" "$here/examples/agent/MANIFEST.MF" -C "$out/classes" .
result="$(env -u CONTRAST__API__API_KEY java -Xcheck:jni -javaagent:"$out/contrast-agent-example.jar" \
  -cp "$jar:$out/classes" \
  -Dcontrast.api.url=https://app.contrastsecurity.com/Contrast \
  -Dcontrast.api.user_name=agent_example@Org \
  -Dcontrast.api.service_key=EXAMPLESERVICEKEY \
  -Dcontrast.api.api_key=EXAMPLEAPIKEY \
  com.contrastsecurity.auth.example.App 2>&1)"
echo "$result"
grep -q "native library from jar:native/$os-$arch/" <<<"$result"
grep -q "contrast agent: Content-Digest: sha-256=:" <<<"$result"
grep -Eq 'contrast agent: Signature-Input: contrast=\(.*;keyid="[0-9a-f]{16}";tag=' <<<"$result"
grep -q "contrast agent: Signature: contrast=:" <<<"$result"
grep -q "application: running" <<<"$result"
if grep -q "WARNING in native method\|Warning: Calling other JNI" <<<"$result"; then
  echo "-Xcheck:jni reported JNI misuse" >&2; exit 1
fi
if grep -q "EXAMPLESERVICEKEY\|EXAMPLEAPIKEY\|agent_example@Org" <<<"$result"; then
  echo "the agent example printed a secret" >&2; exit 1
fi
echo "== Java: all passed"
