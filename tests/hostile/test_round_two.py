"""Hostile inputs, second round (issue 32): what used to give a wrong number without a word."""
import pytest

from analysis.corpus.encoding import DecodeError, decode_bytes
from analysis.corpus.normalize import INVISIBLE, normalize_chars
from analysis.slogans.matcher import Matcher
from analysis.slogans.stage import slogan_concepts
from analysis.text.lexicon import read_lexicon
from tests.conftest import ROOT
from tests.hostile.conftest import ZH, corpus_of


@pytest.fixture(scope="module")
def matcher():
    return Matcher(slogan_concepts(read_lexicon(ROOT / "lexicon" / "lexicon.csv")))


@pytest.mark.parametrize("mark", list(INVISIBLE))
def test_an_invisible_character_inside_a_slogan_does_not_hide_it(mark, matcher):
    text = normalize_chars(f"全市上下坚持稳中{mark}求进工作总基调，冲刺双{mark}过半。")
    counts = matcher.count(text, "zh")
    assert counts["稳中求进"] == 1 and counts["双过半"] == 1


def test_a_traditional_form_inside_a_simplified_text_counts_and_is_reported(tmp_path, matcher):
    docs, problems, _ = corpus_of(tmp_path, {"a.txt": "全市经济运行分析会召开\n" + ZH + "各地要全力冲刺「雙過半」目标。\n"})
    assert matcher.count(docs["text"].iloc[0], "zh")["双过半"] == 2
    assert problems["problem"].str.contains("Traditional character").any()


def test_text_with_a_space_between_every_character_is_rejoined_and_reported(tmp_path, matcher):
    spaced = "全市经济运行分析会召开\n" + " ".join(ZH.replace("\n", "")) + "\n"
    docs, problems, _ = corpus_of(tmp_path, {"pdf.txt": spaced})
    assert matcher.count(docs["text"].iloc[0], "zh")["稳中求进"] == 1
    assert problems["problem"].str.contains("space between every Chinese character").any()


def test_full_width_bars_between_lexicon_variants(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("term,category,slogan,variants,english,note\n稳岗位,general,yes,稳岗｜穩崗位,,\n", encoding="utf-8")
    assert read_lexicon(path).entries[0].surfaces == ("稳岗位", "稳岗")


@pytest.mark.parametrize("section, key, value, says", [
    ("slogans", "include_title", "false", "true or false (write true or false without quotes)"),
    ("keywords", "terms", "稳增长", 'a list of strings (like ["a", "b"])'),
    ("keywords", "keyness_groups", "广东省", "a list of strings"),
    ("figures", "formats", "png", "a list of strings"),
    ("tokens", "stopwords_zh", "iso:zh", "a list of strings"),
    ("topics", "k_grid", ["8", "12"], "a list of numbers"),
    ("topics", "k", "8", "a whole number"),
    ("random", "seed", 4294967296, "must be between 0 and 4294967295"),
])
def test_a_setting_of_the_wrong_type_is_refused_in_the_file_and_in_the_api(tmp_path, section, key, value, says):
    """Issue 32: "false" (a string) meant True; a string where a list belongs was split into characters."""
    import json
    import re

    from analysis.pipeline.config import ConfigError, load_config

    path = tmp_path / "tifa.toml"
    path.write_text(f"[{section}]\n{key} = {json.dumps(value, ensure_ascii=False)}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{key}.*{re.escape(says)}"):
        load_config(path)
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_config(ROOT / "tifa.toml").replace(**{section: {key: value}})


def test_api_arguments_are_checked_where_they_enter(tmp_path):
    """Issue 32: a string for a list of queries counted single characters; an unknown rule, a
    negative n and a string form in ``add`` gave numbers instead of errors."""
    import analysis as tf
    from analysis.pipeline.config import ConfigError

    corp = tf.load_corpus(ROOT / "tifa.toml", data=tmp_path / "data")
    assert list(corp.count("双过半").columns) == list(corp.count(["双过半"]).columns)
    one = tf.slogan_counts(corp, add={"双过半x": "双过半"}, lexicon=False)
    assert one["双过半x"].sum() == corp.count(["双过半"])["双过半"].sum()
    for call in (lambda: tf.slogan_counts(corp, rule="first"), lambda: corp.count(["双过半", ""]),
                 lambda: tf.fit_topics(corp.config, k="8"),
                 lambda: tf.textstat_frequency(corp.tokens().dfm(), n=-1), lambda: corp.tokens().dfm(column="nope")):
        with pytest.raises(ConfigError):
            call()


def test_files_of_one_name_with_two_suffixes_and_a_part_written_as_a_circled_number(tmp_path):
    files = {"a.txt": "全市经济运行分析会召开\n" + ZH, "a.md": "全市上半年经济运行分析会召开\n" + ZH,
             "metadata.csv": "source_file,part,quarter\na.txt,①,2022Q2\n"}
    docs, problems, _ = corpus_of(tmp_path, files)
    assert sorted(docs["doc_id"]) == ["a", "a.txt"]
    said = dict(zip(problems["source_file"] + " " + problems["where"].fillna(""), problems["problem"]))
    assert "another file has its document id 'a'" in said["a.txt "]
    assert said["metadata.csv row 2, column part"] == "'①' is not a whole number"


def test_the_console_names_the_real_values_of_a_kind_of_problem():
    from analysis.corpus.summary import problem_kind

    assert problem_kind("decoded as GB18030 (3 characters replaced)") == "decoded as GB18030 (N characters replaced)"
    assert problem_kind("quarters like 2021Q1 and UTF-8 text") == "quarters like 2021Q1 and UTF-8 text"


def test_an_html_page_saved_as_text_is_read_without_its_markup(tmp_path, matcher):
    page = ("<!DOCTYPE html><html><head><title>湖南省人民政府</title><script>var 稳中求进 = 1;</script>"
            "<style>.nav{color:red}</style></head><body><nav>首页 &gt; 要闻</nav><h1>全市经济运行分析会召开</h1>"
            f"<p>{ZH.splitlines()[0]}</p><p>{ZH.splitlines()[1]}</p><footer>版权所有&nbsp;2026</footer></body></html>")
    docs, problems, _ = corpus_of(tmp_path, {"page.txt": page, "page2.html": page})
    for text in docs["text"]:
        assert "<" not in text and "nbsp" not in text and "var" not in text and "版权" not in text
        assert matcher.count(text, "zh")["稳中求进"] == 1          # the one in the script is not counted
    assert (problems["problem"].str.startswith("an HTML page")).sum() == 2


def test_markdown_loses_its_markup_and_rtf_is_refused_with_the_remedy(tmp_path, matcher):
    md = "# 全市经济运行分析会召开\n\n**全市上下坚持稳中求进工作总基调**，冲刺[双过半](http://example.org)。\n\n- 一是抓项目\n"
    rtf = r"{\rtf1\ansi\deff0 {\fonttbl {\f0 SimSun;}} \f0\fs24 \u31283?\u20013? }"
    docs, problems, _ = corpus_of(tmp_path, {"a.md": md, "b.rtf.txt": rtf, "c.txt": "全市经济运行分析会召开\n" + ZH})
    text = docs.set_index("source_file").loc["a.md", "text"]
    assert "#" not in text and "**" not in text and "](" not in text and matcher.count(text, "zh")["双过半"] == 1
    said = problems.set_index("source_file")
    assert said.loc["b.rtf.txt", "action"] == "skipped" and "save it as plain text" in said.loc["b.rtf.txt", "problem"]


def test_paths_that_are_not_what_they_should_be_end_in_one_line_with_the_fix(tmp_path, run_cli):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("全市经济运行分析会召开\n" + ZH, encoding="utf-8")
    status, _, err = run_cli("corpus", "--corpus", corpus / "a.txt", "--data", tmp_path / "d", "--quiet")
    assert status == 2 and "is a file; give the folder that holds the corpus" in err
    status, _, err = run_cli("corpus", "--config", tmp_path, "--corpus", corpus, "--data", tmp_path / "d")
    assert status == 2 and "a folder, not a configuration file" in err
    (tmp_path / "afile").write_text("x")
    status, _, err = run_cli("corpus", "--corpus", corpus, "--data", tmp_path / "afile", "--quiet")
    assert status == 2 and "a file stands where a folder is needed" in err and "Traceback" not in err
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff[slogans]\nrule = \"all\"\n".encode("utf-8"))
    assert run_cli("corpus", "--config", bom, "--corpus", corpus, "--data", tmp_path / "d", "--quiet")[0] == 0


def test_a_data_folder_inside_the_corpus_is_not_read_as_documents(tmp_path, run_cli):
    """Issue 32: the second run read the first run's outputs as documents (9 → 18)."""
    import pandas as pd

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("全市经济运行分析会召开\n" + ZH, encoding="utf-8")
    for data in (corpus / "data", corpus / "data", tmp_path / "elsewhere"):   # then an earlier run's folder stays
        assert run_cli("corpus", "--corpus", corpus, "--data", data, "--quiet")[0] == 0
        docs = pd.read_parquet(data / "corpus" / "documents.parquet")
        problems = pd.read_csv(data / "corpus" / "problems.csv")
        assert len(docs) == 1 and problems["problem"].str.contains("output folder of tifa's").any()


@pytest.mark.slow
def test_a_closed_pipe_ends_the_output_quietly(tmp_path):
    """`concordance 的 | head -1`: the reader stops after a line; we used to print an internal error."""
    import subprocess
    import sys

    out = subprocess.run(f"{sys.executable} -m analysis concordance 的 --show 100000 --corpus seeds "
                         f"--data {tmp_path / 'd'} | head -1", shell=True, cwd=ROOT, capture_output=True, text=True)
    assert "BrokenPipe" not in out.stderr and "error" not in out.stderr and out.stdout.startswith("的")


@pytest.mark.slow
def test_a_full_disk_names_the_folder_and_the_remedy_and_the_rerun_recovers_every_table(tmp_path, run_cli, monkeypatch):
    import errno
    import shutil

    import pandas as pd

    from analysis.pipeline import atomic

    shutil.copytree(ROOT / "seeds", tmp_path / "corpus")
    clean = ("slogans", "--corpus", tmp_path / "corpus", "--data", tmp_path / "clean", "--quiet")
    assert run_cli(*clean)[0] == 0
    real, calls = atomic.atomic_path, []

    def full(target):   # the disk fills up at the fourth file written
        calls.append(target)
        if len(calls) == 4:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(target)

    monkeypatch.setattr(atomic, "atomic_path", full)
    args = ("slogans", "--corpus", tmp_path / "corpus", "--data", tmp_path / "data", "--quiet")
    status, _, err = run_cli(*args)
    assert status == 2 and "no space left on the device" in err and str(calls[3]) in err
    monkeypatch.setattr(atomic, "atomic_path", real)
    assert run_cli(*args)[0] == 0
    for name in ("counts", "rates", "contrasts"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "data" / "slogans" / f"{name}.parquet"),
                                      pd.read_parquet(tmp_path / "clean" / "slogans" / f"{name}.parquet"))


def test_metadata_rows_that_conflict_overflow_contradict_or_use_semicolons_are_reported(tmp_path):
    files = {"a.txt": "全市经济运行分析会召开\n" + ZH, "b.txt": "全市上半年经济运行分析会召开\n" + ZH.replace("全市", "全县"),
             "metadata.csv": "source_file;quarter;meeting_date\na.txt;2022Q2;\na.txt;2022Q3;\n"
                             "b.txt;2022Q3;2022-05-03;extra\n"}
    docs, problems, _ = corpus_of(tmp_path, files)
    said = dict(zip(problems["where"], problems["problem"]))
    assert "separated by ';'" in said["header"]
    assert "a second row for a.txt (row 2) with other values (quarter)" in said["row 3"]
    assert docs.set_index("source_file").loc["a.txt", "quarter"] == "2022Q2"      # the first row is used
    row4 = problems[problems["where"] == "row 4"]["problem"].tolist()
    assert any("more than the header" in p for p in row4) and any("is in 2022Q2, not in the quarter" in p for p in row4)


def test_japanese_and_korean_texts_are_refused_not_converted_and_counted(tmp_path):
    ja = "政府は経済対策を発表しました。今年の成長率は五パーセントを目指します。地方経済の安定が重要です。\n" * 3
    ko = "經濟 成長을 위한 政府의 對策이 發表되었다. 地方 經濟의 安定이 重要하다. 今年 成長率 目標는 5%이다.\n" * 3
    docs, problems, _ = corpus_of(tmp_path, {"ja.txt": ja, "ko.txt": ko, "zh.txt": "全市经济运行分析会召开\n" + ZH})
    langs = dict(zip(docs["source_file"], docs["lang"]))
    assert langs == {"ja.txt": "ja", "ko.txt": "ko", "zh.txt": "zh"}
    assert not docs.set_index("source_file").loc[["ja.txt", "ko.txt"], "converted_t2s"].any()
    assert problems["problem"].str.contains("unsupported language").sum() == 2


def test_a_query_that_begins_with_a_dash_gets_the_form_that_works(run_cli):
    status, _, err = run_cli("count", "-稳", "--corpus", "seeds")
    assert status == 2 and "give the options first, then -- and the queries" in err
    assert "count --corpus seeds -- -稳" in err


def test_a_jsonl_text_that_is_a_number_or_a_list_is_named_as_such(tmp_path):
    rows = ('{"text": 12345}\n{"text": ["全市经济运行分析会召开", "稳中求进"]}\n'
            '{"text": "全市上下坚持稳中求进工作总基调，冲刺双过半。"}\n')
    docs, problems, _ = corpus_of(tmp_path, {"n.jsonl": rows})
    said = " ".join(problems["problem"])
    assert len(docs) == 1 and "holds a number, not a text (rows 1)" in said and "holds a list, not a text (rows 2)" in said


def test_a_utf32_file_with_a_byte_order_mark_is_read_not_called_binary(tmp_path, matcher):
    text = "全市经济运行分析会召开\n" + ZH
    docs, problems, _ = corpus_of(tmp_path, {"a.txt": text.encode("utf-32")})
    assert docs["encoding"].iloc[0] == "utf-32" and matcher.count(docs["text"].iloc[0], "zh")["稳中求进"] == 1
    assert problems["problem"].str.contains("UTF-32").any() and not problems["problem"].str.contains("binary").any()


JA = "政府は経済対策を発表しました。今年の成長率は五パーセントを目指します。地方経済の安定が重要です。\n" * 3
KO = "정부는 올해 경제 성장률 목표를 5% 안팎으로 제시했다. 地方 經濟 활성화를 위해 새로운 政策을 추진하고 있다.\n" * 3


@pytest.mark.parametrize("text, codec, lang", [(JA, "shift_jis", "ja"), (JA, "euc_jp", "ja"), (KO, "euc_kr", "ko")])
def test_japanese_and_korean_in_their_own_encodings_are_recognised_not_read_as_gb18030(tmp_path, text, codec, lang):
    docs, problems, _ = corpus_of(tmp_path, {"a.txt": text.encode(codec)})
    assert docs["lang"].tolist() == [lang] and docs["text"].iloc[0].startswith(text.split("\n")[0][:12])
    assert problems["problem"].str.contains("unsupported language").any()


@pytest.mark.parametrize("word", ["騰籠換鳥", "營商環境", "穩中求進", "鄉村振興", "雙過半"])
def test_a_file_of_a_few_big5_characters_is_read_as_big5(word):
    """Short files read as equally clean common characters in GB18030 (騰籠換鳥 → 乃泞传尘): words decide."""
    assert decode_bytes(word.encode("big5")).text == word


@pytest.mark.parametrize("word", ["腾笼换鸟", "营商环境", "稳中求进", "双过半", "经济"])
def test_a_few_gbk_characters_stay_gbk(word):
    assert decode_bytes(word.encode("gbk")).text == word


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_or_any_ascii_is_read(codec):
    """No NUL byte to give it away: Chinese with full-width punctuation only."""
    text = "今年以来，全市经济运行稳中有进，“双过半”目标顺利实现。各地区各部门要坚持稳中求进工作总基调。"
    found = decode_bytes(text.encode(codec))
    assert found.text == text and "without a byte-order mark" in found.note


def test_a_file_that_cannot_be_read_says_how_to_save_it():
    with pytest.raises(DecodeError, match="save it as UTF-8"):
        decode_bytes(bytes(range(0x80, 0x100)) * 40)


def test_an_unclosed_quote_in_a_csv_corpus_does_not_merge_the_rows_after_it(tmp_path):
    rows = ('id,date,text\n'
            'r1,2021-04-01,"全市经济运行分析会召开，坚持稳中求进\n'
            'r2,2021-04-02,全区冲刺双过半，确保上半年目标完成\n'
            'r3,2021-04-03,"全县开门红，项目建设加快推进"\n'
            'r4,2021-04-04,全市经济运行稳中有进,多出来的一格\n'
            'r5,2021-04-05\n'
            'r6,2021-04-06,"今年以来全市坚持稳中求进。\n下半年全市冲刺双过半。"\n')
    docs, problems, _ = corpus_of(tmp_path, {"news.csv": rows})
    assert len(docs) == 5 and not docs["text"].str.contains("r2,2021").any()   # r5 has no text: named, not kept
    assert docs["text"].str.contains("下半年全市冲刺双过半", regex=False).any()   # a quoted text over two lines
    said = dict(zip(problems["where"], problems["problem"]))
    assert "a quote opened and never closed" in said["line 2"]
    assert "more cells than the header's 3" in said["line 5"] and "fewer cells than the header's 3" in said["line 6"]


POOL_SCRIPT = """
import sys, time
from analysis.pipeline.parallel import process_pool
try:
    with process_pool(2) as pool:
        pool.submit(time.sleep, 0).result()
        busy = [pool.submit(time.sleep, 60) for _ in range({busy})]
        print("ready", flush=True)
        time.sleep(60)
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(130)
"""


@pytest.mark.parametrize("busy", [0, 2], ids=["idle workers", "busy workers"])
def test_ctrl_c_stops_a_pool_of_two_workers_at_once_without_a_traceback(busy):
    """SIGINT reaches the whole process group, workers included, as a terminal's Ctrl-C does: idle
    workers (a figure-saving pool while the main process draws) printed a traceback each, and busy
    ones were waited for."""
    import os
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", POOL_SCRIPT.format(busy=busy)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)
    start = time.monotonic()
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("the pool was waited for after Ctrl-C")
    assert time.monotonic() - start < 10
    assert proc.returncode == 130 and err.strip() == "interrupted", err


def test_two_runs_with_one_figures_folder_do_not_overwrite_each_other(tmp_path, run_cli):
    """Issue 32: two runs with different --data and the same --figures wrote over each other's figures."""
    from analysis.pipeline.lock import data_lock

    with data_lock(tmp_path / "figures", "figures"):   # the other run
        status, _, err = run_cli("corpus", "--corpus", ROOT / "seeds", "--data", tmp_path / "d2",
                                 "--figures", tmp_path / "figures", "--quiet")
    assert status == 2 and "another run is using" in err and "another folder with --figures" in err
    assert run_cli("count", "稳", "--corpus", ROOT / "seeds", "--data", tmp_path / "d3", "--figures",
                   tmp_path / "figures", "--quiet")[0] == 0    # a command that writes no figure is not held up


def test_a_traditional_form_that_is_also_a_simplified_character_is_left_alone():
    """乾 is OpenCC's Traditional form of 干 but also a Simplified character (乾坤, names): the CCTV
    items' 乾利公司 and 刘象乾 became 干利 and 刘象干 (the recheck of issue 32's counts found it)."""
    from analysis.corpus.normalize import simplify_stray

    assert simplify_stray("邹平县乾利公司，刘象乾老人，海內外人才，冲刺雙過半") == ("邹平县乾利公司，刘象乾老人，海内外人才，冲刺双过半", 3)
