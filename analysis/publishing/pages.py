"""The two self-contained HTML pages (no network, no external files): the concordance with a filter
box, and the topic browser (top words re-ranked by relevance as λ moves, the most representative
passages). Their data come from the stages' tables; the markup is in templates/."""
from __future__ import annotations

import pandas as pd

from ..text.kwic import COLUMNS
from .templating import render


def concordance_html(table: pd.DataFrame, title: str, note: str, item: str = "slogan") -> str:
    """The concordance page of a :func:`analysis.text.kwic.concordance` table (``item``: what its
    first column holds, a slogan or a query)."""
    return render("concordance.html.j2", title=title, note=note, rows=table[COLUMNS].values.tolist(),
                  slogans=sorted(table["slogan"].unique()), item=item)


#: the concordance page shows at most this many occurrences of each slogan: a page of two million
#: occurrences (477 MB at a million documents) opens in no browser; its CSV has every one
CONCORDANCE_PAGE_OCCURRENCES = 100


def shown_occurrences(keys: pd.DataFrame, per_item: int = CONCORDANCE_PAGE_OCCURRENCES):
    """The positions (in table order) of the rows of a concordance that its page shows: every row of
    an item (``keys["slogan"]``) with at most ``per_item`` occurrences; of the others, the
    ``per_item`` occurrences in the documents that come first in the order of the SHA-1 of their
    ``doc_id`` (its first 64 bits; within a document, and between equal digests, in table order).
    The order is fixed: the same rows on every run, spread over the corpus rather than taken from its
    first files, and a grown corpus keeps most of them."""
    import hashlib

    import numpy as np

    items, _ = pd.factorize(keys["slogan"])
    documents, ids = pd.factorize(keys["doc_id"])
    digests = np.fromiter((int(hashlib.sha1(str(d).encode("utf-8")).hexdigest()[:16], 16) for d in ids),
                          dtype=np.uint64, count=len(ids))
    order = np.lexsort((np.arange(len(keys)), digests[documents], items))   # by item, digest, position
    rank = pd.Series(items[order]).groupby(items[order]).cumcount().to_numpy()  # within its item
    return np.sort(order[rank < per_item])


def browser_html(data: dict, topics) -> str:
    """The offline page for :func:`analysis.topics.models.browser_data`, with the labels of ``topics`` (the researcher's)."""
    data = {lang: {**d, "labels": [str(x) for x in topics[topics["lang"] == lang].sort_values("topic")["label"]]}
            for lang, d in data.items()}
    return render("topic_browser.html.j2", data=data)


#: the reuse page shows the documents with most reuse, at most this many (the page holds their texts)
REUSE_PAGE_DOCUMENTS = 100


def reuse_page_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents the reuse page shows: those with reuse, most first (by share, then doc_id), at
    most ``REUSE_PAGE_DOCUMENTS``."""
    shown = documents[documents["chars_reused"] > 0].sort_values(["share", "doc_id"], ascending=[False, True])
    return shown.head(REUSE_PAGE_DOCUMENTS)


def reuse_html(documents: pd.DataFrame, passages: pd.DataFrame, texts: dict, title: str, note: str) -> str:
    """The reuse page: a document at a time (those with most reuse first, at most
    ``REUSE_PAGE_DOCUMENTS``), its passages that repeat a central text marked, the central passage
    shown beside a clicked one. ``texts``: doc_id → the text the offsets are in."""
    shown = reuse_page_documents(documents)
    by_doc = {k: g for k, g in passages.groupby("doc_id")}
    docs = [{"doc_id": str(d.doc_id), "title": "" if pd.isna(d.title) else str(d.title),
             "unit": "" if pd.isna(d.unit) else str(d.unit), "share": float(d.share), "text": texts[d.doc_id],
             "passages": [[int(p.start), int(p.end), str(p.ref_id), str(p.ref_text), float(p.similarity)]
                          for p in by_doc[d.doc_id].itertuples()]}
            for d in shown.itertuples()]
    return render("reuse_view.html.j2", title=title, note=note, docs=docs)
