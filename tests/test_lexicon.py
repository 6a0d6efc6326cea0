import collections

import pytest

from analysis.text.lexicon import CATEGORIES, LexiconError, read_lexicon, read_stopwords
from tests.conftest import ROOT

LEXICON = ROOT / "lexicon" / "lexicon.csv"
HEADER = "term,category,slogan,variants,english,note\n"


def test_shipped_lexicon_size_and_groups():
    lex = read_lexicon(LEXICON)
    assert len(lex.entries) >= 300
    by_cat = collections.Counter(e.category for e in lex.entries)
    assert set(by_cat) == set(CATEGORIES)
    assert sum(e.slogan for e in lex.entries) >= 100
    terms = {e.term for e in lex.entries}
    for slogan in ("双过半", "稳中求进", "六稳六保", "放管服", "腾笼换鸟", "亩均论英雄", "最多跑一次", "一网通办",
                   "项目为王", "招商引资", "营商环境", "高质量发展", "共同富裕", "乡村振兴", "三高四新", "追赶超越",
                   "对标找差", "疫情要防住、经济要稳住、发展要安全", "稳进提质", "四上企业"):
        assert slogan in terms, slogan
    cage = next(e for e in lex.entries if e.term == "腾笼换鸟")
    assert {"vacate the cage and replace the bird", "cage for birds"} <= set(cage.english)


def test_every_lexicon_group_is_documented():
    doc = (ROOT / "lexicon" / "README.md").read_text(encoding="utf-8")
    for cat in CATEGORIES:
        assert f"`{cat}`" in doc


@pytest.mark.parametrize("body, message", [
    ("稳中求进,general,yes,,,\n稳增长,growth\n", "line 3: expected 6 fields"),
    ("稳中求进,economy,yes,,,\n", "line 2: unknown category 'economy'"),
    ("稳中求进,general,maybe,,,\n", "line 2: slogan must be yes or no"),
    ("稳增长,general,yes,稳经济,,\n稳经济,general,yes,,,\n", "line 3: '稳经济' already belongs to '稳增长' (line 2)"),
    (",general,yes,,,\n", "line 2: empty term"),
])
def test_malformed_lexicon_lines_are_named(tmp_path, body, message):
    path = tmp_path / "lex.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        read_lexicon(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_bad_header_and_missing_file(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("word,group\n稳中求进,general\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="line 1: header"):
        read_lexicon(path)
    with pytest.raises(LexiconError, match="not found"):
        read_lexicon(tmp_path / "missing.csv")


def test_segmenter_words():
    lex = read_lexicon(LEXICON)
    words = set(lex.segmenter_words())
    assert {"双过半", "实现双过半", "专项债", "专项债券", "1+5+N"} <= words
    assert "疫情要防住、经济要稳住、发展要安全" not in words  # punctuation: never one token
    assert '"四上"企业' not in words  # quotes: never one token
    canon = lex.surface_to_term()
    assert canon["实现双过半"] == "双过半" and canon["专项债券"] == "专项债" and canon["双过半"] == "双过半"


def test_stopword_lists(tmp_path):
    gov = read_stopwords([str(ROOT / "lexicon" / "stopwords_gov_zh.txt")])
    assert {"要", "抓好", "切实", "进一步"} <= gov
    assert "#" not in "".join(gov)
    iso = read_stopwords(["iso:zh"])
    assert "的" in iso and len(iso) > 500
    en = read_stopwords(["iso:en", str(ROOT / "lexicon" / "stopwords_gov_en.txt")])
    assert {"the", "must", "strengthen"} <= en
    with pytest.raises(LexiconError, match="no language"):
        read_stopwords(["iso:xx"])
    with pytest.raises(LexiconError, match="not found"):
        read_stopwords([str(tmp_path / "nope.txt")])


def test_the_stopword_key_is_the_words_not_the_path(tmp_path):
    """A project copied to another folder keeps its keys: the same stop-word file in two folders
    gives one key; a new word gives another."""
    from analysis.text.lexicon import stopword_digest

    text = (ROOT / "lexicon" / "stopwords_gov_zh.txt").read_text(encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "stop.txt").write_text(text, encoding="utf-8")
    key = stopword_digest(["iso:zh", str(tmp_path / "a" / "stop.txt")])
    assert stopword_digest(["iso:zh", str(tmp_path / "b" / "stop.txt")]) == key
    (tmp_path / "b" / "stop.txt").write_text(text + "\n新词\n", encoding="utf-8")
    assert stopword_digest(["iso:zh", str(tmp_path / "b" / "stop.txt")]) != key
    assert stopword_digest(["iso:en", str(tmp_path / "a" / "stop.txt")]) != key


def test_lexicon_forms_are_normalised_as_the_texts_are(tmp_path):
    """Issue 31: a Traditional form, a full-width one and a curly-quoted one in lexicon.csv were never
    counted (the texts are normalised, the lexicon was not). They are normalised at load; forms that
    become the same are merged, and a clash with another entry names both spellings."""
    from analysis.corpus.normalize import normalize_chars
    from analysis.slogans.matcher import Matcher
    from analysis.slogans.stage import slogan_concepts

    path = tmp_path / "lex.csv"
    path.write_text(HEADER + "穩外資,general,yes,穩外資|稳外资,Stabilise Foreign Investment,\n"
                             "１＋Ｘ,general,yes,,,\n“三个一批”,general,yes,,,\n", encoding="utf-8")
    lex = read_lexicon(path)
    assert [e.surfaces for e in lex.entries] == [("稳外资",), ("1+X",), ('"三个一批"',)]
    assert lex.entries[0].english == ("stabilise foreign investment",)
    text = normalize_chars("稳外资，推进１＋Ｘ改革，落实“三个一批”。")
    assert Matcher(slogan_concepts(lex)).count(text, "zh") == {"稳外资": 1, "1+X": 1, '"三个一批"': 1}
    path.write_text(HEADER + "稳外资,general,yes,,,\n穩外資,general,yes,,,\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="'穩外資' normalised as the texts are: '稳外资'"):
        read_lexicon(path)
