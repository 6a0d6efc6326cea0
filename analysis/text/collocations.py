"""Collocations: bigrams that occur together more than chance, joined into one token.

The score is normalised pointwise mutual information (Bouma 2009), as gensim's ``Phrases`` with
``scoring="npmi"`` computes it::

    npmi(a, b) = ln(p(ab) / (p(a) p(b))) / -ln(p(ab)),   p(x) = count(x) / N

with N the number of tokens seen. A bigram is a collocation when it occurs at least
``min_count`` times and its NPMI exceeds ``threshold`` (-1 to 1). Learning streams over
paragraphs in two passes over pyarrow ``list<string>`` arrays (tokens, then pairs of tokens that
are each frequent enough), with Arrow and numpy kernels instead of gensim's per-token Python loop;
pairs are counted as integer codes until ``fit``. Tests check the phrases and the joined tokens
against gensim's on the same input.
"""
from __future__ import annotations

import copy
import math
from collections import Counter
from dataclasses import dataclass, field


_SEP = "\t"  # never inside a token: whitespace tokens are dropped
_MERGE_ROWS = 500_000  # pending pair counts summed once they exceed this many rows


def _within_sentence(sentences, n: int):
    """Mask over the n - 1 adjacent positions of the flattened array: True where both tokens
    belong to one sentence."""
    import numpy as np

    ok = np.ones(n - 1, dtype=bool)
    offsets = sentences.offsets.to_numpy() - sentences.offsets[0].as_py()
    boundary = offsets[1:-1]
    boundary = boundary[(boundary > 0) & (boundary < n)]
    ok[boundary - 1] = False  # the pair that would join the last token of one sentence to the next
    return ok


def _adjacent_pairs(sentences):
    """(pairs "a\tb" for every adjacent position of the flattened array, mask of pairs inside one
    sentence) or (None, None) when there are fewer than two tokens."""
    import pyarrow.compute as pc

    flat = sentences.flatten()
    n = len(flat)
    if n < 2:
        return None, None
    pairs = pc.binary_join_element_wise(flat.slice(0, n - 1), flat.slice(1, n - 1), _SEP)
    return pairs, _within_sentence(sentences, n)


def _sum_words(parts: list):
    """Arrow tables (w, n) → one table, counts of the same word summed (group-by in C++)."""
    import pyarrow as pa

    if len(parts) == 1:
        return parts[0]
    summed = pa.concat_tables(parts).group_by("w").aggregate([("n", "sum")])
    return pa.table({"w": summed.column("w"), "n": summed.column("n_sum")})


def _sum_counts(parts: list[tuple]) -> tuple:
    """(codes, counts) pairs of sorted unique int64 codes → one such pair, counts summed."""
    import numpy as np

    if len(parts) == 1:
        return parts[0]
    codes = np.concatenate([c for c, _ in parts])
    counts = np.concatenate([n for _, n in parts])
    uniq, inverse = np.unique(codes, return_inverse=True)
    return uniq, np.bincount(inverse, weights=counts, minlength=len(uniq)).astype(np.int64)


@dataclass
class Collocations:
    min_count: int = 5
    threshold: float = 0.5
    delimiter: str = "_"
    unigrams: Counter = field(default_factory=Counter)
    bigrams: Counter = field(default_factory=Counter)  # "a\tb" → count
    n_tokens: int = 0
    phrases_: dict = field(default_factory=dict)  # (a, b) → npmi, after fit
    #: Columnar counting keeps pair counts as numpy codes (16 bytes a distinct pair, against about
    #: 150 in a Python dict); only pairs that can be collocations reach ``bigrams``.
    _pending: list = field(default_factory=list, repr=False)
    _pending_rows: int = 0
    _pending_key: tuple | None = None
    _merged_rows: int = 0
    _unigram_parts: list = field(default_factory=list, repr=False)

    def add_unigrams_arrow(self, sentences) -> "Collocations":
        """First pass over a pyarrow ``list<string>`` array: count tokens (vectorised)."""
        import pyarrow.compute as pc

        import pyarrow as pa

        flat = sentences.flatten()
        self.n_tokens += len(flat)
        if len(flat):
            vc = pc.value_counts(flat)
            self._add_unigram_parts([pa.table({"w": vc.field(0), "n": vc.field(1)})])
        return self

    def _add_unigram_parts(self, parts: list) -> None:
        """Keep token counts (Arrow tables w, n); sum them when they have doubled since the last sum."""
        self._unigram_parts += parts
        rows = sum(len(t) for t in self._unigram_parts)
        if rows > max(_MERGE_ROWS, 2 * len(self._unigram_parts[0])):  # doubling: few merges
            self._unigram_parts = [_sum_words(self._unigram_parts)]

    def _flush_unigrams(self) -> None:
        """Sum the pending columnar token counts (Arrow group-by) into ``unigrams``."""
        if not self._unigram_parts:
            return
        summed = _sum_words(self._unigram_parts)
        self._unigram_parts = []
        self.unigrams.update(dict(zip(summed.column("w").to_pylist(), summed.column("n").to_pylist())))

    def add_bigrams_arrow(self, sentences) -> "Collocations":
        """Second pass over a pyarrow ``list<string>`` array: count adjacent pairs within a
        sentence whose tokens are both frequent (vectorised). A pair is counted as one int64 code
        (index of a × number of frequent tokens + index of b), 16 bytes a distinct pair."""
        import numpy as np
        import pyarrow.compute as pc

        flat = sentences.flatten()
        n = len(flat)
        if n < 2:
            return self
        frequent = self._frequent_array()
        if self._pending and self._pending_key != self._frequent_key:
            raise RuntimeError("count every sentence's unigrams before counting bigrams")
        self._pending_key = self._frequent_key
        ids = pc.fill_null(pc.index_in(flat, value_set=frequent), -1).to_numpy().astype(np.int64)
        left, right = ids[:-1], ids[1:]
        keep = _within_sentence(sentences, n) & (left >= 0) & (right >= 0)
        if keep.any():
            self._add_pending([np.unique(left[keep] * len(frequent) + right[keep], return_counts=True)])
        return self

    def _add_pending(self, parts: list[tuple]) -> None:
        """Keep pair counts (codes, counts); sum them when they have doubled since the last sum."""
        self._pending += parts
        self._pending_rows += sum(len(codes) for codes, _ in parts)
        if self._pending_rows > max(_MERGE_ROWS, 2 * self._merged_rows):  # doubling: few merges
            self._pending = [_sum_counts(self._pending)]
            self._pending_rows = self._merged_rows = len(self._pending[0][0])

    # -- counting in several processes: each counts part of the sentences, the parent absorbs --
    def pair_twin(self) -> "Collocations":
        """A copy for counting pairs on other sentences with the same token indices: its counts go
        back to this model through :meth:`absorb_pairs`."""
        self._frequent_array()  # fix the indices before the copy is made
        twin = copy.copy(self)
        twin.bigrams = Counter()
        twin._pending, twin._pending_rows, twin._merged_rows, twin._pending_key = [], 0, 0, None
        return twin

    def absorb_tokens(self, n_tokens: int, parts: list) -> None:
        """Add token counts made by another model's ``add_unigrams_arrow`` on other sentences."""
        self.n_tokens += n_tokens
        if parts:
            self._add_unigram_parts(parts)

    def absorb_pairs(self, key, pending: list) -> None:
        """Add pair counts made by a :meth:`pair_twin` of this model."""
        if not pending:
            return
        if key != self._frequent_key or (self._pending and self._pending_key != key):
            raise RuntimeError("pair counts made with other token indices")
        self._pending_key = key
        self._add_pending(pending)

    def _take_arrow_counts(self) -> None:
        """Move the pairs that can be collocations (counted at least ``min_count`` times, NPMI
        above the threshold) from the codes into ``bigrams``."""
        if not self._pending:
            return
        import numpy as np

        codes, counts = _sum_counts(self._pending)
        frequent = self._frequent_array().to_pylist()
        width = len(frequent)
        # NPMI for all codes at once; only candidates (a hair below the threshold, fit() decides
        # with the exact formula) become strings
        n = self.n_tokens
        uni = np.array([self.unigrams[w] for w in frequent], dtype=float) / n
        p_ab = counts / n
        sel = (counts >= self.min_count) & (p_ab < 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(p_ab / (uni[codes // width] * uni[codes % width])) / -np.log(p_ab)
        sel &= npmi > self.threshold - 1e-9
        for code, c in zip(codes[sel].tolist(), counts[sel].tolist()):
            key = frequent[code // width] + _SEP + frequent[code % width]
            self.bigrams[key] = self.bigrams.get(key, 0) + c
        self._pending, self._pending_rows = [], 0

    def _frequent_array(self):
        import pyarrow as pa

        self._flush_unigrams()
        key = (len(self.unigrams), self.n_tokens)
        if getattr(self, "_frequent_key", None) != key:  # unigram counts changed since last time
            self._frequent = pa.array([w for w, c in self.unigrams.items() if c >= self.min_count], pa.string())
            self._frequent_key = key
        return self._frequent

    def transform_arrow(self, sentences):
        """``transform`` over a pyarrow ``list<string>`` array, vectorised. Left to right, each
        token used once: in a run of consecutive phrase pairs the 1st, 3rd, 5th … are joined."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        pairs, ok = _adjacent_pairs(sentences)
        if pairs is None or not self.phrases_:
            return sentences
        phrase_set = pa.array([a + _SEP + b for a, b in self.phrases_], pa.string())
        hit = pc.is_in(pairs, value_set=phrase_set).to_numpy(zero_copy_only=False) & ok
        if not hit.any():
            return sentences
        flat = sentences.flatten()
        n = len(flat)
        pos = np.arange(n - 1)
        run_start = np.maximum.accumulate(np.where(hit & ~np.concatenate([[False], hit[:-1]]), pos, 0))
        joined = hit & ((pos - run_start) % 2 == 0)
        take_joined = np.concatenate([joined, [False]])   # this token becomes "a_b"
        dropped = np.concatenate([[False], joined])       # this token went into the one before
        glued = pc.binary_join_element_wise(flat.slice(0, n - 1), flat.slice(1, n - 1), self.delimiter)
        glued = pa.concat_arrays([glued, pa.array([""], pa.string())])
        values = pc.if_else(pa.array(take_joined), glued, flat).filter(pa.array(~dropped))
        offsets = sentences.offsets.to_numpy() - sentences.offsets[0].as_py()
        kept_before = np.concatenate([[0], np.cumsum(~dropped)])
        return pa.ListArray.from_arrays(pa.array(kept_before[offsets], pa.int32()), values,
                                        type=sentences.type)

    def fit(self) -> "Collocations":
        """Score every bigram seen at least ``min_count`` times; keep those above the threshold."""
        self._flush_unigrams()
        self._take_arrow_counts()
        n, uni = self.n_tokens, self.unigrams
        out = {}
        for key, c in self.bigrams.items():
            if c < self.min_count:
                continue
            a, b = key.split(_SEP)
            p_ab = c / n
            if p_ab >= 1.0:
                continue
            npmi = math.log(p_ab / ((uni[a] / n) * (uni[b] / n))) / -math.log(p_ab)
            if npmi > self.threshold:
                out[(a, b)] = npmi
        self.phrases_ = out
        return self

    def transform(self, tokens: list[str]) -> list[str]:
        """Join the learned bigrams, left to right, each token used once."""
        phrases = self.phrases_
        if not phrases or len(tokens) < 2:
            return list(tokens)
        out, i, n = [], 0, len(tokens)
        while i < n:
            if i + 1 < n and (tokens[i], tokens[i + 1]) in phrases:
                out.append(tokens[i] + self.delimiter + tokens[i + 1])
                i += 2
            else:
                out.append(tokens[i])
                i += 1
        return out

    def table(self) -> list[tuple[str, int, float]]:
        """The learned collocations: (joined form, count, npmi), strongest first."""
        return sorted(((a + self.delimiter + b, self.bigrams[a + _SEP + b], s) for (a, b), s in self.phrases_.items()),
                      key=lambda r: (-r[2], r[0]))

    def compact(self) -> "Collocations":
        """A copy without the counts of pairs that are not collocations (they can be large)."""
        kept = Counter({a + _SEP + b: self.bigrams[a + _SEP + b] for a, b in self.phrases_})
        return Collocations(self.min_count, self.threshold, self.delimiter, Counter(), kept,
                            self.n_tokens, dict(self.phrases_))
