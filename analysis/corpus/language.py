"""Language of a text from its script: Chinese characters against Latin letters.

Letters are counted on the UTF-8 bytes (``bytes.translate`` runs in C): Chinese characters
U+4000–U+9FFF by their lead bytes E4–E9, Latin letters A–Z and a–z, other alphabets (Cyrillic,
Greek, Arabic, Hebrew by lead bytes CE–DB; Hangul by EA–ED; kana by a pattern on a sample).
"""
from __future__ import annotations

import re

from .provenance import Found


def _keep_only(values) -> bytes:
    keep = set(values)
    return bytes(b for b in range(256) if b not in keep)


_DROP_BUT_CJK = _keep_only(range(0xE4, 0xEA))
_DROP_BUT_LATIN = _keep_only(list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)))
_DROP_BUT_OTHER = _keep_only(list(range(0xCE, 0xDC)) + list(range(0xEA, 0xEE)))
_KANA = re.compile(r"[\u3040-\u30ff]")


def _count(raw: bytes, drop: bytes) -> int:
    return len(raw.translate(None, drop))


_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: a text whose kana (or Hangul) are at least this share of its Chinese characters and kana (Hangul)
#: is Japanese (Korean): Chinese texts have none beyond a quoted name
FOREIGN_SCRIPT_SHARE = 0.05


def japanese_or_korean(text: str, sample: int = 5000) -> str | None:
    """``ja`` for Japanese (kanji with kana), ``ko`` for Korean (Hangul, with or without Hanja), else
    None: texts in Chinese characters that are not Chinese, to refuse rather than convert and count."""
    head = text[:sample]
    han = len(_HAN.findall(head))
    for lang, pattern in (("ja", _KANA), ("ko", _HANGUL)):
        n = len(pattern.findall(head))
        if n >= 10 and n >= FOREIGN_SCRIPT_SHARE * (han + n):
            return lang
    return None


def detect_language(text: str, cjk_share: float = 0.3, latin_share: float = 0.7,
                    sample: int = 50000) -> Found:
    """``zh`` when Chinese characters are at least ``cjk_share`` of the letters, ``en`` when Latin
    letters are at least ``latin_share``; otherwise ``other`` (reported, kept out of analyses).
    Japanese and Korean (:func:`japanese_or_korean`) are ``ja`` and ``ko``: not analysed."""
    foreign = japanese_or_korean(text)
    if foreign:
        name = {"ja": "Japanese: kana beside the kanji", "ko": "Korean: Hangul"}[foreign]
        return Found(foreign, f"script({name})", "high")
    head = text[:sample]
    raw = head.encode("utf-8")
    n_cjk = _count(raw, _DROP_BUT_CJK)
    n_lat = _count(raw, _DROP_BUT_LATIN)
    n_oth = _count(raw, _DROP_BUT_OTHER) + len(_KANA.findall(head[:3000])) * max(1, len(head) // 3000)
    total = n_cjk + n_lat + n_oth
    if total == 0:
        return Found("other", "script(no letters)", "high")
    if n_cjk / total >= cjk_share and n_cjk >= n_oth:
        return Found("zh", f"script(cjk={n_cjk / total:.2f})", "high")
    if n_lat / total >= latin_share:
        return Found("en", f"script(latin={n_lat / total:.2f})", "high")
    return Found("other", f"script(cjk={n_cjk / total:.2f},latin={n_lat / total:.2f})", "medium")
