#!/usr/bin/env python3
"""Run ChannelAttribution on one path CSV, the way the shared reference benchmark does.

Same calls and defaults as ../shared/benchmarks/attribution/bench_channelattribution.py:
  markov_model(order=1, nsim_start=1e5, ncore=1, seed=0, out_more=True, flg_pro=False)
  heuristic_models(flg_pro=False)

Meant to be wrapped by `/usr/bin/time -v` so the whole process (Python start-up, imports, CSV load, model calls)
is measured. Prints one JSON line: load_s, markov_s, heuristic_s (time inside each call), rows.

  python3 ca_run.py --csv paths.csv --model markov [--markov-out markov.csv]
  python3 ca_run.py --csv paths.csv --model heuristic
  python3 ca_run.py --csv paths.csv --model both       # one process: load once, both calls
  python3 ca_run.py --csv paths.csv --model markov --highprec --markov-out hp.csv   # agreement check only
"""
import argparse
import contextlib
import io
import json
import time

import pandas as pd


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--model", choices=["markov", "heuristic", "both"], required=True)
    ap.add_argument("--markov-out", help="write the markov result (channel_name,total_conversions,...) here")
    ap.add_argument("--highprec", action="store_true",
                    help="markov with nsim_start=2e6, conv_par=0.005 (the shared fixtures' high-precision setting); "
                         "for the agreement check only, never timed")
    a = ap.parse_args(argv)

    t0 = time.perf_counter()
    df = pd.read_csv(a.csv, sep=";")
    res = {"model": a.model, "rows": int(len(df)), "load_s": round(time.perf_counter() - t0, 3)}

    import ChannelAttribution as ca  # never call ca.install_pro(): it contacts the vendor's server

    if a.model in ("markov", "both"):
        t1 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            out = ca.markov_model(df, "path", "total_conversions",
                                  var_value="total_conversion_value",
                                  var_null="total_null", order=1,
                                  nsim_start=2e6 if a.highprec else 1e5,
                                  conv_par=0.005 if a.highprec else 0.05, out_more=True,
                                  ncore=1, seed=0, verbose=True,
                                  flg_pro=False)
        res["markov_s"] = round(time.perf_counter() - t1, 3)
        r = out["result"] if isinstance(out, dict) else out[0]
        if a.markov_out:
            r.to_csv(a.markov_out, index=False)
    if a.model in ("heuristic", "both"):
        t1 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            ca.heuristic_models(df, "path", "total_conversions",
                                var_value="total_conversion_value",
                                flg_pro=False)
        res["heuristic_s"] = round(time.perf_counter() - t1, 3)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
