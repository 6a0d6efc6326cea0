"""Corpora with known adoption dates, for the calibration of the adoption stage (bench and tests).

Units are the 31 mainland provinces with their real borders. In each quarter a unit has a Poisson
number of documents (a few thinly covered units have few). Each slogan is adopted by each unit at a
true date drawn from a discrete-time hazard: logit h = a_slogan + beta·x_unit + gamma·(share of
neighbours that adopted in an earlier quarter); some units never adopt within the window. After its
adoption a unit's documents use the slogan each with a probability drawn per document from a Beta
distribution (over-dispersed, as real use is): the first use seen comes at or after the adoption.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .neighbours import adjacency


@dataclass(frozen=True)
class Planted:
    dated: pd.DataFrame      # doc_id, unit, date, date_rule
    uses: pd.DataFrame       # doc_id, slogan, n
    adopted: pd.DataFrame    # slogan, unit, period index of the true adoption (or -1: never)
    covariates: pd.DataFrame  # unit → x


def planted_corpus(rng: np.random.Generator, beta: float = 0.0, gamma: float = 0.0, slogans: int = 4,
                   quarters: int = 24, base: float = -3.0, thin_units: int = 6, use_beta=(4.0, 1.0)) -> Planted:
    near = adjacency(sea=True)
    units = sorted(p for p in near if p not in ("香港特别行政区", "澳门特别行政区", "台湾省"))
    x = rng.normal(size=len(units))
    rate = np.where(np.arange(len(units)) < thin_units, 0.8, 4.0)
    rng.shuffle(rate)
    start = pd.Timestamp("2015-01-01")
    docs = []
    for u, unit in enumerate(units):
        for t in range(quarters):
            for k in range(rng.poisson(rate[u])):
                day = start + pd.DateOffset(months=3 * t) + pd.Timedelta(days=int(rng.integers(0, 89)))
                docs.append((f"{u:02d}-{t:02d}-{k:02d}", unit, u, t, day))
    dated = pd.DataFrame(docs, columns=["doc_id", "unit", "u", "t", "date"])
    index = {unit: i for i, unit in enumerate(units)}
    uses, adopted = [], []
    for s in range(slogans):
        a = base + rng.normal(scale=0.3)
        when = np.full(len(units), -1)
        for t in range(quarters):
            for u, unit in enumerate(units):
                if when[u] >= 0:
                    continue
                nb = [index[v] for v in near[unit] if v in index]
                share = np.mean([0 <= when[v] < t for v in nb]) if nb else 0.0
                if rng.random() < 1 / (1 + np.exp(-(a + beta * x[u] + gamma * share))):
                    when[u] = t
        name = f"slogan{s}"
        adopted += [(name, unit, int(when[u])) for u, unit in enumerate(units)]
        after = dated[(when[dated["u"].to_numpy()] >= 0) & (dated["t"].to_numpy() >= when[dated["u"].to_numpy()])]
        p = rng.beta(*use_beta, size=len(after))
        used = after[rng.random(len(after)) < p]
        uses.append(pd.DataFrame({"doc_id": used["doc_id"], "slogan": name, "n": 1 + rng.poisson(1.0, len(used))}))
    return Planted(dated.assign(date_rule="meeting_date")[["doc_id", "unit", "date", "date_rule"]],
                   pd.concat(uses, ignore_index=True),
                   pd.DataFrame(adopted, columns=["slogan", "unit", "period"]),
                   pd.DataFrame({"x": x}, index=pd.Index(units, name="unit")))


def fit_planted(p: Planted) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first-use table and the adoption model of a planted corpus, as the stage makes them."""
    from .models import hazard_model, person_periods
    from .timing import coverage, first_uses, with_reference

    slogans = sorted(p.adopted["slogan"].unique())
    passages = pd.DataFrame(columns=["slogan", "doc_id", "passage"])
    table = with_reference(first_uses(p.dated, p.uses, passages, slogans),
                           pd.DataFrame({"slogan": pd.Series(dtype=str), "ref_date": pd.Series(dtype="datetime64[ns]")}))
    cov = coverage(p.dated)
    rows = person_periods(table, cov, adjacency(sea=True), p.covariates)
    return table, hazard_model(rows, ["x"], adjacency(sea=True), sorted(cov["unit"].unique()))
