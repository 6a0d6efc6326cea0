"""The cooccurrence stage: for the most used slogans of each language, every pair's documents."""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from ..pipeline import runner
from ..pipeline.config import Config
from .declaration import STAGE

TABLES = ("pairs",)
COLUMNS = ["lang", "slogan_a", "slogan_b", "documents", "documents_a", "documents_b", "documents_both", "jaccard",
           "expected_both", "ratio"]


def build_cooccurrence(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the cooccurrence stage unless it is up to date."""
    return runner.run_tables(STAGE, cfg, TABLES, compute_cooccurrence, force)


def compute_cooccurrence(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    """The pairs table (``cfg``: the stage's view of the configuration)."""
    folder = Path(cfg.paths.data) / "slogans"
    docs = pd.read_parquet(folder / "documents.parquet", columns=["doc_id", "lang"])
    counts = pd.read_parquet(folder / "counts.parquet", columns=["doc_id", "slogan", "n_all"])
    frames = [pairs(docs[docs["lang"] == lang], counts, cfg.slogans.top).assign(lang=lang)
              for lang in sorted(docs["lang"].unique())]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return {"pairs": table[COLUMNS]}


def pairs(docs: pd.DataFrame, counts: pd.DataFrame, top: int) -> pd.DataFrame:
    """Every pair of the ``top`` slogans used in most of ``docs``: documents with each and with both,
    Jaccard (both / either), and the ratio of documents with both to those expected if the two were
    used independently (documents_a × documents_b / documents)."""
    used = counts[counts["doc_id"].isin(set(docs["doc_id"])) & (counts["n_all"] > 0)]
    by_docs = used.groupby("slogan")["doc_id"].nunique()
    names = sorted(by_docs.sort_values(ascending=False, kind="stable").head(top).index)
    has = {s: set(used.loc[used["slogan"] == s, "doc_id"]) for s in names}
    n = len(docs)
    rows = []
    for a, b in combinations(names, 2):
        both = len(has[a] & has[b])
        expected = len(has[a]) * len(has[b]) / n if n else np.nan
        rows.append((a, b, n, len(has[a]), len(has[b]), both, both / len(has[a] | has[b]), expected,
                     both / expected if expected else np.nan))
    return pd.DataFrame(rows, columns=COLUMNS[1:])
