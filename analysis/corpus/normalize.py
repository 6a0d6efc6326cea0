"""Character-level normalisation of raw text.

- full-width ASCII letters and digits (and the symbols ＋－％．／ used inside numbers and
  numbered formulas such as １＋５＋Ｎ) become half-width; Chinese punctuation (，。：) is kept;
- every double-quote style (“” „‟ 「」 ＂ 〝〞 ″) becomes ``"``; every single-quote style
  (‘’ 『』 ＇ ′) becomes ``'``;
- Traditional Chinese is converted to Simplified (OpenCC ``t2s``) when a document is Traditional;
- whitespace: non-breaking, ideographic and other spaces become one space, zero-width characters
  are removed, line ends become ``\\n``, trailing spaces go.
"""
from __future__ import annotations

import functools
import re

_FW_LETTERS_DIGITS = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)
                      if chr(c - 0xFEE0).isalnum() or chr(c - 0xFEE0) in "+-%./"}
_QUOTES = {ord(c): '"' for c in "“”„‟「」＂〝〞″«»"}
_QUOTES.update({ord(c): "'" for c in "‘’‚‛『』＇′`"})
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"}
_DELETE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
TABLE = {**_FW_LETTERS_DIGITS, **_QUOTES, **_SPACES, **_DELETE}

_REPLACE = {chr(k): (chr(v) if isinstance(v, int) else (v or "")) for k, v in TABLE.items()}
_TO_REPLACE = re.compile("[" + re.escape("".join(_REPLACE)) + "]")
_MULTISPACE = re.compile(r" {2,}")
_TRAILING = re.compile(r" +\n|\n +")


def normalize_chars(text: str) -> str:
    """Apply width, quote, space and line-end normalisation (not Traditional→Simplified)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # one scan finds which of the characters occur; str.replace per character found runs in C
    # (much faster than str.translate with a mapping)
    for ch in set(_TO_REPLACE.findall(text)):
        text = text.replace(ch, _REPLACE[ch])
    if "  " in text:
        text = _MULTISPACE.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _TRAILING.sub("\n", text)
    return text.strip()


@functools.lru_cache(maxsize=1)
def _converters():
    import opencc

    return opencc.OpenCC("t2s"), opencc.OpenCC("s2t")


@functools.lru_cache(maxsize=1)
def traditional_only_pattern() -> re.Pattern:
    """Characters that are Traditional-only: OpenCC maps them to another Simplified character,
    and they are not themselves the Simplified form of anything in the CJK Unified block."""
    t2s, _ = _converters()
    block = "".join(chr(c) for c in range(0x4E00, 0xA000))
    simplified = t2s.convert(block)
    trad = sorted({a for a, b in zip(block, simplified) if a != b})
    return re.compile("[" + "".join(trad) + "]")


_NOT_CJK_LEAD = bytes(range(0xE4)) + bytes(range(0xEA, 0x100))


def traditional_share(text: str, sample: int = 5000) -> float:
    """Share of the Chinese characters (in the first ``sample`` characters) that are Traditional-only."""
    head = text[:sample]
    raw = head.encode("utf-8")
    n_cjk = len(raw.translate(None, _NOT_CJK_LEAD))  # U+4000–U+9FFF, by UTF-8 lead byte
    if n_cjk == 0:
        return 0.0
    return traditional_only_pattern().subn("", head)[1] / n_cjk


def to_simplified(text: str) -> str:
    t2s, _ = _converters()
    return t2s.convert(text)
