"""Documents × terms counts in row blocks: what the statistics read instead of one matrix.

A corpus's counts are built as blocks of consecutive documents (:class:`BlockWriter`): one block held
in memory for a corpus that fits the memory budget, else blocks written to a folder as they are
built and read back one at a time. :class:`DocTerms` selects rows and columns without copying (as
``dtm[rows][:, cols]`` would) and the statistics stream its blocks (:func:`row_blocks`): sums per
group (:func:`group_totals`, :func:`analysis.stats.inference.group_sums`), column totals, documents
with a term, the lumpy terms' document counts. A scipy matrix is one block, so the same functions serve
both; with one block their arithmetic is the arithmetic of the whole matrix.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class _Block:
    start: int                                    # its first document (row of the whole matrix)
    stop: int
    matrix: sparse.csr_matrix | None = None       # held in memory, or
    path: Path | None = None                      # written to disk (.npz)

    def load(self) -> sparse.csr_matrix:
        return self.matrix if self.matrix is not None else sparse.load_npz(self.path).tocsr()


class DocTerms:
    """Documents × terms counts in row blocks, with a lazy selection of rows and columns.

    ``dt[rows]`` (increasing positions or a boolean mask) and ``dt[:, cols]`` give selections that
    hold no counts; ``row_blocks(dt)`` reads the selected counts a block at a time; ``to_csr()`` (or
    ``toarray()``) makes one matrix of them, for selections small enough to hold."""

    def __init__(self, blocks: list[_Block], n_rows: int, n_cols: int, rows: np.ndarray | None = None,
                 cols: np.ndarray | None = None):
        self._blocks, self._n_rows, self._n_cols = blocks, n_rows, n_cols
        self._rows, self._cols = rows, cols

    @classmethod
    def of(cls, matrix) -> "DocTerms":
        """One block: ``matrix`` itself."""
        matrix = sparse.csr_matrix(matrix)
        return cls([_Block(0, matrix.shape[0], matrix)], *matrix.shape)

    @property
    def shape(self) -> tuple[int, int]:
        return (self._n_rows if self._rows is None else len(self._rows),
                self._n_cols if self._cols is None else len(self._cols))

    @property
    def n_blocks(self) -> int:
        return len(self._blocks)

    def __getitem__(self, key) -> "DocTerms":
        if isinstance(key, tuple):
            rows, cols = key
        else:
            rows, cols = key, slice(None)
        out = self
        if not (isinstance(rows, slice) and rows == slice(None)):
            out = out._select_rows(rows)
        if not (isinstance(cols, slice) and cols == slice(None)):
            out = out._select_cols(cols)
        return out

    def _select_rows(self, rows) -> "DocTerms":
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        rows = rows.astype(np.int64)
        if len(rows) > 1 and not (np.diff(rows) > 0).all():
            raise ValueError("DocTerms: rows are selected in increasing order")
        rows = rows if self._rows is None else self._rows[rows]
        return DocTerms(self._blocks, self._n_rows, self._n_cols, rows, self._cols)

    def _select_cols(self, cols) -> "DocTerms":
        cols = np.asarray(cols, dtype=np.int64) if not isinstance(cols, range) else np.arange(
            cols.start, cols.stop, cols.step, dtype=np.int64)
        cols = cols if self._cols is None else self._cols[cols]
        return DocTerms(self._blocks, self._n_rows, self._n_cols, self._rows, cols)

    def blocks(self):
        """(position of the block's first selected row in the selection, its selected counts as CSR),
        block by block; blocks without a selected row are not read."""
        offset = 0
        for block in self._blocks:
            if self._rows is None:
                local = None
            else:
                lo, hi = np.searchsorted(self._rows, [block.start, block.stop])
                if lo == hi:
                    continue
                local = self._rows[lo:hi] - block.start
            X = block.load()
            if local is not None and not (len(local) == X.shape[0]):
                X = X[local]
            if self._cols is not None:
                X = X[:, self._cols]
            yield offset, X
            offset += X.shape[0]

    def to_csr(self) -> sparse.csr_matrix:
        parts = [X for _, X in self.blocks()]
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return sparse.csr_matrix(self.shape)
        return sparse.vstack(parts, format="csr")

    def toarray(self) -> np.ndarray:
        return self.to_csr().toarray()

    def row_sums(self) -> np.ndarray:
        """Each selected row's total (a document's length in tokens)."""
        return np.concatenate([np.asarray(X.sum(axis=1)).ravel() for _, X in self.blocks()] or [np.zeros(0)])


def dense(X) -> np.ndarray:
    """``X`` (sparse or dense) as a dense float array."""
    return X.toarray().astype(float, copy=False) if sparse.issparse(X) else np.asarray(X, dtype=float)


#: The partitions of the statistics, in cells (float64 values): ``dense``, how much of a sparse matrix is
#: made dense at a time where a statistic needs its columns dense (:func:`column_blocks`; 128 MB);
#: ``test``, the groups × terms :func:`analysis.stats.inference.rate_test` works on at a time after the
#: dispersion (about 25 arrays of that size are alive at once: 200 MB). These are the sizes at the default
#: memory budget; a stage sets its own from ``run.memory_gb`` with :func:`partitions`
#: (:func:`analysis.pipeline.budget.statistics_cells`).
CELLS = {"dense": 1 << 24, "test": 1 << 20}
_CELLS: ContextVar[dict] = ContextVar("statistics_partitions", default=CELLS)


@contextmanager
def partitions(cells: dict):
    """The statistics computed inside the block use partitions of ``cells`` (keys as :data:`CELLS`)."""
    token = _CELLS.set({**CELLS, **cells})
    try:
        yield
    finally:
        _CELLS.reset(token)


def partition_cells(kind: str) -> int:
    """The cells of a partition of ``kind`` (``dense`` or ``test``) in force."""
    return _CELLS.get()[kind]


def column_blocks(X, cells: int | None = None):
    """(columns, dense block) of ``X`` a few columns at a time, each block at most ``cells`` cells
    (at least one column; default: the ``dense`` partition in force): a sparse matrix's columns made
    dense without making it dense whole."""
    cells = cells or partition_cells("dense")
    if X.shape[0] * X.shape[1] <= cells:   # one block: no column slicing
        yield slice(0, X.shape[1]), dense(X)
        return
    X = sparse.csc_matrix(X) if sparse.issparse(X) else np.asarray(X, dtype=float)
    width = max(1, cells // max(X.shape[0], 1))
    for start in range(0, X.shape[1], width):
        cols = slice(start, min(start + width, X.shape[1]))
        yield cols, dense(X[:, cols])


def row_blocks(X):
    """(first row, CSR counts) of each block of ``X``: a :class:`DocTerms`' blocks, or a matrix
    (sparse or dense) as one block."""
    if isinstance(X, DocTerms):
        yield from X.blocks()
    else:
        yield 0, X.tocsr() if sparse.issparse(X) else sparse.csr_matrix(X)


def column_sums(X) -> np.ndarray:
    """Each column's total over the rows of ``X``."""
    out = np.zeros(X.shape[1])
    for _, B in row_blocks(X):
        out += np.asarray(B.sum(axis=0)).ravel()
    return out


def documents_with(X) -> np.ndarray:
    """How many rows of ``X`` have a non-zero count in each column."""
    out = np.zeros(X.shape[1], dtype=np.int64)
    for _, B in row_blocks(X):
        out += np.asarray((B > 0).sum(axis=0)).ravel()
    return out


def group_totals(codes: np.ndarray, n_groups: int, X, with_docs: bool = True, with_sums: bool = True
                 ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Groups × columns: the counts' sums (with ``with_sums``), and how many documents use each term
    (with ``with_docs``), ``codes`` being each row's group (0..n_groups-1, −1 for none)."""
    codes = np.asarray(codes)
    Y = np.zeros((n_groups, X.shape[1])) if with_sums else None
    D = np.zeros((n_groups, X.shape[1])) if with_docs else None
    for start, B in row_blocks(X):
        c = codes[start:start + B.shape[0]]
        keep = np.flatnonzero(c >= 0)
        M = sparse.csr_matrix((np.ones(len(keep)), (c[keep], keep)), shape=(n_groups, B.shape[0]))
        if with_sums:
            Y += (M @ B).toarray()
        if with_docs:
            used = sparse.csr_matrix((np.ones(B.nnz), B.indices, B.indptr), shape=B.shape)
            used.data[B.data == 0] = 0
            D += (M @ used).toarray()
    return Y, D


class BlockWriter:
    """Builds a :class:`DocTerms` from (row, term id) pairs that come in row order, each pair one
    count. With a ``folder``, a block is closed at a row boundary once it has ``block_cells`` pairs
    and written there at once (term ids as they came; renumbered by :meth:`finish`), so that only
    the open block is in memory; without one, or for a corpus of one block, the counts are one
    matrix in memory. Pairs out of row order make one matrix of everything, in memory."""

    def __init__(self, n_rows: int, block_cells: int, folder: Path | None = None):
        self.n_rows, self.block_cells, self.folder = n_rows, block_cells, folder
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._cells = 0
        self._start = 0            # first row of the open block
        self._last = -1            # the last row seen
        self._raw: list[tuple[int, int, Path]] = []   # closed blocks: rows, file of (row, term id) pairs
        self.ordered = True

    def add(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """One count per pair of ``rows`` and term ids ``cols``."""
        if not len(rows):
            return
        if rows[0] < self._last or (len(rows) > 1 and (np.diff(rows) < 0).any()):
            self.ordered = False
        self._last = max(self._last, int(rows[-1]))
        self._rows.append(np.asarray(rows, dtype=np.int64))
        self._cols.append(np.asarray(cols, dtype=np.int64))
        self._cells += len(rows)

    def boundary(self, next_row: int) -> None:
        """Every pair of the rows before ``next_row`` is in: close the open block if it is full."""
        if self.ordered and self.folder is not None and self._cells >= self.block_cells and next_row > self._start:
            self._close(next_row)

    def _close(self, stop: int) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"pairs-{len(self._raw):05d}.npy"
        rows, cols = self._pending()   # none when the last documents have no token
        np.save(path, np.vstack([rows - self._start, cols]))
        self._raw.append((self._start, stop, path))
        self._rows, self._cols, self._cells, self._start = [], [], 0, stop

    def _pending(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.concatenate(self._rows) if self._rows else np.zeros(0, np.int64),
                np.concatenate(self._cols) if self._cols else np.zeros(0, np.int64))

    def finish(self, rank: np.ndarray) -> DocTerms:
        """The counts, term ids renumbered by ``rank`` (term id → its column)."""
        n_cols = len(rank)
        if not self._raw or not self.ordered:  # one matrix in memory
            rows, cols = self._pending()
            for start, _, path in self._raw:
                pairs = np.load(path)
                rows, cols = np.concatenate([rows, pairs[0] + start]), np.concatenate([cols, pairs[1]])
                path.unlink()
            m = sparse.csr_matrix((np.ones(len(rows)), (rows, rank[cols] if len(cols) else cols)),
                                  shape=(self.n_rows, n_cols))
            m.sum_duplicates()
            return DocTerms([_Block(0, self.n_rows, m)], self.n_rows, n_cols)
        if self._start < self.n_rows:
            self._close(self.n_rows)
        blocks = []
        for i, (start, stop, path) in enumerate(self._raw):
            pairs = np.load(path)
            m = sparse.csr_matrix((np.ones(pairs.shape[1]), (pairs[0], rank[pairs[1]])), shape=(stop - start, n_cols))
            m.sum_duplicates()
            out = self.folder / f"block-{i:05d}.npz"
            sparse.save_npz(out, m, compressed=False)
            path.unlink()
            blocks.append(_Block(start, stop, path=out))
        return DocTerms(blocks, self.n_rows, n_cols)
