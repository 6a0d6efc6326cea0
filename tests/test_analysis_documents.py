"""The documents a stage reads with only the names it uses (analysis.corpus.documents_table.
analysis_documents): the same values as the whole read for those names, confidence rules included;
every column when a name may be a document variable."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from analysis.corpus.documents_table import analysable_batches, analysis_documents, document_texts
from analysis.corpus.groupings import described
from analysis.corpus.stage import build_corpus
from tests.conftest import with_corpus


@pytest.fixture(scope="module")
def seeds_built(tmp_path_factory):
    """The seeds' documents table, built once for the module (the reads below change no file)."""
    from analysis.pipeline.config import load_config
    from tests.conftest import ROOT

    tmp = tmp_path_factory.mktemp("lean")
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp / "data", figures=tmp / "figures")
    build_corpus(cfg, progress=False)
    return cfg


def at_confidence(cfg, level: str):
    return dataclasses.replace(cfg, corpus=dataclasses.replace(cfg.corpus, min_confidence=level))


@pytest.mark.parametrize("level", ["low", "medium", "high"])
@pytest.mark.parametrize("wanted", [["province", "year", "quarter", "title"], ["macro_region", "doc_id"],
                                    ["prefecture", "period"]])
def test_the_names_a_stage_uses_have_the_whole_reads_values(seeds_built, wanted, level):
    cfg = at_confidence(seeds_built, level)
    whole = described(analysis_documents(cfg), cfg.design.groups)
    lean = described(analysis_documents(cfg, wanted), cfg.design.groups)
    assert len(lean.columns) < len(whole.columns) / 2
    pd.testing.assert_frame_equal(lean[wanted], whole[wanted])
    if level == "high":   # values are blanked below the level: the lean read applies the rule too
        low = described(analysis_documents(at_confidence(cfg, "low")), cfg.design.groups)
        assert whole[wanted].isna().sum().sum() > low[wanted].isna().sum().sum()
    empty = analysis_documents(cfg, wanted, rows=False)
    assert len(empty) == 0 and set(analysis_documents(cfg, wanted).columns) == set(empty.columns)


@pytest.mark.parametrize("level", ["low", "high"])
def test_the_batches_are_the_documents_with_their_texts_a_slice_at_a_time(seeds_built, level):
    cfg = at_confidence(seeds_built, level)
    wanted = ["macro_region", "doc_id", "year", "title", "province"]
    whole = pd.concat(document_texts(cfg, described(analysis_documents(cfg), cfg.design.groups)))
    batches = list(analysable_batches(cfg, wanted, batch=2))
    assert [len(b) for b in batches] == [2] * (len(whole) // 2) + [1] * (len(whole) % 2)
    pd.testing.assert_frame_equal(pd.concat(batches)[[*wanted, "text"]], whole[[*wanted, "text"]], check_dtype=False)


def test_a_document_variable_is_read_with_every_column(cfg, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    pd.DataFrame({"text": ["今年以来，全省经济运行稳中向好。", "上半年全市地区生产总值增长5%。"], "title": ["广东：经济运行", "半年报"],
                  "gdp": ["13.6", "2.1"]}).to_csv(folder / "items.csv", index=False)
    cfg = with_corpus(cfg, folder)
    build_corpus(cfg, progress=False)
    docs = analysis_documents(cfg, ["gdp", "doc_id"])
    assert "doc_vars" in docs and len(docs.columns) == len(analysis_documents(cfg).columns)
    assert described(docs, cfg.design.groups)["gdp"].tolist() == ["13.6", "2.1"]
    # without rows, a name that may be a document variable still needs them: they are read
    assert len(analysis_documents(cfg, ["gdp"], rows=False)) == 2
    assert pd.concat(analysable_batches(cfg, ["gdp"], batch=1))["gdp"].tolist() == ["13.6", "2.1"]


def test_the_analysable_count_is_the_analysable_rows(cfg, tmp_path):
    from analysis.corpus.documents_table import analysable, analysable_count, load_documents

    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = ["今年以来，全省经济运行稳中向好。"] * 2 + ["Le conseil municipal a voté le budget.", "上半年全市地区生产总值增长5%。"]
    pd.DataFrame({"text": texts, "title": ["a", "b", "c", "d"]}).to_csv(folder / "items.csv", index=False)
    cfg = with_corpus(cfg, folder)
    path = build_corpus(cfg, progress=False).folder / "documents.parquet"
    whole = load_documents(path=path)
    assert analysable_count(path) == len(analysable(whole)) < len(whole)   # the copy left out
