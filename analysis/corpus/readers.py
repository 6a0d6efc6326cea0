"""Read a corpus folder: plain-text files and tabular corpora (CSV, JSONL, Parquet).

Raw files are only read, never changed. Each text becomes a :class:`RawText`; every file or row
that cannot be used becomes a :class:`~analysis.pipeline.problems.Problem` naming the file and the reason,
and the run goes on.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generator, Iterator

from ..pipeline.config import TABLE_FIELDS
from .csv_rows import read_csv_rows
from .encoding import DecodeError, Decoded, decode_bytes  # noqa: F401 (part of this module's API)
from ..pipeline.problems import ENVIRONMENT_ERRORS, Problem
from .markup import html_text, is_rtf, looks_like_html, markdown_text

TEXT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm"}
TABLE_SUFFIXES = {".csv", ".jsonl", ".parquet"}

@dataclass(frozen=True)
class RawText:
    """One text as read from disk, before any cleaning."""

    source_file: str          # path relative to the corpus folder, POSIX style
    row: int | None           # row number (0-based) in a tabular corpus, else None
    text: str
    encoding: str
    overrides: dict = field(default_factory=dict)  # metadata given by the file itself (field → cell)
    variables: dict = field(default_factory=dict)  # the row's other columns (name → cell), kept as they are
    columns: dict = field(default_factory=dict)    # field → the column it was read from


def iter_corpus(folder: Path, overrides_name: str = "metadata.csv",
                max_file_mb: float = 200.0, columns: dict | None = None,
                exclude: tuple = ()) -> Iterator[RawText | Problem]:
    """Yield every text of a corpus folder (recursively, in sorted path order) or a Problem.
    ``columns`` maps fields to the column names of tabular corpora (see :func:`map_columns`);
    ``exclude``: folders of the project's own (the data and figures folders) that are left out
    when they lie inside the corpus folder."""
    folder = Path(folder)
    if folder.is_file():
        raise FileNotFoundError(f"corpus folder: {folder} is a file; give the folder that holds the corpus "
                                f"({folder.parent})")
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {folder}")
    files, problems = corpus_files(folder, exclude)
    yield from problems
    for path in files:
        rel = path.relative_to(folder).as_posix()
        suffix = path.suffix.lower()
        if rel == overrides_name:
            continue
        try:
            size = path.stat().st_size
        except OSError as exc:
            yield Problem(rel, "", f"cannot be read: {exc.strerror or exc}", "skipped")
            continue
        if size > max_file_mb * 1e6:
            yield Problem(rel, "", f"larger than {max_file_mb:g} MB (corpus.max_file_mb)", "skipped")
            continue
        if suffix in TEXT_SUFFIXES:
            yield from _read_text_file(path, rel)
        elif suffix in TABLE_SUFFIXES:
            yield from _read_table_file(path, rel, columns or {})
        else:
            yield Problem(rel, "", f"not a corpus file (expected {', '.join(sorted(TEXT_SUFFIXES | TABLE_SUFFIXES))})", "skipped")


def corpus_files(folder: Path, exclude: tuple = ()) -> tuple[list[Path], list[Problem]]:
    """The files of a corpus folder, recursively, in sorted path order (hidden files and folders
    left out; linked folders followed, each real folder once), and a problem for each sub-folder
    that cannot be listed. The project's own output folders are left out, with a problem: those
    named in ``exclude`` (the data and figures folders) and any folder that holds a data folder's
    ``corpus/_stage.json`` (the outputs of an earlier run)."""
    files: list[Path] = []
    problems: list[Problem] = []
    own = {str(Path(x).resolve()) for x in exclude}

    def unlistable(exc: OSError) -> None:
        rel = Path(exc.filename).relative_to(folder).as_posix() if exc.filename else "?"
        problems.append(Problem(rel + "/", "", f"folder cannot be read: {exc.strerror or exc}; its files are "
                                               "not in the corpus", "skipped"))

    seen = {os.path.realpath(folder)}   # linked folders are followed, each real folder once
    for root, dirs, names in os.walk(folder, onerror=unlistable, followlinks=True):
        kept = []
        for d in sorted(d for d in dirs if not d.startswith(".")):
            real = os.path.realpath(os.path.join(root, d))
            if real in own or os.path.exists(os.path.join(real, "corpus", "_stage.json")):
                rel = (Path(root) / d).relative_to(folder).as_posix()
                problems.append(Problem(rel + "/", "", "an output folder of tifa's inside the corpus folder: left out "
                                                      "of the corpus (better: put --data and --figures outside it)",
                                        "skipped"))
                continue
            if real in seen:
                rel = (Path(root) / d).relative_to(folder).as_posix()
                problems.append(Problem(rel + "/", "", "a link to a folder already read (a loop or a second link); "
                                                      "its files are read once", "skipped"))
                continue
            seen.add(real)
            kept.append(d)
        dirs[:] = kept
        files += [Path(root) / n for n in names if not n.startswith(".")]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix()), problems


def read_file(path: Path) -> bytes:
    """A raw file's bytes (the one place that reads them)."""
    with open(path, "rb") as fh:
        return fh.read()


def _read_text_file(path: Path, rel: str) -> Iterator[RawText | Problem]:
    try:
        data = read_file(path)
    except OSError as exc:
        yield Problem(rel, "", f"cannot be read: {exc.strerror or exc}", "skipped")
        return
    if not data:
        yield Problem(rel, "", "empty file", "skipped")
        return
    try:
        found = decode_bytes(data)
    except DecodeError as exc:
        yield Problem(rel, "", str(exc), "skipped")
        return
    if not found.text.strip():
        yield Problem(rel, "", "empty file (only whitespace after decoding)", "skipped")
        return
    if found.note:
        yield Problem(rel, "", found.note, "repaired" if "replaced" in found.note else "kept")
    text = found.text
    if is_rtf(text):
        yield Problem(rel, "", "an RTF file: its control words would be counted as words; save it as plain text "
                               "(.txt) and run again", "skipped")
        return
    if path.suffix.lower() in (".html", ".htm") or looks_like_html(text):
        text = html_text(text)
        yield Problem(rel, "", "an HTML page: its text read without tags, scripts, styles and navigation", "converted")
    elif path.suffix.lower() == ".md":
        text = markdown_text(text)
    if not text.strip():
        yield Problem(rel, "", "no text once its markup is left out", "skipped")
        return
    yield RawText(rel, None, text, found.encoding)


def map_columns(available: list[str], given: dict) -> dict[str, str]:
    """Field → column of a table: the columns named in ``given`` (tifa.toml ``[corpus] columns``;
    ``date`` and ``source`` are read as ``pub_date`` and ``outlet``), else the first column whose
    name is a common one for the field (content, 正文, 标题, 发布时间 …: ``config.TABLE_FIELDS``)."""
    given = {{"date": "pub_date", "source": "outlet"}.get(k, k): v for k, v in given.items()}
    lower = {str(c).strip().lower(): c for c in available}
    out = {}
    for name, candidates in TABLE_FIELDS.items():
        if name in given:
            if given[name] in available:
                out[name] = given[name]
            continue
        for cand in candidates:
            if cand in lower and lower[cand] not in out.values():
                out[name] = lower[cand]
                break
    return out


def _read_table_file(path: Path, rel: str, columns: dict) -> Iterator[RawText | Problem]:
    suffix = path.suffix.lower()
    try:
        frame, rows, encoding = yield from _parse_table(path, rel, suffix)
    except DecodeError as exc:
        yield Problem(rel, "", str(exc), "skipped")
        return
    except OSError as exc:
        yield Problem(rel, "", f"cannot be read: {exc.strerror or exc}", "skipped")
        return
    except ENVIRONMENT_ERRORS:  # the installation, not the file: the run stops and says how to repair it
        raise
    except Exception as exc:  # pandas/pyarrow parse errors have many types
        yield Problem(rel, "", f"cannot be read as a {suffix[1:].upper()} table: {exc}", "skipped")
        return
    available = [str(c) for c in frame.columns]
    mapping = yield from _mapped_columns(rel, available, columns)
    if mapping is None:
        return
    kept = [c for c in available if c not in mapping.values()]
    yield Problem(rel, "", "columns used: " + ", ".join(f"{f} ← {c}" for f, c in mapping.items())
                  + (f"; kept as document variables: {', '.join(kept)}" if kept else ""), "mapped")
    records = frame.to_dict("records") if rows is None else rows
    yield from _table_texts(rel, records, mapping, kept, encoding)


def _parse_table(path: Path, rel: str, suffix: str) -> Generator[Problem, None, tuple]:
    """Yield the problems of reading a table (a repaired encoding, unusable JSON lines) and return
    (its frame, its JSON lines' rows or None, its encoding); JSON lines give an empty frame of the
    keys seen, in order, and are used as they are."""
    import pandas as pd

    if suffix == ".parquet":
        return pd.read_parquet(path), None, "parquet"
    found = decode_bytes(read_file(path))
    if found.note:
        yield Problem(rel, "", found.note, "repaired" if "replaced" in found.note else "kept")
    if suffix == ".csv":
        table = read_csv_rows(found.text)
        for where, what in table.problems:
            yield Problem(rel, where, what, "repaired" if "quote" in what else "kept")
        return pd.DataFrame(table.rows, columns=table.header, dtype=str), None, found.encoding
    rows = yield from _json_rows(rel, found.text)
    return pd.DataFrame(columns=list(dict.fromkeys(k for r in rows for k in r))), rows, found.encoding


def _json_rows(rel: str, text: str) -> Generator[Problem, None, list[dict]]:
    """Yield a problem for each line of a JSON lines text that is not a JSON object and return the objects."""
    rows = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(rel, f"line {lineno}", f"not valid JSON: {exc.msg}", "skipped")
            continue
        if isinstance(row, dict):
            rows.append(row)
        else:
            yield Problem(rel, f"line {lineno}", f"not a JSON object (a {type(row).__name__})", "skipped")
    return rows


def _mapped_columns(rel: str, available: list[str], columns: dict) -> Generator[Problem, None, dict | None]:
    """Yield the problems of the table's columns (named in ``columns`` but absent, no text column) and
    return the field → column mapping, or None when the table has no text column."""
    mapping = map_columns(available, columns)
    missing = [f"{k} = '{v}'" for k, v in columns.items() if v not in available]
    if missing:
        yield Problem(rel, "", f"corpus.columns names column(s) not in the file: {', '.join(missing)} "
                               f"(columns: {', '.join(available)})", "ignored")
    if "text" not in mapping:
        yield Problem(rel, "", f"no text column (columns: {', '.join(available)}); name it in tifa.toml, "
                               "for example [corpus] columns = {text = \"content\"}", "skipped")
        return None
    return mapping


def _table_texts(rel: str, records: list[dict], mapping: dict, kept: list[str], encoding: str
                 ) -> Iterator[RawText | Problem]:
    """A text for each record with one, its mapped fields and kept columns; one problem for the rest."""
    text_col = mapping["text"]
    empty, not_text = [], {}
    for i, record in enumerate(records):
        text = record.get(text_col)
        if text is not None and not isinstance(text, str) and not (isinstance(text, float) and text != text):
            kind = {"int": "number", "float": "number", "bool": "true or false", "dict": "table"}.get(
                type(text).__name__, type(text).__name__)
            not_text.setdefault(kind, []).append(i + 1)   # a number, a list: not a text
            continue
        if not isinstance(text, str) or not text.strip():
            empty.append(i + 1)
            continue
        given = {f: v for f, c in mapping.items() if f != "text" and (v := _cell(record.get(c)))}
        variables = {c: v for c in kept if (v := _cell(record.get(c)))}
        yield RawText(rel, i, text, encoding, given, variables, mapping)
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (f" and {len(empty) - 10} more" if len(empty) > 10 else "")
        yield Problem(rel, f"{len(empty)} row(s)", f"empty or missing text (rows {shown})", "skipped")
    for kind, rows in not_text.items():
        shown = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        yield Problem(rel, f"{len(rows)} row(s)", f"the text column '{text_col}' holds a {kind}, not a text (rows "
                                                  f"{shown}): write the text as a string", "skipped")


def _cell(value) -> str:
    """A table cell as stripped text; '' for missing values."""
    if isinstance(value, str):
        return value.strip()
    if value is None or _is_na(value):
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value).strip()


def _is_na(value) -> bool:
    if isinstance(value, str):
        return False
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
