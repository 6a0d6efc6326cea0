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

from ..corpus.normalize import normalize_chars
from ..pipeline.cache import file_digest
from ..pipeline.problems import all_errors

COLUMNS = ("term", "category", "slogan", "variants", "english", "note")
#: columns a lexicon may add after those, in any order: where and when the formulation was found, and
#: the years of the sense that is counted (a term whose meaning changed: 动态清零 until 2022)
OPTIONAL = ("source", "year", "valid_from", "valid_to")
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
    source: str = ""                 # where the formulation is recorded (GWR 2024 …)
    year: int | None = None          # its first prominent use
    valid_from: int | None = None    # the years of the sense counted (None: open)
    valid_to: int | None = None

    def counts_in(self, year) -> bool:
        """Whether an occurrence in a document of ``year`` is this sense (an undated document: yes)."""
        if year is None or year != year:    # None or NaN
            return True
        return (self.valid_from is None or int(year) >= self.valid_from) and \
            (self.valid_to is None or int(year) <= self.valid_to)

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
    header = tuple(h.strip() for h in header) if header is not None else ()
    extra = header[len(COLUMNS):]
    if header[:len(COLUMNS)] != COLUMNS or set(extra) - set(OPTIONAL) or len(set(extra)) < len(extra):
        unknown = ", ".join(sorted(set(extra) - set(OPTIONAL)))
        raise LexiconError(f"{path}: line 1: header must be {','.join(COLUMNS)}, then any of {', '.join(OPTIONAL)}"
                           + (f" (unknown: {unknown})" if unknown else ""))
    entries: list[Entry] = []
    owner: dict[str, tuple[str, int]] = {}
    errors: list[str] = []
    for lineno, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != len(header):
            errors.append(f"line {lineno}: expected {len(header)} fields, found {len(row)} "
                          "(quote a field that contains a comma)")
            continue
        term, category, slogan, variants, english, note = (c.strip() for c in row[:len(COLUMNS)])
        more = dict(zip(extra, (c.strip() for c in row[len(COLUMNS):])))
        years = {k: _year(more.get(k, "")) for k in ("year", "valid_from", "valid_to")}
        raw = {normal_form(v): v for v in reversed((term, *_split(variants)))}   # normalised form → as written
        term = normal_form(term)
        forms = tuple(f for f in dict.fromkeys(normal_form(v) for v in _split(variants)) if f and f != term)
        bad = []
        if not term:
            bad.append("empty term")
        if category not in CATEGORIES:
            bad.append(f"unknown category '{category}' (known: {', '.join(CATEGORIES)})")
        if slogan not in ("yes", "no"):
            bad.append(f"slogan must be yes or no, not '{slogan}'")
        if term in owner and owner[term][0] == term:
            bad.append(f"'{term}' is already a term on line {owner[term][1]}{_as_read(row[0], term)} (one row per "
                       "term: put the variants and renderings of both rows in one)")
        bad += [f"{k} must be a year such as 2024, not '{more[k]}'" for k, v in years.items() if v == -1]
        if bad:
            errors += [f"line {lineno}: {b}" for b in bad]
            continue
        entry = Entry(term, category, slogan == "yes", forms,
                      tuple(dict.fromkeys(normalize_chars(e).lower() for e in _split(english))), note, lineno,
                      more.get("source", ""), years["year"], years["valid_from"], years["valid_to"])
        for surface in entry.surfaces:
            if surface in owner and owner[surface][0] != term:
                errors.append(f"line {lineno}: '{surface}' already belongs to "
                              f"'{owner[surface][0]}' (line {owner[surface][1]}){_as_read(raw.get(surface, surface), surface)}")
            owner.setdefault(surface, (term, lineno))
        entries.append(entry)
    if errors:
        raise LexiconError(all_errors(str(path), errors))
    digest = hashlib.sha256(data).hexdigest()
    return Lexicon(tuple(entries), str(path), digest)


def normal_form(form: str) -> str:
    """A lexicon form normalised as the texts are (docs/documents.md): widths, quotes and spaces,
    and Traditional characters to Simplified (a text mostly in Traditional is converted; so is a
    form with any Traditional-only character), so that 穩外資, １＋Ｘ and “三个一批” are counted."""
    from ..corpus.normalize import normalize_chars, to_simplified, traditional_only_pattern

    form = normalize_chars(form)
    return to_simplified(form) if traditional_only_pattern().search(form) else form


def _as_read(raw: str, normal: str) -> str:
    """Where a clash comes from normalisation, say so: " ('穩外資' normalised as the texts are: '稳外资')"."""
    return f" ('{raw.strip()}' normalised as the texts are: '{normal}')" if raw.strip() != normal else ""


def _year(cell: str) -> int | None:
    """A year cell: None when empty, -1 when it is not a year."""
    if not cell:
        return None
    return int(cell) if re.fullmatch(r"(19|20)\d\d", cell) else -1


def _split(cell: str) -> tuple[str, ...]:
    """The forms of a cell, separated by | (or a full-width ｜, as typed with a Chinese keyboard)."""
    return tuple(dict.fromkeys(p.strip() for p in cell.replace("｜", "|").split("|") if p.strip()))


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
