"""Tokens: documents → paragraphs → filtered tokens per language, with learned collocations.

Rules (declared in ``TokenRules`` and recorded in the stage key):

- Chinese: segmented by :class:`~analysis.text.segment.Segmenter` with the lexicon loaded; a token is
  dropped when it is whitespace or punctuation, a number or date (2022年, 3月, 5%, 十二), a stop word,
  or shorter than ``min_chars_zh`` characters — unless it is a lexicon entry (十四五, 1+5+N and 稳 in
  稳中求进 stay whole because the lexicon keeps them one token).
- English: lower-cased words (hyphenated terms such as high-quality stay one word; a possessive 's
  goes), the lexicon's multi-word renderings joined into one token (business_environment), then
  numbers, stop words and words shorter than ``min_chars_en`` dropped.
- Collocations: bigrams learned per language by NPMI (as gensim ``Phrases`` scores them; see
  :mod:`analysis.text.collocations`), joined with
  ``_`` in the ``phrased`` column.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_EN_WORD = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")
_NUMERIC_ZH = re.compile(r"^第?[\d.,，%％+\-~～/:：零〇一二三四五六七八九十百千万亿两几]+"
                         r"[年月日号时分秒周天%％个项家次元倍岁期届多余]*$")
_HAS_WORD_CHAR = re.compile(r"[\w]")


def english_words(text: str) -> list[str]:
    """Lower-cased words of an English text; hyphenated terms stay one word; possessive 's goes."""
    words = _EN_WORD.findall(text.lower())
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]


def is_numeric(token: str) -> bool:
    return bool(_NUMERIC_ZH.match(token)) or token.replace(".", "").replace(",", "").isdigit()


def _is_punct(token: str) -> bool:
    return not _HAS_WORD_CHAR.search(token) or all(unicodedata.category(c)[0] in "PSZ" for c in token)


@dataclass(frozen=True)
class TokenRules:
    """What counts as a token. ``keep`` (lexicon surfaces, lower-cased for English) is never dropped."""

    stop_zh: frozenset
    stop_en: frozenset
    keep: frozenset
    min_chars_zh: int = 2
    min_chars_en: int = 2

    def keep_zh(self, token: str) -> bool:
        if token in self.keep:
            return True
        if len(token) < self.min_chars_zh or token.isspace() or _is_punct(token) or is_numeric(token):
            return False
        return token.lower() not in self.stop_zh

    def keep_en(self, token: str) -> bool:
        if token in self.keep:
            return True
        if len(token) < self.min_chars_en or is_numeric(token) or not any(c.isalpha() for c in token):
            return False
        return token not in self.stop_en


class EnglishPhraser:
    """Join the lexicon's multi-word English renderings into one token (longest match first)."""

    def __init__(self, phrases: dict[tuple[str, ...], str]):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for words in sorted(phrases, key=len, reverse=True):
            self.by_first.setdefault(words[0], []).append(words)

    def join(self, words: list[str]) -> list[str]:
        out, i, n = [], 0, len(words)
        while i < n:
            for cand in self.by_first.get(words[i], ()):
                k = len(cand)
                if tuple(words[i:i + k]) == cand:
                    out.append("_".join(cand))
                    i += k
                    break
            else:
                out.append(words[i])
                i += 1
        return out


class Tokenizer:
    """Text → filtered tokens, per language. Build once (it loads the dictionary), then call.

    ``canonical`` maps a lexicon variant to its canonical term (专项债券 → 专项债), so that one
    concept is one token; pass an empty mapping to keep the surface forms.
    """

    def __init__(self, segmenter, rules: TokenRules, phraser: EnglishPhraser, canonical: dict | None = None):
        self.segmenter = segmenter
        self.rules = rules
        self.phraser = phraser
        self.canonical = {k: v for k, v in (canonical or {}).items() if k != v}
        self._zh: dict[str, str | None] = {}  # token → what it becomes (None: dropped); bounded by the vocabulary

    def _zh_token(self, token: str) -> str | None:
        out = self.canonical.get(token, token) if self.rules.keep_zh(token) else None
        self._zh[token] = out
        return out

    def tokens(self, text: str, lang: str) -> list[str]:
        if not text:
            return []
        if lang == "zh":
            memo, decide = self._zh, self._zh_token
            out = []
            for t in self.segmenter.cut(text):
                kept = memo[t] if t in memo else decide(t)
                if kept is not None:
                    out.append(kept)
            return out
        if lang == "en":
            keep = self.rules.keep_en
            return [t for t in self.phraser.join(english_words(text)) if keep(t)]
        raise ValueError(f"unsupported language '{lang}'")

    def paragraphs(self, text: str, lang: str) -> list[list[str]]:
        """Tokens of each paragraph (paragraphs are separated by a blank line in cleaned text)."""
        return [self.tokens(p, lang) for p in text.split("\n\n")] if text else []
