"""Read a corpus folder: plain-text files and tabular corpora (CSV, JSONL, Parquet).

Raw files are only read, never changed. Each text becomes a :class:`RawText`; every file or row
that cannot be used becomes a :class:`~analysis.problems.Problem` naming the file and the reason,
and the run goes on.
"""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from .config import TABLE_FIELDS
from .problems import Problem

TEXT_SUFFIXES = {".txt", ".text", ".md"}
TABLE_SUFFIXES = {".csv", ".jsonl", ".parquet"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


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


class DecodeError(ValueError):
    pass


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode raw bytes, returning ``(text, encoding)``.

    Tried in order: a byte-order mark (UTF-8, UTF-16 LE/BE), strict UTF-8, strict GB18030 (a superset
    of GBK and GB2312). Bytes that are binary (NUL bytes outside UTF-16, or many control characters)
    or that no encoding decodes raise :class:`DecodeError` with the reason.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[3:].decode("utf-8", errors="strict"), "utf-8-sig")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return _checked(data[2:].decode(name), "utf-16")
            except UnicodeDecodeError:
                raise DecodeError("has a UTF-16 byte-order mark but is not valid UTF-16") from None
    if b"\x00" in data:
        raise DecodeError("looks binary (contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        raise DecodeError("cannot be decoded as UTF-8, UTF-16 (with BOM) or GB18030/GBK") from None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if text:
        sample = text[:20000]
        if len(_CONTROL.findall(sample)) > max(5, 0.01 * len(sample)):
            raise DecodeError(f"looks binary (many control characters after decoding as {encoding})")
    return text, encoding


def iter_corpus(folder: Path, overrides_name: str = "metadata.csv",
                max_file_mb: float = 200.0, columns: dict | None = None) -> Iterator[RawText | Problem]:
    """Yield every text of a corpus folder (recursively, in sorted path order) or a Problem.
    ``columns`` maps fields to the column names of tabular corpora (see :func:`map_columns`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {folder}")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        suffix = path.suffix.lower()
        if rel == overrides_name:
            continue
        if path.stat().st_size > max_file_mb * 1e6:
            yield Problem(rel, "", f"larger than {max_file_mb:g} MB (corpus.max_file_mb)", "skipped")
            continue
        if suffix in TEXT_SUFFIXES:
            yield _read_text_file(path, rel)
        elif suffix in TABLE_SUFFIXES:
            yield from _read_table_file(path, rel, columns or {})
        else:
            yield Problem(rel, "", f"not a corpus file (expected {', '.join(sorted(TEXT_SUFFIXES | TABLE_SUFFIXES))})", "skipped")


def _read_text_file(path: Path, rel: str) -> RawText | Problem:
    data = path.read_bytes()
    if not data:
        return Problem(rel, "", "empty file", "skipped")
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        return Problem(rel, "", str(exc), "skipped")
    if not text.strip():
        return Problem(rel, "", "empty file (only whitespace after decoding)", "skipped")
    return RawText(rel, None, text, encoding)


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
    encoding = "utf-8"
    rows = None
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            encoding = "parquet"
        else:
            raw = path.read_bytes()
            text, encoding = decode_bytes(raw)
            if suffix == ".csv":
                import io
                frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            else:
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
                # JSON lines need no frame: the rows are used as they are (keys seen, in order)
                frame = pd.DataFrame(columns=list(dict.fromkeys(k for r in rows for k in r)))
    except DecodeError as exc:
        yield Problem(rel, "", str(exc), "skipped")
        return
    except Exception as exc:  # pandas/pyarrow parse errors have many types
        yield Problem(rel, "", f"cannot be read as a {suffix[1:].upper()} table: {exc}", "skipped")
        return
    available = [str(c) for c in frame.columns]
    mapping = map_columns(available, columns)
    missing = [f"{k} = '{v}'" for k, v in columns.items() if v not in available]
    if missing:
        yield Problem(rel, "", f"corpus.columns names column(s) not in the file: {', '.join(missing)} "
                               f"(columns: {', '.join(available)})", "ignored")
    if "text" not in mapping:
        yield Problem(rel, "", f"no text column (columns: {', '.join(available)}); name it in tifa.toml, "
                               "for example [corpus] columns = {text = \"content\"}", "skipped")
        return
    kept = [c for c in available if c not in mapping.values()]
    yield Problem(rel, "", "columns used: " + ", ".join(f"{f} ← {c}" for f, c in mapping.items())
                  + (f"; kept as document variables: {', '.join(kept)}" if kept else ""), "mapped")
    records = frame.to_dict("records") if rows is None else rows
    text_col = mapping["text"]
    empty = []
    for i, record in enumerate(records):
        text = record.get(text_col)
        if not isinstance(text, str) or not text.strip():
            empty.append(i + 1)
            continue
        given = {f: v for f, c in mapping.items() if f != "text" and (v := _cell(record.get(c)))}
        variables = {c: v for c in kept if (v := _cell(record.get(c)))}
        yield RawText(rel, i, text, encoding, given, variables, mapping)
    if empty:
        shown = ", ".join(map(str, empty[:10])) + (f" and {len(empty) - 10} more" if len(empty) > 10 else "")
        yield Problem(rel, f"{len(empty)} row(s)", f"empty or missing text (rows {shown})", "skipped")


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
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
