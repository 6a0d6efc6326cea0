"""The public API: tab completion, the quanteda-style objects, and the same numbers as the pipeline."""
import json
import re

import pandas as pd
import pytest

import analysis as tf
from analysis.pipeline.config import ConfigError
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def corp(tmp_path_factory):
    return tf.load_corpus(ROOT / "tifa.toml", data=tmp_path_factory.mktemp("api") / "data")


def test_tab_completion_shows_the_api():
    names = dir(tf)
    for name in ("load_corpus", "Corpus", "DFM", "slogan_rates", "textstat_keyness", "textstat_trends", "fit_topics",
                 "build_all", "load_config", "plots"):
        assert name in names and name in tf.__all__
    assert "import_module" not in names
    import importlib
    import pkgutil
    import types

    for m in pkgutil.walk_packages(tf.__path__, "analysis."):   # a submodule of the same name would shadow an API name
        if not m.name.endswith("__main__"):
            importlib.import_module(m.name)
    for name in tf.__all__:
        assert name in tf._MODULES or not isinstance(getattr(tf, name), types.ModuleType), name   # modules offered by name


def test_settings_are_replaced_by_name_and_checked():
    cfg = tf.load_config(ROOT / "tifa.toml")
    assert cfg.replace(topics={"k": 8}).topics.k == 8 and cfg.topics.k == 0
    with pytest.raises(ConfigError, match=r"\[topics\] k = 1"):
        cfg.replace(topics={"k": 1})


def test_a_corpus_has_its_variables_and_subsets_are_new_corpora(corp):
    assert len(corp) == 9 and {"outlet", "province", "quarter", "lang"} <= set(corp.variables)
    zh = corp.subset(corp.documents["lang"] == "zh")
    assert isinstance(zh, tf.Corpus) and len(zh) == 5 and len(corp) == 9
    assert len(corp.subset("province == '浙江省'")) == 3


def test_slogan_rates_by_any_variable_with_an_added_slogan(corp):
    mine = {"经济运行": {"zh": ["经济运行"], "en": ["economic performance"]}}   # a lexicon term, not a slogan
    rates = tf.slogan_rates(corp, by="outlet", add=mine)
    assert {"outlet", "lang", "slogan", "rate", "rate_low", "rate_high", "share"} <= set(rates.columns)
    counted = corp.count(["经济运行", "economic performance"])
    assert rates.loc[rates["slogan"] == "经济运行", "count"].sum() == counted.iloc[:, 2:].to_numpy().sum() > 0
    lexicon_only = tf.slogan_rates(corp, by="outlet")
    assert "经济运行" not in set(lexicon_only["slogan"]) and "招商引资" in set(lexicon_only["slogan"])


@pytest.mark.slow
def test_the_api_gives_the_pipelines_numbers(corp, tmp_path):
    cfg = corp.config
    tf.build_tokens(cfg, progress=False)
    stage = tf.build_slogans(cfg, progress=False).tables["rates"]
    stage = stage[stage["grouping"] == "province"].sort_values(["province", "lang", "slogan"]).reset_index(drop=True)
    mine = tf.slogan_rates(corp, by="province").sort_values(["province", "lang", "slogan"]).reset_index(drop=True)
    pd.testing.assert_series_equal(stage["count"], mine["count"], check_dtype=False)
    pd.testing.assert_series_equal(stage["rate_low"], mine["rate_low"], check_dtype=False)
    dfm = corp.tokens().dfm()
    assert dfm.shape[0] == len(corp) and "development" in dfm.features
    keyness = tf.build_keywords(cfg, progress=False).tables["keyness"]
    mine = tf.textstat_keyness(dfm, by="province")
    assert set(mine["status"]) == set(keyness.loc[keyness["grouping"] == "province", "status"])
    freq = tf.textstat_frequency(dfm, n=3)
    assert freq.groupby("lang").size().tolist() == [3, 3]


def test_the_notebooks_use_only_the_public_api():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        private = re.findall(r"from analysis\.\w+ import|import analysis\.\w+", code)
        used = set(re.findall(r"\banalysis\.(\w+)", code)) | set(re.findall(r"from analysis import ([\w, ]+)", code))
        names = {n.strip() for u in used for n in u.split(",")}
        assert not private and names <= set(tf.__all__), (path.name, private, names - set(tf.__all__))


@pytest.mark.slow
def test_any_stage_runs_on_a_subset_of_the_corpus(corp):
    """tf.run: a stage on some documents only, in a data folder of its own, cached; the whole corpus
    runs in the configuration's own folder."""
    zj = corp.subset("province == '浙江省'")
    first = tf.run("slogans", zj)
    assert sorted(first.tables["documents"]["doc_id"]) == sorted(zj.documents["doc_id"])
    assert "subsets" in first.folder.parts and first.rebuilt
    assert not tf.run("slogans", zj).rebuilt                                   # cached
    counts = first.tables["counts"]
    mine = tf.slogan_counts(zj)
    for slogan in counts["slogan"].unique()[:5]:
        assert counts.loc[counts["slogan"] == slogan, "n_all"].sum() == mine[slogan].sum(), slogan
    whole = tf.run("slogans", corp)
    assert "subsets" not in whole.folder.parts and len(whole.tables["documents"]) == len(corp)
    topics = tf.fit_topics(zj, k=2, k_grid=(2,), seeds=(1,), draws=5)
    assert set(topics.tables["doc_topics"]["doc_id"]) <= set(zj.documents["doc_id"])


def test_the_plots_take_the_apis_own_tables(corp):
    """tf.plots draws the tables the API returns (one grouping, no grouping column), for any grouping."""
    import matplotlib.pyplot as plt

    for by in ("province", "macro_region"):
        rates = tf.slogan_rates(corp, by=by)
        for fig in (tf.plots.slogan_heatmap(rates, by), tf.plots.slogan_intervals(rates, by)):
            labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels() + ax.get_xticklabels()]
            assert any(t for t in labels), by
            plt.close(fig)
    heat = tf.plots.slogan_heatmap(tf.slogan_rates(corp, by="macro_region"), "macro_region")
    assert {"东部", "中部"} & {t.get_text() for ax in heat.axes for t in ax.get_xticklabels()}
    plt.close(heat)
    keyness = tf.textstat_keyness(corp.tokens().dfm(), by="province", min_docs=1)
    plt.close(tf.plots.keyness_bars(keyness, "province"))
    assert tf.register_cjk_font()
