"""Statistics of slogan counts: rates with document-level intervals, contrasts, and a count model.

Tables in, tables out; no I/O. Inputs:

- ``docs``: one row per document with ``doc_id``, ``lang``, ``exposure`` (characters for Chinese,
  words for English, of the counted text) and the grouping columns (``province``, ``quarter``, …;
  missing values are the group 'unknown');
- ``counts``: a documents × slogans matrix (numpy, rows in the order of ``docs``) and the slogan names.

Documents, not characters, are the sampling unit: intervals come from resampling documents
(percentile bootstrap, seeded), and the count model is fitted to documents.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .measures import bootstrap_weights, g2, log_ratio, seeded_rng

UNKNOWN = "unknown"
PER = 10_000
RATE_METHOD = ("rate per 10,000 characters (zh) or words (en) = total count / total length; 95% interval: "
               "percentile bootstrap over documents ({B} resamples, seed {seed})")
SHARE_METHOD = "share of documents using the slogan; 95% interval: percentile bootstrap over documents"


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
                B: int = 2000, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Count, rate and share per slogan for every group of ``by`` × language, with bootstrap intervals."""
    keys = docs[by].astype("string").fillna(UNKNOWN)
    keys["lang"] = docs["lang"].to_numpy()
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    rows = []
    for key, idx in sorted(keys.groupby(list(keys.columns), sort=True).indices.items()):
        key = key if isinstance(key, tuple) else (key,)
        c = counts[idx]
        e = docs["exposure"].to_numpy(dtype=float)[idx]
        total = c.sum(axis=0)
        rate = total / e.sum() * PER if e.sum() else np.full(len(slogans), np.nan)
        with_s = (c > 0).sum(axis=0)
        if len(idx) > 1 and B:
            br, bs = bootstrap_rates(c.astype(float), e, B, seeded_rng(seed, *key))
            r_lo, r_hi = np.nanpercentile(br, [lo, hi], axis=0)
            s_lo, s_hi = np.percentile(bs, [lo, hi], axis=0)
        else:  # one document: no interval
            r_lo = r_hi = s_lo = s_hi = np.full(len(slogans), np.nan)
        for j, slogan in enumerate(slogans):
            rows.append((*key, slogan, int(total[j]), float(e.sum()), rate[j], r_lo[j], r_hi[j], len(idx),
                         int(with_s[j]), with_s[j] / len(idx), s_lo[j], s_hi[j]))
    cols = [*by, "lang", "slogan", "count", "exposure", "rate", "rate_low", "rate_high", "documents",
            "documents_with", "share", "share_low", "share_high"]
    out = pd.DataFrame(rows, columns=cols)
    out["exposure_unit"] = np.where(out["lang"] == "en", "words", "characters")
    return out


# ---- contrasts ----------------------------------------------------------------------------------
def contrast(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], target: np.ndarray,
             reference: np.ndarray, B: int = 2000, seed: int = 0, min_docs: int = 2, min_count: int = 5,
             label: tuple = ()) -> pd.DataFrame:
    """One contrast (target documents against reference documents), every slogan.

    Per slogan: counts and rates in both, Log Ratio (effect size) with a percentile-bootstrap
    interval over documents (resampled within each side), G² (G-test of independence, 1 df) or,
    when an expected cell count is below 5, Fisher's exact test; Benjamini–Hochberg q-values over
    the slogans tested. A slogan is 'too small' (not tested) when either side has fewer than
    ``min_docs`` documents or the two sides together have fewer than ``min_count`` occurrences.
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
    rows = []
    for j, slogan in enumerate(slogans):
        a, b = float(a_all[j]), float(b_all[j])
        row = {"slogan": slogan, "count_target": int(a), "count_reference": int(b), "exposure_target": A,
               "exposure_reference": Bx, "documents_target": n_t, "documents_reference": n_r,
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
            table = np.array([[a, A - a], [b, Bx - b]])
            expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
            row["g2"] = float(g2(a, b, A, Bx))
            if expected.min() < 5:
                row["p_value"] = stats.fisher_exact(table.astype(np.int64))[1]
                row["p_method"] = "Fisher's exact test (an expected count below 5)"
            else:
                row["p_value"] = float(stats.chi2.sf(row["g2"], 1))
                row["p_method"] = "G-test (log-likelihood G², 1 df)"
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("log_ratio", "log_ratio_low", "log_ratio_high", "g2", "p_value", "p_method"):
        if col not in out:
            out[col] = np.nan
    tested = out["status"] == "tested"
    out["q_value"] = np.nan
    if tested.any():
        out.loc[tested, "q_value"] = stats.false_discovery_control(out.loc[tested, "p_value"].to_numpy(), method="bh")
    return out


CONTRAST_METHOD = ("effect: Log Ratio = log2 of the ratio of rates (0.5 added to a zero count; Hardie 2014), 95% "
                   "interval by percentile bootstrap over documents; test: G-test of independence on the 2×2 table "
                   "(occurrences vs other characters or words; 1 df), Fisher's exact test when an expected count is "
                   "below 5; multiple testing: Benjamini–Hochberg q-values over the slogans of each contrast")


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
    if not frames:
        return pd.DataFrame(columns=["contrast", "lang", "slogan", "status"])
    out = pd.concat(frames, ignore_index=True)
    out["method"] = CONTRAST_METHOD
    return out


def previous_quarter(q: str) -> str:
    year, n = int(q[:4]), int(q[-1])
    return f"{year - 1}Q4" if n == 1 else f"{year}Q{n - 1}"


# ---- count model --------------------------------------------------------------------------------
NB_METHOD = ("negative binomial (NB2) regression of each slogan's count per document on region and quarter "
             "(treatment coding, the first level in sorted order is the reference), log length as offset; "
             "adjusted rate ratio = exp(coefficient), 95% Wald interval; statsmodels NegativeBinomial")


def nb_effects(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], region: str = "province",
               quarter: str = "quarter", min_count: int = 5) -> pd.DataFrame:
    """Adjusted rate ratios of region and quarter for each slogan, per language.

    Uses documents whose region and quarter are known. A factor with one level is left out; a slogan
    with fewer than ``min_count`` occurrences, or a design that cannot be estimated, is reported
    with the reason instead of numbers.
    """
    import warnings

    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    rows = []
    for lang in sorted(docs["lang"].unique()):
        mask = (docs["lang"] == lang) & docs[region].notna() & docs[quarter].notna()
        sub = docs[mask]
        c = counts[mask.to_numpy()]
        factors = [f for f in (region, quarter) if sub[f].nunique() > 1]
        if len(sub) == 0:
            continue
        X = pd.get_dummies(sub[factors].astype(str), drop_first=True, dtype=float) if factors else \
            pd.DataFrame(index=sub.index)
        X = sm.add_constant(X, has_constant="add")
        offset = np.log(sub["exposure"].to_numpy(dtype=float))
        reason = None
        if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
            reason = "not estimable: region and quarter are confounded (collinear design)"
        elif len(sub) <= X.shape[1] + 1:
            reason = f"not estimable: {len(sub)} documents for {X.shape[1] + 1} parameters"
        for j, slogan in enumerate(slogans):
            y = c[:, j]
            base = {"lang": lang, "slogan": slogan, "documents": len(sub), "count": int(y.sum())}
            if reason:
                rows.append({**base, "term": "", "status": reason})
                continue
            if y.sum() < min_count:
                rows.append({**base, "term": "", "status": f"too small: {int(y.sum())} occurrences"})
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit = NegativeBinomial(y, X, offset=offset, loglike_method="nb2").fit(disp=0, maxiter=200)
                ci = fit.conf_int()
                for term in X.columns[1:]:
                    b, lo, hi = fit.params[term], ci.loc[term, 0], ci.loc[term, 1]
                    if not (np.isfinite([b, lo, hi]).all() and max(abs(b), abs(lo), abs(hi)) < 20):
                        # a level where the slogan never (or always) occurs: no finite rate ratio
                        rows.append({**base, "term": term, "status": "not estimable: separation (no occurrence "
                                                                     "in a level, or no convergence)"})
                        continue
                    rows.append({**base, "term": term, "status": "estimated", "rate_ratio": float(np.exp(b)),
                                 "rate_ratio_low": float(np.exp(lo)), "rate_ratio_high": float(np.exp(hi)),
                                 "p_value": float(fit.pvalues[term]), "alpha": float(fit.params["alpha"])})
            except Exception as exc:  # convergence failures are reported, not hidden
                rows.append({**base, "term": "", "status": f"not estimable: {type(exc).__name__}"})
    out = pd.DataFrame(rows, columns=["lang", "slogan", "term", "documents", "count", "status", "rate_ratio",
                                      "rate_ratio_low", "rate_ratio_high", "p_value", "alpha"])
    out["method"] = NB_METHOD
    return out
