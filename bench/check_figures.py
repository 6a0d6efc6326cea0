"""Layout check of every figure on a real corpus (issue 17).

usage: python bench/check_figures.py --config FILE --corpus DIR [--data DIR] [--figures DIR] [--out bench/RESULTS.md]

Builds everything for the corpus (the stages that are up to date are reused; every figure is
redrawn) and checks each figure as it is drawn, as tests/test_figures_at_scale.py does on a
synthetic corpus: no two text labels overlap (matplotlib's drawn extents) and the figure fits a
journal page (183 × 247 mm). Prints one line per figure and writes the table to RESULTS.md.
Exits with status 1 when a figure fails.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_results import publish  # noqa: E402


def main() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from analysis.pipeline.config import load_config
    from analysis.publishing.layout_check import check_every_figure

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--figures", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    cfg = load_config(args.config).with_paths(corpus=args.corpus, data=args.data, figures=args.figures)
    found = check_every_figure(cfg)
    rows, failed = [], 0
    for name, (overlaps, size) in sorted(found.items()):
        problem = "; ".join(filter(None, [f"{len(overlaps)} overlapping labels, e.g. {overlaps[:2]}" if overlaps
                                          else "", size or ""])) or "passes"
        failed += problem != "passes"
        rows.append(f"| {name} | {problem} |")
        print(rows[-1], flush=True)
    lines = [f"### Figure layout on a real corpus (issue 17), {time.strftime('%Y-%m-%d')}", "",
             f"`python bench/check_figures.py --config {args.config.name} --corpus {args.corpus}`: "
             f"{len(found)} figures, {failed} failing (overlapping labels or larger than 183 × 247 mm).", "",
             "| figure | check |", "|:---|:---|", *rows]
    publish(args.out, "### Figure layout on a real corpus (issue 17)", "\n".join(lines))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
