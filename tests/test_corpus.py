"""End to end over the five seeds, and the corpus stage's caching and bad-input handling."""
import datetime as dt
import json
import shutil

import pandas as pd
import pytest

from analysis.corpus.stage import DOCUMENT_COLUMNS, build_corpus, load_documents
from tests.conftest import with_corpus

D = dt.date

EXPECTED = {
    # doc_id: lang, pub_date, meeting_date, quarter, period, province, prefecture, county, region source
    "000_b279ecbfe16095c0": ("en", D(2022, 7, 23), D(2022, 7, 22), "2022Q3", "2022H1", "浙江省", "杭州市", "萧山区", "self_reference"),
    "001_656eed5168beb8aa": ("en", D(2022, 7, 28), D(2022, 7, 27), "2022Q3", "2022H1", "浙江省", "嘉兴市", None, "title"),
    "002_5367abb05a89029a": ("en", D(2022, 4, 27), D(2022, 3, 23), "2022Q1", "2022Q1", "河南省", "郑州市", "惠济区", "title"),
    "004_572e12cd4d6fb709": ("en", D(2022, 7, 28), D(2022, 7, 28), "2022Q3", "2022H1", "浙江省", None, None, "title"),
}


def _na(v):
    return None if pd.isna(v) else v


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_seed_metadata(seed_docs, doc_id):
    row = seed_docs.loc[doc_id]
    lang, pub, meeting, quarter, period, prov, pref, county, rsource = EXPECTED[doc_id]
    assert row["lang"] == lang
    assert row["pub_date"] == pub and row["meeting_date"] == meeting
    assert row["quarter"] == quarter and row["period"] == period
    assert (row["province"], _na(row["prefecture"]), _na(row["county"])) == (prov, pref, county)
    assert row["region_source"].startswith(rsource)
    assert len(row["adcode"]) == 12


def test_seed_titles_and_outlets(seed_docs):
    assert seed_docs.loc["002_5367abb05a89029a", "title"] == "Huiji district held economic operation analysis meeting"
    assert seed_docs.loc["000_b279ecbfe16095c0", "outlet"] == "Xiaoshan DailyNews"
    assert seed_docs.loc["004_572e12cd4d6fb709", "outlet"] == "Zhejiang Daily"
    assert seed_docs.loc["003_332db4b73ec3ed6e-p02", "outlet"] == "观山文库"
    assert pd.isna(seed_docs.loc["001_656eed5168beb8aa", "outlet"])
    assert seed_docs.loc["001_656eed5168beb8aa", "outlet_source"].startswith("unknown")


def test_mentioned_places_are_kept_apart_from_the_jurisdiction(seed_docs):
    row = seed_docs.loc["001_656eed5168beb8aa"]
    assert row["region"] == "嘉兴市"
    assert {"浙江省嘉兴市桐乡市", "浙江省嘉兴市嘉善县", "浙江省嘉兴市海盐县"} <= set(row["mentioned_regions"])
    row = seed_docs.loc["004_572e12cd4d6fb709"]
    assert row["region"] == "浙江省" and "浙江省杭州市滨江区" in set(row["mentioned_regions"])


def test_compilation_parts_infer_with_low_confidence_and_say_how(seed_docs):
    """Seed 003 (二季度经济运行分析和冲刺'双过半'材料合集): every part is 2021 (建党100周年, 十四五开局)
    and 2021Q2 (冲刺双过半 happens in the second quarter); the first speech (全州, 三高四新, 矮寨德夯)
    is 湘西州, 湖南省; all at low confidence with the rule named, none from a date."""
    parts = seed_docs[seed_docs["parent_id"] == "003_332db4b73ec3ed6e"]
    assert parts["meeting_date"].isna().all()
    assert (parts["year"] == 2021).all() and (parts["year_conf"] == "low").all()
    assert (parts["quarter"] == "2021Q2").all() and (parts["quarter_source"] == "meeting_name(双过半)").all()
    assert (parts["quarter_conf"] == "low").all()
    first = seed_docs.loc["003_332db4b73ec3ed6e-p01"]
    assert (first["region"], first["province"], first["region_conf"]) == ("湘西土家族苗族自治州", "湖南省", "low")
    assert first["region_source"] == "clues(三高四新、矮寨、德夯)+self_reference(州)"
    others = parts.drop(index="003_332db4b73ec3ed6e-p01")
    assert others["region_source"].str.startswith("unknown").all()  # nothing to go on: said, not guessed
    assert seed_docs.loc["003_332db4b73ec3ed6e-p03", "period"] == "2021Q2"


@pytest.mark.slow
def test_strict_inference_and_min_confidence(cfg, tmp_path):
    """corpus.inference = "strict" keeps only stated metadata; min_confidence filters in analyses."""
    import dataclasses

    from analysis.corpus.stage import analysable

    strict = dataclasses.replace(cfg, corpus=dataclasses.replace(cfg.corpus, inference="strict"),
                                 paths=dataclasses.replace(cfg.paths, data=tmp_path / "d"))
    docs = build_corpus(strict, progress=False).documents
    parts = docs[docs["parent_id"] == "003_332db4b73ec3ed6e"]
    assert parts["quarter"].isna().all() and parts["adcode"].isna().all()
    default = build_corpus(dataclasses.replace(cfg, paths=dataclasses.replace(cfg.paths, data=tmp_path / "e")),
                           progress=False).documents
    medium = analysable(default, "medium")
    assert medium.loc[medium["parent_id"] == "003_332db4b73ec3ed6e", "quarter"].isna().all()
    assert medium["province"].notna().sum() == default["province"].notna().sum() - 1
    assert analysable(default)["quarter"].notna().sum() == default["quarter"].notna().sum()


def test_schema(seed_docs):
    assert list(seed_docs.columns) == list(DOCUMENT_COLUMNS)
    assert seed_docs["doc_id"].is_unique
    assert (seed_docs["n_chars"] > 400).all()
    for field in ("title", "lang", "pub_date", "region", "year"):
        assert seed_docs[f"{field}_source"].notna().all()


def test_stage_is_cached_and_reruns_when_input_changes(cfg, seeds, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    cfg = with_corpus(cfg, corpus)
    first = build_corpus(cfg, progress=False)
    assert first.rebuilt
    n_first = len(first.documents)  # a result reads the table when asked: the table as it is then
    before = (cfg.paths.data / "corpus" / "documents.parquet").read_bytes()
    second = build_corpus(cfg, progress=False)
    assert not second.rebuilt
    assert (cfg.paths.data / "corpus" / "documents.parquet").read_bytes() == before
    (corpus / "005_new.txt").write_text("2021年7月2日，全县经济运行分析会召开。会议指出，上半年稳中求进。", encoding="utf-8")
    third = build_corpus(cfg, progress=False)
    assert third.rebuilt and len(third.documents) == n_first + 1
    assert build_corpus(cfg, progress=False, force=True).rebuilt


def test_rerun_is_byte_identical(cfg, seeds):
    build_corpus(cfg, progress=False)
    a = (cfg.paths.data / "corpus" / "documents.parquet").read_bytes()
    build_corpus(cfg, progress=False, force=True)
    assert (cfg.paths.data / "corpus" / "documents.parquet").read_bytes() == a


def test_bad_inputs_are_reported_and_the_run_goes_on(cfg, seeds, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seeds / "002_5367abb05a89029a.txt", corpus)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "junk.txt").write_text("领取福利\n微信扫码分享\n", encoding="utf-8")
    (corpus / "russian.txt").write_text("Экономическое совещание прошло в районе. " * 5, encoding="utf-8")
    trad = "2021年7月2日，全縣經濟運行分析會召開。會議指出，上半年穩中求進，確保實現雙過半。"
    (corpus / "big5ish.txt").write_bytes(trad.encode("gb18030"))
    result = build_corpus(with_corpus(cfg, corpus), progress=False)
    problems = {r.source_file: r for r in result.problems.itertuples()}
    assert problems["empty.txt"].action == "skipped"
    assert "binary" in problems["binary.txt"].problem
    assert "no text left" in problems["junk.txt"].problem
    assert "unsupported language" in problems["russian.txt"].problem and problems["russian.txt"].action == "kept"
    docs = result.documents.set_index("doc_id")
    assert set(docs.index) == {"002_5367abb05a89029a", "russian", "big5ish"}
    assert docs.loc["russian", "lang"] == "other"
    assert docs.loc["big5ish", "converted_t2s"] and docs.loc["big5ish", "encoding"] == "gb18030"
    assert "全县经济运行分析会召开" in docs.loc["big5ish", "text"]
    assert docs.loc["big5ish", "meeting_date"] == D(2021, 7, 2) and docs.loc["big5ish", "quarter"] == "2021Q3"


def test_one_quarter_corpus_and_tabular_input(cfg, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pd.DataFrame([
        {"text": "昨天，全区召开上半年经济运行分析会，冲刺双过半。", "title": "萧山区召开经济运行分析会",
         "date": "2022-07-23"},
        {"text": "会议强调，要稳中求进。", "title": "经济运行分析会", "date": "2022-07-30", "region": "浙江省杭州市余杭区"},
        {"text": "会议强调，要稳中求进。", "title": "x", "date": "not a date", "region": "鼓楼区"},
    ]).to_csv(corpus / "scraped.csv", index=False)
    result = build_corpus(with_corpus(cfg, corpus), progress=False)
    docs = result.documents.set_index("doc_id")
    first = docs.loc["scraped-r00001"]
    assert first["pub_date"] == D(2022, 7, 23) and first["pub_date_source"] == "override"
    assert first["meeting_date"] == D(2022, 7, 22)  # 昨天, counted from the given date
    assert first["county"] == "萧山区" and first["region_source"] == "title"
    assert docs.loc["scraped-r00002", "county"] == "余杭区"
    assert docs.loc["scraped-r00002", "region_source"] == "override"
    bad = {r.where: r.problem for r in result.problems.itertuples()}
    assert "not a date" in bad["row 3, column date"]
    assert "ambiguous" in bad["row 3, column region"]
    assert docs["quarter"].dropna().unique().tolist() == ["2022Q3"]


def test_load_documents_names_the_missing_file(cfg):
    with pytest.raises(FileNotFoundError, match="python -m analysis corpus"):
        load_documents(cfg)


def test_stages_read_the_texts_a_batch_at_a_time(cfg):
    """Issue 18: the stages after the corpus load the documents table without its texts and read
    the texts in slices (document_texts): whole row groups, in the table's order, each slice
    carrying its rows' metadata; the texts are the table's own, and a subset gets its own texts only."""
    import pyarrow.parquet as pq

    from analysis.corpus.stage import analysable, build_corpus, corpus_folder, document_texts

    whole = build_corpus(cfg, progress=False).documents
    path = corpus_folder(cfg) / "documents.parquet"
    pq.write_table(pq.read_table(path), path, row_group_size=2)   # as a large corpus's table: many row groups
    docs = analysable(load_documents(cfg, text=False)).reset_index(drop=True)
    assert "text" not in docs and "title" in docs and len(docs) >= 8
    parts = list(document_texts(cfg, docs, batch=3))
    assert len(parts) > 1 and all(len(p) <= 4 for p in parts)
    joined = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(joined.drop(columns="text"), docs)
    text_of = dict(zip(whole["doc_id"], whole["text"]))
    assert [text_of[d] for d in joined["doc_id"]] == joined["text"].tolist()
    few = docs.iloc[[1, 5, len(docs) - 1]]
    assert [d for p in document_texts(cfg, few) for d in p["doc_id"]] == few["doc_id"].tolist()
    with pytest.raises(ValueError, match="in its order"):
        list(document_texts(cfg, docs.iloc[::-1]))


def test_every_column_is_documented():
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "documents.md").read_text(encoding="utf-8")
    assert all(f"`{c}`" in doc for c in DOCUMENT_COLUMNS)


def test_text_sizes_match_a_plain_count():
    import re

    from analysis.corpus.documents import text_sizes

    text = "稳中求进，狠抓落实。\n\nGDP grew 5.5% in Q1 — 一季度开门红 㐀"
    sizes = text_sizes(text)
    assert sizes["n_cjk"] == len(re.findall(r"[\u4000-\u9fff]", text)) == 14
    assert sizes["n_chars"] == len(re.sub(r"\s", "", text))
    assert sizes["n_words"] == 5  # GDP, grew, 5.5, in, Q1


def test_news_lede_is_header_not_text():
    """央视网消息（新闻联播）： gives the outlet and leaves the counted text (it was among the ten most
    frequent tokens of the CCTV items)."""
    from analysis.corpus.documents import documents_from_raw
    from analysis.corpus.readers import RawText

    text = "天津：文化送温暖\n\n央视网消息（新闻联播）：天津和平区朝阳里社区的志愿者们不仅给予弱势群体帮助。"
    rec = documents_from_raw(RawText("a.txt", None, text, "utf-8"))[0][0]
    assert rec["text"].startswith("天津和平区") and "央视网" not in rec["text"]
    assert rec["outlet"] == "央视网（新闻联播）" and rec["outlet_source"] == "news_lede"
    assert rec["province"] == "天津市" and rec["region_source"] == "headline_prefix"
    rec = documents_from_raw(RawText("b.txt", None, "新华社杭州7月23日电（记者 张三）会议强调，要稳中求进。", "utf-8"))[0][0]
    assert rec["outlet"] == "新华社" and rec["dateline"] == "杭州" and rec["prefecture"] == "杭州市"
    assert rec["text"] == "会议强调，要稳中求进。"


def test_page_toolbars_are_boilerplate():
    from analysis.corpus.documents import documents_from_raw
    from analysis.corpus.readers import RawText

    text = ("2026年甘肃省政府工作报告\n下载 打印 全屏 收藏 【字号：加大 还原 减小】\n各位代表：\n现在，我代表省人民政府，向大会报告工作。"
            "\n【打印】【关闭】")
    rec = documents_from_raw(RawText("a.txt", None, text, "utf-8"))[0][0]
    assert rec["title"] == "2026年甘肃省政府工作报告" and "字号" not in rec["text"] and "关闭" not in rec["text"]
    # the toolbar holding 字号 is read with the page's fields; the closing one is boilerplate; both are listed
    assert "page_fields:1" in rec["boilerplate_removed"] and "toolbar:1" in rec["boilerplate_removed"]
    assert json.loads(rec["removed_lines"]) == [["page_fields", "下载 打印 全屏 收藏 【字号：加大 还原 减小】"],
                                                ["toolbar", "【打印】【关闭】"]]


def test_lines_repeated_across_a_source_are_site_furniture(tmp_path, seeds):
    """A line that a site prints under every article (扫码关注 is caught by a rule; 本站声明 lines are
    not) leaves the texts when it is in most documents of one table."""
    import json

    from analysis.pipeline.config import load_config
    from tests.conftest import ROOT

    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]
    rows = []
    for k in range(12):
        body = texts[k % len(texts)].split("\n")
        rows.append({"content": "\n".join(body[:3] + ["本网站所刊载信息不代表本站观点", f"本文第{k}号"] + body[3:])})
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "site.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    cfg = load_config(ROOT / "tifa.toml").with_paths(corpus=corpus, data=tmp_path / "d")
    docs = build_corpus(cfg, progress=False).documents
    assert not docs["text"].str.contains("本网站所刊载信息").any()
    assert docs["boilerplate_removed"].str.contains("repeated_line:1").sum() == 12  # once per row
    assert all(docs["text"].str.contains(f"本文第{k}号").any() for k in range(12))  # lines unique to a row stay
