"""The reuse stage: its tables from documents and a reference, the years a document is aligned with, the
per-unit share and its interval, the command on the seeds with a reference of the user's, and the 31
provincial reports against the national reports of 2024 and 2025 (../shared/corpora)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.reuse.simulate import coverage
from analysis.reuse.stage import reuse_tables

ROOT = Path(__file__).resolve().parent.parent
CENTRE = ("做好今年工作，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局，扎实推动高质量发展。"
          "今年发展主要预期目标是：国内生产总值增长5%左右。各位代表！让我们紧密团结在以习近平同志为核心的党中央周围，"
          "为全面建设社会主义现代化国家而努力奋斗！")
LOCAL = ["我们召开全县经济形势分析会，研究部署下一阶段工作。要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，"
         "加快构建新发展格局，扎实推动高质量发展。全县上下要抓项目、促投资。",
         "今天的会议主要是通报前三季度经济运行情况，各乡镇要对照目标任务查漏补缺，确保全年目标顺利完成。",
         "全市生产总值增长5%左右。让我们紧密团结在以习近平同志为核心的党中央周围，为全面建设社会主义现代化国家而努力奋斗！"]


def _docs(years=(2024, 2024, 2025)) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["a", "b", "c"], "text": LOCAL, "title": ["A", "B", "C"],
                         "province": ["浙江省", "浙江省", "河南省"], "year": pd.array(years, dtype="Int64"),
                         "quarter": ["2024Q3", "2024Q3", "2025Q1"]})


def _refs(year=2024) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["centre"], "text": [CENTRE], "source_file": ["2024.txt"], "title": ["report"],
                         "year": pd.array([None], dtype="Int64"), "file_year": pd.array([year], dtype="Int64")})


def test_the_tables_give_passages_shares_units_and_the_central_sentences():
    t = reuse_tables(_docs(), _refs())
    p = t["passages"]
    assert set(p["doc_id"]) == {"a", "c"}                                  # b repeats nothing
    for r in p.itertuples():                                              # offsets into the stored texts
        assert LOCAL["ac".index(r.doc_id) * 2][r.start:r.end] == r.text and CENTRE[r.ref_start:r.ref_end] == r.ref_text
    assert "坚持稳中求进工作总基调，完整准确全面贯彻新发展理念" in p.loc[p["doc_id"] == "a", "text"].iloc[0]
    docs = t["documents"].set_index("doc_id")
    assert docs.loc["b", "share"] == 0 and docs.loc["a", "share"] > 0.3 and docs.loc["c", "ref_id"] == "centre"
    units = t["units"].set_index(["unit", "period"])
    zj = units.loc[("浙江省", "2024")]
    assert zj["documents"] == 2 and zj["documents_reusing"] == 1 and zj["thin"]
    # two periods: each unit also over both of them ("all", what the figure and the map show)
    assert set(units.index.get_level_values("period")) == {"2024", "2025", "all"}
    assert units.loc[("浙江省", "all"), "share"] == zj["share"] and units.loc[("河南省", "all"), "documents"] == 1
    assert zj["share"] == pytest.approx(docs.loc[["a", "b"], "chars_reused"].sum() / docs.loc[["a", "b"], "chars"].sum())
    assert zj["low"] <= zj["share"] <= zj["high"] <= 1
    central = t["central"]
    closing = central[central["text"].str.startswith("让我们紧密团结")]
    assert closing["units"].iloc[0] == 1 and closing["unit_list"].iloc[0] == "河南省"
    assert t["reference"]["year"].iloc[0] == 2024                        # the year of the file's name


def test_years_before_aligns_a_document_with_the_references_of_its_years_only():
    every = reuse_tables(_docs(), _refs(2024), years_before=-1)["passages"]
    same = reuse_tables(_docs(), _refs(2024), years_before=0)["passages"]
    assert set(every["doc_id"]) == {"a", "c"} and set(same["doc_id"]) == {"a"}   # c is of 2025
    assert set(reuse_tables(_docs(), _refs(2024), years_before=1)["passages"]["doc_id"]) == {"a", "c"}
    undated = reuse_tables(_docs((None, None, None)), _refs(2024), years_before=0)["passages"]
    assert set(undated["doc_id"]) == {"a", "c"}                         # without a year: every reference


def test_without_a_reference_the_tables_are_empty_not_an_error():
    t = reuse_tables(_docs(), _refs().iloc[:0])
    assert t["passages"].empty and t["central"].empty and (t["documents"]["share"] == 0).all()


def test_the_unit_share_interval_covers_at_about_the_nominal_rate():
    """Fast version of bench/reuse_calibration.py: over-dispersed documents (Beta shares, log-normal
    lengths), 30 documents per unit."""
    rng = np.random.default_rng(7)
    assert 0.92 <= coverage(rng, 30, 0.05, 10.0, 400) <= 0.99
    assert 0.92 <= coverage(rng, 30, 0.2, 2.0, 400) <= 0.99


@pytest.mark.slow
def test_the_reuse_command_with_a_reference_of_ones_own(tmp_path, monkeypatch):
    """On the seeds, against a reference folder holding a passage of one of them (lightly edited) and
    unrelated text: the passage is found in that document, with its offsets, and nothing else is. A
    relative --reference is relative to where the command runs (not to tifa.toml)."""
    from analysis.cli import main

    data = tmp_path / "d"
    assert main(["corpus", "--corpus", str(ROOT / "seeds"), "--data", str(data), "--figures", str(tmp_path / "f"),
                 "--quiet"]) == 0
    docs = pd.read_parquet(data / "corpus" / "documents.parquet", columns=["doc_id", "text", "lang"])
    host = docs[docs["lang"] == "zh"].sort_values("doc_id").iloc[0]
    body = host.text.replace("\n", "")
    passage = max(body.split("。"), key=len)[:80]
    reference = tmp_path / "central"
    reference.mkdir()
    (reference / "2024.txt").write_text("国务院常务会议指出，" + passage.replace("全县", "全国") + "。会议还研究了其他事项，"
                                        "部署了秋冬季森林防火和安全生产工作。", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["reuse", "--corpus", str(ROOT / "seeds"), "--data", str(data), "--figures", str(tmp_path / "f"),
                 "--reference", "central", "--quiet"]) == 0
    found = pd.read_parquet(data / "reuse" / "passages.parquet")
    assert set(found["doc_id"]) == {host.doc_id} and found["ref_id"].eq("2024").all()
    covered = host.text[found["start"].min():found["end"].max()].replace("\n", "")
    assert passage[5:-5] in covered and len(covered) <= len(passage) + 10


@pytest.mark.slow
def test_the_provincial_reports_against_the_national_reports_of_2024_and_2025(corpora, tmp_path):
    """The natural design: 31 reports against the national reports of the same and the previous year.
    Every province repeats the centre; the time is measured in bench (a few seconds)."""
    from analysis.cli import main

    config = tmp_path / "tifa.toml"
    config.write_text(f'[paths]\ncorpus = "{corpora / "gwr_provincial_2025"}"\ndata = "{tmp_path / "d"}"\n'
                      f'figures = "{tmp_path / "f"}"\n[reuse]\nreference = "{corpora / "gwr_national" / "texts"}"\n'
                      'years_before = 1\n', encoding="utf-8")
    assert main(["reuse", "--config", str(config), "--quiet"]) == 0
    t = {n: pd.read_parquet(tmp_path / "d" / "reuse" / f"{n}.parquet") for n in ("passages", "units", "central")}
    assert set(t["passages"]["ref_id"]) == {"2024", "2025"}              # the same and the previous year only
    assert t["units"]["unit"].nunique() == 31 and (t["units"]["chars_reused"] > 0).all()
    assert t["units"]["thin"].all() and t["units"]["low"].isna().all()   # one report each: no interval
    assert t["central"]["units"].max() >= 15
