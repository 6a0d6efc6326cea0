"""Adoption curves and the adoption model.

- **Kaplan–Meier curves** (statsmodels' ``SurvfuncRight``): the share of units that have used a
  slogan, by days since the corpus's first document (calendar time, the same for every slogan;
  ``origin`` keeps the centre's first use beside it), units that never use it censored at their last
  document, with pointwise 95% intervals (Greenwood's variance on the log(−log) scale). Every unit
  is taken as at risk from the corpus's first document: a unit whose documents start later looks
  late, which the timeline's coverage strip shows. (Delayed entry, each unit at risk from its own
  first document, was tried: with few units watched early, the first adoption took the curve to 1.)
- **A discrete-time hazard model** of first use (Allison 1982; the event-history design of policy
  diffusion, Berry & Berry 1990), pooled over slogans with a fixed effect per slogan (Boehmke 2009):
  a row per unit × period in which the unit has documents, from the origin's period (or the earliest
  first use, when a unit used the slogan before the centre) to its first use (the event) or its last
  document (censored); a logit of the event on the share of the unit's
  neighbours that used the slogan in an earlier period, log(documents in the period) (a unit seen
  more often is caught adopting sooner: coverage, not eagerness), a baseline hazard free in shape
  (a step per fifth of the periods since the origin: with log(1 + periods) instead, the neighbour
  share, which grows with time, took up the baseline's misfit and was "significant" in 6.7% of
  random-date corpora), and the researcher's unit covariates. Slogans with fewer than two first uses are left out
  of the model (they say nothing about who adopts, and their fixed effects would diverge), and at
  most the 40 with most first uses enter it (``MODEL_SLOGANS``: each adds a fixed effect). Periods without a document are left out: nothing
  can be seen in them. Standard errors are clustered by unit (a unit's rows are not independent),
  with the small-sample correction and t intervals on G − 1 degrees of freedom (G units: 31
  provinces are few clusters; normal intervals gave 7–8% false effects at 5% on random dates). The
  p-values are score tests with the clustered variance (``RestrictedScore``; ``p_wald`` keeps the
  clustered Wald test's, which with few clusters rejects too often: 6.7% at 5% even with t): the
  neighbour share's by shuffling the units' places on the map (999 shuffles: nothing but the map
  changes, so the test holds whatever else makes units early or late; the wild bootstrap gave it
  6.3%), the other terms' by the wild cluster score bootstrap (Kline & Santos 2012).
  Calibration (bench/adoption_calibration.py, bench/RESULTS.md): random first uses give about 5%
  significant effects at 5%, planted effects are inside their 95% intervals at about the nominal rate.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from .timing import days_since, period_of

CURVE_COLUMNS = ["slogan", "days", "date", "adopted_share", "low", "high", "at_risk", "origin", "origin_rule"]
MODEL_COLUMNS = ["term", "estimate", "std_error", "low", "high", "p_value", "odds_ratio", "p_wald", "events", "rows",
                 "units", "slogans", "status", "method"]
#: Rademacher draws of the wild cluster score bootstrap; shuffles of the map for the neighbour share's test
BOOTSTRAP_DRAWS = 1999
PERMUTATIONS = 999
MODEL_METHOD = ("discrete-time logit of first use per unit × period with documents, pooled over slogans with a fixed "
                "effect each; standard errors clustered by unit (small-sample corrected), 95% t intervals on "
                "units − 1 degrees of freedom; p-values of score tests: the neighbour share's by 999 shuffles of the "
                "units' places on the map, the other terms' by the wild cluster score bootstrap (1,999 draws)")
#: the model needs at least this many first uses, and this many units (clusters of its standard errors)
MIN_EVENTS = 10
MIN_UNITS = 10
#: a slogan enters the model with at least this many first uses; at most this many slogans, those with
#: most first uses (each adds a fixed effect: 185 slogans of 9,875 CCTV items took 3 minutes to fit, 40 take seconds)
MIN_SLOGAN_EVENTS = 2
MODEL_SLOGANS = 40
#: steps of the baseline hazard (quantiles of the periods since the origin)
BASELINE_STEPS = 5


def origins(table: pd.DataFrame) -> pd.DataFrame:
    """Per slogan: the origin of its clock (the centre's first use, else the corpus's first document)."""
    start = table["window_start"].min()
    out = []
    for slogan, g in table.groupby("slogan", sort=True):
        ref = g["ref_date"].dropna().min() if "ref_date" in g else pd.NaT
        out.append((slogan, ref if pd.notna(ref) else start,
                    "the reference corpus's first use" if pd.notna(ref) else "the corpus's first document"))
    return pd.DataFrame(out, columns=["slogan", "origin", "origin_rule"])


def km_curves(table: pd.DataFrame) -> pd.DataFrame:
    """Kaplan–Meier curves of adoption per slogan (see the module's docstring)."""
    from statsmodels.duration.survfunc import SurvfuncRight

    start = table["window_start"].min()
    rows = []
    for o in origins(table).itertuples():
        g = table[table["slogan"] == o.slogan]
        if not (~g["censored"]).any():
            continue
        end = g["first_date"].where(~g["censored"], g["window_end"])
        time = days_since(end, start)
        sf = SurvfuncRight(time, (~g["censored"]).to_numpy().astype(int))
        s, se = np.asarray(sf.surv_prob), np.asarray(sf.surv_prob_se)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = 1.959964 * se / np.abs(s * np.log(s))
            loglog = np.log(-np.log(s))
            lo_s, hi_s = np.exp(-np.exp(loglog + z)), np.exp(-np.exp(loglog - z))
        lo_s = np.where(np.isfinite(lo_s), lo_s, s)
        hi_s = np.where(np.isfinite(hi_s), hi_s, s)
        rows.append(pd.DataFrame({"slogan": o.slogan, "days": [0.0, *sf.surv_times],
                                  "adopted_share": [0.0, *(1 - s)], "low": [0.0, *(1 - hi_s)], "high": [0.0, *(1 - lo_s)],
                                  "at_risk": [len(g), *sf.n_risk], "origin": o.origin, "origin_rule": o.origin_rule}))
    if not rows:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    out["date"] = pd.Timestamp(start) + pd.to_timedelta(out["days"], unit="D")
    return out[CURVE_COLUMNS]


def person_periods(table: pd.DataFrame, coverage: pd.DataFrame, neighbours: dict[str, set[str]] | None,
                   unit_covariates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The model's rows: a row per slogan × unit × period with documents, from the origin's period to
    the first use (event = 1) or the unit's last period (see the module's docstring)."""
    periods = sorted(coverage["period"].unique())
    index = {p: i for i, p in enumerate(periods)}
    observed = {u: sorted((index[p], n) for p, n in g.set_index("period")["documents"].items())
                for u, g in coverage.groupby("unit")}
    period_len = "year" if periods and len(str(periods[0])) == 4 else "quarter"
    frames = []
    origin_of = origins(table).set_index("slogan")["origin"]
    for slogan, g in table.groupby("slogan", sort=True):
        first = {r.unit: index[r.first_period] for r in g.itertuples() if not r.censored and r.first_period in index}
        start = index.get(str(period_of(pd.Series([origin_of[slogan]]), period_len).iloc[0]))
        start = min([0 if start is None else start, *first.values()])   # units that used it before the centre stay in
        for r in g.itertuples():
            for i, n in observed.get(r.unit, []):
                if i < start or (r.unit in first and i > first[r.unit]):
                    continue
                frames.append((slogan, r.unit, periods[i], i, int(r.unit in first and i == first[r.unit]),
                               np.log(n), i - start))
    rows = pd.DataFrame(frames, columns=["slogan", "unit", "period", "period_index", "event", "log_documents", "time"])
    shares = Neighbourhood(rows, neighbours, sorted(observed)) if neighbours else None
    rows.insert(5, "neighbours_adopted", shares.shares() if shares else 0.0)
    if unit_covariates is not None and len(unit_covariates.columns):
        rows = rows.merge(unit_covariates, left_on="unit", right_index=True, how="left")
    return rows


class Neighbourhood:
    """The share of a row's unit's neighbours (among the observed units) that used its slogan in an
    earlier period, for the map as it is or with the units' places on it shuffled (the permutation
    test of the neighbour share: see ``permutation_p``)."""

    def __init__(self, rows: pd.DataFrame, near: dict[str, set[str]], units: list[str]):
        position = {u: i for i, u in enumerate(units)}
        self.placed = np.array([i for i, u in enumerate(units) if u in near], dtype=np.int64)   # units on the map
        lists = [[position[v] for v in sorted(near.get(u, ())) if v in position] for u in units]
        width = max([1, *map(len, lists)])
        none = len(units)                                   # a column that never adopted: padding
        self.links = np.array([ls + [none] * (width - len(ls)) for ls in lists], dtype=np.int64).reshape(len(units), width)
        self.degree = np.array([len(ls) for ls in lists], dtype=np.int64)
        slogans, s_index = np.unique(rows["slogan"].to_numpy(), return_inverse=True)
        firsts = np.full((len(slogans), none + 1), np.inf)
        events = rows["event"].to_numpy() == 1
        u_index = rows["unit"].map(position).to_numpy(dtype=np.int64)
        period = rows["period_index"].to_numpy(dtype=np.int64)
        firsts[s_index[events], u_index[events]] = period[events]
        # earlier[r, v]: unit v used row r's slogan before row r's period
        self.earlier = firsts[s_index] < period[:, None]
        self.unit = u_index

    def shares(self, order: np.ndarray | None = None) -> np.ndarray:
        """The rows' neighbour shares; ``order`` puts unit ``placed[k]`` in the place of ``placed[order[k]]``."""
        links, degree = self.links, self.degree
        if order is not None:
            moved = np.arange(len(links) + 1)
            moved[self.placed[order]] = self.placed              # a place's new occupant
            links, degree = links.copy(), degree.copy()
            links[self.placed] = moved[self.links[self.placed[order]]]
            degree[self.placed] = self.degree[self.placed[order]]
        near = links[self.unit]
        count = np.take_along_axis(self.earlier, near, axis=1).sum(axis=1)
        d = degree[self.unit]
        return np.where(d > 0, count / np.maximum(d, 1), 0.0)


def hazard_model(rows: pd.DataFrame, covariates: list[str], near: dict[str, set[str]] | None = None,
                 units: list[str] | None = None) -> pd.DataFrame:
    """The pooled discrete-time logit (see the module's docstring): a row per term, or one row whose
    status says why there is no model. ``near``: the map of neighbours (None: no neighbour share in
    the model); ``units``: the observed units (default: the rows')."""
    import statsmodels.api as sm

    rows = rows.reset_index(drop=True)
    terms = [*(["neighbours_adopted"] if near is not None else []), "log_documents", *covariates]
    data = rows.dropna(subset=terms)
    # a slogan that no unit takes up says nothing about who adopts (and its fixed effect would diverge)
    per_slogan = data.groupby("slogan")["event"].sum()
    per_slogan = per_slogan[per_slogan >= MIN_SLOGAN_EVENTS].sort_index()
    kept = per_slogan.sort_values(ascending=False, kind="stable").head(MODEL_SLOGANS).index
    data = data[data["slogan"].isin(set(kept))]
    events = int(data["event"].sum()) if len(data) else 0
    base = dict(events=events, rows=len(data), units=data["unit"].nunique() if len(data) else 0,
                slogans=data["slogan"].nunique() if len(data) else 0, method=MODEL_METHOD)
    if events < MIN_EVENTS or events == len(data):
        return _status(f"too few first uses to model ({events}; at least {MIN_EVENTS} and some periods without)", base)
    if base["units"] < MIN_UNITS:
        return _status(f"too few units to model ({base['units']}; at least {MIN_UNITS}: the standard errors are "
                       "clustered by unit)", base)
    X = data[terms].astype(float)
    X = X.loc[:, X.std() > 0] if len(X) > 1 else X
    if not len(X.columns):   # one date for every document (a cross-section): nothing to tell adopters apart by
        return _status(f"no term of the model varies ({', '.join(terms)} are constant over its rows)", base)
    # the baseline hazard, free in shape: a step per fifth of the periods since the origin
    bins = pd.qcut(data["time"], BASELINE_STEPS, labels=False, duplicates="drop")
    X = pd.concat([X, pd.get_dummies(bins, prefix="time", drop_first=True, dtype=float)], axis=1)
    if data["slogan"].nunique() > 1:
        X = pd.concat([X, pd.get_dummies(data["slogan"], prefix="slogan", drop_first=True, dtype=float)], axis=1)
    X = sm.add_constant(X, has_constant="add")
    groups = pd.factorize(data["unit"])[0]
    try:
        fit = sm.GLM(data["event"].astype(float), X, family=sm.families.Binomial()).fit(
            cov_type="cluster", cov_kwds={"groups": groups, "df_correction": True}, use_t=True)
    except (np.linalg.LinAlgError, ValueError) as exc:
        return _status(f"the model could not be fitted ({exc})", base)
    ci = fit.conf_int()
    y = data["event"].to_numpy(dtype=float)
    out = []
    for seed, t in enumerate(X.columns):
        if t not in terms:
            continue
        score = RestrictedScore(y, X, t, groups)
        if t == "neighbours_adopted":
            places = Neighbourhood(rows, near, units or sorted(rows["unit"].unique()))
            p = score.permutation_p(lambda order: places.shares(order)[data.index.to_numpy()], len(places.placed), seed)
        else:
            p = score.bootstrap_p(seed)
        out.append((t, fit.params[t], fit.bse[t], ci.loc[t, 0], ci.loc[t, 1], p, np.exp(fit.params[t]), fit.pvalues[t]))
    frame = pd.DataFrame(out, columns=MODEL_COLUMNS[:8]).assign(**base, status="fitted")
    return frame[MODEL_COLUMNS]


class RestrictedScore:
    """A term's score per unit under the model fitted without it (the score test's view: nothing is
    refitted per draw): the term's column, partialled out of the other columns with the restricted
    fit's weights, times the restricted fit's residuals, summed per unit. The statistic is the
    squared sum of the units' scores over their sum of squares (the score test with a clustered
    variance), compared with its draws under the null:

    - ``bootstrap_p``: the wild cluster score bootstrap (Kline & Santos 2012): each unit's score is
      flipped in sign at random (Rademacher); calibrated with few clusters, where the clustered Wald
      test rejects too often;
    - ``permutation_p``: the term's column is recomputed with the units' places on the map shuffled
      (a permutation test of network autocorrelation, as QAP is for networks: under no neighbour
      effect the map is one labelling among all, whatever makes units adopt early or late)."""

    def __init__(self, y: np.ndarray, X: pd.DataFrame, term: str, groups: np.ndarray):
        import statsmodels.api as sm
        from scipy import sparse

        others = X.drop(columns=[term])
        self.x = X[term].to_numpy(dtype=float)
        try:
            mu = np.asarray(sm.GLM(y, others, family=sm.families.Binomial()).fit().fittedvalues)
        except (np.linalg.LinAlgError, ValueError):
            mu = None
        self.fitted = mu is not None
        if not self.fitted:
            return
        self.sw = np.sqrt(mu * (1 - mu))
        self.Z = others.to_numpy(dtype=float)
        self.project = np.linalg.pinv(self.Z * self.sw[:, None])
        self.residual = y - mu
        self.by_unit = sparse.csr_matrix((np.ones(len(y)), (groups, np.arange(len(y)))))

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Per unit (rows) the score of each column of ``x`` (n, or n × draws)."""
        x2 = x.reshape(len(x), -1)
        partialled = x2 - self.Z @ (self.project @ (x2 * self.sw[:, None]))
        return np.asarray(self.by_unit @ (partialled * self.residual[:, None]))

    @staticmethod
    def statistic(scores: np.ndarray) -> np.ndarray:
        squares = np.sum(scores ** 2, axis=0)
        return np.where(squares > 0, np.sum(scores, axis=0) ** 2 / np.where(squares > 0, squares, 1), 0.0)

    def bootstrap_p(self, seed: int = 0, draws: int = BOOTSTRAP_DRAWS) -> float:
        if not self.fitted:
            return float("nan")
        s = self.scores(self.x)[:, 0]
        if not np.any(s):
            return float("nan")
        observed = float(self.statistic(s[:, None])[0])
        flips = np.random.default_rng(seed).choice([-1.0, 1.0], size=(draws, len(s))).T
        drawn = self.statistic(s[:, None] * flips)
        return float((1 + np.sum(drawn >= observed - 1e-12)) / (draws + 1))

    def permutation_p(self, column: Callable[[np.ndarray], np.ndarray], placed: int, seed: int = 0,
                      draws: int = PERMUTATIONS, chunk: int = 50) -> float:
        """``column(order)``: the term's column with the ``placed`` units put in places ``order``."""
        if not self.fitted or placed < 3:
            return float("nan")
        observed = float(self.statistic(self.scores(self.x))[0])
        rng, drawn = np.random.default_rng(seed), []
        for done in range(0, draws, chunk):
            block = np.column_stack([column(rng.permutation(placed)) for _ in range(min(chunk, draws - done))])
            drawn.append(self.statistic(self.scores(block)))
        drawn = np.concatenate(drawn)
        return float((1 + np.sum(drawn >= observed - 1e-12)) / (draws + 1))


def _status(why: str, base: dict) -> pd.DataFrame:
    return pd.DataFrame([{**{c: np.nan for c in MODEL_COLUMNS[:8]}, "term": "", **base, "status": why}])[MODEL_COLUMNS]
