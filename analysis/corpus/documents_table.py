"""The documents table as the analyses read it: where it is, loading it (with or without texts),
its texts a slice at a time, a tabular corpus's document variables, and the analysable documents."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..pipeline.budget import release_memory
from ..pipeline.config import Config, ConfigError
from .groupings import described, groupings

def corpus_folder(cfg: Config) -> Path:
    return Path(cfg.paths.data) / "corpus"


def load_documents(cfg: Config | None = None, path: str | Path | None = None, text: bool = True,
                   columns: list[str] | None = None) -> pd.DataFrame:
    """The documents table built by ``python -m analysis corpus``; without its ``text`` column when
    ``text`` is False (the texts are most of a corpus's memory: :func:`document_texts` streams them);
    only ``columns`` when given."""
    path = documents_path(cfg, path)
    if columns is not None:
        return pd.read_parquet(path, columns=list(columns))
    if text:
        return pd.read_parquet(path)
    import pyarrow.parquet as pq

    return pd.read_parquet(path, columns=[c for c in pq.ParquetFile(path).schema_arrow.names if c != "text"])


#: the languages the analyses read (documents in others stay in the table, and are reported)
ANALYSED_LANGS = ("zh", "en")

#: list-valued columns (the clues behind a region or a period): the corpus tables read them, the
#: analyses do not; at 100,000 documents they are 70 MB of Python objects
CLUE_COLUMNS = ("mentioned_adcodes", "mentioned_regions", "ambiguous_mentions", "region_candidates",
                "covered_regions", "periods_mentioned", "removed_lines")


def analysis_documents(cfg: Config, wanted: list[str] | None = None, rows: bool = True) -> pd.DataFrame:
    """The analysable documents (:func:`analysable` at ``corpus.min_confidence``) without their texts,
    the clue columns and the ``*_source`` columns (how each value was found: the corpus tables and
    the report read those from the whole table), indexed by their rows in the table: what every
    statistics stage starts from. The table is read a row group at a time and the languages and
    duplicates filtered in Arrow, so that the rows become a DataFrame once: reading a million
    documents' metadata and filtering it in pandas peaked at 2.3 GB, this at 0.8 GB (the frame:
    0.5 GB).

    ``wanted``: the names a stage uses (columns of the table, groupings made from them): only those
    columns are read, with what the filters and the groupings need (:func:`columns_for`); every
    column when one is a document variable (``doc_vars``) or unknown, so that
    :func:`analysis.corpus.groupings.described` finds it or names what the documents have. Without
    ``rows``, none of the documents (their columns only: a stage with nothing to compute checks its
    settings against them), unless a name may be a document variable (found in the rows)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(documents_path(cfg))
    names = parquet.schema_arrow.names
    columns = None if wanted is None else columns_for(names, wanted, cfg.design.groups)
    rows = rows or columns is None   # a document variable is found in the rows
    columns = columns or [c for c in names if c != "text" and c not in CLUE_COLUMNS and not c.endswith("_source")]
    parts = list(_analysable_parts(parquet, columns, None if rows else 1))
    docs = _frame(parts, parquet.schema_arrow.empty_table().select(columns), cfg.corpus.min_confidence)
    return docs if rows else docs.iloc[:0]


def checked_columns(cfg: Config, wanted: list[str], by: str, setting: str) -> pd.DataFrame:
    """The documents' columns for ``wanted`` with their groupings, without a row
    (:func:`analysis_documents`), once ``by`` (the value of ``setting``, as "[reuse] by") is found
    among them: else a :class:`ConfigError` saying what it can be."""
    docs = described(analysis_documents(cfg, wanted, rows=False), cfg.design.groups)
    if by not in docs:
        raise ConfigError(f"{setting} = \"{by}\": the documents have no such variable or grouping "
                          "(province, prefecture, county, a [design.groups] name or a metadata.csv column)")
    return docs


def analysable_batches(cfg: Config, wanted: list[str], batch: int | None = None, texts: bool = True):
    """The analysable documents with their ``text`` (unless ``texts`` is False), the columns for
    ``wanted`` (:func:`columns_for`) and their groupings (:func:`analysis.corpus.groupings.described`),
    ``batch`` rows at a time (the memory budget's :func:`analysis.pipeline.budget.text_batch`) in the
    table's order, indexed by their rows in it: a stage that takes each document on its own holds one
    slice, never the corpus's metadata. When a name may be a document variable (found in the rows), the metadata of
    every document is read first (:func:`analysis_documents`) and the texts streamed."""
    import pyarrow.parquet as pq

    from ..pipeline.budget import text_batch

    parquet = pq.ParquetFile(documents_path(cfg))
    columns = columns_for(parquet.schema_arrow.names, wanted, cfg.design.groups)
    batch = batch or text_batch(cfg)
    if columns is None:
        docs = described(analysis_documents(cfg), cfg.design.groups)
        yield from (document_texts(cfg, docs, batch) if texts else (docs.iloc[at:at + batch]
                                                                    for at in range(0, len(docs), batch)))
        return
    columns = [*columns, *(["text"] if texts else [])]
    pending, held = [], 0
    for table, rows in _analysable_parts(parquet, columns):
        while len(rows):   # a row group may end one slice and begin the next
            take = min(batch - held, len(rows))
            pending.append((table.slice(0, take), rows[:take]))
            table, rows, held = table.slice(take), rows[take:], held + take
            if held == batch:
                yield described(_frame(pending, None, cfg.corpus.min_confidence), cfg.design.groups)
                held = 0
    if pending:
        yield described(_frame(pending, None, cfg.corpus.min_confidence), cfg.design.groups)


def analysable_count(path: str | Path) -> int:
    """How many rows of the documents table at ``path`` the analyses use (a language they read, no
    duplicate), counted in Arrow a row group at a time."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    columns = [c for c in ("lang", "duplicate_of") if c in parquet.schema_arrow.names]
    return sum(len(rows) for _, rows in _analysable_parts(parquet, columns))


def _analysable_parts(parquet, columns: list[str], groups: int | None = None):
    """Each row group's analysable rows (a language the analyses read, no duplicate) as an Arrow
    table and their rows in the documents table (of the first ``groups`` row groups: all by default)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    start = 0
    for g in range(parquet.num_row_groups if groups is None else min(groups, parquet.num_row_groups)):
        part = parquet.read_row_group(g, columns=columns)
        keep = pc.fill_null(pc.is_in(part["lang"], value_set=pa.array(ANALYSED_LANGS)), False)
        if "duplicate_of" in parquet.schema_arrow.names:
            keep = pc.and_(keep, pc.is_null(part["duplicate_of"]))
        keep = keep.to_numpy(zero_copy_only=False)
        yield part.filter(pa.array(keep)), np.flatnonzero(keep) + start
        start += part.num_rows


def _frame(parts: list, empty, min_confidence: str) -> pd.DataFrame:
    """One DataFrame of :func:`_analysable_parts`' parts (``empty``: the table without a part),
    indexed by their rows, values below ``min_confidence`` blanked (:func:`analysable`)."""
    import pyarrow as pa

    from ..pipeline.config import CONFIDENCE

    table = pa.concat_tables([t for t, _ in parts]) if parts else empty
    rows = np.concatenate([r for _, r in parts]) if parts else np.zeros(0, dtype=np.int64)
    parts.clear()
    docs = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    release_memory()
    docs.index = rows
    return docs if min_confidence == CONFIDENCE[0] else analysable(docs, min_confidence)


def columns_for(names: list[str], wanted: list[str], groups: dict) -> list[str] | None:
    """The columns of the documents table (``names``) to read for the names a stage uses: those
    among them, the doc_id, the filters' (lang, duplicate_of), the groupings' sources (every grouping
    is derived), and for a region, quarter, period or year value its field and confidence (blanked
    below ``corpus.min_confidence``); None when a name is neither a column nor a grouping made from
    one (a document variable: every column is read)."""
    made = groupings(groups)
    need = {"doc_id", "lang", *(source for source, _ in made.values()), *(w for w in wanted if w not in made)}
    if not need <= set(names):
        return None
    for field, group in _CONFIDENCE_GROUPS.items():
        if need & set(group):
            need |= {field, f"{field}_conf"}
    need.add("duplicate_of")
    return [c for c in names if c in need]


def documents_path(cfg: Config | None = None, path: str | Path | None = None) -> Path:
    """Where the documents table is (``path``, or the data folder's), or FileNotFoundError saying
    what to run."""
    if path is None:
        if cfg is None:
            from ..pipeline.config import load_config
            cfg = load_config()
        path = corpus_folder(cfg) / "documents.parquet"
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `python -m analysis corpus` first")
    return path


def document_texts(cfg: Config, docs: pd.DataFrame, batch: int | None = None):
    """``docs`` (rows of the documents table in its order, without their texts, such as
    ``analysable(load_documents(cfg, text=False))``) in slices of about ``batch`` rows (the memory
    budget's :func:`analysis.pipeline.budget.text_batch`, 20,000 by default), each with its ``text``
    read from the table: the stages that read texts (counting, quoting) hold one slice's texts at a
    time, not a corpus's."""
    from ..pipeline.budget import text_batch

    return _document_texts(cfg, docs, batch or text_batch(cfg))


def _document_texts(cfg: Config, docs: pd.DataFrame, batch: int):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(documents_path(cfg))
    # which rows of the table are wanted, decided once in Arrow (pandas' isin against a set of a
    # million ids took 6 s for every slice); row groups without a wanted row are not read
    wanted = pc.is_in(parquet.read(columns=["doc_id"]).column(0),
                      value_set=pa.array(docs["doc_id"].astype(str).tolist(), type=pa.string()))
    wanted = wanted.to_numpy(zero_copy_only=False)
    ends = np.cumsum([parquet.metadata.row_group(g).num_rows for g in range(parquet.num_row_groups)])
    start, pending = 0, []

    def piece(tables: list) -> pd.DataFrame:
        nonlocal start
        part = pa.concat_tables(tables).to_pandas()
        rows = docs.iloc[start:start + len(part)]
        if not np.array_equal(rows["doc_id"].to_numpy(), part["doc_id"].to_numpy()):
            raise ValueError("document_texts: docs must be rows of the documents table in its order")
        start += len(part)
        return rows.assign(text=part["text"].to_numpy())

    for g, end in enumerate(ends):
        keep = wanted[end - parquet.metadata.row_group(g).num_rows:end]
        if keep.any():
            pending.append(parquet.read_row_group(g, columns=["doc_id", "text"]).filter(pa.array(keep)))
            if sum(t.num_rows for t in pending) >= batch:
                yield piece(pending)
                pending = []
    if pending:
        yield piece(pending)
    if start != len(docs):
        raise ValueError(f"document_texts: {len(docs) - start} of the documents are not in the documents table")


#: The fields blanked together when a value is below ``min_confidence``: region → its hierarchy.
_CONFIDENCE_GROUPS = {"region": ("region", "province", "prefecture", "county", "adcode", "region_level"),
                      "quarter": ("quarter",), "period": ("period",), "year": ("year",)}


def analysable(docs: pd.DataFrame, min_confidence: str = "low", duplicates: bool = False) -> pd.DataFrame:
    """Documents in a supported language (zh, en), one per near-duplicate cluster unless
    ``duplicates``: what every analysis uses. Region, quarter, period and year values whose
    confidence is below ``min_confidence`` (low, medium, high; ``corpus.min_confidence``) are
    treated as unknown."""
    from ..pipeline.config import CONFIDENCE

    out = docs[docs["lang"].isin(ANALYSED_LANGS)]
    if not duplicates and "duplicate_of" in out:
        out = out[out["duplicate_of"].isna()]
    if min_confidence == CONFIDENCE[0]:
        return out
    rank = {c: i for i, c in enumerate(CONFIDENCE)}
    out = out.copy()
    for field, columns in _CONFIDENCE_GROUPS.items():
        if f"{field}_conf" not in out:   # not read (analysis_documents' wanted columns)
            continue
        weak = out[f"{field}_conf"].map(lambda c: rank.get(c, -1) < rank[min_confidence]).astype(bool) \
            & out[field].notna()
        if weak.any():
            out.loc[weak, [c for c in columns if c in out]] = pd.NA
    return out
