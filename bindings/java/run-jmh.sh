#!/usr/bin/env bash
# JMH benchmarks of the Java API (not part of scripts/test). Extra arguments go to JMH, e.g.
#   bindings/java/run-jmh.sh -f 1 -wi 3 -w 1s -i 5 -r 1s
# JMH_JAVA picks the JVM (default: java on PATH), e.g. JMH_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$root" && cargo build --release --quiet)
cd "$here"
case "$(uname -m)" in x86_64|amd64) arch=x86_64 ;; *) arch=aarch64 ;; esac
mvn -B -q test-compile -Dcontrast.native.host="linux-$arch"
mvn -B -q dependency:build-classpath -Dcontrast.native.host="linux-$arch" \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
lib="$root/target/release/libcontrast_auth.so"
java="${JMH_JAVA:-java}"
jvm_args="-Dcontrast.auth.library=$lib"
major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ "${major%%.*}" -ge 24 ]; then jvm_args="$jvm_args --enable-native-access=ALL-UNNAMED"; fi
if [ "$#" -eq 0 ]; then set -- -f 1 -wi 3 -w 1s -i 5 -r 1s; fi
exec "$java" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.openjdk.jmh.Main "$@" -jvm "$java" -jvmArgsAppend "$jvm_args" 'com.contrastsecurity.auth.*Benchmark'
