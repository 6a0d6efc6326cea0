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


#: count rows read at a time
BATCH = 200_000


def compute_cooccurrence(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    """The pairs table (``cfg``: the stage's view of the configuration), from the counts held as
    numbers (each use's slogan code and its document's row: :func:`uses`) and each document's
    language."""
    import pyarrow.parquet as pq

    folder = Path(cfg.paths.data) / "slogans"
    langs = pq.read_table(folder / "documents.parquet", columns=["lang"]).column(0).combine_chunks().dictionary_encode()
    lang_of = langs.indices.to_numpy(zero_copy_only=False)
    names, codes, at = uses(folder)
    frames = []
    for code, lang in sorted(enumerate(langs.dictionary.to_pylist()), key=lambda x: x[1]):
        mine = (at >= 0) & (lang_of[np.maximum(at, 0)] == code)
        frames.append(top_pairs(names, codes[mine], at[mine], int((lang_of == code).sum()), cfg.slogans.top)
                      .assign(lang=lang))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return {"pairs": table[COLUMNS]}


def uses(folder: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The slogans stage's counts with n_all > 0 as numbers: the slogans' names, each use's slogan
    code and its document's row in documents.parquet (-1: not there). The counts list documents in
    the documents table's order (the stage writes both from the same slices), so each batch of
    counts is looked up in the few documents from where the last batch ended: the ids of a million
    documents are never held. Should a batch find a document out of that order or not at all, every
    document's id is looked up instead."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    names: dict[str, int] = {}
    codes, at = [], []
    docs = pq.ParquetFile(folder / "documents.parquet").iter_batches(BATCH, columns=["doc_id"])
    window, start = pa.array([], pa.large_string()), 0    # documents from row ``start`` on
    in_order = True
    for part in pq.ParquetFile(folder / "counts.parquet").iter_batches(BATCH, columns=["doc_id", "slogan", "n_all"]):
        part = part.filter(pc.greater(part.column(2), 0))
        slogans = part.column(1).dictionary_encode()
        local = np.array([names.setdefault(s, len(names)) for s in slogans.dictionary.to_pylist()], np.int64)
        codes.append(local[slogans.indices.to_numpy(zero_copy_only=False)] if len(local) else np.zeros(0, np.int64))
        ids = part.column(0).cast(pa.large_string())
        if not in_order or not len(ids):
            at.append(ids)
            continue
        last = ids[len(ids) - 1]
        while not pc.any(pc.equal(window, last)).as_py():   # read on to this batch's last document
            more = next(docs, None)
            if more is None:
                break
            window = pa.concat_arrays([window, more.column(0).cast(pa.large_string())])
        found = pc.fill_null(pc.index_in(ids, value_set=window), -1).to_numpy()
        if (found < 0).any() or (np.diff(found) < 0).any():
            in_order = False
            at.append(ids)
            continue
        at.append(found + start)
        window, start = window.slice(int(found[-1])), start + int(found[-1])
    if not in_order:   # every id, looked up among all the documents'
        every = pq.read_table(folder / "documents.parquet", columns=["doc_id"]).column(0).cast(pa.large_string())
        at = [a if isinstance(a, np.ndarray) else pc.fill_null(pc.index_in(a, value_set=every), -1).to_numpy()
              for a in at]
    empty = np.zeros(0, np.int64)
    return list(names), np.concatenate(codes) if codes else empty, np.concatenate(at) if at else empty


def pairs(docs: pd.DataFrame, counts: pd.DataFrame, top: int) -> pd.DataFrame:
    """:func:`top_pairs` of ``docs`` (doc_id) from their ``counts`` (doc_id, slogan, n_all; a slogan
    counted 0 times in a document is not used there)."""
    used = counts[counts["n_all"] > 0]
    at = pd.Index(docs["doc_id"]).get_indexer(used["doc_id"])
    codes, names = pd.factorize(used["slogan"])
    return top_pairs(list(names), codes[at >= 0], at[at >= 0], len(docs), top)


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
    used = np.unique(rank[np.asarray(codes, np.int64)] * base + np.asarray(documents, np.int64))  # each (slogan, document) once
    slogan_of = used // base
    by_docs = np.bincount(slogan_of, minlength=len(names))
    chosen = sorted(int(i) for i in np.argsort(-by_docs, kind="stable")[:top] if by_docs[i])
    has = {i: used[slogan_of == i] % base for i in chosen}   # sorted document numbers
    rows = []
    for a, b in combinations(chosen, 2):
        both = len(np.intersect1d(has[a], has[b], assume_unique=True))
        na, nb = len(has[a]), len(has[b])
        expected = na * nb / n if n else np.nan
        rows.append((names[a], names[b], n, na, nb, both, both / (na + nb - both), expected,
                     both / expected if expected else np.nan))
    return pd.DataFrame(rows, columns=COLUMNS[1:])
