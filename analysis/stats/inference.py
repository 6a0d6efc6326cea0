"""Document-level inference for rates of words and slogans: the tests, intervals and shrinkage that
decide "distinctive", "significant" and a trend class.

Words are bursty: a term used ten times by one speech says little about the next speech. Every
function here treats the **document** (or a declared cluster of documents) as the unit, and works
from per-group sufficient statistics so that it is vectorised over terms and groups:

- :func:`rate_test`: two groups of documents, every term at once. The difference of the two rates
  (ratio estimators Σy/Σe) over a cluster-robust standard error (CR1, documents as clusters), with
  each side's variance floored by what the other side's per-length variance implies for it, and
  Welch–Satterthwaite degrees of freedom. Calibrated by simulation and on permuted real labels
  (bench/RESULTS.md): conservative where few documents carry a term, about nominal elsewhere.
- :func:`score_trend_test`: a linear trend in a numeric covariate (the period index): robust score
  test of a Poisson log-linear model with length offsets, fitted under the null (no separation, no
  Hauck–Donner effect), with an effective-degrees-of-freedom t reference.
- :func:`rate_interval`: rate of a group with a 95% interval on the log scale from the CR2 (HC2)
  variance of the ratio estimator, Bell–McCaffrey-style degrees of freedom from the document
  lengths and a Poisson variance floor.
- :func:`wilson_interval`: share of documents (a binomial proportion over documents).
- :func:`shrink_rates`: empirical-Bayes gamma–Poisson partial pooling of cell rates.
- :func:`mk_exact_p`: the exact null distribution of Kendall's S for short series without ties.

Methods, citations and calibration numbers: docs/inference.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import optimize, sparse, special, stats

from .blocks import column_blocks, dense, partition_cells

Z975 = stats.norm.ppf(0.975)


# ---- sufficient statistics ----------------------------------------------------------------------
@dataclass(frozen=True)
class Sums:
    """Per-group sufficient statistics of document counts ``y`` (documents × terms) and lengths ``e``.

    Arrays are groups × terms (``Y``, ``Yy``, ``Ye``, ``Yy_e``) or per group (``n``, ``E``, ``Ee``,
    ``E3``, ``E4``): number of documents, Σe, Σe², Σe³, Σe⁴, Σy, Σy², Σe·y, Σy²/e.
    """
    n: np.ndarray
    E: np.ndarray
    Ee: np.ndarray
    E3: np.ndarray
    E4: np.ndarray
    Y: np.ndarray
    Yy: np.ndarray
    Ye: np.ndarray
    Yy_e: np.ndarray

    def __sub__(self, other: "Sums") -> "Sums":
        return Sums(*(getattr(self, f) - getattr(other, f) for f in self.__dataclass_fields__))

    def __add__(self, other: "Sums") -> "Sums":
        return Sums(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))

    def columns(self, cols) -> "Sums":
        """The same groups, terms ``cols`` only."""
        return Sums(self.n, self.E, self.Ee, self.E3, self.E4,
                    *(getattr(self, f)[:, cols] for f in ("Y", "Yy", "Ye", "Yy_e")))

    def take(self, rows) -> "Sums":
        return Sums(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))

    def cumsum(self) -> "Sums":
        return Sums(*(np.cumsum(getattr(self, f), axis=0) for f in self.__dataclass_fields__))

    def total(self) -> "Sums":
        """The sums over all groups, as one group (no second pass over the documents)."""
        return Sums(*(getattr(self, f).sum(axis=0, keepdims=True) for f in self.__dataclass_fields__))


def group_sums(groups: np.ndarray, n_groups: int, X, e: np.ndarray) -> Sums:
    """Sufficient statistics per group: ``groups`` is each document's group (0..n_groups-1, or -1 for
    documents in none), ``X`` the documents × terms counts (sparse, dense, or row blocks:
    :class:`analysis.stats.blocks.DocTerms`, summed block by block), ``e`` the lengths."""
    from .blocks import row_blocks

    groups = np.asarray(groups)
    e = np.asarray(e, dtype=float)
    total = None
    for start, B in row_blocks(X):
        part = _block_sums(groups[start:start + B.shape[0]], n_groups, B, e[start:start + B.shape[0]])
        total = part if total is None else total + part
    return total if total is not None else _block_sums(groups, n_groups, sparse.csr_matrix(X.shape), e)


def _block_sums(groups: np.ndarray, n_groups: int, Xs: sparse.csr_matrix, e: np.ndarray) -> Sums:
    keep = np.flatnonzero(groups >= 0)
    M = sparse.csr_matrix((np.ones(len(keep)), (groups[keep], keep)), shape=(n_groups, len(groups)))
    inv_e = np.divide(1.0, e, out=np.zeros_like(e), where=e > 0)
    # one copy of the counts (their squares); the weights go on the groups × documents side, which
    # is as small as a column of documents, not on the documents × terms counts
    sq = sparse.csr_matrix((Xs.data * Xs.data, Xs.indices, Xs.indptr), shape=Xs.shape)
    return Sums(n=np.asarray(M.sum(axis=1)).ravel(), E=M @ e, Ee=M @ (e * e), E3=M @ e ** 3, E4=M @ e ** 4,
                Y=dense(M @ Xs), Yy=dense(M @ sq), Ye=dense((M @ sparse.diags(e)) @ Xs),
                Yy_e=dense((M @ sparse.diags(inv_e)) @ sq))


def _col(v: np.ndarray, like: np.ndarray) -> np.ndarray:
    """A per-group vector shaped to broadcast against a groups × terms array."""
    v = np.asarray(v, dtype=float)
    return v.reshape(v.shape + (1,) * (like.ndim - v.ndim))


def _dispersion_moments(s: Sums, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of the moment estimate of κ in Var(y_i) = e_i λ + κ (e_i λ)² from one
    group's residuals around its own rate R, corrected for the rate being estimated from the same
    documents: E Σ(y − eR)² = λ(E − Σe²/E) + κ λ² (Σe² + (Σe²)²/E² − 2 Σe³/E). Without the
    correction a group carried by a few long documents looks far less over-dispersed than it is."""
    E, Ee, E3 = (_col(getattr(s, f), s.Y) for f in ("E", "Ee", "E3"))
    ss = np.maximum(s.Yy - 2 * R * s.Ye + R * R * Ee, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = ss - R * (E - Ee / E)
        den = R * R * (Ee + Ee * Ee / (E * E) - 2 * E3 / E)
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0)
    return np.where(ok, num, 0.0), np.where(ok, den, 0.0)


def moderated_dispersion(kappa: np.ndarray, total: np.ndarray, bin_size: int = 200) -> np.ndarray:
    """Each term's dispersion, never below the median of the terms of similar frequency (bins of
    ``bin_size`` terms ordered by ``total``), row by row: a sparse term's own moment estimate is often
    zero by chance, and a too-small dispersion makes any test too sure (edgeR moderates dispersions
    across genes for the same reason; Robinson & Smyth 2008)."""
    kappa = np.atleast_2d(np.asarray(kappa, dtype=float))
    total = np.broadcast_to(np.atleast_2d(total), kappa.shape)
    out = kappa.copy()
    for g in range(kappa.shape[0]):
        order = np.argsort(total[g], kind="stable")
        for chunk in np.array_split(order, max(1, len(order) // bin_size)):
            if len(chunk):
                out[g, chunk] = np.maximum(kappa[g, chunk], np.mean(kappa[g, chunk]))
    return out


def betabinom_tails(y: np.ndarray, T: np.ndarray, pi: np.ndarray, rho: np.ndarray, exact_max: int = 200,
                    cells: int = 1 << 19) -> tuple[np.ndarray, np.ndarray]:
    """P(Y ≥ y) and P(Y ≤ y) for Y ~ BetaBinomial(T, mean share ``pi``, intra-class correlation ``rho``)
    (ρ = 0: binomial), elementwise. Exact sums of the probabilities (by the ratio of successive
    probabilities) for T ≤ ``exact_max``, worked out for about ``cells`` probabilities at a time (the
    sums run in order, so that each value is the same whatever the others); above it,
    a beta distribution for Y/T with the same mean and variance, continuity-corrected."""
    y, T, pi, rho = (np.asarray(a, dtype=float).ravel() for a in np.broadcast_arrays(y, T, pi, rho))
    up, low = np.ones(len(y)), np.ones(len(y))
    rho = np.clip(rho, 1e-12, 0.999)
    s = np.minimum((1 - rho) / rho, 1e10)                       # α + β
    small = np.flatnonzero((T <= exact_max) & (T > 0))
    order = small[np.argsort(T[small], kind="stable")]
    sizes = T[order].astype(np.int64) + 1                       # the probabilities of each, ascending
    start = 0
    while start < len(order):
        stop = min(len(order), start + max(1, cells // int(sizes[start])))
        while stop - start > 1 and (stop - start) * sizes[stop - 1] > cells:
            stop = start + max(1, cells // int(sizes[stop - 1]))
        idx, start = order[start:stop], stop
        t_max = int(T[idx].max())
        k = np.arange(t_max)[None, :]                           # steps k → k + 1
        Ti, a, b = T[idx][:, None], (pi[idx] * s[idx])[:, None], ((1 - pi[idx]) * s[idx])[:, None]
        binomial = (rho[idx] <= 1e-9)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            # log P(0), then the ratio P(k+1)/P(k) = (T−k)(k+α) / ((k+1)(T−k−1+β)); binomial: (T−k)π / ((k+1)(1−π))
            log0 = np.where(binomial[:, 0], Ti[:, 0] * np.log1p(-pi[idx]),
                            special.betaln(a[:, 0], Ti[:, 0] + b[:, 0]) - special.betaln(a[:, 0], b[:, 0]))
            ratio = np.where(binomial, np.log(pi[idx] / (1 - pi[idx]))[:, None],
                             np.log(k + a) - np.log(Ti - k - 1 + b))
            steps = np.log(np.maximum(Ti - k, 1e-300)) - np.log(k + 1) + ratio
            del ratio
            log_pmf = np.hstack([log0[:, None], log0[:, None] + np.cumsum(np.where(k < Ti, steps, 0.0), axis=1)])
            del steps
        kk = np.arange(t_max + 1)[None, :]
        pmf = np.where(kk <= Ti, np.exp(log_pmf - log_pmf.max(axis=1, keepdims=True)), 0.0)
        del log_pmf
        pmf /= np.cumsum(pmf, axis=1)[:, -1:]
        # P(Y ≤ y) and P(Y ≥ y) as running sums from either end: the zeros past T add nothing
        at = np.arange(len(idx))
        below, above = np.floor(y[idx]).astype(np.int64), np.ceil(y[idx]).astype(np.int64)
        low[idx] = np.where(below < 0, 0.0, np.cumsum(pmf, axis=1)[at, np.clip(below, 0, t_max)])
        up[idx] = np.where(above > t_max, 0.0, np.cumsum(pmf[:, ::-1], axis=1)[at, t_max - np.clip(above, 0, t_max)])
    large = np.flatnonzero(T > exact_max)
    if len(large):
        Tl, p_, r_ = T[large], pi[large], rho[large]
        var = p_ * (1 - p_) * (1 + (Tl - 1) * r_) / Tl          # of Y/T
        point = var <= 0                                         # π of 0 or 1: Y is π·T for certain
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(point, 1.0, np.maximum(p_ * (1 - p_) / np.where(point, 1.0, var) - 1, 1e-6))
        a, b = np.where(point, 1.0, p_ * prec), np.where(point, 1.0, (1 - p_) * prec)
        yl = y[large]
        up[large] = np.where(point, (yl <= p_ * Tl).astype(float), stats.beta.sf(np.clip((yl - 0.5) / Tl, 0, 1), a, b))
        low[large] = np.where(point, (yl >= p_ * Tl).astype(float), stats.beta.cdf(np.clip((yl + 0.5) / Tl, 0, 1), a, b))
    return up.clip(0, 1), low.clip(0, 1)


#: what :func:`rate_test` returns
RATE_TEST_RESULTS = ("rate_a", "rate_b", "p", "p_up", "z", "kappa")


def lumps(X, max_docs: int = 300, max_effective: float = 30.0) -> list:
    """Per column of ``X`` (documents × terms; sparse, dense or row blocks), the counts of the
    documents that contain the term when the term is *lumpy* (its occurrences sit in a few
    documents: T²/Σy² ≤ ``max_effective`` and at most ``max_docs`` documents), else None. What
    :func:`rate_test` needs for its exact check. Read block by block, a column's counts are kept
    only while it has at most ``max_docs`` documents."""
    from .blocks import row_blocks

    V = X.shape[1]
    nnz, T, sq = np.zeros(V, np.int64), np.zeros(V), np.zeros(V)
    # the counts of the columns that still have at most max_docs documents, as (column, count) pairs
    # in the order read; a column's pairs are dropped once it has more (copies, not views of a block,
    # so that no block is kept alive by a few of its counts)
    cols, values = np.zeros(0, np.int64), np.zeros(0, np.int64)
    for _, B in row_blocks(X):
        B = sparse.csc_matrix(B)
        B.eliminate_zeros()
        n = np.diff(B.indptr)
        col = np.repeat(np.arange(V), n)
        data = B.data.astype(float)
        nnz += n
        T += np.bincount(col, weights=data, minlength=V)
        sq += np.bincount(col, weights=data * data, minlength=V)
        few = nnz <= max_docs
        keep = few[cols]
        new = few[col]
        cols = np.concatenate([cols[keep], col[new]])
        values = np.concatenate([values[keep], data[new].astype(np.int64)])
        del B, col, data
    with np.errstate(divide="ignore", invalid="ignore"):
        lumpy = (nnz > 0) & (nnz <= max_docs) & (T * T / sq <= max_effective)
    keep = lumpy[cols]
    cols, values = cols[keep], values[keep]
    order = np.argsort(cols, kind="stable")
    cols, values = cols[order], values[order]
    starts = np.searchsorted(cols, np.arange(V + 1))
    out: list = [None] * V
    for j in np.flatnonzero(lumpy):
        out[j] = values[starts[j]:starts[j + 1]]
    return out


def lump_tails(values: list, share: np.ndarray, y: np.ndarray, needed: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """P(Y ≥ y) and P(Y ≤ y) of a group's count when each containing document (counts ``values[j]``)
    falls in the group with probability ``share`` (rows: groups; the document share of the group), by
    exact convolution over the documents. NaN for columns that are not lumpy, and for the cells
    where ``needed`` (rows × columns, optional) is False."""
    share = np.asarray(share, dtype=float)
    y = np.asarray(y, dtype=float)
    up, low = np.full(y.shape, np.nan), np.full(y.shape, np.nan)
    for j, v in enumerate(values):
        if v is None:
            continue
        rows = np.arange(len(share)) if needed is None else np.flatnonzero(needed[:, j])
        if len(rows) == 0:
            continue
        f = share[rows][:, None]
        dist = np.zeros((len(rows), int(v.sum()) + 1))
        dist[:, 0] = 1.0
        width = 1
        for c in v:                                              # the document falls in the group or not
            nxt = dist * (1 - f)
            nxt[:, c:c + width] += dist[:, :width] * f
            dist, width = nxt, width + c
        cum = np.cumsum(dist, axis=1)
        k = np.clip(y[rows, j].astype(int), 0, dist.shape[1] - 1)
        at = np.arange(len(rows))
        low[rows, j] = cum[at, k]
        up[rows, j] = 1 - np.where(k > 0, cum[at, k - 1], 0.0)
    return np.clip(up, 0, 1), np.clip(low, 0, 1)


def rate_test(a: Sums, b: Sums, moderate: bool = True, lumpy: list | None = None,
              keep: tuple[str, ...] = RATE_TEST_RESULTS) -> dict:
    """Document-level test of equal rates in groups ``a`` and ``b`` for every term.

    Conditional on the term's total count T in the two groups, the count in ``a`` is compared with
    its distribution under equal rates: beta-binomial with mean share E_a/(E_a+E_b) and a variance
    that is the larger of two: (1) what over-dispersed document counts imply, Var(y_i) = e_i λ +
    κ (e_i λ)² on each side, κ the term's moment estimate over the documents of both groups
    (residuals around each group's own rate, corrected for the estimated rate), never below the mean
    of terms of similar frequency; (2) the variance of the count under random reassignment of the
    documents to the two groups (each group centred on its own rate). Without over-dispersion this
    is the exact conditional (binomial) test of two Poisson rates; a term concentrated in a few
    documents gets a wide distribution.

    A beta-binomial cannot be lumpy enough for a term whose occurrences sit in a few documents (a name
    said 80 times in one news item either falls in the group or not). For such terms (``lumpy``, from
    :func:`lumps` over the documents of both groups) the p-value is the larger of the beta-binomial's
    and the exact one of dealing those documents to the groups at random (computed where the
    beta-binomial's is below 0.05: above it no finding is possible).

    Returns arrays ``rate_a``, ``rate_b``, ``p`` (two-sided), ``p_up`` (``a`` higher), ``z`` (the
    signed normal score of ``p``, positive when ``a`` uses the term more) and ``kappa``, or those of
    them named in ``keep`` (each is groups × terms). Sides with fewer than two documents give NaN.
    """
    shape = np.broadcast_shapes(a.Y.shape, b.Y.shape, np.shape(_col(a.E, a.Y)))
    # groups × terms a partition of terms at a time: only the dispersion (moderated across all the
    # terms) and the results are whole
    width = max(1, partition_cells("test") // max(1, int(np.prod(shape[:-1]))))
    parts = [slice(s, min(s + width, shape[-1])) for s in range(0, max(shape[-1], 1), width)]
    kappa = np.concatenate([_pooled_dispersion(a.columns(c), b.columns(c)) for c in parts], axis=-1)
    if moderate and kappa.size:
        kappa = moderated_dispersion(kappa.reshape(-1, shape[-1]),
                                     np.broadcast_to(a.Y + b.Y, shape).reshape(-1, shape[-1])).reshape(shape)
    out = []
    for c in parts:
        got = _rate_test_terms(a.columns(c), b.columns(c), kappa[:, c], lumpy[c] if lumpy is not None else None)
        out.append({key: got[key] for key in keep})
    return out[0] if len(out) == 1 else {key: np.concatenate([p[key] for p in out], axis=-1) for key in keep}


def _rates(a: Sums, b: Sums) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple]:
    """Each side's rate, the terms' totals over both and the groups × terms shape."""
    with np.errstate(divide="ignore", invalid="ignore"):
        Ra, Rb = a.Y / _col(a.E, a.Y), b.Y / _col(b.E, b.Y)
    T = a.Y + b.Y
    return Ra, Rb, T, np.broadcast_shapes(T.shape, np.shape(_col(a.E, a.Y)))


def _rate_test_terms(a: Sums, b: Sums, kappa: np.ndarray, lumpy: list | None) -> dict:
    """:func:`rate_test` of some terms, their dispersion ``kappa`` given."""
    Ra, Rb, T, shape = _rates(a, b)
    pi, rho = _share_and_correlation(a, b, Ra, Rb, kappa, T, shape)
    up, low = betabinom_tails(np.broadcast_to(a.Y, shape), np.broadcast_to(T, shape), pi,
                              np.nan_to_num(np.clip(rho, 0, 0.999)))
    del pi, rho
    up, low = up.reshape(shape), low.reshape(shape)
    if lumpy is not None and any(v is not None for v in lumpy):
        up, low = _with_lump_tails(up, low, a, b, lumpy, shape)
    return _rate_test_result(up, low, a, b, Ra, Rb, T, shape, kappa)


def _pooled_dispersion(a: Sums, b: Sums) -> np.ndarray:
    """Each term's κ (groups × terms) from the documents of both groups, residuals around each
    group's own rate; not moderated (:func:`moderated_dispersion` does that across all the terms)."""
    Ra, Rb, _, shape = _rates(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        num_a, den_a = _dispersion_moments(a, Ra)
        num_b, den_b = _dispersion_moments(b, Rb)
        kappa = np.where(den_a + den_b > 0, np.maximum((num_a + num_b) / (den_a + den_b), 0), 0.0)
    return np.broadcast_to(kappa, shape)


def _share_and_correlation(a: Sums, b: Sums, Ra: np.ndarray, Rb: np.ndarray, kappa: np.ndarray, T: np.ndarray,
                           shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The beta-binomial of ``a``'s count given the total ``T`` under equal rates: its mean share and
    the intra-class correlation that gives it the larger of the dispersion model's and the
    permutation variance."""
    Ea, Eb = _col(a.E, a.Y), _col(b.E, b.Y)
    Eea, Eeb = _col(a.Ee, a.Y), _col(b.Ee, b.Y)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = T / (Ea + Eb)
        va = lam * Ea + kappa * lam * lam * Eea                    # variance of each side's count under H0
        vb = lam * Eb + kappa * lam * lam * Eeb
        pi = np.broadcast_to(Ea / (Ea + Eb), shape)
        model = va * vb / (va + vb)                                # of the target's count given T
        cond = np.fmax(model, _permutation_variance(a, b, Ra, Rb))
        binom = T * pi * (1 - pi)
        rho = np.where((T > 1) & (binom > 0), (cond / binom - 1) / (T - 1), 0.0)
    return pi, rho


def _permutation_variance(a: Sums, b: Sums, Ra: np.ndarray, Rb: np.ndarray) -> np.ndarray:
    """The variance of ``a``'s count given the total by permutation of documents between the groups,
    each group centred on its own rate (so that a real difference does not inflate it): a term whose
    occurrences sit in one or two documents varies as much as those documents, whatever the
    dispersion model says."""
    Eea, Eeb = _col(a.Ee, a.Y), _col(b.Ee, b.Y)
    with np.errstate(divide="ignore", invalid="ignore"):
        na_, nb_ = _col(a.n, a.Y), _col(b.n, b.Y)
        within = (np.maximum(a.Yy - 2 * Ra * a.Ye + Ra * Ra * Eea, 0)
                  + np.maximum(b.Yy - 2 * Rb * b.Ye + Rb * Rb * Eeb, 0))
        return na_ * nb_ / (na_ + nb_) * within / (na_ + nb_ - 2)


def _with_lump_tails(up: np.ndarray, low: np.ndarray, a: Sums, b: Sums, lumpy: list, shape: tuple
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The tails ``up`` and ``low``, each raised to the exact one of dealing a lumpy term's documents
    to the groups at random where the test could find something (see :func:`lump_tails`)."""
    share = np.broadcast_to(a.n / (a.n + b.n), shape[:1])
    needed = np.minimum(up, low) < 0.025                      # elsewhere p is already above 0.05
    l_up, l_low = lump_tails(lumpy, share, np.broadcast_to(a.Y, shape), needed)
    return np.fmax(up, l_up.reshape(shape)), np.fmax(low, l_low.reshape(shape))


def _rate_test_result(up: np.ndarray, low: np.ndarray, a: Sums, b: Sums, Ra: np.ndarray, Rb: np.ndarray,
                      T: np.ndarray, shape: tuple, kappa: np.ndarray) -> dict:
    """What :func:`rate_test` returns, from the tails of ``a``'s count: NaN where a side has fewer than
    two documents or the term does not occur."""
    p = np.minimum(1.0, 2 * np.minimum(up, low))
    na, nb = np.broadcast_to(_col(a.n, a.Y), shape), np.broadcast_to(_col(b.n, b.Y), shape)
    bad = (na < 2) | (nb < 2) | (np.broadcast_to(T, shape) <= 0)
    p, up = np.where(bad, np.nan, p), np.where(bad, np.nan, up)
    with np.errstate(invalid="ignore"):
        z = np.sign(np.broadcast_to(Ra - Rb, shape)) * stats.norm.isf(p / 2)
    return {"rate_a": np.broadcast_to(Ra, shape), "rate_b": np.broadcast_to(Rb, shape), "p": p, "p_up": up,
            "z": np.where(bad, np.nan, z), "kappa": kappa}


RATE_TEST_METHOD = ("document-level test: the count in one group given the total of both, against its beta-binomial "
                    "distribution under equal rates, with the larger of the over-dispersion model's variance (moment "
                    "estimate per term, moderated across terms of similar frequency) and the variance under random "
                    "reassignment of documents (docs/inference.md)")


#: At most this many documents in the two groups together: the rank test (:func:`rank_test`) decides.
RANK_TEST_MAX_DOCS = 200
RANK_TEST_METHOD = (f"with at most {RANK_TEST_MAX_DOCS} documents in all (one report per province …): the "
                    "Wilcoxon–Mann–Whitney test of the documents' rates (normal approximation with tie and "
                    "continuity corrections), which needs no model of over-dispersion and keeps its power on a few "
                    "long documents")


def rank_test(ya: np.ndarray, ea: np.ndarray, yb: np.ndarray, eb: np.ndarray) -> np.ndarray:
    """Two-sided p of the Wilcoxon–Mann–Whitney test of each column's per-document rates, documents
    ``ya`` (rows; lengths ``ea``) against ``yb``: valid whenever the documents are exchangeable under
    the null, whatever their counts' dispersion. A column that is constant over both groups gets 1;
    a group without documents, NaN."""
    ya, yb = np.asarray(ya, dtype=float), np.asarray(yb, dtype=float)
    if not len(ya) or not len(yb):
        return np.full(ya.shape[1] if ya.ndim == 2 else yb.shape[1], np.nan)
    ra, rb = ya / np.asarray(ea, float)[:, None], yb / np.asarray(eb, float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        p = stats.mannwhitneyu(ra, rb, axis=0, alternative="two-sided", method="asymptotic", use_continuity=True).pvalue
    return np.where(np.isnan(p), 1.0, p)


def side_test(ya: np.ndarray, ea: np.ndarray, yb: np.ndarray, eb: np.ndarray) -> tuple[dict | None, Sums | None]:
    """The document-level test of every column between documents ``ya`` (counts; lengths ``ea``) and
    ``yb``, and the two sides' sufficient statistics: :func:`rate_test`, whose p-value the rank
    test replaces when there are at most RANK_TEST_MAX_DOCS documents (``method`` says which);
    (None, None) when a side has no document."""
    n_a, n_b = len(ea), len(eb)
    if not (n_a and n_b):
        return None, None
    both = sparse.vstack([ya, yb], format="csr") if sparse.issparse(ya) or sparse.issparse(yb) else np.vstack([ya, yb])
    S = group_sums(np.r_[np.zeros(n_a, int), np.ones(n_b, int)], 2, both, np.r_[ea, eb])
    test = rate_test(S.take([0]), S.take([1]), lumpy=lumps(both))
    test["method"] = "document-level rate test"
    if n_a + n_b <= RANK_TEST_MAX_DOCS:
        test["p"] = rank_test(dense(ya), ea, dense(yb), eb)[None, :]
        test["method"] = "Wilcoxon–Mann–Whitney test of the documents' rates"
    return test, S


# ---- trend test ---------------------------------------------------------------------------------
def score_trend_test(X, e: np.ndarray, x: np.ndarray) -> dict:
    """Robust score test of a log-linear trend in ``x`` (one value per document, e.g. the calendar
    index of its period) for every column of ``X`` (documents × terms counts, sparse or dense).

    Under the null the rate is constant (λ = ΣY/ΣE); the score is U = Σ_i c_i (y_i − e_i λ) with
    c = x − x̄ (x̄ weighted by length), its variance max(Σ c_i² r_i², σ² Σ c_i² e_i) with σ² the
    per-length residual variance (a floor against a sandwich that collapses when few documents use
    the term); t reference with (Σv_i)²/Σv_i² − 2 degrees of freedom, the effective number of
    documents carrying the score (Satterthwaite). No model is fitted under the alternative, so a
    term confined to one period cannot make the slope run away. Returns ``t`` (positive: rising),
    ``df``, ``p``.
    """
    from .blocks import row_blocks

    e = np.asarray(e, dtype=float)
    x = np.asarray(x, dtype=float)
    n, V = X.shape
    E = e.sum()
    c = x - (e @ x) / E
    Y = np.zeros(V)
    for _, B in row_blocks(X):                                   # the totals first: λ = ΣY/ΣE
        coo = B.tocoo()
        Y += np.bincount(coo.col, weights=coo.data.astype(float), minlength=V)
    lam = Y / E
    U, V_rob, Q, ss_e = np.zeros(V), np.zeros(V), np.zeros(V), np.zeros(V)
    for start, B in row_blocks(X):
        coo = B.tocoo()
        rows, cols, y = coo.row + start, coo.col, coo.data.astype(float)
        ci, ei, li = c[rows], e[rows], lam[cols]
        r = y - ei * li                                          # residuals where the term occurs
        U += np.bincount(cols, weights=ci * y, minlength=V)      # Σ c e λ = 0 by centring
        V_rob += np.bincount(cols, weights=ci * ci * (r * r - (ei * li) ** 2), minlength=V)
        Q += np.bincount(cols, weights=ci ** 4 * (r ** 4 - (ei * li) ** 4), minlength=V)
        ss_e += np.bincount(cols, weights=(r * r - (ei * li) ** 2) / ei, minlength=V)
    c2e2, c4e4 = (c * c * e * e).sum(), (c ** 4 * e ** 4).sum()
    V_rob = V_rob + lam ** 2 * c2e2
    Q = Q + lam ** 4 * c4e4
    ss_e = ss_e + lam * lam * E
    sigma2 = np.maximum(ss_e, 0) / (n - 1)
    V_floor = sigma2 * (c * c * e).sum()
    V_rob = np.maximum(V_rob, 0)
    Vt = np.fmax(V_rob, V_floor)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = U / np.sqrt(Vt)
        df = np.where(V_rob >= V_floor, V_rob * V_rob / Q, n) - 2
    ok = np.isfinite(t) & (Vt > 0)
    t = np.where(ok, t, np.nan)
    df = np.where(ok, np.clip(df, 1, None), np.nan)
    with np.errstate(invalid="ignore"):
        p = 2 * stats.t.sf(np.abs(t), df)
    return {"t": t, "df": df, "p": p}


# ---- intervals ----------------------------------------------------------------------------------
def rate_interval(y: np.ndarray, e: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate (Σy/Σe) of one group of documents for every column of ``y`` (documents × terms, dense)
    with a ``level`` interval.

    Log-scale Wald interval with the CR2 (HC2) variance of the ratio estimator (leverage e_i/Σe) and
    a Poisson floor, and a t quantile whose degrees of freedom are the Satterthwaite count of
    documents that carry the variance under Var(y_i) = e_i R + κ (e_i R)², κ estimated from the
    group: a group whose occurrences come from two long speeches has few, one of many similar
    documents has many. A zero count gets [0, the exact Poisson upper bound]; one document, no interval.
    A sparse ``y`` is read a few columns at a time (:func:`analysis.stats.blocks.column_blocks`):
    each column's interval is its own.
    """
    if sparse.issparse(y):
        parts = [rate_interval(block, e, level) for _, block in column_blocks(y)]
        return tuple(np.concatenate(p) for p in zip(*parts)) if parts else tuple(np.zeros(0) for _ in range(3))
    y = np.asarray(y, dtype=float)
    if y.ndim == 1:
        y = y[:, None]
    e = np.asarray(e, dtype=float)
    n, E = len(e), e.sum()
    Y = y.sum(0)
    R = Y / E if E > 0 else np.full(y.shape[1], np.nan)
    if n < 2 or E <= 0:
        nan = np.full(y.shape[1], np.nan)
        return R, nan, nan
    a = 1.0 / np.maximum(1 - e / E, 1e-12)                      # HC2 leverage correction
    r = y - np.outer(e, R)
    R, v, df = _rate_variance(group_sums(np.zeros(n, int), 1, y, e), (a[:, None] * r * r).sum(0)[None, :])
    R, v, df = R[0], v[0], df[0]
    q = stats.t.ppf(0.5 + level / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(v) / R
        lo, hi = R * np.exp(-q * se), R * np.exp(q * se)
    upper0 = stats.chi2.ppf(0.5 + level / 2, 2) / 2 / E         # exact Poisson upper bound for a zero count
    return R, np.where(Y > 0, lo, 0.0), np.where(Y > 0, hi, upper0)


def _rate_variance(s: Sums, ss: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rate R = Y/E of each group (rows of ``s``) and term, the cluster-robust variance of R over
    documents, never below the Poisson R/E, and its Satterthwaite degrees of freedom. ``ss``: the
    (HC2-weighted) sum of squared residuals Σ a_i (y_i − e_i R)²; without it, the unweighted sum
    from the sufficient statistics (HC0, which HC2 exceeds by at most a factor 1 + max e_i / (E − max e_i):
    nothing for the large groups it is used for)."""
    E, Ee, E3, E4, n = (_col(getattr(s, f), s.Y) for f in ("E", "Ee", "E3", "E4", "n"))
    with np.errstate(divide="ignore", invalid="ignore"):
        R = np.where(E > 0, s.Y / E, np.nan)
        if ss is None:
            ss = np.maximum(s.Yy - 2 * R * s.Ye + R * R * Ee, 0)
        v = np.maximum(ss / (E * E), R / E)                     # never tighter than Poisson
        num, den = _dispersion_moments(s, R)
        kappa = np.where(den > 0, np.maximum(num / np.where(den > 0, den, 1), 0), 0.0)
        tot = R * E + kappa * R * R * Ee
        sq = R * R * Ee + 2 * kappa * R ** 3 * E3 + kappa * kappa * R ** 4 * E4
        df = np.where(R > 0, tot * tot / sq, E * E / Ee) - 1
    df = np.clip(np.nan_to_num(df, nan=1.0), 1, np.maximum(n - 1, 1))
    return R, v, df


def log_ratio_interval(target: Sums, reference: Sums, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The ``level`` interval of Hardie's Log Ratio (log2 of the ratio of rates, 0.5 for a zero count)
    of each term between two groups of documents, from their sufficient statistics alone: the
    log-scale cluster-robust variances of the two rates add, with Welch–Satterthwaite degrees of
    freedom from theirs; a side with no occurrences adds no variance (its rate is the fixed 0.5/E).
    The analytic counterpart of the percentile bootstrap over documents, in time proportional to
    the groups, not the documents: what contrasts use for sides with many documents."""
    sides = []
    for s in (target, reference):
        R, v, df = _rate_variance(s)
        Y = s.Y[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            var_log = np.where(Y > 0, v[0] / (R[0] * R[0]), 0.0)
        sides.append((np.where(Y > 0, Y, 0.5) / s.E[0], var_log, df[0]))
    (rt, vt, dt), (rr, vr, dr) = sides
    var = vt + vr
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(var > 0, var * var / (vt * vt / dt + vr * vr / dr), np.inf)
    half = stats.t.ppf(0.5 + level / 2, np.nan_to_num(df, nan=1.0)) * np.sqrt(var) / np.log(2)
    centre = np.log2(rt / rr)
    return centre - half, centre + half


RATE_INTERVAL_METHOD = ("95% interval: log scale, CR2 (HC2) cluster-robust variance of the ratio estimator over "
                        "documents, t quantile with the Satterthwaite degrees of freedom of the documents that carry "
                        "the variance, Poisson variance floor; a zero count gets the exact Poisson upper bound")


def wilson_interval(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a share of documents (k of n)."""
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


# ---- partial pooling ----------------------------------------------------------------------------
def shrink_rates(Y: np.ndarray, E: np.ndarray, level: float = 0.95, draws: int = 400) -> dict:
    """Empirical-Bayes gamma–Poisson shrinkage of cell rates (one term, many cells).

    Cell counts Y_g ~ Poisson(E_g θ_g), θ_g ~ Gamma(shape a, mean μ); a and μ by marginal (negative
    binomial) likelihood over the cells, with a boundary-avoiding penalty on the spread of θ
    (a gamma(2) prior on its coefficient of variation 1/√a, as Chung et al. 2013 for variances: the
    estimate never sits at 'no spread', where every cell would get the same rate); posterior mean
    (a + Y_g) / (a/μ + E_g). The interval mixes the cells' gamma posteriors over ``draws`` draws of
    (μ, a) from the normal approximation of their penalised likelihood, so that it carries the
    uncertainty of μ and a (with μ and a plugged in, a cell's interval can be far too narrow when
    the cells hardly differ). Small cells move toward μ, large cells keep their rate.
    Returns ``rate``, ``low``, ``high``, ``mu``, ``shape`` (NaN when fewer than 3 cells or no count).
    """
    Y, E = np.asarray(Y, dtype=float), np.asarray(E, dtype=float)
    ok = E > 0
    out = {k: np.full(len(Y), np.nan) for k in ("rate", "low", "high")}
    if ok.sum() < 3 or Y[ok].sum() == 0:
        return {**out, "mu": np.nan, "shape": np.nan}
    y, ex = Y[ok], E[ok]
    mu0 = y.sum() / ex.sum()
    lo_bounds = [(np.log(mu0) - 10, np.log(mu0) + 10), (-8, 12)]

    def nll(params):
        log_mu, log_a = params
        mu, a = np.exp(log_mu), np.exp(log_a)
        b = a / mu
        ll = (special.gammaln(a + y) - special.gammaln(a) - special.gammaln(y + 1)
              + a * np.log(b / (b + ex)) + y * np.log(ex / (b + ex)))
        return -ll.sum() + 0.5 * log_a          # − log of the prior on 1/√a (∝ 1/√a)

    res = optimize.minimize(nll, [np.log(mu0), 0.0], method="L-BFGS-B", bounds=lo_bounds)
    x = res.x
    mu, a = float(np.exp(x[0])), float(np.exp(x[1]))
    h = 1e-3                                    # the Hessian by central differences
    H = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            di, dj = np.eye(2)[i] * h, np.eye(2)[j] * h
            H[i, j] = (nll(x + di + dj) - nll(x + di - dj) - nll(x - di + dj) + nll(x - di - dj)) / (4 * h * h)
    rng = np.random.default_rng(20240530)       # fixed: reruns give the same intervals
    try:
        cov = np.linalg.inv(H)
        np.linalg.cholesky(cov)
        hyper = rng.multivariate_normal(x, cov, size=draws)
    except np.linalg.LinAlgError:               # a flat direction: μ and a as estimated
        hyper = np.tile(x, (draws, 1))
    hyper[:, 0] = np.clip(hyper[:, 0], *lo_bounds[0])
    hyper[:, 1] = np.clip(hyper[:, 1], *lo_bounds[1])
    a_s, b_s = np.exp(hyper[:, 1])[:, None], (np.exp(hyper[:, 1]) / np.exp(hyper[:, 0]))[:, None]
    shape, rate = a_s + Y[None, :], b_s + E[None, :]
    theta = rng.gamma(shape, 1.0 / np.where(rate > 0, rate, 1.0))
    tail = (1 - level) / 2
    out["rate"] = np.where(ok, (a + Y) / (a / mu + E), np.nan)
    out["low"] = np.where(ok, np.quantile(theta, tail, axis=0), np.nan)
    out["high"] = np.where(ok, np.quantile(theta, 1 - tail, axis=0), np.nan)
    return {**out, "mu": mu, "shape": a}


# ---- Mann–Kendall, exact ------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _kendall_s_distribution(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact null distribution of Kendall's S for n untied values: S = n(n−1)/2 − 2·inversions, the
    inversion counts following the Mahonian numbers (product of (1 + q + … + q^(k−1)))."""
    counts = np.array([1.0])
    for k in range(2, n + 1):
        counts = np.convolve(counts, np.ones(k))
    inv = np.arange(len(counts))
    S = n * (n - 1) // 2 - 2 * inv
    return S, counts / counts.sum()


def mk_exact_p(S: np.ndarray, n: int) -> np.ndarray:
    """Two-sided exact p-value P(|S'| ≥ |S|) of Kendall's S under independence (no ties)."""
    values, prob = _kendall_s_distribution(n)
    absS = np.abs(np.asarray(S, dtype=float))
    order = np.argsort(-np.abs(values))
    sorted_abs = np.abs(values)[order]
    cum = np.cumsum(prob[order])
    # P(|S'| >= s): all mass with |S'| >= s
    idx = np.searchsorted(-sorted_abs, -absS, side="right") - 1
    return np.where(idx >= 0, cum[np.clip(idx, 0, None)], 1.0).clip(0, 1)


def bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values of the finite entries of ``p`` (NaN stays NaN)."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        q[ok] = stats.false_discovery_control(p[ok], method="bh")
    return q
