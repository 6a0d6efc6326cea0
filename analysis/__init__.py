"""tifa: slogans (提法), keywords and topics in Chinese local-government economic speech.

The public API, in pipeline order (raw text → documents → tokens → counts and models → figures)::

    from analysis import load_config, build_all
    cfg = load_config("tifa.toml")
    done = build_all(cfg)                 # every stage that is out of date, then figures and report

    docs = load_documents(cfg)            # the documents table (docs/documents.md)
    tokens = load_tokens(cfg)             # the token table (docs/tokens.md)
    count_strings(["稳", "就业"], analysable(docs))
    build_slogans(cfg).tables["rates"]    # docs/slogans.md
    build_keywords(cfg).tables["trends"]  # docs/keywords.md
    build_topics(cfg).tables["topics"]    # docs/topics.md

Figures are functions of tables in :mod:`analysis.plots` (a table in, a figure out). Names are
imported on first use, so ``import analysis`` is cheap.
"""
from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "Config": "config", "load_config": "config",
    "build_corpus": "corpus", "load_documents": "corpus", "analysable": "corpus", "DOCUMENT_COLUMNS": "corpus",
    "build_tokens": "token_table", "load_tokens": "token_table",
    "build_slogans": "slogan_table", "count_strings": "slogan_table",
    "build_keywords": "keyword_table",
    "build_topics": "topic_table",
    "build_all": "build",
    "plots": None, "corpus_tables": None,
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'analysis' has no attribute '{name}'")
    module = _API[name]
    if module is None:
        return import_module(f".{name}", __name__)
    return getattr(import_module(f".{module}", __name__), name)
