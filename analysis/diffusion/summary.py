"""What the adoption command prints, and its lines in the report's summary."""
from __future__ import annotations

import math
import sys


def print_adoption_summary(result, out=None) -> None:
    out = out or sys.stdout
    t = result.tables
    table, slogans, model = t["first_uses"], t["slogans"], t["model"]
    state = "built" if result.rebuilt else "up to date"
    print(f"slogan adoption {state}: {result.folder}", file=out)
    print(f"  {table['slogan'].nunique()} slogans × {table['unit'].nunique()} units: "
          f"{int((~table['censored']).sum())} first uses, {int(table['censored'].sum())} censored "
          "(never used within the unit's documents)", file=out)
    thin = sorted(table.loc[table["thin"], "unit"].unique())
    if thin:
        print(f"  thinly covered units (look late because seldom seen): {', '.join(thin[:12])}"
              + (f" and {len(thin) - 12} more" if len(thin) > 12 else ""), file=out)
    if len(t["reference"]):
        print(f"  centre's clock: {len(t['reference'])} slogans dated in the reference; "
              f"{int(table['before_centre'].sum())} first uses before the centre's", file=out)
    for row in slogans.head(5).itertuples():
        print(f"  {row.slogan}: {row.adopters} of {row.units} units, first {str(row.first_use)[:10]}", file=out)
    fitted = model[model["status"] == "fitted"]
    if len(fitted):
        for row in fitted.itertuples():
            print(f"  model: {row.term} odds ratio {row.odds_ratio:.2f} (95% {math.exp(row.low):.2f}–{math.exp(row.high):.2f}, "
                  f"p = {row.p_value:.3g})", file=out)
    else:
        print(f"  model: {model['status'].iloc[0]}", file=out)


def findings(result) -> list[str]:
    t = result.tables
    slogans, model = t["slogans"], t["model"]
    lines = []
    if len(slogans):
        top = slogans.iloc[0]
        lines.append(f"The most widely adopted slogan is {top.slogan}: {top.adopters} of {top.units} units, the first "
                     f"on {str(top.first_use)[:10]} (`adoption_first_uses`).")
    fitted = model[(model["status"] == "fitted") & (model["p_value"] < 0.05)]
    for row in fitted.itertuples():
        lines.append(f"Adoption model: {row.term} has odds ratio {row.odds_ratio:.2f} (p = {row.p_value:.3g}) "
                     "(`adoption_model`).")
    return lines


def report(result, cfg) -> dict | None:
    """What the adoption section of the report says (None without units)."""
    import json
    from pathlib import Path

    s = json.loads((Path(result.folder) / "summary.json").read_text(encoding="utf-8"))
    if not s.get("units"):
        return None
    thin = s.get("thin_units", [])
    return {**s, "by": cfg.adoption.by, "thin": ", ".join(thin[:12]) + (f" and {len(thin) - 12} more" if len(thin) > 12 else ""),
            "model": "fitted (`adoption_model`)" if s.get("model") == "fitted" else s.get("model", "")}
