import codecs
import json

import pandas as pd
import pytest

from analysis.pipeline.problems import Problem
from analysis.corpus.readers import DecodeError, RawText, decode_bytes, iter_corpus

TEXT = "稳中求进，全县经济运行总体平稳。"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
])
def test_decode_every_supported_encoding(data, encoding):
    found = decode_bytes(data)
    assert found.text == TEXT
    assert found.encoding == encoding


def test_binary_and_undecodable_bytes_are_refused():
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DecodeError, match="cannot be decoded"):
        decode_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80]) * 20)


def _read(folder):
    items = list(iter_corpus(folder))
    texts = {i.source_file: i for i in items if isinstance(i, RawText)}
    problems = {i.source_file: i for i in items if isinstance(i, Problem)}
    return items, texts, problems


def test_bad_files_are_reported_by_name_and_the_rest_is_read(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(TEXT.encode("gbk"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    _, texts, problems = _read(tmp_path)
    assert set(texts) == {"good.txt", "gbk.txt"}
    assert texts["gbk.txt"].text == TEXT
    assert problems["empty.txt"].problem == "empty file"
    assert "whitespace" in problems["blank.txt"].problem
    assert "binary" in problems["binary.txt"].problem
    assert "not a corpus file" in problems["picture.png"].problem
    assert all(p.action == "skipped" for p in problems.values())


def test_tabular_corpora_csv_jsonl_parquet(tmp_path):
    rows = [{"text": TEXT, "title": "县经济运行分析会", "date": "2022-07-23", "region": "萧山区"},
            {"text": "", "title": "empty"}]
    pd.DataFrame(rows).to_csv(tmp_path / "a.csv", index=False)
    (tmp_path / "b.jsonl").write_text(json.dumps(rows[0], ensure_ascii=False) + "\n{broken\n[1, 2]\n", encoding="utf-8")
    pd.DataFrame(rows[:1]).to_parquet(tmp_path / "c.parquet")
    pd.DataFrame([{"body": TEXT, "tags": "经济"}]).to_csv(tmp_path / "d.csv", index=False)
    pd.DataFrame([{"words": TEXT}]).to_csv(tmp_path / "e.csv", index=False)
    items, _, _ = _read(tmp_path)
    texts = [i for i in items if isinstance(i, RawText)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(t.source_file, t.row) for t in texts] == [("a.csv", 0), ("b.jsonl", 0), ("c.parquet", 0), ("d.csv", 0)]
    assert texts[0].overrides == {"title": "县经济运行分析会", "pub_date": "2022-07-23", "region": "萧山区"}
    messages = {(p.source_file, p.where): p.problem for p in problems}
    assert messages[("a.csv", "1 row(s)")] == "empty or missing text (rows 2)"
    assert "not valid JSON" in messages[("b.jsonl", "line 2")]
    assert messages[("b.jsonl", "line 3")] == "not a JSON object (a list)"
    assert texts[1].overrides == texts[0].overrides  # JSON lines: the same columns as a CSV
    # a common name for the text column is recognised, the columns used are said, the rest kept
    assert texts[3].text == TEXT and texts[3].variables == {"tags": "经济"}
    assert messages[("d.csv", "")] == "columns used: text ← body; kept as document variables: tags"
    assert "no text column (columns: words)" in messages[("e.csv", "")]
    assert "columns = {text" in messages[("e.csv", "")]


def test_column_mapping_from_the_configuration(tmp_path):
    from analysis.corpus.readers import iter_corpus

    pd.DataFrame([{"正文": TEXT, "content": "not this", "发布时间": "2022-07-23 19:00:00"}]).to_csv(
        tmp_path / "a.csv", index=False)
    texts = [i for i in iter_corpus(tmp_path, columns={"text": "正文"}) if isinstance(i, RawText)]
    assert texts[0].text == TEXT and texts[0].overrides == {"pub_date": "2022-07-23 19:00:00"}
    assert texts[0].variables == {"content": "not this"}


def test_many_empty_rows_are_one_problem(tmp_path):
    from analysis.corpus.readers import iter_corpus

    rows = [{"content": ""}] * 189 + [{"content": TEXT}]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    problems = [i for i in iter_corpus(tmp_path) if isinstance(i, Problem) and i.action == "skipped"]
    assert len(problems) == 1 and problems[0].where == "189 row(s)"
