"""What the slogans command prints (from the stage's summary.json)."""
from __future__ import annotations

import sys

from ..pipeline.cache import read_json


def print_slogan_summary(result, out=None) -> None:
    out = out or sys.stdout
    import json

    s = json.loads((result.folder / "summary.json").read_text(encoding="utf-8"))
    state = "built" if result.rebuilt else "up to date"
    print(f"slogan tables {state}: {result.folder}", file=out)
    print(f"  {s['slogans_found']} slogans found, {s['occurrences']:,} occurrences in {s['documents']} documents", file=out)
    print("  most used: " + ", ".join(f"{name} {n} ({d} docs)" for name, n, d in s["top"]), file=out)
    print(f"  contrasts tested: {s['contrasts_tested']} slogan rows, {s['significant_q05']} with BH q < 0.05; "
          f"{s['candidates']} candidates not in the lexicon", file=out)


def findings(result) -> list[str]:
    """The report's summary lines on slogans: the most used, and the clearest contrasts."""
    s = {"top": [], **read_json(result.folder / "summary.json")}
    lines = []
    if s["top"]:
        lines.append("Most used slogans: " + ", ".join(f"{name} ({k:,} times in {d:,} documents)"
                                                      for name, k, d in s["top"][:3]) + " (`slogan_counts`).")
    contrasts = result.tables.get("contrasts")
    if contrasts is not None and len(contrasts):
        tested = contrasts[contrasts["status"] == "tested"]
        found = tested[tested["q_value"] < 0.05].sort_values(["q_value", "log_ratio"], ascending=[True, False],
                                                             kind="stable")
        line = f"Slogan contrasts: {len(found):,} of {len(tested):,} tested have q < 0.05"
        if len(found):
            line += "; the clearest: " + "; ".join(
                f"{r.slogan} in {r.contrast} (Log Ratio {r.log_ratio:.2f}, q = {r.q_value:.2g})"
                for r in found.head(3).itertuples())
        lines.append(line + " (`slogan_contrasts`).")
    return lines
