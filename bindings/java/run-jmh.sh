#!/usr/bin/env bash
# JMH benchmarks of the Java API (not part of scripts/test). Extra arguments go to JMH, e.g.
#   bindings/java/run-jmh.sh -f 1 -wi 3 -w 1s -i 5 -r 1s
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
(cd "$root" && cargo build --release --quiet)
cd "$here"
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
lib="$root/target/release/libcontrast_auth.so"
if [ "$#" -eq 0 ]; then set -- -f 1 -wi 3 -w 1s -i 5 -r 1s; fi
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.openjdk.jmh.Main "$@" -jvmArgsAppend "-Dcontrast.auth.library=$lib" 'com.contrastsecurity.auth.*Benchmark'
