"""Near-duplicate documents: syndicated copies, 转载 and reposts of the same text across sites.

Each text is cut into overlapping character 5-grams (whitespace and punctuation removed, the
first ``max_chars`` (1,000) characters: a repost with a trimmed ending keeps its beginning); the set of 5-grams
gets a MinHash signature, and MinHash LSH (datasketch) proposes the pairs whose estimated Jaccard
similarity may reach ``threshold``. Pairs whose signatures agree on at least that share of
positions are joined into clusters (union–find). One document per cluster is kept: the earliest
publication date, then the longest text, then the first doc_id; the others point to it in the
documents table's ``duplicate_of`` and are left out of analyses.

datasketch hashes the shingles of a text one by one in Python and indexes documents one by one,
too slow for a hundred thousand documents (65 s for 100,000 news items, measured); here the
signatures are computed in numpy (multiply-shift hashing of 32-bit shingle hashes, one random odd
multiplier and offset per position) and the LSH bands are grouped with numpy, with the number of
bands and rows that datasketch's MinHashLSH chooses for the threshold (its ``_optimal_param``).
Consecutive members of a band's bucket are compared (a bucket of n identical texts gives n − 1
checks, not n²).
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

from ..pipeline.problems import Problem

NUM_PERM = 64
SHINGLE = 5
#: what shingles ignore: whitespace and punctuation (a repost may change ， into , or drop quotes)
_WORDISH = re.compile(r"[\W_]+")


def signatures(texts: list[str], num_perm: int = NUM_PERM, k: int = SHINGLE, max_chars: int = 1000,
               seed: int = 1, batch: int = 128) -> np.ndarray:
    """MinHash signatures (documents × ``num_perm``, uint32) of the texts' character k-gram sets
    (whitespace and punctuation removed, the first ``max_chars`` characters), a batch of texts at a time
    (the positions × windows of 128 news items are 32 MB; batches of 512 took 130 MB and were slower)."""
    rng = np.random.default_rng(seed)
    a = (rng.integers(1, 2 ** 32, num_perm, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
    b = rng.integers(0, 2 ** 32, num_perm, dtype=np.uint64).astype(np.uint32)
    out = np.full((len(texts), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(texts), batch):
        chunk = [_WORDISH.sub("", t[: max_chars * 2])[:max_chars] for t in texts[start:start + batch]]
        lengths = np.array([len(t) for t in chunk])
        codes = np.frombuffer("".join(chunk).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if len(codes) < k:
            continue
        h = np.zeros(len(codes) - k + 1, dtype=np.uint64)
        for j in range(k):  # polynomial hash of every window, wrapping at 64 bits
            h = h * np.uint64(1_000_003) + codes[j:len(codes) - k + 1 + j]
        h32 = (h ^ (h >> np.uint64(29))).astype(np.uint32)
        offsets = np.r_[0, np.cumsum(lengths)[:-1]]
        windows = np.maximum(lengths - k + 1, 0)                       # windows inside each text
        has = windows > 0
        first = np.r_[0, np.cumsum(windows)[:-1]]
        inside = np.repeat(offsets - first, windows) + np.arange(windows.sum())
        h32 = h32[inside]                                              # windows that cross two texts dropped
        with np.errstate(over="ignore"):
            permuted = a[:, None] * h32[None, :] + b[:, None]          # uint32, wrapping: multiply-shift
        mins = np.minimum.reduceat(permuted, first[has], axis=1).T      # positions × windows: contiguous rows
        out[start:start + len(chunk)][has] = mins
    return out


def clusters(signature, threshold: float, days: np.ndarray | None = None, max_days: int = 31) -> np.ndarray:
    """Cluster label of each document (the smallest index in its cluster). LSH banding with the
    bands and rows datasketch's MinHashLSH would choose for ``threshold``; documents that share a
    band are candidates, confirmed when their signatures agree on at least ``threshold`` of the
    positions, and (with ``days``, publication dates as day numbers, NaN unknown) published at most
    ``max_days`` apart: a repost follows its original within weeks, a templated item (the yearly
    announcement of the NPC session) comes back a year later; connected components of the
    confirmed pairs are the clusters. ``signature``: documents × positions, an array or anything
    that gives ``shape`` and a few positions of every document as ``signature[:, lo:hi]`` (the
    corpus build's signatures on disk, :class:`analysis.corpus.spill.SignatureRows`)."""
    from datasketch.lsh import _optimal_param
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n, num_perm = signature.shape
    bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
    left, right = [], []
    for band in range(bands):
        keys = np.ascontiguousarray(signature[:, band * rows:(band + 1) * rows]).view(
            np.dtype((np.void, 4 * rows))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[inverse] > 1)
        if len(shared) == 0:
            continue
        order = shared[np.argsort(inverse[shared], kind="stable")]
        same = inverse[order][1:] == inverse[order][:-1]             # consecutive members of a bucket
        left.append(order[:-1][same])
        right.append(order[1:][same])
    labels = np.arange(n)
    if left:
        i, j = np.concatenate(left), np.concatenate(right)
        pairs = np.unique(np.c_[np.minimum(i, j), np.maximum(i, j)], axis=0)
        agree = agreement(signature, pairs) >= threshold
        if days is not None:
            gap = np.abs(days[pairs[:, 0]] - days[pairs[:, 1]])
            agree &= ~(gap > max_days)                                  # unknown dates do not separate
        pairs = pairs[agree]
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
        _, comp = connected_components(graph, directed=False)
        first = np.full(comp.max() + 1, n)
        np.minimum.at(first, comp, np.arange(n))
        labels = first[comp]
    return labels


def agreement(signature, pairs: np.ndarray, step: int = 8) -> np.ndarray:
    """The share of positions on which the signatures of each pair (rows of two indices) agree: the
    estimated Jaccard similarity of their shingle sets. ``signature`` as :func:`clusters` takes it,
    read ``step`` positions at a time."""
    n, num_perm = signature.shape
    matches = np.zeros(len(pairs), dtype=np.int64)
    for lo in range(0, num_perm, step):
        block = signature[:, lo:min(lo + step, num_perm)]
        matches += (block[pairs[:, 0]] == block[pairs[:, 1]]).sum(axis=1)
    return matches / num_perm


DUPLICATE_COLUMNS = ["doc_id", "cluster", "kept", "duplicate_of", "similarity", "rule", "why"]


def find_near_duplicates(docs: pd.DataFrame, threshold: float = 0.5, max_chars: int = 1000,
                         max_days: int = 31) -> pd.DataFrame:
    """One row per document in a cluster of two or more: its cluster (the kept document's id), whether
    it is kept, the document it duplicates, the estimated Jaccard similarity to it, and why the kept
    one was chosen. ``docs`` needs doc_id, text, pub_date and n_chars."""
    if len(docs) < 2 or threshold <= 0:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    docs = docs.reset_index(drop=True)
    sig = signatures(docs["text"].fillna("").tolist(), max_chars=max_chars)
    dates = pd.to_datetime(docs["pub_date"])
    days = ((dates - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float)
    return near_duplicate_table(sig, days, lambda members: docs.iloc[members], threshold, max_days)


def near_duplicate_table(signature, days: np.ndarray, members, threshold: float, max_days: int = 31) -> pd.DataFrame:
    """The rows of :func:`find_near_duplicates` from the documents' signatures (as :func:`clusters`
    takes them) and publication days; ``members(indices)``: those documents' doc_id, pub_date and
    n_chars (a DataFrame indexed by the indices)."""
    if signature.shape[0] < 2:
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    label = clusters(signature, threshold, days, max_days)
    order = np.argsort(label, kind="stable")
    bounds = np.flatnonzero(np.r_[True, label[order][1:] != label[order][:-1], True])
    groups = [order[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b - a > 1]
    chosen = [_kept(members(group)) for group in groups]
    pairs = np.array([(m, kept) for group, (kept, _) in zip(groups, chosen) for m in group], dtype=np.int64)
    similar = iter(agreement(signature, pairs).tolist() if groups else ())
    rows = []
    for group, (kept, why) in zip(groups, chosen):
        part = members(group)
        rows += _cluster_rows(part, kept, why, [next(similar) for _ in group], "minhash")
    return pd.DataFrame(rows, columns=DUPLICATE_COLUMNS).sort_values(["cluster", "doc_id"]).reset_index(drop=True)


def _kept(part: pd.DataFrame) -> tuple:
    """The index of the kept document of a cluster (``part``: its documents' doc_id, pub_date and
    n_chars), and why: the earliest published, then the longest, then the first doc_id."""
    order = part.assign(_d=pd.to_datetime(part["pub_date"]), _n=-part["n_chars"].astype(float)).sort_values(
        ["_d", "_n", "doc_id"], na_position="last", kind="stable")
    dated = order["_d"].notna()
    if dated.iloc[0] and (dated.sum() > 1 and order["_d"].iloc[0] < order["_d"].iloc[1:].min()):
        why = "earliest publication date"
    elif order["_n"].iloc[0] < order["_n"].iloc[1:].min():
        why = "longest text"
    else:
        why = "first doc_id"
    return order.index[0], why


def _cluster_rows(part: pd.DataFrame, kept, why: str, similarity: list[float], rule: str) -> list[dict]:
    """The rows of one cluster (``part``: its documents, in index order), ``kept`` the index of the kept one."""
    kept_id = part.at[kept, "doc_id"]
    return [{"doc_id": doc_id, "cluster": kept_id, "kept": bool(m == kept), "duplicate_of": None if m == kept else kept_id,
             "similarity": s, "rule": rule, "why": why} for m, doc_id, s in zip(part.index, part["doc_id"], similarity)]


_SPACE = re.compile(r"\s+")


def text_digest(text: str | None) -> bytes:
    """What makes two texts exact duplicates: their characters but for white space (16 bytes)."""
    return hashlib.blake2b(_SPACE.sub("", text or "").encode(), digest_size=16).digest()


def exact_duplicate_table(digests: np.ndarray, nonempty: np.ndarray, members) -> pd.DataFrame:
    """Documents whose texts are the same but for white space (the same file twice, a text file and
    a table row of the same speech), whatever their dates: rows as :func:`find_near_duplicates`,
    with rule "exact". ``digests``: each document's :func:`text_digest` (a bytes array, ``V16``);
    ``nonempty``: whether its text has anything but white space; ``members`` as
    :func:`near_duplicate_table` takes it. Clusters in the order of their first document."""
    if not len(digests):
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    _, inverse, counts = np.unique(digests, return_inverse=True, return_counts=True)
    copied = np.flatnonzero((counts[inverse] > 1) & nonempty)
    if not len(copied):
        return pd.DataFrame(columns=DUPLICATE_COLUMNS)
    _, first, cluster = np.unique(inverse[copied], return_index=True, return_inverse=True)
    order = copied[np.lexsort((copied, first[cluster]))]      # by the cluster's first document, then in order
    key = inverse[order]
    bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True])
    rows = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        part = members(order[a:b])
        kept, why = _kept(part)
        rows += _cluster_rows(part, kept, why, [1.0] * (b - a), "exact")
    return pd.DataFrame(rows, columns=DUPLICATE_COLUMNS)


def merge_duplicates(exact: pd.DataFrame, near: pd.DataFrame) -> pd.DataFrame:
    """The duplicates table (``duplicates.csv``): the exact duplicates' rows, then the near-duplicates'
    (found among the documents in a supported language that are not exact copies); an exact cluster
    whose kept text is itself a near-duplicate joins that cluster."""
    if len(exact) and len(near):
        cluster_of = dict(zip(near["doc_id"], near["cluster"]))
        exact = exact[~(exact["kept"].astype(bool) & exact["doc_id"].isin(list(cluster_of)))].copy()
        exact["cluster"] = [cluster_of.get(c, c) for c in exact["cluster"]]
        exact["duplicate_of"] = [None if k else c for k, c in zip(exact["kept"].astype(bool), exact["cluster"])]
    return pd.concat([f for f in (exact, near) if len(f)], ignore_index=True) if len(exact) or len(near) else near


def duplicate_links(found: pd.DataFrame) -> pd.Series:
    """doc_id → the document it duplicates (the documents table's ``duplicate_of``), for the duplicates."""
    if not len(found):
        return pd.Series([], dtype="string")
    return found.dropna(subset=["duplicate_of"]).set_index("doc_id")["duplicate_of"]


def duplicate_problems(found: pd.DataFrame, source: pd.Series) -> list[Problem]:
    """One problem per exact duplicate: the same text twice is usually a mistake in the corpus.
    ``source``: doc_id → source_file, for the documents of ``found``."""
    if not len(found):
        return []
    out = []
    for r in found[(found["rule"] == "exact") & ~found["kept"].astype(bool)].itertuples():
        out.append(Problem(source[r.doc_id], f"document {r.doc_id}",
                           f"the same text as {r.duplicate_of} ({source[r.duplicate_of]}): counted once", "counted once"))
    return out
