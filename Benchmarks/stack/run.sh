#!/usr/bin/env bash
# Benchmark (issue #5): a stack of 500 tools, 2,000 integrations and 50,000 activity rows, loaded with the CLI
# (`stack apply`, `stack usage`), then GET /api/v1/stack/overview and GET /api/v1/stack/tools/{id}/impact against a
# release `pitcrew serve` over loopback: 50 requests each after 5 warm-ups, median and p95 in ms (end to end: HTTP,
# auth, reading the whole stack from the database, computing). Appends to Benchmarks/results/stack.csv.
# Usage: Benchmarks/stack/run.sh [DATABASE]   (default: a scratch SQLite file; a postgres:// URL works too)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${PITCREW_BIN:-.build/release/pitcrew}"
[ -x "$bin" ] || { echo "no release binary at $bin; run: swift build -c release --product pitcrew" >&2; exit 1; }
work="$(mktemp -d /tmp/pitcrew-stack.XXXXXX)"
port="${PITCREW_BENCH_PORT:-8093}"
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; rm -rf "$work"' EXIT
db="${1:-$work/stack.sqlite}"
label=sqlite; case "$db" in postgres*) label=postgres;; esac
python3 Benchmarks/stack/make_stack.py 500 2000 50000 "$work/stack.yaml" "$work/usage.csv"
"$bin" migrate --database "$db" >/dev/null
"$bin" user create --database "$db" --email bench@example.com --name Bench --password "a long password" >/dev/null
"$bin" workspace create --database "$db" --slug bench --name Bench --owner bench@example.com >/dev/null
start=$(date +%s.%N); "$bin" stack apply --database "$db" --workspace bench "$work/stack.yaml" >"$work/plan.txt"; head -n 1 "$work/plan.txt"
apply_s=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
start=$(date +%s.%N); "$bin" stack usage --database "$db" --workspace bench "$work/usage.csv" | tail -n 1
usage_s=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
token="$("$bin" token create --database "$db" --workspace bench --role viewer --name bench | tail -n 1)"
"$bin" serve --database "$db" --port "$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 - "$port" "$token" "$label" "$apply_s" "$usage_s" <<'PY'
import json, statistics, sys, time, urllib.request, datetime
port, token, label, apply_s, usage_s = sys.argv[1:]
base = f"http://127.0.0.1:{port}/api/v1/stack"
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())
tools = get("/tools")["items"]
hub = max(tools, key=lambda t: t["name"])  # any tool; impact follows the flow from it
def measure(path, n=50):
    for _ in range(5): get(path)
    times = []
    for _ in range(n):
        t = time.perf_counter(); get(path); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]
overview = get("/overview")
impact = get(f"/tools/{hub['id']}/impact")
o_med, o_p95 = measure("/overview")
i_med, i_p95 = measure(f"/tools/{hub['id']}/impact")
print(f"{len(tools)} tools; overview: {len(overview['overlaps'])} overlaps, {len(overview['renewals'])} renewals; "
      f"impact of {hub['name']}: {len(impact['integrations'])} integrations, {len(impact['downstream_tools'])} downstream tools")
print(f"overview median {o_med:.1f} ms p95 {o_p95:.1f} ms; impact median {i_med:.1f} ms p95 {i_p95:.1f} ms")
import os
path = "Benchmarks/results/stack.csv"
new = not os.path.exists(path)
with open(path, "a") as f:
    if new: f.write("date,database,tools,integrations,activity_rows,apply_s,usage_import_s,overview_median_ms,overview_p95_ms,impact_median_ms,impact_p95_ms\n")
    f.write(f"{datetime.date.today()},{label},500,2000,50000,{apply_s},{usage_s},{o_med:.1f},{o_p95:.1f},{i_med:.1f},{i_p95:.1f}\n")
PY
