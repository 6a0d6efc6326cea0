"""The slogans' counts as numbers (analysis.slogans.uses.slogan_uses): each use's document
row, found a batch at a time while the counts follow the documents' order, and among all the
documents when they do not."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.cooccurrence import stage
from analysis.slogans import uses

DOCS = [f"d{i:02d}" for i in range(12)]


def documents(folder):
    """The documents' ids two at a time."""
    return (b.column(0) for b in pq.ParquetFile(folder / "documents.parquet").iter_batches(2, columns=["doc_id"]))


def write(tmp_path, count_docs):
    pd.DataFrame({"doc_id": DOCS, "lang": "zh"}).to_parquet(tmp_path / "documents.parquet", row_group_size=3)
    slogans = ["稳中求进", "放管服", "双过半"]
    pd.DataFrame({"doc_id": count_docs, "slogan": [slogans[i % 3] for i in range(len(count_docs))],
                  "n_all": [0 if i == 4 else 1 for i in range(len(count_docs))]}).to_parquet(tmp_path / "counts.parquet")


@pytest.mark.parametrize("order", ["documents'", "shuffled", "one unknown"])
def test_each_use_finds_its_documents_row(tmp_path, monkeypatch, order):
    monkeypatch.setattr(uses, "BATCH", 2)    # counts a few rows at a time
    count_docs = ["d00", "d00", "d01", "d03", "d03", "d03", "d05", "d08", "d08", "d11"]
    if order == "shuffled":
        count_docs = list(np.random.default_rng(1).permutation(count_docs))
    if order == "one unknown":
        count_docs[7] = "x99"
    write(tmp_path, count_docs)
    names, codes, at, n = uses.slogan_uses(tmp_path / "counts.parquet", lambda: documents(tmp_path))
    kept = [d for i, d in enumerate(count_docs) if i != 4]   # n_all = 0: not a use
    assert at.tolist() == [DOCS.index(d) if d in DOCS else -1 for d in kept]
    assert [names[c] for c in codes] == [["稳中求进", "放管服", "双过半"][i % 3] for i in range(len(count_docs)) if i != 4]
    assert n.tolist() == [1] * len(kept)


def test_the_pairs_from_numbers_are_the_pairs_from_the_tables(tmp_path, monkeypatch):
    monkeypatch.setattr(uses, "BATCH", 2)
    count_docs = ["d00", "d00", "d01", "d01", "d03", "d03", "d05", "d05", "d08", "d11"]
    write(tmp_path, count_docs)
    names, codes, at, n = uses.slogan_uses(tmp_path / "counts.parquet", lambda: documents(tmp_path))
    counts = pd.read_parquet(tmp_path / "counts.parquet")
    docs = pd.read_parquet(tmp_path / "documents.parquet")
    pd.testing.assert_frame_equal(stage.top_pairs(names, codes, at, len(DOCS), 5), stage.pairs(docs, counts, 5))
    assert len(stage.pairs(docs, counts, 5)) == 3
