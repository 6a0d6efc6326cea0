"""Units of documents with a known share of reused characters, for the calibration of the per-unit
share's interval (bench/reuse_calibration.py and the tests).

Each document has a length drawn from a log-normal (median 3,000 characters, as a speech or a news
report: σ = 0.8) and a reused share drawn from a Beta distribution with the unit's mean and a
concentration ``phi`` (small phi: documents differ much, some copy whole paragraphs and some
nothing; over-dispersed, as real reuse is). The truth is the unit's expected pooled share, its mean.
"""
from __future__ import annotations

import numpy as np


def unit_documents(rng: np.random.Generator, documents: int, mean: float, phi: float = 4.0,
                   median_chars: float = 3000.0, sigma: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """(characters reused, characters) of each of ``documents`` documents of one unit."""
    chars = np.maximum(np.round(median_chars * np.exp(sigma * rng.standard_normal(documents))), 50)
    share = rng.beta(mean * phi, (1 - mean) * phi, size=documents)
    return np.round(share * chars), chars


def coverage(rng: np.random.Generator, documents: int, mean: float, phi: float, replicates: int) -> float:
    """How often the 95% interval of the pooled share covers the unit's mean."""
    from ..stats.inference import rate_interval

    hits = 0
    for _ in range(replicates):
        y, e = unit_documents(rng, documents, mean, phi)
        _, lo, hi = (float(v[0]) for v in rate_interval(y, e))
        hits += lo <= mean <= min(hi, 1.0)
    return hits / replicates
