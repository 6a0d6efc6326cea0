"""The topic model's units streamed from the token table (analysis.topics.units) are the units the
whole table gives, and their vocabulary is the Dictionary gensim builds from them in key order."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.corpus.documents_table import analysis_documents
from analysis.corpus.stage import build_corpus
from analysis.text import token_table
from analysis.text.stage import build_tokens
from analysis.topics.units import Units, Vocabulary
from tests.conftest import with_corpus


@pytest.fixture(params=["seeds", "gwr_provincial_2025"])
def seeds_tokens(request, cfg, monkeypatch):
    """The seeds, and the 31 provincial work reports of 2025 (long documents of many paragraphs)."""
    if request.param != "seeds":
        cfg = with_corpus(cfg, request.getfixturevalue("corpora") / request.param / "texts")
    build_corpus(cfg, progress=False)
    build_tokens(cfg, progress=False)
    monkeypatch.setattr(token_table, "TOKEN_BATCH", 7)   # documents cut across batches
    docs = analysis_documents(cfg).reset_index(drop=True)
    table = pd.read_parquet(token_table.table_path(cfg))
    return cfg, docs, table[table["doc_id"].isin(docs["doc_id"])]


def whole_table_units(table: pd.DataFrame, lang: str, unit: str) -> pd.DataFrame:
    """The units as the topics stage made them from the whole table: sorted by key, a document's
    paragraphs joined in order, empty units left out."""
    sub = table[table["lang"] == lang].sort_values(["doc_id", "para"], kind="stable")
    sub = sub.assign(toks=sub["tokens"].map(list))
    if unit == "document":
        sub = sub.groupby("doc_id", sort=True).agg(para=("para", "min"), toks=("toks", lambda s: [t for x in s for t in x]))
        sub = sub.reset_index()
    sub = sub[sub["toks"].map(len) > 0].reset_index(drop=True)
    return sub[["doc_id", "para", "toks"]]


@pytest.mark.parametrize("unit", ["paragraph", "document"])
def test_streamed_units_are_the_whole_tables_units(seeds_tokens, unit):
    cfg, docs, table = seeds_tokens
    expected = whole_table_units(table, "zh", unit)
    units = Units(cfg, docs, "zh", "tokens", unit)
    keys = units.frame()
    assert len(expected) >= 4 and len(table) > 2 * token_table.TOKEN_BATCH
    assert keys["doc_id"].tolist() == expected["doc_id"].tolist()
    assert keys["para"].tolist() == expected["para"].tolist()
    assert keys["n"].tolist() == expected["toks"].map(len).tolist()
    got = {}
    for positions, texts in units.texts():
        for p, t in zip(positions.tolist(), texts):
            assert p not in got
            got[p] = t
    assert [got[p] for p in range(len(expected))] == expected["toks"].tolist()
    wanted = np.arange(len(units)) % 3 == 1
    chunks = list(units.chunks(wanted, 5))
    assert [len(c[1]) for c in chunks[:-1]] == [5] * (len(chunks) - 1)
    seen = np.concatenate([c[0] for c in chunks])
    assert sorted(seen.tolist()) == np.flatnonzero(wanted).tolist()
    assert all(t == expected["toks"][p] for c in chunks for p, t in zip(c[0].tolist(), c[1]))


def test_the_vocabulary_gathered_in_any_order_is_gensims_dictionary_in_key_order(seeds_tokens):
    from gensim.corpora import Dictionary

    cfg, docs, table = seeds_tokens
    texts = whole_table_units(table, "zh", "paragraph")["toks"].tolist()
    vocabulary = Vocabulary()
    for p in np.random.default_rng(3).permutation(len(texts)):
        vocabulary.add(int(p), texts[p])
    got, expected = vocabulary.dictionary(), Dictionary(texts)
    assert got.token2id == expected.token2id and len(got.token2id) > 500
    assert got.dfs == expected.dfs and got.cfs == expected.cfs
    assert (got.num_docs, got.num_pos, got.num_nnz) == (expected.num_docs, expected.num_pos, expected.num_nnz)
    got.filter_extremes(no_below=2, no_above=0.5, keep_n=300)
    expected.filter_extremes(no_below=2, no_above=0.5, keep_n=300)
    assert got.token2id == expected.token2id
