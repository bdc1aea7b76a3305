#!/usr/bin/env bash
# Go benchmarks with ratios: ROUNDS rounds (default 5) of every benchmark, each round close in
# time, so each ratio is taken within one round (the machine is shared: absolute numbers
# move, ratios hold); prints the median ns/op and the median per-round ratio.
set -euo pipefail
cd "$(dirname "$0")"
rounds="${ROUNDS:-5}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for round in $(seq "$rounds"); do
  go test -count=1 -run '^$' -bench . -benchtime "${BENCHTIME:-1s}" ./contrastauth \
    | awk -v r="$round" '/^Benchmark/ { sub(/-[0-9]+$/, "", $1); print r, $1, $3 }' >>"$out"
done
python3 - "$out" <<'PY'
import collections, statistics, sys
ns = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, name, value = line.split()
    ns[name.removeprefix("Benchmark")][r] = float(value)
def median(name): return statistics.median(ns[name].values())
def ratio(a, b): return statistics.median(ns[a][r] / ns[b][r] for r in ns[a] if r in ns[b])
print("| benchmark | median ns/op |")
print("|---|---|")
for name in ns: print(f"| `{name}` | {median(name):.1f} |")
print()
for a, b in [("AuthorizationRead", "AuthorizationPureGo"), ("AuthorizationRead", "CgoCallFloor"),
             ("HeadersRead", "AuthorizationPureGo"), ("Sign", "SignPureGo")]:
    print(f"{a} / {b} = {ratio(a, b):.2f}x (median of {len(ns[a])} per-round ratios)")
PY
