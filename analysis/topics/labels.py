"""The researcher's topic labels (``topic_labels.csv``: lang, topic, label), checked row by row."""
from __future__ import annotations

from pathlib import Path


class LabelsError(ValueError):
    """A topic labels file that cannot be used; the message lists every bad line."""


LABEL_COLUMNS = ("lang", "topic", "label")


def read_labels(path: Path) -> tuple[dict, list[str]]:
    """Researcher-given topic labels, ``(lang, topic) → (label, line)``, and notes on rows that are
    not used (an empty label). Wrong rows (a wrong number of cells, a language other than zh or
    en, a topic that is not a whole number, the same topic twice) raise :class:`LabelsError`
    listing them all."""
    import csv
    import io

    from ..pipeline.problems import all_errors
    from ..corpus.readers import DecodeError, decode_bytes, read_file

    path = Path(path)
    if not path.exists():
        return {}, []
    try:
        text = decode_bytes(read_file(path)).text
    except (DecodeError, OSError) as exc:
        raise LabelsError(f"{path}: {exc}") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return {}, []
    header = [h.strip() for h in rows[0]]
    if any(c not in header for c in LABEL_COLUMNS):
        raise LabelsError(f"{path}: line 1: the header must name the columns {', '.join(LABEL_COLUMNS)} "
                          f"(found: {', '.join(header)})")
    at = {c: header.index(c) for c in LABEL_COLUMNS}
    labels: dict = {}
    errors, notes = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            errors.append(f"line {line}: {len(row)} cells, the header has {len(header)} (quote a label that "
                          "contains a comma)")
            continue
        lang, topic, label = (row[at[c]].strip() for c in LABEL_COLUMNS)
        bad = []
        if lang not in ("zh", "en"):
            bad.append(f"language '{lang}' is not zh or en")
        if not topic.isdigit():
            bad.append(f"topic '{topic}' is not a whole number (topics are numbered from 0)")
        elif (lang, int(topic)) in labels:
            bad.append(f"{lang} topic {topic} is labelled again (first on line {labels[(lang, int(topic))][1]})")
        if bad:
            errors += [f"line {line}: {b}" for b in bad]
            continue
        if not label:
            notes.append(f"{path.name} line {line}: empty label for {lang} topic {topic}: the suggested label is used")
            continue
        labels[(lang, int(topic))] = (label, line)
    if errors:
        raise LabelsError(all_errors(str(path), errors))
    return labels, notes


def apply_labels(tables: dict, path: Path) -> dict:
    """The topics stage's tables with the researcher's labels in ``topics.label`` (the suggested label
    where none is given) and a note for each label that is empty or names a topic beyond K."""
    import pandas as pd

    labels, notes = read_labels(path)
    topics = tables["topics"].copy()
    ks = {r.lang: int(r.k) for r in topics.drop_duplicates("lang").itertuples()}
    given = [labels.get((lang, int(t)), (None,))[0] for lang, t in zip(topics["lang"], topics["topic"])]
    topics["label"] = [g if g is not None else s for g, s in zip(given, topics["suggested_label"])]
    more = [("", n) for n in notes]
    more += [(lang, f"{Path(path).name} line {line}: {lang} topic {t} does not exist"
                    + (f" (K = {ks[lang]})" if lang in ks else " (no topic model of this language)") + ": label not used")
             for (lang, t), (_, line) in sorted(labels.items()) if t >= ks.get(lang, 0)]
    replaced = {"topics": topics}
    if more:
        replaced["notes"] = pd.concat([tables["notes"], pd.DataFrame(more, columns=["lang", "note"])], ignore_index=True)
    return tables.replace(**replaced) if hasattr(tables, "replace") else {**tables, **replaced}


def labelled(result, path: Path):
    """A topics stage result (folder, rebuilt, tables) with the labels of ``path`` applied."""
    import dataclasses

    return dataclasses.replace(result, tables=apply_labels(result.tables, path))


def labelled_topics(cfg, progress: bool = True, force: bool = False):
    """The topics stage's result (run when out of date) with the researcher's labels applied: the
    labels are not part of the fit, so editing them never refits."""
    from .stage import build_topics

    return labelled(build_topics(cfg, progress=progress, force=force), cfg.topics.labels)


def check_files(cfg) -> None:
    """Read the topic labels and, when seeded topics come from a file, the seed words: a mistake in
    either is reported before any model is fitted."""
    read_labels(cfg.topics.labels)
    if cfg.topics.seed_topics == "file":
        from .seeds import read_seed_file

        read_seed_file(cfg.topics.seed_file)
