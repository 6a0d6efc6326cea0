"""Slogan counting, statistics (checked against scipy and statsmodels), discovery and outputs."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.pipeline.config import load_config
from analysis.corpus.stage import build_corpus
from analysis.slogans.matcher import Matcher
from analysis.stats.measures import g2 as g_test, log_ratio
from analysis.slogans.statistics import (bootstrap_rates, contrast, nb_effects,
                                   previous_quarter, quarter_vs_previous, region_vs_rest)
from analysis.slogans.query import count_strings
from analysis.slogans.stage import build_slogans
from analysis.text.stage import build_tokens
from tests.conftest import ROOT

SEED3 = "003_332db4b73ec3ed6e"


@pytest.fixture(scope="module")
def slogan_tables(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slogans")
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp / "data", figures=tmp / "figures")
    build_corpus(cfg, progress=False)
    build_tokens(cfg, progress=False)
    return build_slogans(cfg, progress=False).tables


def _n(counts, doc, slogan, col="n_all"):
    row = counts[(counts["doc_id"] == doc) & (counts["slogan"] == slogan)]
    return int(row[col].iloc[0]) if len(row) else 0


def test_exact_counts_on_the_seeds(slogan_tables):
    c = slogan_tables["counts"]
    # 双过半: 16 literal occurrences in the parts and headings of seed 003 (the compilation title,
    # not a part, has one more) + 1 through the variant 时间过半、任务过半
    assert [_n(c, f"{SEED3}-p0{k}", "双过半") for k in range(1, 6)] == [1, 4, 2, 8, 2]
    assert _n(c, f"{SEED3}-p01", "十四五") == 3 and _n(c, f"{SEED3}-p05", "十四五") == 1
    assert _n(c, f"{SEED3}-p01", "三高四新") == 1 and _n(c, f"{SEED3}-p01", "放管服") == 1


def test_slogans_broken_across_lines_are_counted(slogan_tables, seeds):
    raw = (seeds / f"{SEED3}.txt").read_text(encoding="utf-8")
    assert "双随机、一公开" not in raw  # broken as 双随机、 / 一公开 in the raw text
    assert _n(slogan_tables["counts"], f"{SEED3}-p01", "双随机、一公开") == 1


def test_english_renderings_count_for_the_chinese_concept(slogan_tables):
    c = slogan_tables["counts"]
    assert _n(c, "000_b279ecbfe16095c0", "腾笼换鸟") == 1   # "vacate the cage and replace the bird"
    assert _n(c, "001_656eed5168beb8aa", "腾笼换鸟") == 1   # "Cage for Birds"
    assert _n(c, "000_b279ecbfe16095c0", "亩均论英雄") == 1  # "Heroes on the Average of Mu"
    assert _n(c, "000_b279ecbfe16095c0", "项目为王") == 1    # "projects are king"
    assert _n(c, "002_5367abb05a89029a", "1+5+N") == 1


def test_nested_slogans_under_each_rule(slogan_tables):
    c = slogan_tables["counts"]
    # p04: 全方位优化营商环境 → under "all" both 优化营商环境 and 营商环境; under "longest" only the former
    assert _n(c, f"{SEED3}-p04", "优化营商环境") == 1
    assert _n(c, f"{SEED3}-p04", "营商环境") == 1
    assert _n(c, f"{SEED3}-p04", "营商环境", "n_longest") == 0


def test_matcher_rules_by_hand():
    m = Matcher({"营商环境": (["营商环境", "一流营商环境"], ["business environment"]),
                 "优化营商环境": (["优化营商环境"], []), "稳": (["稳"], [])})
    text = "全方位优化营商环境，打造一流营商环境。稳中求进，稳住。"
    assert m.count(text, "zh", "all") == {"营商环境": 2, "优化营商环境": 1, "稳": 2}
    assert m.count(text, "zh", "longest") == {"营商环境": 1, "优化营商环境": 1, "稳": 2}
    assert m.count(text, "zh", "presence") == {"营商环境": 1, "优化营商环境": 1, "稳": 1}
    assert m.count("A first-class Business Environment; business environments", "en") == {"营商环境": 1}
    with pytest.raises(ValueError, match="unknown counting rule"):
        m.count(text, "zh", "most")


def test_count_any_strings(seed_docs):
    table = count_strings(["双过半", "稳"], seed_docs.reset_index(drop=True))
    assert table.loc[table["doc_id"] == f"{SEED3}-p04", "双过半"].item() == 7  # literal only: no variants here
    assert table["稳"].sum() > 0


@pytest.mark.slow
@pytest.mark.corpora
def test_published_gwr_2022_counts(corpora, tmp_path):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "analysis", "count", "稳", "就业", "--corpus",
                          str(corpora / "gwr_national" / "texts"), "--data", str(tmp_path), "--quiet"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    row = next(line.split() for line in out.stdout.splitlines() if line.startswith("2022 "))
    assert row[2:] == ["78", "34"]  # as reported by Chinese media for the 2022 Government Work Report


# ---- statistics against scipy / statsmodels ------------------------------------------------------
@pytest.mark.parametrize("a, b, A, B", [(12, 3, 10_000, 15_000), (40, 41, 52_000, 50_000), (1, 9, 800, 900)])
def test_g_test_matches_scipy(a, b, A, B):
    ours = g_test(a, b, A, B)
    theirs = stats.chi2_contingency([[a, A - a], [b, B - b]], correction=False, lambda_="log-likelihood")[0]
    assert ours == pytest.approx(theirs, rel=1e-10)


def test_log_ratio_by_hand():
    assert log_ratio(20, 10, 10_000, 10_000) == pytest.approx(1.0)
    assert log_ratio(0, 4, 1000, 1000) == pytest.approx(np.log2(0.5 / 4))  # 0.5 for a zero count


def _toy(n_t=30, n_r=30, rate_t=0.004, rate_r=0.002, seed=1):
    rng = np.random.default_rng(seed)
    exposure = rng.integers(2000, 6000, n_t + n_r).astype(float)
    lam = np.r_[np.full(n_t, rate_t), np.full(n_r, rate_r)] * exposure
    counts = rng.poisson(lam)[:, None].astype(float)
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n_t + n_r)], "lang": "zh", "exposure": exposure,
                         "province": ["甲"] * n_t + ["乙"] * n_r, "quarter": ["2022Q2"] * n_t + ["2022Q1"] * n_r})
    return docs, counts


def test_contrast_tests_effects_and_bh(monkeypatch):
    from analysis.stats import inference

    docs, counts = _toy(rate_t=0.0004, rate_r=0.0002)
    ranked = contrast(docs, counts, ["稳"], np.arange(30), np.arange(30, 60), B=0).iloc[0]
    rates = counts[:, 0] / docs["exposure"].to_numpy()    # 60 documents: the rank test of their rates decides
    assert ranked["p_method"].startswith("Wilcoxon") and ranked["p_value"] == pytest.approx(
        stats.mannwhitneyu(rates[:30], rates[30:], method="asymptotic").pvalue)
    monkeypatch.setattr(inference, "RANK_TEST_MAX_DOCS", 0)   # the rate test, as on a larger corpus
    counts = np.c_[counts, np.zeros(len(docs)), np.r_[np.ones(2), np.zeros(len(docs) - 2)]]
    res = contrast(docs, counts, ["稳", "absent", "rare"], np.arange(30), np.arange(30, 60), B=500, seed=3)
    row = res.iloc[0]
    a, b = counts[:30, 0].sum(), counts[30:, 0].sum()
    A, B = docs["exposure"][:30].sum(), docs["exposure"][30:].sum()
    assert row["status"] == "tested" and row["p_method"] == "document-level rate test"
    assert row["g2"] == pytest.approx(g_test(a, b, A, B))  # kept as the corpus-linguistics score
    assert row["log_ratio_low"] < row["log_ratio"] < row["log_ratio_high"]
    assert row["log_ratio"] == pytest.approx(log_ratio(a, b, A, B))
    assert res.iloc[1]["status"] == "absent"
    assert res.iloc[2]["status"].startswith("too small") and np.isnan(res.iloc[2]["p_value"])
    e = docs["exposure"].to_numpy()
    burst = np.zeros(len(docs))
    burst[[2, 40]] = [19, 1]  # one document carries the term
    for y in (counts[:, 0], burst):
        alone = contrast(docs, y[:, None], ["稳"], np.arange(30), np.arange(30, 60), B=0, min_count=1).iloc[0]
        assert alone["p_value"] == pytest.approx(_rate_test_by_hand(y[:30], e[:30], y[30:], e[30:]), rel=1e-6)
    assert alone["p_value"] > 0.05  # a burst in one document is not a difference between groups


def _rate_test_by_hand(ya, ea, yb, eb):
    """The document-level test written out document by document (docs/inference.md), with scipy's
    beta-binomial distribution."""
    def moments(y, e):
        E, R = e.sum(), y.sum() / e.sum()
        ss = sum((yi - ei * R) ** 2 for yi, ei in zip(y, e))
        Ee, E3 = (e ** 2).sum(), (e ** 3).sum()
        return ss - R * (E - Ee / E), R * R * (Ee + Ee ** 2 / E ** 2 - 2 * E3 / E)

    (na, da), (nb, db) = moments(ya, ea), moments(yb, eb)
    kappa = max(0.0, (na + nb) / (da + db))
    T, Ea, Eb = ya.sum() + yb.sum(), ea.sum(), eb.sum()
    lam = T / (Ea + Eb)
    va, vb = lam * Ea + kappa * lam ** 2 * (ea ** 2).sum(), lam * Eb + kappa * lam ** 2 * (eb ** 2).sum()
    Ra, Rb = ya.sum() / Ea, yb.sum() / Eb
    within = sum((y - e * Ra) ** 2 for y, e in zip(ya, ea)) + sum((y - e * Rb) ** 2 for y, e in zip(yb, eb))
    n_a, n_b = len(ya), len(yb)
    permutation = n_a * n_b / (n_a + n_b) * within / (n_a + n_b - 2)
    pi = Ea / (Ea + Eb)
    rho = (max(va * vb / (va + vb), permutation) / (T * pi * (1 - pi)) - 1) / (T - 1)
    dist = stats.binom(int(T), pi) if rho <= 1e-9 else stats.betabinom(int(T), pi * (1 - rho) / rho,
                                                                    (1 - pi) * (1 - rho) / rho)
    y = ya.sum()
    up, low = dist.sf(y - 1), dist.cdf(y)
    counts = np.r_[ya, yb]
    held = counts[counts > 0]
    if held.sum() ** 2 / (held ** 2).sum() <= 30 and min(up, low) < 0.025:  # lumpy: also deal the documents
        import itertools

        f = n_a / (n_a + n_b)
        totals = [(sum(c for c, inside in zip(held, pick) if inside), np.prod([f if i else 1 - f for i in pick]))
                  for pick in itertools.product([0, 1], repeat=len(held))]
        up = max(up, sum(w for t, w in totals if t >= y))
        low = max(low, sum(w for t, w in totals if t <= y))
    return min(1.0, 2 * min(up, low))


def test_bh_over_all_contrasts_of_a_kind_against_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(30)], "lang": "zh", "exposure": 300.0,
                         "province": ["甲", "乙", "丙"] * 10})
    counts = rng.poisson(0.8, size=(30, 6)).astype(float)
    res = region_vs_rest(docs, counts, [f"s{j}" for j in range(6)], "province", B=0, min_count=1)
    tested = res[res["status"] == "tested"]
    assert len(tested) == 18  # one family: three provinces × six slogans
    assert np.allclose(tested["q_value"], multipletests(tested["p_value"], method="fdr_bh")[1])


def test_too_small_groups_are_reported_not_tested():
    docs, counts = _toy(n_t=1, n_r=5)
    res = contrast(docs, counts, ["稳"], np.arange(1), np.arange(1, 6), B=100)
    assert res.iloc[0]["status"].startswith("too small: fewer than 2 documents")


def test_quarter_against_previous_and_gaps():
    docs, counts = _toy()
    docs.loc[docs["quarter"] == "2022Q1", "quarter"] = "2021Q4"
    res = quarter_vs_previous(docs, counts, ["稳"], B=100)
    assert set(res["contrast"]) == {"2021Q4 vs 2021Q3", "2022Q2 vs 2022Q1"}
    assert (res["status"].str.startswith("no documents in the previous quarter")).all()
    assert previous_quarter("2022Q1") == "2021Q4" and previous_quarter("2022Q3") == "2022Q2"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bootstrap_replicates(seed):
    docs, counts = _toy(n_t=200, n_r=0, rate_t=0.003, seed=seed)
    rng = np.random.default_rng(seed)
    rates, shares = bootstrap_rates(counts, docs["exposure"].to_numpy(), 1000, rng)
    lo, hi = np.percentile(rates[:, 0], [2.5, 97.5])
    assert lo < 30 < hi  # 0.003 per character = 30 per 10,000
    assert rates.shape == (1000, 1) and (shares <= 1).all()


def test_negative_binomial_recovers_a_planted_rate_ratio():
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    rng = np.random.default_rng(11)
    n = 400
    exposure = rng.integers(2000, 6000, n).astype(float)
    province = np.where(np.arange(n) % 2 == 0, "甲", "乙")
    quarter = np.where(np.arange(n) % 4 < 2, "2022Q1", "2022Q2")
    mu = exposure * 0.002 * np.where(province == "甲", 2.0, 1.0) * np.where(quarter == "2022Q2", 0.5, 1.0)
    y = rng.negative_binomial(2, 2 / (2 + mu))  # NB2 with alpha = 0.5
    docs = pd.DataFrame({"doc_id": range(n), "lang": "zh", "exposure": exposure, "province": province,
                         "quarter": quarter})
    res = nb_effects(docs, y[:, None].astype(float), ["稳"])
    prov = res[res["term"] == "province_甲"].iloc[0]
    assert prov["rate_ratio_low"] < 2.0 < prov["rate_ratio_high"]
    q = res[res["term"] == "quarter_2022Q2"].iloc[0]
    assert q["rate_ratio_low"] < 0.5 < q["rate_ratio_high"]
    X = sm.add_constant(pd.get_dummies(docs[["province", "quarter"]], drop_first=True, dtype=float))
    direct = NegativeBinomial(y, X, offset=np.log(exposure)).fit(disp=0)
    assert prov["rate_ratio"] == pytest.approx(np.exp(direct.params["province_甲"]), rel=1e-4)


def test_confounded_design_is_reported(slogan_tables):
    nb = slogan_tables["nb_effects"]
    en = nb[nb["lang"] == "en"]
    assert len(en) and en["status"].str.startswith("not estimable").all()


# ---- tables, candidates, concordance ------------------------------------------------------------
def test_rates_table(slogan_tables):
    r = slogan_tables["rates"]
    zj = r[(r["grouping"] == "province") & (r["province"] == "浙江省") & (r["slogan"] == "招商引资")].iloc[0]
    docs = slogan_tables["documents"]
    counts = slogan_tables["counts"]
    zj_docs = docs[docs["province"] == "浙江省"]
    expected = counts[counts["doc_id"].isin(zj_docs["doc_id"]) & (counts["slogan"] == "招商引资")]["n_all"].sum()
    assert zj["count"] == expected and zj["lang"] == "en" and zj["exposure_unit"] == "words"
    assert zj["rate"] == pytest.approx(expected / zj_docs["exposure"].sum() * 10_000)
    assert zj["rate_low"] <= zj["rate"] <= zj["rate_high"]
    assert set(r["grouping"]) == {"province", "prefecture", "quarter", "province_quarter", "language"}
    assert r["method"].str.contains("cluster-robust").all() and r["method"].str.contains("Wilson").all()
    assert (r["small"] == (r["documents"] < 2)).all()
    pooled = r[r["rate_pooled"].notna()]
    assert len(pooled) and (pooled["rate_pooled_low"] <= pooled["rate_pooled"]).all()
    assert (pooled["rate_pooled"] <= pooled["rate_pooled_high"]).all()


def test_candidates(slogan_tables):
    cand = slogan_tables["candidates"]
    assert "三高四新" not in set(cand["candidate"])  # in the lexicon
    kinds = dict(zip(cand["candidate"], cand["kind"]))
    assert kinds.get("两规划一报告") == "quoted+numbered_formula"   # found by both patterns: one row
    assert kinds.get("西北生态经济强市") == "quoted"
    assert {"candidate", "documents", "regions", "quarters", "example", "score", "why"} <= set(cand.columns)
    assert not cand.duplicated(["candidate", "lang"]).any()
    # what the authors marked (quoted, numbered; not a quoted clause) ranks above every recurring phrase
    marked = cand["kind"].str.contains("quoted|numbered") & ~cand["candidate"].str.contains("[,，;；。]")
    first_recurring = cand.index[cand["kind"] == "recurring_phrase"].min()
    assert cand.index[marked].max() < first_recurring


def test_concordance(slogan_tables):
    conc, counts = slogan_tables["concordance"], slogan_tables["counts"]
    assert len(conc) == counts["n_all"].sum()
    row = conc[(conc["slogan"] == "腾笼换鸟") & (conc["doc_id"] == "001_656eed5168beb8aa")].iloc[0]
    assert row["match"].lower() == "cage for birds" and row["region"] == "嘉兴市"
    assert row["left"].endswith("further promote \"") and row["quarter"] == "2022Q3"


@pytest.mark.slow
def test_stage_is_deterministic(tmp_path):
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data")
    build_corpus(cfg, progress=False)
    build_tokens(cfg, progress=False)
    build_slogans(cfg, progress=False)
    first = {p.name: p.read_bytes() for p in (tmp_path / "data" / "slogans").glob("*.parquet")}
    build_slogans(cfg, progress=False, force=True)
    assert {p.name: p.read_bytes() for p in (tmp_path / "data" / "slogans").glob("*.parquet")} == first


@pytest.mark.slow
def test_the_2023_2026_lexicon_counts_2025_formulations_and_binds_senses_to_their_years(corpora):
    """Issue 31: 新质生产力 (from 2023) occurs in every 2025 provincial report and is now counted in each;
    动态清零 is the epidemic slogan only up to 2022 (valid_to): the 2025 reports' 隐患动态清零 is not
    counted as it, while a 2022 text still is."""
    from analysis.corpus.normalize import normalize_chars
    from analysis.slogans.matcher import Matcher
    from analysis.slogans.stage import slogan_concepts, slogan_eras
    from analysis.text.lexicon import read_lexicon

    lex = read_lexicon(ROOT / "lexicon" / "lexicon.csv")
    matcher = Matcher(slogan_concepts(lex), slogan_eras(lex))
    texts = [normalize_chars(p.read_text(encoding="utf-8"))
             for p in sorted((corpora / "gwr_provincial_2025" / "texts").glob("*.txt"))]
    assert len(texts) == 31
    counts = [matcher.count(t, "zh", "all", 2025) for t in texts]
    assert all(c["新质生产力"] > 0 for c in counts)
    assert sum(c["两重"] for c in counts) >= 31 and sum(c["两新"] for c in counts) >= 31
    assert sum("动态清零" in t for t in texts) >= 5 and not any(c["动态清零"] for c in counts)
    epidemic = "坚持动态清零总方针，高效统筹疫情防控和经济社会发展。"
    assert matcher.count(epidemic, "zh", "all", 2022)["动态清零"] == 1
    assert matcher.count(epidemic, "zh", "all", None)["动态清零"] == 1       # undated: counted, as documented
    assert "动态清零" not in {o.concept for o in matcher.occurrences(epidemic, "zh", "all", 2025)}


def test_the_candidates_lexicon_rows_paste_into_lexicon_csv(tmp_path):
    """Issue 31: the best candidates come as rows of lexicon.csv that the reader accepts as they are."""
    from analysis.slogans.discovery import discover, lexicon_rows
    from analysis.text.lexicon import read_lexicon

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "lang": "zh", "province": ["湖南省", "浙江省", None],
                         "quarter": ["2025Q1", "2025Q2", None]})
    texts = {"a": '落实"四水四定"，推进"无废城市"建设。', "b": '坚持"四水四定"原则，打造"无废城市"。', "c": '推动"双减"落地。'}
    cand = discover(docs, texts, known=set())
    rows = lexicon_rows(cand, "my_corpus")
    assert list(rows["term"]) == ["四水四定", "无废城市"]          # in two documents; 双减 in one is not offered
    assert set(rows["source"]) == {"my_corpus"} and set(rows["year"]) == {"2025"}
    path = tmp_path / "lexicon.csv"
    rows.to_csv(path, index=False)
    assert [e.term for e in read_lexicon(path).entries] == ["四水四定", "无废城市"]


def test_the_sparse_counts_give_the_dense_counts_statistics_exactly(slogan_tables):
    """The stage's documents × slogans matrix is sparse, and where a statistic needs columns dense it
    makes them dense a few at a time: rates, contrasts and count models are those of the dense matrix,
    to the last bit, however narrow the blocks."""
    import analysis.stats.blocks as blocks
    from analysis.slogans.stage import count_matrix
    from analysis.slogans.statistics import group_rates, quarter_vs_previous, region_vs_rest

    docs, counts = slogan_tables["documents"], slogan_tables["counts"]
    slogans = sorted(counts["slogan"].unique())
    matrix = count_matrix(counts, docs["doc_id"].tolist(), slogans, "all")
    assert matrix.nnz > 100 and matrix.nnz < 0.5 * np.prod(matrix.shape)
    full = matrix.toarray()
    whole = {tuple(by): group_rates(docs, full, slogans, by) for by in (["province"], ["quarter"], [])}
    with blocks.partitions({"dense": 3 * len(docs)}):   # three slogans a block
        for by, rates in whole.items():
            pd.testing.assert_frame_equal(group_rates(docs, matrix, slogans, list(by)), rates, check_exact=True)
        kw = dict(B=200, seed=1, min_docs=1, min_count=1, bootstrap_max_docs=3)   # both intervals
        assert (region_vs_rest(docs, matrix, slogans, "province", **kw)["interval_method"] == "percentile bootstrap").any()
        for sparse_table, dense_table in ((region_vs_rest(docs, matrix, slogans, "province", **kw),
                                           region_vs_rest(docs, full, slogans, "province", **kw)),
                                          (quarter_vs_previous(docs, matrix, slogans, **kw),
                                           quarter_vs_previous(docs, full, slogans, **kw))):
            assert (sparse_table["status"] == "tested").any() or sparse_table["status"].str.startswith("no documents").all()
            pd.testing.assert_frame_equal(sparse_table, dense_table, check_exact=True)
        pd.testing.assert_frame_equal(nb_effects(docs, matrix, slogans, min_count=2),
                                      nb_effects(docs, full, slogans, min_count=2), check_exact=True)
