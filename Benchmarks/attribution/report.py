#!/usr/bin/env python3
"""Helpers for run.sh: record one timed run, then summarise (CSV + markdown table + agreement check).

  report.py record OUT DATE TOOL TASK RUN ROWS WALL_S TIME_V_FILE [CA_JSON]
      append one row (wall time measured by run.sh, peak RSS from `/usr/bin/time -v`) to OUT; with CA_JSON also
      append ChannelAttribution's in-process times as rows of task `TASK:read_csv` (pandas CSV load) and
      `TASK:call` (inside markov_model / heuristic_models); peak_rss_mb is empty there (not a process)
  report.py summary OUT PITCREW_CSV CA_MARKOV_CSV [CA_HIGHPREC_CSV|- [EXACT_CSV|- [TOLERANCE]]]
      print medians, speed-ups and the markov agreement check (pitcrew's markov conversions per channel vs
      ChannelAttribution's, default 3 %; vs the exact reference, 1e-9). Exit 1 if pitcrew disagrees with the most
      precise ChannelAttribution run given or with the exact reference

Standard library only. Columns of OUT: date,tool,task,run,wall_seconds,peak_rss_mb,rows,rows_per_second.
"""
import csv
import json
import os
import re
import statistics
import sys

COLUMNS = ["date", "tool", "task", "run", "wall_seconds", "peak_rss_mb", "rows", "rows_per_second"]


def append(out, row):
    new = not os.path.exists(out) or os.path.getsize(out) == 0
    with open(out, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(COLUMNS)
        w.writerow(row)


def row(date, tool, task, run, rows, wall, rss_mb):
    return [date, tool, task, run, f"{wall:.3f}", "" if rss_mb is None else f"{rss_mb:.1f}", rows,
            f"{rows / wall:.0f}" if wall > 0 else ""]


def record(out, date, tool, task, run, rows, wall_s, time_file, ca_json=None):
    rows, wall = int(rows), float(wall_s)
    text = open(time_file).read()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not m:
        sys.exit(f"report.py: no 'Maximum resident set size' in {time_file}")
    append(out, row(date, tool, task, run, rows, wall, int(m.group(1)) / 1024))
    if ca_json:
        res = json.loads(open(ca_json).read().strip().splitlines()[-1])
        calls = [k for k in ("markov", "heuristic") if f"{k}_s" in res]
        assert calls, f"no model time in {ca_json}"
        append(out, row(date, tool, f"{task}:read_csv", run, rows, res["load_s"], None))
        append(out, row(date, tool, f"{task}:call", run, rows, sum(res[f"{k}_s"] for k in calls), None))


def summary(out, pitcrew_csv, ca_markov_csv, highprec_csv="-", exact_csv="-", tolerance=0.03):
    with open(out) as f:
        data = list(csv.DictReader(f))
    groups = {}
    for r in data:
        groups.setdefault((r["tool"], r["task"]), []).append(r)
    med = {}
    print(f"\nInput: {data[0]['rows']} rows (raw journeys), date {data[0]['date']}, "
          f"{len(groups[('pitcrew', 'all')])} runs each; medians. MB = MiB of peak RSS.\n")
    print("| tool | task | wall s (median) | peak RSS MB (median) | rows/s | runs (wall s) |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for (tool, task), rs in groups.items():
        walls = [float(r["wall_seconds"]) for r in rs]
        rss = [float(r["peak_rss_mb"]) for r in rs if r["peak_rss_mb"]]
        w = statistics.median(walls)
        med[(tool, task)] = w
        rss_s = f"{statistics.median(rss):.0f}" if rss else "(in-process)"
        print(f"| {tool} | {task} | {w:.3f} | {rss_s} | {int(rs[0]['rows']) / w:,.0f} | "
              f"{', '.join(f'{x:.2f}' for x in walls)} |")

    pc = med[("pitcrew", "all")]
    ca_sep = med[("channelattribution", "markov")] + med[("channelattribution", "heuristic")]
    ca_one = med[("channelattribution", "markov+heuristic")]
    ca_call = med[("channelattribution", "markov+heuristic:call")]
    pc_rss = statistics.median(float(r["peak_rss_mb"]) for r in groups[("pitcrew", "all")])
    print("\nSpeed-up (ChannelAttribution time / pitcrew `attribute --model all` end-to-end wall time):\n")
    print("| ChannelAttribution measure | CA s | pitcrew s | speed-up |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| markov process + heuristic process (whole processes, each loads the CSV) | {ca_sep:.3f} | {pc:.3f} | **{ca_sep / pc:.1f}x** |")
    print(f"| one process: load once, markov + heuristic | {ca_one:.3f} | {pc:.3f} | {ca_one / pc:.1f}x |")
    print(f"| time inside markov_model + heuristic_models calls only (no start-up, no CSV load) | {ca_call:.3f} | {pc:.3f} | {ca_call / pc:.1f}x |")
    print(f"\nTargets: speed-up >= 20x (headline, separate processes): {'PASS' if ca_sep / pc >= 20 else 'FAIL'} "
          f"({ca_sep / pc:.1f}x; conservative in-call only: {ca_call / pc:.1f}x); "
          f"peak RSS <= 200 MB: {'PASS' if pc_rss <= 200 else 'FAIL'} ({pc_rss:.0f} MB)")

    # Agreement: markov attributed conversions per channel. pitcrew solves the chain exactly; markov_model simulates.
    def load(path, col):
        with open(path) as f:
            return {r["channel_name"].strip(): float(r[col]) for r in csv.DictReader(f)
                    if r.get("model", "markov") == "markov"}

    pcm = load(pitcrew_csv, "conversions")
    refs = [("CA defaults", "CA markov_model defaults (seed 0, as timed)", load(ca_markov_csv, "total_conversions"), tolerance)]
    if highprec_csv and highprec_csv != "-":
        refs.append(("CA high precision", "CA markov_model high precision (nsim_start=2e6, conv_par=0.005)",
                     load(highprec_csv, "total_conversions"), tolerance))
    if exact_csv and exact_csv != "-":
        refs.append(("exact", "exact reference (reference_attribution.markov_exact)", load(exact_csv, "total_conversions"), 1e-9))
    print("\nMarkov agreement: attributed conversions per channel (rel. diff = |pitcrew - ref| / ref):\n")
    print("| channel | pitcrew markov | " + " | ".join(f"{short} | rel. diff" for short, _, _, _ in refs) + " |")
    print("| --- | ---: |" + " ---: | ---: |" * len(refs))
    worst = [0.0] * len(refs)
    for ch in sorted(set(pcm).union(*(set(r) for _, _, r, _ in refs))):
        cells = [ch, f"{pcm[ch]:.2f}" if ch in pcm else "missing"]
        for i, (_, _, ref, _) in enumerate(refs):
            if ch not in pcm or ch not in ref or ref[ch] == 0:
                worst[i] = float("inf")
                cells += [f"{ref[ch]:.2f}" if ch in ref else "missing", "n/a"]
                continue
            d = abs(pcm[ch] - ref[ch]) / abs(ref[ch])
            worst[i] = max(worst[i], d)
            cells += [f"{ref[ch]:.2f}", f"{d:.2%}" if d >= 1e-4 else f"{d:.1e}"]
        print("| " + " | ".join(cells) + " |")
    print("| total | " + f"{sum(pcm.values()):.2f} | " + " | ".join(f"{sum(r.values()):.2f} | " for _, _, r, _ in refs) + "|")
    print()
    verdicts = []
    for (_, name, _, tol), w in zip(refs, worst):
        ok = w <= tol
        verdicts.append(ok)
        print(f"* vs {name}: {'PASS' if ok else 'FAIL'} (max rel. diff {w:.1e}, tolerance {tol:.0e})"
              if tol < 0.001 else
              f"* vs {name}: {'PASS' if ok else 'FAIL'} (max rel. diff {w:.2%}, tolerance {tol:.0%})")
    # Exit status: the most precise ChannelAttribution run available, and the exact reference when given.
    # markov_model's defaults are simulation-based (and truncate paths at max_step): their spread is shown but only
    # gates the exit status when no high-precision run was made.
    has_highprec = any(short == "CA high precision" for short, _, _, _ in refs)
    gate = verdicts[1:] if has_highprec else verdicts
    return 0 if all(gate) else 1


def main(argv):
    if len(argv) >= 2 and argv[1] == "record" and len(argv) in (10, 11):
        record(*argv[2:])
        return 0
    if len(argv) >= 2 and argv[1] == "summary" and len(argv) in (5, 6, 7, 8):
        return summary(*argv[2:7], *(float(x) for x in argv[7:]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
