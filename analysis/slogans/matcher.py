"""Exact, segmentation-free counting of slogans or any strings in cleaned text (Aho-Corasick).

A *concept* (a slogan's canonical form, or a string given by the user) has surfaces: Chinese
forms matched as substrings, and English forms matched on lower-cased text at word boundaries.
Counting rules (every table names the rule that made it):

``all``
    every occurrence, nested ones included: 营商环境 inside 优化营商环境 counts for both
    concepts. Overlapping matches of the *same* concept (two of its surfaces over the same
    characters, or a surface overlapping itself) count once.
``longest``
    longest match only: the text is scanned left to right and at each position the longest
    surface of any concept wins; 优化营商环境 then hides the 营商环境 inside it.
``presence``
    1 when the concept occurs in a document under ``all``, else 0.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

RULES = ("all", "longest", "presence")
RULE_TEXT = {
    "all": "every occurrence, nested ones included (overlapping matches of one concept count once)",
    "longest": "longest match only (leftmost-longest, non-overlapping, across all concepts)",
    "presence": "per-document presence (1 if the concept occurs at all)",
}


@dataclass(frozen=True)
class Occurrence:
    concept: str
    start: int
    end: int


class Matcher:
    """``Matcher({concept: ([zh surfaces], [en surfaces])})``; then ``count(text, lang, rule, year)``.
    ``eras``: concept → a function of a document's year that says whether an occurrence there is the
    sense counted (the lexicon's valid_from/valid_to: 动态清零 is the epidemic slogan until 2022)."""

    def __init__(self, concepts: dict[str, tuple[list[str], list[str]]], eras: dict | None = None):
        import ahocorasick_rs as ac

        self.eras = dict(eras or {})
        self.concepts = sorted(concepts)
        self._auto = {}
        for lang, k in (("zh", 0), ("en", 1)):
            pats, owner = [], []
            for concept in self.concepts:
                for s in dict.fromkeys(concepts[concept][k]):
                    s = s.lower() if lang == "en" else s
                    if s:
                        pats.append(s)
                        owner.append(concept)
            if not pats:
                self._auto[lang] = None
                continue
            standard = ac.AhoCorasick(pats, matchkind=ac.MatchKind.Standard)
            longest = ac.AhoCorasick(pats, matchkind=ac.MatchKind.LeftmostLongest)
            nested = frozenset(c for c in set(owner) if _nested([p for p, o in zip(pats, owner) if o == c]))
            self._auto[lang] = (standard, longest, owner, nested, pats)

    def _outside(self, year) -> set[str]:
        """The concepts whose counted sense is not that of a document of ``year``."""
        return {c for c, counts_in in self.eras.items() if not counts_in(year)} if self.eras else set()

    def occurrences(self, text: str, lang: str, rule: str = "all", year=None) -> list[Occurrence]:
        """Occurrences in text order (for ``all``, one per cluster of a concept's overlapping matches),
        in a document of ``year`` (None: undated; every era counts)."""
        outside = self._outside(year)
        if outside:
            return [o for o in self.occurrences(text, lang, rule) if o.concept not in outside]
        auto = self._auto.get("en" if lang == "en" else "zh")
        if auto is None or not text:
            return []
        standard, longest, owner, _, pats = auto
        haystack = text.lower() if lang == "en" else text
        if rule == "longest":
            raw = longest.find_matches_as_indexes(haystack)
        else:
            raw = standard.find_matches_as_indexes(haystack, overlapping=True)
        if lang == "en":
            raw = [m for m in raw if _word_bounded(haystack, m[1], m[2])]
        occ = sorted((owner[i], s, e) for i, s, e in raw)
        out: list[Occurrence] = []
        for concept, s, e in occ:
            if rule != "longest" and out and out[-1].concept == concept and s < out[-1].end:
                last = out[-1]
                out[-1] = Occurrence(concept, last.start, max(last.end, e))  # same concept overlapping: one
            else:
                out.append(Occurrence(concept, s, e))
        return sorted(out, key=lambda o: (o.start, o.concept))

    def count(self, text: str, lang: str, rule: str = "all", year=None) -> Counter:
        """Concept → count in one text under a rule, in a document of ``year`` (see ``eras``)."""
        if rule not in RULES:
            raise ValueError(f"unknown counting rule '{rule}' (choose from {', '.join(RULES)})")
        outside = self._outside(year)
        if outside:
            return Counter({c: n for c, n in self.count(text, lang, rule).items() if c not in outside})
        auto = self._auto.get("en" if lang == "en" else "zh")
        if auto is None or not text:
            return Counter()
        standard, longest, owner, nested, _ = auto
        if lang == "en":  # word boundaries are checked per match
            counts = Counter(o.concept for o in self.occurrences(text, lang, "longest" if rule == "longest" else "all"))
        elif rule == "longest":
            counts = Counter(map(owner.__getitem__, map(itemgetter(0), longest.find_matches_as_indexes(text))))
        else:
            raw = standard.find_matches_as_indexes(text, overlapping=True)
            counts = Counter(map(owner.__getitem__, map(itemgetter(0), raw)))
            for concept in nested & counts.keys():  # overlapping matches of one concept count once
                spans = sorted((s, e) for i, s, e in raw if owner[i] == concept)
                clusters, reach = 0, -1
                for s, e in spans:
                    if s >= reach:
                        clusters += 1
                    reach = max(reach, e)
                counts[concept] = clusters
        if rule == "presence":
            return Counter({c: 1 for c in counts})
        return counts


def _nested(surfaces: list[str]) -> bool:
    """True when a concept's surfaces can overlap each other or themselves."""
    for a in surfaces:
        for b in surfaces:
            if a != b and a in b:
                return True
        for k in range(1, len(a)):  # a suffix of a equal to its prefix: the surface overlaps itself
            if a[-k:] == a[:k]:
                return True
    return False


def _word_bounded(text: str, start: int, end: int) -> bool:
    """A match is a word (or words) of the text: no letter or digit continues it on a side where it
    ends in one ("GDP" not in "GDPs"; "%" in "5%", whose end is no letter)."""
    left = start == 0 or not text[start].isalnum() or not text[start - 1].isalnum()
    right = end >= len(text) or not text[end - 1].isalnum() or not text[end].isalnum()
    return left and right
