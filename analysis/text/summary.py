"""What the tokens command prints."""
from __future__ import annotations

import sys


def print_token_summary(result, top: int = 15, out=None) -> None:
    out = out or sys.stdout
    from .stage import token_summary

    state = "built" if result.rebuilt else "up to date"
    extra = f" ({result.segmented_docs} documents segmented, {result.reused_docs} reused)" if result.rebuilt else ""
    print(f"token table {state}: {result.path}{extra}", file=out)
    for lang, s in token_summary(result.path, top).items():
        print(f"  {lang}: {s['documents']} documents, {s['tokens']:,} tokens, vocabulary {s['vocabulary']:,}", file=out)
        print("    top: " + ", ".join(f"{w} {n}" for w, n in s["top"]), file=out)
    for p in result.problems:
        print(f"  {p}", file=out)
