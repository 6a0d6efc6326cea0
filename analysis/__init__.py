"""tifa: slogans (提法), keywords and topics in Chinese local-government economic speech.

The public API, in pipeline order (raw text → documents → tables → figures)::

    from analysis import load_config, build_corpus, load_documents
    cfg = load_config("tifa.toml")
    docs = build_corpus(cfg).documents
"""
from .config import Config, load_config
from .corpus import DOCUMENT_COLUMNS, analysable, build_corpus, load_documents

__all__ = ["Config", "load_config", "build_corpus", "load_documents", "analysable", "DOCUMENT_COLUMNS"]
__version__ = "0.1.0"
