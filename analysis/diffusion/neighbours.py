"""Which provinces border which: the table shipped with tifa (analysis/data/province_adjacency.csv).

Land borders of the 31 mainland provinces, Hong Kong and Macao, and two links by sea so that no
province is without a neighbour: Hainan–Guangdong and Taiwan–Fujian (``kind`` = sea). Names are
the full names the documents table uses (浙江省, 广西壮族自治区)."""
from __future__ import annotations

import csv
import functools
from importlib import resources


@functools.lru_cache(maxsize=1)
def adjacency(sea: bool = True) -> dict[str, frozenset[str]]:
    """Province → its neighbours (both ways); ``sea``: with the two links by sea."""
    near: dict[str, set[str]] = {}
    with resources.files("analysis.data").joinpath("province_adjacency.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] == "sea" and not sea:
                continue
            near.setdefault(row["province"], set()).add(row["neighbour"])
            near.setdefault(row["neighbour"], set()).add(row["province"])
    return {p: frozenset(v) for p, v in near.items()}
