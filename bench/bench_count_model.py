"""Benchmark: the slogans stage's count model (issue 18): calibration and speed.

usage: python bench/bench_count_model.py [--replicates 400] [--out bench/RESULTS.md]

1. Calibration: documents in 6 regions × 8 quarters with real lengths (the CCTV items' when
   ../shared/corpora is present, else lognormal), counts Poisson(e_i · λ · RR_region · RR_quarter · G_i)
   with G_i ~ Gamma(1.5) (document-level over-dispersion: the NB2 model is right) or G_i from a
   two-point mixture (it is not: half the documents silent, half at twice the rate); the planted
   rate ratios are 1 for half the levels (the null) and 1.5-2.5 for the others. Per replicate,
   `nb_effects` as the stage runs it: how often each 95% interval covers the planted rate ratio,
   and how often p < 0.05 where the planted ratio is 1.
2. Speed: one slogan's fit on 10,000 and 100,000 documents in 31 regions × 56 quarters, this module
   (`analysis.stats.count_model`) beside statsmodels' NegativeBinomial on the same design, and their
   largest difference in the coefficients.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPORA = ROOT.parent / "shared" / "corpora"

from bench_results import machine_speed, publish  # noqa: E402


def lengths() -> np.ndarray:
    out = []
    for path in sorted((CORPORA / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl")):
        out += [len(json.loads(line)["content"]) for line in path.read_text(encoding="utf-8").splitlines()]
    out = np.array([x for x in out if x > 50], dtype=float)
    return out if len(out) else np.random.default_rng(0).lognormal(np.log(500), 0.8, 5000)


def calibration(e_pool, replicates: int) -> list[str]:
    from analysis.calibrate.checks import planted_counts
    from analysis.slogans.statistics import nb_effects

    rows = []
    for mixture in (False, True):
        hits, nulls, rejected = [], 0, 0
        for r in range(replicates):
            docs, y, truth = planted_counts(np.random.default_rng([18, r, mixture]), e_pool, 1200, 6, 8, mixture)
            res = nb_effects(docs, y, ["s"]).query("status == 'estimated'")
            for row in res.itertuples():
                t = truth[row.term]
                hits.append(row.rate_ratio_low <= t <= row.rate_ratio_high)
                if t == 1.0:
                    nulls += 1
                    rejected += row.p_value < 0.05
        name = "two-point mixture (NB2 misspecified)" if mixture else "Gamma(1.5) over-dispersion (NB2 right)"
        rows.append(f"| {name} | {np.mean(hits):.3f} ({len(hits):,} intervals) | {rejected / max(nulls, 1):.3f} "
                    f"({nulls:,} null levels) |")
        print(rows[-1], flush=True)
    return rows


def speed(e_pool) -> list[str]:
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    from analysis.calibrate.checks import planted_counts
    from analysis.slogans.statistics import cell_design
    from analysis.stats.count_model import nb2_regression

    rows = []
    for n in (10_000, 100_000):
        docs, y, _ = planted_counts(np.random.default_rng(n), e_pool, n, 31, 56, False)
        lv = docs[["province", "quarter"]]
        cell, Xc = cell_design(lv, ["province", "quarter"])
        offset = np.log(docs["exposure"].to_numpy())
        start = time.perf_counter()
        ours = nb2_regression(y[:, 0], cell, Xc, offset)
        t_ours = time.perf_counter() - start
        X = sm.add_constant(pd.get_dummies(lv, drop_first=True, dtype=float), has_constant="add")
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = NegativeBinomial(y[:, 0], X, offset=offset, loglike_method="nb2").fit(disp=0, maxiter=200)
        t_sm = time.perf_counter() - start
        diff = float(np.abs(theirs.params.drop("alpha").to_numpy() - ours.params.to_numpy()).max())
        rows.append(f"| {n:,} | {Xc.shape[1]} | {t_ours:.2f} | {t_sm:.1f} | {t_sm / t_ours:.0f}x | {diff:.1e} |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicates", type=int, default=400)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    e_pool = lengths()
    lines = [f"### Count model (issue 18), {time.strftime('%Y-%m-%d')}", "",
             f"`python bench/bench_count_model.py --replicates {args.replicates}`; machine speed {machine_speed()}.", "",
             f"Calibration of `nb_effects` ({args.replicates} corpora of 1,200 documents, 6 regions × 8 quarters, "
             "CCTV item lengths, planted rate ratios 1 for half the levels and 1.5-2.5 for the others): how often "
             "the 95% interval covers the planted rate ratio (target 0.93-0.97), and how often p < 0.05 at a "
             "level whose planted ratio is 1 (target 0.05):", "",
             "| documents' over-dispersion | coverage | p < 0.05 under the null |", "|:---|---:|---:|",
             *calibration(e_pool, args.replicates), "",
             "One slogan's NB2 fit, 31 regions × 56 quarters: `analysis.stats.count_model` (sums per cell) beside "
             "statsmodels' NegativeBinomial on the document × parameter design (the previous implementation):", "",
             "| documents | parameters | ours s | statsmodels s | speed-up | largest coefficient difference |",
             "|---:|---:|---:|---:|---:|---:|", *speed(e_pool)]
    publish(args.out, "### Count model (issue 18)", lines)


if __name__ == "__main__":
    main()
