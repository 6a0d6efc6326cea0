"""Groupings derived from a variable's values: the NBS macro-regions and coastal/inland built in, and
the researcher's own from tifa.toml, as document variables."""
import pandas as pd
import pytest

from analysis.corpus.groupings import BUILT_IN, COASTAL, MACRO_REGIONS, derived_variables, with_groupings
from analysis.pipeline.config import ConfigError, load_config
from tests.conftest import ROOT

MAINLAND = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
            "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
            "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
            "宁夏回族自治区", "新疆维吾尔自治区"]


def test_every_mainland_province_is_in_one_macro_region_and_one_side_of_the_coast():
    frame = pd.DataFrame({"province": MAINLAND + ["香港特别行政区", "台湾省", None]})
    derived = derived_variables(frame, {})
    assert derived["macro_region"].iloc[:31].notna().all() and derived["macro_region"].iloc[31:].isna().all()
    assert derived["macro_region"].iloc[:31].value_counts().to_dict() == {"西部": 12, "东部": 10, "中部": 6, "东北": 3}
    assert derived["coastal"].iloc[:31].value_counts().to_dict() == {"内陆": 20, "沿海": 11}
    assert derived.loc[MAINLAND.index("广西壮族自治区"), ["macro_region", "coastal"]].tolist() == ["西部", "沿海"]
    assert derived.loc[MAINLAND.index("山西省"), "macro_region"] == "中部"   # not 山东's 东部 by its first character
    assert sum(len(v) for v in MACRO_REGIONS.values()) == 31 == sum(len(v) for v in COASTAL.values())


def test_a_grouping_of_ones_own_from_any_variable():
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"], "province": ["浙江省", "安徽省", "四川省"],
                          "leader": ["x", "y", "x"]})
    groups = {"treated": {"from": "province", "treated": ["浙江", "江苏"], "control": ["安徽省"]},
              "same_leader": {"from": "leader", "x": ["x"]}}
    out = with_groupings(frame, groups)
    assert out["treated"].tolist()[:2] == ["treated", "control"] and out["treated"].isna().tolist()[2]
    assert out["same_leader"].fillna("").tolist() == ["x", "", "x"]
    with pytest.raises(ConfigError, match="no such variable.*they have: doc_id, province, leader"):
        derived_variables(frame, {"g": {"from": "prefecture", "a": ["杭州市"]}})
    with pytest.raises(ConfigError, match="'macro_region' is built in"):
        derived_variables(frame, {"macro_region": {"from": "province", "a": ["浙江"]}})
    mine = frame.assign(macro_region=["mine", "mine", "mine"])                 # a metadata.csv column wins
    assert (with_groupings(mine, {})["macro_region"] == "mine").all()


def test_tifa_toml_declares_groupings_and_names_its_mistakes(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[design.groups.pilot]\nfrom = "province"\npilot = ["浙江省", "广东省"]\nother = ["江苏省"]\n',
                    encoding="utf-8")
    assert load_config(good).design.groups == {"pilot": {"from": "province", "pilot": ["浙江省", "广东省"],
                                                         "other": ["江苏省"]}}
    for body, message in (('[design.groups.pilot]\npilot = ["浙江省"]\n', "needs from"),
                          ('[design.groups.pilot]\nfrom = "province"\n', "lists no label"),
                          ('[design.groups.pilot]\nfrom = "province"\npilot = "浙江省"\n', "a list of values"),
                          ('[design]\ngroups = 3\n', "a table per grouping")):
        bad = tmp_path / "bad.toml"
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(bad)


def test_the_api_groups_by_a_derived_grouping(tmp_path):
    import analysis as tf

    corp = tf.load_corpus(ROOT / "tifa.toml", data=tmp_path / "data",
                          design={"groups": {"pilot": {"from": "province", "pilot": ["浙江", "陕西"]}}})
    assert set(BUILT_IN) | {"pilot"} <= set(corp.variables)
    known = corp.documents[corp.documents["province"].notna()]
    assert known["macro_region"].notna().all() and known["coastal"].notna().all()
    rates = tf.slogan_rates(corp, by="macro_region")
    assert set(rates["macro_region"].dropna()) - {"unknown"} == set(known["macro_region"])


@pytest.mark.corpora
def test_the_31_provincial_reports_by_macro_region(corpora, tmp_path):
    import analysis as tf

    folder = corpora / "gwr_provincial_2025" / "texts"
    if not folder.is_dir():
        pytest.skip("gwr_provincial_2025 is absent")
    corp = tf.load_corpus(ROOT / "tifa.toml", folder=folder, data=tmp_path / "data")
    assert corp.documents["macro_region"].value_counts().to_dict() == {"西部": 12, "东部": 10, "中部": 6, "东北": 3}
    assert corp.documents["coastal"].value_counts().to_dict() == {"内陆": 20, "沿海": 11}


@pytest.mark.slow  # runs the slogans and keywords stages
def test_design_groupings_are_compared_by_the_slogans_and_keywords_stages(tmp_path):
    """[design] groupings adds a grouping of one's own to slogan rates and contrasts and to keyness,
    frequencies and TF-IDF; a name the documents do not have stops with the list of those they have."""
    from analysis.pipeline.run import run_stages

    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data", figures=tmp_path / "figures")
    cfg = cfg.replace(design={"groups": {"pilot": {"from": "province", "pilot": ["浙江", "陕西"], "rest": ["河南"]}},
                              "groupings": ["macro_region", "pilot"]},
                      slogans={"bootstrap": 0}, keywords={"bootstrap": 0})
    done = run_stages(cfg, ["slogans", "keywords"], progress=False)
    rates = done["slogans"].tables["rates"]
    by_region = rates[rates["grouping"] == "macro_region"]
    assert set(by_region["macro_region"].dropna()) - {"unknown"} <= {"东部", "中部", "西部", "东北"}
    assert len(by_region) and set(rates.loc[rates["grouping"] == "pilot", "pilot"].dropna()) - {"unknown"} == \
        {"pilot", "rest"}
    kinds = set(done["slogans"].tables["contrasts"]["kind"])
    assert {"macro_region vs rest", "pilot vs rest", "province vs rest"} <= kinds
    keyness = done["keywords"].tables["keyness"]
    assert {"period", "province", "macro_region", "pilot"} == set(keyness["grouping"])
    assert set(done["keywords"].tables["frequencies"]["grouping"]) == {"period", "province", "macro_region", "pilot"}
    wrong = cfg.replace(design={"groupings": ["leader"]}).with_paths(data=tmp_path / "data2")
    with pytest.raises(ConfigError, match="no variable leader.*they have: doc_id.*macro_region"):
        run_stages(wrong, ["slogans"], progress=False)


@pytest.mark.slow  # fits topic models
def test_a_derived_grouping_is_a_topic_covariate_and_an_unknown_one_an_error(tmp_path):
    from analysis.pipeline.run import run_stages

    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data", figures=tmp_path / "figures")
    cfg = cfg.replace(topics={"k": 3, "covariates": ["macro_region"], "seed_topics": "none", "draws": 10})
    cov = run_stages(cfg, ["topics"], progress=False)["topics"].tables["prevalence_covariates"]
    assert len(cov) and set(cov["grouping"]) == {"macro_region"}
    levels = {g for g in cov["group"].dropna() if " − " not in g}          # and differences, as 中部 − 东部
    assert levels and levels <= {"东部", "中部", "西部", "东北"}
    with pytest.raises(ConfigError, match="topics.covariates: the documents have no variable leader"):
        run_stages(cfg.replace(topics={"covariates": ["leader"]}), ["topics"], progress=False)


def test_one_report_per_province_keyness_finds_a_planted_term_and_nothing_on_random_labels():
    """Issue 30: with 31 documents the rank test of the documents' rates decides (the beta-binomial
    test had no power there: p ≈ 0.001 at best, q = 1 after Benjamini–Hochberg). Random macro-region
    labels find at most one term per labelling; a term used 16 times as often in 12 of the documents,
    over-dispersed between documents (gamma shape 4), is found (bench/RESULTS.md: the real corpus)."""
    import numpy as np
    import pandas as pd
    from scipy import sparse

    from analysis.keywords.statistics import keyness

    rng = np.random.default_rng(30)
    n, terms = 31, 1500
    length = rng.uniform(8_000, 20_000, n)
    rates = rng.gamma(0.6, 1 / 0.6, terms) * 2e-4
    counts = rng.poisson(length[:, None] * rates[None, :] * rng.gamma(2.0, 0.5, (n, terms)))
    labels = np.array(["东部"] * 10 + ["中部"] * 6 + ["西部"] * 12 + ["东北"] * 3)
    vocab = [f"t{j}" for j in range(terms)] + ["PLANTED"]
    found_on_random = []
    for r in range(5):
        west = rng.permutation(labels) == "西部"
        planted = rng.poisson(length * 5e-4 * np.where(west, 1.0, 1.0) * rng.gamma(2.0, 0.5, n))
        X = sparse.csr_matrix(np.column_stack([counts, planted]))
        docs = pd.DataFrame({"lang": "zh", "length": length, "g": rng.permutation(labels)})
        k = keyness(docs, X, vocab, "g", B=0)
        found_on_random.append(int((k["status"] == "distinctive").sum()))
    assert max(found_on_random) <= 1, found_on_random
    west = labels == "西部"
    planted = rng.poisson(length * 5e-4 * np.where(west, 16.0, 1.0) * rng.gamma(4.0, 0.25, n))
    docs = pd.DataFrame({"lang": "zh", "length": length, "g": labels})
    k = keyness(docs, sparse.csr_matrix(np.column_stack([counts, planted])), vocab, "g", B=0)
    hit = k[(k["g"] == "西部") & (k["term"] == "PLANTED")]
    assert len(hit) and hit["status"].iloc[0] == "distinctive" and "Mann–Whitney" in k["method"].iloc[0]
