"""The adoption model on corpora with known adoption dates (analysis/diffusion/simulate.py): 31
provinces with their real borders, 24 quarters, 4 slogans, 6 thinly covered units, documents that use
an adopted slogan with a Beta(4, 1) probability each.

- null: adoption dates at random (beta = gamma = 0): how often the unit covariate and the neighbour
  share are significant at 5% (should be about 5%), by the model's p-values (the wild cluster score
  bootstrap) and by the clustered Wald test's;
- planted: beta = 0.7 on the unit covariate, gamma = 1.0 on the neighbour share: how often each 95%
  interval covers the planted value (should be about 95%, at least 90%);
- every replicate: the first uses found are exactly the first documents that use the slogan, and the
  units that never use it are censored.

    python bench/adoption_calibration.py [replicates]
"""
from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.diffusion.simulate import fit_planted, planted_corpus  # noqa: E402

TRUE = {"x": 0.7, "neighbours_adopted": 1.0}


def replicate(args) -> list[tuple]:
    kind, seed = args
    rng = np.random.default_rng(seed)
    beta, gamma = (TRUE["x"], TRUE["neighbours_adopted"]) if kind == "planted" else (0.0, 0.0)
    p = planted_corpus(rng, beta=beta, gamma=gamma)
    table, model = fit_planted(p)
    exact = _exact(p, table)
    out = []
    for term in ("x", "neighbours_adopted"):
        row = model[model["term"] == term]
        if not len(row):
            out.append((kind, seed, term, np.nan, np.nan, np.nan, np.nan, np.nan, exact))
            continue
        r = row.iloc[0]
        out.append((kind, seed, term, r.estimate, r.low, r.high, r.p_value, r.p_wald, exact))
    return out


def _exact(p, table) -> bool:
    first = p.uses.merge(p.dated, on="doc_id").sort_values(["date", "doc_id"]).drop_duplicates(["slogan", "unit"])
    want = first.set_index(["slogan", "unit"])["doc_id"]
    got = table.set_index(["slogan", "unit"])
    found = got[~got["censored"]]["first_doc_id"]
    return bool(set(found.index) == set(want.index) and (found.astype(str) == want.reindex(found.index)).all()
                and got.loc[got["censored"]].index.isin(want.index).sum() == 0)


def main(n: int = 100) -> None:
    jobs = [(kind, 1000 * (kind == "planted") + i) for kind in ("null", "planted") for i in range(n)]
    with ProcessPoolExecutor(2) as pool:
        rows = [r for rs in pool.map(replicate, jobs) for r in rs]
    frame = pd.DataFrame(rows, columns=["kind", "seed", "term", "estimate", "low", "high", "p", "p_wald", "exact"])
    print(f"replicates: {n} null, {n} planted; first uses exact and censoring right in "
          f"{int(frame.groupby(['kind', 'seed'])['exact'].first().sum())} of {2 * n}")
    for term in ("x", "neighbours_adopted"):
        null = frame[(frame.kind == "null") & (frame.term == term)]
        planted = frame[(frame.kind == "planted") & (frame.term == term)]
        covered = ((planted.low <= TRUE[term]) & (TRUE[term] <= planted.high)).mean()
        print(f"{term}: null significant at 5%: {(null.p < 0.05).mean():.3f} (wild cluster score bootstrap), "
              f"{(null.p_wald < 0.05).mean():.3f} (clustered Wald, t); planted {TRUE[term]}: mean estimate "
              f"{planted.estimate.mean():.2f}, 95% interval covers it {covered:.3f}, significant "
              f"{(planted.p < 0.05).mean():.2f} (bootstrap) {(planted.p_wald < 0.05).mean():.2f} (Wald)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
