"""tifa: slogans (提法), keywords and topics in Chinese local-government economic speech.

The public API (docs/api.md), in pipeline order (raw text → documents → tokens → counts and
models → figures)::

    import analysis as tf
    corp = tf.load_corpus("tifa.toml")                  # documents with their variables
    tf.slogan_rates(corp, by="outlet", add={"一线工作法": ["一线工作法"]})
    dfm = corp.tokens().dfm()                      # document-feature matrix
    tf.textstat_keyness(dfm, by="province")
    tf.textstat_trends(dfm, period="quarter")
    tf.fit_topics(corp, k=8)
    tf.build_all(tf.load_config())                 # every figure and table (make figures)

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
    "Corpus": "api", "load_corpus": "api", "Tokens": "api", "DFM": "api", "textstat_frequency": "api",
    "textstat_keyness": "api", "textstat_trends": "api", "slogan_rates": "api", "slogan_counts": "api",
    "slogans_of": "api", "fit_topics": "api",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'analysis' has no attribute '{name}'")
    module = _API[name]
    if module is None:
        return import_module(f".{name}", __name__)
    return getattr(import_module(f".{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__ + ["__version__"])
