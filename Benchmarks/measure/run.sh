#!/usr/bin/env bash
# Benchmark: attribution from the database (journeys built from touchpoints + conversions, every model, spend joined)
# on a demo workspace. Creates the workspace with `pitcrew demo` unless DB already holds one.
# Usage: Benchmarks/measure/run.sh DB [CONTACTS] [RUNS]     (default 1,000,000 contacts ≈ 10M touchpoints, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/../.."
db="${1:?usage: run.sh DB [CONTACTS] [RUNS]}"
contacts="${2:-1000000}"
runs="${3:-3}"
bin="${PITCREW_BIN:-.build/release/pitcrew}"
[ -x "$bin" ] || { echo "no release binary at $bin; run: swift build -c release --product pitcrew" >&2; exit 1; }
results=Benchmarks/results/measure.csv
[ -f "$results" ] || echo "date,database,contacts,touchpoints,task,run,wall_seconds,peak_rss_mb" > "$results"
if [ ! -f "$db" ]; then "$bin" demo --database "$db" --contacts "$contacts" --no-serve; fi
touchpoints="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from touchpoints').fetchone()[0])" "$db")"
today="$(date -u +%F)"
for task in "account:opportunity_created" "contact:event:Webinar Attended"; do
  unit="${task%%:*}"; conversion="${task#*:}"
  for run in $(seq 1 "$runs"); do
    /usr/bin/time -v "$bin" attribute --workspace demo --database "$db" --model all --unit "$unit" --conversion "$conversion" \
      --format csv >/dev/null 2>/tmp/pitcrew-measure-time.txt
    wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' /tmp/pitcrew-measure-time.txt | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
    rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' /tmp/pitcrew-measure-time.txt)"
    echo "$today,sqlite,$contacts,$touchpoints,$unit:$conversion all models,$run,$wall,$((rss / 1024))" | tee -a "$results"
  done
done
