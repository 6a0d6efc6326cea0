"""Character-level normalisation of raw text.

- full-width ASCII letters and digits (and the symbols ＋－％．／ used inside numbers and
  numbered formulas such as １＋５＋Ｎ) become half-width; Chinese punctuation (，。：) is kept;
- every double-quote style (“” „‟ 「」 ＂ 〝〞 ″) becomes ``"``; every single-quote style
  (‘’ 『』 ＇ ′) becomes ``'``;
- Traditional Chinese is converted to Simplified (OpenCC ``t2s``) when a document is Traditional;
- whitespace: non-breaking, ideographic and other spaces become one space, invisible characters
  (zero-width, direction marks and overrides, variation selectors: :data:`INVISIBLE`) are removed,
  line ends become ``\\n``, trailing spaces go;
- Traditional-only characters inside a Simplified text are converted one by one
  (:func:`simplify_stray`), so that 雙過半 in a Simplified report counts as 双过半;
- text extracted from a PDF with a space between every Chinese character is rejoined
  (:func:`rejoin_spaced`).
"""
from __future__ import annotations

import functools
import re

_FW_LETTERS_DIGITS = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)
                      if chr(c - 0xFEE0).isalnum() or chr(c - 0xFEE0) in "+-%./"}
_QUOTES = {ord(c): '"' for c in "“”„‟「」＂〝〞″«»"}
_QUOTES.update({ord(c): "'" for c in "‘’‚‛『』＇′`"})
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"}
#: invisible characters removed: zero-width spaces and joiners, direction marks, embeddings,
#: overrides and isolates, invisible operators, variation selectors, the combining grapheme joiner
#: and Hangul fillers (copied from web pages and PDFs, they split a slogan so that it is never counted)
INVISIBLE = ("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
             "\u2066\u2067\u2068\u2069\ufeff\u00ad\u034f\u115f\u1160\u180e\u3164\uffa0"
             + "".join(chr(c) for c in range(0xFE00, 0xFE10)))
_DELETE = {ord(c): None for c in INVISIBLE}
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


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


@functools.lru_cache(maxsize=1)
def _stray_map() -> dict[str, str]:
    """Traditional-only character → its Simplified form (OpenCC ``t2s`` one character at a time),
    for the characters that Simplified text never uses: those outside GB2312, the Simplified
    standard set. 乾 (乾坤, 乾隆, the names 乾利 and 刘象乾) is OpenCC's Traditional form of 干 but a
    Simplified character too, and stays."""
    t2s, _ = _converters()
    chars = traditional_only_pattern().pattern[1:-1]
    return {c: s for c in chars if len(s := t2s.convert(c)) == 1 and s != c and not _in_gb2312(c)}


@functools.lru_cache(maxsize=1)
def _stray_pattern() -> re.Pattern:
    return re.compile("[" + "".join(sorted(_stray_map())) + "]")


def simplify_stray(text: str) -> tuple[str, int]:
    """``text`` with its Traditional-only characters converted one by one (those of :func:`_stray_map`),
    and how many there were (a Simplified text quoting 雙過半; a text mostly in Traditional is
    converted whole instead)."""
    pattern = _stray_pattern()
    found = pattern.findall(text)
    if not found:
        return text, 0
    table = _stray_map()
    return pattern.sub(lambda m: table[m.group(0)], text), len(found)


_SPACED = re.compile(r"(?<=[\u4e00-\u9fff，。、；：！？]) (?=[\u4e00-\u9fff，。、；：！？])")


def rejoin_spaced(text: str, share: float = 0.5) -> tuple[str, bool]:
    """Text extracted from a PDF with a space between every Chinese character (稳 中 求 进) rejoined:
    when at least ``share`` of the Chinese characters are followed by one space and another Chinese
    character, those spaces are removed. Returns the text and whether it was rejoined."""
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text[:20000]))
    if cjk < 10 or len(_SPACED.findall(text[:20000])) < share * cjk:
        return text, False
    return _SPACED.sub("", text), True
