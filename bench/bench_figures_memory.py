"""Benchmark: the memory and time of each drawing step of `figures`, the stages already built.

usage: python bench/bench_figures_memory.py --corpus C --data D --figures F [--code DIR] [--json OUT]

Draws every stage's outputs from the stage folders of ``D`` (already built: no stage is run or
checked for freshness, so a change to a stage's code elsewhere cannot make it rerun), then writes
the report, as `python -m analysis figures` does after its stages (``build_all``: the drawing
steps inside ``saving_in_background``, then ``build_report``, then each stage's printed summary).
Every output is redrawn (``force``); the tokens stage's summary (its
own result kind, a few numbers) is left out. ``--code``: the source tree whose ``analysis`` package is
used (a git worktree of another commit, to compare; default: this repository).

The drawing runs in a child process; this process samples the RSS of the child and its workers
(the figure-rendering processes), summed, every 0.1 s, and reports the peak of the whole process
tree and of the child alone for each step. ``D``'s stage folders get the drawing steps' stamps
(``<stage>/outputs/_outputs.json``): use a copy of a data folder, not one that other runs read.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(corpus: Path, data: Path, figures: Path) -> None:
    """The drawing steps of ``build_all`` and the report, for stage folders already built; prints
    "@step NAME" before each step and "@end" after the last."""
    import contextlib
    import io

    from analysis.corpus.stage import CorpusResult, require_documents
    from analysis.pipeline import registry, runner
    from analysis.pipeline.config import load_config
    from analysis.publishing.build import build_report
    from analysis.publishing.export import saving_in_background
    from analysis.topics.labels import labelled

    import pandas as pd

    def mark(name: str) -> None:
        print(f"@step {name}", flush=True)

    cfg = load_config(Path.cwd() / "tifa.toml").with_paths(corpus=corpus, data=data, figures=figures)

    def result_of(stage):
        folder = data / stage.name
        if stage.name == "corpus":
            problems = pd.read_csv(folder / "problems.csv", dtype="string", keep_default_na=False)
            return require_documents(CorpusResult(folder, problems, rebuilt=False), cfg)
        tables = tuple(w.removesuffix(".parquet") for w in stage.writes if w.endswith(".parquet"))
        result = runner.TableResult(folder, False, runner.StageTables(folder, tables))
        return labelled(result, cfg.topics.labels) if stage.name == "topics" else result

    done = {}
    with saving_in_background():
        for stage in registry.in_figures():
            mark(f"{stage.name}")
            done[stage.name] = result_of(stage)
            if stage.draw:
                mark(f"{stage.name}_outputs")
                done[f"{stage.name}_outputs"] = registry.resolve(stage.draw)(cfg, done[stage.name], force=True)
        mark("rendering")   # the end of the block waits for the figures still being rendered
    mark("report")
    build_report(cfg, done)
    mark("summaries")
    with contextlib.redirect_stdout(io.StringIO()):
        for stage in registry.in_figures():
            if stage.summary and stage.name != "tokens":   # the tokens stage's result is not rebuilt here
                registry.resolve(stage.summary)(done[stage.name], **{o.dest: o.default for o in stage.options
                                                                    if not o.setting})
    print("@end", flush=True)


def tree_rss(root) -> tuple[int, int]:
    """(the RSS of ``root`` and its descendants summed, that of ``root`` alone), bytes."""
    import psutil

    total = own = 0
    for i, member in enumerate([root, *root.children(recursive=True)]):
        try:
            rss = member.memory_info().rss
        except psutil.Error:
            continue
        total += rss
        own = rss if i == 0 else own
    return total, own


def measure(code: Path, corpus: Path, data: Path, figures: Path) -> list[dict]:
    """Run :func:`child` in ``code``'s tree; each step's seconds and peaks (MB)."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(corpus), str(data),
                             str(figures)], cwd=code, env=env, stdout=subprocess.PIPE, text=True)
    steps: list[dict] = [{"step": "start", "start": time.perf_counter(), "tree": 0, "main": 0}]

    def read() -> None:
        for line in proc.stdout:
            if line.startswith("@step ") or line.startswith("@end"):
                now = time.perf_counter()
                steps[-1]["seconds"] = now - steps[-1]["start"]
                steps.append({"step": line.split()[1] if line.startswith("@step") else "end", "start": now,
                              "tree": 0, "main": 0})

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            total, own = tree_rss(root)
        except psutil.Error:
            break
        current = steps[-1]
        current["tree"], current["main"] = max(current["tree"], total), max(current["main"], own)
        time.sleep(0.1)
    reader.join()
    if proc.returncode:
        sys.exit(f"the drawing failed (exit {proc.returncode}) in step {steps[-1]['step']}")
    return [{"step": s["step"], "seconds": round(s.get("seconds", 0.0), 1), "tree_mb": round(s["tree"] / 2 ** 20),
             "main_mb": round(s["main"] / 2 ** 20)} for s in steps if s["step"] not in ("start", "end")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--figures", type=Path)
    ap.add_argument("--code", type=Path, default=ROOT)
    ap.add_argument("--json", type=Path, help="also write the steps' measures here")
    ap.add_argument("--child", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*(p.resolve() for p in args.child))
        return
    if not (args.corpus and args.data and args.figures):
        ap.error("--corpus, --data and --figures are required")
    start = time.perf_counter()
    steps = measure(args.code.resolve(), args.corpus.resolve(), args.data.resolve(), args.figures.resolve())
    wall = time.perf_counter() - start
    print(f"{'step':<22} {'seconds':>8} {'tree MB':>8} {'main MB':>8}")
    for s in steps:
        print(f"{s['step']:<22} {s['seconds']:>8.1f} {s['tree_mb']:>8} {s['main_mb']:>8}")
    print(f"{'all':<22} {wall:>8.1f} {max(s['tree_mb'] for s in steps):>8} {max(s['main_mb'] for s in steps):>8}")
    if args.json:
        args.json.write_text(json.dumps({"code": str(args.code), "data": str(args.data), "wall": round(wall, 1),
                                         "steps": steps}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
