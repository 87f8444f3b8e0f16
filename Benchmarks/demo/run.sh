#!/usr/bin/env bash
# Benchmark: demo generation (100k contacts / ~1M events by default) on SQLite and on PostgreSQL, in rows per second.
# Uses the release binary; appends machine-readable rows to Benchmarks/results/demo.csv.
# Usage: Benchmarks/demo/run.sh [CONTACTS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
contacts="${1:-100000}"
runs="${2:-1}"
bin="${PITCREW_BIN:-.build/release/pitcrew}"
[ -x "$bin" ] || { echo "no release binary at $bin; run: swift build -c release --product pitcrew" >&2; exit 1; }
results=Benchmarks/results/demo.csv
[ -f "$results" ] || echo "date,backend,contacts,run,rows,seconds,rows_per_second,peak_rss_mb" > "$results"
scratch="$(mktemp -d /tmp/pitcrew-bench.XXXXXX)"
pg_url="${PITCREW_BENCH_POSTGRES_URL:-}"
pg_dir=""
if [ -z "$pg_url" ]; then
  pg_url="$(scripts/postgres-throwaway 55433)"
  pg_dir="$(ls -dt /tmp/pitcrew-pg.* | head -n 1)"
fi
cleanup() {
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D "$pg_dir" stop -m fast >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
# The throwaway cluster is tuned for tests (fsync off); benchmark with durable settings like a real server.
if [ -n "$pg_dir" ]; then
  psql "$pg_url" -qc "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()" >/dev/null
fi
today="$(date -u +%F)"
for run in $(seq 1 "$runs"); do
  for backend in sqlite postgres; do
    if [ "$backend" = sqlite ]; then db="$scratch/bench-$run.sqlite"; else
      name="bench_${run}_$$"
      psql "$pg_url" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
      db="${pg_url%/*}/$name"
    fi
    out="$(/usr/bin/time -v "$bin" demo --database "$db" --contacts "$contacts" --no-serve 2>"$scratch/time.txt")"
    echo "$out" | tail -n 2
    rows="$(echo "$out" | python3 -c 'import re,sys; t=sys.stdin.read(); print(sum(int(n) for n in re.findall(r"(\d+) [a-z_]+(?:,|\.)", t.split(": ",1)[1].splitlines()[0])))')"
    seconds="$(echo "$out" | sed -n 's/.*ready in \([0-9.]*\) s.*/\1/p')"
    rss_kb="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$scratch/time.txt")"
    rate="$(python3 -c "print(int($rows / $seconds))")"
    echo "$today,$backend,$contacts,$run,$rows,$seconds,$rate,$((rss_kb / 1024))" | tee -a "$results"
  done
done
