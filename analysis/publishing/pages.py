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


def browser_html(data: dict, topics) -> str:
    """The offline page for :func:`analysis.topics.models.browser_data`, with the labels of ``topics`` (the researcher's)."""
    data = {lang: {**d, "labels": [str(x) for x in topics[topics["lang"] == lang].sort_values("topic")["label"]]}
            for lang, d in data.items()}
    return render("topic_browser.html.j2", data=data)
