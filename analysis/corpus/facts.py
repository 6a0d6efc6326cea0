"""What the corpus build keeps of every document while the texts wait on disk: about a hundred bytes
a document (its id and file, the source its site furniture is counted in, its language, publication
day, length and the digest of its text), gathered batch by batch in the order the documents are
read, and the documents table's order (by doc_id)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .documents_table import ANALYSED_LANGS
from .furniture import furniture_source
from .near_duplicates import text_digest
from .schema import check_unique_ids


_EMPTY = {"source": np.int32, "analysed": bool, "nonempty": bool, "digest": "V16", "days": float, "n_chars": float}


class DocumentFacts:
    """Facts of the documents in the order they were read (their positions); :meth:`finish` once
    every batch is in. ``order``: the positions in the documents table's order."""

    def __init__(self):
        self.sources: dict[str, int] = {}     # furniture source → its number
        self._parts: dict[str, list] = {k: [] for k in ("doc_id", "source_file", "source", "analysed",
                                                         "nonempty", "digest", "days", "n_chars")}

    def add(self, batch: pa.RecordBatch, texts: list[str]) -> np.ndarray:
        """Take the facts of a batch of documents (``texts``: their texts); return their sources' numbers."""
        ids, files = batch.column("doc_id"), batch.column("source_file")
        sources = np.array([self.sources.setdefault(furniture_source(i, f), len(self.sources))
                            for i, f in zip(ids.to_pylist(), files.to_pylist())], dtype=np.int32)
        text = pc.fill_null(batch.column("text"), "")
        for name, values in (
                ("doc_id", ids), ("source_file", files), ("source", sources),
                ("analysed", pc.fill_null(pc.is_in(batch.column("lang"), value_set=pa.array(ANALYSED_LANGS)), False)
                 .to_numpy(zero_copy_only=False)),
                ("nonempty", pc.not_equal(pc.utf8_trim_whitespace(text), "").to_numpy(zero_copy_only=False)),
                ("digest", np.frombuffer(b"".join(text_digest(t) for t in texts), dtype="V16")),
                ("days", pc.cast(batch.column("pub_date"), pa.int32()).to_numpy(zero_copy_only=False).astype(float)),
                ("n_chars", batch.column("n_chars").to_numpy(zero_copy_only=False).astype(float))):
            self._parts[name].append(values)
        return sources

    def finish(self) -> "DocumentFacts":
        """Join the batches' facts and find the table's order; ValueError if a doc_id is repeated."""
        for name in ("doc_id", "source_file"):
            parts = self._parts.pop(name)
            setattr(self, name, pa.concat_arrays(parts) if parts else pa.array([], pa.string()))
        for name, parts in self._parts.items():
            setattr(self, name, np.concatenate(parts) if parts else np.zeros(0, dtype=_EMPTY[name]))
        self._parts = {}
        ids = self.doc_id
        ordered = len(ids) < 2 or pc.all(pc.less_equal(ids[:-1], ids[1:])).as_py()
        self.order = np.arange(len(ids)) if ordered else pc.sort_indices(ids).to_numpy()
        if len(ids) > 1:
            ranked = ids if ordered else ids.take(pa.array(self.order))
            check_unique_ids(ranked[1:].filter(pc.equal(ranked[1:], ranked[:-1])).to_pylist())
        return self

    @property
    def source_names(self) -> list[str]:
        """The furniture sources, by number."""
        return list(self.sources)

    def among(self, ids) -> np.ndarray:
        """Whether each document (by position) is one of ``ids``."""
        chosen = pc.is_in(self.doc_id, value_set=pa.array(list(ids), pa.string()))
        return pc.fill_null(chosen, False).to_numpy(zero_copy_only=False)

    def members(self, positions: np.ndarray, index: np.ndarray) -> pd.DataFrame:
        """doc_id, pub_date and n_chars of the documents at ``positions`` (indexed by ``index``), as
        :func:`analysis.corpus.near_duplicates.near_duplicate_table` takes them."""
        return pd.DataFrame({"doc_id": pd.array(self.doc_id.take(pa.array(positions)).to_pylist(), dtype="string"),
                             "pub_date": pd.to_datetime(self.days[positions], unit="D"),
                             "n_chars": self.n_chars[positions]},
                            index=index)

    def source_files(self, ids: set[str]) -> pd.Series:
        """doc_id → source_file of the documents ``ids``."""
        chosen = pa.array(self.among(ids))
        return pd.Series(self.source_file.filter(chosen).to_pylist(), index=self.doc_id.filter(chosen).to_pylist(),
                         dtype=object)
