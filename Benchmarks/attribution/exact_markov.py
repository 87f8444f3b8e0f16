#!/usr/bin/env python3
"""Exact first-order Markov attribution of a path CSV with the shared numpy reference (for run.sh's agreement check).

  python3 exact_markov.py CA_BENCH_DIR PATHS_CSV OUT_CSV

Uses markov_exact() of CA_BENCH_DIR/reference_attribution.py (absorbing-chain solution with ChannelAttribution's
semantics) and writes channel_name,total_conversions,total_conversion_value,removal_effects_conversion.
"""
import csv
import sys


def main(ca_bench_dir, paths_csv, out_csv):
    sys.path.insert(0, ca_bench_dir)
    import reference_attribution as ref

    m = ref.markov_exact(ref.read_rows(paths_csv))
    with open(out_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["channel_name", "total_conversions", "total_conversion_value", "removal_effects_conversion"])
        for ch, c, v, re_ in zip(m["channels"], m["total_conversions"], m["total_conversion_value"],
                                 m["removal_effects_conversion"]):
            w.writerow([ch, repr(float(c)), repr(float(v)), repr(float(re_))])


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
