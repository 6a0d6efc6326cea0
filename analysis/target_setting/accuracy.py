"""How right the targets are against a hand-made gold table (bench/gold/targets_provincial_2025.csv:
two annotators, every row they agree on scored).

A target is right when its document and indicator match a gold row and its low, high and qualifier
equal the gold's. Precision: right targets over those found for scored (document, indicator) pairs
and for pairs not in the gold at all (a target found where the annotators saw none is wrong); a
pair the annotators disagree on is not scored either way. Recall: right targets over the scored
gold rows. Outcomes: the same over gold rows with an agreed outcome.
"""
from __future__ import annotations

import pandas as pd


def _number(v) -> str:
    return "" if v is None or v == "" or pd.isna(v) else f"{float(v):g}"


def score(found: pd.DataFrame, gold: pd.DataFrame) -> dict:
    """``found``: targets with ``file`` (the gold's key), indicator, low, high, qualifier, outcome_low;
    ``gold``: the gold table. Returns counts, precision and recall, overall and per indicator, and
    the rows that differ."""
    gold = gold.fillna("").astype(str)
    scored = gold[gold["scored"] == "yes"]
    skip = set(zip(gold.loc[gold["scored"] != "yes", "file"], gold.loc[gold["scored"] != "yes", "indicator"]))
    want = {(r.file, r.indicator): (_number(r.low), _number(r.high), r.qualifier) for r in scored.itertuples()}
    outcome = {(r.file, r.indicator): _number(r.outcome) for r in scored.itertuples() if r.outcome}
    rows = []
    seen = set()
    for r in found.itertuples():
        key = (r.file, r.indicator)
        if key in skip or key in seen:
            continue
        seen.add(key)
        got = (_number(r.low), _number(r.high), r.qualifier)
        rows.append((*key, got, want.get(key), got == want.get(key), _number(r.outcome_low), outcome.get(key)))
    table = pd.DataFrame(rows, columns=["file", "indicator", "found", "gold", "right", "outcome_found", "outcome_gold"])
    missed = [(f, i, g) for (f, i), g in want.items() if (f, i) not in seen]
    right = int(table["right"].sum())
    has_outcome = table[table["outcome_gold"].notna()]
    outcome_found = table[(table["outcome_found"] != "") & table["gold"].notna()]
    per = {}
    for ind in sorted(set(scored["indicator"]) | set(table["indicator"])):
        t = table[table["indicator"] == ind]
        g = sum(1 for (_, i) in want if i == ind)
        per[ind] = {"gold": g, "found": len(t), "right": int(t["right"].sum())}
    return {
        "gold": len(want), "found": len(table), "right": right,
        "precision": right / len(table) if len(table) else float("nan"),
        "recall": right / len(want) if want else float("nan"),
        "outcomes_gold": len(outcome), "outcomes_found": len(outcome_found),
        "outcomes_right": int((has_outcome["outcome_found"] == has_outcome["outcome_gold"]).sum()),
        "per_indicator": per,
        "wrong": table[~table["right"]],
        "missed": pd.DataFrame(missed, columns=["file", "indicator", "gold"]),
        "outcome_wrong": has_outcome[has_outcome["outcome_found"] != has_outcome["outcome_gold"]],
    }
