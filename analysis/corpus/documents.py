"""From one raw text to one or more clean documents with metadata and provenance.

raw bytes → characters normalised (and Traditional → Simplified) → header read (title, outlet,
publication date) → boilerplate removed → broken lines joined → compilations split into parts →
per document: language, meeting date, year, quarter, reference period, region.
Every metadata value carries ``<field>_source`` (the rule, or ``override``) and ``<field>_conf``.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import dates
from .cleaning import join_broken_lines, remove_boilerplate
from .compilation import split_compilation
from ..pipeline.config import CorpusParams
from .header import read_header, read_lede, strip_header
from .language import detect_language, japanese_or_korean
from .normalize import normalize_chars, rejoin_spaced, simplify_stray, to_simplified, traditional_share
from ..pipeline.problems import Problem
from .provenance import Found
from .readers import RawText
from .regions import load_gazetteer, locate

#: Fields that carry provenance columns (``<field>_source``, ``<field>_conf``).
PROVENANCE_FIELDS = ("title", "lang", "outlet", "pub_date", "meeting_date", "year", "quarter",
                     "period", "region")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,'’-][A-Za-z0-9]+)*")
_NOT_CJK_LEAD = bytes(range(0xE4)) + bytes(range(0xEA, 0x100))


def text_sizes(text: str) -> dict:
    """Length measures of a normalised text.

    ``n_chars``: characters other than whitespace (normalisation leaves only spaces and newlines).
    ``n_cjk``: Chinese characters, U+4000–U+9FFF (CJK Unified Ideographs and most of Extension A),
    counted as UTF-8 lead bytes E4–E9, which is exact for that range and fast.
    ``n_words``: Latin-script words and numbers.
    """
    raw = text.encode("utf-8")
    return {
        "n_chars": len(text) - text.count(" ") - text.count("\n"),
        "n_cjk": len(raw.translate(None, _NOT_CJK_LEAD)),
        "n_words": len(_WORD.findall(text)),
    }


@dataclass(frozen=True)
class DocParams:
    """The corpus settings that change documents (defaults: the ``[corpus]`` section's)."""
    traditional_share: float = CorpusParams.traditional_share
    cjk_share: float = CorpusParams.cjk_share
    latin_share: float = CorpusParams.latin_share
    inference: str = CorpusParams.inference
    max_doc_chars: int = CorpusParams.max_doc_chars
    long_docs: str = CorpusParams.long_docs

    @classmethod
    def from_config(cls, corpus: CorpusParams) -> "DocParams":
        return cls(corpus.traditional_share, corpus.cjk_share, corpus.latin_share, corpus.inference,
                   corpus.max_doc_chars, corpus.long_docs)


@functools.lru_cache(maxsize=4096)
def _stem(source_file: str) -> str:
    return PurePosixPath(source_file).with_suffix("").as_posix()


def doc_id_for(raw: RawText, part: int | None) -> str:
    stem = _stem(raw.source_file)
    if raw.row is not None:
        stem = f"{stem}-r{raw.row + 1:05d}"
    return stem if part is None else f"{stem}-p{part:02d}"


def documents_from_raw(raw: RawText, params: DocParams = DocParams(),
                       given: dict | None = None) -> tuple[list[dict], list[Problem]]:
    """Clean one raw text and extract its metadata; a compilation yields one record per part.

    ``given`` holds parsed override values (field → value) that win over extracted ones.
    """
    problems: list[Problem] = []
    text = normalize_chars(raw.text)
    foreign = japanese_or_korean(text)   # their kanji or Hanja are not Traditional Chinese: never converted
    share = traditional_share(text) if not foreign else 0.0
    converted = share >= params.traditional_share
    if converted:
        text = to_simplified(text)
    elif not foreign:   # a Simplified text quoting a Traditional form (雙過半): those characters one by one
        text, stray = simplify_stray(text)
        if stray:
            problems.append(Problem(raw.source_file, _where(raw), f"{stray} Traditional character(s) inside a Simplified "
                                    "text converted one by one (so that 雙過半 counts as 双过半)", "repaired"))
    text, spaced = rejoin_spaced(text)
    if spaced:
        problems.append(Problem(raw.source_file, _where(raw), "a space between every Chinese character (text "
                                "extracted from a PDF): the spaces between Chinese characters removed", "repaired"))
    header = read_header(text)
    audit = list(header.removed)          # every line taken out, with its rule (removed_lines)
    cleaned, removed = remove_boilerplate(strip_header(text, header), audit)
    removed.update(rule for rule, _ in header.removed)
    body, joins = join_broken_lines(cleaned)
    body = repeated_paragraphs_out(body.lstrip(), audit, removed)
    lede = read_lede(body)
    if lede.length:  # an agency lede is header: its outlet and place are read, its words not counted
        body = body[lede.length:].lstrip()
        header = dataclasses.replace(header, outlet=header.outlet if header.outlet.known else lede.outlet)
    if not body.strip():
        problems.append(Problem(raw.source_file, _where(raw), "no text left after removing boilerplate", "skipped"))
        return [], problems
    pub = dates.publication_date(header.lines, header.fields)
    base = {
        "doc_vars": json.dumps(raw.variables, ensure_ascii=False, sort_keys=True) if raw.variables else None,
        "source_file": raw.source_file,
        "encoding": raw.encoding,
        "converted_t2s": converted,
        "boilerplate_removed": ", ".join(f"{k}:{v}" for k, v in sorted(removed.items())
                                         ) + (", news_lede:1" if lede.length else ""),
        "lines_joined": joins,
        "removed_lines": json.dumps([list(x) for x in audit], ensure_ascii=False) if audit else None,
    }
    paragraphs = body.split("\n\n")
    parts = split_compilation(paragraphs, header.title.value)
    records = []
    if parts is None:
        records.append(_record(raw, None, header.title, body, header, pub, params, base,
                               parent_id=None, partial=False, partial_reason=None, given=given,
                               header_place=lede.place))
    else:
        parent_id = doc_id_for(raw, None)
        parent_year = dates.year_from_anchors(body)
        for part in parts:
            title = Found(part.heading, "compilation_heading", "high") if part.heading else \
                Found.unknown("text before the first heading of a compilation page")
            records.append(_record(raw, part.number, title, part.text, header, pub, params, base,
                                   parent_id=parent_id, partial=part.partial,
                                   partial_reason=part.partial_reason, parent_year=parent_year,
                                   parent_title=header.title.value, given=given))
    for rec in records:
        if rec["lang"] not in ("zh", "en"):
            problems.append(Problem(raw.source_file, _where(raw, rec["part"]),
                                    f"unsupported language ({rec['lang_source']}); kept in the table, left out of analyses",
                                    "kept"))
    return records, problems


#: a paragraph at least this long that repeats an earlier one word for word is a copy (a page that
#: shows its lede twice), not the speaker repeating a salutation
REPEATED_PARAGRAPH_CHARS = 20


def repeated_paragraphs_out(body: str, audit: list, removed) -> str:
    """``body`` without the paragraphs that repeat an earlier one word for word (at least
    REPEATED_PARAGRAPH_CHARS characters), each added to ``audit`` and counted in ``removed`` as
    ``repeated_paragraph``."""
    seen: set[str] = set()
    kept = []
    for paragraph in body.split("\n\n"):
        key = paragraph.strip()
        if len(key) >= REPEATED_PARAGRAPH_CHARS and key in seen:
            audit.append(("repeated_paragraph", key))
            removed["repeated_paragraph"] += 1
            continue
        seen.add(key)
        kept.append(paragraph)
    return "\n\n".join(kept)


def _where(raw: RawText, part: int | None = None) -> str:
    bits = []
    if raw.row is not None:
        bits.append(f"row {raw.row + 1}")
    if part is not None:
        bits.append(f"part {part}")
    return ", ".join(bits)


def _record(raw: RawText, part: int | None, title: Found, text: str, header, pub: Found,
            params: DocParams, base: dict, *, parent_id, partial, partial_reason,
            parent_year: Found | None = None, parent_title: str | None = None,
            given: dict | None = None, header_place: str | None = None) -> dict:
    lang = detect_language(text, params.cjk_share, params.latin_share)
    outlet = header.outlet
    if part is not None:
        outlet = Found(outlet.value, f"parent:{outlet.source}", outlet.confidence) if outlet.known else outlet
        pub = Found(pub.value, f"parent:{pub.source}", pub.confidence) if pub.known else pub
    rec = {
        "doc_id": doc_id_for(raw, part),
        **base,
        "parent_id": parent_id,
        "part": part,
        "partial": partial,
        "partial_reason": partial_reason,
        "parent_title": parent_title,
        "text": text,
    }
    _put(rec, "title", title)
    _put(rec, "lang", lang)
    _put(rec, "outlet", outlet)
    _put(rec, "pub_date", pub)
    rec["_parent_year"] = parent_year
    rec["_title_for_region"] = title.value or ""
    rec["_dateline"] = rec["dateline"] = header_place
    rec["_clues"] = params.inference == "clues"
    for field, value in (given or {}).items():
        set_override(rec, field, value)
    derive(rec)
    return rec


def set_override(rec: dict, field: str, value) -> None:
    """Set a researcher-given value on a record (call :func:`derive` afterwards)."""
    rec[field] = value
    rec[f"{field}_source"] = "override"
    rec[f"{field}_conf"] = "high"
    if field == "region":
        rec["adcode"] = value
    if field == "title":
        rec["_title_for_region"] = value


def _put(rec: dict, field: str, found: Found) -> None:
    rec[field] = found.value
    rec[f"{field}_source"] = found.source
    rec[f"{field}_conf"] = found.confidence


def derive(rec: dict, clues: bool = True) -> None:
    """Fill the derived fields (year, quarter, period, region, sizes) of a record in place,
    respecting values whose source is ``override``. ``clues``: also infer, at low confidence, the
    quarter from the meeting's name and the region from content clues (``corpus.inference``)."""
    clues = rec.get("_clues", clues)
    text = rec["text"]
    if rec.get("meeting_date_source") != "override":
        _put(rec, "meeting_date", dates.meeting_date(text, rec["pub_date"]))
    if rec.get("year_source") != "override":
        _put(rec, "year", _year(rec, text))
    named = _MeetingName(rec, text, clues)
    if rec.get("quarter_source") != "override":
        _put(rec, "quarter", _quarter(rec, named))
    period, mentioned = dates.reference_period(text, rec["year"], rec["lang"])
    if not period.known and (named_period := named.quarter_and_period[1]) is not None and named_period.known:
        period = named_period
    annual = annual_period(rec)
    if annual is not None:     # one rule per kind of document: an annual report's period is its year
        period = annual
    if rec.get("period_source") != "override":
        _put(rec, "period", period)
    rec["periods_mentioned"] = mentioned
    _derive_region(rec, text, clues)
    rec.update(text_sizes(text))


#: titles of the annual reports of a government or congress (the year's work report, the plan and the
#: budget reports): their period is the year they are delivered in, whatever quarters they mention
ANNUAL_REPORT = re.compile(r"政府工作报告|(?:国民经济和社会发展|预算|计划)(?:执行情况)?的?报告|government work report", re.I)


def annual_period(rec: dict) -> Found | None:
    """The period of an annual report (:data:`ANNUAL_REPORT` in its title): its year; else None."""
    title = rec.get("title") or ""
    if rec.get("year") is None or not ANNUAL_REPORT.search(str(title)):
        return None
    return Found(str(rec["year"]), "annual_report: the title names an annual report; its period is its year", "medium")


def _year(rec: dict, text: str) -> Found:
    """The year of a record: its meeting's, its publication's, the text's date anchors', or its
    compilation's."""
    if rec["meeting_date"] is not None:
        return Found(rec["meeting_date"].year, "meeting_date", rec["meeting_date_conf"])
    if rec["pub_date"] is not None:
        return Found(rec["pub_date"].year, "pub_date", "medium")
    year = dates.year_from_anchors(text)
    parent = rec.get("_parent_year")
    if not year.known and parent is not None and parent.known:
        return Found(parent.value, f"compilation:{parent.source}", "low")
    return year


class _MeetingName:
    """What the name of a record's meeting says, read once, and only when a rule needs it."""

    def __init__(self, rec: dict, text: str, clues: bool):
        self.rec, self.text, self.clues = rec, text, clues

    @functools.cached_property
    def quarter_and_period(self) -> tuple[Found | None, Found | None]:
        """(quarter, reference period) from the meeting's name; (None, None) without ``clues``."""
        names = [self.rec.get("title") or "", self.rec.get("parent_title") or "", self.text[:200]]
        return dates.from_meeting_name(names, self.rec["year"]) if self.clues else (None, None)


def _quarter(rec: dict, named: _MeetingName) -> Found:
    """The quarter of a record: its meeting's, its publication's, or the one its meeting's name gives."""
    if rec["meeting_date"] is not None:
        return Found(dates.quarter_of(rec["meeting_date"]), "meeting_date", rec["meeting_date_conf"])
    if rec["pub_date"] is not None:
        return Found(dates.quarter_of(rec["pub_date"]), "pub_date (no meeting date)", "low")
    if (named_quarter := named.quarter_and_period[0]) is not None and named_quarter.known:
        return named_quarter
    return Found.unknown("no meeting or publication date, no campaign phrase in the meeting's name")


def _derive_region(rec: dict, text: str, clues: bool) -> None:
    """Fill a record's region (unless overridden), its hierarchy and the places it mentions, in place."""
    gaz = load_gazetteer()
    found = locate(rec.get("_title_for_region", ""), text, rec["lang"] if rec["lang"] in ("zh", "en") else "zh", gaz,
                   dateline=rec.get("_dateline"), clues=clues)
    if rec.get("region_source") != "override":
        _put(rec, "region", found.jurisdiction)
        rec["adcode"] = rec["region"]
    code = rec.get("adcode")
    hier = gaz.hierarchy(code) if code else {"province": None, "prefecture": None, "county": None,
                                             "adcode": None, "region_level": None}
    rec.update(hier)
    rec["region"] = gaz.divisions[code].name if code else None
    rec["mentioned_adcodes"] = list(found.mentioned)
    rec["mentioned_regions"] = [gaz.full_name(c) for c in found.mentioned]
    rec["ambiguous_mentions"] = list(found.ambiguous)
    rec["region_candidates"] = list(found.candidates) if not code else []
    rec["covered_regions"] = [gaz.full_name(c) for c in found.covered]
