"""Segmentation accuracy against the SIGHAN 2005 gold standard (PKU, MSR), with and without the lexicon.

usage: python bench/eval_segmentation.py [--backend jieba] [--out bench/RESULTS.md]

Reads ../shared/corpora/sighan2005_icwb2 (exits with a message when absent). Scores word precision,
recall, F1 and out-of-vocabulary recall (against each set's training word list), the bakeoff
metric reimplemented in analysis.text.segment.score_segmentation.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIGHAN = ROOT.parent / "shared" / "corpora" / "sighan2005_icwb2"


def load(name: str) -> tuple[list[list[str]], set[str]]:
    gold = [line.split() for line in (SIGHAN / "gold" / f"{name}_test_gold.utf8").read_text(encoding="utf-8").splitlines()]
    gold = [g for g in gold if g]
    known = set((SIGHAN / "gold" / f"{name}_training_words.utf8").read_text(encoding="utf-8").split())
    return gold, known


def evaluate(backend: str = "jieba") -> list[dict]:
    from analysis.text.lexicon import read_lexicon
    from analysis.text.segment import Segmenter, score_segmentation

    words = read_lexicon(ROOT / "lexicon" / "lexicon.csv").segmenter_words()
    rows = []
    for name in ("pku", "msr"):
        gold, known = load(name)
        for label, lexicon in (("without lexicon", ()), ("with lexicon", words)):
            seg = Segmenter(backend, lexicon, hmm=True)
            predicted = [seg.cut("".join(g)) for g in gold]
            rows.append({"set": name.upper(), "lexicon": label, **score_segmentation(gold, predicted, known)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="jieba", choices=("jieba", "rjieba"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    if not SIGHAN.is_dir():
        sys.exit(f"{SIGHAN} is absent: nothing to evaluate")
    rows = evaluate(args.backend)
    lines = [f"### Segmentation accuracy (issue 3), {time.strftime('%Y-%m-%d')}", "",
             f"SIGHAN 2005 test sets, gold standard from `../shared/corpora/sighan2005_icwb2`; backend `{args.backend}` "
             "with HMM, jieba's dictionary; lexicon = `lexicon/lexicon.csv`. Command: "
             f"`python bench/eval_segmentation.py --backend {args.backend}`. jieba is not trained on these sets' "
             "conventions (PKU splits 二○○一年 and person names differently), so absolute scores are those of an "
             "off-the-shelf segmenter; the point is the lexicon's cost.", "",
             "| set | lexicon | precision | recall | F1 | OOV recall | gold words |",
             "|:---|:---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['set']} | {r['lexicon']} | {100 * r['precision']:.2f} | {100 * r['recall']:.2f} | "
                     f"{100 * r['f1']:.2f} | {100 * r['oov_recall']:.2f} | {r['gold_words']:,} |")
    for name in ("PKU", "MSR"):
        a, b = (next(r for r in rows if r["set"] == name and r["lexicon"] == lab) for lab in ("without lexicon", "with lexicon"))
        lines.append(f"\n{name}: the lexicon changes F1 by {100 * (b['f1'] - a['f1']):+.2f} points (limit: -0.50).")
    from bench_results import publish
    publish(args.out, "### Segmentation accuracy (issue 3)", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
