"""Seeded topics: the words that anchor a topic on a concept the researcher names (as keyATM's
keyword topics), from the lexicon's categories or a file of seed words, and how well each seeded
topic kept its seeds."""
from __future__ import annotations

from pathlib import Path


class SeedWordsError(ValueError):
    """A seed-words file that cannot be used; the message names the file, the lines and the problem."""


SEED_COLUMNS = ("topic", "word")


def seed_groups(spec: str, lexicon: Path, seed_file: Path) -> dict[str, list[str]]:
    """Topic name → seed words, in a fixed order. ``spec`` (topics.seed_topics): "none", "lexicon"
    (one topic per category of the lexicon, seeded with its terms) or "file" (``seed_file``, a CSV
    with the columns topic and word; a word may seed one topic only)."""
    if spec == "none":
        return {}
    if spec == "lexicon":
        from ..text.lexicon import read_lexicon

        groups: dict[str, list[str]] = {}
        for e in read_lexicon(lexicon).entries:
            groups.setdefault(e.category, []).append(e.term)
        return dict(sorted(groups.items()))
    return read_seed_file(seed_file)


def read_seed_file(path: Path) -> dict[str, list[str]]:
    import csv
    import io

    from ..corpus.readers import DecodeError, decode_bytes, read_file
    from ..pipeline.problems import all_errors

    path = Path(path)
    if not path.exists():
        raise SeedWordsError(f"{path}: no such file (topics.seed_topics = \"file\" reads it; columns topic, word)")
    try:
        rows = list(csv.reader(io.StringIO(decode_bytes(read_file(path)).text)))
    except (DecodeError, OSError) as exc:
        raise SeedWordsError(f"{path}: {exc}") from None
    header = [h.strip() for h in rows[0]] if rows else []
    if any(c not in header for c in SEED_COLUMNS):
        raise SeedWordsError(f"{path}: line 1: the header must name the columns topic, word "
                             f"(found: {', '.join(header) or 'nothing'})")
    at = {c: header.index(c) for c in SEED_COLUMNS}
    groups: dict[str, list[str]] = {}
    first: dict[str, tuple[str, int]] = {}
    errors = []
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(at.values()):
            errors.append(f"line {line}: {len(row)} cells, the header has {len(header)}")
            continue
        topic, word = row[at["topic"]].strip(), row[at["word"]].strip()
        if not topic or not word:
            errors.append(f"line {line}: an empty topic or word")
        elif word in first and first[word][0] != topic:
            errors.append(f"line {line}: '{word}' already seeds topic '{first[word][0]}' (line {first[word][1]})")
        elif word not in first:
            first[word] = (topic, line)
            groups.setdefault(topic, []).append(word)
    if errors:
        raise SeedWordsError(all_errors(str(path), errors))
    if not groups:
        raise SeedWordsError(f"{path}: no seed words")
    return groups


def seeds_kept(model, names: list[str], top: int = 20) -> "pd.DataFrame":
    """How well each seeded topic kept its seeds: of the seed words in the vocabulary, how many are
    among the topic's ``top`` words, and the share of the seeds' probability (summed over topics)
    that their own topic holds (1 = only there; 1/K = spread evenly)."""
    import numpy as np
    import pandas as pd

    rows = []
    vocab = model.vocabulary_
    index = {w: i for i, w in enumerate(vocab)}
    for topic, name in enumerate(names):
        seeds = model.seed_words_.get(topic, [])
        ids = [index[w] for w in seeds]
        order = np.argsort(-model.topic_term_[topic], kind="stable")[:top]
        in_top = [vocab[j] for j in order if vocab[j] in set(seeds)]
        mass = model.topic_term_[:, ids].sum() if ids else 0.0
        rows.append({"topic": topic, "seeded_with": name, "seeds": len(seeds), "seeds_in_top": len(in_top),
                     "seed_share": float(model.topic_term_[topic, ids].sum() / mass) if mass else float("nan"),
                     "top_words": " ".join(vocab[j] for j in order[:10]), "seeds_found": " ".join(in_top)})
    for topic in range(len(names), model.k):
        order = np.argsort(-model.topic_term_[topic], kind="stable")[:10]
        rows.append({"topic": topic, "seeded_with": "", "seeds": 0, "seeds_in_top": 0, "seed_share": float("nan"),
                     "top_words": " ".join(vocab[j] for j in order), "seeds_found": ""})
    return pd.DataFrame(rows)
