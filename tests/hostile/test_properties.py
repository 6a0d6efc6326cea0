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
