"""The slogans the lexicon defines, and the text of a document that is counted (light: no stage)."""
from __future__ import annotations

import pandas as pd

from ..text.lexicon import Lexicon


def slogan_concepts(lexicon: Lexicon, slogans_only: bool = True) -> dict[str, tuple[list[str], list[str]]]:
    """Canonical term → (Chinese forms, English renderings) for the lexicon's slogans."""
    return {e.term: (list(e.surfaces), list(e.english)) for e in lexicon.entries if e.slogan or not slogans_only}


def slogan_eras(lexicon: Lexicon) -> dict:
    """Slogan → whether a document's year is that of the sense counted, for the lexicon's slogans
    bound to years (valid_from / valid_to)."""
    return {e.term: e.counts_in for e in lexicon.entries
            if e.slogan and (e.valid_from is not None or e.valid_to is not None)}


def counted_texts(docs: pd.DataFrame, include_title: bool = True) -> dict[str, str]:
    """doc_id → the text that is counted: the title (when included) and the cleaned text."""
    out = {}
    for doc_id, title, text in zip(docs["doc_id"], docs["title"], docs["text"]):
        title = "" if title is None or pd.isna(title) else str(title)
        out[doc_id] = f"{title}\n\n{text}" if include_title and title else str(text)
    return out
