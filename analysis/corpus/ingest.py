"""Reading a corpus folder into documents: every raw text cleaned and annotated in worker processes,
streamed as Arrow batches, the researcher's metadata.csv applied; nothing dropped without a problem."""
from __future__ import annotations

import dataclasses
import gc
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa

from ..pipeline.parallel import chunks_by_size, ordered_map
from ..pipeline.problems import ENVIRONMENT_ERRORS, Problem, internal_error
from .documents import DocParams, documents_from_raw
from .overrides import apply_overrides, parse_value, read_overrides, unmatched_overrides
from .readers import RawText, iter_corpus
from .regions import load_gazetteer
from .schema import documents_frame_from_batches, problems_frame, to_batch

def _renamed(recs: list[dict], problems: list[Problem]) -> list[dict]:
    """The records of one file whose document ids another file already has (the same name with
    another suffix): their ids keep the file's suffix (a.md, not a), and a problem row says so."""
    from pathlib import PurePosixPath

    source = recs[0]["source_file"]
    stem = PurePosixPath(source).with_suffix("").as_posix()

    def fresh(doc_id):
        return source + doc_id[len(stem):] if doc_id and doc_id.startswith(stem) else doc_id

    out = [{**r, "doc_id": fresh(r["doc_id"]), "parent_id": fresh(r.get("parent_id"))} for r in recs]
    problems.append(Problem(source, "", f"another file has its document id '{recs[0]['doc_id']}' (the same name with "
                                        f"another suffix): its documents are named '{out[0]['doc_id']}'", "renamed"))
    return out


def _worker(args: tuple[RawText, DocParams]) -> tuple[list[dict], list[Problem]]:
    raw, params = args
    given, problems = _tabular_overrides(raw)
    if len(raw.text) > params.max_doc_chars:
        raw, problem = cap_long_text(raw, params)
        problems.append(problem)
        if raw is None:
            return [], problems
    try:
        records, more = documents_from_raw(raw, params, given)
    except ENVIRONMENT_ERRORS:
        raise
    except Exception as exc:  # a bug on one text must not stop the run; it is reported by name
        return [], problems + [Problem(raw.source_file, "" if raw.row is None else f"row {raw.row + 1}",
                                       internal_error(exc), "skipped")]
    return records, problems + more


def cap_long_text(raw: RawText, params: DocParams) -> tuple[RawText | None, Problem]:
    """A text longer than ``corpus.max_doc_chars``: one such text (a whole archive in one line, a
    scraped dump) would dominate every count. ``long_docs``: "cap" keeps its beginning, up to the last
    line or sentence end within the limit; "skip" leaves it out; "keep" keeps it whole. Each is reported."""
    n, limit = len(raw.text), params.max_doc_chars
    where = "" if raw.row is None else f"row {raw.row + 1}"
    size = f"{n:,} characters, over corpus.max_doc_chars ({limit:,})"
    if params.long_docs == "skip":
        return None, Problem(raw.source_file, where, f"{size}; corpus.long_docs = \"skip\"", "skipped")
    if params.long_docs == "keep":
        return raw, Problem(raw.source_file, where, f"{size}; kept whole (corpus.long_docs = \"keep\")", "kept")
    head = raw.text[:limit]
    cut = max(head.rfind("\n"), *(head.rfind(c) + 1 for c in "。！？.!?"))
    head = head[:cut] if cut > limit // 2 else head
    return dataclasses.replace(raw, text=head), Problem(
        raw.source_file, where, f"{size}; only its first {len(head):,} characters are used "
        "(corpus.long_docs = \"cap\"; \"keep\" keeps it whole)", "capped")


def _work_chunk(jobs: list[tuple[RawText, DocParams]]) -> list[tuple[list[dict], list[Problem]]]:
    return [_worker(job) for job in jobs]


#: Characters of raw text per task sent to a worker process: enough work (tens of milliseconds)
#: that sending the task and its result does not dominate.
_CHUNK_CHARS = 500_000

#: documents gathered into one Arrow record batch while a corpus is read
_BATCH = 2000


def _tabular_overrides(raw: RawText) -> tuple[dict, list[Problem]]:
    """Parse the metadata columns of a tabular row; a bad cell is reported and ignored."""
    values, problems = {}, []
    if not raw.overrides:
        return values, problems
    gaz = load_gazetteer()
    for field, cell in raw.overrides.items():
        try:
            values[field] = parse_value(field, cell, gaz)
        except ValueError as exc:
            column = raw.columns.get(field, field)
            problems.append(Problem(raw.source_file, f"row {raw.row + 1}, column {column}", str(exc), "ignored"))
    return values, problems


def document_batches(folder: Path, params: DocParams, overrides_name: str = "metadata.csv",
                     max_file_mb: float = 200.0, workers: int = 1, progress: bool = True,
                     columns: dict | None = None, exclude: tuple = (), problems: list[Problem] | None = None
                     ) -> Iterator[pa.RecordBatch]:
    """Read and clean every text of ``folder``: its documents as Arrow record batches of about
    ``_BATCH`` rows, in the order read (path order), the researcher's metadata.csv applied; the
    problems are appended to ``problems``.

    Texts are streamed: a raw text is dropped as soon as its documents are made, and documents
    are dropped once in a batch, so memory is the batches the caller keeps.
    """
    from tqdm import tqdm

    problems = [] if problems is None else problems
    overrides: list = []
    override_path = Path(folder) / overrides_name
    if override_path.exists():
        overrides, oproblems = read_overrides(override_path, load_gazetteer())
        problems += oproblems
    matched: set[int] = set()
    pending: list[dict] = []

    def jobs():
        for item in iter_corpus(folder, overrides_name, max_file_mb, columns, exclude):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                yield item, params

    def batch() -> pa.RecordBatch:
        if overrides:
            matched.update(apply_overrides(pending, overrides))
        out = to_batch(pending)
        pending.clear()
        return out

    seen: set[str] = set()
    bar = tqdm(desc="corpus", unit="text", disable=not progress or None, leave=False)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # records hold no reference cycles; collecting a large heap repeatedly costs time
    try:
        tasks = chunks_by_size(jobs(), lambda job: len(job[0].text), _CHUNK_CHARS)
        for results in ordered_map(_work_chunk, tasks, workers):
            for recs, probs in results:
                problems.extend(probs)
                if any(r["doc_id"] in seen for r in recs):   # a.txt beside a.md, news.csv's rows beside news-r00001.txt
                    recs = _renamed(recs, problems)
                seen.update(r["doc_id"] for r in recs)
                pending.extend(recs)
                bar.update()
                if len(pending) >= _BATCH:
                    yield batch()
        if pending:
            yield batch()
    finally:
        if gc_was_enabled:
            gc.enable()
        bar.close()
    problems += unmatched_overrides(overrides, matched, overrides_name)


def process_corpus(folder: Path, params: DocParams, overrides_name: str = "metadata.csv",
                   max_file_mb: float = 200.0, workers: int = 1, progress: bool = True,
                   columns: dict | None = None, exclude: tuple = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every text of ``folder`` read and cleaned (:func:`document_batches`): the (documents, problems)
    tables, in memory (the corpus stage streams the batches instead: :mod:`.build`)."""
    problems: list[Problem] = []
    batches = list(document_batches(folder, params, overrides_name, max_file_mb, workers, progress, columns,
                                    exclude, problems))
    return documents_frame_from_batches(batches), problems_frame(problems)
