"""Benchmark: `make figures` on the seeds from scratch, and again with nothing changed.

usage: python bench/bench_figures.py [--out bench/RESULTS.md]

Runs `python -m analysis figures --quiet` three times in a scratch copy of data/ and figures/:
from nothing, with nothing changed (target: under 2 seconds), and after changing one parameter
(keywords.top), which reruns only the keywords stage and its outputs.
"""
from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def run(config: Path, data: Path, figures: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "figures", "--quiet", "--config", str(config), "--data", str(data),
                    "--figures", str(figures)], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        config = tmp / "tifa.toml"
        text = (ROOT / "tifa.toml").read_text(encoding="utf-8")
        text = text.replace('corpus = "seeds"', f'corpus = "{ROOT / "seeds"}"').replace(
            'lexicon = "lexicon/lexicon.csv"', f'lexicon = "{ROOT / "lexicon" / "lexicon.csv"}"').replace(
            '"lexicon/stopwords_', f'"{ROOT}/lexicon/stopwords_')
        config.write_text(text, encoding="utf-8")
        first = run(config, tmp / "data", tmp / "figures")
        second = run(config, tmp / "data", tmp / "figures")
        config.write_text(text.replace("top = 15                  # terms reported", "top = 12                  # terms reported"),
                          encoding="utf-8")
        third = run(config, tmp / "data", tmp / "figures")
    lines = [f"### make figures (issue 7), {time.strftime('%Y-%m-%d')}", "",
             f"`python -m analysis figures` on the seeds, {platform.machine()}, Python {platform.python_version()}, "
             "2 cores; command `python bench/bench_figures.py`. Includes starting Python and importing the libraries.", "",
             "| run | seconds |", "|:---|---:|",
             f"| from nothing (every stage, every figure, the report) | {first:.1f} |",
             f"| again, nothing changed (target: under 2 s) | {second:.1f} |",
             f"| after changing keywords.top (keywords stage and its outputs rerun) | {third:.1f} |"]
    from bench_results import publish
    publish(args.out, "### make figures (issue 7)", "\n".join(lines))


if __name__ == "__main__":
    main()
