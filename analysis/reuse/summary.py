"""What the reuse command prints, and its lines in the report's summary."""
from __future__ import annotations

import sys


def print_reuse_summary(result, out=None) -> None:
    out = out or sys.stdout
    t = result.tables
    state = "built" if result.rebuilt else "up to date"
    print(f"text reuse {state}: {result.folder}", file=out)
    if not len(t["reference"]):
        print("  no reference corpus (set [reuse] reference in tifa.toml to a folder of central texts)", file=out)
        return
    docs = t.columns("documents", ["chars_reused", "share"])   # a row per document
    print(f"  {len(docs)} documents against {len(t['reference'])} reference texts: {t.rows('passages')} passages; "
          f"{int((docs['chars_reused'] > 0).sum())} documents reuse some; median share "
          f"{docs['share'].median():.1%}", file=out)
    for line in _lines(t):
        print(f"  {line}", file=out)


def findings(result) -> list[str]:
    return [f"{line} (`reuse_units`, `reuse_central`)." for line in _lines(result.tables)]


def _lines(t) -> list[str]:
    lines = []
    units = t["units"]
    thin = units["thin"].astype(bool)
    covered = units[~thin] if (~thin).any() else units
    if len(covered):   # a unit seen in two documents says little: the best covered units first
        top = covered.sort_values(["share", "unit"], ascending=[False, True]).iloc[0]
        spread = (f"95% {top.low:.1%}–{top.high:.1%}, {top.documents} documents" if top.low == top.low
                  else "one document, no interval")
        lines.append(f"Most reuse of the central texts: {top.unit} ({top.period}), {top.share:.1%} of its characters "
                     f"({spread})")
    central = t["central"]
    if len(central):
        c = central.iloc[0]
        lines.append(f"The central sentence most repeated: {c.text[:40]}… in {c.units} units")
    return lines


def report(result, cfg) -> dict | None:
    """What the reuse section of the report says (None without a reference corpus)."""
    t = result.tables
    if not len(t["reference"]):
        return None
    docs = t.columns("documents", ["chars_reused", "share"])   # a row per document
    return {"references": len(t["reference"]), "documents": len(docs), "passages": t.rows("passages"),
            "reusing": int((docs["chars_reused"] > 0).sum()), "median": f"{docs['share'].median():.1%}",
            "by": cfg.reuse.by, "min_chars": cfg.reuse.min_chars, "min_similarity": cfg.reuse.min_similarity}
