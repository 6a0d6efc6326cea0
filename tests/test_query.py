"""Queries beyond exact strings (wildcards, regular expressions, proximity) against counts made by
hand on the seeds, their concordance, and the mistakes a user makes in them."""
import re

import pandas as pd
import pytest

from analysis.slogans.query import QueryError, count_strings, kwic, parse
from analysis.slogans.stage import counted_texts


@pytest.fixture(scope="module")
def docs(seed_docs):
    from analysis.corpus.stage import analysable

    return analysable(seed_docs.reset_index(drop=True)).reset_index(drop=True)


@pytest.fixture(scope="module")
def texts(docs):
    return counted_texts(docs, True)


def _total(table, query):
    return int(table[query].sum())


def test_a_chinese_wildcard_finds_every_place_its_fixed_part_occurs(docs, texts):
    """稳* stands for 稳 and up to four Chinese characters after it: one match per 稳 of the Chinese
    texts; 稳?长 for 稳 + one character + 长."""
    table = count_strings(["稳*", "稳?长", "穩*"], docs)
    zh = [t for d, t in texts.items() if docs.set_index("doc_id").loc[d, "lang"] == "zh"]
    assert _total(table, "稳*") == sum(t.count("稳") for t in zh) > 5
    assert _total(table, "穩*") == _total(table, "稳*")          # typed in Traditional characters
    by_hand = sum(1 for t in zh for i in range(len(t) - 2) if t[i] == "稳" and t[i + 2] == "长")
    assert _total(table, "稳?长") == by_hand > 0


def test_an_english_wildcard_matches_inside_one_word_in_any_case(docs, texts):
    table = count_strings(["develop*"], docs)
    en = [t for d, t in texts.items() if docs.set_index("doc_id").loc[d, "lang"] == "en"]
    words = [w.strip(".,;:!?()\"'").lower() for t in en for w in t.split()]
    assert _total(table, "develop*") == sum(w.startswith("develop") and w.isalpha() for w in words) > 0


def test_a_regular_expression_counts_its_matches(docs, texts):
    table = count_strings(["re:稳(增长|就业)", "re:\\d+家"], docs)
    assert _total(table, "re:稳(增长|就业)") == sum(t.count("稳增长") + t.count("稳就业") for t in texts.values())
    assert _total(table, "re:\\d+家") == sum(len(re.findall(r"\d+家", t)) for t in texts.values()) > 0


def test_proximity_counts_the_first_query_near_the_second(docs, texts):
    """In the seeds, one 双过半 has 项目 15 characters before it (…抓好项目推进，全方位优化营商环境。实现双过半):
    counted within 15 characters, not within 14; the count is the same whichever way round the
    distance is measured, and equals a search by hand."""
    table = count_strings(["双过半 NEAR/15 项目", "双过半 NEAR/14 项目", "项目 NEAR/15 双过半"], docs)
    assert _total(table, "双过半 NEAR/15 项目") == 1 and _total(table, "双过半 NEAR/14 项目") == 0
    assert _total(table, "项目 NEAR/15 双过半") >= 1

    def by_hand(a, b, n):
        found = 0
        for t in texts.values():
            starts_b = [m.start() for m in re.finditer(b, t)]
            for m in re.finditer(a, t):
                found += any(sb - m.end() <= n and m.start() - (sb + len(b)) <= n for sb in starts_b)
        return found
    for n in (5, 20, 50):
        assert _total(count_strings([f"招商引资 NEAR/{n} 项目"], docs), f"招商引资 NEAR/{n} 项目") == \
            by_hand("招商引资", "项目", n)


def test_rules_apply_to_patterns_as_stated(docs):
    table = count_strings(["稳*"], docs, rule="presence")
    assert set(table["稳*"]) <= {0, 1}
    with pytest.raises(QueryError, match="longest.*exact strings"):
        count_strings(["稳*"], docs, rule="longest")


@pytest.mark.parametrize("query, message", [
    ("re:稳(", "not a valid regular expression"),
    ("双过半 NEAR 项目", "NEAR needs a distance"),
    ("a NEAR/3 b NEAR/3 c", "one NEAR per query"),
    ("  ", "an empty query"),
])
def test_a_broken_query_is_one_clear_error(query, message):
    with pytest.raises(QueryError, match=message):
        parse(query)


def test_the_concordance_has_every_match_in_its_context(docs):
    queries = ["稳*", "双过半 NEAR/15 项目", "招商引资"]
    table = kwic(queries, docs, context=10)
    counts = count_strings(queries, docs)
    for q in queries:
        assert (table["query"] == q).sum() == _total(counts, q)
    assert (table["left"].str.len() <= 10).all() and (table["right"].str.len() <= 10).all()
    assert table.loc[table["query"] == "稳*", "match"].str.startswith("稳").all()
    row = table[table["query"] == "双过半 NEAR/15 项目"].iloc[0]
    assert row["match"] == "双过半" and "项目" not in row["right"] and row["left"].endswith("实现")


def test_count_and_concordance_commands_write_the_document_variables(tmp_path, seeds, capsys):
    from analysis.cli import main

    def run(*argv):
        status = main([str(a) for a in argv])
        out = capsys.readouterr()
        return status, out.out, out.err

    common = ["--data", tmp_path / "d", "--figures", tmp_path / "f", "--quiet"]
    status, _, err = run("count", "稳*", "re:稳(增长|就业)", "--csv", tmp_path / "c.csv", *common)
    assert status == 0, err
    table = pd.read_csv(tmp_path / "c.csv")
    assert {"doc_id", "lang", "稳*", "re:稳(增长|就业)", "title", "province", "quarter", "year",
            "macro_region"} <= set(table.columns)
    status, out, err = run("concordance", "稳*", "--show", "3", "--csv", tmp_path / "k.csv", "--html",
                           tmp_path / "k.html", *common)
    assert status == 0, err
    assert out.startswith("稳*: ") and "[稳" in out
    kw = pd.read_csv(tmp_path / "k.csv")
    assert len(kw) == table["稳*"].sum() and {"left", "match", "right", "province"} <= set(kw.columns)
    assert "<th>query</th>" in (tmp_path / "k.html").read_text(encoding="utf-8")
    status, _, err = run("count", "re:稳(", *common)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "regular expression" in err


def test_the_api_counts_and_concords_queries(tmp_path):
    import analysis as tf
    from tests.conftest import ROOT

    corp = tf.load_corpus(ROOT / "tifa.toml", data=tmp_path / "data")
    counts = corp.count(["稳*", "双过半"])
    matches = tf.kwic(corp, "稳*")
    assert len(matches) == counts["稳*"].sum() and "province" in matches
