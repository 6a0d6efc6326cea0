"""Read a CSV corpus row by row, so that a broken row is named and the rows after it are kept.

A CSV table read in one go turns one stray quote into a silent merge: ``r3,"稳中求进`` without its
closing quote swallows every following row into row 3's text, until some later quote closes it. Here
each record is parsed strictly and checked against the lines it spans:

- a record that runs over several lines and then breaks the CSV rules (a character after a closing
  quote, or the end of the file inside quotes), or whose extra lines each look like a whole row (as many
  cells as the header), opened a quote it never closed: its first line is read as one row with the
  unmatched opening quote dropped, and reading starts again on the next line;
- a row with more cells than the header keeps the header's cells and names the rest;
- a row with fewer cells has its missing cells empty, and is named.

Blank lines are skipped, as spreadsheets write them. A quoted text that runs over several lines (a
text with paragraphs) is kept whole. Each problem names the line of the file (the header is line 1).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .encoding import line_runs


@dataclass
class CsvTable:
    header: list[str]
    rows: list[list[str]]                      # each as long as the header
    lines: list[int] = field(default_factory=list)   # the file line (1-based) each row starts on
    problems: list[tuple[str, str]] = field(default_factory=list)   # (where, what was found and done)


def read_csv_rows(text: str) -> CsvTable:
    """The header and rows of a CSV text (see the module's docstring)."""
    lines = io.StringIO(text, newline="").readlines()   # at \n, \r\n and \r only, as the csv module reads
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if start == len(lines):
        return CsvTable([], [])
    header_end, header = _one_record(lines, start)
    table = CsvTable(_unique(header), [])
    width = len(header)
    unclosed, long_rows, short_rows = [], [], []
    for begin, _, fields in _records(lines, header_end, width, unclosed):
        if not any(f.strip() for f in fields) and len(fields) <= 1:
            continue
        if len(fields) > width:
            long_rows.append(begin + 1)
            fields = fields[:width]
        elif len(fields) < width:
            short_rows.append(begin + 1)
            fields = fields + [""] * (width - len(fields))
        table.rows.append(fields)
        table.lines.append(begin + 1)
    if unclosed:
        table.problems.append((_where(unclosed), "a quote opened and never closed: the line is read as one row "
                                                 "(its opening quote dropped), not merged with the rows after it; "
                                                 "close the quote (or double it) in the file"))
    if long_rows:
        table.problems.append((_where(long_rows), f"more cells than the header's {width}: the extra cells are "
                                                  "ignored; quote a text that contains commas"))
    if short_rows:
        table.problems.append((_where(short_rows), f"fewer cells than the header's {width}: the missing cells "
                                                   "are empty"))
    return table


def _where(lines: list[int]) -> str:
    return f"line{'s' if len(lines) > 1 else ''} {line_runs(lines)}"


def _one_record(lines: list[str], i: int) -> tuple[int, list[str]]:
    """The record starting on line ``i`` (the header) and the line after it."""
    for _, end, fields in _records(lines, i, None, []):
        return end, fields
    return i + 1, []


def _records(lines: list[str], i: int, width: int | None, unclosed: list[int]):
    """(first line, line after it, cells) of each record from line ``i`` on, in one pass of the C reader; at a record
    that opened a quote it never closed (see the module's docstring) its line is added to ``unclosed``,
    read alone, and the reader starts again on the next line."""
    while i < len(lines):
        end = i

        def feed(start=i):
            nonlocal end
            for j in range(start, len(lines)):
                end = j + 1
                yield lines[j]

        reader = csv.reader(feed(), strict=True)
        begin = i
        while True:
            while begin < len(lines) and not lines[begin].strip():
                begin += 1      # the reader skips blank lines itself
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:   # unclosed over several lines, or to the end of the file; else a stray quote
                if end - begin > 1 or "end of data" in str(exc):
                    break
                yield begin, end, next(csv.reader([lines[begin]], strict=False))
                i = begin = end
                reader = csv.reader(feed(end), strict=True)
                continue
            if end - begin > 1 and width and width > 1 and _rows_inside(lines[begin + 1:end], width):
                break
            yield begin, end, fields
            begin = end
        unclosed.append(begin + 1)
        yield begin, begin + 1, _literal(lines[begin])
        i = begin + 1


def _rows_inside(inner: list[str], width: int) -> bool:
    """Every further line of a multi-line record reads alone as a whole row (``width`` cells): rows
    swallowed by an unclosed quote, not the paragraphs of a text."""
    rows = [line for line in inner if line.strip()]
    if not rows:
        return False
    for line in rows:
        try:
            cells = next(csv.reader([line], strict=True))
        except (csv.Error, StopIteration):
            return False
        if len(cells) != width:
            return False
    return True


def _literal(line: str) -> list[str]:
    """One line read with quotes as characters; a cell's unmatched opening quote removed."""
    cells = next(csv.reader([line.rstrip("\r\n")], quoting=csv.QUOTE_NONE), [])
    return [c[1:] if c.startswith('"') and c.count('"') % 2 else c for c in cells]


def _unique(header: list[str]) -> list[str]:
    """Header names made unique as pandas does (``a``, ``a.1``); an empty name is ``Unnamed: i``."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(header):
        name = name.strip() or f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out
