"""Passage alignment (analysis.reuse.align): constructed texts with known answers, random plantings
over several seeds, and the national and provincial reports of ../shared/corpora (skipped when absent)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.reuse.align import PASSAGE_COLUMNS, SHARE_COLUMNS, Passage, align_corpus, align_pair, matchable, \
    reused_share

FORMULA = "以习近平新时代中国特色社会主义思想为指导"          # 20 characters: the centre's language
SET_PHRASE = "坚持稳中求进工作总基调"                           # 11: the genre's vocabulary
REPORT = ("过去一年，全国经济运行总体平稳，国务院坚持稳中求进工作总基调，我国国内生产总值增长5.2%，城镇新增就业"
          "1244万人，居民消费价格上涨0.2%，粮食产量创历史新高，国际收支基本平衡，人民生活水平持续提高。")
LOCAL = ("过去一年，全省经济运行总体平稳，省政府坚持稳中求进工作总基调，我省地区生产总值增长6.1%，城镇新增就业"
         "68万人，居民消费价格上涨0.2%，粮食产量创历史新高，国际收支基本平衡，人民生活水平进一步持续提高。")


def corpora_folder() -> Path | None:
    """../shared/corpora beside the repository, else $TIFA_SHARED (the shared folder or its corpora)."""
    here = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    if here.is_dir():
        return here
    shared = os.environ.get("TIFA_SHARED")
    for folder in ([Path(shared) / "corpora", Path(shared)] if shared else []):
        if (folder / "gwr_national").is_dir():
            return folder
    return None


def hanzi(rng, n: int) -> str:
    """Random Chinese characters with a comma now and then: text that shares nothing by chance."""
    chars = [chr(0x4E00 + int(k)) for k in rng.integers(0, 6000, n)]
    return "".join(c + ("，" if rng.random() < 0.06 else "") for c in chars)


def test_compared_text_ignores_whitespace_punctuation_and_width():
    text = "全国， ＧＤＰ增长５.２％\n（初步核算）"
    m = matchable(text)
    assert m.text == "全国gdp增长52初步核算"
    assert [text[i] for i in m.where] == list("全国ＧＤＰ增长５２初步核算")


def test_offsets_point_into_the_original_strings():
    rng = np.random.default_rng(0)
    body = hanzi(rng, 120)
    ref = hanzi(rng, 300) + "。" + body + "。" + hanzi(rng, 200)
    copied = body[:60].replace("，", ", ") + " \n " + body[60:].replace("，", ",")
    doc = hanzi(rng, 150) + "“" + copied + "”" + hanzi(rng, 90)
    [p] = align_pair(doc, ref)
    start = doc.index(copied)
    assert (p.start, p.end) == (start, start + len(copied))
    assert (p.ref_start, p.ref_end) == (ref.index(body), ref.index(body) + len(body))
    assert p.similarity == 1.0 and isinstance(p, Passage)


def test_localised_edits_stay_one_passage():
    rng = np.random.default_rng(1)
    ref, doc = hanzi(rng, 200) + REPORT + hanzi(rng, 100), hanzi(rng, 50) + LOCAL + hanzi(rng, 80)
    [p] = align_pair(doc, ref)
    assert doc[p.start:p.end] == LOCAL.rstrip("。")
    assert ref[p.ref_start:p.ref_end] == REPORT.rstrip("。")
    assert 0.8 <= p.similarity < 0.95


def test_a_set_phrase_is_not_reuse_but_the_centres_formula_is():
    rng = np.random.default_rng(2)
    a, b, c, d = (hanzi(rng, 100) for _ in range(4))
    assert align_pair(a + SET_PHRASE + b, c + SET_PHRASE + d) == []
    [p] = align_pair(a + "坚持" + FORMULA + b, c + FORMULA + "，" + d)
    assert (a + "坚持" + FORMULA + b)[p.start:p.end] == FORMULA
    assert align_pair(a + FORMULA + b, c + FORMULA + d, min_chars=21) == []


def test_each_place_and_each_reference_is_reported():
    rng = np.random.default_rng(3)
    passage = hanzi(rng, 80)
    doc = hanzi(rng, 100) + passage + hanzi(rng, 300) + passage + hanzi(rng, 50)
    refs = pd.DataFrame({"doc_id": ["r2", "r1", "r3"],                          # doc_id accepted for refs
                         "text": [hanzi(rng, 90) + passage, passage + hanzi(rng, 40), hanzi(rng, 500)]})
    docs = pd.DataFrame({"doc_id": ["b", "a"], "text": [doc, hanzi(rng, 400)]})
    found = align_corpus(docs, refs)
    assert list(found.columns) == PASSAGE_COLUMNS
    assert found["doc_id"].tolist() == ["b"] * 4 and found["ref_id"].tolist() == ["r1", "r2", "r1", "r2"]
    first, second = doc.index(passage), doc.rindex(passage)
    assert found["start"].tolist() == [first, first, second, second]
    assert (found["chars"] == found["end"] - found["start"]).all() and (found["chars"] == len(passage)).all()
    empty = align_corpus(docs.iloc[1:], refs)
    assert list(empty.columns) == PASSAGE_COLUMNS and len(empty) == 0


def test_a_stretch_repeated_in_the_reference_aligns_once_with_it():
    rng = np.random.default_rng(4)
    passage = hanzi(rng, 60)
    before, ahead = hanzi(rng, 50), hanzi(rng, 70)
    ref = before + passage + hanzi(rng, 200) + passage[:40] + hanzi(rng, 30) + passage
    doc = ahead + passage + hanzi(rng, 70)
    [p] = align_pair(doc, ref)                       # the longest match, then the first in the reference
    assert (p.start, p.end, p.ref_start) == (len(ahead), len(ahead) + len(passage), len(before))


def edited(rng, passage: str, rate: float = 2.0) -> str:
    """A copy with, per 100 characters on average, ``rate`` characters replaced and ``rate``
    insertions or deletions of 1–3 characters."""
    chars = list(passage)
    for _ in range(rng.poisson(rate * len(chars) / 100)):
        chars[int(rng.integers(len(chars)))] = chr(0x4E00 + int(rng.integers(6000)))
    for _ in range(rng.poisson(rate * len(chars) / 100)):
        at, k = int(rng.integers(1, len(chars))), int(rng.integers(1, 4))
        chars[at:at + (k if rng.random() < 0.5 else 0)] = [] if rng.random() < 0.5 else list(hanzi(rng, k))
    return "".join(chars)


def localised(rng, passage: str) -> str:
    """A national passage as a province would copy it: 全国→全省, 国务院→省政府, 我国→我省, numbers
    changed, then one insertion or deletion per 100 characters."""
    for national_word, local in (("全国", "全省"), ("国务院", "省政府"), ("我国", "我省")):
        passage = passage.replace(national_word, local)
    passage = re.sub(r"\d+(\.\d+)?", lambda m: str(int(rng.integers(1, 999))) if rng.random() < 0.5 else m.group(),
                     passage)
    return edited(rng, passage, rate=0.0 if len(passage) < 2 else 1.0)


def plant(rng, hosts: list[str], refs: list[str], per_doc: int, edit=edited):
    """Hosts with passages of 20–400 characters cut from random places of the refs and edited, and
    the truth as rows (doc_id, start, end, ref_id, ref_start, ref_end, intact: the first and last
    5 characters escaped the edits)."""
    docs, truth = [], []
    for d, host in enumerate(hosts):
        cuts, out, last = sorted(rng.choice(len(host), per_doc, replace=False)), "", 0
        for cut in cuts:
            out += host[last:cut]
            last = cut
            r = int(rng.integers(len(refs)))
            size = int(np.exp(rng.uniform(np.log(20), np.log(400))))
            r0 = int(rng.integers(0, len(refs[r]) - size))
            copy = edit(rng, refs[r][r0:r0 + size])
            intact = copy[:5] == refs[r][r0:r0 + 5] and copy[-5:] == refs[r][r0 + size - 5:r0 + size]
            truth.append((f"d{d}", len(out), len(out) + len(copy), f"r{r}", r0, r0 + size, intact))
            out += copy
        docs.append((f"d{d}", out + host[last:]))
    return (pd.DataFrame(docs, columns=["doc_id", "text"]),
            pd.DataFrame(truth, columns=["doc_id", "start", "end", "ref_id", "ref_start", "ref_end", "intact"]))


def recovery(found: pd.DataFrame, docs: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float, float, int]:
    """Share of planted compared characters inside a passage of the right reference and place; share
    of planted passages with a passage whose ends are both within 3 characters of theirs, of all and
    of those with unedited edges; passages outside every planted one."""
    text = dict(zip(docs["doc_id"], docs["text"]))
    got = total = 0
    near = []
    for t in truth.itertuples():
        counted = np.zeros(t.end - t.start, dtype=bool)
        counted[matchable(text[t.doc_id][t.start:t.end]).where] = True
        mine = found[(found["doc_id"] == t.doc_id) & (found["ref_id"] == t.ref_id) & (found["start"] < t.end)
                     & (found["end"] > t.start) & (found["ref_start"] < t.ref_end) & (found["ref_end"] > t.ref_start)]
        covered = np.zeros_like(counted)
        for p in mine.itertuples():
            covered[max(p.start, t.start) - t.start:p.end - t.start] = True
        got, total = got + (counted & covered).sum(), total + counted.sum()
        where = np.flatnonzero(counted) + t.start
        near.append(any(abs(p.start - where[0]) <= 3 and abs(p.end - 1 - where[-1]) <= 3 for p in mine.itertuples()))
    outside = sum(not ((truth["doc_id"] == p.doc_id) & (truth["start"] < p.end) & (truth["end"] > p.start)).any()
                  for p in found.itertuples())
    near = np.array(near)
    return got / total, near.mean(), near[truth["intact"].to_numpy()].mean(), outside


@pytest.mark.parametrize("seed", range(4))
def test_planted_passages_are_recovered_with_their_offsets(seed):
    rng = np.random.default_rng(100 + seed)
    refs = [hanzi(rng, 4000) for _ in range(3)]
    docs, truth = plant(rng, [hanzi(rng, 2500) for _ in range(5)], refs, per_doc=6)
    found = align_corpus(docs, pd.DataFrame({"ref_id": ["r0", "r1", "r2"], "text": refs}))
    recovered, edges, unedited_edges, outside = recovery(found, docs, truth)
    assert recovered >= 0.95 and edges >= 0.7 and unedited_edges >= 0.95 and outside == 0


def test_workers_and_single_pairs_give_the_same_passages():
    rng = np.random.default_rng(7)
    refs = [hanzi(rng, 3000) for _ in range(2)]
    docs, _ = plant(rng, [hanzi(rng, 2000) for _ in range(4)], refs, per_doc=4)
    ref_table = pd.DataFrame({"ref_id": ["r0", "r1"], "text": refs})
    one, two = align_corpus(docs, ref_table), align_corpus(docs, ref_table, workers=2)
    pd.testing.assert_frame_equal(one, two)
    pairs = [(d, f"r{r}", *p) for d, text in zip(docs["doc_id"], docs["text"]) for r in range(2)
             for p in align_pair(text, refs[r])]
    assert sorted(pairs) == sorted(map(tuple, one[PASSAGE_COLUMNS[:-1]].itertuples(index=False)))


def test_reused_share_counts_overlapping_passages_once():
    text = "一二三四五六七八九十，" * 3                                  # 30 compared characters, 33 in all
    docs = pd.DataFrame({"doc_id": ["b", "a"], "text": [text, "无关的文字"]})
    passages = pd.DataFrame({"doc_id": ["b", "b", "b"], "ref_id": ["x", "y", "y"], "start": [0, 5, 15],
                             "end": [11, 18, 20], "ref_start": 0, "ref_end": 10, "similarity": 1.0, "chars": 0})
    share = reused_share(passages, docs)
    assert list(share.columns) == SHARE_COLUMNS and share["doc_id"].tolist() == ["a", "b"]
    b = share.set_index("doc_id").loc["b"]
    assert (b["chars"], b["chars_reused"], b["ref_id"]) == (30, 19, "y")      # [0, 20) less a comma; y: 14
    assert b["share"] == pytest.approx(19 / 30)
    a = share.set_index("doc_id").loc["a"]
    assert a["chars_reused"] == 0 and a["share"] == 0 and pd.isna(a["ref_id"])


def test_parameters_are_checked():
    with pytest.raises(ValueError):
        align_pair("甲乙", "甲乙", min_similarity=1.5)
    with pytest.raises(TypeError):
        align_pair("甲乙", "甲乙", n_gram=5)


CORPORA = corpora_folder()
needs_corpora = pytest.mark.skipif(CORPORA is None, reason="../shared/corpora is absent")


def national(*years: str) -> pd.DataFrame:
    return pd.DataFrame({"ref_id": list(years), "text": [(CORPORA / "gwr_national" / "texts" / f"{y}.txt").read_text(
        encoding="utf-8") for y in years]})


def provincial() -> pd.DataFrame:
    files = sorted((CORPORA / "gwr_provincial_2025" / "texts").glob("*.txt"))
    return pd.DataFrame({"doc_id": [f.stem for f in files], "text": [f.read_text(encoding="utf-8") for f in files]})


@pytest.mark.corpora
@needs_corpora
def test_national_passages_planted_in_provincial_reports_are_found():
    """Passages of the 2008 and 2013 national reports, localised (全国→全省, 国务院→省政府, numbers
    changed, characters inserted and deleted), planted into six provincial reports of 2025."""
    rng = np.random.default_rng(5)
    refs, hosts = national("2008", "2013"), provincial().iloc[::5]
    docs, truth = plant(rng, hosts["text"].tolist(), refs["text"].tolist(), per_doc=8, edit=localised)
    truth["ref_id"] = truth["ref_id"].map({"r0": "2008", "r1": "2013"})
    recovered, edges, unedited_edges, _ = recovery(align_corpus(docs, refs), docs, truth)
    assert recovered >= 0.95 and edges >= 0.7 and unedited_edges >= 0.9


@pytest.mark.corpora
@needs_corpora
def test_distant_years_share_little_and_provinces_echo_the_centre():
    far = align_corpus(national("1990").rename(columns={"ref_id": "doc_id"}), national("2025"))
    assert reused_share(far, national("1990").rename(columns={"ref_id": "doc_id"}))["share"].iloc[0] < 0.01
    provinces = provincial()
    found = align_corpus(provinces, national("2024", "2025"), workers=2)
    share = reused_share(found[found["ref_id"] == "2025"], provinces)
    assert len(share) == 31 and 0.01 < share["share"].median() < 0.15
    assert found["chars"].max() > 150                                    # the year's general requirements
