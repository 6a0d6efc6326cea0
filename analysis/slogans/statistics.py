"""Statistics of slogan counts: rates with document-level intervals, contrasts, and a count model.

Tables in, tables out; no I/O. Inputs:

- ``docs``: one row per document with ``doc_id``, ``lang``, ``exposure`` (characters for Chinese,
  words for English, of the counted text) and the grouping columns (``province``, ``quarter``, …;
  missing values are the group 'unknown');
- ``counts``: a documents × slogans matrix (numpy, rows in the order of ``docs``) and the slogan names.

Documents, not characters, are the sampling unit: rate intervals are cluster-robust over documents
(log scale, CR2 with small-sample degrees of freedom), shares have Wilson intervals over documents,
contrasts are tested with a document-level test and the Log Ratio interval comes from resampling
documents; the count model is fitted to documents. Methods and calibration: docs/inference.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats.inference import (RATE_INTERVAL_METHOD, RATE_TEST_METHOD, bh, group_sums, lumps, rate_interval, rate_test,
                        shrink_rates, wilson_interval)
from ..stats.measures import bootstrap_weights, g2, log_ratio, seeded_rng

UNKNOWN = "unknown"
PER = 10_000
RATE_METHOD = ("rate per 10,000 characters (zh) or words (en) = total count / total length; " + RATE_INTERVAL_METHOD
               + "; cells with fewer than {min_docs} documents are flagged small; pooled rate: empirical-Bayes "
               "gamma–Poisson shrinkage across the cells of the grouping, 95% posterior interval")
SHARE_METHOD = "share of documents using the slogan; 95% Wilson interval over documents"


def bootstrap_rates(counts: np.ndarray, exposure: np.ndarray, B: int, rng: np.random.Generator,
                    chunk: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of (rate per 10,000, share of documents) for each column of ``counts``.

    Each replicate resamples the documents with replacement; returns two arrays of shape (B, S).
    """
    n, S = counts.shape
    rates = np.empty((B, S))
    shares = np.empty((B, S))
    present = (counts > 0).astype(float)
    for start in range(0, B, chunk):
        b = min(chunk, B - start)
        w = bootstrap_weights(b, n, rng)
        tot = w @ exposure
        with np.errstate(divide="ignore", invalid="ignore"):
            rates[start:start + b] = (w @ counts) / tot[:, None] * PER
        shares[start:start + b] = (w @ present) / n
    return rates, shares


def group_rates(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], by: list[str],
                level: float = 0.95, min_docs: int = 2, pooled: bool = True) -> pd.DataFrame:
    """Count, rate and share per slogan for every group of ``by`` × language, with intervals over
    documents (see :func:`analysis.stats.inference.rate_interval`, :func:`analysis.stats.inference.wilson_interval`).

    ``small`` flags groups with fewer than ``min_docs`` documents; with ``pooled`` (and a grouping),
    ``rate_pooled`` and its interval shrink each cell's rate toward the language's typical rate, the
    more the fewer documents the cell has (empirical Bayes, gamma–Poisson).
    """
    keys = docs[by].astype("string").fillna(UNKNOWN)
    keys["lang"] = docs["lang"].to_numpy()
    exposure = docs["exposure"].to_numpy(dtype=float)
    frames = []
    for key, idx in sorted(keys.groupby(list(keys.columns), sort=True).indices.items()):
        key = key if isinstance(key, tuple) else (key,)
        c, e = counts[idx], exposure[idx]
        rate, lo, hi = rate_interval(c, e, level)
        with_s = (c > 0).sum(axis=0)
        s_lo, s_hi = wilson_interval(with_s, len(idx), level)
        f = pd.DataFrame({"slogan": slogans, "count": c.sum(axis=0).astype(int), "exposure": e.sum(),
                          "rate": rate * PER, "rate_low": lo * PER, "rate_high": hi * PER, "documents": len(idx),
                          "documents_with": with_s.astype(int), "share": with_s / len(idx),
                          "share_low": s_lo, "share_high": s_hi})
        for col, value in zip([*by, "lang"], key):
            f[col] = value
        frames.append(f)
    cols = [*by, "lang", "slogan", "count", "exposure", "rate", "rate_low", "rate_high", "documents",
            "documents_with", "share", "share_low", "share_high"]
    out = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    out["exposure_unit"] = np.where(out["lang"] == "en", "words", "characters")
    out["small"] = out["documents"] < min_docs
    for col in ("rate_pooled", "rate_pooled_low", "rate_pooled_high"):
        out[col] = np.nan
    if pooled and by:
        known = ~(out[by] == UNKNOWN).any(axis=1)
        for _, sub in out[known].groupby(["lang", "slogan"], sort=False):
            sh = shrink_rates(sub["count"].to_numpy(float), sub["exposure"].to_numpy(float), level)
            out.loc[sub.index, "rate_pooled"] = sh["rate"] * PER
            out.loc[sub.index, "rate_pooled_low"] = sh["low"] * PER
            out.loc[sub.index, "rate_pooled_high"] = sh["high"] * PER
    return out


# ---- contrasts ----------------------------------------------------------------------------------
def contrast(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], target: np.ndarray,
             reference: np.ndarray, B: int = 2000, seed: int = 0, min_docs: int = 2, min_count: int = 5,
             label: tuple = ()) -> pd.DataFrame:
    """One contrast (target documents against reference documents), every slogan.

    Per slogan: counts and rates in both, Log Ratio (effect size) with a percentile-bootstrap
    interval over documents (resampled within each side), G² (token-level, kept as the corpus-linguistics
    score), and the document-level test (:func:`analysis.stats.inference.rate_test`) that gives the p-value;
    Benjamini–Hochberg q-values over the slogans tested (:func:`region_vs_rest` and
    :func:`quarter_vs_previous` recompute them over every contrast they make). A slogan is 'too small'
    (not tested) when either side has fewer than ``min_docs`` documents or the two sides together have
    fewer than ``min_count`` occurrences.
    """
    e = docs["exposure"].to_numpy(dtype=float)
    ct, cr = counts[target], counts[reference]
    et, er = e[target], e[reference]
    A, Bx = et.sum(), er.sum()
    a_all, b_all = ct.sum(0), cr.sum(0)
    n_t, n_r = len(et), len(er)
    boot = None
    if B and n_t >= min_docs and n_r >= min_docs:
        rt, _ = bootstrap_rates(ct.astype(float), et, B, seeded_rng(seed, "t", *label))
        rr, _ = bootstrap_rates(cr.astype(float), er, B, seeded_rng(seed, "r", *label))
        # Hardie's 0.5 for zero counts, on the rate scale of each replicate
        rt = np.where(rt > 0, rt, 0.5 / et.sum() * PER)
        rr = np.where(rr > 0, rr, 0.5 / er.sum() * PER)
        boot = np.log2(rt / rr)
    test = None
    if n_t and n_r:
        side = np.r_[np.zeros(n_t, int), np.ones(n_r, int)]
        both = np.vstack([ct, cr])
        S = group_sums(side, 2, both, np.r_[et, er])
        test = rate_test(S.take([0]), S.take([1]), lumpy=lumps(both))
    rows = []
    for j, slogan in enumerate(slogans):
        a, b = float(a_all[j]), float(b_all[j])
        row = {"slogan": slogan, "count_target": int(a), "count_reference": int(b), "exposure_target": A,
               "exposure_reference": Bx, "documents_target": n_t, "documents_reference": n_r,
               "documents_with_target": int((ct[:, j] > 0).sum()), "documents_with_reference": int((cr[:, j] > 0).sum()),
               "rate_target": a / A * PER if A else np.nan, "rate_reference": b / Bx * PER if Bx else np.nan}
        if a + b == 0:
            row["status"] = "absent"
        elif n_t < min_docs or n_r < min_docs:
            row["status"] = f"too small: fewer than {min_docs} documents on a side ({n_t} vs {n_r})"
        elif a + b < min_count:
            row["status"] = f"too small: {int(a + b)} occurrences, fewer than {min_count}"
        else:
            row["status"] = "tested"
            row["log_ratio"] = float(log_ratio(a, b, A, Bx))
            if boot is not None:
                row["log_ratio_low"], row["log_ratio_high"] = np.percentile(boot[:, j], [2.5, 97.5])
            row["g2"] = float(g2(a, b, A, Bx))
            row["z"] = float(test["z"][0, j])
            row["p_value"] = float(test["p"][0, j])
            row["p_method"] = "document-level rate test"
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("log_ratio", "log_ratio_low", "log_ratio_high", "g2", "z", "p_value", "p_method"):
        if col not in out:
            out[col] = np.nan
    out["q_value"] = bh(np.where(out["status"] == "tested", out["p_value"].astype(float), np.nan))
    return out


CONTRAST_METHOD = ("effect: Log Ratio = log2 of the ratio of rates (0.5 added to a zero count; Hardie 2014), 95% "
                   "interval by percentile bootstrap over documents; test: " + RATE_TEST_METHOD + "; G² (token-level "
                   "log-likelihood) kept as the corpus-linguistics score; multiple testing: Benjamini–Hochberg "
                   "q-values over every slogan and contrast of a kind (all provinces against their rest, all "
                   "quarters against the previous one)")


def region_vs_rest(docs, counts, slogans, column: str, **kw) -> pd.DataFrame:
    """Each region (value of ``column``) against all other documents of the same language with a
    known region. Documents of unknown region are in neither side."""
    frames = []
    for lang in sorted(docs["lang"].unique()):
        in_lang = (docs["lang"] == lang).to_numpy()
        values = docs[column].astype("string")
        known = in_lang & values.notna().to_numpy()
        for region in sorted(values[known].unique()):
            target = np.flatnonzero(known & (values == region).to_numpy())
            reference = np.flatnonzero(known & (values != region).fillna(False).to_numpy())
            res = contrast(docs, counts, slogans, target, reference, label=(lang, column, region), **kw)
            res.insert(0, "contrast", f"{region} vs other {column}s")
            res.insert(1, "lang", lang)
            frames.append(res)
    return _finish(frames)


def quarter_vs_previous(docs, counts, slogans, column: str = "quarter", **kw) -> pd.DataFrame:
    """Each quarter against the calendar quarter before it, within a language; a quarter whose
    previous quarter has no documents is reported as such."""
    frames = []
    for lang in sorted(docs["lang"].unique()):
        q = docs[column].astype("string")
        in_lang = (docs["lang"] == lang).to_numpy()
        present = sorted(q[in_lang & q.notna().to_numpy()].unique())
        for quarter in present:
            prev = previous_quarter(quarter)
            target = np.flatnonzero(in_lang & (q == quarter).fillna(False).to_numpy())
            reference = np.flatnonzero(in_lang & (q == prev).fillna(False).to_numpy())
            if len(reference) == 0:
                res = pd.DataFrame({"slogan": slogans, "status": f"no documents in the previous quarter ({prev})"})
            else:
                res = contrast(docs, counts, slogans, target, reference, label=(lang, quarter), **kw)
            res.insert(0, "contrast", f"{quarter} vs {prev}")
            res.insert(1, "lang", lang)
            frames.append(res)
    return _finish(frames)


def _finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the contrasts of one kind; q-values over all of them (one family)."""
    if not frames:
        return pd.DataFrame(columns=["contrast", "lang", "slogan", "status"])
    out = pd.concat(frames, ignore_index=True)
    if "p_value" in out:
        out["q_value"] = bh(np.where(out["status"] == "tested", out["p_value"].astype(float), np.nan))
    out["method"] = CONTRAST_METHOD
    return out


def previous_quarter(q: str) -> str:
    year, n = int(q[:4]), int(q[-1])
    return f"{year - 1}Q4" if n == 1 else f"{year}Q{n - 1}"


# ---- count model --------------------------------------------------------------------------------
NB_METHOD = ("negative binomial (NB2) regression of each slogan's count per document on region and quarter "
             "(treatment coding; reference: the first level in sorted order where the slogan occurs), log length "
             "as offset; adjusted rate ratio = exp(coefficient), 95% Wald interval; statsmodels NegativeBinomial. "
             "When the estimated dispersion is near zero or the NB fit fails, a Poisson GLM with quasi-Poisson "
             "(Pearson) scale; a level where the slogan never occurs has no finite rate ratio and is reported as such")


def _count_fit(y, X, offset):
    """NB2 fit, or quasi-Poisson when there is no over-dispersion to estimate; (fit, model name, alpha)."""
    import warnings

    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = NegativeBinomial(y, X, offset=offset, loglike_method="nb2").fit(disp=0, maxiter=200)
            alpha = float(fit.params["alpha"])
            finite = np.isfinite(fit.bse.drop("alpha")).all() and np.isfinite(fit.params.drop("alpha")).all()
            if fit.mle_retvals.get("converged", True) and alpha > 1e-3 and finite:
                return fit, "negative binomial", alpha
        except Exception:  # noqa: BLE001 - any NB failure falls back to the quasi-Poisson fit below
            pass
        fit = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
        return fit, "quasi-Poisson", 0.0


def nb_effects(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], region: str = "province",
               quarter: str = "quarter", min_count: int = 5) -> pd.DataFrame:
    """Adjusted rate ratios of region and quarter for each slogan, per language.

    Uses documents whose region and quarter are known. A factor with one level is left out; a slogan
    with fewer than ``min_count`` occurrences, or a design that cannot be estimated, is reported
    with the reason instead of numbers. A level in which the slogan never occurs is reported as
    "not estimable: no occurrences in <level>" and its documents leave that slogan's fit (the rate
    ratio would be zero, its interval undefined); the reference is the first level where it occurs.
    """
    rows = []
    for lang in sorted(docs["lang"].unique()):
        mask = (docs["lang"] == lang) & docs[region].notna() & docs[quarter].notna()
        sub = docs[mask]
        c = counts[mask.to_numpy()]
        factors = [f for f in (region, quarter) if sub[f].nunique() > 1]
        if len(sub) == 0:
            continue
        levels = sub[factors].astype(str)
        offset_all = np.log(sub["exposure"].to_numpy(dtype=float))
        full = sm_constant(pd.get_dummies(levels, drop_first=True, dtype=float) if factors else
                           pd.DataFrame(index=sub.index))
        design = None
        if np.linalg.matrix_rank(full.to_numpy()) < full.shape[1]:
            design = "not estimable: region and quarter are confounded (collinear design)"
        elif len(sub) <= full.shape[1] + 1:
            design = f"not estimable: {len(sub)} documents for {full.shape[1] + 1} parameters"
        for j, slogan in enumerate(slogans):
            y_all = c[:, j]
            base = {"lang": lang, "slogan": slogan, "documents": len(sub), "count": int(y_all.sum())}
            if design:
                rows.append({**base, "term": "", "status": design})
                continue
            if y_all.sum() < min_count:
                rows.append({**base, "term": "", "status": f"too small: {int(y_all.sum())} occurrences"})
                continue
            keep = np.ones(len(sub), bool)
            for f in factors:  # levels without a single occurrence
                totals = pd.Series(y_all).groupby(levels[f].to_numpy()).sum()
                for level in sorted(totals[totals == 0].index):
                    rows.append({**base, "term": f"{f}_{level}",
                                 "status": f"not estimable: no occurrences in {f} {level}"})
                    keep &= (levels[f] != level).to_numpy()
            lv = levels[keep]
            used = [f for f in factors if lv[f].nunique() > 1]
            X = pd.get_dummies(lv[used], drop_first=True, dtype=float) if used else pd.DataFrame(index=lv.index)
            X = sm_constant(X)
            y, offset = y_all[keep], offset_all[keep]
            reference = ", ".join(f"{f} {sorted(lv[f].unique())[0]}" for f in used)
            if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
                rows.append({**base, "term": "", "status": "not estimable: region and quarter are confounded "
                                                           "(collinear design)"})
                continue
            if keep.sum() <= X.shape[1] + 1:
                rows.append({**base, "term": "", "status": f"not estimable: {int(keep.sum())} documents for "
                                                           f"{X.shape[1] + 1} parameters"})
                continue
            try:
                fit, model, alpha = _count_fit(y, X, offset)
            except Exception as exc:  # noqa: BLE001 - reported, not hidden
                rows.append({**base, "term": "", "status": f"not estimable: {type(exc).__name__}"})
                continue
            ci = fit.conf_int()
            for term in X.columns[1:]:
                b, lo, hi = fit.params[term], ci.loc[term, 0], ci.loc[term, 1]
                if not np.isfinite([b, lo, hi]).all():
                    rows.append({**base, "term": term, "status": f"not estimable: {model} fit did not converge"})
                    continue
                if max(abs(lo), abs(hi)) > 20:  # a rate ratio beyond e^±20: nearly no occurrence in the level
                    n_level = int(y[X[term].to_numpy() == 1].sum())
                    rows.append({**base, "term": term, "status": f"not estimable: {n_level} occurrence(s) in "
                                                                 f"{term}, too few for a finite interval"})
                    continue
                rows.append({**base, "term": term, "status": "estimated", "model": model, "reference": reference,
                             "rate_ratio": float(np.exp(b)), "rate_ratio_low": float(np.exp(lo)),
                             "rate_ratio_high": float(np.exp(hi)), "p_value": float(fit.pvalues[term]),
                             "alpha": alpha})
    out = pd.DataFrame(rows, columns=["lang", "slogan", "term", "documents", "count", "status", "model", "reference",
                                      "rate_ratio", "rate_ratio_low", "rate_ratio_high", "p_value", "alpha"])
    out["method"] = NB_METHOD
    return out


def sm_constant(X: pd.DataFrame) -> pd.DataFrame:
    """The design with an intercept column first."""
    import statsmodels.api as sm

    return sm.add_constant(X, has_constant="add")
