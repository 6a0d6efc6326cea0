"""Writing figures and tables: atomic, byte-identical on rerun, in every format a paper needs.

Figures: PDF and PNG (300 dpi by default) with no creation date in the metadata. Tables: CSV, LaTeX
(booktabs) and Markdown.
"""
from __future__ import annotations

import io
import math
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from ..pipeline import atomic
from ..pipeline.parquet_files import parquet_file

_META = {
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "tifa"},
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": "tifa"},
}


def save_figure(fig, name: str, folder: str | Path, formats=("pdf", "png"), dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``folder/name.<fmt>`` for each format; close it; return the paths."""
    import matplotlib.pyplot as plt

    paths = []
    for fmt in formats:
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_META.get(fmt))
        paths.append(atomic.write_bytes(Path(folder) / f"{name}.{fmt}", buffer.getvalue()))
    plt.close(fig)
    return paths


#: the pool of :func:`saving_in_background` while its block runs, and what to do once its figures are saved
_BACKGROUND: dict = {"pool": None, "then": []}


@contextmanager
def saving_in_background(workers: int = 2):
    """Inside the block, :func:`save_figures` hands its figures to ``workers`` processes and returns,
    so the caller draws the next figures while these are rendered (rendering, the CJK font subset of
    each PDF above all, takes most of a build's drawing time). The block ends when every figure is
    written and each call's ``then`` has run, in the order of the calls; an error in a worker is
    raised here. Nested blocks, one worker, or the Dask engine: figures are saved as they come."""
    from ..pipeline.parallel import on_dask, process_pool
    from .style import use_style

    if _BACKGROUND["pool"] is not None or workers < 2 or on_dask():
        yield
        return
    pool = process_pool(workers, initializer=use_style)
    _BACKGROUND.update(pool=pool, then=[])
    try:
        yield
        for futures, then in _BACKGROUND["then"]:
            for future in futures:
                future.result()
            then()
    except KeyboardInterrupt:
        pool.stop()
        raise
    finally:
        _BACKGROUND.update(pool=None, then=[])
        pool.shutdown(wait=True, cancel_futures=True)


def save_figures(figures: list, folder: str | Path, formats=("pdf", "png"), dpi: int = 300, workers: int = 2,
                 then: Callable[[], None] | None = None) -> None:
    """Save several ``(name, figure)``, then call ``then()``. Figures are independent, so they are
    rendered side by side in ``workers`` processes (each figure pickled across; the bytes are those
    of :func:`save_figure`); inside :func:`saving_in_background` this returns at once and ``then``
    runs when the block's figures are written."""
    import pickle

    import matplotlib.pyplot as plt

    from ..pipeline.parallel import ordered_map
    from .style import use_style

    then = then or (lambda: None)
    pool = _BACKGROUND["pool"]
    if pool is None and (len(figures) < 2 or workers < 2):
        for name, fig in figures:
            save_figure(fig, name, folder, formats, dpi)
        then()
        return
    jobs = []
    for name, fig in figures:
        jobs.append((pickle.dumps(fig), name, str(folder), tuple(formats), dpi))
        plt.close(fig)
    if pool is not None:
        _BACKGROUND["then"].append(([pool.submit(_save_pickled, job) for job in jobs], then))
        return
    for _ in ordered_map(_save_pickled, jobs, min(workers, len(jobs)), initializer=use_style):
        pass
    then()


def _save_pickled(job: tuple) -> None:
    import pickle

    data, name, folder, formats, dpi = job
    save_figure(pickle.loads(data), name, folder, formats, dpi)


#: a table longer than this is not typeset: its .tex and .md say so and point to the CSV (no
#: journal prints 100,000 rows, and typesetting them took a third of the drawing time at that size)
MAX_TYPESET_ROWS = 5000

#: rows of a streamed table made into a DataFrame at a time (some MB of a concordance's contexts)
BATCH_ROWS = 20_000


@dataclass(frozen=True)
class ParquetRows:
    """A table written straight from a stage's Parquet file a batch of rows at a time, so that a
    table of a million documents is never held whole: ``columns``, the columns read (all when
    None); ``rows``, a function from a batch's DataFrame to the rows written (a filter, columns
    chosen, reordered or filled: anything that works row by row). Its batches, written one after
    the other, make the CSV that ``read().to_csv(...)`` makes, byte for byte (tests/test_publishing_tables.py)."""
    path: Path
    columns: tuple[str, ...] | None = None
    rows: Callable[[pd.DataFrame], pd.DataFrame] | None = None

    def _file(self):
        return parquet_file(self.path)

    def file_rows(self) -> int:
        """The rows of the file (before ``rows`` filters them)."""
        return self._file().metadata.num_rows

    def read(self) -> pd.DataFrame:
        """The whole table at once (as ``pd.read_parquet`` reads it)."""
        frame = pd.read_parquet(self.path, columns=None if self.columns is None else list(self.columns))
        return self.rows(frame) if self.rows else frame

    def batches(self, size: int | None = None) -> Iterator[pd.DataFrame]:
        """The table ``size`` (default BATCH_ROWS) rows at a time, ``rows`` applied to each; at least
        one batch (an empty table's has its columns). A table with date-time columns comes whole, in
        one batch: pandas writes all of a date-time column in one format (no time when no value has one)."""
        import pyarrow as pa

        parquet = self._file()
        columns = None if self.columns is None else list(self.columns)
        schema = parquet.schema_arrow
        read = [schema.field(c) for c in (columns or schema.names)]
        if any(pa.types.is_timestamp(f.type) or pa.types.is_duration(f.type) for f in read):
            yield self.read()
            return
        empty = True
        for batch in parquet.iter_batches(batch_size=size or BATCH_ROWS, columns=columns, use_pandas_metadata=True):
            empty = False
            frame = pa.Table.from_batches([batch]).to_pandas()
            yield self.rows(frame) if self.rows else frame
        if empty:
            frame = pa.schema(read, metadata=schema.metadata).empty_table().to_pandas()
            yield self.rows(frame) if self.rows else frame

    def take(self, positions) -> pd.DataFrame:
        """The rows at ``positions`` (sorted, of the file's rows; ``rows`` is not applied), read a
        batch at a time up to the last of them."""
        import numpy as np

        positions = np.asarray(positions, dtype="int64")
        picked, start = [], 0
        for frame in ParquetRows(self.path, self.columns).batches():
            lo, hi = np.searchsorted(positions, [start, start + len(frame)])
            if hi > lo or not picked:   # the first batch even without a row: an empty result's columns
                picked.append(frame.iloc[positions[lo:hi] - start])
            start += len(frame)
            if not len(positions) or start > positions[-1]:
                break
        return pd.concat(picked, ignore_index=True)


def write_csv(table, target: str | Path, keep: int = 0) -> tuple[int, pd.DataFrame | None]:
    """Write ``table`` (a DataFrame, or :class:`ParquetRows` a batch at a time) as CSV to ``target``,
    atomically, in the bytes of ``to_csv(index=False, lineterminator="\\n")``, without holding the
    text; returns its rows and, when they are at most ``keep``, the table itself (else None)."""
    batches = table.batches() if isinstance(table, ParquetRows) else [table]
    kept: list | None = []
    n = 0
    with atomic.atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        for i, frame in enumerate(batches):
            frame.to_csv(out, index=False, header=i == 0, lineterminator="\n")
            n += len(frame)
            if kept is not None and n <= keep:
                kept.append(frame)
            else:
                kept = None
    if kept is None:
        return n, None
    return n, kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)


def save_table(frame, name: str, folder: str | Path, caption: str = "", float_digits: int = 3) -> list[Path]:
    """Save a table (a DataFrame, or :class:`ParquetRows`: a stage's table streamed from its file)
    as CSV, LaTeX (booktabs) and Markdown; return the paths. Tables of more than MAX_TYPESET_ROWS
    rows are written as CSV only, with a .tex and .md that say where they are."""
    folder = Path(folder)
    if isinstance(frame, ParquetRows) and frame.file_rows() <= MAX_TYPESET_ROWS:
        frame = frame.read()   # a short table is read whole, as it always was
    n, shown = write_csv(frame, folder / f"{name}.csv", keep=MAX_TYPESET_ROWS)
    if shown is None:
        note = f"{n:,} rows, too many to typeset (more than {MAX_TYPESET_ROWS:,}): the table is {name}.csv"
        tex, md = f"% {caption}\n% {note}\n", (f"**{caption}**\n\n" if caption else "") + f"{note}\n"
    else:
        tex, md = to_latex(shown, caption, name, float_digits), to_markdown(shown, caption, float_digits)
    return [
        folder / f"{name}.csv",
        atomic.write_text(folder / f"{name}.tex", tex),
        atomic.write_text(folder / f"{name}.md", md),
    ]


def _cell(value, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if abs(value) < 1e15 else f"{value:.3g}"
    return str(value)


_LATEX_ESCAPE = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _tex(text: str) -> str:
    return "".join(_LATEX_ESCAPE.get(ch, ch) for ch in text)


def to_latex(frame: pd.DataFrame, caption: str = "", label: str = "", digits: int = 3) -> str:
    """A booktabs table (needs \\usepackage{booktabs}; Chinese needs xeCJK or ctex)."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    spec = "".join("r" if n else "l" for n in numeric)
    lines = [r"\begin{table}[htbp]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{_tex(caption)}}}")
    if label:
        lines.append(rf"\label{{tab:{_tex(label)}}}")
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\toprule",
              " & ".join(_tex(str(c)) for c in frame.columns) + r" \\", r"\midrule"]
    for row in frame.itertuples(index=False):
        lines.append(" & ".join(_tex(_cell(v, digits)) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(lines)


def to_markdown(frame: pd.DataFrame, caption: str = "", digits: int = 3) -> str:
    def esc(s: str) -> str:
        return s.replace("|", r"\|").replace("\n", " ")

    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    out = [f"**{esc(caption)}**", ""] if caption else []
    out.append("| " + " | ".join(esc(str(c)) for c in frame.columns) + " |")
    out.append("|" + "|".join("---:" if n else ":---" for n in numeric) + "|")
    for row in frame.itertuples(index=False):
        out.append("| " + " | ".join(esc(_cell(v, digits)) for v in row) + " |")
    return "\n".join(out) + "\n"
