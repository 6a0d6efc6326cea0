"""A corpus build's temporary files: the documents read so far, as row groups of a Parquet file in the
order they were read, and their MinHash signatures, a block per row group; both read back a row group,
a set of rows or a few signature positions at a time, so that the build holds no corpus's texts."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


class DocumentSpill:
    """Documents (Arrow record batches) appended to ``path`` one row group each, then read back."""

    #: row groups kept after a read: rows taken in doc_id order come from a few neighbouring groups
    CACHED = 4

    def __init__(self, path: Path):
        self.path = Path(path)
        self.starts = [0]              # first row of each row group, and the number of rows last
        self._writer: pq.ParquetWriter | None = None
        self._file: pq.ParquetFile | None = None
        self._cache: OrderedDict = OrderedDict()

    def append(self, batch: pa.RecordBatch) -> None:
        if not batch.num_rows:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, batch.schema)
        self._writer.write_batch(batch, row_group_size=batch.num_rows)
        self.starts.append(self.starts[-1] + batch.num_rows)

    def close(self) -> None:
        """Finish writing: the spill is read from here on."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._file = pq.ParquetFile(self.path)

    def discard(self) -> None:
        """Close the file, written or not (it can then be deleted)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._file is not None:
            self._file.close()
            self._file = None
        self._cache.clear()

    def groups_of(self, positions: np.ndarray) -> np.ndarray:
        """The row group of each row position."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def row_groups(self, wanted: np.ndarray, columns: list[str]):
        """(first row, table of ``columns``) of each row group that holds a ``wanted`` row (a mask of
        the row positions), in order."""
        for g in np.unique(self.groups_of(np.flatnonzero(wanted))):
            yield self.starts[g], self._file.read_row_group(int(g), columns=columns)

    def take(self, positions: np.ndarray) -> pa.Table:
        """The rows at ``positions``, in that order."""
        groups = self.groups_of(positions)
        pieces, where = [], []
        for g in np.unique(groups):
            chosen = np.flatnonzero(groups == g)
            pieces.append(self._group(int(g)).take(positions[chosen] - self.starts[g]))
            where.append(chosen)
        table = pa.concat_tables(pieces)
        placed = np.concatenate(where)
        if np.all(placed[1:] > placed[:-1]):
            return table
        return table.take(np.argsort(placed))

    def _group(self, g: int) -> pa.Table:
        if g not in self._cache:
            self._cache[g] = self._file.read_row_group(g)
            while len(self._cache) > self.CACHED:
                self._cache.popitem(last=False)
        self._cache.move_to_end(g)
        return self._cache[g]


class SignatureStore:
    """MinHash signatures (uint32, ``num_perm`` positions) on disk, a block per row group of the
    :class:`DocumentSpill`, each block position-major, so that a few positions of every document are
    read as a few contiguous pieces per block."""

    def __init__(self, path: Path, num_perm: int):
        self.path, self.num_perm = Path(path), num_perm
        self._blocks: list[tuple[int, int]] = []   # (byte offset, documents) of each block
        self._file = open(self.path, "w+b")

    def append(self, signature: np.ndarray) -> None:
        """The signatures of the next row group's documents (documents × positions)."""
        if not len(signature):
            return
        offset = self._blocks[-1][0] + self._blocks[-1][1] * 4 * self.num_perm if self._blocks else 0
        self._file.seek(offset)
        self._file.write(np.ascontiguousarray(signature.T, dtype=np.uint32).tobytes())
        self._blocks.append((offset, len(signature)))

    def block(self, g: int) -> np.ndarray:
        """The signatures of row group ``g`` (documents × positions)."""
        offset, n = self._blocks[g]
        return self._read(offset, n * self.num_perm).reshape(self.num_perm, n).T

    def replace(self, g: int, signature: np.ndarray) -> None:
        """New signatures for the documents of row group ``g``."""
        offset, n = self._blocks[g]
        if signature.shape != (n, self.num_perm):
            raise ValueError(f"block {g} holds {n} signatures, not {signature.shape[0]}")
        self._file.seek(offset)
        self._file.write(np.ascontiguousarray(signature.T, dtype=np.uint32).tobytes())

    def positions(self, lo: int, hi: int) -> np.ndarray:
        """Positions ``lo`` to ``hi`` of every document's signature (documents × (hi − lo))."""
        out = np.empty((hi - lo, sum(n for _, n in self._blocks)), dtype=np.uint32)
        start = 0
        for offset, n in self._blocks:
            out[:, start:start + n] = self._read(offset + lo * n * 4, (hi - lo) * n).reshape(hi - lo, n)
            start += n
        return out.T

    def rows(self, rows: np.ndarray) -> "SignatureRows":
        """The signatures of the documents at ``rows`` (positions in the spill), in that order."""
        return SignatureRows(self, rows)

    def close(self) -> None:
        self._file.close()

    def _read(self, offset: int, count: int) -> np.ndarray:
        self._file.seek(offset)
        return np.frombuffer(self._file.read(count * 4), dtype=np.uint32)


class SignatureRows:
    """Some documents' signatures as :func:`analysis.corpus.near_duplicates.clusters` reads them: its
    ``shape``, and ``[:, lo:hi]``, a few positions of every one of them, read from the store."""

    def __init__(self, store: SignatureStore, rows: np.ndarray):
        self.store, self.rows = store, rows
        self.shape = (len(rows), store.num_perm)

    def __getitem__(self, key) -> np.ndarray:
        rows, cols = key
        if rows != slice(None) or not isinstance(cols, slice) or cols.step not in (None, 1):
            raise IndexError("SignatureRows reads [:, lo:hi] only")
        lo, hi, _ = cols.indices(self.store.num_perm)
        return self.store.positions(lo, hi)[self.rows]
