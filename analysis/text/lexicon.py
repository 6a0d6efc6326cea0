"""The domain lexicon (policy terms and slogans, 提法) and the stop-word lists.

One lexicon serves the whole project (``lexicon/lexicon.csv``, documented in
``lexicon/README.md``): every term and variant is added to the segmenter so it stays one token;
its English renderings are joined into one token in English texts; entries marked as slogans are
what the slogan analysis counts.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..pipeline.cache import file_digest
from ..pipeline.problems import all_errors

COLUMNS = ("term", "category", "slogan", "variants", "english", "note")
CATEGORIES = ("general", "growth_investment", "reform_business", "industry_innovation", "rural",
              "epidemic", "party", "livelihood", "fiscal_financial")
_SPLIT_SURFACE = re.compile(r"[、，,;；\s]")  # a surface with these is not one segmenter token


class LexiconError(ValueError):
    """A lexicon or stop-word file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    term: str
    category: str
    slogan: bool
    variants: tuple[str, ...]
    english: tuple[str, ...]
    note: str
    line: int

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The canonical form and its variants."""
        return (self.term, *self.variants)


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    source: str
    digest: str

    def segmenter_words(self) -> list[str]:
        """Surfaces that the segmenter keeps whole: single runs without punctuation, quotes or space.
        Longer forms (实现双过半, 专项债券) are kept too: with canonical tokens they become the term."""
        words = {s for e in self.entries for s in e.surfaces if not _SPLIT_SURFACE.search(s) and '"' not in s}
        return sorted(words, key=lambda w: (-len(w), w))

    def english_phrases(self) -> dict[tuple[str, ...], str]:
        """Multi-word English renderings (as word tuples) → the canonical Chinese term."""
        from .tokens import english_words  # the same word rules as for texts

        out: dict[tuple[str, ...], str] = {}
        for e in self.entries:
            for rendering in e.english:
                words = tuple(english_words(rendering))
                if len(words) >= 2:
                    out.setdefault(words, e.term)
        return out

    def surface_to_term(self) -> dict[str, str]:
        return {s: e.term for e in self.entries for s in e.surfaces}


def read_lexicon(path: str | Path) -> Lexicon:
    """Read and validate the lexicon CSV; a malformed line raises LexiconError naming the line."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file not found") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise LexiconError(f"{path}: line 1: header must be {','.join(COLUMNS)}")
    entries: list[Entry] = []
    owner: dict[str, tuple[str, int]] = {}
    errors: list[str] = []
    for lineno, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != len(COLUMNS):
            errors.append(f"line {lineno}: expected {len(COLUMNS)} fields, found {len(row)} "
                          "(quote a field that contains a comma)")
            continue
        term, category, slogan, variants, english, note = (c.strip() for c in row)
        bad = []
        if not term:
            bad.append("empty term")
        if category not in CATEGORIES:
            bad.append(f"unknown category '{category}' (known: {', '.join(CATEGORIES)})")
        if slogan not in ("yes", "no"):
            bad.append(f"slogan must be yes or no, not '{slogan}'")
        if term in owner and owner[term][0] == term:
            bad.append(f"'{term}' is already a term on line {owner[term][1]} (one row per term: put the "
                       "variants and renderings of both rows in one)")
        if bad:
            errors += [f"line {lineno}: {b}" for b in bad]
            continue
        entry = Entry(term, category, slogan == "yes", _split(variants), tuple(e.lower() for e in _split(english)),
                      note, lineno)
        for surface in entry.surfaces:
            if surface in owner and owner[surface][0] != term:
                errors.append(f"line {lineno}: '{surface}' already belongs to "
                              f"'{owner[surface][0]}' (line {owner[surface][1]})")
            owner.setdefault(surface, (term, lineno))
        entries.append(entry)
    if errors:
        raise LexiconError(all_errors(str(path), errors))
    digest = hashlib.sha256(data).hexdigest()
    return Lexicon(tuple(entries), str(path), digest)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in cell.split("|") if p.strip()))


# ---- stop words ---------------------------------------------------------------------------------
def read_stopwords(specs: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Union of stop-word lists. A spec is ``iso:<lang>`` (the stopwords-iso list shipped by the
    ``stopwordsiso`` package) or a path to a text file (words separated by white space, ``#`` comments)."""
    words: set[str] = set()
    for spec in specs:
        words |= _stopword_list(str(spec))
    return frozenset(words)


def _stopword_list(spec: str) -> frozenset[str]:
    """The words of a stop-word spec ("iso:zh" or a file), read again whenever the file changes (a
    notebook session sees an edited list)."""
    if spec.startswith("iso:"):
        return _iso_stopwords(spec)
    path = Path(spec)
    try:
        digest = file_digest(path)
    except FileNotFoundError:
        raise LexiconError(f"{path}: stop-word file not found") from None
    return _stopword_file(spec, digest)


@functools.lru_cache(maxsize=None)
def _iso_stopwords(spec: str) -> frozenset[str]:
    import stopwordsiso

    lang = spec[4:]
    if not stopwordsiso.has_lang(lang):
        raise LexiconError(f"stop-word list '{spec}': stopwords-iso has no language '{lang}'")
    return frozenset(w.lower() for w in stopwordsiso.stopwords(lang))


@functools.lru_cache(maxsize=None)
def _stopword_file(spec: str, digest: str) -> frozenset[str]:
    """A stop-word file's words; ``digest`` (its content's) is the cache key."""
    path = Path(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: stop-word file not found") from None
    except UnicodeDecodeError:
        raise LexiconError(f"{path}: stop-word file is not UTF-8") from None
    out = set()
    for line in text.splitlines():
        out.update(w.lower() for w in line.split("#", 1)[0].split())
    return frozenset(out)


def stopword_digest(specs) -> str:
    """The key of a list of stop-word specs: each list's words (and the name of a stopwords-iso
    list), never a file's path, so that a project copied to another folder keeps its keys."""
    h = hashlib.sha256()
    for spec in specs:
        h.update((str(spec) if str(spec).startswith("iso:") else "file").encode())
        h.update(" ".join(sorted(_stopword_list(str(spec)))).encode())
    return h.hexdigest()


def check_files(cfg) -> None:
    """Read the lexicon and the stop-word lists: a mistake in either is reported before any work."""
    read_lexicon(cfg.tokens.lexicon)
    read_stopwords(cfg.tokens.stopwords_zh)
    read_stopwords(cfg.tokens.stopwords_en)
