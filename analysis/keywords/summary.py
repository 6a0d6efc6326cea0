"""What the keywords command prints (from the stage's summary.json)."""
from __future__ import annotations

import sys

from ..pipeline.cache import read_json


def print_keyword_summary(result, out=None) -> None:
    out = out or sys.stdout
    import json

    s = json.loads((result.folder / "summary.json").read_text(encoding="utf-8"))
    state = "built" if result.rebuilt else "up to date"
    print(f"keyword tables {state}: {result.folder}", file=out)
    periods = s["periods"]
    print(f"  {s['documents']} documents; {len(periods)} {s['period_unit']}s with dated documents"
          + (f" ({periods[0]} to {periods[-1]})" if periods else ""), file=out)
    classes = ", ".join(f"{k} {v}" for k, v in sorted(s["classes"].items())) or "none"
    print(f"  {s['trend_terms']} terms with a trend: {classes}", file=out)
    if s["rising"] or s["falling"]:
        print(f"  rising: {', '.join(s['rising']) or '-'}; falling: {', '.join(s['falling']) or '-'}", file=out)
    for note in s["notes"]:
        print(f"  note: {note}", file=out)
    print(f"  groups with distinctive terms: {s['distinctive_groups']}", file=out)


def findings(result) -> list[str]:
    """The report's summary lines on keywords: rising and falling terms, the most distinctive terms."""
    k = {"periods": [], "period_unit": "quarter", **read_json(result.folder / "summary.json")}
    lines = []
    if k.get("rising") or k.get("falling"):
        lines.append(f"Keyword trends over {len(k['periods'])} {k['period_unit']}s: rising "
                     f"{', '.join(k.get('rising', [])[:5]) or 'none'}; falling "
                     f"{', '.join(k.get('falling', [])[:5]) or 'none'} (`keyword_trend_table`).")
    keyness = result.tables.get("keyness")
    if keyness is not None and "lrc" in keyness:
        best = keyness[keyness["status"] == "distinctive"].sort_values("lrc", ascending=False, kind="stable")
        best = best.drop_duplicates(["grouping", "group"]).head(3)
        if len(best):
            lines.append("Most distinctive terms (by LRC): " + "; ".join(
                f"{r.term} in {r.group} (Log Ratio {r.log_ratio:.1f}, in {r.documents_with} documents)"
                for r in best.itertuples()) + " (`keyword_keyness`).")
    return lines
