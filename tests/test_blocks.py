"""Documents × terms counts in row blocks (analysis/stats/blocks.py): every statistic read block by
block equals the one read from the whole matrix, and the blocks on disk hold what was counted."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import sparse

from analysis.stats.blocks import BlockWriter, DocTerms, column_sums, documents_with, group_totals
from analysis.stats.inference import group_sums, lumps, score_trend_test


def _blocks_of(m: sparse.csr_matrix, cuts: list[int], folder=None) -> DocTerms:
    """``m`` split at the rows ``cuts``, written through a BlockWriter (to disk when ``folder``)."""
    n = m.shape[0]
    writer = BlockWriter(n, block_cells=1, folder=folder)
    coo = m.tocoo()
    order = np.lexsort((coo.col, coo.row))
    rows = np.repeat(coo.row[order], coo.data[order].astype(int))
    cols = np.repeat(coo.col[order], coo.data[order].astype(int))
    for a, b in zip([0, *cuts], [*cuts, n]):
        keep = (rows >= a) & (rows < b)
        writer.add(rows[keep], cols[keep])
        writer.boundary(b)
    return writer.finish(np.arange(m.shape[1]))


def _counts(seed: int, n: int = 60, v: int = 25) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = rng.negative_binomial(1, 0.7, size=(n, v)) * (rng.random((n, v)) < 0.3)
    dense[rng.integers(0, n), 3] = 40          # a lumpy term: one document says it forty times
    return sparse.csr_matrix(dense.astype(float))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(1, 59), max_size=6, unique=True))
def test_every_statistic_over_blocks_equals_the_whole_matrix(seed, cuts, tmp_path_factory):
    m = _counts(seed)
    dt = _blocks_of(m, sorted(cuts), tmp_path_factory.mktemp("blocks"))
    assert dt.n_blocks <= len(cuts) + 1   # a block closes once it has a count: rows without any join the next
    np.testing.assert_array_equal(dt.to_csr().toarray(), m.toarray())
    rng = np.random.default_rng(seed + 1)
    groups = rng.integers(-1, 4, size=m.shape[0])
    e = np.asarray(m.sum(axis=1)).ravel() + rng.integers(1, 30, size=m.shape[0])
    a, b = group_sums(groups, 4, dt, e), group_sums(groups, 4, m, e)
    for field in a.__dataclass_fields__:
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-12, err_msg=field)
    assert [None if x is None else x.tolist() for x in lumps(dt)] == \
           [None if x is None else x.tolist() for x in lumps(m)]
    t = rng.integers(0, 8, size=m.shape[0]).astype(float)
    one, many = score_trend_test(m, e, t), score_trend_test(dt, e, t)
    np.testing.assert_allclose(many["t"], one["t"], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(many["p"], one["p"], rtol=1e-9, atol=1e-12)
    Y, D = group_totals(groups, 4, dt)
    keep = groups >= 0
    for g in range(4):
        np.testing.assert_array_equal(Y[g], m[np.flatnonzero(groups == g)].sum(axis=0).A1)
        np.testing.assert_array_equal(D[g], (m[np.flatnonzero(groups == g)] > 0).sum(axis=0).A1)
    assert keep.any()


def test_selections_of_rows_and_columns_read_only_what_they_select(tmp_path):
    m = _counts(7)
    dt = _blocks_of(m, [10, 25, 40], tmp_path)
    rows = np.array([3, 11, 12, 39, 41, 59])
    cols = np.array([0, 3, 7])
    np.testing.assert_array_equal(dt[rows][:, cols].toarray(), m[rows][:, cols].toarray())
    mask = np.zeros(m.shape[0], bool)
    mask[[1, 30, 31]] = True
    np.testing.assert_array_equal(dt[mask].toarray(), m[np.flatnonzero(mask)].toarray())
    assert dt[rows][:, cols].shape == (6, 3)
    np.testing.assert_array_equal(column_sums(dt[rows]), m[rows].sum(axis=0).A1)
    np.testing.assert_array_equal(documents_with(dt[:, cols]), (m[:, cols] > 0).sum(axis=0).A1)
    np.testing.assert_array_equal(dt.row_sums(), m.sum(axis=1).A1)
    # a selection between block boundaries reads only the blocks it touches
    assert [start for start, _ in dt[np.array([12, 13])].blocks()] == [0]
    with pytest.raises(ValueError, match="increasing"):
        dt[np.array([5, 2])]


def test_documents_without_counts_at_the_end_close_an_empty_block(tmp_path):
    writer = BlockWriter(5, block_cells=1, folder=tmp_path)
    writer.add(np.array([0, 1]), np.array([0, 0]))
    writer.boundary(2)                               # rows 2-4: no token
    dt = writer.finish(np.array([0]))
    assert dt.n_blocks == 2
    np.testing.assert_array_equal(dt.toarray().ravel(), [1, 1, 0, 0, 0])


def test_pairs_out_of_row_order_make_one_matrix_in_memory(tmp_path):
    writer = BlockWriter(4, block_cells=1, folder=tmp_path)
    writer.add(np.array([0, 0, 1]), np.array([0, 1, 1]))
    writer.boundary(2)
    writer.add(np.array([3, 1]), np.array([0, 0]))   # row 1 again, after row 3
    writer.boundary(4)
    dt = writer.finish(np.array([1, 0]))             # term ids renumbered: 0 → column 1, 1 → column 0
    assert dt.n_blocks == 1 and not list(tmp_path.glob("*.npy"))
    np.testing.assert_array_equal(dt.toarray(), [[1, 1], [1, 1], [0, 0], [0, 1]])


def test_lumpy_counts_hold_no_block_alive(tmp_path):
    """A lumpy term's counts are their own small array: not views into a block's counts, which would
    keep every block that had a rare term in memory (at a million documents, most of the matrix)."""
    rng = np.random.default_rng(3)
    n, v = 400, 60
    dense = rng.poisson(2.0, size=(n, v)) * (rng.random((n, v)) < 0.8)   # common terms: many documents
    dense[:, 50:] = 0
    for j in range(50, 60):                                            # rare, lumpy terms: one document each
        dense[rng.integers(0, n), j] = 30
    m = sparse.csr_matrix(dense.astype(float))
    dt = _blocks_of(m, list(range(40, n, 40)), tmp_path)
    found = lumps(dt)
    assert all(found[j] is not None for j in range(50, 60))
    assert [None if x is None else x.tolist() for x in found] == [None if x is None else x.tolist() for x in lumps(m)]
    held = {id(x.base if x.base is not None else x): (x.base if x.base is not None else x).nbytes
            for x in found if x is not None}
    assert sum(held.values()) <= 8 * sum(len(x) for x in found if x is not None)
