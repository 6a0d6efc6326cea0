"""The corpus: a folder of raw texts → one documents table (Parquet) with metadata and provenance.

``build_corpus`` is the stage; ``load_documents`` reads its table; ``DOCUMENT_COLUMNS`` documents the
schema that is checked on every write.
"""
from __future__ import annotations

import dataclasses

import functools
import gc
import multiprocessing as mp
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..pipeline import atomic, runner, cache
from ..pipeline.config import Config
from .documents import DocParams, PROVENANCE_FIELDS, documents_from_raw
from .overrides import apply_overrides, parse_value, read_overrides
from ..pipeline.parallel import chunks_by_size, ordered_map
from ..pipeline.problems import (ENVIRONMENT_ERRORS, PROBLEM_COLUMNS, EmptyCorpusError, Problem,
                                 count_internal_errors, internal_error)
from .readers import RawText, corpus_files, iter_corpus
from .regions import load_gazetteer

#: column → (pandas dtype, meaning). The documents table has exactly these columns, in this order.
DOCUMENT_COLUMNS: dict[str, tuple[str, str]] = {
    "doc_id": ("string", "unique id: file stem, -rNNNNN for a row of a tabular corpus, -pNN for a part of a compilation"),
    "source_file": ("string", "file in the corpus folder, relative path"),
    "parent_id": ("string", "id of the compilation a part comes from; empty for whole documents"),
    "part": ("Int64", "part number within the compilation page (1-based); empty for whole documents"),
    "partial": ("boolean", "True when the part is cut by a page boundary"),
    "partial_reason": ("string", "why the part is partial"),
    "parent_title": ("string", "title of the compilation a part comes from"),
    "title": ("string", "title of the document or part"),
    "lang": ("string", "zh, en, or other (other is reported and left out of analyses)"),
    "outlet": ("string", "source outlet where stated (newspaper, website, the agency of a news lede)"),
    "dateline": ("string", "the place of a news dateline (新华社杭州7月23日电 → 杭州), as written"),
    "pub_date": ("date32", "publication date"),
    "meeting_date": ("date32", "date of the meeting the text reports"),
    "year": ("Int64", "calendar year of the meeting (else publication, else content anchors)"),
    "quarter": ("string", "calendar quarter of the meeting (else of publication), e.g. 2022Q3"),
    "period": ("string", "reference period the text reviews or plans: 2022Q1, 2022H1, 2022Q1-Q3, 2022"),
    "periods_mentioned": ("list<string>", "every period label mentioned, most frequent first"),
    "region": ("string", "name of the document's own jurisdiction (the most specific level)"),
    "province": ("string", "province of the jurisdiction"),
    "prefecture": ("string", "prefecture-level city of the jurisdiction (empty for a province, or a county under a municipality)"),
    "county": ("string", "county or district of the jurisdiction"),
    "adcode": ("string", "official 12-digit division code of the jurisdiction"),
    "region_level": ("string", "province, prefecture or county"),
    "mentioned_adcodes": ("list<string>", "codes of the places the text mentions, in order of first mention"),
    "mentioned_regions": ("list<string>", "full names of those places"),
    "ambiguous_mentions": ("list<string>", "names that exist in several places and were not resolved"),
    "region_candidates": ("list<string>", "when the region is unknown: candidates from content clues, with why"),
    "covered_regions": ("list<string>", "an item that reports on several regions (河南：… 天津：…): all of them; its "
                                        "own region is then unknown, never the first one"),
    "text": ("string", "cleaned text (title and header lines removed); paragraphs separated by a blank line"),
    "n_chars": ("Int64", "characters, whitespace excluded"),
    "n_cjk": ("Int64", "Chinese characters"),
    "n_words": ("Int64", "Latin-script words and numbers (the length of English texts)"),
    "encoding": ("string", "encoding the file was decoded with"),
    "converted_t2s": ("boolean", "True when the text was Traditional Chinese and converted to Simplified"),
    "boilerplate_removed": ("string", "boilerplate rules applied, rule:lines"),
    "lines_joined": ("Int64", "broken lines joined back into sentences"),
    "duplicate_of": ("string", "a near-duplicate (repost, syndicated copy) of this document, which analyses use "
                               "instead; empty for kept documents (docs/documents.md, duplicates.csv)"),
    "doc_vars": ("string", "a tabular corpus's other columns for this row (JSON object: column → value); "
                           "expand with analysis.corpus.stage.document_variables"),
}
for _field in PROVENANCE_FIELDS:
    DOCUMENT_COLUMNS[f"{_field}_source"] = ("string", f"rule that gave {_field}, 'override', or 'unknown: reason'")
    DOCUMENT_COLUMNS[f"{_field}_conf"] = ("string", f"confidence of {_field}: high, medium or low")

OUTPUTS = ("documents.parquet", "problems.csv", "duplicates.csv")


@dataclass(frozen=True)
class CorpusResult:
    documents: pd.DataFrame
    problems: pd.DataFrame
    folder: Path
    rebuilt: bool

    @property
    def internal_errors(self) -> int:
        """Texts skipped because of a bug: the stage is then not recorded as done (the next run retries)."""
        return count_internal_errors(self.problems)


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


def process_corpus(folder: Path, params: DocParams, overrides_name: str = "metadata.csv",
                   max_file_mb: float = 200.0, workers: int = 1, progress: bool = True,
                   columns: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and clean every text of ``folder``; return (documents, problems) tables.

    Texts are streamed: a raw text is dropped as soon as its documents are made, and documents are
    gathered into Arrow record batches of ``_BATCH`` rows, so peak memory is the table plus one batch.
    """
    from tqdm import tqdm

    problems: list[Problem] = []
    batches: list[pa.RecordBatch] = []
    pending: list[dict] = []

    def jobs():
        for item in iter_corpus(folder, overrides_name, max_file_mb, columns):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                yield item, params

    def take(recs: list[dict], probs: list[Problem]) -> None:
        pending.extend(recs)
        problems.extend(probs)
        if len(pending) >= _BATCH:
            batches.append(_to_batch(pending))
            pending.clear()

    bar = tqdm(desc="corpus", unit="text", disable=not progress or None, leave=False)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # records hold no reference cycles; collecting a large heap repeatedly costs time
    try:
        tasks = chunks_by_size(jobs(), lambda job: len(job[0].text), _CHUNK_CHARS)
        for results in ordered_map(_work_chunk, tasks, workers):
            for recs, probs in results:
                take(recs, probs)
                bar.update()
    finally:
        if gc_was_enabled:
            gc.enable()
    bar.close()
    override_path = Path(folder) / overrides_name
    if override_path.exists():
        overrides, oproblems = read_overrides(override_path, load_gazetteer())
        problems += oproblems
        if overrides:  # overrides need records: bring the batches back (small corpora in practice)
            records = [r for b in batches for r in b.to_pylist()] + pending
            records = [_revive(r, params) for r in records]
            problems += apply_overrides(records, overrides, overrides_name)
            batches, pending[:] = [], records
    if pending:
        batches.append(_to_batch(pending))
    return documents_frame_from_batches(batches), problems_frame(problems)


_BATCH = 2000


@functools.lru_cache(maxsize=1)
def _arrow_schema() -> pa.Schema:
    types = {"string": pa.string(), "Int64": pa.int64(), "boolean": pa.bool_(), "date32": pa.date32(),
             "list<string>": pa.list_(pa.string())}
    return pa.schema([(c, types[t]) for c, (t, _) in DOCUMENT_COLUMNS.items()])


def _to_batch(records: list[dict]) -> pa.RecordBatch:
    schema = _arrow_schema()
    return pa.RecordBatch.from_arrays([pa.array([r.get(k) for r in records], type=field.type) for k, field
                                       in zip(DOCUMENT_COLUMNS, schema)], schema=schema)


def _revive(record: dict, params: DocParams) -> dict:
    """A table row back into a working record (for overrides)."""
    record = dict(record)
    record["_clues"] = params.inference == "clues"
    record["_title_for_region"] = record.get("title") or ""
    record["_dateline"] = record.get("dateline")
    return record


def documents_frame_from_batches(batches: list[pa.RecordBatch]) -> pd.DataFrame:
    # converted column by column, freeing each Arrow column as it goes; documents arrive in path
    # order, which is doc_id order but for rare names, so sorting (a copy) is usually not needed
    table = pa.Table.from_batches(batches, schema=_arrow_schema())
    batches.clear()
    frame = table.to_pandas(types_mapper=_pandas_type, self_destruct=True, split_blocks=True)
    del table
    if not frame["doc_id"].is_monotonic_increasing:
        frame = frame.sort_values("doc_id", kind="stable").reset_index(drop=True)
    wrong = {c: t for c, (t, _) in DOCUMENT_COLUMNS.items()
             if t in ("string", "Int64", "boolean") and str(frame[c].dtype) != t}
    if wrong:
        frame = frame.astype(wrong)
    check_documents(frame)
    return frame


def _pandas_type(arrow_type):
    if arrow_type == pa.string():
        return pd.StringDtype()
    if arrow_type == pa.int64():
        return pd.Int64Dtype()
    if arrow_type == pa.bool_():
        return pd.BooleanDtype()
    return None


def check_documents(frame: pd.DataFrame) -> None:
    """Check the schema: every documented column present, in order, and doc_id unique."""
    missing = [c for c in DOCUMENT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"documents table lacks columns: {', '.join(missing)}")
    dupes = frame["doc_id"][frame["doc_id"].duplicated()].tolist()
    if dupes:
        raise ValueError(f"documents table has duplicate doc_id values: {', '.join(map(str, dupes[:5]))}")


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    frame = pd.DataFrame([p.__dict__ for p in problems], columns=PROBLEM_COLUMNS).astype("string")
    return frame.sort_values(PROBLEM_COLUMNS, kind="stable").reset_index(drop=True)


def corpus_folder(cfg: Config) -> Path:
    return Path(cfg.paths.data) / "corpus"


#: What the corpus stage reads besides the corpus folder. corpus.min_confidence is read by the
#: analyses, not here; the worker count changes nothing but speed.
STAGE = runner.Stage(
    "corpus", __name__,
    params=("corpus.traditional_share", "corpus.cjk_share", "corpus.latin_share", "corpus.inference",
            "corpus.max_doc_chars", "corpus.long_docs", "corpus.max_file_mb", "corpus.columns", "corpus.near_duplicates"),
    runtime=("corpus.workers",))


def build_corpus(cfg: Config, progress: bool = True, force: bool = False) -> CorpusResult:
    """The corpus stage: build the documents table unless it is up to date."""
    source = Path(cfg.paths.corpus)
    if not source.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {source} (set paths.corpus in tifa.toml or pass --corpus)")
    out = corpus_folder(cfg)
    inputs, _ = corpus_files(source)
    key = runner.key(STAGE, cfg, inputs, base=source, unreadable_ok=True, extra={"overrides": cfg.paths.overrides})
    cfg = runner.view(cfg, STAGE)
    params = DocParams.from_config(cfg.corpus)
    if not force and cache.is_fresh(out, key, OUTPUTS):
        return CorpusResult(load_documents(cfg), pd.read_csv(out / "problems.csv", dtype="string", keep_default_na=False),
                            out, rebuilt=False)
    workers = cfg.corpus.workers or mp.cpu_count()
    docs, problems = process_corpus(source, params, cfg.paths.overrides, cfg.corpus.max_file_mb, workers, progress,
                                    cfg.corpus.columns)
    from .near_duplicates import find_exact_duplicates

    exact = find_exact_duplicates(docs)  # copies would make every line of a text look like site furniture
    docs = remove_repeated_lines(docs, exclude=set(exact.loc[~exact["kept"].astype(bool), "doc_id"]))
    docs, dupes = mark_near_duplicates(docs, cfg.corpus.near_duplicates, exact)
    more = duplicate_problems(docs, dupes)
    if more:
        problems = pd.concat([problems, problems_frame(more)], ignore_index=True)
    cache.invalidate(out)
    atomic.write_parquet(out / "documents.parquet", docs)
    atomic.write_text(out / "duplicates.csv", dupes.to_csv(index=False, lineterminator="\n"))
    with atomic.atomic_path(out / "problems.csv") as tmp:
        problems.to_csv(tmp, index=False)
    if not count_internal_errors(problems):  # else the next run retries: the cause may be fixed by then
        cache.mark_done(out, key, OUTPUTS)
    return CorpusResult(docs, problems.fillna(""), out, rebuilt=True)


def load_documents(cfg: Config | None = None, path: str | Path | None = None, text: bool = True) -> pd.DataFrame:
    """The documents table built by ``python -m analysis corpus``; without its ``text`` column when
    ``text`` is False (the texts are most of a corpus's memory: :func:`document_texts` streams them)."""
    path = documents_path(cfg, path)
    if text:
        return pd.read_parquet(path)
    import pyarrow.parquet as pq

    return pd.read_parquet(path, columns=[c for c in pq.ParquetFile(path).schema_arrow.names if c != "text"])


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


#: documents per batch of :func:`document_texts`
TEXT_BATCH = 20_000


def document_texts(cfg: Config, docs: pd.DataFrame, batch: int = TEXT_BATCH):
    """``docs`` (rows of the documents table in its order, without their texts, such as
    ``analysable(load_documents(cfg, text=False))``) in slices of about ``batch`` rows, each with its
    ``text`` read from the table: the stages that read texts (counting, quoting) hold
    one slice's texts at a time, not a corpus's."""
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


def require_documents(result: CorpusResult, cfg: Config) -> CorpusResult:
    """``result`` unchanged, or :class:`EmptyCorpusError` naming the folder and what was skipped."""
    if len(analysable(result.documents)):
        return result
    skipped = result.problems[result.problems["action"] == "skipped"] if len(result.problems) else result.problems
    if len(skipped) and result.internal_errors == len(skipped):
        raise EmptyCorpusError(f"every text of {cfg.paths.corpus} failed with an internal error, first: "
                               f"{skipped.iloc[0]['source_file']}: {skipped.iloc[0]['problem']}. This is a bug or "
                               "a broken installation, not a problem of your files; nothing was recorded as done, "
                               "so once it is fixed a rerun retries every text")
    why = f"; {len(skipped)} file(s) or row(s) skipped, first: {skipped.iloc[0]['source_file']}: " \
          f"{skipped.iloc[0]['problem']}" if len(skipped) else ""
    raise EmptyCorpusError(f"no Chinese or English document in {cfg.paths.corpus} ({len(result.documents)} "
                           f"documents in other languages{why}); see {result.folder / 'problems.csv'}")


def remove_repeated_lines(docs: pd.DataFrame, min_docs: int = 10, share: float = 0.3,
                          max_chars: int = 60, exclude: set | None = None) -> pd.DataFrame:
    """Site furniture: a short line (at most ``max_chars`` characters) found in at least ``share`` of
    the documents of one source (the same table file, or the same folder of text files) with at least
    ``min_docs`` documents is removed from their texts, and counted in ``boilerplate_removed`` as
    ``repeated_line``. Documents in ``exclude`` (exact copies of others) are not counted; a text that
    would be left empty is left whole. Lengths are recomputed."""
    from collections import Counter

    from .documents import text_sizes

    source = docs["source_file"].where(docs["doc_id"].str.contains(r"-r\d{5}", regex=True),
                                       docs["source_file"].str.rsplit("/", n=1).str[0].where(
                                           docs["source_file"].str.contains("/"), ""))
    drop: dict[str, set] = {}
    counted = ~docs["doc_id"].isin(list(exclude or ())).to_numpy()
    for src, idx in docs.groupby(source, sort=False).indices.items():
        idx = idx[counted[idx]]
        if len(idx) < min_docs:
            continue
        counts: Counter = Counter()
        for text in docs["text"].iloc[idx]:
            counts.update({line.strip() for line in text.split("\n") if 0 < len(line.strip()) <= max_chars})
        frequent = {line for line, n in counts.items() if n >= max(min_docs, share * len(idx))}
        if frequent:
            drop[src] = frequent
    if not drop:
        return docs
    docs = docs.copy()
    for i in np.flatnonzero(source.isin(list(drop)).to_numpy()):
        lines = docs.at[i, "text"].split("\n")
        kept = [ln for ln in lines if ln.strip() not in drop[source.iat[i]]]
        if len(kept) == len(lines) or not "".join(kept).strip():
            continue
        text = "\n".join(kept).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
        docs.at[i, "text"] = text
        for k, v in text_sizes(text).items():
            docs.at[i, k] = v
        note = f"repeated_line:{len(lines) - len(kept)}"
        prev = docs.at[i, "boilerplate_removed"]
        docs.at[i, "boilerplate_removed"] = f"{prev}, {note}" if isinstance(prev, str) and prev else note
    return docs


def mark_near_duplicates(docs: pd.DataFrame, threshold: float,
                         exact: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill ``duplicate_of`` for exact duplicates (the same text, always) and near-duplicates
    among documents in a supported language (``threshold`` > 0; one document per cluster is kept;
    see :mod:`analysis.corpus.near_duplicates`) and return the clusters (``duplicates.csv``)."""
    from .near_duplicates import DUPLICATE_COLUMNS, find_exact_duplicates, find_near_duplicates

    docs = docs.copy()
    docs["duplicate_of"] = pd.array([None] * len(docs), dtype="string")
    if exact is None:  # (the corpus stage finds them before site furniture is removed, and passes them)
        exact = find_exact_duplicates(docs) if len(docs) > 1 else pd.DataFrame(columns=DUPLICATE_COLUMNS)
    copies = set(exact.loc[~exact["kept"].astype(bool), "doc_id"]) if len(exact) else set()
    near = pd.DataFrame(columns=DUPLICATE_COLUMNS)
    if threshold > 0:
        near = find_near_duplicates(docs[docs["lang"].isin(["zh", "en"]) & ~docs["doc_id"].isin(copies)], threshold)
    if len(exact) and len(near):  # an exact cluster whose kept text is itself a near-duplicate joins that cluster
        cluster_of = dict(zip(near["doc_id"], near["cluster"]))
        exact = exact[~(exact["kept"].astype(bool) & exact["doc_id"].isin(list(cluster_of)))].copy()
        exact["cluster"] = [cluster_of.get(c, c) for c in exact["cluster"]]
        exact["duplicate_of"] = [None if k else c for k, c in zip(exact["kept"].astype(bool), exact["cluster"])]
    found = pd.concat([f for f in (exact, near) if len(f)], ignore_index=True) if len(exact) or len(near) \
        else near
    if len(found):
        links = found.dropna(subset=["duplicate_of"]).set_index("doc_id")["duplicate_of"]
        docs["duplicate_of"] = docs["doc_id"].map(links).astype("string")
    return docs, found


def duplicate_problems(docs: pd.DataFrame, found: pd.DataFrame) -> list[Problem]:
    """One problem per exact duplicate: the same text twice is usually a mistake in the corpus."""
    if not len(found):
        return []
    source = docs.set_index("doc_id")["source_file"]
    out = []
    for r in found[(found["rule"] == "exact") & ~found["kept"].astype(bool)].itertuples():
        out.append(Problem(source[r.doc_id], f"document {r.doc_id}",
                           f"the same text as {r.duplicate_of} ({source[r.duplicate_of]}): counted once", "counted once"))
    return out


def document_variables(docs: pd.DataFrame) -> pd.DataFrame:
    """The ``doc_vars`` of each document as columns (one per variable, text values), indexed like
    ``docs``: join them to group by any column of a tabular corpus."""
    import json

    rows = [json.loads(v) if isinstance(v, str) and v else {} for v in docs["doc_vars"]]
    return pd.DataFrame(rows, index=docs.index).astype("string")


#: The fields blanked together when a value is below ``min_confidence``: region → its hierarchy.
_CONFIDENCE_GROUPS = {"region": ("region", "province", "prefecture", "county", "adcode", "region_level"),
                      "quarter": ("quarter",), "period": ("period",), "year": ("year",)}


def analysable(docs: pd.DataFrame, min_confidence: str = "low", duplicates: bool = False) -> pd.DataFrame:
    """Documents in a supported language (zh, en), one per near-duplicate cluster unless
    ``duplicates``: what every analysis uses. Region, quarter, period and year values whose
    confidence is below ``min_confidence`` (low, medium, high; ``corpus.min_confidence``) are
    treated as unknown."""
    from ..pipeline.config import CONFIDENCE

    out = docs[docs["lang"].isin(["zh", "en"])]
    if not duplicates and "duplicate_of" in out:
        out = out[out["duplicate_of"].isna()]
    if min_confidence == CONFIDENCE[0]:
        return out
    rank = {c: i for i, c in enumerate(CONFIDENCE)}
    out = out.copy()
    for field, columns in _CONFIDENCE_GROUPS.items():
        weak = out[f"{field}_conf"].map(lambda c: rank.get(c, -1) < rank[min_confidence]).astype(bool) \
            & out[field].notna()
        if weak.any():
            out.loc[weak, list(columns)] = pd.NA
    return out
