"""Running declared stages in order, each only when it is out of date; and the plan of what would run.

``run_stages(cfg, ["keywords"])`` runs the corpus, tokens and keywords stages (each only when it is
out of date) and returns their results; the CLI, ``build_all``, the API and notebooks all go
through it. The stages and their order come from :mod:`analysis.pipeline.registry`.
"""
from __future__ import annotations

from . import registry
from .config import Config
from .runner import is_fresh


def run_stages(cfg: Config, wanted=None, progress: bool = True, force: bool = False, given=()) -> dict:
    """Run ``wanted`` (default: the stages ``figures`` runs) and what they need; stage → its result.
    A corpus with no document to analyse stops with :class:`~analysis.pipeline.problems.EmptyCorpusError`
    before any stage that reads it. ``given``: stages whose outputs are already in the data folder
    and must not be rerun (the documents table of a subset corpus)."""
    return dict(iter_stages(cfg, wanted, progress, force, given))


def iter_stages(cfg: Config, wanted=None, progress: bool = True, force: bool = False, given=()):
    """:func:`run_stages` one stage at a time: (name, result) as each finishes, so that a caller can
    use a stage's result (draw its figures) while the next one runs."""
    plan = registry.needed(wanted if wanted is not None else [s.name for s in registry.in_figures()])
    for name in (n for n in plan if n not in given):
        stage = registry.get(name)
        result = registry.resolve(stage.run)(cfg, progress, force)
        if stage.gate and registry.downstream(name) & set(plan):
            result = registry.resolve(stage.gate)(result, cfg)
        yield name, result


def stale(cfg: Config, wanted=None) -> list[str]:
    """The stages that a run of ``wanted`` would (re)compute now: those whose key, made from their
    declared inputs, differs from the one their outputs are stamped with, and every stage after one
    of those (its inputs will be rewritten)."""
    plan = registry.needed(wanted if wanted is not None else [s.name for s in registry.in_figures()])
    out: list[str] = []
    for name in plan:
        stage = registry.get(name)
        if any(s in out for s in stage.after) or not is_fresh(stage, cfg):
            out.append(name)
    return out


def check_files(cfg: Config, wanted) -> None:
    """Read the researcher files that ``wanted`` and the stages they need declare, before any work
    starts, so that every mistake in them is reported at once, not after an hour of fitting."""
    for name in registry.needed(wanted):
        stage = registry.get(name)
        if stage.check:
            registry.resolve(stage.check)(cfg)
