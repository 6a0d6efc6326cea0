"""The stages in order, and what each needs before it: one place that knows the chain.

``run_stages(cfg, ["keywords"])`` runs the corpus, tokens and keywords stages (each only when it is
out of date) and returns their results; the CLI, ``build_all`` and notebooks all go through it.
"""
from __future__ import annotations

from .config import Config

#: stage → the stages whose outputs it reads
REQUIRES = {"corpus": (), "tokens": ("corpus",), "slogans": ("corpus", "tokens"),
            "keywords": ("corpus", "tokens"), "topics": ("corpus", "tokens")}
ORDER = tuple(REQUIRES)


def _corpus(cfg: Config, progress: bool, force: bool):
    from ..corpus.stage import build_corpus, require_documents

    return require_documents(build_corpus(cfg, progress=progress, force=force), cfg)


def _tokens(cfg: Config, progress: bool, force: bool):
    from ..text.stage import build_tokens

    return build_tokens(cfg, progress=progress, force=force)


def _slogans(cfg: Config, progress: bool, force: bool):
    from ..slogans.stage import build_slogans

    return build_slogans(cfg, progress=progress, force=force)


def _keywords(cfg: Config, progress: bool, force: bool):
    from ..keywords.stage import build_keywords

    return build_keywords(cfg, progress=progress, force=force)


def _topics(cfg: Config, progress: bool, force: bool):
    """The topics stage's result with the researcher's labels applied (they are not part of the fit)."""
    from ..topics.labels import labelled
    from ..topics.stage import build_topics

    return labelled(build_topics(cfg, progress=progress, force=force), cfg.topics.labels)


_RUN = {"corpus": _corpus, "tokens": _tokens, "slogans": _slogans, "keywords": _keywords, "topics": _topics}


def needed(wanted) -> list[str]:
    """The stages to run for ``wanted``, prerequisites first, in pipeline order."""
    unknown = [w for w in wanted if w not in REQUIRES]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)} (known: {', '.join(ORDER)})")
    chosen = set(wanted) | {r for w in wanted for r in REQUIRES[w]}
    return [s for s in ORDER if s in chosen]


def run_stages(cfg: Config, wanted=ORDER, progress: bool = True, force: bool = False) -> dict:
    """Run ``wanted`` and what they need (each only when out of date); stage → its result. A corpus
    with no document to analyse stops with :class:`~analysis.pipeline.problems.EmptyCorpusError`."""
    return dict(iter_stages(cfg, wanted, progress, force))


def iter_stages(cfg: Config, wanted=ORDER, progress: bool = True, force: bool = False):
    """:func:`run_stages` one stage at a time: (name, result) as each finishes, so that a caller can
    use a stage's result (draw its figures) while the next one runs."""
    for name in needed(wanted):
        yield name, _RUN[name](cfg, progress, force)
