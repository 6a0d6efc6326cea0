"""The memory budget: how large the partitions of the statistics stages are.

``run.memory_gb`` in tifa.toml (``--memory`` on the command line; 4 by default) is the memory a run
plans for. The stages that stream a corpus take their partition sizes from it here, so that what
they hold at once grows with the budget, not with the corpus: the documents × terms counts of the
keywords stage in blocks of :func:`block_cells` counts, the texts in slices of :func:`text_batch`
documents, the statistics' dense blocks and tests in partitions of :func:`statistics_cells`. A
smaller budget makes more, smaller partitions; the results are the same (sums over partitions may
differ in the last floating-point digits).
"""
from __future__ import annotations

GB = 2 ** 30

#: what a partition may take of the budget: the rest is the libraries, the per-group statistics,
#: the workers and the copies that numpy and scipy make while they compute
SHARE = 1 / 16


def memory_gb(cfg) -> float:
    return float(cfg.run.memory_gb)


def block_cells(cfg) -> int:
    """(document, term) counts per block of a documents × terms matrix: about 64 bytes each while a
    block is built and used (its pairs, the CSR matrix, the selections of rows and columns)."""
    return max(200_000, int(memory_gb(cfg) * GB * SHARE / 64))


def text_batch(cfg) -> int:
    """Documents per slice of texts (:func:`analysis.corpus.documents_table.document_texts`): a news
    item or a speech is a few kilobytes in memory with its row; 20,000 at the default budget."""
    return max(1_000, int(memory_gb(cfg) * 5_000))


def statistics_cells(cfg) -> dict:
    """The partitions of the statistics (:data:`analysis.stats.blocks.CELLS`) at this budget: a sparse
    matrix made dense a 32nd of the budget at a time (2²⁴ float64 cells, 128 MB, at 4 GB); the
    document-level tests on one cell per 4 KB of the budget at a time (2²⁰ groups × terms at 4 GB,
    about 25 float64 arrays of that size alive: 200 MB). Smaller partitions give the same tests to
    the last digit (the beta-binomial tails are summed in order, a term's dispersion is moderated
    across all the terms before the partitions): at a million documents the tests' partitions were
    the stage's peak at a fifth of the budget."""
    cells = memory_gb(cfg) * GB / 8
    return {"dense": max(1 << 16, int(cells / 32)), "test": max(1 << 14, int(cells / 512))}


def releasing(items, every: int = 25):
    """``items`` as they come, with :func:`release_memory` after every ``every``-th item and at the
    end: a pass over many batches hands back what their conversions left with the allocators as it
    goes, not once at its end."""
    for n, item in enumerate(items, start=1):
        yield item
        if n % every == 0:
            release_memory()
    release_memory()


def release_memory() -> None:
    """Hand memory freed by a pass back to the system before the next pass starts, so that the
    passes' peaks do not stack: Arrow's pool and, on glibc, the C heap (numpy's and Python's
    freed blocks, which glibc otherwise keeps)."""
    import ctypes

    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass
