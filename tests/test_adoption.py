"""The adoption stage (issue 33): first uses exact, censoring and intervals right, the centre's clock,
the province borders, and the adoption model calibrated (a fast version of bench/adoption_calibration.py)."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.diffusion.models import hazard_model, km_curves
from analysis.diffusion.neighbours import adjacency
from analysis.corpus.reference import year_in_name as _year_in_name
from analysis.diffusion.simulate import fit_planted, planted_corpus
from analysis.diffusion.timing import document_dates, first_uses, with_reference
from tests.conftest import ROOT


def test_province_borders_are_symmetric_and_cover_every_province():
    near = adjacency()
    assert len(near) == 34 and all(p in near[q] for p in near for q in near[p])
    assert near["浙江省"] == {"上海市", "江苏省", "安徽省", "江西省", "福建省"}
    assert "海南省" not in adjacency(sea=False) and near["海南省"] == {"广东省"}


def test_a_document_is_dated_by_its_meeting_then_publication_then_quarter_then_year():
    docs = pd.DataFrame({"doc_id": list("abcde"),
                         "meeting_date": ["2022-07-22", None, None, None, None],
                         "pub_date": ["2022-07-23", "2022-04-27", None, None, None],
                         "quarter": ["2022Q3", "2022Q1", "2021Q2", None, None],
                         "year": pd.array([2022, 2022, 2021, 2020, None], dtype="Int64")})
    dated = document_dates(docs).set_index("doc_id")
    assert list(dated.index) == list("abcd")                   # e has no date: left out
    assert dated.loc["a", "date"] == pd.Timestamp("2022-07-22") and dated.loc["a", "date_rule"] == "meeting_date"
    assert dated.loc["b", "date_rule"] == "pub_date"
    assert dated.loc["c", "date"] == pd.Timestamp("2021-04-01") and dated.loc["c", "date_rule"] == "quarter"
    assert dated.loc["d", "date"] == pd.Timestamp("2020-01-01") and dated.loc["d", "date_rule"] == "year"


def test_first_uses_are_exact_with_their_interval_exposure_and_censoring():
    day = pd.Timestamp
    dated = pd.DataFrame({"doc_id": ["a1", "a2", "a3", "b1", "b2", "c1"], "unit": ["A", "A", "A", "B", "B", "C"],
                          "date": [day("2020-01-10"), day("2020-05-02"), day("2020-09-01"), day("2020-02-01"),
                                   day("2021-03-01"), day("2020-06-01")], "date_rule": "meeting_date"})
    uses = pd.DataFrame({"doc_id": ["a2", "a3", "b2"], "slogan": "双过半", "n": [2, 1, 1]})
    passages = pd.DataFrame({"slogan": ["双过半"], "doc_id": ["a2"], "passage": ["冲刺【双过半】"]})
    t = first_uses(dated, uses, passages, ["双过半"], min_docs=2).set_index("unit")
    assert t.loc["A", "first_doc_id"] == "a2" and t.loc["A", "first_date"] == day("2020-05-02")
    assert t.loc["A", "last_without"] == day("2020-01-10") and t.loc["A", "exposure"] == 1
    assert t.loc["A", "passage"] == "冲刺【双过半】" and t.loc["A", "uses_first_doc"] == 2
    assert t.loc["B", "first_doc_id"] == "b2" and t.loc["B", "last_without"] == day("2020-02-01")
    assert bool(t.loc["B", "thin"])                             # 2 documents over 5 quarters: seen in 2 of them
    assert bool(t.loc["C", "censored"]) and t.loc["C", "last_without"] == day("2020-06-01") and t.loc["C", "thin"]
    ref = pd.DataFrame({"slogan": ["双过半"], "ref_date": [day("2020-03-05")], "ref_doc_id": ["gwr2020"],
                        "ref_passage": [""], "ref_date_rule": ["file name"]})
    t = with_reference(t.reset_index(), ref).set_index("unit")
    assert t.loc["A", "lag_days"] == 58 and not t.loc["A", "before_centre"]
    assert pd.isna(t.loc["C", "lag_days"])


def test_kaplan_meier_curve_rises_to_the_adopted_share_with_intervals():
    day = pd.Timestamp
    table = pd.DataFrame({"slogan": "s", "unit": list("ABCD"), "censored": [False, False, True, False],
                          "first_date": [day("2020-02-01"), day("2020-03-01"), pd.NaT, day("2020-05-01")],
                          "window_start": day("2020-01-01"), "window_end": day("2020-12-31"),
                          "ref_date": day("2020-01-01")})
    curve = km_curves(table)
    assert curve["adopted_share"].iloc[-1] == pytest.approx(0.75) and curve["adopted_share"].is_monotonic_increasing
    assert (curve["low"] <= curve["adopted_share"]).all() and (curve["adopted_share"] <= curve["high"]).all()
    assert curve["days"].iloc[1] == 31 and curve["date"].iloc[0] == pd.Timestamp("2020-01-01")


def test_a_file_named_by_its_year_dates_a_reference_report():
    assert _year_in_name("texts/2013.txt") == 2013 and _year_in_name("gwr_2013_zh.txt") == 2013
    assert _year_in_name("report.txt") is None and _year_in_name("2013-2017.txt") is None


@pytest.mark.slow
def test_the_model_is_calibrated_on_planted_and_random_adoption_dates():
    """Fast version of bench/adoption_calibration.py: 12 replicates each (the bench runs 100)."""
    covered, false = [], []
    for seed in range(12):
        p = planted_corpus(np.random.default_rng(1000 + seed), beta=0.7, gamma=1.0)
        table, model = fit_planted(p)
        x = model.set_index("term").loc["x"]
        covered.append(x.low <= 0.7 <= x.high)
        first = p.uses.merge(p.dated, on="doc_id").sort_values(["date", "doc_id"]).drop_duplicates(["slogan", "unit"])
        found = table[~table["censored"]].set_index(["slogan", "unit"])["first_doc_id"].astype(str)
        assert found.sort_index().equals(first.set_index(["slogan", "unit"])["doc_id"].sort_index().rename("first_doc_id"))
        p0 = planted_corpus(np.random.default_rng(seed))
        false.append((fit_planted(p0)[1].set_index("term").loc[["x", "neighbours_adopted"], "p_value"] < 0.05).sum())
    assert sum(covered) >= 10 and sum(false) <= 3


def test_the_map_shuffle_recomputes_the_neighbour_share_from_the_same_first_uses():
    """The permutation test's column: with the map as it is, the share person_periods computed; with
    the units' places shuffled, each unit has the degree of the place it took and the share of that
    place's neighbours' occupants that adopted earlier."""
    from analysis.diffusion.models import Neighbourhood, person_periods
    from analysis.diffusion.neighbours import adjacency
    from analysis.diffusion.timing import coverage

    p = planted_corpus(np.random.default_rng(3), beta=0.0, gamma=1.0)
    table, _ = fit_planted(p)
    cov = coverage(p.dated)
    rows = person_periods(table, cov, adjacency(sea=True))
    places = Neighbourhood(rows, adjacency(sea=True), sorted(cov["unit"].unique()))
    assert np.allclose(places.shares(), rows["neighbours_adopted"])
    assert np.allclose(places.shares(np.arange(len(places.placed))), rows["neighbours_adopted"])
    order = np.random.default_rng(0).permutation(len(places.placed))
    shuffled = places.shares(order)
    assert not np.allclose(shuffled, rows["neighbours_adopted"]) and ((0 <= shuffled) & (shuffled <= 1)).all()
    # by hand for one row: unit u sits in place w; its neighbours are the occupants of w's neighbours
    units = sorted(cov["unit"].unique())
    row = rows[rows["neighbours_adopted"] > 0].iloc[0]
    u = units.index(row.unit)
    k = int(np.flatnonzero(places.placed == u)[0])
    place = units[places.placed[order[k]]]
    occupant = {units[places.placed[order[j]]]: units[places.placed[j]] for j in range(len(order))}
    near = [occupant[v] for v in adjacency(sea=True)[place] if v in occupant]
    first = rows[(rows["slogan"] == row.slogan) & (rows["event"] == 1)].set_index("unit")["period_index"]
    want = np.mean([v in first.index and first[v] < row.period_index for v in near])
    assert shuffled[row.name] == pytest.approx(want)


def test_a_cross_section_gives_no_model_but_a_reason():
    rows = pd.DataFrame({"slogan": "s", "unit": [f"u{i}" for i in range(12)] * 2, "period": "2025Q1",
                         "event": [1, 0] * 12, "neighbours_adopted": 0.0, "log_documents": 0.0, "time": 0})
    out = hazard_model(rows, [])
    assert out["status"].iloc[0].startswith("no term of the model varies")


def test_too_few_units_or_first_uses_give_no_model_but_a_reason():
    rows = pd.DataFrame({"slogan": "s", "unit": list("ABC") * 4, "period": "2020Q1", "event": [1, 0, 0] * 4,
                         "neighbours_adopted": 0.0, "log_documents": 0.0, "time": 0})
    out = hazard_model(rows, [])
    assert out["status"].iloc[0].startswith("too few first uses")


@pytest.mark.slow
def test_the_adoption_command_on_the_seeds(tmp_path):
    from analysis.cli import main

    assert main(["adoption", "--corpus", str(ROOT / "seeds"), "--data", str(tmp_path / "d"), "--figures",
                 str(tmp_path / "f"), "--quiet"]) == 0
    table = pd.read_parquet(tmp_path / "d" / "adoption" / "first_uses.parquet")
    assert set(table["unit"]) == {"浙江省", "河南省", "湖南省"}
    used = table[~table["censored"]]
    assert used["first_doc_id"].notna().all() and (used["passage"].str.contains("【")).all()


def test_documents_dated_a_few_at_a_time_give_the_same_tables(tmp_path, monkeypatch):
    from analysis.cli import main
    from analysis.diffusion import stage

    args = ["--corpus", str(ROOT / "seeds"), "--figures", str(tmp_path / "f"), "--quiet"]
    assert main(["adoption", "--data", str(tmp_path / "whole"), *args]) == 0
    monkeypatch.setattr(stage, "SLICE", 2)
    assert main(["adoption", "--data", str(tmp_path / "sliced"), *args]) == 0
    for name in stage.TABLES:
        whole, sliced = (pd.read_parquet(tmp_path / d / "adoption" / f"{name}.parquet") for d in ("whole", "sliced"))
        pd.testing.assert_frame_equal(whole, sliced)
    assert pd.read_parquet(tmp_path / "sliced" / "adoption" / "first_uses.parquet")["censored"].eq(False).sum() > 2


@pytest.mark.slow
def test_the_adoption_notebook_runs_on_the_cctv_items_against_the_national_reports(tmp_path, monkeypatch):
    from tests.test_pipeline import run_notebook

    shared = ROOT.parent / "shared" / "corpora"
    if not (shared / "xwlb_cctv_news" / "sample_full_text").is_dir() or not (shared / "gwr_national" / "texts").is_dir():
        pytest.skip("the adoption notebook runs on ../shared/corpora's CCTV items and national reports, absent here")
    monkeypatch.setenv("TIFA_CCTV_YEARS", "2013-2014")
    run_notebook("06_slogan_adoption.ipynb", tmp_path)
    first = pd.read_parquet(tmp_path / "data" / "adoption_cctv" / "data" / "adoption" / "first_uses.parquet")
    used = first[~first["censored"]]
    assert used["unit"].nunique() >= 20 and used["ref_date"].notna().any() and (used["passage"] != "").all()


def _first_uses_by_merge(dated, uses, slogans, period):
    """The first uses as the stage found them before it matched uses to documents by number: the uses
    merged with the dated documents, sorted by slogan, unit, date and id, the first of each pair."""
    from analysis.diffusion.timing import period_of

    used = uses[(uses["n"] > 0) & uses["slogan"].isin(slogans)].merge(dated, on="doc_id")
    used = used.sort_values(["slogan", "unit", "date", "doc_id"], kind="stable")
    first = used.drop_duplicates(["slogan", "unit"], keep="first")
    return {(r.slogan, r.unit): (r.doc_id, r.n, r.date, str(period_of(pd.Series([r.date]), period).iloc[0]))
            for r in first.itertuples()}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), period=st.sampled_from(["quarter", "year"]), categorical=st.booleans())
def test_first_uses_by_number_are_those_of_the_merge(seed, period, categorical):
    """Ties on a day (broken by id), a document's repeated rows, zero counts, documents without a
    date, slogans not followed, and the windows, exposures and coverage by hand."""
    from analysis.diffusion.timing import coverage

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    days = pd.Timestamp("2019-12-30") + pd.to_timedelta(rng.integers(0, 900, n) // 7 * 7, unit="D")   # ties
    dated = pd.DataFrame({"doc_id": rng.permutation(n), "unit": rng.choice(["甲", "乙", "丙", "A"], n),
                          "date": days, "date_rule": rng.choice(["pub_date", "quarter"], n)})
    k = int(rng.integers(0, 80))
    uses = pd.DataFrame({"doc_id": rng.integers(0, n + 5, k), "slogan": rng.choice(["双过半", "开门红", "稳中求进"], k),
                         "n": rng.integers(0, 3, k)})
    if categorical:
        uses["slogan"] = uses["slogan"].astype("category")
    slogans = ["双过半", "开门红"]
    t = first_uses(dated, uses, pd.DataFrame(columns=["slogan", "doc_id", "passage"]), slogans, period, min_docs=3,
                   doc_ids=lambda numbers: np.array([str(i) for i in numbers], dtype=object))   # as the stage numbers them
    want = _first_uses_by_merge(dated, uses.astype({"slogan": object}), slogans, period)
    got = {(r.slogan, r.unit): (int(r.first_doc_id), r.uses_first_doc, r.first_date, r.first_period)
           for r in t[~t["censored"]].itertuples()}
    assert got == want
    assert len(t) == len(slogans) * dated["unit"].nunique()
    for r in t.itertuples():
        dates = np.sort(dated.loc[dated["unit"] == r.unit, "date"].to_numpy())
        assert r.documents == len(dates) and r.window_start == dates[0] and r.window_end == dates[-1]
        assert r.exposure == (len(dates) if r.censored else int((dates < np.datetime64(r.first_date)).sum()))
    cov = coverage(dated, period)
    assert cov["documents"].sum() == n and cov.groupby("unit")["documents"].sum().to_dict() == \
        dated.groupby("unit").size().to_dict()
