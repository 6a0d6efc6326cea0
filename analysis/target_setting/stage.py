"""The targets stage: each document's targets passage, its targets and last year's outcomes (the rules:
extract.py)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..corpus.documents_table import analysable_batches, checked_columns
from ..corpus.reference import year_in_name
from ..pipeline import runner
from ..pipeline.config import Config
from ..pipeline.sorted_runs import SortedRuns
from .declaration import STAGE
from .extract import COLUMNS, report_targets

TABLES = ("targets", "documents")
DOCUMENT_COLUMNS = ["doc_id", "place", "year", "title", "passage_start", "passage_end", "targets", "status"]


def build_targets(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the targets stage unless it is up to date."""
    return runner.run_tables(STAGE, cfg, TABLES, compute_targets, force)


def compute_targets(cfg: Config, out: Path) -> dict[str, Path]:
    by = cfg.targets.by
    uses = [by, "doc_id", "year", "source_file", "title"]
    docs = checked_columns(cfg, uses, by, "[targets] by")
    empty = targets_tables(docs.assign(text=""), by)
    # the documents a slice at a time, and both tables (a row per document) on disk until written
    tables = [SortedRuns(out / f"{name}.parquet", ["doc_id", *(["start"] if name == "targets" else [])], frame)
              for name, frame in zip(TABLES, empty)]
    try:
        for part in analysable_batches(cfg, uses):
            for runs, frame in zip(tables, targets_tables(part, by)):
                runs.add(frame)
        return {name: runs.write() for name, runs in zip(TABLES, tables)}
    finally:
        for runs in tables:
            runs.discard()


def targets_tables(docs: pd.DataFrame, by: str = "province") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The targets of every document of ``docs`` (doc_id, text, year, title and ``by``), one row per
    target (``place``: the document's ``by``; ``unit``: the unit of the values), and one row per
    document with where its targets passage is (or why there is none)."""
    rows, listed = [], []
    for d in docs.sort_values("doc_id").itertuples(index=False):
        year, rule = getattr(d, "year", None), "the document's year"
        if year is None or pd.isna(year):   # undated by the corpus stage: a file named by its year (2016.txt)
            year, rule = year_in_name(str(getattr(d, "source_file", "") or "")), "the file's name"
        found, span = report_targets(d.text or "", None if year is None or pd.isna(year) else int(year), rule)
        place = getattr(d, by, None)
        place = None if place is None or pd.isna(place) else str(place)
        rows += [{"doc_id": d.doc_id, "place": place, **r} for r in found]
        status = ("targets passage found" if found else "a targets passage without targets this tool reads"
                  if span else "no targets passage (预期目标/主要目标 …：)")
        listed.append((d.doc_id, place, None if year is None or pd.isna(year) else int(year), getattr(d, "title", None),
                       span[0] if span else None, span[1] if span else None, len(found), status))
    table = pd.DataFrame(rows, columns=["doc_id", "place", *COLUMNS[1:]])
    table = table.astype({"year": "Int64", "start": "Int64", "end": "Int64", "low": "float64", "high": "float64",
                          "stretch": "float64", "outcome_low": "float64", "outcome_high": "float64"})
    documents = pd.DataFrame(listed, columns=DOCUMENT_COLUMNS).astype(
        {"year": "Int64", "passage_start": "Int64", "passage_end": "Int64", "targets": "int64"})
    return table, documents
