"""The topic engines by name: the one place that knows both estimators (models.py holds the
variational one and the estimator base; gibbs.py the Gibbs one, built on that base)."""
from __future__ import annotations

from .gibbs import GibbsLda
from .models import LdaTopics

ENGINES = ("tomotopy", "gensim")


def make_model(engine: str, k: int, seed: int, tp, grid: bool = False) -> LdaTopics | GibbsLda:
    """The estimator of ``topics.engine`` with the settings of ``tp`` (TopicParams); ``grid``: a fit
    of the K grid (tomotopy: ``topics.grid_iterations`` sweeps from a plain start, enough to rank K;
    the chosen K is fitted with ``topics.gibbs_iterations`` and the ``topics.nmf_prior``)."""
    if engine == "gensim":
        return LdaTopics(k, seed, tp.passes, tp.iterations)
    if engine == "tomotopy":
        if grid:
            return GibbsLda(k, seed, tp.grid_iterations)
        return GibbsLda(k, seed, tp.gibbs_iterations, nmf_prior=tp.nmf_prior)
    raise ValueError(f"topics.engine: '{engine}' is not one of {', '.join(ENGINES)}")
