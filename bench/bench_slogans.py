"""Benchmark: counting 500 slogans over at least 50 MB of Chinese text on one core.

usage: python bench/bench_slogans.py [--mb 50] [--out bench/RESULTS.md]

500 slogans: every form (term or variant) of the lexicon as its own concept, topped up with the
quoted phrases found in the corpora. Text: Chinese documents from ../shared/corpora (the seeds when
absent), repeated to --mb megabytes of UTF-8. Measured: `Matcher.count` per document under each rule.
"""
from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    from bench_tokens import chinese_texts, repeat_to

    from analysis.slogans.discovery import find_candidates
    from analysis.text.lexicon import read_lexicon
    from analysis.slogans.matcher import Matcher

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    base = chinese_texts()
    forms = [s for e in read_lexicon(ROOT / "lexicon" / "lexicon.csv").entries for s in e.surfaces]
    extra = sorted({c for t in base[:3000] for c, kind, _ in find_candidates(t, "zh") if kind == "quoted"} - set(forms))
    concepts = (forms + extra)[:500]
    matcher = Matcher({c: ([c], []) for c in concepts})
    texts = repeat_to(base, args.mb)
    size = sum(len(t.encode("utf-8")) for t in texts)
    rows = []
    for rule in ("all", "longest"):
        start = time.perf_counter()
        total = 0
        for t in texts:
            total += sum(matcher.count(t, "zh", rule).values())
        s = time.perf_counter() - start
        rows.append((rule, s, total))
    lines = [f"### Slogan counting (issue 4), {time.strftime('%Y-%m-%d')}", "",
             f"{len(concepts)} slogans (" + (f"the first 500 of the lexicon's {len(forms)} forms" if len(forms) >= 500
                                             else f"{len(forms)} lexicon forms + quoted phrases from the corpora") + "), "
             f"{len(texts):,} Chinese documents, {size / 1e6:.1f} MB of UTF-8, one core, {platform.machine()}, "
             f"Python {platform.python_version()}; command `python bench/bench_slogans.py --mb {args.mb:g}`.", "",
             "| rule | seconds | MB/s | occurrences |", "|:---|---:|---:|---:|"]
    for rule, s, total in rows:
        lines.append(f"| {rule} | {s:.2f} | {size / 1e6 / s:.1f} | {total:,} |")
    from bench_results import publish
    publish(args.out, "### Slogan counting (issue 4)", "\n".join(lines))


if __name__ == "__main__":
    main()
