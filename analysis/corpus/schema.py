"""The documents table's schema: its columns, their types and meanings, checked on every write;
records gathered into Arrow batches and the table made from them; the problems table."""
from __future__ import annotations

import functools

import pandas as pd
import pyarrow as pa

from ..pipeline.problems import PROBLEM_COLUMNS, Problem
from .documents import PROVENANCE_FIELDS

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
    "removed_lines": ("string", "every line taken out of the text with the rule that took it (JSON list of "
                                "[rule, line]): page fields, navigation, boilerplate, repeated paragraphs"),
    "duplicate_of": ("string", "a near-duplicate (repost, syndicated copy) of this document, which analyses use "
                               "instead; empty for kept documents (docs/documents.md, duplicates.csv)"),
    "doc_vars": ("string", "a tabular corpus's other columns for this row (JSON object: column → value); "
                           "expand with analysis.corpus.stage.document_variables"),
}
for _field in PROVENANCE_FIELDS:
    DOCUMENT_COLUMNS[f"{_field}_source"] = ("string", f"rule that gave {_field}, 'override', or 'unknown: reason'")
    DOCUMENT_COLUMNS[f"{_field}_conf"] = ("string", f"confidence of {_field}: high, medium or low")


@functools.lru_cache(maxsize=1)
def arrow_schema() -> pa.Schema:
    """The documents' Arrow schema as they are read (before pandas: see :mod:`.documents_file`)."""
    types = {"string": pa.string(), "Int64": pa.int64(), "boolean": pa.bool_(), "date32": pa.date32(),
             "list<string>": pa.list_(pa.string())}
    return pa.schema([(c, types[t]) for c, (t, _) in DOCUMENT_COLUMNS.items()])


def to_batch(records: list[dict]) -> pa.RecordBatch:
    schema = arrow_schema()
    return pa.RecordBatch.from_arrays([pa.array([r.get(k) for r in records], type=field.type) for k, field
                                       in zip(DOCUMENT_COLUMNS, schema)], schema=schema)


def documents_frame_from_batches(batches: list[pa.RecordBatch]) -> pd.DataFrame:
    # converted column by column, freeing each Arrow column as it goes; documents arrive in path
    # order, which is doc_id order but for rare names, so sorting (a copy) is usually not needed
    table = pa.Table.from_batches(batches, schema=arrow_schema())
    batches.clear()
    frame = documents_frame(table)
    del table
    if not frame["doc_id"].is_monotonic_increasing:
        frame = frame.sort_values("doc_id", kind="stable").reset_index(drop=True)
    check_documents(frame)
    return frame


def documents_frame(table: pa.Table) -> pd.DataFrame:
    """Rows of the documents table (Arrow) as pandas holds them: strings, Int64 and boolean columns
    of pandas' own types, dates and lists as Python objects. ``table`` is not usable afterwards."""
    frame = table.to_pandas(types_mapper=_pandas_type, self_destruct=True, split_blocks=True)
    wrong = {c: t for c, (t, _) in DOCUMENT_COLUMNS.items()
             if t in ("string", "Int64", "boolean") and str(frame[c].dtype) != t}
    return frame.astype(wrong) if wrong else frame


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
    check_unique_ids(frame["doc_id"][frame["doc_id"].duplicated()].tolist())


def check_unique_ids(repeated: list[str]) -> None:
    """ValueError naming the doc_ids found again (``repeated``: the second and later occurrences of
    each, in the table's order), if any."""
    if repeated:
        raise ValueError(f"documents table has duplicate doc_id values: {', '.join(map(str, repeated[:5]))}")


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    frame = pd.DataFrame([p.__dict__ for p in problems], columns=PROBLEM_COLUMNS).astype("string")
    return frame.sort_values(PROBLEM_COLUMNS, kind="stable").reset_index(drop=True)
