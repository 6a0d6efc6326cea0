"""Queries beyond exact strings: wildcards, regular expressions and proximity, in cleaned text.

A query is one of (docs/slogans.md, "Queries"):

``双过半``
    an exact string (Chinese forms as substrings; English at word boundaries, any case), counted by
    :class:`~analysis.slogans.matcher.Matcher` under the counting rules all, longest, presence.
``稳*``, ``稳?长``, ``stabili*``
    a wildcard: in Chinese, ``*`` stands for 0 to 4 Chinese characters and ``?`` for exactly one;
    in English, ``*`` for any letters and ``?`` for one letter, inside one word. The longest match
    is taken at each place, leftmost first, and matches do not overlap: ``稳*`` counts each 稳 once,
    with what follows it up to four characters (the matched forms are in the concordance).
``re:稳(增长|就业)``
    a regular expression (Python's syntax) on the cleaned text; case is ignored in English texts.
``双过半 NEAR/20 项目``
    proximity: each match of the first query that has a match of the second at most 20 characters
    before or after it (the characters between the two). Either side may be a wildcard or a
    regular expression.

The text is normalised as the documents are (widths, quotes, Traditional to Simplified), so a query
typed in Traditional characters or full-width forms finds the same places.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: the characters a Chinese wildcard stands for
_HAN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_NEAR = re.compile(r"\s+NEAR/(\d+)\s+")
WILDCARD_HAN = 4  # how many Chinese characters ``*`` stands for, at most


class QueryError(ValueError):
    """A query that cannot be read (a broken regular expression, NEAR without a distance …)."""


@dataclass(frozen=True)
class Query:
    """One query, read: ``kind`` is exact, wildcard, regex or near."""
    text: str
    kind: str
    zh: object = None        # compiled pattern for Chinese texts (wildcard, regex); the string (exact)
    en: object = None        # the same for English texts
    near: tuple = ()         # (first Query, second Query, distance) for proximity

    def spans(self, text: str, lang: str) -> list[tuple[int, int]]:
        """Where the query matches in ``text`` (a Chinese or English document's counted text),
        leftmost first, not overlapping."""
        if self.kind == "near":
            first, second, distance = self.near
            others = second.spans(text, lang)
            return [(s, e) for s, e in first.spans(text, lang)
                    if any(bs - e <= distance and s - be <= distance for bs, be in others)]
        if self.kind == "exact":  # every occurrence, as the rule all counts them
            return [(o.start, o.end) for o in _matcher(self.text, self.zh, self.en).occurrences(text, lang, "all")]
        pattern = self.en if lang == "en" else self.zh
        if pattern is None:
            return []
        return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


def is_pattern(query: str) -> bool:
    """Whether ``query`` is more than an exact string."""
    return query.startswith("re:") or "*" in query or "?" in query or bool(_NEAR.search(query))


def parse(query: str) -> Query:
    """A query as typed (see the module's docstring); :class:`QueryError` says what is wrong."""
    parts = _NEAR.split(query)
    if len(parts) == 3:
        first, distance, second = parse(parts[0].strip()), int(parts[1]), parse(parts[2].strip())
        if "near" in (first.kind, second.kind):
            raise QueryError(f"query '{query}': one NEAR per query")
        return Query(query, "near", near=(first, second, distance))
    if len(parts) > 3:
        raise QueryError(f"query '{query}': one NEAR per query")
    if "NEAR" in query.split():
        raise QueryError(f"query '{query}': NEAR needs a distance in characters, as 双过半 NEAR/20 项目")
    if not query.strip():
        raise QueryError("an empty query")
    if query.startswith("re:"):
        zh, en = normalized_query(query[3:])
        return Query(query, "regex", _compile(zh, query), _compile(en, query, re.IGNORECASE))
    zh, en = normalized_query(query)
    if "*" in query or "?" in query:
        return Query(query, "wildcard", _compile(_wildcard(zh, _HAN, f"{{0,{WILDCARD_HAN}}}"), query),
                     _compile(r"\b" + _wildcard(en, "[a-z]", "*") + r"\b", query, re.IGNORECASE))
    return Query(query, "exact", zh, en)


def _wildcard(text: str, char: str, many: str) -> str:
    """A wildcard query as a regular expression: ``*`` → ``char`` repeated ``many``, ``?`` → one."""
    out = []
    for c in text:
        out.append(char + many if c == "*" else char if c == "?" else re.escape(c))
    return "".join(out)


def _compile(pattern: str, query: str, flags: int = 0):
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise QueryError(f"query '{query}' is not a valid regular expression: {exc}") from None


def normalized_query(query: str) -> tuple[str, str]:
    """A query as the documents' texts are normalised (quotes, widths, spaces; Traditional to
    Simplified for Chinese texts): the forms to find in Chinese and in English texts."""
    from ..corpus.normalize import normalize_chars, to_simplified

    text = normalize_chars(query)
    return to_simplified(text), text


def count_strings(strings: list[str], docs: pd.DataFrame, rule: str = "all",
                  include_title: bool = True) -> pd.DataFrame:
    """Count queries (exact strings, wildcards, regular expressions, proximity; see the module's
    docstring) in every document: one row per document, one column per query. Exact strings follow
    the counting rule; a pattern counts its matches (``presence``: 1 when it matches at all), and
    the rule ``longest``, which settles which of several exact strings owns a place, refuses one."""
    import pandas as pd

    from .matcher import RULES, Matcher
    from .stage import counted_texts

    if rule not in RULES:
        raise QueryError(f"rule '{rule}': one of {', '.join(RULES)}")
    queries = {s: parse(s) for s in dict.fromkeys(strings)}
    patterns = [s for s, q in queries.items() if q.kind != "exact"]
    if patterns and rule == "longest":
        raise QueryError(f"the rule 'longest' applies to exact strings; {', '.join(map(repr, patterns))} "
                         "is a pattern (count it with the rule all or presence)")
    matcher = Matcher({s: ([q.zh], [q.en]) for s, q in queries.items() if q.kind == "exact"})
    texts = counted_texts(docs, include_title)
    rows = []
    for doc_id, lang in zip(docs["doc_id"], docs["lang"]):
        counts = matcher.count(texts[doc_id], lang, rule)
        for s in patterns:
            n = len(queries[s].spans(texts[doc_id], lang))
            counts[s] = min(n, 1) if rule == "presence" else n
        rows.append([doc_id, lang] + [counts.get(s, 0) for s in strings])
    return pd.DataFrame(rows, columns=["doc_id", "lang", *strings])


KWIC_COLUMNS = ["query", "doc_id", "region", "quarter", "lang", "left", "match", "right", "start"]


def kwic(strings: list[str], docs: pd.DataFrame, context: int = 30, include_title: bool = True) -> pd.DataFrame:
    """Every match of every query with ``context`` characters on each side: query, document,
    region, quarter, language, left context, the match, right context and where it starts in the
    counted text (title and text), in document order. Exact strings: every occurrence (rule all)."""
    import pandas as pd

    from ..text.kwic import in_context
    from .stage import counted_texts

    queries = {s: parse(s) for s in dict.fromkeys(strings)}
    texts = counted_texts(docs, include_title)
    rows = []
    for doc_id, lang, region, quarter in zip(docs["doc_id"], docs["lang"], docs["region"], docs["quarter"]):
        text = texts[doc_id]
        for s, q in queries.items():
            for start, end in q.spans(text, lang):
                rows.append((s, doc_id, "unknown" if pd.isna(region) else region,
                             "unknown" if pd.isna(quarter) else quarter, lang, *in_context(text, start, end, context),
                             start))
    table = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return table.sort_values(["query", "doc_id", "start"], kind="stable").reset_index(drop=True)


@functools.lru_cache(maxsize=256)
def _matcher(name: str, zh: str, en: str):
    """The exact-string matcher of one query (built once per query)."""
    from .matcher import Matcher

    return Matcher({name: ([zh], [en])})
