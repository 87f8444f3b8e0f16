#!/usr/bin/env bash
# Benchmark: `pitcrew import contacts` of a HubSpot-style export (default 1,000,000 rows) into an empty workspace on
# SQLite (or the PostgreSQL URL given), release build; wall time, rows/s and peak memory (GNU time) appended to
# Benchmarks/results/import.csv.
# Usage: [REIMPORT=1] Benchmarks/import/run.sh [ROWS] [DATABASE]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
bin="${PITCREW_BIN:-.build/release/pitcrew}"
[ -x "$bin" ] || { echo "no release binary at $bin; run: swift build -c release --product pitcrew" >&2; exit 1; }
file="/tmp/pitcrew-contacts-$rows.csv"
[ -f "$file" ] || python3 Benchmarks/import/make_contacts.py "$rows" "$file"
work="$(mktemp -d /tmp/pitcrew-import.XXXXXX)"
trap 'rm -rf "$work"' EXIT
db="${2:-$work/import.sqlite}"
label=sqlite; case "$db" in postgres*) label=postgres;; esac
"$bin" migrate --database "$db" >/dev/null
"$bin" user create --database "$db" --email bench@example.com --name Bench --password "a long password" >/dev/null
"$bin" workspace create --database "$db" --slug bench --name Bench --owner bench@example.com >/dev/null
/usr/bin/time -v "$bin" import contacts "$file" --database "$db" --workspace bench 2>"$work/time.txt" | tail -n 2
wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
results=Benchmarks/results/import.csv
[ -f "$results" ] || echo "date,database,rows,file_mb,wall_seconds,rows_per_s,peak_rss_mb" > "$results"
echo "$(date -u +%F),$label,$rows,$(( $(stat -c %s "$file") / 1048576 )),$wall,$(python3 -c "print(round($rows / $wall))"),$((rss / 1024))" | tee -a "$results"
# REIMPORT=1: the same file again into the now full workspace (every row matches a stored contact, nothing changed).
if [ "${REIMPORT:-0}" = 1 ]; then
  /usr/bin/time -v "$bin" import contacts "$file" --database "$db" --workspace bench 2>"$work/time.txt" | tail -n 2
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")"
  echo "$(date -u +%F),$label-reimport,$rows,$(( $(stat -c %s "$file") / 1048576 )),$wall,$(python3 -c "print(round($rows / $wall))"),$((rss / 1024))" | tee -a "$results"
fi
