"""A language's modelling units (paragraphs or whole documents) as the token table holds them, read a
batch at a time: their keys and lengths once, their words only in the passes that need them.

The units are in the order of their keys, (doc_id, para); a document unit is its paragraphs of the
language in paragraph order, keyed by its first. Units without a token are not units. No pass holds
every unit's words: at 1,000,000 news items the token lists alone took 12 GB (bench/RESULTS.md)."""
from __future__ import annotations

from collections import Counter
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..pipeline.budget import release_memory, releasing
from ..pipeline.config import Config
from ..text.token_table import token_batches


class Units:
    """The units of ``lang`` (``unit``: "paragraph" or "document") in the paragraphs of ``docs``,
    counted by the token table's ``column``. ``frame()``: their keys and token counts;
    ``texts(wanted)``: the words of the units a mask selects, streamed."""

    def __init__(self, cfg: Config, docs: pd.DataFrame, lang: str, column: str, unit: str,
                 paragraphs: "Units | None" = None):
        self.cfg, self.docs, self.lang, self.column, self.unit = cfg, docs, lang, column, unit
        self.doc_ids = paragraphs.doc_ids if paragraphs is not None else \
            pd.Index(sorted(set(docs["doc_id"].astype(str))), dtype=object)
        doc, para, n = paragraphs._rows if paragraphs is not None else self._lengths()
        self._rows = doc, para, n           # every paragraph of the language, in key order
        if unit == "document":
            starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]]) if len(doc) else np.zeros(0, np.int64)
            doc, para = doc[starts], para[starts]
            n = np.add.reduceat(n, starts) if len(starts) else n[:0]
        keep = n > 0
        self.doc, self.para, self.n = doc[keep], para[keep], n[keep]
        # where a paragraph row goes: its unit's position (-1 for none)
        self._unit_of_doc = np.full(len(self.doc_ids), -1, np.int64)
        if unit == "document":
            self._unit_of_doc[self.doc] = np.arange(len(self.doc))
        else:
            self._keys = _key(self.doc, self.para)

    def __len__(self) -> int:
        return len(self.doc)

    def frame(self) -> pd.DataFrame:
        """doc_id, para and n (tokens) of every unit, in order."""
        return pd.DataFrame({"doc_id": self.doc_ids[self.doc].to_numpy() if len(self.doc) else [],
                             "para": self.para, "n": self.n})

    def _batches(self, columns: list[str]) -> Iterator[pa.RecordBatch]:
        """The token table's batches of this language's paragraphs: doc_id, para, then ``columns``."""
        for batch in token_batches(self.cfg, self.docs, ["doc_id", "para", "lang", *columns]):
            yield batch.filter(pc.equal(batch.column(2), self.lang))

    def _doc_ranks(self, batch: pa.RecordBatch) -> np.ndarray:
        return self.doc_ids.get_indexer(batch.column(0).to_pandas().astype(str))

    def _lengths(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every paragraph of the language: (document rank, para, tokens), sorted by key."""
        docs, paras, lengths = [], [], []
        for batch in self._batches([self.column]):
            docs.append(self._doc_ranks(batch))
            paras.append(batch.column(1).to_numpy(zero_copy_only=False).astype(np.int64))
            lengths.append(pc.list_value_length(batch.column(3)).fill_null(0).to_numpy(zero_copy_only=False)
                           .astype(np.int64))
        doc, para, n = (np.concatenate(x) if x else np.zeros(0, np.int64) for x in (docs, paras, lengths))
        order = np.lexsort((para, doc))
        release_memory()   # what reading the batches left with the allocators
        return doc[order], para[order], n[order]

    def _positions(self, doc: np.ndarray, para: np.ndarray) -> np.ndarray:
        """Each paragraph row's unit position (-1: an empty paragraph's)."""
        if self.unit == "document":
            return self._unit_of_doc[doc]
        key = _key(doc, para)
        if not len(self._keys):
            return np.full(len(key), -1)
        at = np.minimum(np.searchsorted(self._keys, key), len(self._keys) - 1)
        return np.where(self._keys[at] == key, at, -1)

    def texts(self, wanted: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, list[list[str]]]]:
        """(positions, token lists) of the units ``wanted`` selects (a boolean mask over the units;
        None: all), a batch at a time in the token table's order; a document is given once its last
        paragraph is read (the table keeps a document's paragraphs together, so few wait)."""
        parts_left = np.bincount(self._positions(*self._rows[:2])[self._rows[2] > 0], minlength=len(self)) \
            if self.unit == "document" else None
        waiting: dict[int, list] = {}
        # what the batches' conversions leave with the allocators handed back as the pass goes (the
        # 0.7 GB a pass once kept at a million documents was the reader's pre-buffering,
        # pipeline.parquet_files; now this lowers the pass's end, 305 -> 255 MB, not its peak)
        for batch in releasing(self._batches([self.column])):
            pos = self._positions(self._doc_ranks(batch), batch.column(1).to_numpy(zero_copy_only=False))
            keep = pos >= 0
            keep[keep] = wanted[pos[keep]] if wanted is not None else True
            if not keep.any():
                continue
            rows = np.flatnonzero(keep)
            paras = batch.column(1).take(pa.array(rows)).to_pylist()
            lists = batch.column(3).take(pa.array(rows)).to_pylist()
            if self.unit == "paragraph":
                yield pos[rows], lists
                continue
            done_pos, done = [], []
            for p, para, toks in zip(pos[rows].tolist(), paras, lists):
                if not toks:
                    continue
                waiting.setdefault(p, []).append((para, toks))
                if len(waiting[p]) == parts_left[p]:
                    done_pos.append(p)
                    done.append([t for _, ts in sorted(waiting.pop(p), key=lambda x: x[0]) for t in ts])
            if done:
                yield np.asarray(done_pos, np.int64), done
        if waiting:
            raise ValueError(f"topics: {len(waiting)} documents' paragraphs were not all read from the token table")

    def chunks(self, wanted: np.ndarray | None, size: int) -> Iterator[tuple[np.ndarray, list[list[str]]]]:
        """:meth:`texts` regrouped into chunks of ``size`` units (the last smaller)."""
        pos, texts = [], []
        for p, t in self.texts(wanted):
            pos.extend(p.tolist())
            texts.extend(t)
            while len(texts) >= size:
                yield np.asarray(pos[:size], np.int64), texts[:size]
                pos, texts = pos[size:], texts[size:]
        if texts:
            yield np.asarray(pos, np.int64), texts


def _key(doc: np.ndarray, para: np.ndarray) -> np.ndarray:
    """One sortable integer per (document rank, para), in the order of the pairs."""
    return (np.asarray(doc, np.int64) << 32) | np.asarray(para, np.int64)


class Vocabulary:
    """What gensim's Dictionary of a set of units holds, gathered a unit at a time in any order: each
    word's units and tokens, and the first unit (in key order) it is in, which fixes the ids as
    ``Dictionary(units in key order)`` gives them (a unit's new words take the next ids in sorted
    order). :meth:`dictionary` makes the Dictionary; ``units``: word → units with it, for the corpus
    stop words."""

    def __init__(self):
        self.units: Counter = Counter()
        self.tokens: Counter = Counter()
        self.first: dict[str, int] = {}
        self.n_units = self.n_tokens = self.n_nonzero = 0

    def add(self, position: int, toks: list[str]) -> None:
        counts = Counter(toks)
        self.units.update(counts.keys())
        self.tokens.update(counts)
        first = self.first
        for w in counts:
            if first.get(w, position + 1) > position:
                first[w] = position
        self.n_units += 1
        self.n_tokens += len(toks)
        self.n_nonzero += len(counts)

    def dictionary(self):
        """The gensim Dictionary, as ``Dictionary(texts)`` of the units in key order gives it."""
        from gensim.corpora import Dictionary

        d = Dictionary()
        order = sorted(self.first, key=lambda w: (self.first[w], w))
        d.token2id = {w: i for i, w in enumerate(order)}
        d.dfs = {i: self.units[w] for i, w in enumerate(order)}
        d.cfs = {i: self.tokens[w] for i, w in enumerate(order)}
        d.num_docs, d.num_pos, d.num_nnz = self.n_units, self.n_tokens, self.n_nonzero
        return d
