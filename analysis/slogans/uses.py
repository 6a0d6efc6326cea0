"""The slogans stage's counts read back as numbers, for the stages after it (cooccurrence, adoption):
each use's slogan code and its document's row, without holding a million documents' ids as strings."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..pipeline.budget import release_memory
from ..pipeline.parquet_files import parquet_batches

#: count rows read at a time
BATCH = 200_000


def slogan_uses(counts: Path, documents: Callable[[], Iterable], column: str = "n_all"
                ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``counts`` (the stage's counts.parquet) with ``column`` > 0: the slogans' names,
    each use's slogan code (into the names), its document's row among ``documents()`` (Arrow arrays
    of doc_ids, in order, concatenated; -1: not there) and its count.

    The counts list documents in the documents table's order (the slogans stage writes them slice
    by slice in that order), so each batch of counts is looked up among the few documents from
    where the last batch ended: the ids are read on as needed and let go behind. Should a batch
    find a document out of that order, or not at all, every id is looked up among all of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    names: dict[str, int] = {}
    codes, at, counted = [], [], []
    ahead = iter(documents())
    window, start = pa.array([], pa.large_string()), 0    # the documents from row ``start`` on
    in_order = True
    for part in parquet_batches(counts, batch_size=BATCH, columns=["doc_id", "slogan", column]):
        part = part.filter(pc.greater(part.column(2), 0))
        slogans = part.column(1).dictionary_encode()
        local = np.array([names.setdefault(s, len(names)) for s in slogans.dictionary.to_pylist()], np.int64)
        codes.append(local[slogans.indices.to_numpy(zero_copy_only=False)] if len(local) else np.zeros(0, np.int64))
        counted.append(part.column(2).to_numpy().astype(np.int64))
        ids = part.column(0).cast(pa.large_string())
        if not in_order or not len(ids):
            at.append(ids)
            continue
        last = ids[len(ids) - 1]
        while not pc.any(pc.equal(window, last)).as_py():   # read on to this batch's last document
            more = next(ahead, None)
            if more is None:
                break
            window = pa.concat_arrays([window, more.cast(pa.large_string())])
        found = pc.fill_null(pc.index_in(ids, value_set=window), -1).to_numpy()
        if (found < 0).any() or (np.diff(found) < 0).any():
            in_order = False
            at.append(ids)
            continue
        at.append(found + start)
        window, start = window.slice(int(found[-1])), start + int(found[-1])
    if not in_order:   # every id looked up among all the documents'
        every = pa.concat_arrays([a.cast(pa.large_string()) for a in documents()] or [pa.array([], pa.large_string())])
        at = [a if isinstance(a, np.ndarray) else pc.fill_null(pc.index_in(a, value_set=every), -1).to_numpy()
              for a in at]
    empty = np.zeros(0, np.int64)
    out = (list(names), *(np.concatenate(x).astype(np.int64, copy=False) if x else empty for x in (codes, at, counted)))
    del codes, at, counted, window
    release_memory()   # what reading the counts and ids left with the allocators
    return out
