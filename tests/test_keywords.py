"""Keyword frequencies, keyness, trends: constructed corpora with known answers, the seeds, statsmodels."""
import numpy as np
import pandas as pd
import pytest
from scipy import sparse, stats

from analysis.pipeline.config import load_config
from analysis.corpus.stage import build_corpus
from analysis.keywords.stage import build_keywords, document_term_matrix
from analysis.stats.inference import group_sums
from analysis.stats.measures import g2 as g2_vector, log_ratio as log_ratio_vector
from analysis.keywords.statistics import (frequencies, keyness, period_index, period_of,
                               period_rates, poisson_trends, trends)
from analysis.text.stage import build_tokens
from tests.conftest import ROOT


def synthetic(seed=0, quarters=("2021Q1", "2021Q2", "2021Q3", "2021Q4", "2022Q1", "2022Q2"), per=25,
              gap=None):
    """Documents with a rising term (共同富裕), a flat one (项目) and filler, one language."""
    rng = np.random.default_rng(seed)
    rows, toks = [], []
    for k, q in enumerate(quarters):
        if q == gap:
            continue
        for i in range(per):
            n = int(rng.integers(150, 300))
            rising = rng.poisson(n * 0.002 * np.exp(0.45 * k))
            flat = rng.poisson(n * 0.01)
            filler = list(rng.choice([f"词{j}" for j in range(60)], size=n))
            doc = [f"{q}-{i}"]
            rows.append({"doc_id": doc[0], "lang": "zh", "quarter": q, "province": "甲省" if i % 2 else "乙省"})
            toks.append({"doc_id": doc[0], "lang": "zh",
                         "tokens": filler + ["共同富裕"] * rising + ["项目"] * flat})
    docs = pd.DataFrame(rows)
    tokens = pd.DataFrame(toks)
    dtm, vocab = document_term_matrix(tokens, docs["doc_id"].tolist())
    docs["length"] = np.asarray(dtm.sum(1)).ravel()
    docs["period"] = docs["quarter"]
    return docs, dtm, vocab


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_rising_term_is_found_and_flat_term_is_not(seed):
    docs, dtm, vocab = synthetic(seed)
    tr = trends(docs, dtm, vocab, "period", "quarter", floor=10).set_index("term")
    assert tr.loc["共同富裕", "class"] == "rising"
    assert tr.loc["共同富裕", "slope_low"] < 0.45 < tr.loc["共同富裕", "slope_high"]
    assert tr.loc["项目", "class"] == "stable"
    assert tr.loc["共同富裕", "mk_tau"] > 0.8 and tr.loc["共同富裕", "sen_slope"] > 0


def test_emerging_and_vanishing():
    docs, dtm, vocab = synthetic(0)
    late = docs["quarter"] >= "2021Q4"
    extra = sparse.csr_matrix(np.c_[np.where(late, 3, 0), np.where(~late, 3, 0)].astype(float))
    dtm2 = sparse.hstack([dtm, extra]).tocsr()
    docs2 = docs.assign(length=docs["length"] + 3)
    tr = trends(docs2, dtm2, vocab + ["新词", "旧词"], "period", "quarter", floor=10).set_index("term")
    assert tr.loc["新词", "class"] == "emerging" and tr.loc["旧词", "class"] == "vanishing"


def test_few_periods_are_said_and_skipped():
    docs, dtm, vocab = synthetic(0, quarters=("2022Q1", "2022Q2", "2022Q3"))
    tr = trends(docs, dtm, vocab, "period", "quarter", floor=10)
    assert tr["mk_note"].str.contains("at least 4 periods").all() and tr["mk_tau"].isna().all()
    one = synthetic(0, quarters=("2022Q1",))
    tr1 = trends(*one, "period", "quarter", floor=10)
    assert tr1["status"].iloc[0].startswith("one period only")


def test_gaps_are_gaps_not_zeros():
    docs, dtm, vocab = synthetic(0, gap="2021Q3")
    rates = period_rates(docs, dtm, vocab, ["项目"], "period", B=50)
    assert "2021Q3" not in set(rates["period"]) and len(rates) == 5
    freq = frequencies(docs, dtm, vocab, "period", terms=["项目"])
    assert "2021Q3" not in set(freq["period"])
    # the gap stays on the calendar: the slope is per quarter, not per observed period
    assert period_index("2021Q4", "quarter") - period_index("2021Q2", "quarter") == 2
    tr = trends(docs, dtm, vocab, "period", "quarter", floor=10).set_index("term")
    assert tr.loc["共同富裕", "slope_low"] < 0.45 < tr.loc["共同富裕", "slope_high"]


def test_poisson_trend_matches_statsmodels_robust_glm():
    import statsmodels.api as sm

    docs, dtm, vocab = synthetic(5)
    t = np.array([period_index(q, "quarter") for q in docs["quarter"]])
    periods, inv = np.unique(t, return_inverse=True)
    fit = poisson_trends(group_sums(inv, len(periods), dtm, docs["length"].to_numpy(float)), periods)
    j = vocab.index("共同富裕")
    y = dtm[:, j].toarray().ravel()
    ref = sm.GLM(y, sm.add_constant(t.astype(float)), family=sm.families.Poisson(),
                 offset=np.log(docs["length"].to_numpy(float))).fit(cov_type="HC0")
    assert fit["slope"][j] == pytest.approx(ref.params[1], rel=1e-7)
    assert fit["se"][j] == pytest.approx(ref.bse[1], rel=1e-6)


def test_keyness_by_hand():
    a, b, A, B = np.array([30.0]), np.array([10.0]), 10_000.0, 20_000.0
    expected_g2 = stats.chi2_contingency([[30, 9970], [10, 19990]], correction=False, lambda_="log-likelihood")[0]
    assert g2_vector(a, b, A, B)[0] == pytest.approx(expected_g2)
    # by hand: E1 = 10000*40/30000, E2 = 20000*40/30000 on the occurrence cells, and the others
    e = np.array([40 * A / 3e4, 29960 * A / 3e4, 40 * B / 3e4, 29960 * B / 3e4])
    o = np.array([30, 9970, 10, 19990])
    assert g2_vector(a, b, A, B)[0] == pytest.approx(2 * np.sum(o * np.log(o / e)))
    assert log_ratio_vector(a, b, A, B)[0] == pytest.approx(np.log2((30 / A) / (10 / B)))


def test_keyness_finds_the_planted_term():
    docs, dtm, vocab = synthetic(0)
    res = keyness(docs, dtm, vocab, "period", B=100, seed=1)
    last = res[(res["period"] == "2022Q2") & (res["status"] == "distinctive")]
    assert "共同富裕" in set(last["term"])
    row = last[last["term"] == "共同富裕"].iloc[0]
    assert row["log_ratio_low"] < row["log_ratio"] < row["log_ratio_high"] and row["q_value"] < 0.05
    assert "项目" not in set(res.loc[res["status"] == "distinctive", "term"])


def test_periods_of_dates():
    d = pd.Series(pd.to_datetime(["2022-07-22", None, "2021-03-31"]))
    assert period_of(d, "quarter").tolist()[0::2] == ["2022Q3", "2021Q1"]
    assert period_of(d, "month").tolist()[0] == "2022-07" and pd.isna(period_of(d, "year")[1])


def test_keywords_stage_on_the_seeds(tmp_path):
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data")
    build_corpus(cfg, progress=False)
    build_tokens(cfg, progress=False)
    result = build_keywords(cfg, progress=False)
    t = result.tables
    assert set(t["documents"]["period"].dropna()) == {"2021Q2", "2022Q1", "2022Q3"}  # 2021Q2: 冲刺双过半
    tr = t["trends"]
    assert (tr.loc[tr["lang"] == "en", "periods"] == 2).all()
    assert tr["mk_note"].dropna().str.contains("at least 4 periods").all()
    # a period with one document: slopes are descriptive, not tested; Chinese: one quarter, no trend
    assert set(tr["class"].dropna()) <= {"not tested", "emerging", "vanishing"}
    assert tr.loc[tr["lang"] == "zh", "status"].str.startswith("one period only (2021Q2)").all()
    assert t["keyness"]["status"].str.startswith("too small").all()
    # English lexicon phrases are counted under the Chinese term
    freq = t["frequencies"]
    assert "营商环境" in set(freq.loc[freq["lang"] == "en", "term"])
    assert not build_keywords(cfg, progress=False).rebuilt


def test_vectorised_mann_kendall_matches_scipy():
    from analysis.keywords.statistics import mann_kendall

    rng = np.random.default_rng(3)
    x = np.array([0, 1, 2, 4, 5, 6, 7, 9], float)  # a gap at 3 and 8
    Y = np.c_[np.arange(8) + rng.normal(0, 1, 8), rng.poisson(1, 8), np.zeros(8), rng.normal(0, 1, 8)]
    Y[:, 1] = [0, 1, 0, 1, 2, 2, 3, 2]  # ties
    tau, p, sen = mann_kendall(x, Y)
    for k in (0, 1, 3):
        # exact for a short untied series (as scipy's exact method), normal with tie correction otherwise
        ref = stats.kendalltau(x, Y[:, k], method="asymptotic" if k == 1 else "exact")
        assert tau[k] == pytest.approx(ref.statistic) and p[k] == pytest.approx(ref.pvalue)
        assert sen[k] == pytest.approx(stats.theilslopes(Y[:, k], x)[0])
    assert np.isnan(tau[2])  # a constant series has no trend statistic


@pytest.mark.parametrize("n", [4, 5, 7, 10])
def test_exact_mann_kendall_for_short_series(n):
    from analysis.keywords.statistics import mann_kendall

    x = np.arange(n, dtype=float)
    Y = np.c_[np.arange(n), np.r_[1, 0, np.arange(2, n)], np.random.default_rng(n).permutation(n)].astype(float)
    _, p, _ = mann_kendall(x, Y)
    for k in range(3):
        assert p[k] == pytest.approx(stats.kendalltau(x, Y[:, k], method="exact").pvalue)
    if n == 4:
        assert p[0] == pytest.approx(1 / 12)  # a monotone series of 4: 2/4!, not the normal 0.041


def test_sparse_periods_are_left_out_and_said():
    docs, dtm, vocab = synthetic(0)
    lonely = pd.DataFrame([{"doc_id": "old", "lang": "zh", "quarter": "2015Q1", "province": "甲省", "period": "2015Q1",
                            "length": 200}])
    docs2 = pd.concat([docs, lonely], ignore_index=True)
    dtm2 = sparse.vstack([dtm, sparse.csr_matrix((1, dtm.shape[1]))]).tocsr()
    tr = trends(docs2, dtm2, vocab, "period", "quarter", floor=10).set_index("term")
    assert tr.loc["共同富裕", "class"] == "rising"  # one lonely early document does not block the analysis
    assert "2015Q1" in tr.loc["共同富裕", "periods_note"] and tr.loc["共同富裕", "first_period"] == "2021Q1"


def test_corpus_stop_words_are_flagged_and_left_out_of_the_figures():
    """A word in most documents trends with the genre: flagged in the trend table, never plotted;
    a lexicon term stays however common it is."""
    import pandas as pd
    from scipy import sparse

    from analysis.keywords.stage import mark_corpus_stopwords, top_trending

    docs = pd.DataFrame({"lang": ["zh"] * 20})
    vocab = ["进行", "高质量发展", "芯片"]
    dtm = sparse.csr_matrix([[1, 1, 1 if i < 4 else 0] for i in range(20)])
    tr = pd.DataFrame({"lang": "zh", "term": vocab, "class": ["rising", "rising", "rising"], "count": [90, 80, 5],
                       "slope": [0.3, 0.2, 0.1]})
    marked = mark_corpus_stopwords(tr, docs, dtm, vocab, 0.5, keep={"高质量发展"})
    assert marked["doc_share"].tolist() == [1.0, 1.0, 0.2]
    assert marked["corpus_stopword"].tolist() == [True, False, False]
    assert top_trending(marked, 3) == ["高质量发展", "芯片"]
    few = mark_corpus_stopwords(tr, docs.head(10), dtm[:10], vocab, 0.5, keep=set())   # 10 documents: no rule
    assert not few["corpus_stopword"].any()


def test_keyness_ranks_terms_even_where_nothing_is_distinctive():
    """One report per province (issue 30): a group of one document is not tested but its most
    over-used terms come ranked with their effect sizes; a tested group without a distinctive term
    gives its most over-used terms, said to be no finding."""
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(40)] + ["本地"]
    X = rng.poisson(2.0, size=(12, 41)).astype(float)
    X[:, 40] = 0
    X[0, 40] = 9                                        # a word of document 0's place only
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(12)], "lang": "zh",
                         "province": [f"p{i}" for i in range(12)], "half": ["a"] * 6 + ["b"] * 6})
    docs["length"] = X.sum(axis=1)
    dtm = sparse.csr_matrix(X)
    by_province = keyness(docs, dtm, vocab, "province", min_count=3, B=0, min_term_docs=2)
    first = by_province[by_province["province"] == "p0"]
    assert first["status"].str.startswith("too small").all() and first["status"].str.endswith("not tested").all()
    assert first.iloc[0]["term"] == "本地" and first.iloc[0]["rank"] == 1 and np.isnan(first.iloc[0]["q_value"])
    assert (first["log_ratio"] > 0).all() and (first["lrc"] <= first["log_ratio"]).all()
    halves = keyness(docs, dtm, vocab, "half", min_count=3, B=50, min_term_docs=2)
    assert (halves["status"] != "distinctive").all()                   # random counts: nothing distinctive
    ranked = halves[halves["status"].str.startswith("not distinctive")]
    assert len(ranked) and ranked["q_value"].notna().all() and ranked["log_ratio_low"].notna().all()
    assert (ranked.groupby("half")["rank"].min() == 1).all()


def test_frequencies_in_parts_are_the_whole_table_in_whole_groups():
    from analysis.keywords.statistics import frequency_parts

    docs, dtm, vocab = synthetic(seed=4)
    whole = frequencies(docs, dtm, vocab, "period")
    parts = list(frequency_parts(docs, dtm, vocab, "period", rows=70))
    assert len(parts) > 3 and all(len(p) <= 70 for p in parts)           # a group of the synthetic corpus has 62 terms
    assert not set.intersection(*[set(p["period"]) for p in parts[:2]])    # a group is never split
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)
    assert whole["count"].sum() == dtm.sum() and whole["documents"].dtype == np.int64
    hand = whole[(whole["period"] == "2021Q1") & (whole["term"] == "项目")].iloc[0]
    rows = (docs["period"] == "2021Q1").to_numpy()
    assert hand["count"] == dtm[rows][:, vocab.index("项目")].sum()
    assert hand["documents_with"] == (dtm[rows][:, vocab.index("项目")] > 0).sum()
    empty = list(frequency_parts(docs.iloc[:0], dtm[:0], vocab, "period"))
    assert len(empty) == 1 and empty[0].empty and list(empty[0].columns) == list(whole.columns)
