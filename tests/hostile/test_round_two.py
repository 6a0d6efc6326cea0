"""Hostile inputs, second round (issue 32): what used to give a wrong number without a word."""
import pytest

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
