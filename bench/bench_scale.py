"""Benchmark: the whole pipeline at 10,000, 100,000 (and 1,000,000) documents (issue 18).

usage: python bench/bench_scale.py [--sizes 10000 100000] [--work /tmp/tifa-scale] [--stages corpus tokens ...]
                                   [--out bench/RESULTS.md] [--keep]

1. Corpus: for each size, a JSON-lines corpus of news items (files of 100,000) built from ../shared/corpora (the CCTV
   items' paragraphs, the provincial work reports' paragraphs): each item takes the title of one
   CCTV item, two to seven paragraphs drawn from the whole pool and a publication date drawn from
   2012-07 to 2026-06; one in three titles leads with a province ("广东：…", the genre's
   convention), so regions are known for some. Items are random mixes, not copies: the corpus's
   near-duplicate detection finds few of them. Fixed seed: the same corpus on every run.
2. Each stage (every stage `figures` runs, then `figures`: the drawing and the report, the stages
   being done) runs in its own process, in order, with the repository's tifa.toml; wall time, the
   peak resident memory of the whole process tree (the stage's process and its workers, summed,
   sampled every 0.2 s) and of its largest process, per size.
3. The growth exponent of time and memory between the two largest sizes (log ratio of the measures
   over log ratio of the sizes): 1 is linear, 0 flat.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPORA = ROOT.parent / "shared" / "corpora"

from bench_results import machine_speed, publish  # noqa: E402

from analysis.pipeline import registry  # noqa: E402

STAGES = (*(s.name for s in registry.in_figures()), "figures")
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
             "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
             "陕西", "甘肃", "青海", "宁夏", "新疆")


def pool() -> tuple[list[str], list[str]]:
    """Titles of the CCTV items, and the paragraphs of the CCTV items and provincial work reports."""
    titles, paragraphs = [], []
    for path in sorted((CORPORA / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            titles.append(item["title"].replace("[视频]", "").strip())
            paragraphs += [p.strip() for p in item["content"].split("\n") if len(p.strip()) >= 20]
    for path in sorted((CORPORA / "gwr_provincial_2025" / "texts").glob("*.txt")):
        paragraphs += [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if len(p.strip()) >= 20]
    return [t for t in titles if t], paragraphs


#: items per file of a benchmark corpus: a real archive comes in many files, and one file of a million
#: items (1.4 GB) is past ``corpus.max_file_mb``
ITEMS_PER_FILE = 100_000


def write_corpus(folder: Path, n: int, seed: int = 18) -> int:
    """``n`` items (text, title, pub_date) as ``folder``/items-000.jsonl, items-001.jsonl, … of
    ``ITEMS_PER_FILE`` items each; returns the characters written."""
    titles, paragraphs = pool()
    rng = random.Random(seed)
    start = time.mktime((2012, 7, 1, 0, 0, 0, 0, 0, -1))
    days = (time.mktime((2026, 6, 30, 0, 0, 0, 0, 0, -1)) - start) // 86400
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for first in range(0, n, ITEMS_PER_FILE):
        with open(folder / f"items-{first // ITEMS_PER_FILE:03d}.jsonl", "w", encoding="utf-8") as f:
            for _ in range(first, min(n, first + ITEMS_PER_FILE)):
                title = rng.choice(titles)
                if rng.random() < 1 / 3:
                    title = f"{rng.choice(PROVINCES)}：{title}"
                text = "\n".join(rng.choice(paragraphs) for _ in range(rng.randint(2, 7)))
                day = time.strftime("%Y-%m-%d", time.localtime(start + rng.randrange(int(days)) * 86400 + 43200))
                chars += len(text)
                f.write(json.dumps({"title": title, "text": text, "pub_date": day}, ensure_ascii=False) + "\n")
    return chars


def corpus_chars(folder: Path) -> int:
    """Characters of the texts of a corpus written by :func:`write_corpus`."""
    return sum(len(json.loads(x)["text"]) for path in sorted(folder.glob("items-*.jsonl"))
               for x in path.open(encoding="utf-8"))


def run_stage(stage: str, corpus: Path, data: Path, figures: Path) -> dict:
    """One stage in its own process: wall seconds, the peak RSS (MB) of its largest process, and the
    peak of the whole process tree (the stage's process and its workers, RSS summed, sampled every
    0.2 s: the memory a user's machine must have)."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "analysis", stage, "--corpus", str(corpus), "--data", str(data),
                             "--figures", str(figures)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    tree_peak = 0
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            members = [root, *root.children(recursive=True)]
            total = 0
            for m in members:
                try:
                    total += m.memory_info().rss
                except psutil.Error:
                    pass
            tree_peak = max(tree_peak, total)
        except psutil.Error:
            pass
        time.sleep(0.2)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    error = err.strip().splitlines()[-1] if proc.returncode and err.strip() else ""
    # run by --child in a process of its own: the children's maximum is this stage's alone
    return {"seconds": seconds, "rss_mb": peak / 1024 if peak > before else None, "tree_mb": tree_peak / 2 ** 20,
            "error": error}


def exponent(a: float, b: float, n_a: int, n_b: int) -> float:
    return math.log(b / a) / math.log(n_b / n_a) if a and b else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--stages", nargs="+", default=list(STAGES), choices=STAGES)
    ap.add_argument("--work", type=Path, default=Path("/tmp/tifa-scale"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:  # one stage, measured in a process of its own (RUSAGE_CHILDREN starts at zero)
        print(json.dumps(run_stage(*args.child[:1], *map(Path, args.child[1:]))))
        return
    if not CORPORA.is_dir():
        sys.exit("../shared/corpora is absent: nothing to benchmark")
    speed = machine_speed()
    results: dict[int, dict] = {}
    chars: dict[int, int] = {}
    for n in args.sizes:
        base = args.work / f"{n}"
        corpus = base / "corpus"
        if not (corpus / f"items-{(n - 1) // ITEMS_PER_FILE:03d}.jsonl").exists():
            shutil.rmtree(corpus, ignore_errors=True)
            chars[n] = write_corpus(corpus, n)
        else:
            chars[n] = corpus_chars(corpus)
        results[n] = {}
        shutil.rmtree(base / "data", ignore_errors=True)  # every stage from nothing
        for stage in args.stages:
            out = subprocess.run([sys.executable, __file__, "--child", stage, str(corpus), str(base / "data"),
                                  str(base / "figures")], capture_output=True, text=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            results[n][stage] = r
            print(f"{n:>9,} {stage:<9} {r['seconds']:8.1f} s {r['rss_mb'] or float('nan'):8.0f} MB largest process "
                  f"{r['tree_mb']:8.0f} MB process tree {r['error']}", flush=True)
    sizes = sorted(results)
    head = "| stage | " + " | ".join(f"{n:,} docs: s | MB (tree) | MB (largest)" for n in sizes) + \
        (" | exponent: time | memory (tree) |" if len(sizes) > 1 else " |")
    rows = [head, "|:---|" + "---:|---:|---:|" * len(sizes) + ("---:|---:|" if len(sizes) > 1 else "")]
    for stage in args.stages:
        cells = []
        for n in sizes:
            r = results[n][stage]
            cells.append(f"{r['seconds']:.0f}{' (failed: ' + r['error'][:60] + ')' if r['error'] else ''} | "
                         f"{r['tree_mb']:.0f} | " + (f"{r['rss_mb']:.0f}" if r["rss_mb"] else "–"))
        if len(sizes) > 1:
            a, b = results[sizes[-2]][stage], results[sizes[-1]][stage]
            cells.append(f"{exponent(a['seconds'], b['seconds'], sizes[-2], sizes[-1]):.2f} | "
                         f"{exponent(a['tree_mb'] or 0, b['tree_mb'] or 0, sizes[-2], sizes[-1]):.2f}")
        rows.append(f"| {stage} | " + " | ".join(cells) + " |")
    total = " · ".join(f"{n:,} documents ({chars[n] / 1e6:.0f} M characters): "
                       f"{sum(r['seconds'] for r in results[n].values()) / 60:.1f} min" for n in sizes)
    lines = [f"### Scale (issue 18), {time.strftime('%Y-%m-%d')}", "",
             f"{platform.machine()}, Python {platform.python_version()}, 2 cores; machine speed {speed}; command "
             f"`python bench/bench_scale.py --sizes {' '.join(map(str, sizes))}`. News items built from "
             "../shared/corpora (random mixes of real paragraphs, CCTV titles, a third with a province lead); "
             "each stage in its own process with tifa.toml's defaults; peak RSS of the whole process tree (the "
             "stage's process and its workers, summed, sampled every 0.2 s) and of its largest process.", "",
             f"Whole pipeline: {total}.", "", *rows]
    publish(args.out, "### Scale (issue 18)", lines)


if __name__ == "__main__":
    main()
