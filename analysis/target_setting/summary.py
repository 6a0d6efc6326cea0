"""What the targets command prints, and its lines in the report's summary."""
from __future__ import annotations

import sys


def print_targets_summary(result, out=None) -> None:
    out = out or sys.stdout
    t, docs = result.tables["targets"], result.tables.columns("documents", ["passage_start"])
    state = "built" if result.rebuilt else "up to date"
    print(f"work-report targets {state}: {result.folder}", file=out)
    with_passage = int(docs["passage_start"].notna().sum())
    print(f"  {with_passage} of {len(docs)} documents state targets; {len(t)} targets, "
          f"{t['indicator'].nunique()} indicators", file=out)
    for line in gdp_lines(t):
        print(f"  {line}", file=out)


def findings(result) -> list[str]:
    return [f"{line} (`targets`)." for line in gdp_lines(result.tables["targets"])]


def gdp_lines(t) -> list[str]:
    gdp = t[(t["indicator"] == "gdp") & t["low"].notna() & t["year"].notna()]
    if not len(gdp):
        return []
    lines = []
    for year, g in list(gdp.groupby("year"))[-3:]:   # the latest three years
        lines.append(f"GDP growth targets for {year}: {g['low'].min():g}–{g['low'].max():g}% (median "
                     f"{g['low'].median():g}%) in {g['doc_id'].nunique()} reports; "
                     f"{int((g['qualifier'] == 'at_least').sum())} say 以上, {int((g['qualifier'] == 'about').sum())} 左右, "
                     f"{int((g['qualifier'] == 'range').sum())} a range")
    return lines


def report(result, cfg) -> dict | None:
    """What the targets section of the report says (None when no document states targets)."""
    t = result.tables["targets"]
    if not len(t):
        return None
    docs = result.tables.columns("documents", ["passage_start"])   # a row per document
    return {"documents": int(docs["passage_start"].notna().sum()), "of": len(docs), "targets": len(t),
            "indicators": int(t["indicator"].nunique()), "by": cfg.targets.by, "gdp": gdp_lines(t),
            "outcomes": int(t["outcome_low"].notna().sum())}
