"""The targets of work reports: the rules on the sentences of the genre, and the 31 provincial reports
of 2025 against the hand-made gold table (bench/gold/targets_provincial_2025.csv)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.target_setting.accuracy import score
from analysis.target_setting.extract import parse_targets, report_targets, targets_passage

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "bench" / "gold" / "targets_provincial_2025.csv"


def _one(text: str) -> dict:
    return {t.indicator: (t.low, t.high, t.qualifier, t.unit, t.direction, t.stretch) for t in parse_targets(text)}


@pytest.mark.parametrize("text, indicator, want", [
    ("地区生产总值增长5%左右", "gdp", (5, 5, "about", "%", "growth", None)),
    ("经济增长6％左右", "gdp", (6, 6, "about", "%", "growth", None)),
    ("全省地区生产总值增长5.0%—5.5%，根据实际情况争取更好的结果", "gdp", (5, 5.5, "range", "%", "growth", None)),
    ("地区生产总值增长7%以上、力争达到8%", "gdp", (7, None, "at_least", "%", "growth", 8)),
    ("城镇调查失业率控制在5.5%以内", "unemployment_surveyed", (None, 5.5, "at_most", "%", "level", None)),
    ("城镇新增就业110万人以上", "new_urban_jobs", (110, None, "at_least", "万人", "level", None)),
    ("单位地区生产总值能耗降低3.5%左右", "energy_intensity", (3.5, 3.5, "about", "%", "decrease", None)),
    ("粮食产量1300亿斤以上", "grain_output", (1300, None, "at_least", "亿斤", "level", None)),
    ("一般公共预算收入增长3%", "budget_revenue", (3, 3, "point", "%", "growth", None)),
    ("单位地区生产总值能耗降低完成国家下达目标", "energy_intensity", (None, None, "as_assigned", "", "decrease", None)),
    ("居民收入增长与经济增长同步", "income", (None, None, "in_step", "", "growth", None)),
])
def test_one_target_per_form_of_the_genre(text, indicator, want):
    got = _one(text)
    assert got[indicator] == want
    assert "gdp" not in got or indicator == "gdp"   # 与经济增长同步 is a comparison, not a GDP target


def test_lists_several_names_and_verdicts_read_in_order():
    got = _one("城镇新增就业47万人左右、城镇调查失业率5.5%左右")
    assert got["new_urban_jobs"][:3] == (47, 47, "about") and got["unemployment_surveyed"][:3] == (5.5, 5.5, "about")
    # 分别: names before it take the numbers after it; a qualifier written once applies to each
    got = _one("城镇、农村居民人均可支配收入分别增长5%、6.5%左右")
    assert got["urban_income"][:3] == (5, 5, "about") and got["rural_income"][:3] == (6.5, 6.5, "about")
    got = _one("城镇调查失业率、居民消费价格涨幅分别控制在5%和3%以内")
    assert got["unemployment_surveyed"][:3] == (None, 5, "at_most") and got["cpi"][:3] == (None, 3, "at_most")
    got = _one("城镇和农村常住居民人均可支配收入分别增长6.5%左右、7.5%左右")
    assert got["urban_income"][0] == 6.5 and got["rural_income"][0] == 7.5
    # one verdict after several names, and a verdict before the name
    got = _one("粮食产量和粮食播种面积、单位地区生产总值能耗降低及生态环境质量指标完成国家下达目标任务")
    assert got["grain_output"][2] == got["energy_intensity"][2] == "as_assigned"
    assert _one("确保完成国家下达的“十四五”能耗强度下降目标")["energy_intensity"][2] == "as_assigned"


def test_the_passage_its_year_and_last_years_outcomes():
    text = ("过去一年，全省地区生产总值连跨4个千亿台阶，2024年达到1.3万亿元、增长5.8%。城镇调查失业率控制在5.5%以内。"
            "居民消费价格下降0.3%。粮食增产4亿斤，总产466亿斤。\n"
            "2025年经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，城镇调查失业率5.5%左右，"
            "居民消费价格涨幅2%左右，粮食产量470亿斤以上。\n"
            "确定这些目标，主要考虑了以下因素。经济增长目标设定为5.5%左右，是积极的。")
    rows, span = report_targets(text, None)
    got = {r["indicator"]: r for r in rows}
    assert text[span[0]:span[1]].startswith("地区生产总值") and span[1] == text.index("\n确定")
    assert {r["year"] for r in rows} == {2025} and len(rows) == 4
    assert got["gdp"]["outcome_low"] == 5.8                      # name and number in different clauses
    assert pd.isna(got["unemployment_surveyed"]["outcome_low"])  # 控制在…以内 is a bound kept, not a value
    assert got["cpi"]["outcome_low"] == -0.3                     # a fall of prices is negative
    assert got["grain_output"]["outcome_low"] == 466             # 增产4亿斤 is a change, not the output


def test_texts_without_a_targets_passage_have_no_targets():
    assert targets_passage("经济增速保持在年初确定的预期目标区间内。我们有信心实现今年发展的主要预期目标任务。") is None
    assert report_targets("今年4月我们及时提出把稳增长放在更加重要的位置，地区生产总值增长5%。", 2024) == ([], None)


@pytest.mark.slow
def test_the_provincial_reports_of_2025_against_the_gold(corpora, tmp_path):
    """Every GDP target right, and the other indicators at least 95% precision and recall (two
    annotators' agreed table; bench/targets_accuracy.py prints the whole comparison)."""
    from analysis.cli import main

    folder = corpora / "gwr_provincial_2025"
    if not folder.is_dir():
        pytest.skip("gwr_provincial_2025 is absent")
    assert main(["targets", "--corpus", str(folder), "--data", str(tmp_path / "d"), "--figures", str(tmp_path / "f"),
                 "--quiet"]) == 0
    found = pd.read_parquet(tmp_path / "d" / "targets" / "targets.parquet")
    found["file"] = found["doc_id"].str.replace("texts/", "", regex=False) + ".txt"
    result = score(found, pd.read_csv(GOLD, dtype=str))
    assert result["per_indicator"]["gdp"] == {"gold": 31, "found": 31, "right": 31}
    assert result["precision"] >= 0.95 and result["recall"] >= 0.95
    assert result["outcomes_right"] >= 0.95 * result["outcomes_gold"]
    assert found.groupby("doc_id")["place"].first().nunique() == 31


def test_grain_in_two_units_is_drawn_in_one_read_back_from_parquet(tmp_path):
    """亿斤 and 万吨 targets of grain convert to 万吨 (1 亿斤 = 5 万吨), outcomes too, also when the
    table comes back from Parquet with string columns (the figures read it so)."""
    from analysis.target_setting.indicators import in_common_units

    rows = pd.DataFrame({"indicator": ["grain_output", "grain_output", "grain_output", "gdp"],
                         "unit": ["亿斤", "万吨", "", "%"], "low": [880.0, 1955.0, None, 5.0],
                         "high": [None, None, None, 5.0], "stretch": [None, None, None, None],
                         "outcome_low": [853.2, 1993.5, None, 5.2], "outcome_unit": ["亿斤", "万吨", "", "%"]})
    rows.to_parquet(tmp_path / "t.parquet")
    back = pd.read_parquet(tmp_path / "t.parquet")
    for table in (rows, back):
        out = in_common_units(table)
        assert out.loc[0, "low"] == 4400 and out.loc[0, "outcome_low"] == pytest.approx(4266)
        assert list(out["unit"]) == ["万吨", "万吨", "", "%"] and out.loc[3, "low"] == 5.0


def test_the_year_comes_from_the_passage_the_document_or_the_files_name_with_its_rule():
    from analysis.target_setting.stage import targets_tables

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "source_file": ["2016.txt", "2016.txt", "notes.txt"],
                         "text": ["今年发展的主要预期目标是：国内生产总值增长6.5%—7%。",
                                  "2019年经济社会发展主要预期目标是：地区生产总值增长6%左右。",
                                  "今年发展的主要预期目标是：国内生产总值增长6%以上。"],
                         "year": pd.array([None, 2018, None], dtype="Int64"), "title": "t", "province": None})
    t, _ = targets_tables(docs)
    got = t.set_index("doc_id")[["year", "year_rule"]]
    assert tuple(got.loc["a"]) == (2016, "the file's name") and tuple(got.loc["b"]) == (2019, "named in the passage")
    assert pd.isna(got.loc["c", "year"]) and got.loc["c", "year_rule"] == "unknown"
