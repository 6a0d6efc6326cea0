"""Calibration of the statistics on the user's own corpus (``python -m analysis calibrate``).

Two checks, both on the documents of the corpus as built by the slogans and keywords stages:

- **null**: the province and period labels are permuted across the documents of each language,
  ``R`` times; every test that decides a finding (keyness by period and by province, slogan
  contrasts, trend classes) is rerun, and its discoveries are counted. With labels that carry no
  information the count should be about zero per permutation.
- **planted**: a synthetic token is planted into the corpus's own documents (their real lengths) at
  known rate ratios between a random group of documents and the rest, with document-level
  over-dispersion (gamma-distributed per-document rates); the 95% rate intervals should cover the
  true rate about 95% of the time, the false discovery rate of the contrast test should stay under
  5%, and the power at each ratio is reported.

Tables in, tables out: the calibrate stage (stage.py) runs them on the corpus's tables.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats.inference import bh, log_ratio_interval, rate_interval, side_test

NOT_FINDINGS = {"stable", "too little evidence", "not tested"}


def permute_labels(docs: pd.DataFrame, columns: list[list[str]], rng: np.random.Generator) -> pd.DataFrame:
    """A copy of ``docs`` whose label columns are shuffled across documents within each language;
    columns listed together (province with prefecture) move together."""
    out = docs.copy()
    for lang, idx in docs.groupby("lang").indices.items():
        for cols in columns:
            perm = rng.permutation(idx)
            out.loc[out.index[idx], cols] = docs.iloc[perm][cols].to_numpy()
    return out


def null_discoveries(keyword_docs: pd.DataFrame, dtm, vocab: list[str], slogan_docs: pd.DataFrame,
                     slogan_counts: np.ndarray, slogans: list[str], kp, sp, unit: str) -> dict:
    """Findings on one set of (permuted) labels: distinctive keyness rows by period and by province,
    slogan contrasts with q < 0.05 by kind, and trend terms with a class other than stable."""
    from ..keywords.statistics import keyness, trends
    from ..slogans.statistics import quarter_vs_previous, region_vs_rest

    out = {}
    for by in ("period", "province"):
        k = keyness(keyword_docs, dtm, vocab, by, kp.min_count, kp.min_log_ratio, kp.top, B=0, min_docs=kp.min_docs)
        out[f"keyness by {by}"] = int((k.get("status") == "distinctive").sum()) if len(k) else 0
    kw = dict(B=0, min_docs=sp.min_docs, min_count=sp.min_count)
    for name, table in (("slogan contrasts: province vs rest",
                         region_vs_rest(slogan_docs, slogan_counts, slogans, "province", **kw)),
                        ("slogan contrasts: quarter vs previous",
                         quarter_vs_previous(slogan_docs, slogan_counts, slogans, **kw))):
        out[name] = int((table.get("q_value", pd.Series(dtype=float)) < 0.05).sum())
    tr = trends(keyword_docs, dtm, vocab, "period", unit, kp.floor, min_docs=kp.min_docs,
                min_term_docs=kp.trend_min_docs, min_term_periods=kp.trend_min_periods)
    out["trend classes"] = int((~tr["class"].isin(NOT_FINDINGS) & tr["class"].notna()).sum()) if "class" in tr else 0
    return out


def null_check(keyword_docs, dtm, vocab, slogan_docs, slogan_counts, slogans, kp, sp, unit: str, R: int = 5,
               seed: int = 0, progress=None) -> pd.DataFrame:
    """Discoveries per permutation of the labels (one row per permutation and check)."""
    rows = []
    for r in range(R):
        rng = np.random.default_rng([seed, r])
        kd = permute_labels(keyword_docs, [["province"], ["period"]], rng)
        sd = permute_labels(slogan_docs, [["province", "prefecture"], ["quarter"]], rng)
        found = null_discoveries(kd, dtm, vocab, sd, slogan_counts, slogans, kp, sp, unit)
        rows += [{"permutation": r + 1, "check": name, "discoveries": n} for name, n in found.items()]
        if progress:
            progress(r + 1, R)
    return pd.DataFrame(rows, columns=["permutation", "check", "discoveries"])


def planted_check(exposure: np.ndarray, R: int = 200, sizes=(12, 48), ratios=(1.0, 1.5, 2.0, 3.0),
                  per_doc=(0.5, 2.0), shape: float = 2.0, copies: int = 10, seed: int = 0) -> pd.DataFrame:
    """Plant a token at known rate ratios and measure coverage, false discoveries and power.

    In each of ``R`` replicates and for each group size, ``size`` documents of the corpus are drawn at
    random as the target group and the others are the reference. For each base rate (``per_doc``:
    expected occurrences in a document of the corpus's mean length, so that the check means the
    same on short news items and long reports) and ratio, ``copies`` tokens are planted: document i of the target gets
    Poisson(e_i · rate · ratio · G_i) occurrences, a reference document Poisson(e_i · rate · G_i),
    G_i ~ Gamma(shape, 1/shape) (mean 1: document-level over-dispersion). Per replicate the target's
    rate interval is checked against its true rate, and the contrast test with Benjamini–Hochberg
    over the replicate's tokens counts true and false discoveries. One row per replicate, size,
    base rate and ratio.
    """
    e = np.asarray(exposure, dtype=float)
    e = e[e > 0]
    n = len(e)
    rows = []
    grid = [(b, q) for b in per_doc for q in ratios]
    for size in sizes:
        if size >= n - 1:
            continue
        for r in range(R):
            rng = np.random.default_rng([seed, size, r])
            target = np.zeros(n, bool)
            target[rng.choice(n, size, replace=False)] = True
            K = len(grid) * copies
            lam = np.repeat([b / e.mean() for b, _ in grid], copies)
            ratio = np.repeat([q for _, q in grid], copies)
            G = rng.gamma(shape, 1 / shape, size=(n, K))
            mu = e[:, None] * lam[None, :] * np.where(target[:, None], ratio[None, :], 1.0) * G
            y = rng.poisson(mu).astype(float)
            test, S = side_test(y[target], e[target], y[~target], e[~target])
            q = bh(test["p"][0])
            rate, lo, hi = rate_interval(y[target], e[target])
            truth = lam * ratio
            covered = (lo <= truth) & (truth <= hi)
            lr_lo, lr_hi = log_ratio_interval(S.take([0]), S.take([1]))
            lr_covered = (lr_lo <= np.log2(ratio)) & (np.log2(ratio) <= lr_hi)
            found = q < 0.05
            for g, (b, qr) in enumerate(grid):
                sl = slice(g * copies, (g + 1) * copies)
                rows.append({"size": size, "replicate": r + 1, "per_doc": b, "base_rate": b / e.mean() * 10_000,
                             "ratio": qr, "tokens": copies,
                             "covered": int(covered[sl].sum()), "interval_defined": int(np.isfinite(hi[sl]).sum()),
                             "lr_covered": int(lr_covered[sl].sum()), "lr_defined": int(np.isfinite(lr_hi[sl]).sum()),
                             "discoveries": int(found[sl].sum()),
                             "false_discoveries": int(found[sl].sum()) if qr == 1.0 else 0,
                             "all_discoveries": int(found.sum())})
    return pd.DataFrame(rows)


def planted_counts(rng, e_pool, n: int, regions: int, quarters: int, mixture: bool = False):
    """A documents table (lang, province, quarter, exposure) of ``n`` documents with lengths drawn
    from ``e_pool`` and one slogan's counts with planted rate ratios: 1 for every other region and
    quarter (the null), 1.5-2.5 for the others; document-level over-dispersion Gamma(1.5) (the NB2
    model holds) or, with ``mixture``, half the documents silent and half at twice the rate.
    Returns (documents, counts as documents × 1, planted rate ratio per model term)."""
    e = rng.choice(e_pool, n)
    region = rng.integers(0, regions, n)
    quarter = rng.integers(0, quarters, n)
    rr_region = np.r_[1.0, np.where(np.arange(1, regions) % 2 == 0, 1.0, np.linspace(1.5, 2.5, regions - 1))]
    rr_quarter = np.r_[1.0, np.where(np.arange(1, quarters) % 2 == 0, 1.0, np.linspace(1.5, 2.5, quarters - 1))]
    G = rng.choice([0.0, 2.0], n) if mixture else rng.gamma(1.5, 1 / 1.5, n)
    y = rng.poisson(e * 2e-3 * rr_region[region] * rr_quarter[quarter] * G)
    docs = pd.DataFrame({"lang": "zh", "province": [f"r{r:02d}" for r in region],
                         "quarter": [f"2020Q{q + 1}" if q < 4 else f"2021Q{q - 3}" for q in quarter], "exposure": e})
    truth = {f"province_r{r:02d}": rr_region[r] for r in range(1, regions)}
    truth.update({f"quarter_{q}": rr_quarter[i + 1] for i, q in enumerate(sorted(docs["quarter"].unique())[1:])})
    return docs, y[:, None].astype(float), truth


def summarise(null: pd.DataFrame, planted: pd.DataFrame) -> pd.DataFrame:
    """The numbers a reader checks: discoveries per permutation (mean, max), interval coverage by
    group size and base rate, false discovery rate and power by group size and ratio."""
    rows = []
    if len(null):
        per = null.groupby("permutation")["discoveries"].sum()
        rows.append({"check": "null: discoveries per permutation (all tests)", "group": "all",
                     "value": float(per.mean()), "max": float(per.max()), "target": "about 0 (at most 1 on average)"})
        for name, g in null.groupby("check", sort=False):
            rows.append({"check": f"null: {name}", "group": "per permutation", "value": float(g["discoveries"].mean()),
                         "max": float(g["discoveries"].max()), "target": "about 0"})
    if len(planted):
        for (size, b), g in planted.groupby(["size", "per_doc"]):
            cov = g["covered"].sum() / max(g["interval_defined"].sum(), 1)
            rows.append({"check": "planted: 95% rate interval coverage",
                         "group": f"{size} documents, {b:g} per document",
                         "value": float(cov), "max": np.nan, "target": "0.93-0.97"})
            if "lr_covered" in g:
                rows.append({"check": "planted: 95% Log Ratio interval coverage (analytic)",
                             "group": f"{size} documents, {b:g} per document",
                             "value": float(g["lr_covered"].sum() / max(g["lr_defined"].sum(), 1)), "max": np.nan,
                             "target": "0.93-0.97"})
        per_rep = planted.groupby(["size", "replicate"]).agg(false=("false_discoveries", "sum"),
                                                            found=("discoveries", "sum"))
        fdr = (per_rep["false"] / per_rep["found"].clip(lower=1)).groupby(level=0).mean()
        for size, v in fdr.items():
            rows.append({"check": "planted: false discovery rate of the contrast test", "group": f"{size} documents",
                         "value": float(v), "max": np.nan, "target": "at most 0.05"})
        for (size, b, ratio), g in planted[planted["ratio"] != 1.0].groupby(["size", "per_doc", "ratio"]):
            rows.append({"check": "planted: power (q < 0.05)",
                         "group": f"{size} documents, {b:g} per document, ratio {ratio:g}",
                         "value": float(g["discoveries"].sum() / g["tokens"].sum()), "max": np.nan, "target": "reported"})
    return pd.DataFrame(rows, columns=["check", "group", "value", "max", "target"])
