"""The cooccurrence stage: for the most used slogans of each language, every pair's documents."""
from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from ..pipeline import runner
from ..pipeline.config import Config
from ..pipeline.parquet_files import parquet_batches
from ..slogans.uses import slogan_uses
from .declaration import STAGE

TABLES = ("pairs",)
COLUMNS = ["lang", "slogan_a", "slogan_b", "documents", "documents_a", "documents_b", "documents_both", "jaccard",
           "expected_both", "ratio"]


def build_cooccurrence(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the cooccurrence stage unless it is up to date."""
    return runner.run_tables(STAGE, cfg, TABLES, compute_cooccurrence, force)


def compute_cooccurrence(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    """The pairs table (``cfg``: the stage's view of the configuration), from the counts held as
    numbers (each use's slogan code and its document's row:
    :func:`analysis.slogans.uses.slogan_uses`) and each document's language."""
    import pyarrow.parquet as pq

    folder = Path(cfg.paths.data) / "slogans"
    langs = pq.read_table(folder / "documents.parquet", columns=["lang"]).column(0).combine_chunks().dictionary_encode()
    lang_of = langs.indices.to_numpy(zero_copy_only=False)
    names, codes, at = slogan_uses(folder / "counts.parquet", lambda: (
        b.column(0) for b in parquet_batches(folder / "documents.parquet", columns=["doc_id"])))[:3]
    known = at >= 0
    if not known.all():
        codes, at = codes[known], at[known]
    lang_at = lang_of[at]
    frames = []
    for code, lang in sorted(enumerate(langs.dictionary.to_pylist()), key=lambda x: x[1]):
        mine = lang_at == code
        # one language (the usual corpus): the uses themselves, not a copy
        uses = (codes, at) if mine.all() else (codes[mine], at[mine])
        frames.append(top_pairs(names, *uses, int((lang_of == code).sum()), cfg.slogans.top).assign(lang=lang))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return {"pairs": table[COLUMNS]}


def top_pairs(names: list[str], codes: np.ndarray, documents: np.ndarray, n: int, top: int) -> pd.DataFrame:
    """Every pair of the ``top`` slogans used in most of ``n`` documents (a use: a slogan's code
    into ``names`` and a document's number): documents with each and with both, Jaccard (both /
    either), and the ratio of documents with both to those expected if the two were used
    independently (documents_a × documents_b / documents). Ties in documents: the first name in
    order is taken."""
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), np.int64)
    rank[order] = np.arange(len(names))
    names = [names[i] for i in order]
    base = int(documents.max()) + 1 if len(documents) else 1
    used = rank[np.asarray(codes, np.int64)]
    used *= base
    used += documents
    used.sort()   # in place, each (slogan, document) once by a mask: np.unique held more copies
    used = used[np.concatenate([[True], used[1:] != used[:-1]])] if len(used) else used
    bounds = np.searchsorted(used, np.arange(len(names) + 1, dtype=np.int64) * base)   # each slogan's run
    by_docs = np.diff(bounds)
    chosen = sorted(int(i) for i in np.argsort(-by_docs, kind="stable")[:top] if by_docs[i])
    has = {i: used[bounds[i]:bounds[i + 1]] - i * base for i in chosen}   # sorted document numbers
    rows = []
    for a, b in combinations(chosen, 2):
        both = len(np.intersect1d(has[a], has[b], assume_unique=True))
        na, nb = len(has[a]), len(has[b])
        expected = na * nb / n if n else np.nan
        rows.append((names[a], names[b], n, na, nb, both, both / (na + nb - both), expected,
                     both / expected if expected else np.nan))
    return pd.DataFrame(rows, columns=COLUMNS[1:])
