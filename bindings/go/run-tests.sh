#!/usr/bin/env bash
# Go binding: builds the library and the CLI (release), then go vet, go test -race (cgo), and a
# short run of every benchmark so they keep working (figures: see BENCHMARKS.md, "## Go").
# Fails when a test fails, when no test ran, or when a test was skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
cargo build --release --quiet
bindings/go/stage-library.sh   # target/release/libcontrast_auth.a into the module (static link)
export CONTRAST_AUTH_CLI="$root/target/release/contrast-auth"
export CGO_ENABLED=1
cd "$root/bindings/go"

echo "-- go vet"
go vet ./...

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "-- go test -race"
status=0
go test -race -count=1 -v ./... >"$log" 2>&1 || status=$?
grep -E '^(--- FAIL|FAIL|ok|panic|WARNING: DATA RACE)' "$log" || true
if [ "$status" -ne 0 ]; then cat "$log"; exit "$status"; fi
passed=$(grep -c '^--- PASS' "$log" || true)
if [ "$passed" -eq 0 ]; then echo "go: no test ran: failing" >&2; exit 1; fi
if grep -q -- '--- SKIP' "$log"; then grep -- '--- SKIP' "$log"; echo "go: skipped tests: failing" >&2; exit 1; fi
echo "go: $passed tests passed"

echo "-- go test -bench (smoke run: 200 iterations each)"
go test -count=1 -run '^$' -bench . -benchtime 200x ./... | grep -E '^(Benchmark|ok|FAIL)'
