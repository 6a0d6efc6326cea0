"""Drawing a corpus of any size (issue 35): the stages' per-document tables are written from their
Parquet files a batch of rows at a time, in the bytes pandas writes for the whole table; the
concordance page shows a fixed number of occurrences of each slogan and says so; the report reads
only the columns it shows. On the seeds' tables, in batches of a few rows."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.publishing import export, pages
from analysis.publishing.export import ParquetRows, save_table, write_csv
from tests.conftest import ROOT

#: rows of a batch in these tests: the seeds' tables span many batches
SMALL = 7


def _csv(frame: pd.DataFrame) -> bytes:
    """What the tables were written as before they were streamed."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(configuration, stage results) of the corpus, slogans, targets and reuse stages on the seeds;
    the reuse stage against a reference holding a passage of one seed."""
    from analysis.pipeline.config import load_config
    from analysis.pipeline.run import run_stages

    tmp = tmp_path_factory.mktemp("streamed")
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp / "data", figures=tmp / "figures")
    cfg = dataclasses.replace(cfg, figures=dataclasses.replace(cfg.figures, formats=("png",), dpi=30))
    corpus = run_stages(cfg, ["corpus"], progress=False)["corpus"]
    docs = corpus.columns(["doc_id", "text", "lang"])
    host = docs[docs["lang"] == "zh"].sort_values("doc_id").iloc[0]
    passage = max(host.text.replace("\n", "").split("。"), key=len)[:80]
    reference = tmp / "central"
    reference.mkdir()
    (reference / "2024.txt").write_text(f"国务院常务会议指出，{passage}。会议还研究了其他事项。", encoding="utf-8")
    cfg = cfg.replace(reuse={"reference": str(reference)})
    done = run_stages(cfg, ["slogans", "targets", "reuse"], progress=False)
    return cfg, done


def _tables(cfg) -> list[Path]:
    return sorted(Path(cfg.paths.data).glob("*/*.parquet"))


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_every_stage_table_streamed_has_the_bytes_pandas_writes_whole(built, tmp_path, monkeypatch):
    """Every table of the corpus, tokens, slogans, targets and reuse stages (lists, dates, nullable
    integers and booleans, missing values, quotes and line breaks in texts), written in batches of 7
    rows, has the bytes of ``to_csv`` of the whole table."""
    cfg, _ = built
    monkeypatch.setattr(export, "BATCH_ROWS", SMALL)
    tables = _tables(cfg)
    assert max(ParquetRows(p).file_rows() for p in tables) > 10 * SMALL
    for path in tables:
        n, _ = write_csv(ParquetRows(path), tmp_path / "t.csv")
        assert (tmp_path / "t.csv").read_bytes() == _csv(pd.read_parquet(path)), path
        assert n == len(pd.read_parquet(path))


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_columns_and_a_row_function_stream_as_they_apply_to_the_whole_table(built, tmp_path, monkeypatch):
    from analysis.corpus import tables as corpus_tables

    cfg, _ = built
    monkeypatch.setattr(export, "BATCH_ROWS", SMALL)
    data = Path(cfg.paths.data)
    documents = data / "corpus" / "documents.parquet"
    unknown = ParquetRows(documents, corpus_tables.COLUMNS, corpus_tables.unknown_metadata)
    write_csv(unknown, tmp_path / "u.csv")
    whole = corpus_tables.unknown_metadata(pd.read_parquet(documents, columns=list(corpus_tables.COLUMNS)))
    assert len(whole) and (tmp_path / "u.csv").read_bytes() == _csv(whole)

    rates = data / "slogans" / "rates.parquet"
    kept = ParquetRows(rates, rows=lambda f: f[f["count"] > 0].reindex(columns=["slogan", "count", "absent", "rate"]))
    write_csv(kept, tmp_path / "r.csv")
    whole = pd.read_parquet(rates)
    assert (tmp_path / "r.csv").read_bytes() == _csv(whole[whole["count"] > 0].reindex(
        columns=["slogan", "count", "absent", "rate"]))


def test_a_date_time_column_is_written_whole_in_one_format(tmp_path, monkeypatch):
    """pandas writes all of a date-time column in one format (no time when no value has one): in
    batches the first would lose its times; such a table is written whole."""
    monkeypatch.setattr(export, "BATCH_ROWS", 2)
    days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03 12:30"], format="ISO8601")
    frame = pd.DataFrame({"day": days, "n": [1, 2, 3]})
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    write_csv(ParquetRows(tmp_path / "t.parquet"), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == _csv(frame)
    assert b"2024-01-01 00:00:00" in (tmp_path / "t.csv").read_bytes()


def test_an_empty_table_streamed_is_its_header(tmp_path):
    pd.DataFrame({"a": pd.Series([], dtype="string"), "b": pd.Series([], dtype="int64")}).to_parquet(
        tmp_path / "t.parquet", index=False)
    n, shown = write_csv(ParquetRows(tmp_path / "t.parquet"), tmp_path / "t.csv")
    assert (n, len(shown), (tmp_path / "t.csv").read_text()) == (0, 0, "a,b\n")


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_a_long_table_is_streamed_and_a_short_one_typeset_as_before(built, tmp_path, monkeypatch):
    cfg, _ = built
    monkeypatch.setattr(export, "BATCH_ROWS", SMALL)
    monkeypatch.setattr(export, "MAX_TYPESET_ROWS", 50)
    concordance = Path(cfg.paths.data) / "slogans" / "concordance.parquet"
    whole = pd.read_parquet(concordance)
    assert len(whole) > 50
    for kind, table in (("streamed", ParquetRows(concordance)), ("whole", whole)):
        save_table(table, "c", tmp_path / kind, "Concordance.")
    for suffix in ("csv", "tex", "md"):
        assert (tmp_path / "streamed" / f"c.{suffix}").read_bytes() == (tmp_path / "whole" / f"c.{suffix}").read_bytes()
    assert f"{len(whole):,} rows, too many to typeset" in (tmp_path / "streamed" / "c.md").read_text(encoding="utf-8")
    # a long file whose kept rows are few is typeset from its batches, as the whole table would be
    first = whole["slogan"].iloc[0]
    few = ParquetRows(concordance, rows=lambda f: f[f["slogan"] == first])
    save_table(few, "f", tmp_path / "streamed", "Few.")
    save_table(whole[whole["slogan"] == first], "f", tmp_path / "whole", "Few.")
    for suffix in ("csv", "tex", "md"):
        assert (tmp_path / "streamed" / f"f.{suffix}").read_bytes() == (tmp_path / "whole" / f"f.{suffix}").read_bytes()
    assert "\\toprule" in (tmp_path / "streamed" / "f.tex").read_text(encoding="utf-8")


def _draw(cfg, done, *stages):
    from analysis.publishing import draw

    steps = {"corpus": draw.build_corpus_outputs, "slogans": draw.build_slogan_outputs,
             "targets": draw.build_targets_outputs, "reuse": draw.build_reuse_outputs}
    for stage in stages:
        steps[stage](cfg, done[stage], force=True)


@pytest.fixture(scope="module")
def drawn(built) -> list[tuple]:
    """The corpus, slogans, targets and reuse steps drawn in batches of 7 rows, tables of more than 5
    rows streamed; the (table, columns) of every ``pd.read_parquet`` call they made."""
    cfg, done = built
    reads = []
    read_parquet = pd.read_parquet

    def spy(path, columns=None, **options):
        reads.append((Path(path).parent.name + "/" + Path(path).name, None if columns is None else tuple(columns)))
        return read_parquet(path, columns=columns, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export, "BATCH_ROWS", SMALL)
        patch.setattr(export, "MAX_TYPESET_ROWS", 5)
        patch.setattr(pd, "read_parquet", spy)
        _draw(cfg, done, "corpus", "slogans", "targets", "reuse")
    return reads


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_the_drawing_steps_never_read_a_per_document_table_whole(built, drawn):
    """The corpus, slogans, targets and reuse steps read their per-document tables a batch at a
    time (the concordance's slogans and document ids whole, for the page's choice), and write
    them as the whole tables were written."""
    from analysis.corpus import tables as corpus_tables

    cfg, done = built
    reads = drawn
    assert not [r for r in reads if r[0] in ("slogans/counts.parquet", "targets/documents.parquet",
                                             "reuse/documents.parquet", "slogans/documents.parquet") and r[1] is None]
    assert {r[1] for r in reads if r[0] == "slogans/concordance.parquet"} == {("slogan", "doc_id")}
    assert not [r for r in reads if r[0] == "corpus/documents.parquet" and (r[1] is None or "title" in r[1])]

    data, fig = Path(cfg.paths.data), Path(cfg.paths.figures)
    expected = {
        "slogan_counts.csv": pd.read_parquet(data / "slogans" / "counts.parquet")[
            ["doc_id", "slogan", "n_all", "n_longest"]],
        "slogan_concordance.csv": pd.read_parquet(data / "slogans" / "concordance.parquet"),
        "targets_documents.csv": pd.read_parquet(data / "targets" / "documents.parquet"),
        "reuse_passages.csv": pd.read_parquet(data / "reuse" / "passages.parquet"),
        "corpus_unknown_metadata.csv": corpus_tables.unknown_metadata(done["corpus"].metadata)}
    for name, frame in expected.items():
        assert (fig / name).read_bytes() == _csv(frame), name


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_the_reuse_page_is_the_one_the_whole_tables_make(built, drawn):
    from analysis.publishing.draw import _texts
    from analysis.publishing.pages import reuse_html

    cfg, done = built
    data = Path(cfg.paths.data)
    docs, passages = (pd.read_parquet(data / "reuse" / f"{t}.parquet") for t in ("documents", "passages"))
    assert (docs["chars_reused"] > 0).any()
    texts = _texts(data / "corpus" / "documents.parquet", set(docs.loc[docs["chars_reused"] > 0, "doc_id"]))
    references = len(done["reuse"].tables["reference"])
    page = reuse_html(docs, passages, texts, "Passages that repeat the central texts",
                      f"Each document's passages that repeat a passage of the reference ({references} texts), verbatim "
                      "or with small edits (docs/reuse.md); the documents with most reuse first, at most 100.")
    assert (Path(cfg.paths.figures) / "reuse_view.html").read_text(encoding="utf-8") == page


def _page_rows(html: str) -> list:
    return json.loads(re.search(r"const rows = (.*);\n", html).group(1))


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_the_concordance_page_shows_a_fixed_number_of_each_slogan_and_says_how_many(built, monkeypatch, tmp_path):
    from analysis.slogans.matcher import RULE_TEXT

    cfg, done = built
    cfg = cfg.with_paths(figures=tmp_path)
    fig = tmp_path
    whole = pd.read_parquet(Path(cfg.paths.data) / "slogans" / "concordance.parquet")
    counts = whole["slogan"].value_counts()
    assert counts.max() > 3 and counts.min() <= 3
    monkeypatch.setattr(pages, "CONCORDANCE_PAGE_OCCURRENCES", 3)
    _draw(cfg, done, "slogans")
    html = (fig / "slogan_concordance.html").read_text(encoding="utf-8")
    rows = _page_rows(html)
    shown = int(counts.clip(upper=3).sum())
    assert f"This page shows {shown:,} of the {len(whole):,} occurrences, at most 3 of each slogan" in html
    assert "every occurrence is in slogan_concordance.csv" in html
    assert len(rows) == shown
    assert pd.Series([r[0] for r in rows]).value_counts().to_dict() == counts.clip(upper=3).to_dict()
    assert f"all slogans ({len(counts)})" in html   # every slogan can still be chosen
    assert (fig / "slogan_concordance.csv").read_bytes() == _csv(whole)

    # a corpus whose slogans each occur at most as often as the page shows: the page of every occurrence
    monkeypatch.setattr(pages, "CONCORDANCE_PAGE_OCCURRENCES", int(counts.max()))
    _draw(cfg, done, "slogans")
    sp = cfg.slogans
    assert (fig / "slogan_concordance.html").read_text(encoding="utf-8") == pages.concordance_html(
        whole, "Slogan concordance", f"Every occurrence of every lexicon slogan ({RULE_TEXT[sp.rule]}), "
        f"with {sp.context_chars} characters of context.")


def _first_by_digest(keys: pd.DataFrame, per_item: int) -> list[int]:
    """The rows the page shows, the plain way."""
    digest = [int(hashlib.sha1(d.encode()).hexdigest()[:16], 16) for d in keys["doc_id"]]
    chosen = []
    for _, group in keys.assign(digest=digest, position=range(len(keys))).groupby("slogan"):
        chosen += list(group.sort_values(["digest", "position"])["position"][:per_item])
    return sorted(chosen)


@pytest.mark.parametrize("seed", range(5))
def test_the_shown_occurrences_are_those_of_the_documents_first_by_digest(seed):
    rng = np.random.default_rng(seed)
    n = 400
    slogans = ["稳中求进", "高质量发展", "共同富裕", "新质生产力"]
    keys = pd.DataFrame({"slogan": rng.choice(slogans, n, p=[.6, .3, .09, .01]),
                         "doc_id": [f"{d:05d}_doc" for d in rng.integers(0, 120, n)]})
    keys = keys.sort_values(["slogan", "doc_id"], kind="stable").reset_index(drop=True)
    for per_item in (1, 5, 50, 1000):
        shown = pages.shown_occurrences(keys, per_item)
        assert list(shown) == _first_by_digest(keys, per_item)
        per_slogan = keys.iloc[shown]["slogan"].value_counts().to_dict()
        assert per_slogan == keys["slogan"].value_counts().clip(upper=per_item).to_dict()
    # the choice is the documents', not the table's order: shuffled rows give the same documents
    shuffled = keys.sample(frac=1, random_state=seed).reset_index(drop=True)
    pairs = lambda k, s: sorted(map(tuple, k.iloc[s][["slogan", "doc_id"]].to_numpy()))
    assert pairs(shuffled, pages.shown_occurrences(shuffled, 5)) == pairs(keys, pages.shown_occurrences(keys, 5))
    assert len(pages.shown_occurrences(keys.iloc[:0], 5)) == 0


def _report_tables() -> list[tuple]:
    """The @table directives of the report template: (name, rows, cols, sort, where)."""
    found = []
    template = ROOT / "analysis" / "publishing" / "templates" / "report.md.j2"
    for line in template.read_text(encoding="utf-8").splitlines():
        if line.startswith("@table "):
            name, *options = line.split("|")[0].split()[1:]
            o = dict(x.split("=", 1) for x in options)
            found.append((name, int(o["rows"]) if "rows" in o else None, o["cols"].split(",") if "cols" in o else None,
                          o.get("sort"), o.get("where")))
    return found


@pytest.mark.slow  # builds four stages on the seeds (once for the module) and draws them
def test_a_report_table_read_by_its_columns_is_the_whole_table_read_then_cut(built, drawn):
    """The report reads only the columns a table shows, sorts by and filters on: what it shows is what
    reading the whole CSV and cutting it gives, for every table of the report the seeds have."""
    from analysis.publishing.report_facts import read_output_table

    cfg, done = built
    fig = Path(cfg.paths.figures)
    checked = 0
    for name, rows, cols, sort, where in _report_tables():
        if not (fig / f"{name}.csv").exists() or not cols:
            continue
        cut = read_output_table(fig, name, rows, cols, sort, where)
        whole = read_output_table(fig, name, None, None, sort, where)
        expected = whole[[c for c in cols if c in whole.columns]]
        pd.testing.assert_frame_equal(cut, expected.head(rows) if rows else expected)
        assert cut.attrs["total_rows"] == len(whole)
        checked += 1
    assert checked >= 3
