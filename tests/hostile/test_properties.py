"""Property-based tests: readers and normalisation on random bytes and random Unicode never fail
other than with a stated reason, and never garble what they keep."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.corpus.encoding import DecodeError, decode_bytes
from analysis.corpus.normalize import normalize_chars
from analysis.pipeline.problems import Problem
from analysis.corpus.readers import RawText, iter_corpus

FAST = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.binary(max_size=3000))
def test_any_bytes_decode_or_are_refused_with_a_reason(data):
    try:
        found = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(found.text, str) and found.encoding


@FAST
@given(st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=2000))
def test_utf8_text_comes_back_exactly(text):
    """(Text has no NUL character: bytes with one are binary, or UTF-16.)"""
    try:
        found = decode_bytes(text.encode("utf-8"))
    except DecodeError as exc:      # text full of control characters is refused as binary, with the reason
        assert "binary" in str(exc)
        return
    assert found.text == text.removeprefix("\ufeff") or found.encoding == "utf-8-sig"


@FAST
@given(st.text(alphabet=st.characters(codec="gb18030", exclude_categories=("Cc", "Cs", "Co")), min_size=1, max_size=500))
def test_chinese_text_in_gb18030_is_never_refused(text):
    if not any("\u4e00" <= c <= "\u9fff" for c in text):
        return
    found = decode_bytes(text.encode("gb18030"))
    assert found.text == text or found.encoding != "gb18030"  # another reading is allowed only when it reads better


@FAST
@given(st.text(max_size=2000))
def test_normalisation_is_idempotent_and_keeps_chinese(text):
    once = normalize_chars(text)
    assert normalize_chars(once) == once
    assert [c for c in text if "\u4e00" <= c <= "\u9fff"] == [c for c in once if "\u4e00" <= c <= "\u9fff"]


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.csv", "x.jsonl", "x.md"]))
def test_a_random_file_in_the_corpus_gives_texts_or_problems_never_an_exception(tmp_path_factory, data, name):
    folder = tmp_path_factory.mktemp("random")
    (folder / name).write_bytes(data)
    for item in iter_corpus(folder):
        assert isinstance(item, (RawText, Problem))


# ---- the config loader, the counting API and metadata.csv (issue 32) ------------------------------
import dataclasses  # noqa: E402

import pytest  # noqa: E402

from analysis.corpus.normalize import INVISIBLE  # noqa: E402
from analysis.pipeline.config import _SECTIONS, Config, ConfigError  # noqa: E402

SETTINGS = [(name, f.name) for name, cls in _SECTIONS.items() if name != "paths" for f in dataclasses.fields(cls)]
ANY_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
              st.sampled_from(["false", "true", "8", "", " ", "../nowhere", "稳中求进", "iso:zh"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)


@FAST
@given(st.sampled_from(SETTINGS), ANY_VALUE)
def test_any_value_of_any_setting_is_taken_or_refused_naming_the_setting(setting, value):
    """Through the API (cfg.replace) as through tifa.toml: a config, or one ConfigError that names
    [section] key; never a TypeError from inside, never a value silently taken as another type."""
    section, key = setting
    try:
        cfg = Config().replace(**{section: {key: value}})
    except ConfigError as exc:
        assert f"[{section}] {key}" in str(exc)
        return
    taken = getattr(getattr(cfg, section), key)
    default = getattr(getattr(Config(), section), key)
    if isinstance(default, bool):
        assert taken is value
    elif isinstance(default, (int, float)) and not isinstance(default, bool):
        assert taken == value and not isinstance(value, (bool, str))
    elif isinstance(default, str):
        assert taken == value
    elif isinstance(default, tuple):
        assert list(taken) == list(value) and not isinstance(value, str)


TOML_VALUE = st.one_of(st.booleans(), st.integers(min_value=-2**63, max_value=2**63 - 1),
                       st.floats(allow_nan=False, allow_infinity=False),
                       st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=20),
                       st.lists(st.integers(min_value=-5, max_value=50), max_size=4),
                       st.lists(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=6), max_size=4))


def _toml(value) -> str:
    import json
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@FAST
@given(st.sampled_from(SETTINGS), TOML_VALUE, st.booleans())
def test_any_value_in_tifa_toml_loads_or_is_refused_naming_the_setting(tmp_path_factory, setting, value, bom):
    from analysis.pipeline.config import load_config

    section, key = setting
    path = tmp_path_factory.mktemp("toml") / "tifa.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + f"[{section}]\n{key} = {_toml(value)}\n".encode("utf-8"))
    try:
        load_config(path)
    except ConfigError as exc:
        assert f"[{section}] {key}" in str(exc) or f"{section}.{key}" in str(exc), str(exc)


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory):
    from analysis.api import load_corpus
    from analysis.pipeline.config import load_config
    from tests.conftest import ROOT

    tmp = tmp_path_factory.mktemp("api")
    return load_corpus(load_config(ROOT / "tifa.toml").with_paths(data=tmp / "data", figures=tmp / "figures"))


ARGUMENT = st.one_of(st.none(), st.integers(), st.text(max_size=6), st.lists(st.one_of(st.text(max_size=6), st.integers(),
                                                                                       st.none()), max_size=3),
                     st.dictionaries(st.text(max_size=4), st.one_of(st.text(max_size=6), st.lists(st.text(max_size=6),
                                                                                                   max_size=2)), max_size=2))


@FAST
@given(queries=ARGUMENT, rule=st.one_of(st.none(), st.sampled_from(["all", "longest", "first", "", 3])))
def test_the_counting_api_counts_or_refuses_any_argument_with_a_message(seed_corpus, queries, rule):
    from analysis.api import slogan_counts

    try:
        table = seed_corpus.count(queries, rule=rule or "all")
    except ConfigError as exc:
        assert str(exc)
    else:
        assert len(table) > 0 and table.select_dtypes("number").ge(0).all().all()
    try:
        table = slogan_counts(seed_corpus, add=queries if isinstance(queries, dict) else {"x": queries}, lexicon=False,
                              rule=rule)
    except ConfigError as exc:
        assert str(exc)
    else:
        assert list(table.columns)[0] == "doc_id" and len(table) == len(seed_corpus)


@FAST
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=60), st.sampled_from(sorted(INVISIBLE))), max_size=6),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030", "big5"]))
def test_unicode_noise_and_any_encoding_never_change_a_count(marks, codec):
    """Invisible and direction characters anywhere, in any encoding the reader knows: the same counts
    as the clean UTF-8 text (a changed count is never silent)."""
    from analysis.corpus.documents import documents_from_raw
    from analysis.slogans.matcher import Matcher

    clean = "全市经济运行分析会召开。会议要求，坚持稳中求进工作总基调，奋力冲刺双过半，确保经济运行开门红。"
    noisy = list(clean)
    for at, mark in sorted(marks, reverse=True):
        noisy.insert(min(at, len(noisy)), mark)
    text = "".join(noisy)
    if codec == "big5":
        from analysis.corpus.normalize import _converters
        text = _converters()[1].convert(text)
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:      # a mark that the encoding has no code for
        return
    found = decode_bytes(data)
    records, _ = documents_from_raw(RawText("a.txt", None, found.text, found.encoding))
    matcher = Matcher({"稳中求进": (["稳中求进"], []), "双过半": (["双过半"], []), "开门红": (["开门红"], [])})
    assert matcher.count(records[0]["text"], "zh") == matcher.count(clean, "zh")


@FAST
@given(st.sampled_from([",", ";", "\t"]), st.booleans(), st.booleans())
def test_metadata_csv_in_any_separator_with_or_without_bom_or_quotes_gives_the_same_values(
        tmp_path_factory, sep, bom, quoted):
    from analysis.corpus.overrides import read_overrides
    from analysis.corpus.regions import load_gazetteer

    q = '"' if quoted else ""
    rows = [["source_file", "quarter", "region", "meeting_date"], ["a.txt", "2022Q2", "广东省", "2022-05-10"],
            ["b.txt", "2021Q4", "浙江省", "2021-12-01"]]
    text = "\n".join(sep.join(f"{q}{c}{q}" for c in row) for row in rows) + "\n"
    path = tmp_path_factory.mktemp("meta") / "metadata.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    found, problems = read_overrides(path, load_gazetteer())
    assert [(o.source_file, o.values["quarter"], str(o.values["meeting_date"])) for o in found] == [
        ("a.txt", "2022Q2", "2022-05-10"), ("b.txt", "2021Q4", "2021-12-01")]
    assert (sep != ",") == any("not commas" in p.problem for p in problems)
