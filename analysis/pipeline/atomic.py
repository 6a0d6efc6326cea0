"""Atomic writes: every output is written to a temporary file beside it, then renamed.

An interrupted run therefore leaves either the previous file or the new one, never half a file.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask



@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it onto the target."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates files readable by their owner only (0600); outputs get the usual permissions
    # (0666 less the umask, as ``open`` gives), so others on a shared server can read the figures
    os.chmod(tmp_path, 0o666 & ~_umask())
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes(target: str | Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return write_bytes(target, text.encode("utf-8"))


#: rows per Parquet row group of the stages' tables (the analyses read them a row group at a time)
ROW_GROUP = 1000


#: rows of a DataFrame made into Arrow at a time by :func:`write_parquet`
CHUNK = 50_000


def write_parquet(target: str | Path, frame, row_group_size: int = ROW_GROUP, chunk: int = CHUNK) -> Path:
    """Write a DataFrame to Parquet atomically, without the pandas index, in row groups of
    ``row_group_size`` rows so that readers can stream it batch by batch. The bytes of
    ``frame.to_parquet``; a frame of more than ``chunk`` rows is made into Arrow a chunk at a time
    (a column that repeats one long text, such as a statistics table's method sentence, is one
    object in pandas and a copy per row in Arrow: half a million rows of it took a gigabyte at once),
    unless a chunk's Arrow types differ from the first's (a column missing throughout it): then whole."""
    with atomic_path(target) as tmp:
        if len(frame) <= chunk or not _write_chunks(tmp, frame, row_group_size, chunk):
            frame.to_parquet(tmp, index=False, row_group_size=row_group_size)
    return Path(target)


def _write_chunks(path: Path, frame, row_group_size: int, chunk: int) -> bool:
    """:func:`write_parquet` a chunk at a time; False (the file left to be rewritten) when a chunk's
    schema differs from the first's."""
    import pyarrow.parquet as pq

    if frame.attrs:   # pandas keeps them in the schema's metadata: written whole
        return False
    writer = None
    try:
        for table in arrow_chunks(frame, row_group_size, chunk):
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="snappy")
            elif not table.schema.equals(writer.schema, check_metadata=True):
                return False
            writer.write_table(table, row_group_size=row_group_size)
        return True
    finally:
        if writer is not None:
            writer.close()


def whole_row_groups(row_group_size: int, chunk: int) -> int:
    """About ``chunk`` rows, as a whole number of row groups (at least one)."""
    return max(row_group_size, chunk // row_group_size * row_group_size)


def arrow_chunks(frame, row_group_size: int = ROW_GROUP, chunk: int = CHUNK):
    """``frame`` made into Arrow tables of about ``chunk`` rows (whole row groups), one at a time;
    one empty table for an empty frame (its schema)."""
    import pyarrow as pa

    step = whole_row_groups(row_group_size, chunk)
    for at in range(0, max(len(frame), 1), step):
        yield pa.Table.from_pandas(frame.iloc[at:at + step], preserve_index=False)


def write_parquet_parts(target: str | Path, frames, row_group_size: int = ROW_GROUP, chunk: int = CHUNK) -> Path:
    """Write the successive DataFrames ``frames`` (at least one; the same columns) to one Parquet
    table atomically, each made into Arrow a chunk at a time and let go before the next is made: a
    table too large to hold. Each frame goes through :func:`stable_strings`; a column that a frame
    has only missing values in takes the first frame's type. The rows are those of the frames
    concatenated; the row groups break where a frame ends."""
    import pyarrow.parquet as pq

    with atomic_path(target) as tmp:
        writer = None
        try:
            for frame in frames:
                for table in arrow_chunks(stable_strings(frame), row_group_size, chunk):
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, table.schema, compression="snappy")
                    elif not table.schema.equals(writer.schema):
                        table = table.cast(writer.schema)
                    if table.num_rows:
                        writer.write_table(table, row_group_size=row_group_size)
                del frame, table   # let go before the next frame is made
            if writer is None:
                raise ValueError(f"{Path(target).name}: no frame to write")
        finally:
            if writer is not None:
                writer.close()
    return Path(target)


def stable_strings(frame):
    """A copy whose object columns holding only strings (or missing values) have the pandas string
    type, so that Parquet column types do not depend on which rows happen to be missing."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: v is None or isinstance(v, str) or v != v).all():
            frame[col] = frame[col].astype("string")
    return frame
