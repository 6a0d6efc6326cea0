"""A table too large to hold, written sorted: its rows come a batch at a time, wait on disk as sorted
runs, and are merged into one Parquet file a chunk at a time.

The file has the bytes :func:`analysis.pipeline.atomic.write_parquet` writes for the whole table, its
batches concatenated in the order added and sorted stably by the keys
(``pd.concat(batches).sort_values(keys, kind="stable")`` through :func:`atomic.stable_strings`):
what the slogans stage's concordance was when it was held whole (1.9 million quoted passages at a
million documents). Memory: the keys of every row (Arrow strings) and one chunk of rows.

The merge uses that a stable sort of sorted runs takes, for any prefix of its output, a prefix of
each run: an output chunk is a contiguous slice of every run, read from a memory-mapped Arrow file.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import atomic

#: rows merged and written at a time (a multiple of the row group, so that the row groups are the
#: whole table's)
CHUNK = 20_000


class SortedRuns:
    """``add(frame)`` for each batch (any order of rows: each is sorted stably by ``keys``, which
    must not be missing), then ``write()`` once: the table ``target``. The runs wait in a temporary
    folder beside it (removed by ``write`` or ``discard``; one a killed run left there for the same
    target, by the next: one run at a time writes a data folder, :mod:`analysis.pipeline.lock`), so
    that a stage may write several tables this way at once."""

    def __init__(self, target: str | Path, keys: list[str], empty: pd.DataFrame):
        self.target = Path(target)
        prefix = f".{self.target.name}.runs."
        for left in self.target.parent.glob(f"{prefix}*"):
            shutil.rmtree(left, ignore_errors=True)
        self.keys, self.empty = list(keys), empty
        self._folder = Path(tempfile.mkdtemp(prefix=prefix, dir=self.target.parent))
        self._runs: list[Path] = []
        self._run_keys: list[pa.Table] = []
        self._schema: pa.Schema | None = None

    def add(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        if frame[self.keys].isna().any().any():
            raise ValueError(f"sorted runs: a row without its {' or '.join(self.keys)}")
        frame = atomic.stable_strings(frame.sort_values(self.keys, kind="stable").reset_index(drop=True))
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._schema is None:
            self._schema = table.schema
        elif not table.schema.equals(self._schema, check_metadata=True):
            raise ValueError(f"sorted runs: a batch's columns differ from the first's ({table.schema} against "
                             f"{self._schema})")
        path = self._folder / f"{len(self._runs):05d}.arrow"
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        self._runs.append(path)
        self._run_keys.append(table.select(self.keys))

    def write(self, row_group_size: int = atomic.ROW_GROUP, chunk: int = CHUNK) -> Path:
        """Merge the runs into the target (atomically) and remove them; returns the target."""
        import pyarrow.parquet as pq

        target = self.target
        try:
            if not self._runs:
                return atomic.write_parquet(target, atomic.stable_strings(self.empty), row_group_size)
            chunk = atomic.whole_row_groups(row_group_size, chunk)
            sizes = np.array([t.num_rows for t in self._run_keys])
            starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
            keys = pa.concat_tables(self._run_keys)
            self._run_keys = []
            order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in self.keys]).to_numpy().astype(np.int64)
            del keys
            run_of = np.repeat(np.arange(len(sizes)), sizes)
            taken = np.zeros(len(sizes), np.int64)  # rows of each run already written
            with atomic.atomic_path(target) as tmp, pq.ParquetWriter(tmp, self._schema, compression="snappy") as out:
                for at in range(0, len(order), chunk):
                    rows = order[at:at + chunk]
                    runs = run_of[rows]
                    counts = np.bincount(runs, minlength=len(sizes))
                    # each run's part of this chunk is its next counts[r] rows; their places in the
                    # concatenation of those parts (in run order) give the chunk's order
                    offsets = (np.cumsum(counts) - counts).astype(np.int64)
                    local = offsets[runs] + (rows - starts[runs] - taken[runs])
                    parts = [self._slice(r, taken[r], counts[r]) for r in np.flatnonzero(counts)]
                    out.write_table(pa.concat_tables(parts).take(pa.array(local)), row_group_size=row_group_size)
                    taken += counts
            return Path(target)
        finally:
            self.discard()

    def _slice(self, run: int, start: int, n: int) -> pa.Table:
        with pa.memory_map(str(self._runs[run])) as source:
            return pa.ipc.open_file(source).read_all().slice(start, n)

    def discard(self) -> None:
        """Remove the runs (a stage that fails before writing leaves nothing behind)."""
        self._runs, self._run_keys = [], []
        shutil.rmtree(self._folder, ignore_errors=True)
