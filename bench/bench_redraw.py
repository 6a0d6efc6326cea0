"""Benchmark: what a figure setting, a topic label or a worker count costs once everything is built.

usage: python bench/bench_redraw.py --config FILE [--corpus DIR] [--data DIR] [--figures DIR]

Builds everything once (untimed when it is already built), then times `build_all` after each change
on its own: slogans.top, slogans.contrast, a topic label in a labels file, topics.workers. Each
should re-draw (or do nothing) in seconds, never refit or resample (issue 15: under 10 s on the
9,686 CCTV items).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_results import machine_speed, publish  # noqa: E402


def main() -> None:
    from analysis.publishing.build import build_all
    from analysis.pipeline.config import load_config

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--figures", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    cfg = load_config(args.config).with_paths(corpus=args.corpus, data=args.data, figures=args.figures)
    start = time.perf_counter()
    done = build_all(cfg, progress=False)
    first = time.perf_counter() - start
    docs = len(done["corpus"].documents)
    with tempfile.TemporaryDirectory() as tmp:
        labels = Path(tmp) / "topic_labels.csv"
        labels.write_text("lang,topic,label\nzh,0,我的标签\n", encoding="utf-8")
        quarters = sorted(done["slogans"].tables["documents"]["quarter"].dropna().unique())
        contrast = f"quarter:{quarters[-1]}" if quarters else "auto"
        changes = [
            ("slogans.top = 7", lambda c: dataclasses.replace(c, slogans=dataclasses.replace(c.slogans, top=7))),
            (f"slogans.contrast = {contrast}",
             lambda c: dataclasses.replace(c, slogans=dataclasses.replace(c.slogans, contrast=contrast))),
            ("a topic label (topic_labels.csv)",
             lambda c: dataclasses.replace(c, topics=dataclasses.replace(c.topics, labels=labels))),
            ("topics.workers = 1", lambda c: dataclasses.replace(c, topics=dataclasses.replace(c.topics, workers=1))),
        ]
        rows = []
        for name, change in changes:
            changed = change(cfg)
            start = time.perf_counter()
            result = build_all(changed, progress=False)
            seconds = time.perf_counter() - start
            rerun = sorted(k for k, r in result.items() if getattr(r, "rebuilt", r))
            rows.append(f"| {name} | {seconds:.1f} | {', '.join(rerun) or 'nothing'} |")
            build_all(cfg, progress=False)  # back to the built state
    lines = [f"### Re-draw after a figure setting or a label (issue 15), {time.strftime('%Y-%m-%d')}", "",
             f"`python bench/bench_redraw.py --config {args.config}` on {docs:,} documents "
             f"({cfg.paths.corpus}); first build {first:.0f} s (0 when it was already built). "
             f"Machine speed: {machine_speed()}.", "",
             "| change | seconds | what reran |", "|:---|---:|:---|", *rows]
    publish(args.out, "### Re-draw after a figure setting or a label", lines)


if __name__ == "__main__":
    main()
