"""Precision of the slogan candidates' ranking (issue 31): on the 31 provincial Government Work Reports
of 2025, the top k candidates of three orders against hand labels (bench/labels/candidates_gwr_provincial_2025.csv:
is the candidate a formulation (提法), quoted or not, or a common collocation, fragment or clause?):
the report's order before (by documents), the stage's order before (quoted and numbered first, then
documents) and now (formulation_score). Usage: python bench/eval_candidates.py DATA_FOLDER
(the slogans stage built in DATA_FOLDER on that corpus)."""
import sys
from pathlib import Path

import pandas as pd

labels = pd.read_csv(Path(__file__).resolve().parent / "labels" / "candidates_gwr_provincial_2025.csv")
truth = dict(zip(labels["candidate"], labels["formulation"] == "yes"))
c = pd.read_parquet(Path(sys.argv[1]) / "slogans" / "candidates.parquet")
c = c[c["lang"] == "zh"]
orders = {
    "the report before (documents)": c.sort_values("documents", ascending=False, kind="stable"),
    "the stage before (marked first, then documents)": c.assign(r=c["kind"].str.contains("recurring").astype(int)).sort_values(
        ["r", "documents", "occurrences", "candidate"], ascending=[True, False, False, True], kind="stable"),
    "now (formulation score)": c,
}
print(f"{len(labels)} hand-labelled candidates ({int(sum(truth.values()))} formulations)")
print("| order | precision at 10 | at 20 | at 40 | unlabelled in the top 40 |")
print("|---|---:|---:|---:|---:|")
for name, frame in orders.items():
    top = list(frame["candidate"][:40])
    cells = [f"{sum(truth.get(x, False) for x in top[:k]) / k:.2f}" for k in (10, 20, 40)]
    print(f"| {name} | {' | '.join(cells)} | {sum(x not in truth for x in top)} |")
