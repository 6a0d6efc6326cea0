import dataclasses
import hashlib
import json
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.pipeline.config import load_config
from analysis.corpus.stage import build_corpus
from analysis.text.lexicon import read_lexicon
from analysis.text.segment import EMBEDDED_DICT_SHA256, Segmenter, dictionary_path, rjieba_with_dictionary
from analysis.text.stage import build_tokens, make_tokenizer, token_summary
from analysis.text.token_table import load_tokens
from analysis.text.tokens import EnglishPhraser, english_words, is_numeric
from tests.conftest import ROOT, with_corpus

LEXICON = ROOT / "lexicon" / "lexicon.csv"


@pytest.fixture(scope="module")
def plain_jieba():
    """jieba with its own dictionary only (loading it takes about a second: once per module)."""
    return Segmenter("jieba", (), True)


@pytest.fixture(scope="module")
def tokenizer():
    return make_tokenizer(load_config(ROOT / "tifa.toml").tokens)


@pytest.mark.parametrize("text, whole, without", [
    ("坚持腾笼换鸟、凤凰涅槃", "腾笼换鸟", ["腾笼", "换", "鸟"]),
    ("深化亩均论英雄改革", "亩均论英雄", ["亩", "均", "论", "英雄"]),
    ('面向21世纪的新经济平台"九通一平"', "九通一平", ["九通", "一平"]),
    ("企业和群众经常办理的事项要基本实现一网通办", "一网通办", ["一网通", "办"]),
    ("全力以赴实现双过半", "双过半", ["双", "过半"]),
    ('充分利用"1+5+N"产业扶持政策', "1+5+N", ["1", "5", "N"]),
])
def test_lexicon_keeps_policy_terms_whole(tokenizer, plain_jieba, text, whole, without):
    plain = plain_jieba.cut(text)
    assert whole not in plain and all(w in plain for w in without)  # the dictionary alone cuts it
    assert whole in tokenizer.tokens(text, "zh")


def test_seed_003_tokens(tokenizer, seed_docs):
    text = " ".join(seed_docs.loc[seed_docs["parent_id"] == "003_332db4b73ec3ed6e", "text"])
    toks = tokenizer.tokens(text, "zh")
    for term in ("三高四新", "放管服", "十四五", "九通一平", "招商引资", "乡村振兴", "对标找差", "共同富裕",
                 "双过半", "一网通办", "营商环境", "高质量发展", "四上企业", "专项债"):
        assert term in toks, term
    # filler, numbers and punctuation are gone
    for gone in ("要", "抓好", "切实", "进一步", "的", "2", "100", "5月", '"', ",", "。"):
        assert gone not in toks, gone
    assert "专项债券" not in toks and "实现双过半" not in toks  # variants become their canonical term


def test_numbers_and_dates(tokenizer):
    for token in ("2022年", "3月", "100", "5.5", "12%", "十二", "第2", "3000万", "1-5月"):
        assert is_numeric(token), token
    for token in ("项目", "二季度", "四上企业"):
        assert not is_numeric(token), token
    # 十四五 looks like a number but is a lexicon entry: kept
    assert is_numeric("十四五") and tokenizer.tokens('为"十四五"开好局', "zh") == ["十四五", "开好局"]


def test_english_tokens(tokenizer, seed_docs):
    text = seed_docs.loc["000_b279ecbfe16095c0", "text"]
    toks = tokenizer.tokens(text, "en")
    assert "business_environment" in toks            # lexicon phrase joined
    assert "vacate_the_cage_and_replace_the_bird" in toks
    assert "projects_are_king" in toks
    assert "the" not in toks and "must" not in toks and "2022" not in toks
    assert english_words("High-quality development of the region's economy") == \
        ["high-quality", "development", "of", "the", "region", "economy"]
    phr = EnglishPhraser({("business", "environment"): "营商环境", ("business", "environment", "index"): "x"})
    assert phr.join(["a", "business", "environment", "index", "business", "environment"]) == \
        ["a", "business_environment_index", "business_environment"]


def test_empty_and_unsupported(tokenizer):
    assert tokenizer.tokens("", "zh") == [] and tokenizer.paragraphs("", "en") == []
    with pytest.raises(ValueError, match="unsupported language"):
        tokenizer.tokens("Привет", "other")


def _agreement(a: list[str], b: list[str]) -> float:
    def spans(toks):
        out, i = set(), 0
        for t in toks:
            out.add((i, i + len(t)))
            i += len(t)
        return out
    sa, sb = spans(a), spans(b)
    return len(sa & sb) / max(len(sa), len(sb))


def _both_backends():
    words = read_lexicon(LEXICON).segmenter_words()
    return Segmenter("jieba", words, True), Segmenter("rjieba", words, True)


def test_backends_agree_on_the_seeds(seed_docs):
    jb, rj = _both_backends()
    text = "\n".join(seed_docs.loc[seed_docs["lang"] == "zh", "text"])
    a, b = jb.cut(text), rj.cut(text)
    assert "".join(a) == "".join(b) == text
    assert _agreement(a, b) >= 0.995


def _embedded_and_loaded():
    dict_file = dictionary_path()
    assert hashlib.sha256(dict_file.read_bytes()).hexdigest() == EMBEDDED_DICT_SHA256, \
        "the pinned jieba's dict.txt is no longer rjieba's embedded dictionary: the fast load is not used"
    return rjieba_with_dictionary(dict_file), rjieba_with_dictionary(dict_file, embedded=False)


def test_rjieba_embedded_dictionary_cuts_like_the_file_on_the_seeds(seed_docs):
    fast, loaded = _embedded_and_loaded()
    assert type(fast) is type(loaded)
    texts = seed_docs.loc[seed_docs["lang"] == "zh", "text"].tolist()
    assert sum(map(len, texts)) > 5000
    for text in texts:
        assert fast.cut(text, True) == loaded.cut(text, True)
        assert fast.cut(text, False) == loaded.cut(text, False)


@pytest.mark.slow
@pytest.mark.corpora
def test_rjieba_embedded_dictionary_cuts_like_the_file_on_real_corpora(corpora):
    fast, loaded = _embedded_and_loaded()
    texts = [json.loads(line)["content"] for path in sorted((corpora / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    texts += [p.read_text(encoding="utf-8") for sub in ("gwr_national/texts", "gwr_provincial_2025/texts")
              for p in sorted((corpora / sub).glob("*.txt"))]
    assert sum(map(len, texts)) > 3_000_000
    differ = [t[:40] for t in texts if t and fast.cut(t, True) != loaded.cut(t, True)]
    assert not differ


@pytest.mark.slow
@pytest.mark.corpora
def test_backends_agree_on_real_corpora(corpora):
    jb, rj = _both_backends()
    texts = [p.read_text(encoding="utf-8") for sub in ("gwr_national/texts", "gwr_provincial_2025/texts",
                                                       "five_year_plans/texts")
             for p in sorted((corpora / sub).glob("*.txt"))]
    total = agree = 0
    for text in texts:
        a, b = jb.cut(text), rj.cut(text)
        n = max(len(a), len(b))
        total += n
        agree += _agreement(a, b) * n
    assert total > 1_000_000
    assert agree / total >= 0.995


def test_token_table_on_the_seeds(cfg):
    build_corpus(cfg, progress=False)
    result = build_tokens(cfg, progress=False)
    table = pq.read_table(result.path).to_pandas()
    assert list(table.columns) == ["doc_id", "para", "lang", "text_hash", "tokens", "phrased"]
    assert not table.duplicated(["doc_id", "para"]).any()
    assert set(table["doc_id"]) == set(build_corpus(cfg, progress=False).documents["doc_id"])
    summary = token_summary(result.path)
    assert summary["zh"]["documents"] == 5 and summary["en"]["documents"] == 4
    assert summary["zh"]["vocabulary"] > 500
    docs = load_tokens(cfg)
    first = docs[docs["doc_id"] == "003_332db4b73ec3ed6e-p02"].sort_values("para")
    assert first["para"].tolist() == list(range(len(first)))


@pytest.mark.slow  # runs the tokens stage (twice)
def test_token_cache_reuses_unchanged_texts_and_reruns_on_changes(cfg, seeds, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    cfg = with_corpus(cfg, corpus)
    build_corpus(cfg, progress=False)
    first = build_tokens(cfg, progress=False)
    assert first.rebuilt and first.segmented_docs == 9
    assert not build_tokens(cfg, progress=False).rebuilt
    before = pq.read_table(first.path)
    (corpus / "005.txt").write_text("2021年7月2日，全县经济运行分析会召开。会议强调，要稳中求进，冲刺双过半。",
                                    encoding="utf-8")
    build_corpus(cfg, progress=False)
    second = build_tokens(cfg, progress=False)
    assert second.rebuilt and (second.reused_docs, second.segmented_docs) == (9, 1)
    after = pq.read_table(second.path).to_pandas()
    old = before.to_pandas()
    assert after[after["doc_id"] != "005"].reset_index(drop=True)[["doc_id", "tokens"]].equals(
        old[["doc_id", "tokens"]])
    # a changed stop-word list changes the settings: everything is segmented again
    extra = tmp_path / "stop.txt"
    extra.write_text("项目\n", encoding="utf-8")
    cfg2 = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, stopwords_zh=cfg.tokens.stopwords_zh + (str(extra),)))
    third = build_tokens(cfg2, progress=False)
    assert third.rebuilt and third.reused_docs == 0
    assert "项目" not in {t for ts in pq.read_table(third.path).column("tokens").to_pylist() for t in ts}


@pytest.mark.slow  # runs the tokens stage (twice)
def test_reusing_tokens_never_doubles_a_text_held_by_two_documents(cfg, seeds, tmp_path):
    """Exact copies share a text hash; reusing their tokens once added the paragraphs of every copy
    to each copy, so the token table grew with every rerun (1.4 M, 1.6 M, 1.9 M tokens on the
    CCTV items)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    shutil.copy(corpus / "001_656eed5168beb8aa.txt", corpus / "001_copy.txt")
    cfg = with_corpus(cfg, corpus)
    build_corpus(cfg, progress=False)
    first = pq.read_table(build_tokens(cfg, progress=False).path).to_pandas()
    for threshold in (0.6, 0.7):   # a collocation setting: the stage reruns and reuses every document's tokens
        cfg = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, phrases_threshold=threshold))
        again = build_tokens(cfg, progress=False)
        assert again.rebuilt and again.segmented_docs == 0
        table = pq.read_table(again.path).to_pandas()
        assert len(table) == len(first) and table[["doc_id", "para", "tokens"]].equals(first[["doc_id", "para", "tokens"]])


@pytest.mark.slow  # runs the tokens stage (twice)
def test_parallel_build_equals_serial(cfg):
    build_corpus(cfg, progress=False)
    serial = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, workers=1))
    a = pq.read_table(build_tokens(serial, progress=False, force=True).path)
    parallel = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, workers=2))
    b = pq.read_table(build_tokens(parallel, progress=False, force=True).path)
    assert a.equals(b)


def test_unsupported_language_is_reported_and_left_out(cfg, seeds, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seeds / "002_5367abb05a89029a.txt", corpus)
    (corpus / "ru.txt").write_text("Экономическое совещание прошло в районе. " * 5, encoding="utf-8")
    cfg = with_corpus(cfg, corpus)
    build_corpus(cfg, progress=False)
    result = build_tokens(cfg, progress=False)
    assert [p.source_file for p in result.problems] == ["ru.txt"]
    assert "not supported" in result.problems[0].problem
    assert set(pq.read_table(result.path).column("doc_id").to_pylist()) == {"002_5367abb05a89029a"}


def test_a_corpus_with_no_supported_language_gives_an_empty_table(cfg, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ru.txt").write_text("Экономическое совещание прошло в районе. " * 5, encoding="utf-8")
    cfg = with_corpus(cfg, corpus)
    build_corpus(cfg, progress=False)
    result = build_tokens(cfg, progress=False)
    assert [p.source_file for p in result.problems] == ["ru.txt"]
    assert pq.read_table(result.path).num_rows == 0


def test_collocations_are_learned(cfg, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [{"text": f"第{i}次会议强调，要加快数字经济和海洋牧场建设，推动海洋牧场发展。", "date": "2022-07-01"}
            for i in range(12)]
    pd.DataFrame(rows).to_csv(corpus / "t.csv", index=False)
    cfg = with_corpus(cfg, corpus)
    cfg = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, phrases_min_count=5, phrases_threshold=0.3))
    build_corpus(cfg, progress=False)
    build_tokens(cfg, progress=False)
    table = load_tokens(cfg)
    build = table.iloc[0]
    assert "海洋_牧场" in list(build["phrased"]) and "海洋" in list(build["tokens"])


@pytest.mark.corpora
def test_lexicon_costs_at_most_half_an_f1_point_on_sighan(corpora):
    from analysis.text.segment import score_segmentation

    sighan = corpora / "sighan2005_icwb2" / "gold"
    words = read_lexicon(LEXICON).segmenter_words()
    for name in ("pku", "msr"):
        gold = [ln.split() for ln in (sighan / f"{name}_test_gold.utf8").read_text(encoding="utf-8").splitlines()]
        gold = [g for g in gold if g]
        f1 = {}
        for label, lexicon in (("plain", ()), ("lexicon", words)):
            seg = Segmenter("rjieba", lexicon, True)
            f1[label] = score_segmentation(gold, [seg.cut("".join(g)) for g in gold])["f1"]
        assert f1["plain"] > 0.75  # a sane segmenter on this set
        assert f1["lexicon"] - f1["plain"] >= -0.005, (name, f1)


def test_score_segmentation_by_hand():
    from analysis.text.segment import score_segmentation

    gold = [["稳中求进", "工作", "总", "基调"]]
    pred = [["稳中", "求进", "工作", "总基调"]]
    s = score_segmentation(gold, pred, known_words={"工作", "总"})
    assert s["precision"] == pytest.approx(1 / 4) and s["recall"] == pytest.approx(1 / 4)
    assert s["oov_recall"] == 0.0  # 稳中求进 and 基调 are out of vocabulary and both missed
    with pytest.raises(ValueError):
        score_segmentation([["甲"]], [["乙"]])


def _learned(sentences, min_count, threshold):
    """Collocations counted from the whole list at once (columnar, as the stage counts)."""
    import pyarrow as pa

    from analysis.text.collocations import Collocations

    arr = pa.array(sentences, pa.list_(pa.string()))
    return Collocations(min_count, threshold).add_unigrams_arrow(arr).add_bigrams_arrow(arr).fit()


def test_collocations_match_gensim_phrases(seed_docs, tokenizer):
    import pyarrow as pa
    from gensim.models.phrases import Phrases

    sentences = [tokenizer.tokens(p, "zh") for t in seed_docs.loc[seed_docs["lang"] == "zh", "text"]
                 for p in t.split("\n\n")]
    for min_count, threshold in ((2, 0.3), (3, 0.5), (2, -0.2)):
        ours = _learned(sentences, min_count, threshold)
        theirs = Phrases(sentences, min_count=min_count, threshold=threshold, scoring="npmi", delimiter="_")
        exported = theirs.export_phrases()
        assert {a + "_" + b for a, b in ours.phrases_} == set(exported)
        assert all(abs(ours.phrases_[tuple(k.split("_"))] - v) < 1e-9 for k, v in exported.items())
        frozen = theirs.freeze()
        assert all(ours.transform(s) == frozen[s] for s in sentences)
        joined = ours.transform_arrow(pa.array(sentences, pa.list_(pa.string()))).to_pylist()
        assert joined == [frozen[s] for s in sentences]
        assert len(ours.phrases_) > 0


def test_collocations_counted_in_slices_equal_those_counted_at_once(seed_docs, tokenizer):
    """The stage streams batches through both passes; empty and one-token sentences included."""
    import pyarrow as pa

    from analysis.text.collocations import Collocations

    sentences = [tokenizer.tokens(p, "zh") for t in seed_docs.loc[seed_docs["lang"] == "zh", "text"]
                 for p in t.split("\n\n")] + [[], ["项目"]]
    arr = pa.array(sentences, pa.list_(pa.string()))
    whole = _learned(sentences, 2, 0.2)
    col = Collocations(2, 0.2)
    col.add_unigrams_arrow(arr.slice(0, 10)).add_unigrams_arrow(arr.slice(10))
    col.add_bigrams_arrow(arr.slice(0, 7)).add_bigrams_arrow(arr.slice(7))
    assert col.fit().phrases_ == whole.phrases_ and whole.phrases_
    assert col.transform_arrow(arr.slice(3)).to_pylist() == [whole.transform(s) for s in sentences[3:]]
    late = Collocations(2, 0.2).add_unigrams_arrow(arr.slice(0, 10)).add_bigrams_arrow(arr.slice(0, 7))
    with pytest.raises(RuntimeError, match="unigrams before"):  # pair codes index the frequent tokens
        late.add_unigrams_arrow(arr.slice(10)).add_bigrams_arrow(arr.slice(7))


def test_columnar_phrase_joining_is_greedy_left_to_right_like_the_plain_one():
    """Runs of overlapping phrase pairs (甲 甲 甲 甲, 甲 乙 甲 乙) are where a vectorised join can
    go wrong: each token may go into one phrase only, taken left to right."""
    import random

    import pyarrow as pa

    from analysis.text.collocations import Collocations

    col = Collocations(1, 0.0)
    col.phrases_ = {("甲", "甲"): 0.5, ("甲", "乙"): 0.5, ("乙", "甲"): 0.5, ("丙", "丁"): 0.9}
    rng = random.Random(7)
    sentences = [[rng.choice("甲乙丙丁") for _ in range(rng.randint(0, 9))] for _ in range(500)]
    arr = pa.array(sentences, pa.list_(pa.string()))
    expected = [col.transform(s) for s in sentences]
    assert col.transform_arrow(arr).to_pylist() == expected
    assert col.transform_arrow(arr.slice(137, 200)).to_pylist() == expected[137:337]
    assert col.transform(["甲", "甲", "甲"]) == ["甲_甲", "甲"]


def test_collocations_learned_in_worker_processes_equal_the_plain_ones(seed_docs, tokenizer, tmp_path):
    """The stage counts tokens, then pairs, per row group in worker processes and sums the counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis.text.stage import learn_phrases

    sentences = [tokenizer.tokens(p, "zh") for t in seed_docs.loc[seed_docs["lang"] == "zh", "text"]
                 for p in t.split("\n\n")]
    table = pa.table({"lang": ["zh"] * len(sentences) + ["en"] * 3,
                      "tokens": sentences + [["growth", "target"], ["growth", "target"], []]})
    path = tmp_path / "unigrams.parquet"
    pq.write_table(table, path, row_group_size=7)  # many row groups: many tasks
    assert pq.ParquetFile(path).num_row_groups > 4
    plain = _learned(sentences, 2, 0.2)
    for workers in (1, 2):
        learned = learn_phrases(path, 2, 0.2, workers)
        assert learned["zh"].phrases_ == plain.phrases_ and plain.phrases_
        assert learned["zh"].n_tokens == sum(map(len, sentences))
        assert set(learned) == {"zh", "en"}


@pytest.mark.slow  # runs the tokens stage (twice)
def test_a_killed_token_run_resumes_from_its_finished_row_groups(cfg, monkeypatch):
    """Issue 18, restart: each row group of the segmentation is also written as a part of its own;
    a run killed midway leaves them, and the next run segments only what they do not hold; the
    table is the one a run from nothing makes, and the parts are removed once the table is whole."""
    import analysis.text.stage as ts

    build_corpus(cfg, progress=False)
    clean = pq.read_table(build_tokens(cfg, progress=False, force=True).path).to_pandas()
    folder = ts.tokens_folder(cfg)
    assert not (folder / "unigrams.parts").exists()
    cfg1 = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, workers=1))
    resumed = _killed_then_resumed(cfg1, monkeypatch, "_tokenize_chunk", 4, "unigrams.parts")
    assert (resumed.reused_docs, resumed.segmented_docs) == (3, 6)
    assert not (folder / "unigrams.parts").exists()
    pd.testing.assert_frame_equal(pq.read_table(resumed.path).to_pandas(), clean)


def _killed_then_resumed(cfg, monkeypatch, task: str, kill_at: int, parts: str):
    """The tokens stage killed (Ctrl-C) at the ``kill_at``-th call of ``task``, a document per task
    and a row group per task, after its tables were removed; the parts it left are checked, and the
    rerun's result returned."""
    import analysis.text.stage as ts

    folder = ts.tokens_folder(cfg)
    for name in ("tokens.parquet", "unigrams.parquet", "_stage.json"):
        (folder / name).unlink()
    monkeypatch.setattr(ts, "_GROUP_ROWS", 1)    # a row group per chunk of documents
    monkeypatch.setattr(ts, "_CHUNK_CHARS", 1)   # a chunk per document
    monkeypatch.setattr(ts, "_BATCH_DOCS", 1)
    real, calls = getattr(ts, task), []

    def killed(jobs):
        calls.append(len(jobs))
        if len(calls) == kill_at:
            raise KeyboardInterrupt
        return real(jobs)

    monkeypatch.setattr(ts, task, killed)
    with pytest.raises(KeyboardInterrupt):
        build_tokens(cfg, progress=False)
    assert len(list((folder / parts).glob("part-*.arrow"))) == kill_at - 1
    monkeypatch.setattr(ts, task, real)
    return build_tokens(cfg, progress=False)


def _sampled(cfg, chars: int, workers: int = 2):
    return dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, phrases_sample=chars, workers=workers))


@pytest.mark.slow  # runs the tokens stage four times
def test_collocations_learned_on_a_sample_then_one_pass_segments_and_joins(cfg):
    """Issue 35: with a corpus larger than tokens.phrases_sample, collocations are learned from a
    sample of documents drawn by doc_id, and one pass segments every document and joins them in the
    workers. The tokens are those of the whole-corpus build; the phrased column is the tokens with
    the sample's collocations joined; serial and parallel builds are equal; the draw is the same on
    every run."""
    from analysis.corpus.documents_table import corpus_folder
    from analysis.text.collocations import Collocations
    from analysis.text.stage import sample_ids

    build_corpus(cfg, progress=False)
    whole = pq.read_table(build_tokens(cfg, progress=False, force=True).path)
    docs = corpus_folder(cfg) / "documents.parquet"
    chars = int(pd.read_parquet(docs, columns=["text"])["text"].str.len().sum())
    assert sample_ids(docs, chars) is None
    drawn = sample_ids(docs, chars // 2)
    assert drawn == sample_ids(docs, chars // 2) and 0 < len(drawn) < len(whole.column("doc_id").unique())
    result = build_tokens(_sampled(cfg, chars // 2), progress=False, force=True)
    sampled = pq.read_table(result.path)
    assert result.segmented_docs == 9 and result.reused_docs == 0        # each document segmented once
    assert sampled.select(["doc_id", "para", "tokens"]).equals(whole.select(["doc_id", "para", "tokens"]))
    learned = {}
    for lang in ("zh", "en"):
        path = result.path.parent / f"collocations_{lang}.csv"
        table = pd.read_csv(path) if path.exists() else pd.DataFrame(columns=["collocation"])
        model = Collocations()
        model.phrases_ = {tuple(c.split("_", 1)) for c in table["collocation"]}
        learned[lang] = model
    frame = sampled.to_pandas()
    for row in frame.itertuples():
        assert list(row.phrased) == learned[row.lang].transform(list(row.tokens))
    serial = pq.read_table(build_tokens(_sampled(cfg, chars // 2, workers=1), progress=False, force=True).path)
    assert serial.equals(sampled)


@pytest.mark.slow  # runs the tokens stage (twice)
def test_a_run_killed_in_the_joining_pass_resumes_from_its_parts(cfg, monkeypatch):
    """The one pass over a corpus larger than its sample writes each row group also as a part; a
    run killed there resumes: the documents its parts hold are not segmented again."""
    import analysis.text.stage as ts
    from analysis.corpus.documents_table import corpus_folder

    build_corpus(cfg, progress=False)
    chars = int(pd.read_parquet(corpus_folder(cfg) / "documents.parquet", columns=["text"])["text"].str.len().sum())
    small = _sampled(cfg, chars // 3, workers=1)
    clean = pq.read_table(build_tokens(small, progress=False, force=True).path).to_pandas()
    folder = ts.tokens_folder(cfg)
    resumed = _killed_then_resumed(small, monkeypatch, "_tokenize_and_phrase", 6, "tokens.parts")
    assert resumed.segmented_docs + resumed.reused_docs == 9 and resumed.reused_docs >= 5
    assert not (folder / "tokens.parts").exists()
    pd.testing.assert_frame_equal(pq.read_table(resumed.path).to_pandas(), clean)


def test_earlier_rows_are_read_when_asked_across_pieces_and_not_from_a_changed_file(tmp_path):
    """A rerun's earlier rows come from an index of the earlier tables (EarlierRows), not a copy of
    them: a document whose paragraphs run across two row groups keeps all of them, a text held by
    two documents gives the first one's rows once, and a file that changed gives nothing."""
    import pyarrow as pa

    from analysis.text.stage import EarlierRows

    rows = [("a" * 40, 0, ["甲"], "d1"), ("a" * 40, 1, ["乙"], "d1"), ("a" * 40, 2, ["丙"], "d1"),
            ("b" * 40, 0, ["丁"], "d2"), ("b" * 40, 0, ["丁"], "d3"), ("c" * 40, 0, ["戊"], "d4")]
    table = pa.table({"text_hash": [r[0] for r in rows], "para": [r[1] for r in rows],
                      "tokens": [r[2] for r in rows], "doc_id": [r[3] for r in rows]})
    path = tmp_path / "tokens.parquet"
    pq.write_table(table.replace_schema_metadata({b"tifa_settings": b"s1"}), path, row_group_size=2)
    earlier = EarlierRows([path], "s1")
    assert len(earlier) == 3
    assert earlier.get("a" * 40) == [(0, ["甲"]), (1, ["乙"]), (2, ["丙"])]   # row groups 0 and 1
    assert earlier.get("b" * 40) == [(0, ["丁"])]                             # d2's, not d3's as well
    assert earlier.get("f" * 40) is None
    assert len(EarlierRows([path], "other settings")) == 0
    pq.write_table(table.replace_schema_metadata({b"tifa_settings": b"s1"}), path, row_group_size=3)
    earlier.add([])                                                          # the file changed: dropped
    assert earlier.get("c" * 40) is None and len(earlier) == 0


def _hash(i: int) -> str:
    return f"{i:016x}" * 2 + "0" * 8     # EarlierRows indexes a text by its hash's first 16 digits


def test_earlier_rows_hold_a_few_pieces_however_many_files_they_index(tmp_path):
    """The parts of a killed run are a file each: reading them in order keeps only the last few
    pieces decoded (kept per file, every part stayed decoded: 614 MB for 300 parts of a million
    documents' token table)."""
    import pyarrow as pa

    from analysis.text.stage import EarlierRows

    schema = pa.schema([("text_hash", pa.string()), ("para", pa.int64()), ("tokens", pa.list_(pa.string())),
                        ("doc_id", pa.string())], metadata={b"tifa_settings": b"s1"})
    paths = []
    for i in range(3 * EarlierRows.CACHED):
        paths.append(tmp_path / f"part-{i:06d}.arrow")
        part = pa.table({"text_hash": [_hash(i)], "para": [0], "tokens": [["稳中求进"]], "doc_id": [f"d{i}"]},
                        schema=schema)
        with pa.OSFile(str(paths[-1]), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
            writer.write_table(part)
    earlier = EarlierRows(paths, "s1")
    for i in range(len(paths)):
        assert earlier.get(_hash(i)) == [(0, ["稳中求进"])]
        assert len(earlier._cache) <= EarlierRows.CACHED
    assert len(earlier._cache) == EarlierRows.CACHED
