"""Keyword in context: every occurrence with its left and right context, as a table and a page."""
from __future__ import annotations


import pandas as pd

COLUMNS = ["slogan", "doc_id", "region", "quarter", "lang", "left", "match", "right"]


def concordance(docs: pd.DataFrame, texts: dict[str, str], matcher, rule: str = "all",
                context: int = 30) -> pd.DataFrame:
    """One row per occurrence: slogan, document, region, quarter, left context, match, right context."""
    years = docs["year"] if "year" in docs else pd.Series(None, index=docs.index)
    meta = dict(zip(docs["doc_id"], zip(docs["lang"], docs["region"], docs["quarter"], years)))
    rows = []
    for doc_id in sorted(texts):
        text = texts[doc_id]
        lang, region, quarter, year = meta[doc_id]
        for o in matcher.occurrences(text, lang, rule, None if pd.isna(year) else int(year)):
            rows.append((o.concept, doc_id, "unknown" if pd.isna(region) else region,
                         "unknown" if pd.isna(quarter) else quarter, lang, *in_context(text, o.start, o.end, context)))
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["slogan", "doc_id"], kind="stable").reset_index(drop=True)


def combined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The concordances of a corpus's slices (each made by :func:`concordance`) as the corpus's one,
    ordered as :func:`concordance` orders it."""
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(["slogan", "doc_id"], kind="stable").reset_index(drop=True)


def in_context(text: str, start: int, end: int, context: int) -> tuple[str, str, str]:
    """The match ``text[start:end]`` with ``context`` characters on each side, each side on one line."""
    return (text[max(0, start - context):start].replace("\n", " "), text[start:end],
            text[end:end + context].replace("\n", " "))
