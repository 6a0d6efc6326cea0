"""Statistics of slogan counts: rates with document-level intervals, contrasts, and a count model.

Tables in, tables out; no I/O. Inputs:

- ``docs``: one row per document with ``doc_id``, ``lang``, ``exposure`` (characters for Chinese,
  words for English, of the counted text) and the grouping columns (``province``, ``quarter``, …;
  missing values are the group 'unknown');
- ``counts``: a documents × slogans matrix (scipy sparse or numpy, rows in the order of ``docs``) and the
  slogan names.

Documents, not characters, are the sampling unit: rate intervals are cluster-robust over documents
(log scale, CR2 with small-sample degrees of freedom), shares have Wilson intervals over documents,
contrasts are tested with a document-level test and the Log Ratio interval comes from resampling
documents; the count model is fitted to documents. Methods and calibration: docs/inference.md.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from ..stats.blocks import column_sums, dense, documents_with
from ..stats.inference import (RANK_TEST_METHOD, RATE_INTERVAL_METHOD, RATE_TEST_METHOD, bh, log_ratio_interval,
                               rate_interval, shrink_rates, side_test, wilson_interval)
from ..stats.measures import bootstrap_weights, g2, log_ratio, seeded_rng

UNKNOWN = "unknown"
PER = 10_000
RATE_METHOD = ("rate per 10,000 characters (zh) or words (en) = total count / total length; " + RATE_INTERVAL_METHOD
               + "; cells with fewer than {min_docs} documents are flagged small; pooled rate: empirical-Bayes "
               "gamma–Poisson shrinkage across the cells of the grouping, 95% posterior interval")
SHARE_METHOD = "share of documents using the slogan; 95% Wilson interval over documents"
WITHIN_METHOD = ("a group of one document: the same interval over the document's paragraphs (interval_over = "
                 "paragraphs; its wording as the sample, leaving out how documents differ)")


def paragraph_matrix(paragraphs: tuple, slogans: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(paragraphs × slogans counts, paragraph lengths) of one document from its paragraphs' counts
    (a list of slogan → count, one per paragraph) and lengths."""
    per, sizes = paragraphs
    col = {x: j for j, x in enumerate(slogans)}
    m = np.zeros((len(per), len(slogans)))
    for i, counter in enumerate(per):
        for slogan, n in counter.items():
            if slogan in col:
                m[i, col[slogan]] = n
    return m, np.asarray(sizes, dtype=float)


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
                level: float = 0.95, min_docs: int = 2, pooled: bool = True,
                paragraphs: dict | None = None) -> pd.DataFrame:
    """Count, rate and share per slogan for every group of ``by`` × language, with intervals over
    documents (see :func:`analysis.stats.inference.rate_interval`, :func:`analysis.stats.inference.wilson_interval`).

    ``small`` flags groups with fewer than ``min_docs`` documents; with ``pooled`` (and a grouping),
    ``rate_pooled`` and its interval shrink each cell's rate toward the language's typical rate, the
    more the fewer documents the cell has (empirical Bayes, gamma–Poisson). ``paragraphs``: doc_id →
    its paragraphs' counts and lengths (:func:`paragraph_matrix`); a group of one such document gets
    the interval over its paragraphs, scaled to the document's rate (``interval_over``).
    """
    keys = docs[by].astype("string").fillna(UNKNOWN)
    keys["lang"] = docs["lang"].to_numpy()
    exposure = docs["exposure"].to_numpy(dtype=float)
    frames = []
    for key, idx in sorted(keys.groupby(list(keys.columns), sort=True).indices.items()):
        key = key if isinstance(key, tuple) else (key,)
        c, e = counts[idx], exposure[idx]
        rate, lo, hi = rate_interval(c, e, level)
        over = "documents" if len(idx) > 1 else ""
        doc_id = docs["doc_id"].iat[idx[0]] if len(idx) == 1 and "doc_id" in docs else None
        if paragraphs and doc_id in paragraphs:
            pm, pe = paragraph_matrix(paragraphs[doc_id], slogans)
            if len(pe) > 1 and pe.sum() > 0:
                p_rate, p_lo, p_hi = rate_interval(pm, pe, level)
                with np.errstate(divide="ignore", invalid="ignore"):   # the document's rate, the paragraphs' spread
                    scale = np.where(p_rate > 0, rate / p_rate, 1.0)
                lo, hi = np.where(p_rate > 0, p_lo * scale, 0.0), np.where(p_rate > 0, p_hi * scale, p_hi * pe.sum() / e.sum())
                over = "paragraphs"
        with_s = documents_with(c)
        s_lo, s_hi = wilson_interval(with_s, len(idx), level)
        f = pd.DataFrame({"slogan": slogans, "count": column_sums(c).astype(int), "exposure": e.sum(),
                          "rate": rate * PER, "rate_low": lo * PER, "rate_high": hi * PER, "documents": len(idx),
                          "documents_with": with_s.astype(int), "share": with_s / len(idx),
                          "share_low": s_lo, "share_high": s_hi, "interval_over": over})
        for col, value in zip([*by, "lang"], key):
            f[col] = value
        frames.append(f)
    cols = [*by, "lang", "slogan", "count", "exposure", "rate", "rate_low", "rate_high", "documents",
            "documents_with", "share", "share_low", "share_high", "interval_over"]
    out = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    out["exposure_unit"] = np.where(out["lang"] == "en", "words", "characters")
    out["small"] = out["documents"] < min_docs
    for col in ("rate_pooled", "rate_pooled_low", "rate_pooled_high"):
        out[col] = np.nan
    if pooled and by:
        known = ~(out[by] == UNKNOWN).any(axis=1)
        pooled_cols = np.full((len(out), 3), np.nan)
        count, exposure = out["count"].to_numpy(float), out["exposure"].to_numpy(float)
        for rows in out[known].groupby(["lang", "slogan"], sort=False).indices.values():
            rows = np.flatnonzero(known)[rows]
            sh = shrink_rates(count[rows], exposure[rows], level)
            pooled_cols[rows] = np.column_stack([sh["rate"], sh["low"], sh["high"]]) * PER
        out[["rate_pooled", "rate_pooled_low", "rate_pooled_high"]] = pooled_cols
    return out


# ---- contrasts ----------------------------------------------------------------------------------
def contrast(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], target: np.ndarray,
             reference: np.ndarray, B: int = 2000, seed: int = 0, min_docs: int = 2, min_count: int = 5,
             label: tuple = (), bootstrap_max_docs: int = 500) -> pd.DataFrame:
    """One contrast (target documents against reference documents), every slogan.

    Per slogan: counts and rates in both, Log Ratio (effect size) with a percentile-bootstrap
    interval over documents (resampled within each side; when a side has more than
    ``bootstrap_max_docs`` documents, the analytic cluster-robust interval of
    :func:`analysis.stats.inference.log_ratio_interval` instead: the same coverage in time that does
    not grow with the documents), G² (token-level, kept as the corpus-linguistics
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
    a_all, b_all = column_sums(ct), column_sums(cr)
    with_t, with_r = documents_with(ct), documents_with(cr)
    n_t, n_r = len(et), len(er)
    test, S = side_test(ct, et, cr, er)
    bounds, interval = None, ""
    if B and n_t >= min_docs and n_r >= min_docs:
        if max(n_t, n_r) > bootstrap_max_docs:
            bounds, interval = log_ratio_interval(S.take([0]), S.take([1])), "analytic (cluster-robust)"
        else:
            bounds, interval = _bootstrap_log_ratio(ct, cr, et, er, B, seed, label), "percentile bootstrap"
    rows = []
    for j, slogan in enumerate(slogans):
        a, b = float(a_all[j]), float(b_all[j])
        row = {"slogan": slogan, "count_target": int(a), "count_reference": int(b), "exposure_target": A,
               "exposure_reference": Bx, "documents_target": n_t, "documents_reference": n_r,
               "documents_with_target": int(with_t[j]), "documents_with_reference": int(with_r[j]),
               "rate_target": a / A * PER if A else np.nan, "rate_reference": b / Bx * PER if Bx else np.nan,
               "status": _contrast_status(a, b, n_t, n_r, min_docs, min_count)}
        if row["status"] == "tested":
            row.update(_tested_fields(j, a, b, A, Bx, test, bounds, interval))
        rows.append(row)
    return _contrast_table(rows)


def _bootstrap_log_ratio(ct: np.ndarray, cr: np.ndarray, et: np.ndarray, er: np.ndarray, B: int, seed: int,
                         label: tuple) -> np.ndarray:
    """The percentile-bootstrap 95% interval (rows: low, high) of each slogan's Log Ratio, resampling
    documents within each side."""
    rt, _ = bootstrap_rates(dense(ct), et, B, seeded_rng(seed, "t", *label))
    rr, _ = bootstrap_rates(dense(cr), er, B, seeded_rng(seed, "r", *label))
    # Hardie's 0.5 for zero counts, on the rate scale of each replicate
    rt = np.where(rt > 0, rt, 0.5 / et.sum() * PER)
    rr = np.where(rr > 0, rr, 0.5 / er.sum() * PER)
    return np.percentile(np.log2(rt / rr), [2.5, 97.5], axis=0)


def _contrast_status(a: float, b: float, n_t: int, n_r: int, min_docs: int, min_count: int) -> str:
    """Whether a slogan with ``a`` and ``b`` occurrences on the two sides is tested, or why not."""
    if a + b == 0:
        return "absent"
    if n_t < min_docs or n_r < min_docs:
        return f"too small: fewer than {min_docs} documents on a side ({n_t} vs {n_r})"
    if a + b < min_count:
        return f"too small: fewer than {min_count} occurrences ({int(a + b)})"
    return "tested"


def _tested_fields(j: int, a: float, b: float, A: float, Bx: float, test: dict, bounds, interval: str) -> dict:
    """Effect, interval and test of tested slogan ``j``: Log Ratio (with its interval when there is
    one), G², z and p-value."""
    out = {"log_ratio": float(log_ratio(a, b, A, Bx))}
    if bounds is not None:
        out["log_ratio_low"], out["log_ratio_high"] = float(bounds[0][j]), float(bounds[1][j])
        out["interval_method"] = interval
    out["g2"] = float(g2(a, b, A, Bx))
    out["z"] = float(test["z"][0, j])
    out["p_value"] = float(test["p"][0, j])
    out["p_method"] = test["method"]
    return out


def _contrast_table(rows: list[dict]) -> pd.DataFrame:
    """The contrast's rows as a table, every result column present, with q-values over the slogans tested."""
    out = pd.DataFrame(rows)
    for col in ("log_ratio", "log_ratio_low", "log_ratio_high", "interval_method", "g2", "z", "p_value", "p_method"):
        if col not in out:
            out[col] = np.nan
    out["q_value"] = bh(np.where(out["status"] == "tested", out["p_value"].astype(float), np.nan))
    return out


CONTRAST_METHOD = ("effect: Log Ratio = log2 of the ratio of rates (0.5 added to a zero count; Hardie 2014), 95% "
                   "interval by percentile bootstrap over documents, or, when a side has more than "
                   "slogans.bootstrap_max_docs documents, the analytic cluster-robust interval (docs/inference.md); "
                   "test: " + RATE_TEST_METHOD + "; " + RANK_TEST_METHOD + "; G² (token-level log-likelihood) kept as the corpus-linguistics "
                   "score; multiple testing: Benjamini–Hochberg "
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
             "as offset; adjusted rate ratio = exp(coefficient), 95% Wald interval from the observed information; "
             "maximum likelihood from the sums of the region × quarter cells (analysis/stats/count_model.py; the "
             "estimates of statsmodels' NegativeBinomial in time linear in the documents). "
             "When the estimated dispersion is near zero or the NB fit fails, a Poisson GLM with quasi-Poisson "
             "(Pearson) scale; a level where the slogan never occurs has no finite rate ratio and is reported as such")


def _count_fit(y, cell, Xc, offset):
    """NB2 fit, or quasi-Poisson when there is no over-dispersion to estimate or the NB fit fails;
    (fit, model name, alpha). ``cell``: each document's row of the cell design ``Xc``."""
    from threadpoolctl import threadpool_limits

    from ..stats.count_model import nb2_regression, quasi_poisson

    # one BLAS thread: the same floating-point sums in this process, a worker process or a Dask
    # worker, whatever the machine's cores (the engines' outputs are byte-identical)
    with np.errstate(all="ignore"), threadpool_limits(1):
        try:
            fit = nb2_regression(y, cell, Xc, offset)
            finite = np.isfinite(fit.bse).all() and np.isfinite(fit.params).all()
            if fit.converged and fit.alpha > 1e-3 and finite:
                return fit, "negative binomial", fit.alpha
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):  # falls back to quasi-Poisson
            pass
        return quasi_poisson(y, cell, Xc, offset), "quasi-Poisson", 0.0


def nb_effects(docs: pd.DataFrame, counts: np.ndarray, slogans: list[str], region: str = "province",
               quarter: str = "quarter", min_count: int = 5, workers: int = 1) -> pd.DataFrame:
    """Adjusted rate ratios of region and quarter for each slogan, per language.

    Uses documents whose region and quarter are known. A factor with one level is left out; a slogan
    with fewer than ``min_count`` occurrences, or a design that cannot be estimated, is reported
    with the reason instead of numbers. A level in which the slogan never occurs is reported as
    "not estimable: no occurrences in <level>" and its documents leave that slogan's fit (the rate
    ratio would be zero, its interval undefined); the reference is the first level where it occurs.
    Each slogan's fit is one task of :func:`analysis.pipeline.parallel.ordered_map` on ``workers``
    processes (or the Dask engine): the same rows in the same order whatever runs them.
    """
    from ..pipeline.parallel import ordered_map

    rows = []
    for lang in sorted(docs["lang"].unique()):
        mask = (docs["lang"] == lang) & docs[region].notna() & docs[quarter].notna()
        sub = docs[mask]
        c = sparse.csc_matrix(counts[np.flatnonzero(mask.to_numpy())])   # a column per slogan
        factors = [f for f in (region, quarter) if sub[f].nunique() > 1]
        if len(sub) == 0:
            continue
        levels = sub[factors].astype(str).reset_index(drop=True)
        offset_all = np.log(sub["exposure"].to_numpy(dtype=float))
        _, X = cell_design(levels, factors)
        design = design_problem(X, len(sub))
        per_slogan: list = [None] * len(slogans)  # each slogan's rows, in the order of ``slogans``
        jobs = []
        for j, slogan in enumerate(slogans):
            # a job holds its slogan's non-zero counts, made dense in the fit (dense, the jobs of a
            # million documents' slogans held 1 GB)
            at, y = c.indices[c.indptr[j]:c.indptr[j + 1]], c.data[c.indptr[j]:c.indptr[j + 1]]
            base = {"lang": lang, "slogan": slogan, "documents": len(sub), "count": int(y.sum())}
            if design:
                per_slogan[j] = [{**base, "term": "", "status": design}]
            elif y.sum() < min_count:
                per_slogan[j] = [{**base, "term": "", "status": f"too small: {int(y.sum())} occurrences"}]
            else:
                jobs.append((j, base, (at, y)))
        fitted = ordered_map(_slogan_effects, [job[1:] for job in jobs], workers if len(jobs) > 1 else 1,
                             initializer=_set_design, initargs=((levels, factors, offset_all),))
        for (j, _, _), result in zip(jobs, fitted):
            per_slogan[j] = result
        rows += [row for result in per_slogan for row in result]
    out = pd.DataFrame(rows, columns=["lang", "slogan", "term", "documents", "count", "status", "model", "reference",
                                      "rate_ratio", "rate_ratio_low", "rate_ratio_high", "p_value", "alpha"])
    out["method"] = NB_METHOD
    return out


_DESIGN: dict = {}


def _set_design(design: tuple) -> None:
    """The documents' factor levels and log lengths, shared by the fits of one language."""
    _DESIGN["levels"], _DESIGN["factors"], _DESIGN["offset"] = design


def _slogan_effects(job: tuple) -> list[dict]:
    """The rows of one slogan (its non-zero counts per document of the design set by
    :func:`_set_design`: rows and counts)."""
    base, (at, counts) = job
    levels, factors, offset_all = _DESIGN["levels"], _DESIGN["factors"], _DESIGN["offset"]
    y_all = np.zeros(len(levels))
    y_all[at] = counts
    out = []
    keep = np.ones(len(levels), bool)
    for f in factors:  # levels without a single occurrence
        totals = pd.Series(y_all).groupby(levels[f].to_numpy()).sum()
        for level in sorted(totals[totals == 0].index):
            out.append({**base, "term": f"{f}_{level}",
                         "status": f"not estimable: no occurrences in {f} {level}"})
            keep &= (levels[f] != level).to_numpy()
    lv = levels[keep]
    used = [f for f in factors if lv[f].nunique() > 1]
    cell, X = cell_design(lv, used)
    y, offset = y_all[keep], offset_all[keep]
    reference = ", ".join(f"{f} {sorted(lv[f].unique())[0]}" for f in used)
    problem = design_problem(X, int(keep.sum()))
    if problem:
        out.append({**base, "term": "", "status": problem})
        return out
    try:
        fit, model, alpha = _count_fit(y, cell, X, offset)
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        out.append({**base, "term": "", "status": f"not estimable: {type(exc).__name__}"})
        return out
    ci = fit.conf_int()
    for term in X.columns[1:]:
        b, lo, hi = fit.params[term], ci.loc[term, 0], ci.loc[term, 1]
        if not np.isfinite([b, lo, hi]).all():
            out.append({**base, "term": term, "status": f"not estimable: {model} fit did not converge"})
            continue
        if max(abs(lo), abs(hi)) > 20:  # a rate ratio beyond e^±20: nearly no occurrence in the level
            n_level = int(y[X[term].to_numpy()[cell] == 1].sum())
            out.append({**base, "term": term, "status": f"not estimable: {n_level} occurrence(s) in "
                                                         f"{term}, too few for a finite interval"})
            continue
        out.append({**base, "term": term, "status": "estimated", "model": model, "reference": reference,
                     "rate_ratio": float(np.exp(b)), "rate_ratio_low": float(np.exp(lo)),
                     "rate_ratio_high": float(np.exp(hi)), "p_value": float(fit.pvalues[term]),
                     "alpha": alpha})
    return out


def cell_design(levels: pd.DataFrame, factors: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """The treatment-coded design (an intercept first) of the ``factors`` of ``levels`` has one
    distinct row per cell (region × quarter): each document's cell, and the cells' design rows. The
    count models and their rank checks work on these few hundred rows, not on every document."""
    cell = levels.groupby(factors, sort=True).ngroup().to_numpy() if factors else np.zeros(len(levels), np.int64)
    cells = levels[factors].assign(_cell=cell).drop_duplicates("_cell").sort_values("_cell")[factors]
    dummies = pd.get_dummies(cells, drop_first=True, dtype=float) if factors else pd.DataFrame(index=[0])
    design = dummies.reset_index(drop=True)
    design.insert(0, "const", 1.0)
    return cell, design


def design_problem(X: pd.DataFrame, n_docs: int) -> str | None:
    """Why a count model cannot be fitted on this cell design and ``n_docs`` documents, or None."""
    if np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        return "not estimable: region and quarter are confounded (collinear design)"
    if n_docs <= X.shape[1] + 1:
        return f"not estimable: {n_docs} documents for {X.shape[1] + 1} parameters"
    return None
