"""The targets stage against hand-made gold tables (bench/gold/): the 31 provincial reports of 2025
(two annotators, the rows they agree on) and the national reports of 2004–2025 (one annotator).
Prints precision and recall of targets (indicator, low, high, qualifier all right) per indicator,
of last year's outcomes, and every difference.

    python bench/targets_accuracy.py [shared corpora folder]
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.cli import main as cli  # noqa: E402
from analysis.target_setting.accuracy import score  # noqa: E402

SETS = (("provincial reports of 2025", "gwr_provincial_2025", "targets_provincial_2025.csv",
         lambda d: d.str.replace("texts/", "", regex=False) + ".txt"),
        ("national reports of 2004–2025", "gwr_national/texts", "targets_national_2004_2025.csv",
         lambda d: d + ".txt"))


def run(corpora: Path) -> None:
    for title, folder, gold_file, key in SETS:
        with tempfile.TemporaryDirectory() as tmp:
            assert cli(["targets", "--corpus", str(corpora / folder), "--data", f"{tmp}/d", "--figures", f"{tmp}/f",
                        "--quiet"]) == 0
            found = pd.read_parquet(Path(tmp) / "d" / "targets" / "targets.parquet")
        gold = pd.read_csv(ROOT / "bench" / "gold" / gold_file, dtype=str)
        found["file"] = key(found["doc_id"])
        found = found[found["file"].isin(set(gold["file"]))]
        s = score(found, gold)
        print(f"\n## {title}: {s['gold']} scored gold targets")
        print(f"targets: precision {s['precision']:.3f} ({s['right']}/{s['found']}), recall {s['recall']:.3f} "
              f"({s['right']}/{s['gold']})")
        print(f"outcomes: {s['outcomes_right']} of {s['outcomes_gold']} right, {s['outcomes_found']} found")
        print("| indicator | gold | found | right |\n|---|---|---|---|")
        for k, v in s["per_indicator"].items():
            print(f"| {k} | {v['gold']} | {v['found']} | {v['right']} |")
        with pd.option_context("display.width", 200):
            for name in ("wrong", "missed", "outcome_wrong"):
                if len(s[name]):
                    print(f"\n{name}:\n{s[name].to_string(index=False)}")


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpora")
