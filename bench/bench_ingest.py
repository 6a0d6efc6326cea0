"""Benchmark: ingestion, cleaning and metadata throughput (MB/s of raw UTF-8) on one core.

usage: python bench/bench_ingest.py [--mb 50] [--out bench/RESULTS.md]

The corpus is built from ../shared/corpora (CCTV news items as a JSONL table; national and
provincial work reports, Five-Year Plans and congress reports as text files), repeated until it
reaches --mb megabytes; without ../shared/corpora the seeds are repeated. Each size runs in a fresh
process so that peak memory (max RSS) is measured per size.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
CORPORA = ROOT.parent / "shared" / "corpora"

from bench_results import machine_speed, peak_rss_mb  # noqa: E402


def make_corpus(folder: Path, mb: float, kind: str = "news") -> tuple[int, str]:
    """kind 'news': short CCTV items (a JSONL table) and long reports as files; 'reports': long
    report texts only (speech-length documents, as in local-government corpora)."""
    folder.mkdir(parents=True, exist_ok=True)
    pieces: list[tuple[str, str]] = []  # (kind, text)
    if CORPORA.is_dir() and kind == "reports":
        for sub in ("gwr_national/texts", "gwr_provincial_2025/texts", "five_year_plans/texts"):
            for path in sorted((CORPORA / sub).glob("*.txt")):
                pieces.append(("file", path.read_text(encoding="utf-8")))
        source = "../shared/corpora (gwr_national, gwr_provincial_2025, five_year_plans), repeated"
    elif CORPORA.is_dir():
        for path in sorted((CORPORA / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                if item.get("content"):
                    pieces.append(("row", json.dumps({"text": item["content"], "title": item.get("title", ""),
                                                      "date": item.get("broadcast_date", "")}, ensure_ascii=False)))
        for sub in ("gwr_national/texts", "gwr_provincial_2025/texts", "five_year_plans/texts"):
            for path in sorted((CORPORA / sub).glob("*.txt")):
                pieces.append(("file", path.read_text(encoding="utf-8")))
        source = "../shared/corpora (xwlb_cctv_news, gwr_national, gwr_provincial_2025, five_year_plans)"
    else:
        for path in sorted((ROOT / "seeds").glob("*.txt")):
            pieces.append(("file", path.read_text(encoding="utf-8")))
        source = "seeds (repeated)"
    target = mb * 1e6
    total, copy, n_file = 0, 0, 0
    while total < target:
        rows = []
        for kind, text in pieces:
            if total >= target:
                break
            size = len(text.encode("utf-8"))
            if kind == "row":
                rows.append(text)
            else:
                n_file += 1
                (folder / f"c{copy:02d}_{n_file:05d}.txt").write_text(text, encoding="utf-8")
            total += size
        if rows:
            (folder / f"xwlb_copy{copy:02d}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
        copy += 1
    size = sum(p.stat().st_size for p in folder.iterdir())
    return size, source


#: Runs per measurement. This machine's speed varies up to 2x from second to second (shared
#: cores): the best run shows the code's speed, the median what a user may see.
REPEATS = 5


def run_one(folder: Path, workers: int = 1) -> dict:
    from analysis.corpus import process_corpus
    from analysis.documents import DocParams
    from analysis.regions import load_gazetteer
    from analysis.normalize import traditional_only_pattern

    load_gazetteer()
    traditional_only_pattern()
    process_corpus(ROOT / "seeds", DocParams(), workers=1, progress=False)  # imports and caches
    size = sum(p.stat().st_size for p in folder.iterdir())
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        docs, problems = process_corpus(folder, DocParams(), workers=workers, progress=False)
        times.append(time.perf_counter() - start)
    return {"bytes": size, "seconds": min(times), "median_seconds": sorted(times)[len(times) // 2],
            "documents": len(docs), "problems": len(problems),
            "chars": int(docs["n_chars"].sum()), "workers": workers,
            "table_mb": docs.memory_usage(deep=True).sum() / 1e6,
            "max_rss_mb": peak_rss_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.workers)))
        return
    speed_before = machine_speed()
    rows, sources = [], {}
    runs = [("news", args.mb / 5, 1), ("news", args.mb, 1), ("news", args.mb, 2), ("reports", args.mb, 1)]
    with tempfile.TemporaryDirectory() as tmp:
        for kind, mb, workers in runs:
            folder = Path(tmp) / f"{kind}{mb:g}"
            if not folder.exists():
                size, sources[kind] = make_corpus(folder, mb, kind)
            out = subprocess.run([sys.executable, __file__, "--child", str(folder), "--workers", str(workers)],
                                 capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result["mb_per_s"] = result["bytes"] / 1e6 / result["seconds"]
            result["median_mb_per_s"] = result["bytes"] / 1e6 / result["median_seconds"]
            result["kind"] = kind
            rows.append(result)
            print(f"{kind} {result['bytes'] / 1e6:.1f} MB, {result['documents']} documents, {workers} worker(s): "
                  f"{result['seconds']:.1f} s, {result['mb_per_s']:.1f} MB/s, max RSS {result['max_rss_mb']:.0f} MB, "
                  f"table {result['table_mb']:.0f} MB, {result['problems']} problems")
    lines = [f"### Ingestion (issue 2), {time.strftime('%Y-%m-%d')}", "",
             f"Ingestion, cleaning and metadata (`analysis.corpus.process_corpus`), {platform.machine()}, "
             f"Python {platform.python_version()}; command `python bench/bench_ingest.py --mb {args.mb:g}`. "
             f"MB are megabytes of UTF-8 input; each row is {REPEATS} runs in one process after a warm-up run on "
             "the seeds (imports, caches): seconds and MB/s of the best run, and MB/s of the median run (this "
             "machine's speed varies up to 2x between runs); max RSS is the whole process, interpreter and libraries included.", "",
             *(f"- {k}: {v}" for k, v in sorted(sources.items())),
             f"- machine speed: {speed_before} before the runs, {machine_speed().split(' ')[-2]} s after", "",
             "| corpus | input MB | documents | workers | seconds (best) | MB/s (best) | MB/s (median) | max RSS MB | documents table MB |",
             "|:---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['kind']} | {r['bytes'] / 1e6:.1f} | {r['documents']:,} | {r['workers']} | {r['seconds']:.1f} | "
                     f"{r['mb_per_s']:.1f} | {r['median_mb_per_s']:.1f} | {r['max_rss_mb']:.0f} | {r['table_mb']:.0f} |")
    print("\n".join(lines))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_results import replace_section
    replace_section(args.out, "### Ingestion (issue 2)", "\n".join(lines))

if __name__ == "__main__":
    main()
