"""Writing documents.parquet a row group at a time, byte for byte the file pandas writes from the
whole table (``DataFrame.to_parquet`` in row groups of :data:`ROW_GROUP` rows).

pandas infers the Parquet type of an object column (the dates, the lists of strings) from all its
values: a column without a value is of the null type, a list column whose lists are all empty is a
list of nulls (the seeds' ``covered_regions``). :class:`ColumnKinds` finds which from the batches
as they are read, and every row group is converted with the schema so found, so that its types and
its metadata (pandas') are those of the whole table.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..pipeline.atomic import ROW_GROUP


class ColumnKinds:
    """Which date and list columns hold a value, and which list columns hold a string, over the
    batches (:func:`analysis.corpus.schema.to_batch`) seen."""

    def __init__(self):
        self.valued: set[str] = set()
        self.filled: set[str] = set()

    def add(self, batch: pa.RecordBatch) -> None:
        for name, column in zip(batch.schema.names, batch.columns):
            listed = pa.types.is_list(column.type)
            if not (listed or pa.types.is_date(column.type)) or name in self.filled:
                continue
            if column.null_count < len(column):
                self.valued.add(name)
            if listed:
                values = pc.list_flatten(column)
                if values.null_count < len(values):
                    self.filled.add(name)

    def arrow_type(self, field: pa.Field) -> pa.DataType:
        """The type pandas gives the column ``field`` of the batches' schema once through pandas."""
        if field.name not in self.valued:
            return pa.null()
        if pa.types.is_list(field.type) and field.name not in self.filled:
            return pa.list_(pa.null())
        return field.type


class DocumentsWriter:
    """documents.parquet at ``path``, written from pandas frames of the table's rows in order
    (:func:`analysis.corpus.schema.documents_frame`), one row group of :data:`ROW_GROUP` rows each
    but the last."""

    def __init__(self, path: Path, kinds: ColumnKinds, source: pa.Schema):
        self.path, self.kinds, self.source = Path(path), kinds, source
        self._schema: pa.Schema | None = None
        self._writer: pq.ParquetWriter | None = None

    def write(self, frame: pd.DataFrame) -> None:
        if len(frame) > ROW_GROUP:
            raise ValueError(f"a row group of {len(frame)} rows: at most {ROW_GROUP}")
        if self._schema is None:
            inferred = pa.Schema.from_pandas(frame, preserve_index=False).remove_metadata()
            fields = [pa.field(f.name, self.kinds.arrow_type(self.source.field(f.name)))
                      if frame[f.name].dtype == object else f for f in inferred]
            self._schema = pa.schema(fields)
        table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="snappy")
        self._writer.write_table(table, row_group_size=ROW_GROUP)

    def close(self, empty: pd.DataFrame) -> None:
        """Finish the file; ``empty``: the table's frame without rows, written when no rows were."""
        if self._writer is None:
            self.write(empty)
        self._writer.close()
