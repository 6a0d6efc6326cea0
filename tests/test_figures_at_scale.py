"""Every figure at real-corpus scale (issue 17): on a synthetic corpus of 34 province-level regions ×
56 quarters (tests/scale_corpus.py), each figure of the catalog is drawn through the real drawing
steps, and none may have two text labels that overlap (matplotlib's drawn extents) or exceed a
journal page (183 × 247 mm)."""
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from analysis.pipeline.config import load_config
from analysis.publishing import layout_check
from analysis.publishing.catalog import drawn_stages, for_groupings
from tests.conftest import ROOT
from tests.scale_corpus import write_corpus

pytestmark = pytest.mark.slow  # whole builds, notebooks, other start methods and engines


#: the scale corpus is also compared by the built-in macro-regions ([design] groupings): their figures too
FIGURES = [o.name for _, outputs in drawn_stages() for o in for_groupings(outputs, ("macro_region",))
           if o.kind == "figure"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(name → (overlapping label pairs, size problem) of every figure drawn for the scale corpus,
    the figures folder)."""
    tmp = tmp_path_factory.mktemp("scale")
    corpus = tmp / "corpus"
    write_corpus(corpus)
    cfg = load_config(ROOT / "tifa.toml").with_paths(corpus=corpus, data=tmp / "data", figures=tmp / "figures")
    r = dataclasses.replace
    cfg = r(cfg, slogans=r(cfg.slogans, bootstrap=0), keywords=r(cfg.keywords, bootstrap=0),
            topics=r(cfg.topics, k=25, gibbs_iterations=30, draws=10, seed_topics="none", covariates=("quarter",)),
            figures=r(cfg.figures, formats=("png",), dpi=50), design=r(cfg.design, groupings=("macro_region",)))
    return layout_check.check_every_figure(cfg), cfg.paths.figures, cfg


@pytest.fixture(scope="module")
def drawn(built):
    return built[0]


def test_keyword_tables_are_the_same_from_blocks_on_disk(built, monkeypatch, tmp_path):
    """A small memory budget reads the documents × terms counts in many blocks from disk: every
    keyword table is the one the single in-memory matrix gives (sums may differ in the last digits)."""
    from analysis.keywords.stage import compute_keywords, keyword_inputs
    from analysis.pipeline import budget, registry, runner

    cfg = built[2]
    r = dataclasses.replace
    cfg = r(cfg, keywords=r(cfg.keywords, bootstrap=50, bootstrap_max_docs=1000))
    view = runner.view(cfg, registry.get("keywords"))
    one = compute_keywords(view, tmp_path / "one")
    monkeypatch.setattr(budget, "block_cells", lambda cfg: 2_000)
    docs, dtm, *_ = keyword_inputs(view, tmp_path / "blocks")
    assert dtm.n_blocks > 20 and len(list((tmp_path / "blocks").glob("block-*.npz"))) == dtm.n_blocks
    many = compute_keywords(view, tmp_path / "many")
    assert not (tmp_path / "many" / "doc_terms.tmp").exists()
    assert set(one) == set(many)
    for name in one:   # a table the stage wrote as it was made is given as its path
        a, b = (pd.read_parquet(t) if isinstance(t, Path) else t for t in (one[name], many[name]))
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=name)
    distinctive = one["keyness"][one["keyness"]["status"] == "distinctive"]
    assert len(distinctive) and distinctive["log_ratio_low"].notna().all()


def test_a_grouping_of_ones_own_has_its_figures_and_a_section_of_the_report(built):
    report = (built[1] / "report.md").read_text(encoding="utf-8")
    section = report.split("## Your grouping: macro_region", 1)[1].split("\n## ", 1)[0]
    for name in ("slogan_rates_by_macro_region", "slogan_intervals_by_macro_region", "keyword_keyness_by_macro_region",
                 "topic_prevalence_by_macro_region"):
        assert f"({name}.png)" in section, name


def test_every_figure_is_drawn(drawn):
    assert sorted(drawn) == sorted(FIGURES)


@pytest.mark.parametrize("name", FIGURES)
def test_no_labels_overlap_and_the_figure_fits_a_page(drawn, name):
    overlaps, size = drawn[name]
    assert not overlaps, f"{name}: {len(overlaps)} overlapping labels, e.g. {overlaps[:3]}"
    assert size is None, f"{name}: {size}"


def test_the_check_finds_overlaps_and_oversize():
    """The check itself: two labels drawn on top of each other, and a figure taller than a page."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 11))
    ax.text(0.5, 0.5, "广东省")
    ax.text(0.51, 0.5, "浙江省")
    ax.set_xticks(range(56), [f"{2012 + i // 4}Q{i % 4 + 1}" for i in range(56)], rotation=45)
    overlaps = layout_check.overlapping_labels(fig)
    assert ("广东省", "浙江省") in overlaps and any(a.startswith("2012") for a, _ in overlaps)
    assert "larger than a page" in layout_check.too_large(fig)
    plt.close(fig)
