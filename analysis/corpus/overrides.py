"""Researcher's metadata overrides: a CSV in the corpus folder that wins over extracted values.

Columns: ``source_file`` (required: the file name as in the corpus folder), ``part`` (optional:
a part number of a compilation, or a row number of a tabular corpus; blank means every document
of the file), and any of ``title``, ``lang``, ``outlet``, ``pub_date``, ``meeting_date``, ``year``,
``quarter``, ``period``, ``region``. Blank cells change nothing. Dates are ``YYYY-MM-DD``; region is
a name, a chain of names (浙江省杭州市萧山区) or an official code; quarter is ``2022Q3``; period is
``2022``, ``2022Q1``…``2022Q4``, ``2022H1``, ``2022H2`` or ``2022Q1-Q3``.

Every other column (``macro_region``, ``treated``, ``leader_tenure`` …) is a *document variable* of
the documents its rows match, as a column of a tabular corpus is: it can be grouped by in the API
and is written beside counts. A column whose name is close to a field's (``quater``) is reported as
a likely misspelling, and still kept as a variable.

A malformed cell is reported with its row and column, and only that cell is ignored.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..pipeline.problems import Problem
from .readers import DecodeError, decode_bytes, read_file
from .regions import Gazetteer

FIELDS = ("title", "lang", "outlet", "pub_date", "meeting_date", "year", "quarter", "period", "region")
_PERIOD = re.compile(r"^\d{4}(?:Q[1-4]|H[12]|Q1-Q3)?$")
_QUARTER = re.compile(r"^\d{4}Q[1-4]$")


@dataclass(frozen=True)
class Override:
    source_file: str
    part: int | None
    values: dict  # field -> parsed value (region: adcode)
    row: int
    variables: dict = None  # other column -> its text (document variables)


#: A date cell: 2022-07-08, 2022/7/8, 2022.07.08 or 2022年7月8日, optionally followed by a time.
_DATE_CELL = re.compile(r"^\s*(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")


def parse_value(field: str, text: str, gaz: Gazetteer):
    """Parse one override cell; raise ValueError with a readable reason."""
    if field in ("pub_date", "meeting_date"):
        m = _DATE_CELL.match(text)
        try:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"])) if m else dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a date (YYYY-MM-DD, optionally with a time)") from None
    if field == "year":
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError(f"'{text}' is not a year")
        return int(text)
    if field == "quarter" and not _QUARTER.match(text):
        raise ValueError(f"'{text}' is not a quarter (like 2022Q3)")
    if field == "period" and not _PERIOD.match(text):
        raise ValueError(f"'{text}' is not a period (2022, 2022Q1, 2022H1, 2022Q1-Q3)")
    if field == "lang" and text not in ("zh", "en"):
        raise ValueError(f"'{text}' is not a supported language (zh, en)")
    if field == "region":
        codes = gaz.lookup(text)
        if not codes:
            raise ValueError(f"'{text}' is not a known region name or code")
        if len(codes) > 1:
            names = ", ".join(gaz.full_name(c) for c in codes[:4])
            raise ValueError(f"'{text}' is ambiguous ({names}); give the full chain or the code")
        return codes[0]
    return text


def read_overrides(path: Path, gaz: Gazetteer) -> tuple[list[Override], list[Problem]]:
    name = path.name
    problems: list[Problem] = []
    try:
        text = decode_bytes(read_file(path)).text
    except DecodeError as exc:
        return [], [Problem(name, "", str(exc), "skipped")]
    except OSError as exc:
        return [], [Problem(name, "", f"cannot be read: {exc.strerror or exc}", "skipped")]
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ("\t" if "\t" in first and "," not in first else ",")
    if delimiter != ",":   # as spreadsheets of some locales save CSV
        problems.append(Problem(name, "header", f"cells separated by {'tabs' if delimiter == chr(9) else repr(delimiter)}, "
                                                "not commas: read so", "kept"))
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = reader.fieldnames or []
    if "source_file" not in columns:
        return [], [Problem(name, "header", "no 'source_file' column; the override file is not used", "skipped")]
    extra = [c for c in columns if c and c not in FIELDS and c not in ("source_file", "part", "note")]
    if extra:
        problems.append(Problem(name, "header", f"columns kept as document variables: {', '.join(extra)}"
                                + _misspellings(extra), "mapped"))
    out: list[Override] = []
    seen: dict[tuple, tuple[int, dict]] = {}
    for i, row in enumerate(reader, start=2):  # row 1 is the header
        source = (row.get("source_file") or "").strip()
        if not source:
            problems.append(Problem(name, f"row {i}, column source_file", "empty", "skipped"))
            continue
        if row.get(None):   # more cells than the header has columns
            problems.append(Problem(name, f"row {i}", f"{len(row[None])} cell(s) more than the header's columns "
                                                     f"({', '.join(map(repr, row[None]))}): ignored", "ignored"))
        key = (source, (row.get("part") or "").strip())
        cells = {c: (row.get(c) or "").strip() for c in columns if c}
        if key in seen:
            first_row, first_cells = seen[key]
            differ = sorted(c for c in cells if cells[c] != first_cells.get(c, ""))
            if differ:
                problems.append(Problem(name, f"row {i}", f"a second row for {source}"
                                        + (f" part {key[1]}" if key[1] else "") + f" (row {first_row}) with other "
                                        f"values ({', '.join(differ)}): this row is not used", "skipped"))
            continue
        seen[key] = (i, cells)
        part_text = (row.get("part") or "").strip()
        part = None
        if part_text:
            if not (part_text.isascii() and part_text.isdigit()):
                problems.append(Problem(name, f"row {i}, column part", f"'{part_text}' is not a whole number", "skipped"))
                continue
            part = int(part_text)
        values = {}
        for field in FIELDS:
            cell = (row.get(field) or "").strip()
            if not cell:
                continue
            try:
                values[field] = parse_value(field, cell, gaz)
            except ValueError as exc:
                problems.append(Problem(name, f"row {i}, column {field}", str(exc), "ignored"))
        given_date = values.get("meeting_date")
        if given_date is not None and values.get("quarter") and _quarter_of(given_date) != values["quarter"]:
            problems.append(Problem(name, f"row {i}", f"meeting_date {given_date} is in {_quarter_of(given_date)}, not "
                                    f"in the quarter given ({values['quarter']}): the quarter is used as given; "
                                    "correct one of them", "kept"))
        variables = {c: (row.get(c) or "").strip() for c in extra if (row.get(c) or "").strip()}
        out.append(Override(source, part, values, i, variables))
    return out, problems


def _quarter_of(day) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _misspellings(columns: list[str]) -> str:
    """A note on the columns that look like a misspelt field (quater → quarter), or ''."""
    import difflib

    close = {c: difflib.get_close_matches(c.lower(), FIELDS, n=1, cutoff=0.8) for c in columns}
    named = [f"'{c}' (did you mean '{m[0]}'?)" for c, m in close.items() if m]
    return f"; {', '.join(named)} looks like a misspelt field and is not used as one" if named else ""


def apply_overrides(records: list[dict], overrides: list[Override]) -> set[int]:
    """Set override values on matching records (in place); return the numbers of the overrides that
    matched one (a corpus is read in batches: see :func:`unmatched_overrides`)."""
    from .documents import derive, set_override

    matched = set()
    for k, ov in enumerate(overrides):
        hits = [r for r in records if r["source_file"] == ov.source_file
                and (ov.part is None or r["part"] == ov.part or (r["part"] is None and _row_of(r) == ov.part))]
        if hits:
            matched.add(k)
        for rec in hits:
            for field, value in ov.values.items():
                set_override(rec, field, value)
            if ov.variables:
                _add_variables(rec, ov.variables)
            derive(rec)
    return matched


def unmatched_overrides(overrides: list[Override], matched: set[int], overrides_name: str) -> list[Problem]:
    """A problem for each override that matched no document (``matched``: what :func:`apply_overrides` returned)."""
    return [Problem(overrides_name, f"row {ov.row}", f"no document matches source_file={ov.source_file!r} part={ov.part}",
                    "ignored") for k, ov in enumerate(overrides) if k not in matched]


def _add_variables(rec: dict, variables: dict) -> None:
    """The override file's variables joined to a record's own (a tabular corpus's columns); the file wins."""
    import json

    given = json.loads(rec["doc_vars"]) if rec.get("doc_vars") else {}
    rec["doc_vars"] = json.dumps({**given, **variables}, ensure_ascii=False, sort_keys=True)


def _row_of(rec: dict) -> int | None:
    m = re.search(r"-r(\d+)$", rec["doc_id"])
    return int(m.group(1)) if m else None
