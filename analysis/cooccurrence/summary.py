"""What the cooccurrence command prints."""
from __future__ import annotations

import sys


def print_cooccurrence_summary(result, out=None) -> None:
    out = out or sys.stdout
    state = "built" if result.rebuilt else "up to date"
    print(f"slogan pairs {state}: {result.folder}", file=out)
    for lang, group, shown in _together(result.tables["pairs"]):
        print(f"  {lang}: {len(group)} pairs; most often together: {shown or '-'}", file=out)


def findings(result) -> list[str]:
    """The report's summary line on slogan pairs, per language: those most often in one document."""
    return [f"Slogans most often in the same documents ({lang}): {shown} (`slogan_pairs`)."
            for lang, _, shown in _together(result.tables["pairs"]) if shown]


def _together(pairs) -> list[tuple]:
    """(lang, its pairs, the three pairs in most documents, as text) per language."""
    out = []
    for lang, group in pairs.groupby("lang"):
        best = group[group["documents_both"] > 0].sort_values(["documents_both", "jaccard", "slogan_a", "slogan_b"],
                                                               ascending=[False, False, True, True]).head(3)
        out.append((lang, group, "; ".join(f"{r.slogan_a} + {r.slogan_b} ({r.documents_both} documents, Jaccard "
                                             f"{r.jaccard:.2f})" for r in best.itertuples())))
    return out
