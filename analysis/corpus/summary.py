"""What the corpus command prints: the documents table in numbers, and every problem."""
from __future__ import annotations

import re
import sys


def print_corpus_summary(result, out=None) -> None:
    out = out or sys.stdout
    docs = result.columns(["source_file", "n_chars", "lang", "province", "quarter", "duplicate_of", "adcode"])
    problems = result.problems
    state = "built" if result.rebuilt else "up to date"
    print(f"documents table {state}: {result.folder / 'documents.parquet'}", file=out)
    print(f"  {len(docs)} documents from {docs['source_file'].nunique()} files, "
          f"{int(docs['n_chars'].sum()):,} characters", file=out)
    for column, label in (("lang", "language"), ("province", "province"), ("quarter", "quarter")):
        counts = docs[column].astype("string").fillna("unknown").value_counts().sort_index()
        print(f"  by {label}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=out)
    dupes = int(docs["duplicate_of"].notna().sum())
    if dupes:
        print(f"  duplicates: {dupes} documents left out of analyses (exact copies and near-duplicates; "
              f"one kept per cluster; {result.folder / 'duplicates.csv'})", file=out)
    unknown = docs[docs["adcode"].isna()]
    if len(unknown):
        print(f"  region unknown for {len(unknown)} documents (reasons in region_source)", file=out)
    print_problems(problems, result.folder / "problems.csv", out)
    if result.internal_errors:
        print(f"  {result.internal_errors} text(s) hit an internal error (a bug, not your files): the corpus stage "
              "is not recorded as done, so the next run retries them", file=out)


def print_problems(problems, path, out=None, show: int = 10, examples: int = 3) -> None:
    """Every problem when there are at most ``show``; else a count per kind of problem with a few
    examples (the full list is in ``path``)."""
    out = out or sys.stdout
    if not len(problems):
        print("  no files skipped", file=out)
        return
    lines = [f"{r.source_file}{f' ({r.where})' if r.where else ''}: {r.problem} [{r.action}]"
             for r in problems.itertuples(index=False)]
    if len(lines) <= show:
        print(f"problems ({len(lines)}; also in {path}):", file=out)
        for line in lines:
            print(f"  {line}", file=out)
        return
    kinds = problems.assign(_kind=problems["problem"].map(problem_kind), _line=lines)
    print(f"problems ({len(lines)}, by kind; every one in {path}):", file=out)
    for (action, kind), group in kinds.groupby(["action", "_kind"], sort=False):
        print(f"  {len(group)} × [{action}] {kind}", file=out)
        for line in group["_line"].head(examples):
            print(f"      e.g. {line}", file=out)


def problem_kind(problem: str) -> str:
    """A problem's text without its particulars (numbers, quoted values, file names, document ids)."""
    kind = re.sub(r"'[^']*'|\"[^\"]*\"|[^\s()]+\.(?:csv|txt|text|md|jsonl|parquet)\b|[^\s()]+-r\d{5}[^\s()]*", "…",
                  problem)
    kind = re.sub(r"(?<![\w-])\d[\d,.]*(?![\w-])", "N", kind)   # counts, not the digits of GB18030, UTF-8, 2021Q1
    return kind.split(";")[0].strip()


def findings(result) -> list[str]:
    """The report's summary line on the corpus: its size and how much metadata is known."""
    docs = result.columns(["adcode", "quarter"])
    n = len(docs)
    share = (lambda k: f"{k:,} ({100 * k / n:.0f}%)") if n else str
    return [f"Corpus: {n:,} documents; region stated for {share(int(docs['adcode'].notna().sum()))}, quarter for "
            f"{share(int(docs['quarter'].notna().sum()))} (`corpus_summary`)."]
