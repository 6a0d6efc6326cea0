"""The corpus stage builds the documents table without holding the texts (analysis/corpus/build.py):
the table must not depend on how the documents were batched on their way through disk, must be the
file pandas writes for the whole table, and the hashed line counts must only propose furniture."""
import json
import shutil

import pandas as pd
import pytest

from analysis.corpus import documents_file, furniture, ingest
from analysis.corpus.stage import build_corpus
from analysis.pipeline.config import load_config
from tests.conftest import ROOT

OUTPUTS = ("documents.parquet", "duplicates.csv", "problems.csv")


@pytest.fixture
def mixed(tmp_path, seeds):
    """The seeds with what the build treats across documents: a table whose rows share two lines of
    site furniture, an exact copy and a trimmed repost of a seed, and two more copies whose doc_ids
    sort otherwise than their paths (a.b/x.txt is read before a.txt, whose id a comes first)."""
    corpus = tmp_path / "corpus"
    (corpus / "a.b").mkdir(parents=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    for p, text in zip(sorted(seeds.glob("*.txt")), texts):
        (corpus / p.name).write_text(text, encoding="utf-8")
    rows = []
    for k in range(12):
        body = texts[k % len(texts)].split("\n")
        lines = ["本网站所刊载信息不代表本站观点", f"本文第{k}号", "网站标识码3301000001"]
        rows.append({"content": "\n".join(body[:3] + lines + body[3:])})
    (corpus / "site.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    (corpus / "copy.txt").write_text(texts[4].replace("\n", "\n\n"), encoding="utf-8")
    body = texts[2].split("\n", 3)[-1]
    (corpus / "repost.txt").write_text("转载自某县政府网\n来源：郑州日报\n" + body[: int(len(body) * 0.8)], encoding="utf-8")
    (corpus / "a.b" / "x.txt").write_text(texts[0], encoding="utf-8")
    (corpus / "a.txt").write_text(texts[1], encoding="utf-8")
    return corpus


def _build(corpus, data):
    cfg = load_config(ROOT / "tifa.toml").with_paths(corpus=corpus, data=data, figures=data.parent / "figures")
    build_corpus(cfg, progress=False, force=True)
    return {name: (data / "corpus" / name).read_bytes() for name in OUTPUTS}


def test_the_table_does_not_depend_on_the_batches(mixed, tmp_path, monkeypatch):
    """Documents spilled one per row group (and signature block), read back in doc_id order from
    all over the spill into row groups of 4 rows, give the table of one batch, byte for byte."""
    monkeypatch.setattr(documents_file, "ROW_GROUP", 4)
    whole = _build(mixed, tmp_path / "whole")
    monkeypatch.setattr(ingest, "_BATCH", 1)
    assert _build(mixed, tmp_path / "single") == whole

    docs = pd.read_parquet(tmp_path / "whole" / "corpus" / "documents.parquet").set_index("doc_id")
    dupes = pd.read_csv(tmp_path / "whole" / "corpus" / "duplicates.csv")
    assert list(docs.index) == sorted(docs.index) and docs.index.get_loc("a") < docs.index.get_loc("a.b/x")
    assert docs["boilerplate_removed"].str.contains("repeated_line:2").sum() == 12     # both lines, once a row
    assert not docs["text"].str.contains("本网站所刊载信息|网站标识码").any()
    rule = dupes.set_index("doc_id")["rule"]
    assert rule["copy"] == "exact" and rule["repost"] == "minhash"
    # the copy's original is a near-duplicate of a table row: the exact cluster joined that cluster
    assert docs.loc["copy", "duplicate_of"] == docs.loc["004_572e12cd4d6fb709", "duplicate_of"] == "site-r00005"


def test_row_groups_of_any_size_hold_the_same_rows(mixed, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    _build(mixed, tmp_path / "default")
    monkeypatch.setattr(documents_file, "ROW_GROUP", 3)
    _build(mixed, tmp_path / "small")
    path = tmp_path / "small" / "corpus" / "documents.parquet"
    table = pd.read_parquet(path)
    pd.testing.assert_frame_equal(table, pd.read_parquet(tmp_path / "default" / "corpus" / "documents.parquet"))
    assert pq.ParquetFile(path).num_row_groups == -(-len(table) // 3) > 5


@pytest.mark.parametrize("kind", ["seeds", "undated"])
def test_the_file_is_what_pandas_writes_for_the_whole_table(kind, seeds, tmp_path):
    """The Parquet types of the object columns come from all their values: in the seeds two list
    columns hold only empty lists (a list of nulls), in an undated corpus the dates are all missing
    (the null type). The file written a row group at a time is pandas' file of the whole table."""
    corpus = seeds
    if kind == "undated":
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for i in range(3):
            (corpus / f"p{i}.txt").write_text(f"关于加强工作的通知{i}\n各单位要认真落实，切实做好相关工作，确保取得实效。第{i}条。",
                                              encoding="utf-8")
    path = tmp_path / "data" / "corpus" / "documents.parquet"
    _build(corpus, tmp_path / "data")
    table = pd.read_parquet(path)
    again = tmp_path / "again.parquet"
    table.to_parquet(again, index=False, row_group_size=documents_file.ROW_GROUP)
    assert path.read_bytes() == again.read_bytes()
    import pyarrow.parquet as pq
    types = {f.name: str(f.type) for f in pq.read_schema(path)}
    if kind == "seeds":
        assert types["covered_regions"] == "list<element: null>" and types["pub_date"] == "date32[day]"
    else:
        assert types["pub_date"] == "null" and types["meeting_date"] == "null"


def test_hashed_line_counts_only_propose_furniture(mixed, tmp_path, monkeypatch):
    """Lines are counted by a hash while the corpus is read; the lines whose hash is frequent are
    counted again, exactly. With one hash for every line (every line a candidate), the same lines go."""
    expected = _build(mixed, tmp_path / "hashed")
    monkeypatch.setattr(furniture, "_line_key", lambda line: 0)
    assert _build(mixed, tmp_path / "colliding") == expected


def test_the_build_leaves_no_temporary_files(mixed, tmp_path, monkeypatch):
    data = tmp_path / "data"
    _build(mixed, data)
    assert sorted(p.name for p in (data / "corpus").iterdir()) == ["_stage.json", *OUTPUTS]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    shutil.rmtree(data)
    monkeypatch.setattr(documents_file.DocumentsWriter, "write", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _build(mixed, data)
    assert list((data / "corpus").iterdir()) == []
