"""Shared building blocks of the statistics: seeded generators, bootstrap weights over documents,
the G-test and the Log Ratio. One implementation, used by the slogan and the keyword statistics."""
from __future__ import annotations

import zlib

import numpy as np


def seeded_rng(seed: int, *key) -> np.random.Generator:
    """A generator seeded by the run's seed and a name (a group, a contrast): draws for one group
    stay the same when other groups are added or removed."""
    return np.random.default_rng([seed, zlib.crc32(repr(key).encode())])


def bootstrap_weights(B: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """B × n matrix: how often each of n documents is drawn in each of B resamples with replacement
    (the counts of n uniform draws per resample: multinomial, three times as fast as numpy's
    multinomial sampler)."""
    draws = rng.integers(0, n, size=(B, n)) + (np.arange(B) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=B * n).reshape(B, n).astype(float)


def g2(a, b, A: float, B: float) -> np.ndarray:
    """G² of the 2×2 tables [[a, A−a], [b, B−b]] (occurrences and other units in two corpora; the
    G-test of independence, 1 df), for scalars or arrays of counts."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    table = np.stack([a, A - a, b, B - b])
    N = A + B
    col = np.stack([a + b, N - a - b, a + b, N - a - b])
    expected = np.array([A, A, B, B]).reshape((4,) + (1,) * a.ndim) * col / N
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(table > 0, table * np.log(table / expected), 0.0)
    return 2 * terms.sum(axis=0)


def log_ratio(a, b, A: float, B: float) -> np.ndarray:
    """Hardie's Log Ratio: log2 of the ratio of relative frequencies, 0.5 for a zero count."""
    a = np.where(np.asarray(a, float) > 0, a, 0.5)
    b = np.where(np.asarray(b, float) > 0, b, 0.5)
    return np.log2((a / A) / (b / B))


#: corpus stop words (words in more than a share of the documents) need this many documents: with
#: fewer, a share of documents says nothing about the genre (topics and keyword trends use it)
STOPWORD_MIN_DOCS = 20


def corpus_stopword(documents_with, n_docs: int, share: float, keep=frozenset()):
    """The corpus stop-word rule, for topics and keyword trends alike (``documents_with``: a pandas
    Series, word → documents using it): a word in more
    than ``share`` of ``n_docs`` documents, not in ``keep`` (the lexicon's terms); none when there
    are fewer than STOPWORD_MIN_DOCS documents."""
    if n_docs < STOPWORD_MIN_DOCS or share >= 1:
        return documents_with.astype(bool) & False
    return (documents_with > share * n_docs) & ~documents_with.index.isin(list(keep))
