"""Keyword statistics: term frequencies by period and region, keyness, and trends over periods.

Tables in, tables out; no I/O. The input is a document–term matrix (``scipy.sparse`` CSR, or row
blocks read one at a time: :class:`analysis.stats.blocks.DocTerms`; counts of each term in each
document) with one row per document of ``docs`` (``doc_id``, ``lang``, ``length`` = tokens in the
document, the period column and region columns). Every statistic is summed over the blocks: what is
held at once is one block and the groups × terms sums, never the documents × terms counts.

Documents are the sampling unit: keyness intervals come from a bootstrap over documents and trend
standard errors are robust (sandwich, HC0) over documents, so overdispersion between documents
does not make a term look more certain than it is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse, stats

from ..stats.blocks import DocTerms, column_sums, documents_with, group_totals
from ..stats.inference import (RANK_TEST_MAX_DOCS, RANK_TEST_METHOD, Sums, bh, group_sums, log_ratio_interval, lumps,
                               mk_exact_p, rank_test, rate_test, score_trend_test)
from ..stats.measures import bootstrap_weights, g2, log_ratio, seeded_rng

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
def frequencies(docs: pd.DataFrame, dtm, vocab: list[str], by: str,
                terms: list[str] | None = None) -> pd.DataFrame:
    """Count, rate per 10,000 tokens and document frequency of terms per group (``by``) and
    language. Only groups that have documents appear: a period without documents is a gap. The
    counts are summed in one pass over the matrix's blocks (:func:`frequency_parts`, whole)."""
    parts = list(frequency_parts(docs, dtm, vocab, by, terms))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def frequency_parts(docs: pd.DataFrame, dtm, vocab: list[str], by: str, terms: list[str] | None = None,
                    rows: int = 250_000):
    """:func:`frequencies` as successive frames of whole groups of about ``rows`` rows at most (a
    row per group and term used there: six million at a million documents), in the table's order;
    at least one frame, empty when no term is used."""
    cols = np.arange(len(vocab)) if terms is None else np.array([vocab.index(t) for t in terms if t in vocab], np.int64)
    keys = docs[by].astype("string").fillna(UNKNOWN)
    indices = sorted(docs.assign(_g=keys).groupby(["lang", "_g"]).indices.items())
    codes = np.full(len(docs), -1, dtype=np.int64)
    for g, (_, idx) in enumerate(indices):
        codes[idx] = g
    X = dtm if terms is None else dtm[:, cols]
    Y, D = group_totals(codes, len(indices), X)
    lengths = docs["length"].to_numpy()
    lang = np.array([k[0] for k, _ in indices], dtype=object)
    group = np.array([k[1] for k, _ in indices], dtype=object)
    total = np.array([lengths[idx].sum() for _, idx in indices], dtype=float)
    size = np.array([len(idx) for _, idx in indices], dtype=np.int64)
    words = np.asarray(vocab, dtype=object)
    used = (Y > 0).sum(axis=1)                  # rows of each group
    cuts = [0]
    while cuts[-1] < len(used):
        cuts.append(cuts[-1] + max(1, int(np.searchsorted(np.cumsum(used[cuts[-1]:]), rows, side="right"))))
    for first, last in zip(cuts, cuts[1:] or [0]):   # no group: one empty frame
        g, k = np.nonzero(Y[first:last])
        g += first
        count = Y[g, k]
        yield pd.DataFrame({"lang": lang[g], by: group[g], "term": words[cols[k]], "count": count.astype(np.int64),
                            "tokens": total[g].astype(np.int64), "rate": count / total[g] * PER,
                            "documents_with": D[g, k].astype(np.int64), "documents": size[g]})


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


KEYNESS_METHOD = ("keyness of a group against all other documents of the language: document-level test (the "
                  "group's count given the total, beta-binomial with over-dispersion between documents; "
                  "docs/inference.md; " + RANK_TEST_METHOD + "), Benjamini–Hochberg q-values over every group and term of the grouping; "
                  "effect: Log Ratio (log2 of the ratio of relative frequencies, 0.5 for a zero count; Hardie 2014) "
                  "with a 95% percentile-bootstrap interval over documents for the reported terms; G² (log-likelihood, "
                  "token-level) is kept as the corpus-linguistics score, not as the test")


def keyness(docs: pd.DataFrame, dtm, vocab: list[str], by: str, min_count: int = 5, min_log_ratio: float = 1.0,
            top: int = 20, B: int = 200, seed: int = 0, min_docs: int = 2, alpha: float = 0.05,
            min_term_docs: int = 3, bootstrap_max_docs: int = 20_000) -> pd.DataFrame:
    """Distinctive terms of each group (value of ``by``) against the rest, per language.

    Terms with fewer than ``min_count`` occurrences in the language's documents with a known group
    are not tested. Every group × term is tested at the document level (:func:`analysis.stats.inference.rate_test`)
    and the q-values are Benjamini–Hochberg over all groups and terms of the grouping: "which terms
    are distinctive of which group" is one question. Reported: the ``top`` terms of each group among
    those with q < ``alpha``, over-used, Log Ratio ≥ ``min_log_ratio`` and used by at least
    ``min_term_docs`` of the group's documents (a name in one news item is not what distinguishes a
    quarter), ranked by a conservative effect: Hardie's (2014) LRC, the lower bound of the Log
    Ratio's 95% interval, log2 ratio − 1.96·√(1/a + 1/b)/ln 2 (ties: z), each with its bootstrap
    interval over documents. Groups with fewer than ``min_docs`` documents (or a rest with fewer) are
    reported as too small.
    """
    limits = _KeynessLimits(min_count, min_log_ratio, top, B, seed, min_docs, alpha, min_term_docs, bootstrap_max_docs)
    rows = []
    keys = docs[by].astype("string")
    lengths = docs["length"].to_numpy(dtype=float)
    for lang in sorted(docs["lang"].unique()):
        in_lang = (docs["lang"] == lang).to_numpy() & keys.notna().to_numpy()
        if in_lang.any():
            rows += _language_keyness(dtm, vocab, by, lang, keys, in_lang, lengths, limits)
    return _keyness_table(rows, by)


@dataclass(frozen=True)
class _KeynessLimits:
    """What :func:`keyness` tests and reports (its arguments of the same names)."""
    min_count: int
    min_log_ratio: float
    top: int
    B: int
    seed: int
    min_docs: int
    alpha: float
    min_term_docs: int
    bootstrap_max_docs: int = 20_000


@dataclass
class _GroupTests:
    """The groups of one language, each tested against the rest of the language, every term at once."""
    idx: np.ndarray                      # the language's documents with a known group (rows of the matrix)
    code: np.ndarray                     # the group of each of them
    sizes: np.ndarray                    # documents per group
    ok: np.ndarray                       # groups with ``min_docs`` documents, and as many in their rest
    tested: np.ndarray                   # the columns with ``min_count`` occurrences
    S: Sums | None = None                # per group, of the tested columns
    rest: Sums | None = None             # per group, of the rest of the language
    with_term: np.ndarray | None = None  # groups × tested: documents that use the term
    z: np.ndarray | None = None
    p: np.ndarray | None = None          # NaN for the groups that are too small
    q: np.ndarray | None = None


def _language_keyness(dtm, vocab: list[str], by: str, lang: str, keys: pd.Series, in_lang: np.ndarray,
                      lengths: np.ndarray, limits: _KeynessLimits) -> list[dict]:
    """The rows of one language: for each group (value of ``keys``) of its documents ``in_lang``, its
    distinctive terms or why it has none."""
    groups = sorted(keys[in_lang].unique())
    idx = np.flatnonzero(in_lang)
    code = pd.Categorical(keys.to_numpy()[idx], categories=groups).codes
    tests = _group_tests(dtm, idx, code, len(groups), lengths, limits)
    rows = []
    for g, group in enumerate(groups):
        base = {"lang": lang, by: group, "documents": int(tests.sizes[g]),
                "documents_rest": int(len(idx) - tests.sizes[g])}
        status = _untested_status(tests, g, limits)
        if status:
            rows += _untested_keyness(base, tests, g, vocab, limits, status)
        else:
            rows += _group_keyness(base, tests, g, dtm, vocab, lengths, (lang, by, group), limits)
    return rows


def _group_tests(dtm, idx: np.ndarray, code: np.ndarray, n_groups: int, lengths: np.ndarray,
                 limits: _KeynessLimits) -> _GroupTests:
    """Every group of the documents ``idx`` (``code``: each one's group) against the rest of them,
    for the terms with ``min_count`` occurrences: the document-level test and BH q-values."""
    sizes = np.bincount(code, minlength=n_groups)
    tested, Xt = _tested_columns(dtm, idx, limits.min_count)
    ok = (sizes >= limits.min_docs) & (len(idx) - sizes >= limits.min_docs)
    tests = _GroupTests(idx, code, sizes, ok, tested)
    if len(tested):
        tests.S = group_sums(code, n_groups, Xt, lengths[idx])
        tests.with_term = group_totals(code, n_groups, Xt, with_sums=False)[1]   # documents of each group that use the term
        tests.rest = tests.S.total() - tests.S               # every document is in one group
        res = rate_test(tests.S, tests.rest, lumpy=lumps(Xt), keep=("p", "z"))
        tests.z, p = res.pop("z"), res.pop("p")
        if len(idx) <= RANK_TEST_MAX_DOCS:   # few documents: the rank test of their rates
            dense, e = Xt.toarray(), lengths[idx]
            p = np.vstack([rank_test(dense[code == g], e[code == g], dense[code != g], e[code != g]) if ok[g]
                           else np.full(len(tested), np.nan) for g in range(n_groups)])
        del Xt
        p[~ok] = np.nan       # groups × terms arrays are the stage's memory: no copy
        tests.p = p
        tests.q = bh(tests.p)
    return tests


def _tested_columns(dtm, idx: np.ndarray, min_count: int) -> tuple[np.ndarray, sparse.csr_matrix | None]:
    """The columns with ``min_count`` occurrences in the rows ``idx``, and those rows' counts of them
    (None when there is no such column)."""
    X = dtm[idx] if len(idx) < dtm.shape[0] else dtm       # a copy only when rows are left out
    totals = column_sums(X)
    tested = np.flatnonzero(totals >= min_count)
    return tested, X[:, tested] if len(tested) else None


def _untested_status(tests: _GroupTests, g: int, limits: _KeynessLimits) -> str | None:
    """Why group ``g`` is not tested (too few documents on a side, no term frequent enough), or None."""
    if not tests.ok[g]:
        return (f"too small: fewer than {limits.min_docs} documents "
                f"({tests.sizes[g]} vs {len(tests.idx) - tests.sizes[g]})")
    if len(tests.tested) == 0:
        return f"too small: no term with {limits.min_count} occurrences"
    return None


def _group_keyness(base: dict, tests: _GroupTests, g: int, dtm, vocab: list[str], lengths: np.ndarray,
                   key: tuple, limits: _KeynessLimits) -> list[dict]:
    """The rows of tested group ``g``: its distinctive terms, best first, each with its bootstrap
    interval (``key`` names the group's draws); without any, its most over-used terms, ranked the
    same way and said to be no finding; without those, one row saying why."""
    lr, lrc = _effects(tests, g)
    keep = _distinctive(tests, g, lr, lrc, limits)
    status = "distinctive"
    if len(keep) == 0:
        keep = _overused(tests, g, lr, lrc, limits)
        status = (f"not distinctive (no term with q < {limits.alpha:g}, over-used, Log Ratio at least "
                  f"{limits.min_log_ratio:g}, in {limits.min_term_docs} documents): the most over-used terms")
    if len(keep) == 0:
        return [{**base, "status": f"no distinctive term (q < {limits.alpha:g}, over-used, Log Ratio at least "
                                   f"{limits.min_log_ratio:g}, in {limits.min_term_docs} documents)",
                 "terms_tested": len(tests.tested)}]
    lo, hi = _term_intervals(tests, g, keep, dtm, lengths, key, limits)
    return _ranked_rows(base, tests, g, vocab, keep, status, lo, hi, lr, lrc, tested=True)


def _untested_keyness(base: dict, tests: _GroupTests, g: int, vocab: list[str], limits: _KeynessLimits,
                      why: str) -> list[dict]:
    """The rows of a group too small to test (one report per province): its most over-used terms by
    their Log Ratio and its lower bound (LRC), not tested; one row saying why when there is none."""
    if tests.S is None or tests.sizes[g] == 0 or len(tests.idx) == tests.sizes[g]:
        return [{**base, "status": why}]
    lr, lrc = _effects(tests, g)
    keep = _overused(tests, g, lr, lrc, limits, min_docs=1)
    if len(keep) == 0:
        return [{**base, "status": why}]
    nan = np.full(len(keep), np.nan)
    return _ranked_rows(base, tests, g, vocab, keep, f"{why}: the most over-used terms, not tested", nan, nan,
                        lr, lrc, tested=False)


def _effects(tests: _GroupTests, g: int) -> tuple[np.ndarray, np.ndarray]:
    """The Log Ratio of every tested column in group ``g`` against the rest, and its lower bound (LRC)."""
    a, b = tests.S.Y[g], tests.rest.Y[g]
    lr = log_ratio(a, b, tests.S.E[g], tests.rest.E[g])
    return lr, lr - 1.96 * np.sqrt(1 / np.maximum(a, 0.5) + 1 / np.maximum(b, 0.5)) / np.log(2)


def _overused(tests: _GroupTests, g: int, lr: np.ndarray, lrc: np.ndarray, limits: _KeynessLimits,
              min_docs: int | None = None) -> np.ndarray:
    """Positions of the ``top`` terms over-used in group ``g`` (Log Ratio above 0) and used by
    ``min_docs`` of its documents (default: ``min_term_docs``), ranked by LRC, then Log Ratio."""
    need = limits.min_term_docs if min_docs is None else min(min_docs, limits.min_term_docs)
    keep = np.flatnonzero((lr > 0) & (tests.with_term[g] >= need))
    return keep[np.lexsort((-lr[keep], -lrc[keep]))][:limits.top]


def _ranked_rows(base: dict, tests: _GroupTests, g: int, vocab: list[str], keep: np.ndarray, status: str,
                 lo: np.ndarray, hi: np.ndarray, lr: np.ndarray, lrc: np.ndarray, tested: bool) -> list[dict]:
    """One row per term of ``keep`` (ranked), with its counts, rates, effect sizes and, when
    ``tested``, its test."""
    a, b = tests.S.Y[g], tests.rest.Y[g]
    A, Bx = tests.S.E[g], tests.rest.E[g]
    g2s = g2(a[keep], b[keep], A, Bx)
    nan = float("nan")
    return [{**base, "status": status, "terms_tested": len(tests.tested) if tested else 0, "rank": k + 1,
             "term": vocab[tests.tested[j]], "count": int(a[j]), "count_rest": int(b[j]),
             "rate": a[j] / A * PER, "rate_rest": b[j] / Bx * PER,
             "documents_with": int(tests.with_term[g][j]), "log_ratio": lr[j], "lrc": lrc[j],
             "log_ratio_low": lo[k], "log_ratio_high": hi[k], "g2": g2s[k],
             "z": tests.z[g, j] if tested else nan, "p_value": tests.p[g, j] if tested else nan,
             "q_value": tests.q[g, j] if tested else nan}
            for k, j in enumerate(keep)]


def _distinctive(tests: _GroupTests, g: int, lr: np.ndarray, lrc: np.ndarray, limits: _KeynessLimits) -> np.ndarray:
    """Positions (among the tested columns) of the ``top`` distinctive terms of group ``g``, ranked by
    the Log Ratio's lower bound ``lrc`` (ties: z)."""
    z = tests.z[g]
    keep = np.flatnonzero((tests.q[g] < limits.alpha) & (z > 0) & (lr >= limits.min_log_ratio)
                          & (tests.with_term[g] >= limits.min_term_docs))
    return keep[np.lexsort((-z[keep], -lrc[keep]))][:limits.top]


def _term_intervals(tests: _GroupTests, g: int, keep: np.ndarray, dtm, lengths: np.ndarray, key: tuple,
                    limits: _KeynessLimits) -> tuple[np.ndarray, np.ndarray]:
    """The 95% interval of the Log Ratio of group ``g``'s terms ``keep``: the percentile bootstrap
    over documents, or, when a side has more than ``bootstrap_max_docs`` documents, the analytic
    cluster-robust interval from the groups' sums (no pass over the documents; docs/inference.md).
    NaN without ``B``."""
    cols = tests.tested[keep]
    if not limits.B:
        return (np.full(len(cols), np.nan),) * 2
    t_rows, r_rows = tests.idx[tests.code == g], tests.idx[tests.code != g]
    if max(len(t_rows), len(r_rows)) > limits.bootstrap_max_docs:
        return log_ratio_interval(tests.S.take([g]).columns(keep), tests.rest.take([g]).columns(keep))
    return _boot_lr(_rows(dtm, t_rows, cols), lengths[t_rows], _rows(dtm, r_rows, cols), lengths[r_rows], limits.B,
                    seeded_rng(limits.seed, *key))


def _rows(dtm, rows: np.ndarray, cols: np.ndarray):
    """The counts of ``rows`` × ``cols`` as one sparse matrix."""
    X = dtm[rows][:, cols]
    return X.to_csr() if isinstance(X, DocTerms) else X


def _keyness_table(rows: list[dict], by: str) -> pd.DataFrame:
    """The keyness table of ``rows``, counts as whole numbers, with its method."""
    out = pd.DataFrame(rows, columns=None if rows else [
        "lang", by, "documents", "documents_rest", "status", "terms_tested", "rank", "term", "count", "count_rest",
        "rate", "rate_rest", "documents_with", "log_ratio", "lrc", "log_ratio_low", "log_ratio_high", "g2", "z",
        "p_value", "q_value"])
    counts = [c for c in ("terms_tested", "rank", "count", "count_rest", "documents_with") if c in out]
    out[counts] = out[counts].astype("Int64")   # whole numbers, empty where a group has no term
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
        code_of = {g: i for i, g in enumerate(groups)}
        codes = np.array([code_of[k] if m else -1 for k, m in zip(keys.to_numpy(), mask)], dtype=np.int64)
        G = sparse.csr_matrix(group_totals(codes, len(groups), dtm, with_docs=False)[0])
        W = TfidfTransformer().fit_transform(G).toarray()
        for i, g in enumerate(groups):
            order = np.argsort(-W[i], kind="stable")[:top]
            for rank, j in enumerate(order, start=1):
                if W[i, j] > 0:
                    rows.append((lang, g, rank, vocab[j], float(W[i, j]), int(G[i, j])))
    return pd.DataFrame(rows, columns=["lang", by, "rank", "term", "tfidf", "count"])


# ---- trends -------------------------------------------------------------------------------------
TREND_METHOD = ("classes from three document-level tests, each over documents with length offsets: a linear trend "
                "(robust score test of a log-linear slope in the calendar period index), a peak (each period against "
                "the rest, one-sided, Bonferroni over periods) and a level shift (periods after each split against "
                "those before, Bonferroni over splits); the smallest of the three adjusted p-values, times 3, is the "
                "term's p, Benjamini–Hochberg over terms; the class is the pattern of that test (a shift from or to "
                "zero is emerging or vanishing). Slope: Poisson regression on the period index, with a test-based "
                "95% interval. Mann–Kendall (exact for up to 10 untied periods) with Sen's slope on period rates is "
                "descriptive (docs/inference.md)")

def poisson_trends(sums: Sums, periods: np.ndarray, iters: int = 30) -> dict:
    """Vectorised Poisson fits of every term on the period index ``periods`` with log-length offset,
    from the per-period sums ``sums`` (:func:`analysis.stats.inference.group_sums` of the documents
    by period).

    Returns arrays: beta0, slope, se (robust HC0), converged. The fit only needs per-period totals
    (the Poisson score depends on the data through them); the robust variance needs per-period sums
    of y, y² and y·length.
    """
    Y, E, Yy, Ye, Ee = sums.Y, sums.E, sums.Yy, sums.Ye, sums.Ee
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
            "Y": Y, "E": E, "fitted": mu}


def mann_kendall(x: np.ndarray, Y: np.ndarray, chunk: int = 2000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann–Kendall test of each column of ``Y`` (periods × terms) against time ``x`` (no ties),
    vectorised over terms: Kendall's tau-b, the two-sided p-value and Sen's slope (the median of
    pairwise slopes, as ``scipy.stats.theilslopes``). The p-value is exact (the distribution of
    Kendall's S) for up to 10 periods without ties in the series, else the normal approximation with
    the tie-corrected variance (as ``scipy.stats.kendalltau(method="asymptotic")``)."""
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
    if n <= 10:
        untied = ties[1] == 0
        p = np.where(untied, mk_exact_p(S, n), p)
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


TREND_CLASSES = ("rising", "falling", "peak", "level shift", "emerging", "vanishing", "stable",
                 "too little evidence", "not tested")


def trend_tests(X, e: np.ndarray, t: np.ndarray) -> dict:
    """The three document-level trend tests of every column of ``X`` (documents × terms) over
    documents with lengths ``e`` and calendar period index ``t``.

    Returns per term: ``p_linear`` and ``t_linear`` (score test of a log-linear slope),
    ``p_peak`` and ``peak`` (the period most clearly above the rest; Bonferroni over periods),
    ``p_shift``, ``shift`` (index of the last period before the best split) and ``t_shift``
    (positive: higher after; Bonferroni over splits), and ``p`` = min(1, 3 · the smallest).
    """
    periods, inv = np.unique(t, return_inverse=True)
    P = len(periods)
    lin = score_trend_test(X, e, t)
    S = group_sums(inv, P, X, e)
    total = S.total()
    V = X.shape[1]
    if P >= 2:
        lumpy = lumps(X)
        peak = rate_test(S, total - S, lumpy=lumpy, keep=("p_up",))   # each period against the rest
        p_peak_all = np.where(np.isfinite(peak["p_up"]), peak["p_up"], 1.0)
        best_peak = p_peak_all.argmin(axis=0)
        p_peak = np.minimum(1, P * p_peak_all[best_peak, np.arange(V)])
        before = S.cumsum().take(np.arange(P - 1))               # periods 0..k
        shift = rate_test(total - before, before, lumpy=lumpy, keep=("p", "z"))  # after the split against before
        p_shift_all = np.where(np.isfinite(shift["p"]), shift["p"], 1.0)
        best_shift = p_shift_all.argmin(axis=0)
        p_shift = np.minimum(1, (P - 1) * p_shift_all[best_shift, np.arange(V)])
        t_shift = shift["z"][best_shift, np.arange(V)]
    else:
        p_peak = p_shift = t_shift = np.full(V, np.nan)
        best_peak = best_shift = np.zeros(V, int)
    p_lin = np.where(np.isfinite(lin["p"]), lin["p"], 1.0)
    p = np.minimum(1, 3 * np.fmin(np.fmin(p_lin, np.nan_to_num(p_peak, nan=1.0)), np.nan_to_num(p_shift, nan=1.0)))
    return {"periods": periods, "Y": S.Y, "E": S.E, "n": S.n, "t_linear": lin["t"], "p_linear": p_lin,
            "p_peak": p_peak, "peak": best_peak, "p_shift": p_shift, "shift": best_shift, "t_shift": t_shift,
            "p": p, "sums": S}


def _deviance(Y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Poisson deviance per column (periods × terms arrays)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(Y > 0, Y * np.log(Y / mu), 0.0) - (Y - mu)
    return 2 * term.sum(0)


def trend_pattern(Y: np.ndarray, E: np.ndarray, fitted_linear: np.ndarray, phi: np.ndarray) -> dict:
    """Which pattern describes a term's period totals best: a log-linear trend (2 parameters), one
    peak period (3: its location counts), or a level shift (3), by quasi-AIC (Poisson deviance /
    dispersion + 2 × parameters). Returns ``pattern`` (0 linear, 1 peak, 2 shift), ``peak`` and
    ``shift`` (the best location of each: the peak period, the last period before the shift)."""
    P, V = Y.shape
    Ecol = E[:, None]
    tot_Y, tot_E = Y.sum(0), E.sum()
    # peak at p: its own rate, the rest one rate
    with np.errstate(divide="ignore", invalid="ignore"):
        rest_rate = (tot_Y - Y) / (tot_E - Ecol)
    dev_peak = np.empty((P, V))
    for p in range(P):
        mu = Ecol * rest_rate[p][None, :]
        mu[p] = Y[p]
        dev_peak[p] = _deviance(Y, np.maximum(mu, 1e-300))
    cY, cE = np.cumsum(Y, 0)[:-1], np.cumsum(E)[:-1]
    dev_shift = np.full((max(P - 1, 1), V), np.inf)
    for k in range(P - 1):
        mu = np.vstack([Ecol[:k + 1] * (cY[k] / cE[k]), Ecol[k + 1:] * ((tot_Y - cY[k]) / (tot_E - cE[k]))])
        dev_shift[k] = _deviance(Y, np.maximum(mu, 1e-300))
    peak, shift = dev_peak.argmin(0), dev_shift.argmin(0)
    cols = np.arange(V)
    qaic = np.vstack([_deviance(Y, np.maximum(fitted_linear, 1e-300)) / phi + 4,
                      dev_peak[peak, cols] / phi + 6, dev_shift[shift, cols] / phi + 6])
    return {"pattern": qaic.argmin(0), "peak": peak, "shift": shift}


def trends(docs: pd.DataFrame, dtm, vocab: list[str], period_col: str, unit: str, floor: int = 10,
           alpha: float = 0.05, min_docs: int = 2, min_term_docs: int = 5, min_term_periods: int = 1) -> pd.DataFrame:
    """Trend of every term above ``floor`` occurrences, per language, with a class, its test and evidence.

    Classes: ``rising`` / ``falling`` (linear trend), ``peak`` (one period above the rest),
    ``level shift`` (a changepoint), ``emerging`` / ``vanishing`` (a shift from or to zero), else
    ``stable``; the class comes from the test with the smallest adjusted p-value among terms whose
    q < ``alpha`` (see :func:`trend_tests`). A term in fewer than ``min_term_docs`` documents or
    ``min_term_periods`` periods is ``too little evidence`` (the declared minimum). With one period
    there is no trend; with fewer than 4 periods the Mann–Kendall column is empty and says why.
    Periods with fewer than ``min_docs`` documents are left out (``periods_note`` says which) when
    at least two others remain; otherwise the terms are ``not tested``.
    """
    frames = []
    for lang in sorted(docs["lang"].unique()):
        kept = _trend_documents(docs, lang, period_col, min_docs)
        if kept is None:
            continue
        mask, note = kept
        sub_docs = docs[mask]
        X = dtm[np.flatnonzero(mask)]
        totals = column_sums(X)
        cols = np.flatnonzero(totals >= floor)
        t = np.array([period_index(p, unit) for p in sub_docs[period_col]])
        n_periods = len(np.unique(t))
        if n_periods < 2 or len(cols) == 0:
            why = (f"one period only ({sub_docs[period_col].iloc[0]}): no trend" if n_periods < 2
                   else f"no term with {floor} occurrences")
            frames.append(pd.DataFrame({"lang": [lang], "status": [why], "periods": [n_periods]}))
            continue
        evidence = _trend_evidence(sub_docs, X[:, cols], t, min_docs, min_term_docs, min_term_periods)
        labels = {period_index(l, unit): l for l in sub_docs[period_col].unique()}
        frames.append(pd.DataFrame(_trend_rows(lang, vocab, cols, totals, labels, evidence, note, alpha, min_docs,
                                               min_term_docs)))
    if not frames:
        return pd.DataFrame(columns=["lang", "term", "count", "documents", "slope", "class", "evidence", "status"])
    out = pd.concat(frames, ignore_index=True)
    out["method"] = TREND_METHOD
    return out


def _trend_documents(docs: pd.DataFrame, lang: str, period_col: str, min_docs: int) -> tuple[np.ndarray, str] | None:
    """The documents of ``lang`` a trend is estimated on (a mask) and a note of the periods left out,
    or None when the language has no dated document. Periods with fewer than ``min_docs`` documents
    give no document-level variance: they are left out, and said, when at least two others remain."""
    mask = ((docs["lang"] == lang) & docs[period_col].notna()).to_numpy()
    if not mask.any():
        return None
    sizes = docs.loc[mask, period_col].value_counts()
    sparse_periods = sorted(sizes[sizes < min_docs].index)
    if sparse_periods and (sizes >= min_docs).sum() >= 2:
        mask = mask & ~docs[period_col].isin(sparse_periods).to_numpy()
        note = f"left out {len(sparse_periods)} period(s) with fewer than {min_docs} documents: " + \
            ", ".join(sparse_periods[:6]) + (" …" if len(sparse_periods) > 6 else "")
    else:
        note = ""
    return mask, note


def _trend_evidence(sub_docs: pd.DataFrame, Xc, t: np.ndarray, min_docs: int, min_term_docs: int,
                    min_term_periods: int) -> dict:
    """The tests of every column of ``Xc`` (documents × terms) over the period index ``t`` (see
    :func:`trend_tests`) with what the table reports of them: p- and q-values of the terms with
    enough evidence, pattern, slope and its interval's half-width, period rates and Mann–Kendall."""
    e = sub_docs["length"].to_numpy(dtype=float)
    tests = trend_tests(Xc, e, t)
    fit = poisson_trends(tests["sums"], tests["periods"])
    Y, E = tests["Y"], tests["E"]
    doc_freq = documents_with(Xc)
    period_freq = (Y > 0).sum(0)
    enough = (doc_freq >= min_term_docs) & (period_freq >= min_term_periods)
    testable = tests["n"].min() >= min_docs
    p = np.where(enough & testable, tests["p"], np.nan)
    q = bh(p)
    tests.update(trend_pattern(Y, E, fit["fitted"], _dispersion(tests, len(e))))
    slope = np.where(fit["converged"], fit["slope"], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        se_tb = np.abs(slope / tests["t_linear"])            # test-based standard error (Miettinen)
    rates = Y / E[:, None] * PER
    return {"tests": tests, "doc_freq": doc_freq, "period_freq": period_freq, "enough": enough,
            "testable": testable, "p": p, "q": q, "slope": slope, "se_tb": se_tb, "rates": rates,
            "mann_kendall": _mann_kendall_columns(tests["periods"], rates)}


def _dispersion(tests: dict, n_docs: int) -> np.ndarray:
    """Each term's dispersion over the ``n_docs`` documents around one rate (Σ (y − eλ)² / e per
    degree of freedom, relative to λ), never below 1."""
    Y, E = tests["Y"], tests["E"]
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = Y.sum(0) / E.sum()
        r2_e = tests["sums"].Yy_e.sum(0) - 2 * lam * Y.sum(0) + lam * lam * E.sum()   # Σ (y − eλ)² / e
        return np.maximum(1.0, r2_e / (n_docs - 1) / lam)


def _mann_kendall_columns(periods: np.ndarray, rates: np.ndarray) -> tuple:
    """Mann–Kendall's tau, p-value and Sen's slope of each column of the period ``rates``, and a note of
    how the p-value was found; NaN, and the reason, with fewer than 4 periods."""
    n_periods = len(periods)
    if n_periods >= 4:
        mk_tau, mk_p, sen = mann_kendall(periods, rates)
        return mk_tau, mk_p, sen, "exact" if n_periods <= 10 else "normal approximation, tie-corrected"
    mk_tau = mk_p = sen = np.full(rates.shape[1], np.nan)
    return mk_tau, mk_p, sen, f"Mann–Kendall needs at least 4 periods ({n_periods})"


def _trend_rows(lang: str, vocab: list[str], cols: np.ndarray, totals: np.ndarray, labels: dict, ev: dict,
                note: str, alpha: float, min_docs: int, min_term_docs: int) -> list[dict]:
    """One row per term (column ``cols[k]``) of a language, with its class and evidence."""
    tests, rates, slope, se_tb = ev["tests"], ev["rates"], ev["slope"], ev["se_tb"]
    periods = tests["periods"]
    mk_tau, mk_p, sen, mk_note = ev["mann_kendall"]
    rows = []
    for k, j in enumerate(cols):
        row = {"lang": lang, "term": vocab[j], "count": int(totals[j]), "documents_with": int(ev["doc_freq"][k]),
               "periods_with": int(ev["period_freq"][k]), "periods": len(periods),
               "first_period": labels[periods.min()], "last_period": labels[periods.max()],
               "rate_first": rates[0, k], "rate_last": rates[-1, k], "slope": slope[k],
               "slope_low": slope[k] - 1.96 * se_tb[k], "slope_high": slope[k] + 1.96 * se_tb[k],
               "p_linear": tests["p_linear"][k], "p_peak": tests["p_peak"][k], "p_shift": tests["p_shift"][k],
               "p_value": ev["p"][k], "q_value": ev["q"][k],
               "mk_tau": mk_tau[k], "mk_p": mk_p[k], "sen_slope": sen[k], "mk_note": mk_note,
               "periods_note": note}
        row["class"], row["evidence"] = _trend_class(k, tests, labels, ev["q"][k], alpha, ev["enough"][k],
                                                      ev["testable"], ev["doc_freq"][k], min_term_docs,
                                                      tests["n"].min(), min_docs)
        row["status"] = "estimated"
        rows.append(row)
    return rows


def _trend_class(k: int, tests: dict, labels: dict, q: float, alpha: float, enough: bool, testable: bool,
                 doc_freq: int, min_term_docs: int, smallest_period: int, min_docs: int) -> tuple[str, str]:
    """Class and evidence of term ``k`` from its three tests."""
    if not testable:
        return "not tested", f"a period has {smallest_period} document(s), fewer than {min_docs}"
    if not enough:
        return "too little evidence", f"in {doc_freq} document(s) (at least {min_term_docs}) or too few periods"
    periods, Y = tests["periods"], tests["Y"][:, k]
    pl, pp, ps = tests["p_linear"][k], tests["p_peak"][k], tests["p_shift"][k]
    if not (q < alpha):
        return "stable", f"q = {q:.3g} (linear p = {pl:.3g}, peak p = {pp:.3g}, shift p = {ps:.3g})"
    best = int(tests["pattern"][k])
    if best == 0:
        cls = "rising" if tests["t_linear"][k] > 0 else "falling"
        return cls, f"linear trend, score t = {tests['t_linear'][k]:+.2f}, q = {q:.3g}"
    if best == 1:
        at = labels[periods[tests["peak"][k]]]
        return "peak", f"{at} above the other periods, q = {q:.3g}"
    split = tests["shift"][k]
    after = labels[periods[split + 1]]
    if Y[:split + 1].sum() == 0:
        return "emerging", f"absent before {after}, present from it on, q = {q:.3g}"
    if Y[split + 1:].sum() == 0:
        return "vanishing", f"present until {labels[periods[split]]}, absent from {after} on, q = {q:.3g}"
    direction = "up" if tests["t_shift"][k] > 0 else "down"
    return "level shift", f"shift {direction} from {after} on, q = {q:.3g}"


def period_rates(docs: pd.DataFrame, dtm, vocab: list[str], terms: list[str], period_col: str,
                 B: int = 200, seed: int = 0) -> pd.DataFrame:
    """Rate per 10,000 tokens of chosen terms in each period with a bootstrap interval over the
    period's documents. Periods without documents are absent (a gap), never zero."""
    rows = []
    cols = [vocab.index(t) for t in terms if t in vocab]
    lengths = docs["length"].to_numpy(dtype=float)
    chosen = _rows(dtm, np.arange(dtm.shape[0]), np.asarray(cols, dtype=np.int64)) if cols else None
    for (lang, period) in sorted(docs[docs[period_col].notna()].groupby(["lang", period_col]).indices):
        idx = np.flatnonzero(((docs["lang"] == lang) & (docs[period_col] == period)).fillna(False).to_numpy())
        X = chosen[idx].toarray() if cols else np.zeros((len(idx), 0))
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
