#!/usr/bin/env bash
# Benchmark: the Segment-compatible collection API under load, durable commit (SQLite synchronous=FULL; PostgreSQL
# default fsync), the load generator (wrk, a separate process) over loopback.
#   batched: POST /v1/batch with 100 messages per request;  single: POST /v1/{type} with one message per request.
# Appends to Benchmarks/results/collect.csv: accepted events/s (200s only: durably logged), and processed events/s (stored as
# events end to end: the run's new events over the run plus the time the processor needed to drain the log), and checks
# that the stored count equals what got 200s.
# Usage: Benchmarks/collect/run.sh [sqlite|postgres URL] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
backend="${1:-sqlite}"
seconds="${2:-20}"
bin="${PITCREW_BIN:-.build/release/pitcrew}"
[ -x "$bin" ] || { echo "no release binary at $bin; run: swift build -c release --product pitcrew" >&2; exit 1; }
command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq wrk; }
work="$(mktemp -d /tmp/pitcrew-collect.XXXXXX)"
if [ "$backend" = sqlite ]; then db="$work/collect.sqlite"; label=sqlite; else db="$backend"; label=postgres; fi
port="${PORT:-8310}"
"$bin" migrate --database "$db" >/dev/null
"$bin" user create --database "$db" --email bench@example.com --name Bench --password "a long password" >/dev/null
"$bin" workspace create --database "$db" --slug bench --name Bench --owner bench@example.com >/dev/null
key="$("$bin" source create --database "$db" --workspace bench --name Load | tail -n 1)"
token="$("$bin" token create --database "$db" --workspace bench --role viewer | tail -n 1)"
"$bin" serve --database "$db" --port "$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
results=Benchmarks/results/collect.csv
[ -f "$results" ] || echo "date,database,mode,connections,seconds,requests_per_s,accepted_events_per_s,p50_ms,p99_ms,non_200,processed_events_per_s,stored_check" > "$results"
stored_before=0
run() {  # run MODE BATCH CONNECTIONS
  local mode="$1" batch="$2" connections="$3"
  BATCH="$batch" WRITE_KEY="$key" RUN_ID="$mode$RANDOM" wrk -t 2 -c "$connections" -d "${seconds}s" --latency \
    -s Benchmarks/collect/events.lua "http://127.0.0.1:$port" >"$work/wrk.txt" 2>"$work/wrk.err" || true
  cat "$work/wrk.txt" >&2
  local requests rps p50 p99 non200 events stored
  requests="$(awk '/requests in/ {print $1}' "$work/wrk.txt")"
  rps="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")"
  p50="$(awk '$1=="50%" {print $2}' "$work/wrk.txt")"
  p99="$(awk '$1=="99%" {print $2}' "$work/wrk.txt")"
  non200="$(awk '/Non-2xx/ {print $5}' "$work/wrk.txt")"; non200="${non200:-0}"
  # Accepted = answered 200 (503s from a full backlog are not accepted).
  events="$(python3 -c "print(round(($requests - $non200) * $batch / $seconds))")"
  # Wait until the processor has turned the whole log into events (the log is empty and the total stops moving), timing
  # it. Under the burst the processor stepped aside (see BurstGate); it starts again within about a second and a half.
  local drain_start drained previous=-1
  drain_start="$(date +%s.%N)"
  local waiting deadline=$((SECONDS + 1800))
  while true; do
    waiting="$(log_entries)" || { echo "cannot read the collection log" >&2; exit 1; }
    [ "$waiting" = 0 ] && break
    [ "$SECONDS" -lt "$deadline" ] || { echo "the log still holds $waiting entries after 30 minutes" >&2; exit 1; }
    sleep 0.5
  done
  while true; do
    stored="$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/events/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['total'])")"
    [ "$stored" = "$previous" ] && break
    previous="$stored"; sleep 1
  done
  drained="$(python3 -c "print(max(0.0, $(date +%s.%N) - $drain_start - 1))")"
  local processed; processed="$(python3 -c "print(round(($stored - $stored_before) / ($seconds + $drained)))")"
  # Every 200 stored exactly once: the new rows equal the accepted requests × messages. wrk stops counting at the
  # deadline while up to one request per connection is still in flight (committed, but not counted by wrk).
  local expected=$(( (requests - non200) * batch )) new=$((stored - stored_before))
  local check="ok"; { [ "$new" -ge "$expected" ] && [ "$new" -le $((expected + connections * batch)) ]; } || check="mismatch:$new/$expected"
  stored_before="$stored"
  echo "$(date -u +%F),$label,$mode,$connections,$seconds,$rps,$events,$(to_ms "$p50"),$(to_ms "$p99"),$non200,$processed,$check" | tee -a "$results"
}
log_entries() {  # entries waiting in the collection log
  if [ "$label" = sqlite ]; then python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM ingest_log').fetchone()[0])" "$db-collect"
  else psql "$db" -Atc "SELECT COUNT(*) FROM ingest_log"; fi
}
to_ms() { python3 -c "
import re,sys; v=sys.argv[1]; m=re.match(r'([0-9.]+)(us|ms|s)', v)
print(round(float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)], 2) if m else '')" "$1"; }
run batched 100 16
run single 1 64
run single 1 256
