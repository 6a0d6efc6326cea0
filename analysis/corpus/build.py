"""Building the documents table of a folder of texts without holding its texts: a few passes over the
documents, which wait on disk between them (:mod:`.spill`), beside a few facts per document
(:mod:`.facts`).

1. The folder is read (worker processes, :func:`analysis.corpus.ingest.document_batches`); each batch
   of documents goes to the spill, with its facts, its short lines counted by hash per source
   (:class:`analysis.corpus.furniture.LineCounts`) and its MinHash signatures (to a file beside it).
2. Exact duplicates, from the digests of the texts (before site furniture is removed: copies would
   make every line of a text look like furniture).
3. Site furniture: the lines whose hash is frequent in a source are counted exactly, over the texts
   of that source; the texts that lose lines get new lengths and signatures.
4. Near-duplicates: MinHash LSH over the signatures, a few positions of every document at a time.
5. The table is written in doc_id order, a row group at a time (:mod:`.documents_file`): each row
   group's rows are read from the spill, their furniture removed again and ``duplicate_of`` filled.

What is held is the facts (about a hundred bytes a document), the counts of hashed lines, a few row
groups, and a few positions of the signatures; the table is the one the whole-table computation
gives, byte for byte.
"""
from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd

from ..pipeline import atomic
from ..pipeline.budget import releasing
from ..pipeline.problems import Problem
from . import documents_file
from .documents import text_sizes
from .documents_file import ColumnKinds, DocumentsWriter
from .facts import DocumentFacts
from .furniture import LineCounts, frequent_lines, remove_furniture, without_lines
from .ingest import document_batches
from .near_duplicates import (DUPLICATE_COLUMNS, NUM_PERM, duplicate_links, duplicate_problems, exact_duplicate_table,
                              merge_duplicates, near_duplicate_table, signatures)
from .schema import arrow_schema, documents_frame, problems_frame
from .spill import DocumentSpill, SignatureStore


def build_documents(folder: Path, reading, overrides: str, columns: dict, target: Path, progress: bool = False,
                    exclude: tuple = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write the documents table of ``folder`` to ``target`` (atomically), read as ``reading`` (a
    :class:`analysis.corpus.stage.FolderReading`) says; return the problems and the duplicates
    tables. The temporary files are in ``<target>.parts/`` beside it, deleted at the end."""
    target = Path(target)
    parts = target.with_name(target.name + ".parts")
    _remove(parts)               # a killed run's
    parts.mkdir(parents=True)
    spill = DocumentSpill(parts / "documents.parquet")
    store = SignatureStore(parts / "signatures.u32", NUM_PERM)
    try:
        problems: list[Problem] = []
        with closing(document_batches(Path(folder), reading.params, overrides, reading.max_file_mb, reading.workers,
                                      progress, columns, exclude, problems)) as batches:   # its workers end on an error
            facts, lines, kinds = _spilled(batches, spill, store if reading.near_duplicates > 0 else None)
        exact = exact_duplicate_table(facts.digest[facts.order], facts.nonempty[facts.order],
                                      lambda ranks: facts.members(facts.order[ranks], index=ranks))
        copy = facts.among(exact.loc[~exact["kept"].astype(bool), "doc_id"] if len(exact) else [])
        drop = _furniture(spill, facts, lines, copy)
        if drop and reading.near_duplicates > 0:
            _new_lengths_and_signatures(spill, store, facts, drop)
        found = merge_duplicates(exact, _near_duplicates(store, facts, copy, reading.near_duplicates))
        with atomic.atomic_path(target) as tmp:
            _write_table(tmp, spill, facts.order, {facts.source_names[s]: cut for s, cut in drop.items()},
                         duplicate_links(found), kinds)
        more = duplicate_problems(found, facts.source_files({*found["doc_id"], *found["duplicate_of"].dropna()}))
        table = problems_frame(problems)
        return (pd.concat([table, problems_frame(more)], ignore_index=True) if more else table), found
    finally:
        spill.discard()
        store.close()
        _remove(parts)


def _remove(folder: Path) -> None:
    """Delete the temporary folder of a build if it is there."""
    shutil.rmtree(folder, ignore_errors=True)


def _spilled(batches, spill: DocumentSpill, store: SignatureStore | None
             ) -> tuple[DocumentFacts, LineCounts, ColumnKinds]:
    """Each batch of documents to the spill, with its facts, its short lines counted by source, the
    kinds of its columns and (with a ``store``) its MinHash signatures."""
    facts, lines, kinds = DocumentFacts(), LineCounts(), ColumnKinds()
    for batch in releasing(batches):   # what the batches' conversions left goes back to the allocators
        texts = [t or "" for t in batch.column("text").to_pylist()]
        lines.add(facts.add(batch, texts), texts)
        kinds.add(batch)
        if store is not None:
            store.append(signatures(texts))
        spill.append(batch)
    spill.close()
    return facts.finish(), lines, kinds


def _furniture(spill: DocumentSpill, facts: DocumentFacts, lines: LineCounts, copy: np.ndarray) -> dict[int, set[str]]:
    """source number → its furniture lines; ``copy``: the exact copies, not counted."""
    counted = facts.source[~copy]
    n_docs = dict(zip(*np.unique(counted, return_counts=True))) if len(counted) else {}
    n_docs = {int(s): int(n) for s, n in n_docs.items()}
    candidates = lines.candidates(n_docs)
    if not candidates:
        return {}
    wanted = np.isin(facts.source, list(candidates)) & ~copy
    texts = ((int(facts.source[start + i]), t) for start, table in spill.row_groups(wanted, ["text"])
             for i, t in enumerate(table.column("text").to_pylist()) if wanted[start + i])
    return frequent_lines(candidates, texts, n_docs)


def _new_lengths_and_signatures(spill: DocumentSpill, store: SignatureStore, facts: DocumentFacts,
                                drop: dict[int, set[str]]) -> None:
    """The lengths and signatures of the texts that lose furniture lines (near-duplicates are found
    on the texts without them)."""
    wanted = np.isin(facts.source, list(drop))
    for start, table in spill.row_groups(wanted, ["text"]):
        g = int(spill.groups_of(np.array([start]))[0])
        changed, texts = [], []
        for i, text in enumerate(table.column("text").to_pylist()):
            cut = without_lines(text, drop[int(facts.source[start + i])]) if wanted[start + i] else None
            if cut is not None:
                changed.append(i)
                texts.append(cut[0])
                facts.n_chars[start + i] = text_sizes(cut[0])["n_chars"]
        if changed:
            block = store.block(g).copy()
            block[changed] = signatures(texts)
            store.replace(g, block)


def _near_duplicates(store: SignatureStore, facts: DocumentFacts, copy: np.ndarray, threshold: float) -> pd.DataFrame:
    """The near-duplicates among the documents in a supported language that are not exact copies
    (:func:`analysis.corpus.near_duplicates.find_near_duplicates`), in the table's order."""
    ranks = np.flatnonzero(facts.analysed[facts.order] & ~copy[facts.order])
    if len(ranks) < 2 or threshold <= 0:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    positions = facts.order[ranks]
    return near_duplicate_table(store.rows(positions), facts.days[positions],
                                lambda members: facts.members(positions[members], index=members), threshold)


def _write_table(path: Path, spill: DocumentSpill, order: np.ndarray, drop: dict[str, set[str]], links: pd.Series,
                 kinds: ColumnKinds) -> None:
    """documents.parquet: the spilled documents in ``order``, a row group at a time, without their
    furniture, with ``duplicate_of``."""
    writer = DocumentsWriter(path, kinds, arrow_schema())
    size = documents_file.ROW_GROUP
    for start in range(0, len(order), size):
        frame = remove_furniture(documents_frame(spill.take(order[start:start + size])), drop)
        frame["duplicate_of"] = frame["doc_id"].map(links).astype("string")
        writer.write(frame)
    writer.close(documents_frame(arrow_schema().empty_table()))
