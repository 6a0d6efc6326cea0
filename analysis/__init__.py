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
    tf.run("slogans", corp.subset("province == '浙江省'"))   # any stage, on any subset
    tf.build_all(tf.load_config())                 # every figure and table (make figures)

Each stage's runner is also offered as ``build_<stage>`` (``tf.build_slogans(cfg)``), from the
stage registry (docs/architecture.md).

Figures are functions of tables in :mod:`analysis.publishing.plots` (a table in, a figure out). Names are
imported on first use, so ``import analysis`` is cheap.
"""
from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "Config": "pipeline.config", "load_config": "pipeline.config",
    "load_documents": "corpus.stage", "analysable": "corpus.stage", "DOCUMENT_COLUMNS": "corpus.stage",
    "load_tokens": "text.token_table", "count_strings": "slogans.query", "kwic": "api",
    "build_all": "publishing.build", "run": "api", "register_cjk_font": "publishing.style",
    "Corpus": "api", "load_corpus": "api", "Tokens": "api", "DFM": "api", "textstat_frequency": "api",
    "textstat_keyness": "api", "textstat_trends": "api", "slogan_rates": "api", "slogan_counts": "api",
    "slogans_of": "api", "fit_topics": "api", "adoption": "api", "targets": "api", "text_reuse": "api",
}
#: modules offered by name: figures are functions of tables, the corpus tables functions of documents
_MODULES = {"plots": "publishing.plots", "corpus_tables": "corpus.tables", "adoption_plots": "publishing.diffusion_plots",
            "maps": "publishing.maps", "targets_plots": "publishing.targets_plots",
            "reuse_plots": "publishing.reuse_plots"}


def _stage_runners() -> dict:
    """``build_<stage>`` → the function that runs it, for every declared stage."""
    from .pipeline import registry

    return {f"build_{s.name}": s.run for s in registry.stages()}


def __getattr__(name: str):
    # everything is looked up on first use, __all__ too: importing the package finds no stage
    if name == "__all__":
        return sorted({*_API, *_MODULES, *_stage_runners()})
    if name in _MODULES:
        return import_module(f".{_MODULES[name]}", __name__)
    if name.startswith("build_") and name in _stage_runners():
        from .pipeline.registry import resolve

        return resolve(_stage_runners()[name])
    if name not in _API:
        raise AttributeError(f"module 'analysis' has no attribute '{name}'")
    return getattr(import_module(f".{_API[name]}", __name__), name)


def __dir__() -> list[str]:
    return [*__getattr__("__all__"), "__version__"]
