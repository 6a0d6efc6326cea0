"""Keyword statistics: term frequencies by period and region, keyness, and trends over periods.

Tables in, tables out; no I/O. The input is a document–term matrix (``scipy.sparse`` CSR, counts
of each term in each document) with one row per document of ``docs`` (``doc_id``, ``lang``,
``length`` = tokens in the document, the period column and region columns).

Documents are the sampling unit: keyness intervals come from a bootstrap over documents and trend
standard errors are robust (sandwich, HC0) over documents, so overdispersion between documents
does not make a term look more certain than it is.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
from scipy import sparse, stats

from .measures import bootstrap_weights, g2, log_ratio, seeded_rng

PER = 10_000
UNKNOWN = "unknown"


# ---- periods ------------------------------------------------------------------------------------
def period_of(dates: pd.Series, unit: str) -> pd.Series:
    """Calendar period labels of dates: quarter (2022Q3), month (2022-07) or year (2022)."""
    d = pd.to_datetime(dates)
    if unit == "quarter":
        out = d.dt.year.astype("Int64").astype("string") + "Q" + d.dt.quarter.astype("Int64").astype("string")
    elif unit == "month":
        out = d.dt.strftime("%Y-%m").astype("string")
    elif unit == "year":
        out = d.dt.year.astype("Int64").astype("string")
    else:
        raise ValueError(f"unknown period unit '{unit}' (quarter, month, year)")
    return out.where(d.notna(), pd.NA)


def period_index(label: str, unit: str) -> int:
    """Position of a period on the calendar, so that a missing period leaves a gap of one."""
    if unit == "quarter":
        return int(label[:4]) * 4 + int(label[-1]) - 1
    if unit == "month":
        return int(label[:4]) * 12 + int(label[5:7]) - 1
    return int(label)


# ---- frequencies --------------------------------------------------------------------------------
def frequencies(docs: pd.DataFrame, dtm: sparse.csr_matrix, vocab: list[str], by: str,
                terms: list[str] | None = None) -> pd.DataFrame:
    """Count, rate per 10,000 tokens and document frequency of terms per group (``by``) and
    language. Only groups that have documents appear: a period without documents is a gap."""
    cols = range(len(vocab)) if terms is None else [vocab.index(t) for t in terms if t in vocab]
    rows = []
    keys = docs[by].astype("string").fillna(UNKNOWN)
    for (lang, group), idx in sorted(docs.assign(_g=keys).groupby(["lang", "_g"]).indices.items()):
        sub = dtm[idx][:, list(cols)]
        total = docs["length"].to_numpy()[idx].sum()
        counts = np.asarray(sub.sum(axis=0)).ravel()
        dfreq = np.asarray((sub > 0).sum(axis=0)).ravel()
        for k, j in enumerate(cols):
            if counts[k]:
                rows.append((lang, group, vocab[j], int(counts[k]), int(total), counts[k] / total * PER,
                             int(dfreq[k]), len(idx)))
    return pd.DataFrame(rows, columns=["lang", by, "term", "count", "tokens", "rate", "documents_with", "documents"])


# ---- keyness ------------------------------------------------------------------------------------
def _boot_lr(X_t, len_t, X_r, len_r, B, rng) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95% interval of the Log Ratio, resampling documents within each side."""
    def reps(X, lengths):
        W = bootstrap_weights(B, X.shape[0], rng)
        return np.asarray(X.T @ W.T).T, W @ lengths

    ct, tt = reps(X_t, len_t)
    cr, tr = reps(X_r, len_r)
    rt = np.where(ct > 0, ct, 0.5) / tt[:, None]
    rr = np.where(cr > 0, cr, 0.5) / tr[:, None]
    lr = np.log2(rt / rr)
    lo, hi = np.percentile(lr, [2.5, 97.5], axis=0)
    return lo, hi


KEYNESS_METHOD = ("keyness of a group against all other documents of the language: G-test (log-likelihood G², "
                  "1 df) on the 2×2 table of the term's count and the other tokens; effect: Log Ratio (log2 of the "
                  "ratio of relative frequencies, 0.5 for a zero count) with a 95% percentile-bootstrap interval "
                  "over documents for the reported terms; Benjamini–Hochberg q-values over the terms tested")


def keyness(docs: pd.DataFrame, dtm, vocab: list[str], by: str, min_count: int = 5, min_log_ratio: float = 1.0,
            top: int = 20, B: int = 200, seed: int = 0, min_docs: int = 2) -> pd.DataFrame:
    """Distinctive terms of each group (value of ``by``) against the rest, per language.

    Terms with fewer than ``min_count`` occurrences in the group and the rest together are not
    tested. Reported: the ``top`` terms by G² among those with q < 0.05 and Log Ratio ≥
    ``min_log_ratio`` (over-used), each with its bootstrap interval. Groups with fewer than
    ``min_docs`` documents (or a rest with fewer) are reported as too small.
    """
    rows = []
    keys = docs[by].astype("string")
    lengths = docs["length"].to_numpy(dtype=float)
    for lang in sorted(docs["lang"].unique()):
        in_lang = (docs["lang"] == lang).to_numpy() & keys.notna().to_numpy()
        for group in sorted(keys[in_lang].unique()):
            t = np.flatnonzero(in_lang & (keys == group).fillna(False).to_numpy())
            r = np.flatnonzero(in_lang & (keys != group).fillna(False).to_numpy())
            base = {"lang": lang, by: group, "documents": len(t), "documents_rest": len(r)}
            if len(t) < min_docs or len(r) < min_docs:
                rows.append({**base, "status": f"too small: fewer than {min_docs} documents ({len(t)} vs {len(r)})"})
                continue
            a = np.asarray(dtm[t].sum(axis=0)).ravel()
            b = np.asarray(dtm[r].sum(axis=0)).ravel()
            A, Bx = lengths[t].sum(), lengths[r].sum()
            tested = np.flatnonzero((a + b) >= min_count)
            if len(tested) == 0:
                rows.append({**base, "status": f"too small: no term with {min_count} occurrences"})
                continue
            g2s = g2(a[tested], b[tested], A, Bx)
            lr = log_ratio(a[tested], b[tested], A, Bx)
            p = stats.chi2.sf(g2s, 1)
            q = stats.false_discovery_control(p, method="bh")
            keep = np.flatnonzero((q < 0.05) & (lr >= min_log_ratio))
            keep = keep[np.argsort(-g2s[keep], kind="stable")][:top]
            if len(keep) == 0:
                rows.append({**base, "status": "no distinctive term (q < 0.05 and Log Ratio above the threshold)",
                             "terms_tested": len(tested)})
                continue
            cols = tested[keep]
            lo, hi = _boot_lr(dtm[t][:, cols], lengths[t], dtm[r][:, cols], lengths[r], B,
                              seeded_rng(seed, lang, by, group)) if B else (np.full(len(cols), np.nan),) * 2
            for k, j in enumerate(keep):
                rows.append({**base, "status": "distinctive", "terms_tested": len(tested), "rank": k + 1,
                             "term": vocab[tested[j]], "count": int(a[tested[j]]), "count_rest": int(b[tested[j]]),
                             "rate": a[tested[j]] / A * PER, "rate_rest": b[tested[j]] / Bx * PER,
                             "log_ratio": lr[j], "log_ratio_low": lo[k], "log_ratio_high": hi[k], "g2": g2s[j],
                             "p_value": p[j], "q_value": q[j]})
    out = pd.DataFrame(rows)
    out["method"] = KEYNESS_METHOD
    return out


def tfidf_top(docs: pd.DataFrame, dtm, vocab: list[str], by: str, top: int = 20) -> pd.DataFrame:
    """Top TF-IDF terms of each group, treating each group's documents as one text (scikit-learn,
    smooth idf, l2 norm), for comparison with keyness."""
    from sklearn.feature_extraction.text import TfidfTransformer

    rows = []
    keys = docs[by].astype("string")
    for lang in sorted(docs["lang"].unique()):
        mask = (docs["lang"] == lang).to_numpy() & keys.notna().to_numpy()
        groups = sorted(keys[mask].unique())
        if not groups:
            continue
        G = sparse.vstack([sparse.csr_matrix(dtm[np.flatnonzero(mask & (keys == g).fillna(False).to_numpy())]
                                             .sum(axis=0)) for g in groups])
        W = TfidfTransformer().fit_transform(G).toarray()
        for i, g in enumerate(groups):
            order = np.argsort(-W[i], kind="stable")[:top]
            for rank, j in enumerate(order, start=1):
                if W[i, j] > 0:
                    rows.append((lang, g, rank, vocab[j], float(W[i, j]), int(G[i, j])))
    return pd.DataFrame(rows, columns=["lang", by, "rank", "term", "tfidf", "count"])


# ---- trends -------------------------------------------------------------------------------------
TREND_METHOD = ("Poisson regression of each term's count per document on the period index (calendar position, so "
                "gaps count), log document length as offset, fitted on per-period sufficient statistics; slope = "
                "log rate ratio per period with a robust (sandwich, HC0, documents as units) 95% interval; "
                "Benjamini–Hochberg over terms; Mann–Kendall test (Kendall's tau of the period rates against time) "
                "with Sen's slope when there are at least 4 periods")


def poisson_trends(docs: pd.DataFrame, dtm, t: np.ndarray, iters: int = 30) -> dict:
    """Vectorised Poisson fits of every column of ``dtm`` on ``t`` (per document) with log-length offset.

    Returns arrays: beta0, slope, se (robust HC0), converged. The fit only needs per-period totals
    (the Poisson score depends on the data through them); the robust variance needs per-period sums
    of y, y² and y·length, all read from the sparse matrix.
    """
    e = docs["length"].to_numpy(dtype=float)
    periods, inv = np.unique(t, return_inverse=True)
    P = len(periods)
    M = sparse.csr_matrix((np.ones(len(t)), (inv, np.arange(len(t)))), shape=(P, len(t)))  # period × docs
    Y = np.asarray((M @ dtm).todense())                       # P × V totals
    E = M @ e                                                 # P
    Yy = np.asarray((M @ dtm.multiply(dtm)).todense())        # Σ y²
    Ye = np.asarray((M @ sparse.diags(e) @ dtm).todense())    # Σ e·y
    Ee = M @ (e * e)                                          # Σ e²
    x = periods.astype(float)
    xc = x - (E @ x) / E.sum()                                # centre the period index for stability
    V = Y.shape[1]
    b0 = np.log(np.maximum(Y.sum(0), 0.5) / E.sum())
    b1 = np.zeros(V)
    for _ in range(iters):
        lam = np.exp(b0[None, :] + np.outer(xc, b1))          # P × V rate per token
        mu = E[:, None] * lam
        g0, g1 = (Y - mu).sum(0), ((Y - mu) * xc[:, None]).sum(0)
        h00, h01, h11 = mu.sum(0), (mu * xc[:, None]).sum(0), (mu * (xc ** 2)[:, None]).sum(0)
        det = h00 * h11 - h01 ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            d0 = (h11 * g0 - h01 * g1) / det
            d1 = (h00 * g1 - h01 * g0) / det
        d0, d1 = np.nan_to_num(d0), np.nan_to_num(d1)
        b0, b1 = b0 + np.clip(d0, -5, 5), b1 + np.clip(d1, -5, 5)
    lam = np.exp(b0[None, :] + np.outer(xc, b1))
    mu = E[:, None] * lam
    converged = np.abs(((Y - mu) * xc[:, None]).sum(0)) < 1e-6 * np.maximum(1, Y.sum(0))
    # sandwich: bread = (X'WX)^-1, meat = Σ_i (y_i − μ_i)² x_i x_i'; per period Σ (y − e λ)²
    r2 = Yy - 2 * lam * Ye + lam ** 2 * Ee[:, None]
    m00, m01, m11 = r2.sum(0), (r2 * xc[:, None]).sum(0), (r2 * (xc ** 2)[:, None]).sum(0)
    h00, h01, h11 = mu.sum(0), (mu * xc[:, None]).sum(0), (mu * (xc ** 2)[:, None]).sum(0)
    det = h00 * h11 - h01 ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        i01, i11 = -h01 / det, h00 / det                           # second row of the inverse information
        var1 = i01 * i01 * m00 + 2 * i01 * i11 * m01 + i11 * i11 * m11
    return {"slope": b1, "se": np.sqrt(np.maximum(var1, 0)), "converged": converged, "periods": periods,
            "Y": Y, "E": E}


def mann_kendall(x: np.ndarray, Y: np.ndarray, chunk: int = 2000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann–Kendall test of each column of ``Y`` (periods × terms) against time ``x`` (no ties),
    vectorised over terms: Kendall's tau-b, the two-sided p-value of the normal approximation with
    the tie-corrected variance (as ``scipy.stats.kendalltau(method="asymptotic")``), and Sen's slope
    (the median of pairwise slopes, as ``scipy.stats.theilslopes``)."""
    order = np.argsort(x)
    x, Y = np.asarray(x, float)[order], np.asarray(Y, float)[order]
    n = len(x)
    i, j = np.triu_indices(n, k=1)
    S = np.zeros(Y.shape[1])
    sen = np.zeros(Y.shape[1])
    for a in range(0, Y.shape[1], chunk):
        d = Y[j, a:a + chunk] - Y[i, a:a + chunk]                # pairs × terms
        S[a:a + chunk] = np.sign(d).sum(0)
        sen[a:a + chunk] = np.median(d / (x[j] - x[i])[:, None], axis=0)
    ties = _tie_sums(Y)                                          # Σ t(t−1)(2t+5), Σ t(t−1)/2 per term
    var = (n * (n - 1) * (2 * n + 5) - ties[0]) / 18
    n0 = n * (n - 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = S / np.sqrt(n0 * (n0 - ties[1]))
        p = 2 * stats.norm.sf(np.abs(S) / np.sqrt(var))
    return tau, p, sen


def _tie_sums(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column, over groups of tied values of size t: Σ t(t−1)(2t+5) and Σ t(t−1)/2."""
    P, V = Y.shape
    srt = np.sort(Y, axis=0)
    new_run = np.vstack([np.ones((1, V), bool), np.diff(srt, axis=0) != 0])
    run_id = np.cumsum(new_run, axis=0) - 1                      # 0.. per column
    flat = (np.arange(V)[None, :] * P + run_id).ravel()
    t = np.bincount(flat, minlength=P * V).reshape(V, P).T.astype(float)
    return (t * (t - 1) * (2 * t + 5)).sum(0), (t * (t - 1) / 2).sum(0)


def trends(docs: pd.DataFrame, dtm, vocab: list[str], period_col: str, unit: str, floor: int = 10,
           alpha: float = 0.05, min_docs: int = 2) -> pd.DataFrame:
    """Trend of every term above ``floor`` occurrences, per language, with a class and its evidence.

    Classes (in this order): ``emerging`` (absent from every period of the first half, present in
    the last period), ``vanishing`` (the mirror), ``rising`` / ``falling`` (Poisson slope with BH
    q < ``alpha``), else ``stable``. With one period there is no trend; with fewer than 4 periods
    the Mann–Kendall test is skipped and the table says so. Periods with fewer than ``min_docs``
    documents are left out of the model (``periods_note`` says which) when at least two others
    remain; otherwise the slope is reported but not tested (class ``not tested``) unless the term is
    emerging or vanishing.
    """
    frames = []
    for lang in sorted(docs["lang"].unique()):
        mask = ((docs["lang"] == lang) & docs[period_col].notna()).to_numpy()
        if not mask.any():
            continue
        # periods with fewer than min_docs documents give no document-level interval: left out, and said
        sizes = docs.loc[mask, period_col].value_counts()
        sparse_periods = sorted(sizes[sizes < min_docs].index)
        if sparse_periods and (sizes >= min_docs).sum() >= 2:
            mask = mask & ~docs[period_col].isin(sparse_periods).to_numpy()
            note = f"left out {len(sparse_periods)} period(s) with fewer than {min_docs} documents: " + \
                ", ".join(sparse_periods[:6]) + (" …" if len(sparse_periods) > 6 else "")
        else:
            note = ""
        sub_docs = docs[mask]
        X = dtm[np.flatnonzero(mask)]
        totals = np.asarray(X.sum(0)).ravel()
        cols = np.flatnonzero(totals >= floor)
        t = np.array([period_index(p, unit) for p in sub_docs[period_col]])
        n_periods = len(np.unique(t))
        if n_periods < 2 or len(cols) == 0:
            why = (f"one period only ({sub_docs[period_col].iloc[0]}): no trend" if n_periods < 2
                   else f"no term with {floor} occurrences")
            frames.append(pd.DataFrame({"lang": [lang], "status": [why], "periods": [n_periods]}))
            continue
        fit = poisson_trends(sub_docs, X[:, cols], t)
        slope, se = fit["slope"], fit["se"]
        with np.errstate(divide="ignore", invalid="ignore"):
            p = 2 * stats.norm.sf(np.abs(slope / se))
        docs_per_period = np.bincount(np.unique(t, return_inverse=True)[1])
        testable = docs_per_period.min() >= min_docs
        ok = fit["converged"] & np.isfinite(p) & (se > 0) & testable
        q = np.full(len(cols), np.nan)
        if ok.any():
            q[ok] = stats.false_discovery_control(p[ok], method="bh")
        Y, E, periods = fit["Y"], fit["E"], fit["periods"]
        rates = Y / E[:, None] * PER
        half = (periods.min() + periods.max()) / 2
        early, late = periods < half, periods > half
        labels = {period_index(l, unit): l for l in sub_docs[period_col].unique()}
        if n_periods >= 4:
            mk_tau, mk_p, sen = mann_kendall(periods, rates)
            mk_note = ""
        else:
            mk_tau = mk_p = sen = np.full(len(cols), np.nan)
            mk_note = f"Mann–Kendall needs at least 4 periods ({n_periods})"
        rows = []
        for k, j in enumerate(cols):
            row = {"lang": lang, "term": vocab[j], "count": int(totals[j]), "periods": n_periods,
                   "first_period": labels[periods.min()], "last_period": labels[periods.max()],
                   "rate_first": rates[0, k], "rate_last": rates[-1, k],
                   "slope": slope[k] if fit["converged"][k] else np.nan,
                   "slope_low": slope[k] - 1.96 * se[k] if ok[k] else np.nan,
                   "slope_high": slope[k] + 1.96 * se[k] if ok[k] else np.nan,
                   "p_value": p[k] if ok[k] else np.nan, "q_value": q[k],
                   "mk_tau": mk_tau[k], "mk_p": mk_p[k], "sen_slope": sen[k], "mk_note": mk_note,
                   "periods_note": note}
            if Y[early, k].sum() == 0 and Y[-1, k] > 0 and early.any():
                cls, why = "emerging", "absent from every period of the first half, present in the last"
            elif Y[late, k].sum() == 0 and Y[0, k] > 0 and late.any():
                cls, why = "vanishing", "present in the first period, absent from every period of the second half"
            elif not testable:
                cls = "not tested"
                why = (f"a period has {docs_per_period.min()} document(s), fewer than {min_docs}: "
                       f"descriptive slope {slope[k]:+.3f}")
            elif ok[k] and q[k] < alpha:
                cls = "rising" if slope[k] > 0 else "falling"
                why = f"Poisson slope {slope[k]:+.3f} per period, q = {q[k]:.3g}"
            elif not ok[k]:
                cls, why = "stable", "slope not estimable (counts in one period)"
            else:
                cls, why = "stable", f"Poisson slope {slope[k]:+.3f}, q = {q[k]:.3g}"
            row["class"], row["evidence"], row["status"] = cls, why, "estimated"
            rows.append(row)
        frames.append(pd.DataFrame(rows))
    if not frames:
        return pd.DataFrame(columns=["lang", "term", "class", "status"])
    out = pd.concat(frames, ignore_index=True)
    out["method"] = TREND_METHOD
    return out


def period_rates(docs: pd.DataFrame, dtm, vocab: list[str], terms: list[str], period_col: str,
                 B: int = 200, seed: int = 0) -> pd.DataFrame:
    """Rate per 10,000 tokens of chosen terms in each period with a bootstrap interval over the
    period's documents. Periods without documents are absent (a gap), never zero."""
    rows = []
    cols = [vocab.index(t) for t in terms if t in vocab]
    lengths = docs["length"].to_numpy(dtype=float)
    for (lang, period) in sorted(docs[docs[period_col].notna()].groupby(["lang", period_col]).indices):
        idx = np.flatnonzero(((docs["lang"] == lang) & (docs[period_col] == period)).fillna(False).to_numpy())
        X = dtm[idx][:, cols].toarray() if cols else np.zeros((len(idx), 0))
        e = lengths[idx]
        rate = X.sum(0) / e.sum() * PER
        if len(idx) > 1 and B:
            w = bootstrap_weights(B, len(idx), seeded_rng(seed, lang, period))
            reps = (w @ X) / (w @ e)[:, None] * PER
            lo, hi = np.percentile(reps, [2.5, 97.5], axis=0)
        else:
            lo = hi = np.full(len(cols), np.nan)
        for k, j in enumerate(cols):
            rows.append((lang, period, vocab[j], int(X[:, k].sum()), rate[k], lo[k], hi[k], len(idx)))
    return pd.DataFrame(rows, columns=["lang", "period", "term", "count", "rate", "rate_low", "rate_high", "documents"])
