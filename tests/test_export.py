import pandas as pd
import pytest

from analysis.pipeline import atomic
from analysis.publishing.draw import build_corpus_outputs
from analysis.corpus.stage import build_corpus
from analysis.publishing.export import save_table, to_latex, to_markdown


@pytest.mark.slow
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


@pytest.mark.slow
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
    from analysis.publishing.catalog import SLOGAN_OUTPUTS
    from analysis.publishing.draw import _method
    from analysis.publishing.writer import Writer
    from analysis.pipeline.config import load_config
    from tests.conftest import ROOT

    captions = {o.name: o.caption for o in SLOGAN_OUTPUTS}
    w = Writer(tmp_path, load_config(ROOT / "tifa.toml"), SLOGAN_OUTPUTS, "key", {}, force=False)
    empty = pd.DataFrame(columns=["slogan", "method"])
    w.table(empty, "slogan_contrasts", _method(empty))
    assert captions["slogan_contrasts"] in (tmp_path / "slogan_contrasts.md").read_text(encoding="utf-8")
    rows = pd.DataFrame({"slogan": ["稳中求进"], "method": ["G-test, BH"]})
    assert _method(rows) == "G-test, BH" and _method(pd.DataFrame({"x": [1]})) == ""


def test_the_report_script_reads_as_blocks():
    """The report's prose template renders a small script; headings, joined paragraphs, lists with
    continued items and the figure/table directives (catalog captions, or the text after '|')."""
    from analysis.publishing.report import parse_blocks

    script = ("# Title\n\nOne line\nand the next.\n\n- item `a`\n  continued\n- item b\n@figure f1\n"
              "@table t1 rows=2 cols=x,y sort=-x where=status=tested\n@table t2 | Own caption.\n")
    asked = []

    def table(name, rows, cols, sort, where):
        asked.append((name, rows, cols, sort, where))
        return pd.DataFrame({"x": [1, 2, 3]})

    blocks = parse_blocks(script, {"f1": "Figure one.", "t1": "Table one."}, table)
    assert [b.kind for b in blocks] == ["h1", "p", "list", "figure", "table", "table"]
    assert blocks[1].content == "One line and the next."
    assert blocks[2].content == ["item `a` continued", "item b"]
    assert (blocks[3].content, blocks[3].caption) == ("f1.png", "Figure one.")
    assert blocks[5].caption == "Own caption." and asked == [("t1", 2, ["x", "y"], "-x", "status=tested"),
                                                         ("t2", None, None, None, None)]


def test_report_tables_show_their_strongest_rows_with_numbers_rounded(tmp_path):
    """A trimmed report table is sorted by its named column (empty cells last), decimal columns
    with empty cells are numbers (printed rounded, not as 16 digits), codes stay as written."""
    from analysis.publishing.export import to_markdown
    from analysis.publishing.report_facts import read_output_table

    (tmp_path / "t.csv").write_text("code,term,q_value\n440000,a,0.25\n,b,\n110000,c,0.0012345678901\n",
                                    encoding="utf-8")
    frame = read_output_table(tmp_path, "t", rows=2, sort="q_value")
    assert list(frame["term"]) == ["c", "a"]
    assert list(frame["code"]) == ["110000", "440000"]
    text = to_markdown(frame)
    assert "| 110000 | c | 0.001 |" in text and "0.0012345" not in text
    assert list(read_output_table(tmp_path, "t", sort="-q_value")["term"]) == ["a", "c", "b"]


def test_report_tables_keep_the_results_and_count_the_rest_by_reason(tmp_path):
    """Issue 30: the page shows results (where=status=tested); the rest are counted by reason in one
    line, the numbers that differ between rows of one reason dropped."""
    from analysis.publishing.report_facts import read_output_table, reasons

    (tmp_path / "c.csv").write_text(
        "slogan,status\na,tested\nb,too small: fewer than 2 documents on a side (1 vs 3)\n"
        "c,too small: fewer than 2 documents on a side (1 vs 30)\nd,too small: fewer than 5 occurrences (3)\n"
        "e,no documents in the previous quarter (2021Q4)\nf,tested\n", encoding="utf-8")
    assert list(read_output_table(tmp_path, "c", where="status=tested")["slogan"]) == ["a", "f"]
    assert list(read_output_table(tmp_path, "c", where="status^=too small")["slogan"]) == ["b", "c", "d"]
    line = reasons(read_output_table(tmp_path, "c")["status"])
    assert line == ("2 tested; not a result: 2 too small: fewer than 2 documents on a side, "
                    "1 too small: fewer than 5 occurrences, 1 no documents in the previous quarter")


def test_a_very_long_table_is_written_as_csv_and_not_typeset(tmp_path, monkeypatch):
    from analysis.publishing import export

    monkeypatch.setattr(export, "MAX_TYPESET_ROWS", 3)
    frame = pd.DataFrame({"term": list("abcd"), "count": [4, 3, 2, 1]})
    csv, tex, md = export.save_table(frame, "t", tmp_path, "Counts.")
    assert pd.read_csv(csv).equals(frame)
    assert "4 rows, too many to typeset" in tex.read_text() and "t.csv" in md.read_text()
    assert "\\begin{table" not in tex.read_text() and "| a |" not in md.read_text()
    csv, tex, md = export.save_table(frame.head(3), "u", tmp_path, "Counts.")
    assert "\\begin{table" in tex.read_text() or "\\toprule" in tex.read_text()


def test_every_output_names_a_function_that_exists():
    """The manifest and the README say which function makes each output: each one must be real
    (the catalog once named a function that did not exist)."""
    import importlib

    from analysis.publishing.catalog import CORPUS_OUTPUTS, KEYWORD_OUTPUTS, SLOGAN_OUTPUTS, TOPIC_OUTPUTS

    for output in (*CORPUS_OUTPUTS, *SLOGAN_OUTPUTS, *KEYWORD_OUTPUTS, *TOPIC_OUTPUTS):
        module, _, name = output.made_by.rpartition(".")
        assert callable(getattr(importlib.import_module(module), name, None)), (output.name, output.made_by)


def test_topic_top_word_bars_are_sorted_by_probability():
    """Issue 30: the words are chosen by relevance but drawn longest at the top."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.publishing.plots import topic_top_words

    topics = pd.DataFrame({"lang": ["zh"], "topic": [0], "share": [0.2], "label": ["产业"]})
    words = {("zh", 0): (["材料", "产业链", "产业集群", "算力"], [0.004, 0.013, 0.014, 0.002])}
    fig = topic_top_words(topics, words)
    ax = fig.axes[0]
    widths = [bar.get_width() for bar in sorted(ax.patches, key=lambda b: b.get_y())]
    assert widths == sorted(widths)                       # bottom to top: shortest to longest
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "产业集群"
    plt.close(fig)


def test_a_period_of_one_document_is_a_hollow_point_without_an_interval():
    """Issue 30: the caption promised intervals that a period of one document cannot have."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.publishing.plots import keyword_small_multiples

    rates = pd.DataFrame({"lang": "zh", "term": "稳增长", "period": ["2022Q1", "2022Q2", "2022Q3"],
                          "count": [3, 5, 1], "rate": [2.0, 3.0, 1.0], "rate_low": [1.0, 2.0, None],
                          "rate_high": [3.0, 4.0, None], "documents": [4, 6, 1]})
    fig = keyword_small_multiples(rates, pd.DataFrame(), ["稳增长"])
    points = [line for line in fig.axes[0].get_lines() if line.get_marker() == "o"]
    hollow = [line for line in points if line.get_markerfacecolor() == "white"]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [2022 * 4 + 2]   # 2022Q3, the one-document period
    plt.close(fig)


def test_an_interval_of_few_documents_does_not_stretch_the_axis():
    """Issue 30: one group's interval up to 14,690 put every other rate in the first millimetre."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from analysis.publishing.plots import AXIS_REACH, dot_interval_panels

    frame = pd.DataFrame({"group": ["浙江省", "广东省", "西藏自治区"], "value": [10.0, 20.0, 8.0],
                          "low": [6.0, 15.0, 0.04], "high": [14.0, 26.0, 14690.0], "documents": [12, 9, 2],
                          "small": [False, False, False]})
    fig = dot_interval_panels([("双过半", frame)], "rate")
    ax = fig.axes[0]
    assert 26 <= ax.get_xlim()[1] <= AXIS_REACH * 20 * 1.05
    cut = [c for c in ax.collections if c.get_offsets().shape[0] == 1 and c.get_offsets()[0][0] == ax.get_xlim()[1]]
    assert len(cut) == 1                                   # one interval cut at the edge, marked
    plt.close(fig)


def test_topic_top_words_with_long_phrases_keep_their_panels_apart():
    """Issue 30: on the provincial reports, joined phrases (习近平新时代中国特色社会主义思想_指导) as
    top words made tight_layout give up and the 25 panels overlap; labels are cut to 7 characters."""
    import matplotlib.pyplot as plt

    from analysis.publishing import layout_check
    from analysis.publishing.plots import topic_top_words

    long = ["习近平新时代中国特色社会主义思想_指导", "党的二十大_二中全会精神", "人大代表_政协委员", "高质量_充分就业",
            "消费品_以旧换新", "居民人均可支配收入", "产业链", "绿色"]
    topics = pd.DataFrame({"lang": "zh", "topic": range(25), "share": 0.04, "label": "高质量发展·党的二十大_二中·指导"})
    words = {("zh", t): (long, [0.08 - 0.005 * i for i in range(len(long))]) for t in range(25)}
    fig = topic_top_words(topics, words)
    assert layout_check.overlapping_labels(fig) == []
    plt.close(fig)
