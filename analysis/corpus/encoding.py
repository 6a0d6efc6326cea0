"""Decode the bytes of a raw file: find the encoding, keep what is readable, say what was repaired.

Researchers' folders hold UTF-8, GBK/GB18030 (mainland sites and Word exports), Big5 (Taiwan and
Hong Kong), UTF-16 (Windows "Unicode" text, with or without a byte-order mark), Windows-1252
(English pages) and files spliced from two of them; Japanese (Shift-JIS) and Korean (EUC-KR) files
are read in their own encodings so that they can be recognised and refused, not converted and counted.
Several of these decode any byte string without error, so "the first codec that does not fail" reads
Big5 as GB18030 mojibake. Here every plausible candidate decodes a sample, and the one whose text looks
least like mojibake wins:

- a Chinese character counts against a candidate when it is not among the common characters (the
  3,755 of GB2312 level 1 and the 5,401 of Big5's frequent range, Simplified and Traditional), or
  when it sits inside a Latin word (Windows-1252 ``region’s`` read as GB18030 gives ``region抯``);
- so do replacement and private-use characters, control characters, kana, Hangul, Greek, Cyrillic
  and box drawing (what Big5 read as GBK produces), and runs of accented Latin letters with no
  plain Latin letter beside them (GBK read as Windows-1252 gives ``ÖÐ¹ú``);
- kana count against every reading but Shift-JIS and EUC-JP, and Hangul against every reading but
  EUC-KR; those readings apply only to text that looks like the language (hiragana beside the kanji;
  Hangul words separated by spaces), which Chinese bytes read in them never do;
- when two readings look equally clean (a short file: 騰籠換鳥 in Big5 reads as the common characters
  乃泞传尘 in GB18030), a Japanese or Korean reading that applies wins, then the one whose Chinese
  characters form more words of jieba's dictionary, then the one whose characters are more frequent.

A UTF-8 file with a few bad bytes is kept with those bytes replaced (U+FFFD) and the lines named; a
file spliced from UTF-8 and GB18030 lines is decoded line by line. A file that is mostly unreadable
(replacement, private-use and control characters) in every candidate is refused, with the remedy.
"""
from __future__ import annotations

import codecs
import functools
import math
import re
from dataclasses import dataclass

#: bytes of the sample that candidates are scored on (cut at a line break)
SAMPLE_BYTES = 65536
#: a reading with more than this share of replacement, private-use or control characters is none
MAX_BAD_SHARE = 0.3

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ALWAYS_BAD = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
                         "\u3040-\u30ff\uac00-\ud7af\u0370-\u04ff\u2500-\u257f]")
_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_HAN_IN_LATIN_WORD = re.compile("(?<=[A-Za-z])[\u3400-\u9fff]+(?=[A-Za-z])")
_LONE_ACCENTED = re.compile("(?<![A-Za-z])[\u00a1-\u024f]+(?![A-Za-z])")
_SPACE = re.compile(r"\s")
_KANA = re.compile("[\u3040-\u30ff]")
_HIRAGANA = re.compile("[\u3040-\u309f]")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
#: what a refused file should become
REMEDY = "open it in an editor and save it as UTF-8, then run again"


class DecodeError(ValueError):
    pass


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str | None = None  # what was guessed or repaired: reported as a problem with the file kept


@functools.lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    """The common Chinese characters: GB2312 level 1 (rows 16–55) and Big5's frequent characters
    (A440–C67E), decoded from the code tables themselves."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (lead, trail) < (0xA4, 0x40) or (lead, trail) > (0xC6, 0x7E):
                continue
            try:
                chars.add(bytes([lead, trail]).decode("cp950"))
            except UnicodeDecodeError:
                pass
    return frozenset(c for c in chars if _HAN.match(c))


def badness(text: str) -> int:
    """How many characters of ``text`` look like mojibake (see the module's docstring)."""
    common = common_han()
    bad = len(_ALWAYS_BAD.findall(text))
    bad += sum(1 for c in _HAN.findall(text) if c not in common)
    bad += sum(len(m) for m in _HAN_IN_LATIN_WORD.findall(text))
    bad += sum(len(m) for m in _LONE_ACCENTED.findall(text))
    return bad


def bad_share(text: str, unreadable_only: bool = False) -> float:
    """The share of visible characters that look like mojibake (or, with ``unreadable_only``, that
    are replacement, private-use or control characters: no reading at all)."""
    visible = len(text) - len(_SPACE.findall(text))
    bad = len(_UNREADABLE.findall(text)) if unreadable_only else badness(text)
    return bad / visible if visible else 0.0


def decode_bytes(data: bytes) -> Decoded:
    """Decode a raw file's bytes (see the module's docstring); :class:`DecodeError` says why not."""
    if data.startswith(codecs.BOM_UTF8):
        return _checked(_utf8_lenient(data[3:], "utf-8-sig"))
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")):   # before UTF-16's
        if data.startswith(bom):
            try:
                return _checked(Decoded(data[4:].decode(name), "utf-32", "UTF-32 (with a byte-order mark)"))
            except UnicodeDecodeError:
                raise DecodeError(f"has a UTF-32 byte-order mark but is not valid UTF-32; {REMEDY}") from None
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return _checked(Decoded(data[2:].decode(name), "utf-16"))
            except UnicodeDecodeError:
                raise DecodeError(f"has a UTF-16 byte-order mark but is not valid UTF-16; {REMEDY}") from None
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise DecodeError("looks binary (contains NUL bytes, and is not UTF-16 text): if it is a document, "
                              f"{REMEDY}; else move it out of the corpus folder")
        return _checked(found)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    sample = _sample(data)
    scored = []
    for reading in _READINGS:
        if reading.even and len(data) % 2:
            continue
        try:
            text = reading.sample(sample)
        except UnicodeDecodeError:
            continue
        if text is not None:
            scored.append((bad_share(reading.scored(text)), len(scored), reading, text))
    if not scored:
        raise DecodeError(f"cannot be decoded as UTF-8, UTF-16, GB18030/GBK, Big5, Shift-JIS, EUC-KR or "
                          f"Windows-1252: {REMEDY}")
    best = min(share for share, *_ in scored)
    tied = [x for x in scored if x[0] == best]
    if len(tied) > 1:   # equally clean readings (a short file): the one that reads as words
        tied.sort(key=lambda x: (x[2].allowed is None, *(-v for v in chinese_score(x[3])), x[1]))
    _, _, reading, text = tied[0]
    share = bad_share(text, unreadable_only=True)
    if share > MAX_BAD_SHARE:
        raise DecodeError(f"cannot be decoded as UTF-8, UTF-16, GB18030/GBK, Big5, Shift-JIS, EUC-KR or "
                          f"Windows-1252: the best reading ({reading.label}) has {share:.0%} unreadable "
                          f"characters; {REMEDY}")
    try:
        return _checked(reading.full(data))
    except UnicodeDecodeError as exc:   # the sample read, the rest of the file does not
        raise DecodeError(f"reads as {reading.label} up to byte {exc.start}, where it stops being valid "
                          f"{reading.label}; {REMEDY}") from None


def _sample(data: bytes) -> bytes:
    """The first ``SAMPLE_BYTES`` or so, cut where no encoding can be inside a character: after a
    line break, else after a byte below 0x30 (never part of a multi-byte character in UTF-8, GB18030
    or Big5)."""
    if len(data) <= SAMPLE_BYTES:
        return data
    cut = data.rfind(b"\n", 0, SAMPLE_BYTES)
    if cut < SAMPLE_BYTES // 2:
        cut = max(data.rfind(bytes([b]), 0, SAMPLE_BYTES) for b in range(0x30))
    return data[:cut + 1] if cut > 0 else data


def _utf8_lenient(data: bytes, name: str = "utf-8") -> Decoded:
    """UTF-8 with undecodable bytes replaced by U+FFFD, and the lines where that happened named."""
    try:
        return Decoded(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    lines, replaced = [], 0
    for lineno, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            replaced += line.decode("utf-8", errors="replace").count("\ufffd")
            lines.append(lineno)
    text = data.decode("utf-8", errors="replace")
    return Decoded(text, name, f"{replaced} byte sequence(s) are not UTF-8 and were replaced with U+FFFD "
                               f"(line{'s' if len(lines) > 1 else ''} {line_runs(lines)})")


def _by_line(data: bytes) -> Decoded:
    """Lines in UTF-8 where they are valid UTF-8, else GB18030: a file spliced from two sources."""
    out, gb = [], []
    for lineno, line in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("gb18030", errors="replace"))
            gb.append(lineno)
    return Decoded("\n".join(out), "utf-8+gb18030",
                   f"mixed encodings: line{'s' if len(gb) > 1 else ''} {line_runs(gb)} in GB18030, the rest in UTF-8")


def _mixed_sample(data: bytes) -> str | None:
    """The line-by-line reading, when the file has valid UTF-8 lines that are not plain ASCII and lines
    that are not UTF-8 (else it is one of the single encodings)."""
    utf8 = other = False
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            other = True
        if utf8 and other:
            return _by_line(data).text
    return None


def _mostly_utf8(text: str) -> str | None:
    """UTF-8 with a few bad bytes (at most 1 character in 10 replaced): else not UTF-8 at all."""
    return text if text.count("\ufffd") <= 0.1 * len(text) else None


def _mostly_ascii(data: bytes) -> bool:
    return sum(b < 0x80 for b in data[:SAMPLE_BYTES]) >= 0.9 * min(len(data), SAMPLE_BYTES)


@functools.lru_cache(maxsize=1)
def _dictionary() -> tuple[frozenset[str], dict[str, float]]:
    """The words of two to four Chinese characters in jieba's dictionary (Simplified), and each
    character's log frequency (the summed frequencies of the words it is in)."""
    import os
    import jieba
    words, freq = set(), {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            word = parts[0]
            if not _HAN_RUN.fullmatch(word):
                continue
            if 2 <= len(word) <= 4:
                words.add(word)
            n = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
            for c in word:
                freq[c] = freq.get(c, 0) + n
    return frozenset(words), {c: math.log(n) for c, n in freq.items()}


def chinese_score(text: str, sample: int = 4000) -> tuple[float, float]:
    """How Chinese ``text`` reads (its first ``sample`` characters, in Simplified form): the share of
    its Chinese characters inside dictionary words matched longest first (about half or more for
    Chinese, little for the common characters that mojibake is made of), and their mean log frequency."""
    from .normalize import to_simplified
    words, freq = _dictionary()
    covered = total = 0
    logs = 0.0
    for run in _HAN_RUN.findall(to_simplified(text[:sample])):
        total += len(run)
        logs += sum(freq.get(c, 0.0) for c in run)
        i = 0
        while i < len(run) - 1:
            for n in (4, 3, 2):
                if i + n <= len(run) and run[i:i + n] in words:
                    covered += n
                    i += n
                    break
            else:
                i += 1
    return (covered / total, logs / total) if total else (0.0, 0.0)


def _japanese(text: str) -> str | None:
    """Shift-JIS's reading applies to Japanese: hiragana (particles, endings) at least a tenth of the
    kanji and kana. Chinese bytes read as Shift-JIS give half-width katakana, not hiragana."""
    hira, han = len(_HIRAGANA.findall(text)), len(_HAN.findall(text))
    return text if hira >= 5 and hira >= 0.1 * (hira + han) else None


def _korean(text: str) -> str | None:
    """EUC-KR's reading applies to Korean: Hangul at least half of the Hangul and Hanja, and words
    separated by spaces (one space to every two to ten syllables). Chinese bytes read as EUC-KR give
    Hangul without spaces."""
    hangul, han = len(_HANGUL.findall(text)), len(_HAN.findall(text))
    spaces = text.count(" ")
    if hangul >= 5 and hangul >= 0.5 * (hangul + han) and 0.1 * hangul <= spaces <= 0.5 * hangul:
        return text
    return None


def _utf16_sample(data: bytes, name: str) -> str | None:
    """A sample read as UTF-16 (a file without NUL bytes: Chinese with no ASCII at all), if it reads
    cleanly (as :func:`_utf16_without_bom` asks); its last byte dropped when the sample's cut falls
    inside a character."""
    text = data[:len(data) // 2 * 2].decode(name, errors="replace")
    if text.endswith("\ufffd"):
        text = text[:-1]
    return text if bad_share(text) <= 0.05 else None


@dataclass(frozen=True)
class _Reading:
    name: str
    label: str      # as named in a message
    sample: object  # bytes → text of a sample, or None when this reading does not apply
    full: object    # bytes → Decoded, for the whole file
    allowed: re.Pattern | None = None   # characters of its language that do not count against it
    even: bool = False                  # applies only to a file of an even number of bytes (UTF-16)

    def scored(self, text: str) -> str:
        return self.allowed.sub("", text) if self.allowed else text


_READINGS = [
    _Reading("gb18030", "GB18030", lambda b: b.decode("gb18030"), lambda b: Decoded(b.decode("gb18030"), "gb18030")),
    _Reading("big5", "Big5", lambda b: b.decode("cp950"),
             lambda b: Decoded(b.decode("cp950"), "big5", "decoded as Big5 (Traditional Chinese): it reads better "
                                                          "than GB18030")),
    _Reading("mixed", "UTF-8 and GB18030 by line", _mixed_sample, _by_line),
    _Reading("utf-8-repaired", "UTF-8 with bad bytes replaced",
             lambda b: _mostly_utf8(b.decode("utf-8", errors="replace")), _utf8_lenient),
    _Reading("cp1252", "Windows-1252", lambda b: b.decode("cp1252") if _mostly_ascii(b) else None,
             lambda b: Decoded(b.decode("cp1252"), "windows-1252", "decoded as Windows-1252 (Western European)")),
    _Reading("shift-jis", "Shift-JIS", lambda b: _japanese(b.decode("cp932")),
             lambda b: Decoded(b.decode("cp932"), "shift-jis", "decoded as Shift-JIS (Japanese)"), _KANA),
    _Reading("euc-jp", "EUC-JP", lambda b: _japanese(b.decode("euc_jp")),
             lambda b: Decoded(b.decode("euc_jp"), "euc-jp", "decoded as EUC-JP (Japanese)"), _KANA),
    _Reading("euc-kr", "EUC-KR", lambda b: _korean(b.decode("cp949")),
             lambda b: Decoded(b.decode("cp949"), "euc-kr", "decoded as EUC-KR (Korean)"), _HANGUL),
    *(_Reading(name, f"UTF-16 ({end}-endian)", functools.partial(_utf16_sample, name=name),
               functools.partial(lambda b, name, end: Decoded(b.decode(name), "utf-16", f"UTF-16 ({end}-endian) "
                                 "without a byte-order mark"), name=name, end=end), even=True)
      for name, end in (("utf-16-le", "little"), ("utf-16-be", "big"))),
]


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark (little- or big-endian), or None: its NUL bytes are
    the high bytes of ASCII characters."""
    if len(data) % 2:
        return None
    best = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data[:SAMPLE_BYTES].decode(name, errors="strict")
        except UnicodeDecodeError:
            continue
        share = bad_share(text)
        if share <= 0.05 and (best is None or share < best[0]):
            best = (share, name)
    if best is None:
        return None
    try:
        text = data.decode(best[1])
    except UnicodeDecodeError:
        return None
    return Decoded(text, "utf-16", f"UTF-16 ({'little' if best[1].endswith('le') else 'big'}-endian) "
                                   "without a byte-order mark")


def _checked(found: Decoded) -> Decoded:
    if found.text:
        sample = found.text[:20000]
        if len(_CONTROL.findall(sample)) > max(5, 0.01 * len(sample)):
            raise DecodeError(f"looks binary (many control characters after decoding as {found.encoding})")
    return found


def line_runs(lines: list[int], show: int = 8) -> str:
    """1, 2, 3, 7 → '1–3, 7' (the first ``show`` runs)."""
    runs: list[list[int]] = []
    for n in lines:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:show])
    return text + (f" and {len(runs) - show} more" if len(runs) > show else "")
