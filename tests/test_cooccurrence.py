"""The slogans' counts as numbers (analysis.slogans.uses.slogan_uses): each use's document
row, found a batch at a time while the counts follow the documents' order, and among all the
documents when they do not."""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

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


def reference_pairs(docs: pd.DataFrame, counts: pd.DataFrame, top: int) -> pd.DataFrame:
    """The pairs as the stage computed them from its tables before it held the counts as numbers:
    sets of doc_ids per slogan (an independent reckoning of :func:`stage.top_pairs`)."""
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
    return pd.DataFrame(rows, columns=stage.COLUMNS[1:])


def numbered_pairs(docs: pd.DataFrame, counts: pd.DataFrame, top: int) -> pd.DataFrame:
    """:func:`stage.top_pairs` of the tables' rows as numbers."""
    used = counts[counts["n_all"] > 0]
    at = pd.Index(docs["doc_id"]).get_indexer(used["doc_id"])
    codes, names = pd.factorize(used["slogan"])
    return stage.top_pairs(list(names), codes[at >= 0], at[at >= 0], len(docs), top)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 11), st.sampled_from(["稳中求进", "放管服", "双过半", "六稳六保", "a"]),
                          st.integers(0, 3)), max_size=40), st.integers(1, 5))
def test_the_pairs_from_numbers_are_those_from_sets_of_ids(uses_, top):
    """Ties in documents, repeated (slogan, document) rows, zero counts, documents outside ``docs``."""
    docs = pd.DataFrame({"doc_id": DOCS[:9]})
    counts = pd.DataFrame([(DOCS[d], s, n) for d, s, n in uses_], columns=["doc_id", "slogan", "n_all"])
    pd.testing.assert_frame_equal(numbered_pairs(docs, counts, top), reference_pairs(docs, counts, top),
                                  check_dtype=False)


def test_the_pairs_read_from_files_batch_by_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(uses, "BATCH", 2)
    count_docs = ["d00", "d00", "d01", "d01", "d03", "d03", "d05", "d05", "d08", "d11"]
    write(tmp_path, count_docs)
    names, codes, at, n = uses.slogan_uses(tmp_path / "counts.parquet", lambda: documents(tmp_path))
    counts = pd.read_parquet(tmp_path / "counts.parquet")
    docs = pd.read_parquet(tmp_path / "documents.parquet")
    table = stage.top_pairs(names, codes, at, len(DOCS), 5)
    pd.testing.assert_frame_equal(table, reference_pairs(docs, counts, 5))
    assert len(table) == 3


def test_slogan_pairs_count_documents_with_each_and_with_both():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"]})
    counts = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c", "d", "d"],
                           "slogan": ["稳增长", "双过半", "稳增长", "双过半", "稳增长", "双过半", "放管服"],
                           "n_all": [2, 1, 1, 3, 1, 1, 0]})   # 放管服: counted 0 times, so not used
    table = numbered_pairs(docs, counts, 5)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["slogan_a"], row["slogan_b"]) == ("双过半", "稳增长")
    assert (row["documents_a"], row["documents_b"], row["documents_both"], row["documents"]) == (3, 3, 2, 4)
    assert row["jaccard"] == pytest.approx(2 / 4) and row["ratio"] == pytest.approx(2 / (3 * 3 / 4))
    assert numbered_pairs(docs, counts, 1).empty
