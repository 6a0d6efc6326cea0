"""A standalone HTML topic browser (no network): topics, top words re-ranked by relevance as λ moves,
and the most representative passages."""
from __future__ import annotations


import numpy as np


def browser_data(models: dict, topics, passages, lambdas=np.linspace(0, 1, 11), n: int = 15) -> dict:
    """What the browser shows, per language: ``models``: lang → fitted LdaTopics; ``topics`` and
    ``passages``: the stage's tables."""
    from ..topics.models import relevance

    data = {}
    for lang, m in models.items():
        vocab = m.vocabulary_
        tf = np.maximum(m.term_frequency_, 1e-12)
        by_lambda = {}
        for lam in lambdas:
            rel = relevance(m.topic_term_, tf, float(lam))
            by_lambda[f"{lam:.1f}"] = [[[vocab[j], float(m.topic_term_[t, j])] for j in np.argsort(-rel[t], kind="stable")[:n]]
                                       for t in range(m.k)]
        sub = topics[topics["lang"] == lang]
        data[lang] = {"labels": [str(x) for x in sub.sort_values("topic")["label"]],
                      "shares": [float(x) for x in sub.sort_values("topic")["share"]],
                      "words": by_lambda,
                      "passages": [[[str(r.doc_id), float(r.proportion), str(r.text)] for r in
                                    passages[(passages["lang"] == lang) & (passages["topic"] == t)].itertuples()]
                                   for t in range(m.k)]}
    return data


def browser_html(data: dict, topics) -> str:
    """The offline page for :func:`browser_data`, with the labels of ``topics`` (the researcher's)."""
    data = {lang: {**d, "labels": [str(x) for x in topics[topics["lang"] == lang].sort_values("topic")["label"]]}
            for lang, d in data.items()}
    from .templating import render

    return render("topic_browser.html.j2", data=data)
