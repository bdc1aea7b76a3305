#!/usr/bin/env bash
# Java suite. Builds once with JDK 17, then on each of JDK 11, 17, 21 and 25 (jdks.sh installs
# the ones the machine lacks): JUnit 5 (Surefire, -Xcheck:jni, failing on any JNI warning), the
# packaged jar in fresh JVMs (Failsafe) and the -javaagent example, a shaded jar relocating
# com.contrastsecurity.auth, built as a consumer against the artifact installed into a temporary
# repository. Also: every main class is Java 8 bytecode. Fails on the first failing step.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
started=$SECONDS

echo "== Java: cargo build --release (libcontrast_auth.so + contrast-auth test-server)"
(cd "$root" && cargo build --release --quiet)

echo "== Java: JVMs (jdks.sh)"
declare -A java
while read -r major path; do java[$major]="$path"; done < <("$here/jdks.sh")
for major in 11 17 21 25; do
  [ -x "${java[$major]:-}" ] || { echo "no JDK $major" >&2; exit 1; }
  echo "JDK $major: ${java[$major]}"
done
export JAVA_HOME="$(dirname "$(dirname "${java[17]}")")"

case "$(uname -m)" in x86_64|amd64) arch=x86_64 ;; arm64|aarch64) arch=aarch64 ;; *) arch="$(uname -m)" ;; esac
host="linux-$arch"
# musl if this shell's own process (grep) runs on it: /lib/ld-musl-* may exist on glibc hosts too.
if grep -q "/ld-musl-" /proc/self/maps; then host="linux-musl-$arch"; fi
# Options of the test JVMs per JDK: JDK 24+ warns on System.load without native access.
jvm_args() { if [ "$1" -ge 24 ]; then echo "--enable-native-access=ALL-UNNAMED"; fi; }

check_jni_reports() { # -Xcheck:jni reports misuse as warnings on the forked JVM's output
  if grep -l "WARNING in native method\|Warning: Calling other JNI\|FATAL ERROR in native method" \
      "$here"/target/surefire-reports/* "$here"/target/failsafe-reports/* 2>/dev/null; then
    echo "-Xcheck:jni reported JNI misuse on JDK $1 (files above)" >&2; exit 1
  fi
}

echo "== Java: a packaging build missing one platform's native fails, naming that platform"
partial="$here/target/partial-dist"
rm -rf "$partial"
for platform in linux-x86_64 linux-musl-x86_64 linux-musl-aarch64; do
  mkdir -p "$partial/$platform" && echo fake >"$partial/$platform/libcontrast_auth.so"
done
mkdir -p "$partial/windows-x86_64" && echo fake >"$partial/windows-x86_64/contrast_auth.dll"
if out="$(mvn -B -q validate -Dcontrast.native.dist="$partial" 2>&1)"; then
  echo "packaging without the linux-aarch64 native succeeded" >&2; exit 1
fi
grep -q "No native library for linux-aarch64: $partial/linux-aarch64/libcontrast_auth.so is missing" <<<"$out" \
  || { echo "$out" >&2; exit 1; }

echo "== Java: build with JDK 17 (jar for $host: -Dcontrast.native.host=$host), JDK 17 tests"
rm -rf "$here/target/surefire-reports" "$here/target/failsafe-reports"
mvn -B -q verify -Dcontrast.native.host="$host" -Djvm="${java[17]}" -Dcontrast.test.jvmArgs="$(jvm_args 17)"
check_jni_reports 17

echo "== Java: every main class is Java 8 bytecode (major 52)"
python3 - "$here/target/classes" <<'EOF'
import pathlib, sys
classes = list(pathlib.Path(sys.argv[1]).rglob("*.class"))
bad = [f"{c}: major {int.from_bytes(c.read_bytes()[6:8], 'big')}" for c in classes
       if int.from_bytes(c.read_bytes()[6:8], "big") != 52]
if not classes or bad:
    sys.exit("not Java 8 bytecode: " + (", ".join(bad) or "no classes"))
print(f"{len(classes)} classes, all major 52")
EOF

for major in 11 21 25; do
  echo "== Java: JUnit 5 (-Xcheck:jni) and the packaged jar in fresh JVMs on JDK $major"
  rm -rf "$here/target/surefire-reports" "$here/target/failsafe-reports"
  mvn -B -q surefire:test failsafe:integration-test failsafe:verify -Dcontrast.native.host="$host" \
    -Djvm="${java[$major]}" -Dcontrast.test.jvmArgs="$(jvm_args "$major")"
  check_jni_reports "$major"
done

echo "== Java: the main source set compiles with plain javac (no annotation processors)"
plain="$here/target/plain-javac"
rm -rf "$plain" && mkdir -p "$plain"
javac --release 8 -Xlint:all -Werror -proc:none -d "$plain" $(find "$here/src/main/java" -name '*.java')

echo "== Java: install into a temporary repository; build the -javaagent example against it (shaded, relocated)"
version="$(sed -n 's/^version=//p' "$here/target/classes/native/contrast-auth.properties")"
repo="$here/target/local-repository"
rm -rf "$repo"
mvn -B -q install:install-file -Dfile="$here/target/contrast-auth-$version.jar" -DpomFile="$here/pom.xml" \
  -Dsources="$here/target/contrast-auth-$version-sources.jar" \
  -Djavadoc="$here/target/contrast-auth-$version-javadoc.jar" -DlocalRepositoryPath="$repo"
# The consumer resolves contrast-auth from that repository, not from an earlier cached copy.
rm -rf "${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}/com/contrastsecurity/contrast-auth"
agent="$here/examples/agent"
(cd "$agent" && mvn -B -q package -Dcontrast.auth.repository="file://$repo" -Dcontrast.auth.version="$version")
agent_jar="$agent/target/contrast-agent-example-1.0.0.jar"
if unzip -l "$agent_jar" | grep -q " com/contrastsecurity/auth/"; then
  echo "the agent jar still holds com/contrastsecurity/auth (not relocated)" >&2; exit 1
fi
app="$here/target/agent-example-app"
rm -rf "$app" && mkdir -p "$app"
javac --release 8 -Xlint:all -Werror -d "$app" $(find "$agent/app" -name '*.java')

run_agent() { # <java> <extra JVM options...>: the application with the agent attached
  local java="$1"; shift
  env -u CONTRAST__API__API_KEY "$java" -Xcheck:jni "$@" -javaagent:"$agent_jar" -cp "$app" \
    -Dcontrast.api.url=https://app.contrastsecurity.com/Contrast \
    -Dcontrast.api.user_name=agent_example@Org \
    -Dcontrast.api.service_key=EXAMPLESERVICEKEY \
    -Dcontrast.api.api_key=EXAMPLEAPIKEY \
    com.contrastsecurity.example.app.App 2>&1
}
for major in 11 17 21 25; do
  echo "== Java: -javaagent example on JDK $major"
  result="$(run_agent "${java[$major]}" $(jvm_args "$major"))"
  echo "$result"
  expect() { grep -q -- "$1" <<<"$result" || { echo "JDK $major: expected: $1" >&2; exit 1; }; }
  expect "contrast agent: contrast-auth relocated to com.contrastsecurity.example.agent.deps.cauth"
  expect "native library from jar:native/$host/libcontrast_auth.so (unlinked after load)"
  expect "contrast agent: Content-Digest: sha-256=:"
  grep -Eq 'contrast agent: Signature-Input: contrast=\(.*;keyid="[0-9a-f]{16}";tag=' <<<"$result" \
    || { echo "JDK $major: expected a keyid of 16 hex digits" >&2; exit 1; }
  expect "contrast agent: Signature: contrast=:"
  expect "a bad token is rejected as com.contrastsecurity.example.agent.deps.cauth.InvalidConfigurationException"
  expect "application: no com.contrastsecurity.auth on its class path"
  expect "application: running"
  if grep -q "WARNING\|Warning: Calling other JNI\|disabled" <<<"$result"; then
    echo "JDK $major: the agent printed a warning or was disabled" >&2; exit 1
  fi
  if grep -q "EXAMPLESERVICEKEY\|EXAMPLEAPIKEY\|agent_example@Org" <<<"$result"; then
    echo "the agent example printed a secret" >&2; exit 1
  fi
done

echo "== Java: JDK 25 without --enable-native-access warns about System.load (so operators add it)"
result="$(run_agent "${java[25]}")"
grep -q "WARNING: A restricted method in java.lang.System has been called" <<<"$result" \
  || { echo "$result" >&2; echo "no restricted-method warning without the flag: docs/java.md is out of date" >&2; exit 1; }

echo "== Java: all passed on JDK 11, 17, 21, 25 ($((SECONDS - started)) s)"
