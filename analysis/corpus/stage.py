"""The corpus stage: a folder of raw texts → one documents table (Parquet) with metadata and
provenance, its problems and its duplicates.

The jobs are in modules of their own: reading and annotating texts (ingest.py), building the table
without holding the texts (build.py), the table's schema (schema.py), site furniture (furniture.py),
duplicates (near_duplicates.py), and reading the table back (documents_table.py); the names other
modules use are also importable from here.
"""
from __future__ import annotations

import multiprocessing as mp
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..pipeline import atomic, cache, runner
from ..pipeline.config import Config
from ..pipeline.problems import EmptyCorpusError, count_internal_errors
from .build import build_documents
from .declaration import STAGE
from .documents import DocParams
from .ingest import process_corpus
from .schema import DOCUMENT_COLUMNS
from .documents_table import analysable, analysable_count, corpus_folder, document_texts, load_documents
from .groupings import document_variables

__all__ = ["DOCUMENT_COLUMNS", "CorpusResult", "STAGE", "analysable", "build_corpus", "corpus_folder",
           "document_texts", "document_variables", "load_documents", "process_corpus", "require_documents"]


class CorpusResult:
    """What the corpus stage gives: its folder, its problems, whether it was rebuilt, and the documents
    table, read from its file when first used (``documents``: with the texts; ``metadata``: without
    them). Nothing holds the table between stages: at a million documents it is gigabytes."""

    def __init__(self, folder: Path, problems: pd.DataFrame, rebuilt: bool):
        self.folder, self.problems, self.rebuilt = Path(folder), problems, rebuilt

    @property
    def documents(self) -> pd.DataFrame:
        """The documents table with its texts (read anew on each use: callers keep what they need)."""
        return load_documents(path=self.folder / "documents.parquet")

    @property
    def metadata(self) -> pd.DataFrame:
        """The documents table without its texts."""
        return load_documents(path=self.folder / "documents.parquet", text=False)

    def columns(self, names: list[str]) -> pd.DataFrame:
        """Only these columns of the documents table."""
        return load_documents(path=self.folder / "documents.parquet", columns=names)

    def analysable_count(self) -> int:
        """How many documents the analyses use (:func:`analysable`, at any confidence), counted in
        Arrow a row group at a time (every stage after this one asks)."""
        return analysable_count(self.folder / "documents.parquet")

    @property
    def internal_errors(self) -> int:
        """Texts skipped because of a bug: the stage is then not recorded as done (the next run retries)."""
        return count_internal_errors(self.problems)


def build_corpus(cfg: Config, progress: bool = True, force: bool = False) -> CorpusResult:
    """The corpus stage: build the documents table unless it is up to date."""
    out = corpus_folder(cfg)
    key = runner.stage_key(STAGE, cfg)
    cfg = runner.view(cfg, STAGE)
    if not force and cache.is_fresh(out, key, STAGE.writes):
        return CorpusResult(out, pd.read_csv(out / "problems.csv", dtype="string", keep_default_na=False),
                            rebuilt=False)
    cache.invalidate(out)
    problems, dupes = FolderReading.of(cfg.corpus).write(Path(cfg.paths.corpus), cfg.paths.overrides, cfg.corpus.columns,
                                                         out / "documents.parquet", progress,
                                                         exclude=(cfg.paths.data, cfg.paths.figures))
    atomic.write_text(out / "duplicates.csv", dupes.to_csv(index=False, lineterminator="\n"))
    with atomic.atomic_path(out / "problems.csv") as tmp:
        problems.to_csv(tmp, index=False)
    if not count_internal_errors(problems):  # else the next run retries: the cause may be fixed by then
        cache.mark_done(out, key, STAGE.writes)
    return CorpusResult(out, problems.fillna(""), rebuilt=True)


@dataclass(frozen=True)
class FolderReading:
    """How a folder of texts becomes documents (the settings of ``declaration.READING``, and the
    worker count)."""
    params: DocParams
    max_file_mb: float
    near_duplicates: float
    workers: int

    @classmethod
    def of(cls, corpus) -> "FolderReading":
        """From the ``[corpus]`` section (or a stage's view of it)."""
        return cls(DocParams.from_config(corpus), corpus.max_file_mb, corpus.near_duplicates,
                   corpus.workers or mp.cpu_count())

    def write(self, folder: Path, overrides: str, columns: dict, target: Path, progress: bool = False,
              exclude: tuple = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Write the documents table of ``folder`` to ``target``: site furniture removed and duplicates
        marked (:mod:`.build`, which holds no corpus's texts); return the problems and the duplicates table."""
        return build_documents(Path(folder), self, overrides, columns, target, progress, exclude)

    def read(self, folder: Path, overrides: str, columns: dict, progress: bool = False, exclude: tuple = ()
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The documents table of ``folder`` (:meth:`write`, to a temporary file read back: a reference
        corpus is small); the problems; the duplicates table."""
        with tempfile.TemporaryDirectory(prefix="tifa-documents-") as tmp:
            path = Path(tmp) / "documents.parquet"
            problems, dupes = self.write(folder, overrides, columns, path, progress, exclude)
            return load_documents(path=path), problems, dupes


def require_documents(result: CorpusResult, cfg: Config) -> CorpusResult:
    """``result`` unchanged, or :class:`EmptyCorpusError` naming the folder and what was skipped."""
    if result.analysable_count():
        return result
    skipped = result.problems[result.problems["action"] == "skipped"] if len(result.problems) else result.problems
    if len(skipped) and result.internal_errors == len(skipped):
        raise EmptyCorpusError(f"every text of {cfg.paths.corpus} failed with an internal error, first: "
                               f"{skipped.iloc[0]['source_file']}: {skipped.iloc[0]['problem']}. This is a bug or "
                               "a broken installation, not a problem of your files; nothing was recorded as done, "
                               "so once it is fixed a rerun retries every text")
    why = f"; {len(skipped)} file(s) or row(s) skipped, first: {skipped.iloc[0]['source_file']}: " \
          f"{skipped.iloc[0]['problem']}" if len(skipped) else ""
    raise EmptyCorpusError(f"no Chinese or English document in {cfg.paths.corpus} ({len(result.metadata)} "
                           f"documents in other languages{why}); see {result.folder / 'problems.csv'}")
