import pandas as pd
import pytest

from analysis import atomic
from analysis.build import build_corpus_outputs
from analysis.corpus import build_corpus
from analysis.export import save_table, to_latex, to_markdown


def test_figures_and_tables_are_byte_identical_on_rerun(cfg):
    corpus = build_corpus(cfg, progress=False)
    assert build_corpus_outputs(cfg, corpus)
    files = sorted(p for p in cfg.paths.figures.iterdir())
    assert {p.suffix for p in files} == {".pdf", ".png", ".csv", ".tex", ".md"}
    first = {p.name: p.read_bytes() for p in files}
    assert not build_corpus_outputs(cfg, corpus)  # nothing changed: nothing written
    assert build_corpus_outputs(cfg, corpus, force=True)
    assert {p.name: p.read_bytes() for p in cfg.paths.figures.iterdir()} == first
    assert b"CreationDate" not in first["corpus_overview.pdf"]


def test_chinese_labels_use_the_bundled_cjk_font(cfg):
    build_corpus_outputs(cfg, build_corpus(cfg, progress=False))
    pdf = (cfg.paths.figures / "corpus_overview.pdf").read_bytes()
    assert b"NotoSansCJK" in pdf


def test_table_formats():
    frame = pd.DataFrame({"slogan": ["稳中求进", "6%_growth"], "rate": [1.5, 0.25], "n": [3, 4]})
    tex = to_latex(frame, "Rates & counts", "rates")
    assert r"\toprule" in tex and r"6\%\_growth" in tex and r"Rates \& counts" in tex
    assert "{lrr}" in tex
    md = to_markdown(frame)
    assert md.splitlines()[1] == "|:---|---:|---:|"
    assert "| 稳中求进 | 1.5 | 3 |" in md


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
    save_table(pd.DataFrame({"a": [1]}), "t", tmp_path)
    assert target.read_text() == "a\n1\n"


def test_a_table_keeps_its_caption_when_its_statistics_table_is_empty(tmp_path):
    """The method text is appended to the caption; an empty table has none, and the caption stays
    (it was lost once: `caption + method if rows else ""`)."""
    from analysis.build import SLOGAN_OUTPUTS, _method, _Writer
    from analysis.config import load_config
    from tests.conftest import ROOT

    captions = {o.name: o.caption for o in SLOGAN_OUTPUTS}
    w = _Writer(tmp_path, load_config(ROOT / "tifa.toml"), SLOGAN_OUTPUTS, "key", {}, force=False)
    empty = pd.DataFrame(columns=["slogan", "method"])
    w.table(empty, "slogan_contrasts", _method(empty))
    assert captions["slogan_contrasts"] in (tmp_path / "slogan_contrasts.md").read_text(encoding="utf-8")
    rows = pd.DataFrame({"slogan": ["稳中求进"], "method": ["G-test, BH"]})
    assert _method(rows) == "G-test, BH" and _method(pd.DataFrame({"x": [1]})) == ""
