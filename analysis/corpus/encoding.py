"""Decode the bytes of a raw file: find the encoding, keep what is readable, say what was repaired.

Researchers' folders hold UTF-8, GBK/GB18030 (mainland sites and Word exports), Big5 (Taiwan and
Hong Kong), UTF-16 (Windows "Unicode" text, with or without a byte-order mark), Windows-1252
(English pages) and files spliced from two of them. Several of these decode any byte string without
error, so "the first codec that does not fail" reads Big5 as GB18030 mojibake. Here every plausible
candidate decodes a sample, and the one whose text looks least like mojibake wins:

- a Chinese character counts against a candidate when it is not among the common characters (the
  3,755 of GB2312 level 1 and the 5,401 of Big5's frequent range, Simplified and Traditional), or
  when it sits inside a Latin word (Windows-1252 ``region’s`` read as GB18030 gives ``region抯``);
- so do replacement and private-use characters, control characters, kana, Hangul, Greek, Cyrillic
  and box drawing (what Big5 read as GBK produces), and runs of accented Latin letters with no
  plain Latin letter beside them (GBK read as Windows-1252 gives ``ÖÐ¹ú``).

A UTF-8 file with a few bad bytes is kept with those bytes replaced (U+FFFD) and the lines named; a
file spliced from UTF-8 and GB18030 lines is decoded line by line. A file that is mostly unreadable
(replacement, private-use and control characters) in every candidate is refused.
"""
from __future__ import annotations

import codecs
import functools
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
                raise DecodeError("has a UTF-32 byte-order mark but is not valid UTF-32; save it as UTF-8") from None
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return _checked(Decoded(data[2:].decode(name), "utf-16"))
            except UnicodeDecodeError:
                raise DecodeError("has a UTF-16 byte-order mark but is not valid UTF-16") from None
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise DecodeError("looks binary (contains NUL bytes, and is not UTF-16 text)")
        return _checked(found)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    sample = _sample(data)
    scored = []
    for reading in _READINGS:
        try:
            text = reading.sample(sample)
        except UnicodeDecodeError:
            continue
        if text is not None:
            scored.append((bad_share(text), len(scored), reading, text))
    if not scored:
        raise DecodeError("cannot be decoded as UTF-8, UTF-16, GB18030/GBK, Big5 or Windows-1252")
    _, _, reading, text = min(scored, key=lambda x: x[:2])
    share = bad_share(text, unreadable_only=True)
    if share > MAX_BAD_SHARE:
        raise DecodeError(f"cannot be decoded as UTF-8, UTF-16, GB18030/GBK, Big5 or Windows-1252: "
                          f"the best reading ({reading.label}) has {share:.0%} unreadable characters")
    return _checked(reading.full(data))


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
                               f"(line{'s' if len(lines) > 1 else ''} {_numbers(lines)})")


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
                   f"mixed encodings: line{'s' if len(gb) > 1 else ''} {_numbers(gb)} in GB18030, the rest in UTF-8")


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


@dataclass(frozen=True)
class _Reading:
    name: str
    label: str      # as named in a message
    sample: object  # bytes → text of a sample, or None when this reading does not apply
    full: object    # bytes → Decoded, for the whole file


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


def _numbers(lines: list[int], show: int = 8) -> str:
    """1, 2, 3, 7 → '1–3, 7' (the first ``show`` runs)."""
    runs: list[list[int]] = []
    for n in lines:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs[:show])
    return text + (f" and {len(runs) - show} more" if len(runs) > show else "")
