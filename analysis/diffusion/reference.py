"""The centre's clock: a reference corpus (national Government Work Reports, central news, Party
documents) read like the corpus, dated, and searched for each slogan's first use.

The reference is any folder or table the corpus stage reads (``adoption.reference`` in tifa.toml).
A reference document's date is its meeting date, else its publication date, else a year that the
file's name is (``2013.txt``: reports are saved by year), else its quarter or year; the rule is kept
(``ref_date_rule``). Slogans are counted with the lexicon and the counting rule of the corpus, eras
included, so a first use in the reference means what it means in the corpus."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..corpus.reference import read_reference
from ..slogans.matcher import Matcher
from .timing import document_dates

REFERENCE_COLUMNS = ["slogan", "ref_date", "ref_doc_id", "ref_passage", "ref_date_rule"]


def reference_documents(folder: Path, reading, overrides: str, columns: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reference corpus's documents (read as the corpus is: ``reading`` is a
    :class:`~analysis.corpus.stage.FolderReading`; one per duplicate cluster), each with ``date`` and
    ``date_rule`` (undated ones are left out and named in the problems), and the problems of reading it."""
    docs, problems = read_reference(folder, reading, overrides, columns)
    dated = document_dates(docs, ("meeting_date", "pub_date", "file_year", "quarter", "year"))
    dated["date_rule"] = dated["date_rule"].replace("file_year", "file name")
    undated = docs[~docs["doc_id"].isin(set(dated["doc_id"]))]
    if len(undated):
        extra = pd.DataFrame({"source_file": undated["source_file"], "where": "", "problem":
                              "reference document without a date (no meeting or publication date, no year in its "
                              "name or text): left out of the centre's clock", "action": "skipped"})
        problems = pd.concat([problems, extra], ignore_index=True)
    return docs.merge(dated, on="doc_id"), problems


def reference_first_uses(docs: pd.DataFrame, matcher: Matcher, rule: str, include_title: bool,
                         context: int = 30) -> pd.DataFrame:
    """Each slogan's first use in the reference: its date, document and passage."""
    from ..slogans.concepts import counted_texts

    texts = counted_texts(docs, include_title)
    firsts: dict[str, tuple] = {}
    ordered = docs.sort_values(["date", "doc_id"], kind="stable")
    for row in ordered.itertuples():
        year = row.date.year
        for occ in matcher.occurrences(texts[row.doc_id], row.lang, "longest" if rule == "longest" else "all", year):
            if occ.concept not in firsts:
                text = texts[row.doc_id]
                passage = (text[max(0, occ.start - context):occ.start] + "【" + text[occ.start:occ.end] + "】"
                           + text[occ.end:occ.end + context]).replace("\n", " ")
                firsts[occ.concept] = (row.date, row.doc_id, passage, row.date_rule)
    table = pd.DataFrame([(s, *v) for s, v in sorted(firsts.items())], columns=REFERENCE_COLUMNS)
    table["ref_date"] = pd.to_datetime(table["ref_date"])
    return table
