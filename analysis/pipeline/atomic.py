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


def write_parquet(target: str | Path, frame, row_group_size: int = ROW_GROUP) -> Path:
    """Write a DataFrame to Parquet atomically, without the pandas index, in row groups of
    ``row_group_size`` rows so that readers can stream it batch by batch."""
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False, row_group_size=row_group_size)
    return Path(target)


def write_arrow(target: str | Path, table) -> Path:
    """Write an Arrow table to Parquet atomically (one row group), its schema's metadata kept."""
    import pyarrow.parquet as pq

    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, row_group_size=max(1, table.num_rows))
    return Path(target)


def stable_strings(frame):
    """A copy whose object columns holding only strings (or missing values) have the pandas string
    type, so that Parquet column types do not depend on which rows happen to be missing."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object and frame[col].map(lambda v: v is None or isinstance(v, str) or v != v).all():
            frame[col] = frame[col].astype("string")
    return frame
