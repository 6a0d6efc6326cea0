"""Sorted runs on disk merged into one Parquet file: the bytes of the whole table sorted and written
at once, whatever the batches, the ties and the chunk size."""
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

from analysis.pipeline import atomic
from analysis.pipeline.sorted_runs import SortedRuns

COLUMNS = ["slogan", "doc_id", "left", "n"]


def whole(batches, target, row_group_size):
    table = pd.concat(batches, ignore_index=True).sort_values(["slogan", "doc_id"], kind="stable")
    return atomic.write_parquet(target, atomic.stable_strings(table.reset_index(drop=True)), row_group_size)


rows = st.tuples(st.sampled_from(["稳中求进", "放管服", "六稳六保", "b", "a"]), st.sampled_from(["d1", "d2", "d10", "d3"]),
                 st.text(alphabet="全市经济运行 \u3000", max_size=6), st.integers(0, 9))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(rows, max_size=12), max_size=6), st.integers(1, 4), st.integers(1, 9))
def test_merged_runs_are_the_whole_tables_bytes(tmp_path_factory, batches, row_group_size, chunk):
    folder = tmp_path_factory.mktemp("runs")
    frames = [pd.DataFrame(b, columns=COLUMNS) for b in batches]
    runs = SortedRuns(folder / "merged.parquet", ["slogan", "doc_id"], pd.DataFrame(columns=COLUMNS))
    for frame in frames:
        runs.add(frame)
    runs.write(row_group_size=row_group_size, chunk=chunk * row_group_size)
    expected = whole([f for f in frames if len(f)] or [pd.DataFrame(columns=COLUMNS)], folder / "whole.parquet",
                     row_group_size)
    assert (folder / "merged.parquet").read_bytes() == expected.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["merged.parquet", "whole.parquet"]   # the runs are gone


def test_a_batch_with_a_missing_key_or_other_columns_is_refused(tmp_path):
    runs = SortedRuns(tmp_path / "t.parquet", ["slogan", "doc_id"], pd.DataFrame(columns=COLUMNS))
    with pytest.raises(ValueError, match="without its slogan or doc_id"):
        runs.add(pd.DataFrame([("放管服", None, "", 1)], columns=COLUMNS))
    runs.add(pd.DataFrame([("放管服", "d1", "", 1)], columns=COLUMNS))
    with pytest.raises(ValueError, match="columns differ"):
        runs.add(pd.DataFrame([("放管服", "d1", "", 1.5)], columns=COLUMNS))
    runs.discard()
    assert list(tmp_path.iterdir()) == []


def test_the_runs_a_killed_run_left_are_removed_by_the_next_of_the_same_table_only(tmp_path):
    left = tmp_path / ".t.parquet.runs.killed"
    left.mkdir()
    (left / "00000.arrow").write_bytes(b"half a run")
    runs = SortedRuns(tmp_path / "t.parquet", ["slogan", "doc_id"], pd.DataFrame(columns=COLUMNS))
    assert not left.exists()
    other = SortedRuns(tmp_path / "u.parquet", ["slogan"], pd.DataFrame(columns=COLUMNS))  # a second table at once
    runs.add(pd.DataFrame([("放管服", "d1", "", 1)], columns=COLUMNS))
    other.add(pd.DataFrame([("放管服", "d2", "", 2)], columns=COLUMNS))
    assert runs.write() == tmp_path / "t.parquet"
    other.write()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.parquet", "u.parquet"]
    assert pd.read_parquet(tmp_path / "u.parquet")["doc_id"].tolist() == ["d2"]


columns = st.lists(st.one_of(st.none(), st.sampled_from(["稳中求进", "放管服", "a" * 30])), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(columns, st.integers(1, 4), st.integers(1, 12), st.booleans())
def test_a_table_made_into_arrow_a_chunk_at_a_time_has_the_bytes_of_to_parquet(tmp_path_factory, texts, row_group_size,
                                                                            chunk, strings):
    """Chunks whose Arrow types differ (a column missing throughout one) fall back to the whole."""
    folder = tmp_path_factory.mktemp("chunks")
    frame = pd.DataFrame({"slogan": texts, "n": range(len(texts)), "rate": [i / 3 for i in range(len(texts))],
                          "method": "按文件计的比率；" * 20})
    if strings:
        frame = atomic.stable_strings(frame)
    atomic.write_parquet(folder / "chunked.parquet", frame, row_group_size, chunk=chunk)
    frame.to_parquet(folder / "whole.parquet", index=False, row_group_size=row_group_size)
    assert (folder / "chunked.parquet").read_bytes() == (folder / "whole.parquet").read_bytes()


def test_string_columns_are_written_a_chunk_at_a_time_and_a_changing_type_whole(tmp_path):
    frame = atomic.stable_strings(pd.DataFrame({"slogan": ["稳中求进", None, "放管服", "六稳六保", None], "n": range(5)}))
    assert atomic._write_chunks(tmp_path / "a.parquet", frame, 1, 2)
    mixed = pd.DataFrame({"x": pd.Series([None, None, "放管服", "六稳六保", None], dtype=object)})   # null, then text
    assert not atomic._write_chunks(tmp_path / "b.parquet", mixed, 1, 2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["稳中求进", "放管服"])), st.integers(0, 9)),
                         max_size=7), min_size=1, max_size=5), st.integers(1, 4), st.integers(1, 6))
def test_a_table_written_in_parts_is_the_whole_table(tmp_path_factory, parts, row_group_size, chunk):
    """Parts of any size (empty ones, a column missing throughout one) give the rows and Arrow types of
    the frames concatenated and written whole."""
    folder = tmp_path_factory.mktemp("parts")
    frames = [pd.DataFrame(rows, columns=["slogan", "n"]).astype({"n": "int64"}) for rows in parts]
    atomic.write_parquet_parts(folder / "parts.parquet", iter(frames), row_group_size, chunk)
    atomic.write_parquet(folder / "whole.parquet", atomic.stable_strings(pd.concat(frames, ignore_index=True)))
    got, whole = pq.read_table(folder / "parts.parquet"), pq.read_table(folder / "whole.parquet")
    assert got.schema.equals(whole.schema) and got.to_pylist() == whole.to_pylist()   # Arrow types and rows
    assert str(got.schema.field("n").type) == "int64"


def test_a_table_of_no_parts_is_refused_and_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="no frame"):
        atomic.write_parquet_parts(tmp_path / "t.parquet", iter([]))
    assert not list(tmp_path.iterdir())
