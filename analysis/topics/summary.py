"""What the topics command prints."""
from __future__ import annotations

import sys


def print_topic_summary(result, out=None) -> None:
    out = out or sys.stdout
    t = result.tables
    state = "built" if result.rebuilt else "up to date"
    print(f"topic models {state}: {result.folder}", file=out)
    for r in t["notes"].itertuples():
        print(f"  {r.lang}: {r.note}", file=out)
    for r in t["topics"].itertuples():
        print(f"  {r.lang} topic {r.topic} ({100 * r.share:.0f}%): {r.label}", file=out)


def findings(result) -> list[str]:
    """The report's summary line on topics, per language: K and the largest topics."""
    table = result.tables.get("topics")
    lines = []
    if table is not None and len(table):
        for lang, t in table.groupby("lang"):
            t = t.sort_values("share", ascending=False, kind="stable")
            lines.append(f"Topics ({lang}): K = {int(t['k'].iloc[0])}; the largest: " + ", ".join(
                f"{r.label} ({100 * r.share:.0f}%)" for r in t.head(5).itertuples()) + " (`topic_table`).")
    return lines
