#!/usr/bin/env bash
# Attribution benchmark (issue 4, point 7): `pitcrew attribute --model all` against ChannelAttribution
# (PyPI channelattribution 2.2.5) markov_model + heuristic_models, on the same 1,000,000 raw journeys, in one run.
#
# Usage: Benchmarks/attribution/run.sh [RUNS]          (RUNS default 3)
# Environment:
#   PITCREW_BIN   pitcrew binary (default .build/release/pitcrew, relative to the repository root)
#   JOURNEYS      journeys to generate (default 1000000; one row per journey, gen_paths.py --layout raw --seed 42)
#   RESULTS       results CSV (default Benchmarks/results/attribution.csv)
#   CA_BENCH_DIR  directory with gen_paths.py (default ../shared/benchmarks/attribution next to the repository)
#   PYTHON        python with numpy, pandas, matplotlib, channelattribution==2.2.5 (default python3)
#   CA_HIGHPREC   1 (default): also run markov_model at high precision (nsim_start=2e6, conv_par=0.005; untimed,
#                 about 70 s on 1M rows) for the agreement check; 0: skip it
#
# Every run of every task is a separate process under /usr/bin/time -v: wall time (measured around the process)
# and peak RSS of the whole process. Tasks, interleaved run by run so machine load hits all of them alike:
#   channelattribution markov            python: start-up + pandas CSV load + markov_model (ca_run.py)
#   channelattribution heuristic         python: start-up + pandas CSV load + heuristic_models
#   channelattribution markov+heuristic  one python process: load once, both calls
#   pitcrew all                          pitcrew attribute --input FILE --model all --format csv > /dev/null
# plus ChannelAttribution's in-process times (rows `TASK:read_csv`, `TASK:call`; no RSS). The generated data lives in a mktemp dir and
# is deleted at exit.
#
# Markov check (untimed): pitcrew's markov conversions per channel vs markov_model's, within 3 % -- with the
# defaults used in the timed runs, and at high precision -- and vs the exact numpy reference of the shared
# benchmarks (1e-9). markov_model simulates, so its defaults carry simulation error; the exit status is 1 when
# pitcrew misses the high-precision run (or, with CA_HIGHPREC=0, the default run) or the exact reference.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-3}"
JOURNEYS="${JOURNEYS:-1000000}"
PYTHON="${PYTHON:-python3}"
CA_BENCH_DIR="${CA_BENCH_DIR:-$ROOT/../shared/benchmarks/attribution}"
RESULTS="${RESULTS:-$ROOT/Benchmarks/results/attribution.csv}"
if [ -n "${PITCREW_BIN:-}" ]; then
  case "$PITCREW_BIN" in /*) ;; *) PITCREW_BIN="$PWD/$PITCREW_BIN" ;; esac
else
  PITCREW_BIN="$ROOT/.build/release/pitcrew"
fi

die() { echo "run.sh: error: $*" >&2; exit 1; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"
[ -x "$PITCREW_BIN" ] || die "pitcrew binary not found or not executable: $PITCREW_BIN
  build it with 'swift build -c release --product pitcrew' or set PITCREW_BIN"
[ -x /usr/bin/time ] || die "GNU time not found at /usr/bin/time (apt-get install time)"
[ -f "$CA_BENCH_DIR/gen_paths.py" ] || die "gen_paths.py not found in $CA_BENCH_DIR (set CA_BENCH_DIR)"
"$PYTHON" -c "import numpy, pandas, matplotlib, ChannelAttribution" >/dev/null 2>&1 \
  || die "$PYTHON cannot import numpy, pandas, matplotlib and ChannelAttribution
  install with: $PYTHON -m pip install channelattribution==2.2.5 matplotlib numpy pandas"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DATA="$WORK/raw_$JOURNEYS.csv"
RAW="$WORK/attribution.csv"
DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

echo "== generating $JOURNEYS raw journeys (gen_paths.py --layout raw --seed 42) into $WORK" >&2
"$PYTHON" "$CA_BENCH_DIR/gen_paths.py" --journeys "$JOURNEYS" --seed 42 --layout raw --out "$DATA" 2>"$WORK/meta.json"
ROWS=$(( $(wc -l < "$DATA") - 1 ))
echo "   $ROWS rows; $(cat "$WORK/meta.json")" >&2

# timed TOOL TASK RUN -- COMMAND...   (stdout of COMMAND goes to $WORK/stdout)
timed() {
  local tool=$1 task=$2 run=$3; shift 4
  local t0 t1 status=0
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/stdout" 2> "$WORK/stderr" || status=$?
  t1=$EPOCHREALTIME
  if [ "$status" -ne 0 ]; then
    echo "run.sh: $tool $task (run $run) failed with exit status $status:" >&2
    tail -20 "$WORK/stderr" >&2
    exit 1
  fi
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
  printf '   %-18s %-18s run %s: %7.3f s\n' "$tool" "$task" "$run" "$WALL" >&2
}

# Untimed: pitcrew output kept for the markov check (also warms the page cache for both tools).
echo "== pitcrew attribute --model all (untimed, output kept for the markov check)" >&2
"$PITCREW_BIN" attribute --input "$DATA" --model all --format csv > "$WORK/pitcrew_all.csv" 2> "$WORK/pitcrew_stderr.txt" \
  || { cat "$WORK/pitcrew_stderr.txt" >&2; die "pitcrew attribute failed"; }
sed 's/^/   pitcrew: /' "$WORK/pitcrew_stderr.txt" >&2

echo "== $RUNS timed runs per task" >&2
for run in $(seq 1 "$RUNS"); do
  timed channelattribution markov "$run" -- "$PYTHON" "$HERE/ca_run.py" --csv "$DATA" --model markov --markov-out "$WORK/ca_markov.csv"
  "$PYTHON" "$HERE/report.py" record "$RAW" "$DATE" channelattribution markov "$run" "$ROWS" "$WALL" "$WORK/time.txt" "$WORK/stdout"
  timed channelattribution heuristic "$run" -- "$PYTHON" "$HERE/ca_run.py" --csv "$DATA" --model heuristic
  "$PYTHON" "$HERE/report.py" record "$RAW" "$DATE" channelattribution heuristic "$run" "$ROWS" "$WALL" "$WORK/time.txt" "$WORK/stdout"
  timed channelattribution markov+heuristic "$run" -- "$PYTHON" "$HERE/ca_run.py" --csv "$DATA" --model both
  "$PYTHON" "$HERE/report.py" record "$RAW" "$DATE" channelattribution markov+heuristic "$run" "$ROWS" "$WALL" "$WORK/time.txt" "$WORK/stdout"
  timed pitcrew all "$run" -- "$PITCREW_BIN" attribute --input "$DATA" --model all --format csv
  "$PYTHON" "$HERE/report.py" record "$RAW" "$DATE" pitcrew all "$run" "$ROWS" "$WALL" "$WORK/time.txt"
done

echo "== markov check references (untimed)" >&2
"$PYTHON" "$HERE/exact_markov.py" "$CA_BENCH_DIR" "$DATA" "$WORK/exact_markov.csv"
HIGHPREC=-
if [ "${CA_HIGHPREC:-1}" = 1 ]; then
  echo "   ChannelAttribution markov_model nsim_start=2e6 conv_par=0.005 ..." >&2
  "$PYTHON" "$HERE/ca_run.py" --csv "$DATA" --model markov --highprec --markov-out "$WORK/ca_markov_highprec.csv" > /dev/null
  HIGHPREC="$WORK/ca_markov_highprec.csv"
fi

mkdir -p "$(dirname "$RESULTS")"
cp "$RAW" "$RESULTS"
echo "== results: $RESULTS" >&2
echo "## Attribution benchmark: pitcrew vs ChannelAttribution 2.2.5"
echo
echo "Command: \`${PITCREW_BIN#"$ROOT"/} attribute --input FILE --model all --format csv > /dev/null\`;" \
     "machine: $(nproc) CPUs, $(uname -m), load average before summary $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" "$HERE/report.py" summary "$RESULTS" "$WORK/pitcrew_all.csv" "$WORK/ca_markov.csv" "$HIGHPREC" "$WORK/exact_markov.csv" 0.03
