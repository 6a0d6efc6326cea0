"""Files in the encodings researchers actually have: the right text, or a clear reason."""
import codecs

import pytest

from analysis.corpus.encoding import DecodeError, decode_bytes
from tests.hostile.conftest import EN, ZH, ZH_TRADITIONAL, corpus_of


def _full(doc) -> str:
    """Title and text: the first line of a short file is read as its title."""
    return f"{doc['title'] if isinstance(doc['title'], str) else ''}\n{doc['text']}"


def _problems(problems, name):
    return problems[problems["source_file"] == name]


def test_big5_is_read_as_big5_not_as_gb18030_mojibake(tmp_path):
    docs, problems, _ = corpus_of(tmp_path, {"tw.txt": ZH_TRADITIONAL.encode("big5")})
    doc = docs.iloc[0]
    assert doc["encoding"] == "big5"
    assert "稳中求进" in _full(doc) and doc["converted_t2s"]        # Traditional, converted as it should be
    assert not any("\ue000" <= c <= "\uf8ff" for c in _full(doc))   # no private-use mojibake
    assert "Big5" in _problems(problems, "tw.txt").iloc[0]["problem"]


def test_gbk_and_gb18030_stay_gb18030():
    for enc in ("gbk", "gb18030"):
        found = decode_bytes(ZH.encode(enc))
        assert (found.text, found.encoding, found.note) == (ZH, "gb18030", None)


def test_a_few_stray_bytes_in_utf8_are_replaced_and_reported_by_line(tmp_path):
    data = ZH.encode("utf-8")
    cut = data.index("全力".encode())
    bad = data[:cut] + b"\xff\xfe\xfd" + data[cut:]
    docs, problems, _ = corpus_of(tmp_path, {"stray.txt": bad})
    assert len(docs) == 1 and docs.iloc[0]["encoding"] == "utf-8"
    text = _full(docs.iloc[0])
    assert "全力以赴冲刺双过半" in text and "固定资产投资" in text      # everything else kept
    row = _problems(problems, "stray.txt").iloc[0]
    assert row["action"] == "repaired" and "line 1" in row["problem"] and "U+FFFD" in row["problem"]


def test_a_file_half_utf8_half_gbk_is_decoded_line_by_line(tmp_path):
    first, second = ZH.split("\n")[0], ZH.split("\n")[1]
    data = (first + "\n").encode("utf-8") + (second + "\n").encode("gbk")
    docs, problems, _ = corpus_of(tmp_path, {"mixed.txt": data})
    text = _full(docs.iloc[0])
    assert "统筹疫情防控" in text and "固定资产投资增长" in text
    assert "mixed encodings: line 2 in GB18030" in _problems(problems, "mixed.txt").iloc[0]["problem"]


def test_windows_1252_english_is_read_with_its_quotes(tmp_path):
    docs, problems, _ = corpus_of(tmp_path, {"en.txt": EN.encode("cp1252")})
    doc = docs.iloc[0]
    assert doc["encoding"] == "windows-1252" and doc["lang"] == "en"
    assert "region's economy" in _full(doc) and "café" in _full(doc)   # ’ normalised to '


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text_not_binary(tmp_path, codec):
    docs, problems, _ = corpus_of(tmp_path, {"u16.txt": (ZH + EN).encode(codec)})
    assert docs.iloc[0]["encoding"] == "utf-16" and "稳中求进" in _full(docs.iloc[0])
    assert "without a byte-order mark" in _problems(problems, "u16.txt").iloc[0]["problem"]


def test_utf16_with_bom_and_utf8_with_bom_still_work():
    assert decode_bytes(codecs.BOM_UTF16_LE + ZH.encode("utf-16-le")).text == ZH
    assert decode_bytes(codecs.BOM_UTF8 + ZH.encode("utf-8")).encoding == "utf-8-sig"


def test_mostly_unreadable_bytes_are_refused_with_the_reason(tmp_path):
    with pytest.raises(DecodeError, match="cannot be decoded"):
        decode_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80]) * 40)
    docs, problems, _ = corpus_of(tmp_path, {"ok.txt": ZH, "png.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10})
    assert list(docs["source_file"]) == ["ok.txt"]
    assert "binary" in _problems(problems, "png.txt").iloc[0]["problem"]


def test_every_gbk_and_big5_text_of_the_real_reports_is_decoded_right(corpora):
    from analysis.corpus.normalize import _converters

    _, s2t = _converters()
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpora / "gwr_provincial_2025" / "texts").glob("*.txt"))]
    assert len(texts) >= 30
    for text in texts:
        assert decode_bytes(text.encode("gbk", errors="ignore")).encoding == "gb18030"
        assert decode_bytes(s2t.convert(text).encode("cp950", errors="ignore")).encoding == "big5"
