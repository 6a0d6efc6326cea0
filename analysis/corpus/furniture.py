"""Site furniture: short lines that recur across the documents of one source (navigation, a site's
slogan, share buttons) are removed from their texts and counted.

A short line (at most :data:`MAX_CHARS` characters) found in at least :data:`SHARE` of the documents
of one source (the same table file, or the same folder of text files) with at least :data:`MIN_DOCS`
documents is furniture. Exact copies of other documents are not counted. The corpus build counts the
lines while it reads the corpus without keeping them: by a 64-bit hash of each source and line
(:class:`LineCounts`), which can only merge lines, never split one, so the lines whose hash is
frequent include every frequent line; those few are then counted exactly, line by line
(:func:`frequent_lines`), and only lines frequent by their own count are removed.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Iterable

import numpy as np
import pandas as pd

MIN_DOCS = 10
SHARE = 0.3
MAX_CHARS = 60
_ROW = re.compile(r"-r\d{5}")


def furniture_source(doc_id: str, source_file: str) -> str:
    """The source whose documents share furniture: a row's table file, else a text file's folder."""
    if _ROW.search(doc_id):
        return source_file
    return source_file.rsplit("/", 1)[0] if "/" in source_file else ""


def short_lines(text: str) -> set[str]:
    """The distinct short lines of a text, stripped."""
    return {line.strip() for line in text.split("\n") if 0 < len(line.strip()) <= MAX_CHARS}


def needed(n_docs: int) -> float:
    """How many of a source's ``n_docs`` documents a line must be in to be furniture (none below
    :data:`MIN_DOCS` documents)."""
    return max(MIN_DOCS, SHARE * n_docs) if n_docs >= MIN_DOCS else float("inf")


_line_key = hash   # within one process, the same line gives the same key


class LineCounts:
    """In how many documents of each source each short line is, by hashed line (a few bytes a line)."""

    def __init__(self):
        self._sources: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self._pending = 0
        self._counted = (np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.int64))

    def add(self, sources: Iterable[int], texts: Iterable[str]) -> None:
        """Count each text's short lines for its source (a number)."""
        keys, owners = [], []
        for source, text in zip(sources, texts):
            found = {_line_key(line) for line in short_lines(text)}
            keys.extend(found)
            owners.extend([source] * len(found))
        self._keys.append(np.array(keys, dtype=np.int64))
        self._sources.append(np.array(owners, dtype=np.int32))
        self._pending += len(keys)
        if self._pending > max(1_000_000, len(self._counted[0])):
            self._compact()

    def candidates(self, n_docs: dict[int, int]) -> dict[int, set[int]]:
        """source → the keys in at least :func:`needed` of its ``n_docs`` counted documents (every
        furniture line's key is there; a key may stand for several lines)."""
        self._compact()
        sources, keys, counts = self._counted
        limit = np.array([needed(n_docs.get(s, 0)) for s in range(int(sources.max(initial=-1)) + 1)])
        chosen = counts >= limit[sources] if len(sources) else np.zeros(0, bool)
        out: dict[int, set[int]] = {}
        for source, key in zip(sources[chosen].tolist(), keys[chosen].tolist()):
            out.setdefault(source, set()).add(key)
        return out

    def _compact(self) -> None:
        sources = np.concatenate([self._counted[0], *self._sources])
        keys = np.concatenate([self._counted[1], *self._keys])
        counts = np.concatenate([self._counted[2], np.ones(self._pending, dtype=np.int64)])
        self._sources, self._keys, self._pending = [], [], 0
        if not len(keys):
            return
        order = np.lexsort((keys, sources))
        sources, keys, counts = sources[order], keys[order], counts[order]
        first = np.flatnonzero(np.r_[True, (sources[1:] != sources[:-1]) | (keys[1:] != keys[:-1])])
        self._counted = sources[first], keys[first], np.add.reduceat(counts, first)


def frequent_lines(candidates: dict[int, set[int]], texts: Iterable[tuple[int, str]],
                   n_docs: dict[int, int]) -> dict[int, set[str]]:
    """source → its furniture lines: the lines whose key is a candidate, counted exactly over
    ``texts`` ((source, text) of each counted document of the sources with candidates)."""
    counts: dict[int, Counter] = {}
    for source, text in texts:
        keys = candidates[source]
        counts.setdefault(source, Counter()).update(line for line in short_lines(text) if _line_key(line) in keys)
    drop = {source: {line for line, n in c.items() if n >= needed(n_docs[source])} for source, c in counts.items()}
    return {source: lines for source, lines in drop.items() if lines}


def without_lines(text: str, lines: set[str]) -> tuple[str, list[str]] | None:
    """``text`` without the lines that are ``lines`` once stripped, and the stripped lines taken out
    (in order); None when nothing is taken, or when nothing but white space would be left."""
    split = text.split("\n")
    kept = [ln for ln in split if ln.strip() not in lines]
    if len(kept) == len(split) or not "".join(kept).strip():
        return None
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept).strip()), [ln.strip() for ln in split if ln.strip() in lines]


def remove_furniture(docs: pd.DataFrame, drop: dict[str, set[str]]) -> pd.DataFrame:
    """``docs`` (rows of the documents table) without the furniture lines of their sources (``drop``:
    source, as :func:`furniture_source` names it → its lines), each removal counted in
    ``boilerplate_removed`` as ``repeated_line`` and listed in ``removed_lines``; lengths recomputed."""
    from .documents import text_sizes

    if not drop:
        return docs
    docs = docs.copy()
    for i, (doc_id, source_file) in enumerate(zip(docs["doc_id"], docs["source_file"])):
        lines = drop.get(furniture_source(doc_id, source_file))
        cut = without_lines(docs.at[i, "text"], lines) if lines else None
        if cut is None:
            continue
        text, removed = cut
        docs.at[i, "text"] = text
        for k, v in text_sizes(text).items():
            docs.at[i, k] = v
        note = f"repeated_line:{len(removed)}"
        prev = docs.at[i, "boilerplate_removed"]
        docs.at[i, "boilerplate_removed"] = f"{prev}, {note}" if isinstance(prev, str) and prev else note
        listed = docs.at[i, "removed_lines"]
        listed = json.loads(listed) if isinstance(listed, str) and listed else []
        listed += [["repeated_line", ln] for ln in removed]
        docs.at[i, "removed_lines"] = json.dumps(listed, ensure_ascii=False)
    return docs
