"""Text reuse: the passages of a document that repeat, with small edits, a passage of a reference text.

What counts as reuse. A passage of a document is reuse of a reference (a national Government Work
Report, a Central Economic Work Conference communiqué) when it repeats a stretch of the reference's
wording at least ``min_chars`` compared characters long in both texts, with a similarity of at least
``min_similarity``. Texts are compared without whitespace and punctuation, NFKC-folded (full-width
letters and digits are half-width) and lower-cased (:func:`matchable`); offsets are mapped back to
the original strings exactly, and a passage starts and ends on a compared character. Small edits
inside a passage are tolerated: a localised word (全国→全省, 我国→我省, 国务院→省政府), a changed
number, a few inserted or deleted characters each cost one edit per character, and a passage ends
where edits stop being outweighed by matches. Numbers lose their decimal points when compared
(5.5% and 55% are the same characters); Traditional characters are not folded to Simplified.

How. (1) Seeds: every character n-gram (``ngram``, 8) the document shares with a reference, found
through an inverted index of the references' n-grams (a document is compared only with references
it shares an n-gram with); an n-gram repeated more than ``max_repeats`` (50) times in one text seeds
nothing there. (2) Seeds on one diagonal (document position − reference position) that overlap or
touch are exact matches; exact matches whose ends are at most ``gap`` (12) characters apart in both
texts, on diagonals at most ``gap`` apart, are chained into one candidate (an inserted word shifts
the diagonal by its length). (3) Each candidate, widened by ``gap + ngram`` characters on each side,
is aligned with Levenshtein's edit operations (rapidfuzz); a matched character scores +1 and an
edited one −1, and the passages are the highest-scoring stretches of the alignment, so every prefix
and suffix of a passage has more matches than edits: edges move out across a small edit when
matches follow it and never into unrelated text, and a badly matching middle splits a candidate.
Candidates whose passages overlap (a stretch too edited to hold a seed) are aligned again as one.
(4) Similarity is 1 − Levenshtein distance / the longer side, on compared characters. Within one
document and one reference a stretch of the document is reported once (the longest passage wins);
the same document stretch aligned with several references is reported for each, and a reference
passage repeated in a document is reported at each place.

Defaults and why (bench/reuse_alignment.py measures them; bench/RESULTS.md). ``min_chars`` = 16:
the centre's set phrases of 10–14 characters (坚持稳中求进工作总基调, 经济社会发展主要预期目标是)
are the genre's vocabulary, shared by any two reports of any years, and are left out; the longer
formulas that carry the centre's current line — 以习近平新时代中国特色社会主义思想为指导 (20),
让我们更加紧密地团结在以习近平同志为核心的党中央周围 (26) — are reuse of its language and are kept,
with a margin for a character edited inside them. At 12 the passages found in the 2025 provincial
reports against older national reports go from 101 to 252, the new ones set phrases (在以习近平同志为
核心的党中央, 坚持和完善民族区域自治制度); at 20, 29% of planted passages of 20–30 characters are
lost (4% at 16). ``ngram`` = 8: recovery of planted passages is flat from 6 to 10 (0.986–0.988
of their characters) and falls at 12 (20–30-character passages: 83% found), where edits less than a
seed apart leave no seed. ``gap`` = 12: a changed number or a replaced phrase plus the unseeded
characters beside it; planted passages with both ends within 3 characters of the truth: 83% at 4,
87% at 12, 88% at 24. ``min_similarity`` = 0.8: planted passages (5.8 edits per 100 characters)
score 0.875 at the 5th percentile, 0.958 at the median; between 0.7 and 0.8 are mostly sentences of
statistics with other numbers (城镇新增就业32万人以上 against 城镇新增就业1266万人) and set phrases
with a word changed.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..pipeline.parallel import ordered_map

PASSAGE_COLUMNS = ["doc_id", "ref_id", "start", "end", "ref_start", "ref_end", "similarity", "chars"]
SHARE_COLUMNS = ["doc_id", "chars", "chars_reused", "share", "ref_id"]
_BASE = np.uint64(1_000_003)        # multiplier of the n-gram hash (a polynomial over code points, mod 2**64)


class Passage(NamedTuple):
    """An aligned passage: ``text[start:end]`` repeats ``ref[ref_start:ref_end]`` (offsets into the
    original strings, end exclusive) with the given similarity (1 − edits / length, in [0, 1])."""
    start: int
    end: int
    ref_start: int
    ref_end: int
    similarity: float


@dataclass(frozen=True)
class AlignParams:
    """The rules of an alignment; every function of this module takes them as keyword arguments.

    ngram: length of the shared character n-grams that seed a passage (compared characters).
    min_chars: shortest passage reported, in compared characters, in the document and in the reference.
    gap: most characters between two exact matches chained into one candidate passage, in either text,
    and most difference of their diagonals (an inserted or deleted word).
    min_similarity: lowest similarity (1 − Levenshtein distance / longer length) of a passage reported.
    max_repeats: an n-gram found more than this many times in one text seeds nothing there (a refrain).
    """
    ngram: int = 8
    min_chars: int = 16
    gap: int = 12
    min_similarity: float = 0.8
    max_repeats: int = 50

    def __post_init__(self):
        if self.ngram < 1 or self.min_chars < 1 or self.gap < 0 or self.max_repeats < 1 \
                or not 0 <= self.min_similarity <= 1:
            raise ValueError(f"alignment parameters out of range: {self}")


class Matchable(NamedTuple):
    """A text as compared: its characters other than whitespace and punctuation, NFKC-folded
    (full-width to half-width) and lower-cased (``text``), and the offset of each in the original (``where``)."""
    text: str
    where: np.ndarray


@functools.lru_cache(maxsize=None)
def _fold(char: str) -> str:
    """What one original character becomes when compared: its NFKC form, lower-cased, letters and
    digits only (punctuation, symbols and whitespace become nothing; ⑤ becomes 5, ２０ becomes 20)."""
    return "".join(c for c in unicodedata.normalize("NFKC", char).lower() if c.isalnum())


def matchable(text: str) -> Matchable:
    """The text as compared, with the offset of each compared character in ``text`` (a character
    that folds to two, such as ½, gives two compared characters with the same offset)."""
    if not text:
        return Matchable("", np.zeros(0, dtype=np.int64))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    unique, inverse = np.unique(codes, return_inverse=True)
    folded = [_fold(chr(c)) for c in unique.tolist()]
    lengths = np.array([len(f) for f in folded], dtype=np.int64)
    table = {c: f for c, f in zip(unique.tolist(), folded)}
    return Matchable(text.translate(table), np.repeat(np.arange(len(text), dtype=np.int64), lengths[inverse]))


def _ngram_keys(text: str, n: int) -> np.ndarray:
    """A 64-bit key for each character n-gram of ``text`` (position i: ``text[i:i + n]``)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    windows = len(codes) - n + 1
    if windows <= 0:
        return np.zeros(0, dtype=np.uint64)
    keys = np.zeros(windows, dtype=np.uint64)
    for j in range(n):                      # wraps at 64 bits: array arithmetic does not warn
        keys = keys * _BASE + codes[j:j + windows]
    return keys


def _not_refrain(keys: np.ndarray, max_repeats: int) -> np.ndarray:
    """Which n-grams occur at most ``max_repeats`` times in their text."""
    if len(keys) == 0:
        return np.zeros(0, dtype=bool)
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return counts[inverse] <= max_repeats


class RefIndex(NamedTuple):
    """The inverted index of the references: every n-gram's key, reference number and position,
    sorted by key, then reference, then position."""
    keys: np.ndarray
    ref: np.ndarray
    pos: np.ndarray


def ref_index(texts: list[str], params: AlignParams) -> RefIndex:
    """The inverted index of compared reference texts (refrains left out, see :class:`AlignParams`)."""
    keys, ref, pos = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for number, text in enumerate(texts):
        k = _ngram_keys(text, params.ngram)
        kept = np.flatnonzero(_not_refrain(k, params.max_repeats))
        keys.append(k[kept])
        ref.append(np.full(len(kept), number, dtype=np.int64))
        pos.append(kept.astype(np.int64))
    keys, ref, pos = np.concatenate(keys), np.concatenate(ref), np.concatenate(pos)
    order = np.lexsort((pos, ref, keys))
    return RefIndex(keys[order], ref[order], pos[order])


def _seeds(text: str, index: RefIndex, params: AlignParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every shared n-gram of a compared document and the references: document position,
    reference number, reference position."""
    keys = _ngram_keys(text, params.ngram)
    lo = np.searchsorted(index.keys, keys, side="left")
    hi = np.searchsorted(index.keys, keys, side="right")
    counts = np.where(_not_refrain(keys, params.max_repeats), hi - lo, 0)
    before = np.cumsum(counts) - counts
    doc_pos = np.repeat(np.arange(len(keys), dtype=np.int64), counts)
    at = np.repeat(lo - before, counts) + np.arange(int(counts.sum()), dtype=np.int64)
    return doc_pos, index.ref[at], index.pos[at]


def _runs(doc_pos: np.ndarray, ref: np.ndarray, ref_pos: np.ndarray, n: int) -> np.ndarray:
    """Exact matches: seeds on one diagonal (document position − reference position) of one
    reference whose n-grams overlap or touch, as rows (reference, doc start, doc end, ref start,
    ref end), sorted by reference, doc start, ref start."""
    if len(doc_pos) == 0:
        return np.zeros((0, 5), dtype=np.int64)
    diag = doc_pos - ref_pos
    order = np.lexsort((doc_pos, diag, ref))
    r, k, d = ref[order], diag[order], doc_pos[order]
    new = np.ones(len(d), dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (k[1:] != k[:-1]) | (d[1:] - d[:-1] > n)
    first = np.flatnonzero(new)
    last = np.r_[first[1:] - 1, len(d) - 1]
    start, end = d[first], d[last] + n
    runs = np.c_[r[first], start, end, start - k[first], end - k[first]]
    return runs[np.lexsort((runs[:, 3], runs[:, 1], runs[:, 0]))]


def _chains(spans: list[list[int]], params: AlignParams) -> list[list[int]]:
    """Matched stretches [doc start, doc end, ref start, ref end] joined into candidate passages,
    each with the indices of the stretches it joins as a fifth item.

    Stretches are taken in document order (then reference order); a stretch extends an open chain
    when it starts at most ``gap`` characters after the chain's end in both texts (or overlaps it),
    not before the chain's start, reaches further in both, and lies on a diagonal (document
    position − reference position) within ``gap`` of the chain's end; among several such chains
    the one on the nearest diagonal (then the first opened) takes it."""
    gap = params.gap
    chains: list[list[int]] = []
    open_: list[int] = []
    for i, (ds, de, rs, re_) in enumerate(spans):
        open_ = [c for c in open_ if ds - chains[c][1] <= gap]
        best = None
        for c in open_:
            cds, cde, crs, cre, _ = chains[c]
            gd, gr = ds - cde, rs - cre
            if (gd <= gap and gr <= gap and abs(gd - gr) <= gap and ds >= cds and rs >= crs
                    and de > cde and re_ > cre and (best is None or abs(gd - gr) < best[0])):
                best = (abs(gd - gr), c)
        if best is None:
            open_.append(len(chains))
            chains.append([ds, de, rs, re_, [i]])
        else:
            chain = chains[best[1]]
            chain[1], chain[3] = de, re_
            chain[4].append(i)
    return chains


def _segments(doc: str, ref: str, chain: list[int], params: AlignParams) -> list[tuple[int, int, int, int, float]]:
    """The passages of a candidate, from a real alignment (Levenshtein, rapidfuzz) of its stretches
    of both texts widened by ``gap + ngram`` characters on each side, as (doc start, doc end, ref
    start, ref end, similarity) in compared characters.

    Each matched character scores +1 and each edited one −1 (a substitution, an inserted or a
    deleted character). A passage is a stretch of the alignment with the highest score, then the
    same again to its left and to its right: every prefix and every suffix of a passage has more
    matched than edited characters, so an edge moves out past a small edit when matches follow,
    never into unrelated text, and a badly matching middle splits a candidate in two. Similarity is
    1 − edits / the longer of the passage's two sides."""
    from rapidfuzz.distance import Levenshtein

    ds, de, rs, re_ = chain[:4]
    wide = params.gap + params.ngram
    a0, b0 = max(0, ds - wide), max(0, rs - wide)
    ops = Levenshtein.opcodes(doc[a0:de + wide], ref[b0:re_ + wide]).as_list()
    gains = [i2 - i1 if tag == "equal" else -max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops]
    out = []
    for first, last in _best_stretches(gains):
        edits = -sum(g for g in gains[first:last + 1] if g < 0)
        s0, s1, r0, r1 = ops[first][1] + a0, ops[last][2] + a0, ops[first][3] + b0, ops[last][4] + b0
        out.append((s0, s1, r0, r1, 1.0 - edits / max(s1 - s0, r1 - r0)))
    return out


def _best_stretches(gains: list[int]) -> list[tuple[int, int]]:
    """The highest-scoring stretch of ``gains`` (positive score only; the shortest among equals),
    then the same in what lies left and right of it, and so on: (first, last) indices, in order."""
    found, todo = [], [(0, len(gains))]
    while todo:
        lo, hi = todo.pop()
        best, first, last, score, start = 0, -1, -1, 0, lo
        for k in range(lo, hi):
            score, start = (gains[k], k) if score <= 0 else (score + gains[k], start)
            if score > best:
                best, first, last = score, start, k
        if best > 0:
            found.append((first, last))
            todo += [(lo, first), (last + 1, hi)]
    return sorted(found)


def _one_per_stretch(found: list[tuple[int, int, int, int, float]]) -> list[tuple[int, int, int, int, float]]:
    """Within one document and one reference, a stretch of the document aligns once: passages are
    taken longest first (then the most similar, then the first in the document and in the
    reference) and one is dropped when more than half of it lies in passages already taken."""
    kept: list[tuple[int, int, int, int, float]] = []
    for p in sorted(set(found), key=lambda p: (-(p[1] - p[0]), -p[4], p[0], p[2], p[1], p[3])):
        inside = sum(max(0, min(p[1], q[1]) - max(p[0], q[0])) for q in kept)
        if 2 * inside <= p[1] - p[0]:
            kept.append(p)
    return kept


def _align_document(doc: Matchable, refs: list[Matchable], index: RefIndex,
                    params: AlignParams) -> list[tuple[int, Passage]]:
    """(reference number, passage) pairs of one document, in original offsets, sorted by start,
    reference, ref start, end."""
    runs = _runs(*_seeds(doc.text, index, params), params.ngram)
    out = []
    bounds = np.flatnonzero(np.r_[True, runs[1:, 0] != runs[:-1, 0], True]) if len(runs) else []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        number = int(runs[lo, 0])
        ref = refs[number]
        found = []
        for chain in _chains(runs[lo:hi, 1:].tolist(), params):
            found += _segments(doc.text, ref.text, chain, params)
        pieces = sorted(found, key=lambda p: (p[0], p[2], p[1], p[3]))
        found = []
        for merged in _chains([list(p[:4]) for p in pieces], params):   # pieces of one passage, overlapping
            found += _segments(doc.text, ref.text, merged, params) if len(merged[4]) > 1 else [pieces[merged[4][0]]]
        found = [p for p in found if min(p[1] - p[0], p[3] - p[2]) >= params.min_chars
                 and p[4] >= params.min_similarity]
        for s0, s1, r0, r1, sim in _one_per_stretch(found):
            out.append((number, Passage(int(doc.where[s0]), int(doc.where[s1 - 1]) + 1,
                                        int(ref.where[r0]), int(ref.where[r1 - 1]) + 1, float(sim))))
    return sorted(out, key=lambda x: (x[1].start, x[0], x[1].ref_start, x[1].end, x[1].ref_end))


def align_pair(text: str, ref: str, **params) -> list[Passage]:
    """The passages of ``text`` that repeat a passage of ``ref``, sorted by start (then ref start).
    Keyword arguments are the fields of :class:`AlignParams`."""
    rules = AlignParams(**params)
    reference = matchable(ref or "")
    found = _align_document(matchable(text or ""), [reference], ref_index([reference.text], rules), rules)
    return [p for _, p in found]


_WORKER: dict = {}


def _start_worker(refs: list[Matchable], index: RefIndex, params: AlignParams) -> None:
    """What a worker process needs, set by the pool's initializer (works under any start method)."""
    _WORKER.update(refs=refs, index=index, params=params)


def _align_in_worker(text: str) -> list[tuple[int, Passage]]:
    """One document's passages, in a worker set up by :func:`_start_worker`."""
    return _align_document(matchable(text), _WORKER["refs"], _WORKER["index"], _WORKER["params"])


def align_corpus(docs: pd.DataFrame, refs: pd.DataFrame, workers: int = 1, **params) -> pd.DataFrame:
    """Every aligned passage of every document with every reference: one row per passage
    (``PASSAGE_COLUMNS``; ``chars`` = end − start, in original characters), sorted by doc_id,
    start, ref_id (then ref_start, end). ``docs`` has doc_id and text; ``refs`` ref_id (or doc_id)
    and text. Candidate pairs come from the references' inverted index of n-grams: a document is
    aligned only with references that share an n-gram with it. Documents are split over
    ``workers`` processes; the result does not depend on their number. Keyword arguments are the
    fields of :class:`AlignParams`."""
    rules = AlignParams(**params)
    refs = refs.rename(columns={"doc_id": "ref_id"}) if "ref_id" not in refs else refs
    refs = refs.sort_values("ref_id", kind="stable").reset_index(drop=True)
    docs = docs.sort_values("doc_id", kind="stable").reset_index(drop=True)
    matched = [matchable(t) for t in refs["text"].fillna("").astype(str)]
    index = ref_index([m.text for m in matched], rules)
    texts = docs["text"].fillna("").astype(str).tolist()
    if workers <= 1 or len(texts) < 2:
        results = [_align_document(matchable(t), matched, index, rules) for t in texts]
    else:   # the pipeline's pool: any start method, Ctrl-C ends the workers, Dask inside its engine
        results = list(ordered_map(_align_in_worker, texts, min(workers, len(texts)), initializer=_start_worker,
                                   initargs=(matched, index, rules)))
    ref_ids = refs["ref_id"].tolist()
    rows = [(doc_id, ref_ids[number], *p) for doc_id, found in zip(docs["doc_id"], results) for number, p in found]
    out = pd.DataFrame(rows, columns=PASSAGE_COLUMNS[:-1])
    out = out.astype({c: "int64" for c in ("start", "end", "ref_start", "ref_end")}).astype({"similarity": "float64"})
    out["chars"] = out["end"] - out["start"]
    return out.sort_values(["doc_id", "start", "ref_id", "ref_start", "end"], kind="stable").reset_index(drop=True)


def reused_share(passages: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """Per document (``SHARE_COLUMNS``, sorted by doc_id): ``chars``, its compared characters (not
    whitespace or punctuation); ``chars_reused``, those inside at least one aligned passage (a
    character in overlapping passages counts once); ``share`` = chars_reused / chars (0 for an
    empty document); ``ref_id``, the reference whose passages cover most of its characters (ties:
    the first ref_id; missing when nothing is reused)."""
    by_doc = {k: g for k, g in passages.groupby("doc_id", sort=True)} if len(passages) else {}
    rows = []
    for doc_id, text in sorted(zip(docs["doc_id"], docs["text"].fillna("").astype(str))):
        counted = np.zeros(len(text), dtype=bool)
        counted[matchable(text).where] = True
        part = by_doc.get(doc_id)
        reused, top = 0, None
        if part is not None:
            reused = int((counted & _covered(part, len(text))).sum())
            per_ref = sorted((-int((counted & _covered(g, len(text))).sum()), ref_id)
                             for ref_id, g in part.groupby("ref_id", sort=True))
            top = per_ref[0][1]
        chars = int(counted.sum())
        rows.append((doc_id, chars, reused, reused / chars if chars else 0.0, top))
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


def _covered(passages: pd.DataFrame, length: int) -> np.ndarray:
    """Which characters of a text of ``length`` lie inside at least one of the passages."""
    depth = np.zeros(length + 1, dtype=np.int64)
    np.add.at(depth, passages["start"].to_numpy(), 1)
    np.add.at(depth, passages["end"].to_numpy(), -1)
    return np.cumsum(depth)[:-1] > 0
