"""Benchmark: Chinese tokenisation throughput and memory.

usage: python bench/bench_tokens.py [--mb 50] [--out bench/RESULTS.md]

Three measurements on Chinese text from ../shared/corpora (CCTV news items, national and provincial
work reports, Five-Year Plans; the seeds repeated when absent), shuffled once with a fixed seed so
that every size has the same mix, and repeated to --mb megabytes:
1. the segmenter alone (rjieba and jieba, same dictionary and lexicon; rjieba also as shipped, with
   its own dictionary), characters per second on one core, and with two processes;
2. the full token rules (segmentation, lexicon, canonical terms, filters) on one core and on two,
   beside a reference workload that shows the best two-process speed-up the machine allows;
3. the tokens stage (`build_tokens`) on a documents table of --mb/5 and --mb megabytes, with 1 and 2
   worker processes: speed-up and peak memory (max RSS of the process and its workers).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPORA = ROOT.parent / "shared" / "corpora"

from bench_results import machine_speed, peak_rss_mb  # noqa: E402


def chinese_texts() -> list[str]:
    texts = []
    if CORPORA.is_dir():
        for path in sorted((CORPORA / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl")):
            texts += [json.loads(line)["content"] for line in path.read_text(encoding="utf-8").splitlines()]
        for sub in ("gwr_national/texts", "gwr_provincial_2025/texts", "five_year_plans/texts"):
            texts += [p.read_text(encoding="utf-8") for p in sorted((CORPORA / sub).glob("*.txt"))]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts = [t for t in texts if t]
    random.Random(0).shuffle(texts)  # news and reports mixed: every size has the same composition
    return texts


def repeat_to(texts: list[str], mb: float) -> list[str]:
    out, size = [], 0
    while size < mb * 1e6:
        for t in texts:
            out.append(t)
            size += len(t.encode("utf-8"))
            if size >= mb * 1e6:
                break
    return out


#: Interleaved rounds of the one-core and two-process measurements: this machine's speed varies up
#: to 2x from second to second, so each row reports its best and median round, and the reference
#: workload's rows show what ideal two-process scaling looks like on the same machine meanwhile.
CUT_ROUNDS = 5


def measure_cut(mb: float) -> list[dict]:
    import multiprocessing as mp

    import rjieba

    from analysis.pipeline.config import load_config
    from analysis.text.segment import Segmenter
    from analysis.text.stage import make_tokenizer
    from analysis.text.lexicon import read_lexicon

    global _TOK, _TEXTS
    cfg = load_config(ROOT / "tifa.toml")
    words = read_lexicon(cfg.tokens.lexicon).segmenter_words()
    texts = repeat_to(chinese_texts(), mb)
    chars = sum(len(t) for t in texts)
    slow = Segmenter("jieba", words, True)
    bare = rjieba.Jieba()  # the library as shipped: its own dictionary, no lexicon, none of our code
    sample = repeat_to(texts, mb / 20)  # jieba is slow: a twentieth
    _TOK, _TEXTS = make_tokenizer(cfg.tokens), texts
    pool = mp.get_context("fork").Pool(2)  # forked after _TOK is set: each process takes every other text
    what = {  # every timed run consumes its results the same way (counts tokens, keeps none)
        "segmenter `rjieba` (our dictionary and lexicon)": (chars, lambda: _share((0, 1, "rjieba"))),
        "`rjieba` as shipped (its dictionary, no lexicon)": (chars, lambda: _count(texts, lambda t: bare.cut(t, True))),
        "segmenter `jieba`": (sum(len(t) for t in sample), lambda: _count(sample, slow.cut)),
        "token rules (rjieba + lexicon + filters), 1 process": (chars, lambda: _share((0, 1, "rules"))),
        "segmenter `rjieba`, 2 processes": (chars, lambda: pool.map(_share, [(k, 2, "rjieba") for k in range(2)])),
        "token rules, 2 processes": (chars, lambda: pool.map(_share, [(k, 2, "rules") for k in range(2)])),
        "reference workload x 2, 1 process": (None, lambda: [_reference(k) for k in range(2)]),
        "reference workload x 2, 2 processes": (None, lambda: pool.map(_reference, range(2))),
    }
    times: dict[str, list[float]] = {name: [] for name in what}
    with pool:
        for _ in range(CUT_ROUNDS):
            for name, (_, run) in what.items():
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    return [{"what": name, "chars": n, "seconds": min(times[name]),
             "median": sorted(times[name])[len(times[name]) // 2]} for name, (n, _) in what.items()]


def _reference(_: int) -> int:
    """Pure Python, no input and no shared state: scales perfectly on two idle cores."""
    total = 0
    for i in range(5_000_000):
        total += i
    return total


def speed_ups(rows: list[dict]) -> dict[str, tuple[float, float]]:
    """Two processes against one, (best, median), for the token rules, rjieba and the reference."""
    by = {r["what"]: r for r in rows}
    pairs = {"segmenter `rjieba`": ("segmenter `rjieba` (our dictionary and lexicon)", "segmenter `rjieba`, 2 processes"),
             "token rules": ("token rules (rjieba + lexicon + filters), 1 process", "token rules, 2 processes"),
             "reference workload": ("reference workload x 2, 1 process", "reference workload x 2, 2 processes")}
    return {k: (by[a]["seconds"] / by[b]["seconds"], by[a]["median"] / by[b]["median"]) for k, (a, b) in pairs.items()}


_TOK = _TEXTS = None


def _share(args: tuple[int, int, str]) -> int:
    """Tokens of every ``step``-th text from the ``k``-th: the segmenter alone or the full rules."""
    k, step, what = args
    cut = _TOK.segmenter.cut if what == "rjieba" else (lambda t: _TOK.tokens(t, "zh"))
    return _count(_TEXTS[k::step], cut)


def _count(texts: list[str], cut) -> int:
    n = 0
    for t in texts:
        n += len(cut(t))
    return n


#: Stage runs per measurement (the best is reported): this machine's speed varies up to 2x.
STAGE_REPEATS = 3


def stage_child(data: str, workers: int, repeats: int = STAGE_REPEATS) -> dict:
    from analysis.pipeline.config import load_config
    from analysis.text.stage import build_tokens

    cfg = load_config(ROOT / "tifa.toml").with_paths(data=Path(data))
    cfg = dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, workers=workers))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        build_tokens(cfg, progress=False, force=True)
        times.append(time.perf_counter() - start)
    seconds = min(times)
    rss = peak_rss_mb()
    collocations = sum(len(path.read_text(encoding="utf-8").splitlines()) - 1
                       for path in (Path(data) / "tokens").glob("collocations_*.csv"))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "max_rss_mb": rss, "worker_max_rss_mb": children, "collocations": collocations}


def make_documents(folder: Path, mb: float) -> int:
    """A documents table of Chinese texts (the corpus stage is not what is measured here)."""
    from analysis.corpus.schema import documents_frame_from_batches, to_batch
    from analysis.pipeline import atomic

    texts = repeat_to(chinese_texts(), mb)
    records = [{"doc_id": f"d{i:07d}", "source_file": "bench", "lang": "zh", "text": t, "n_chars": len(t),
                "partial": False} for i, t in enumerate(texts)]
    frame = documents_frame_from_batches([to_batch(records)])
    atomic.write_parquet(folder / "corpus" / "documents.parquet", frame)
    return sum(len(t) for t in texts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(stage_child(args.child[0], int(args.child[1]), int(args.child[2]))))
        return
    speed_before = machine_speed()
    cut = measure_cut(args.mb)
    stage = []
    with tempfile.TemporaryDirectory() as tmp:
        # last, twice the size with one worker and one run: does memory stay flat beyond the sizes timed?
        runs = [(mb, w, STAGE_REPEATS) for mb in (args.mb / 5, args.mb) for w in (1, 2)] + [(2 * args.mb, 1, 1)]
        chars: dict[float, int] = {}
        for mb, workers, repeats in runs:
            data = Path(tmp) / f"d{mb:g}"
            if mb not in chars:
                chars[mb] = make_documents(data, mb)
            out = subprocess.run([sys.executable, __file__, "--child", str(data), str(workers), str(repeats)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            stage.append({"mb": mb, "chars": chars[mb], "workers": workers, "runs": repeats, **r})
            print(stage[-1])
    lines = [f"### Tokenisation (issue 3), {time.strftime('%Y-%m-%d')}", "",
             f"{platform.machine()}, Python {platform.python_version()}, 2 cores; command "
             f"`python bench/bench_tokens.py --mb {args.mb:g}`. Chinese text from ../shared/corpora (CCTV news "
             "items, work reports, Five-Year Plans), repeated to size. Characters are Unicode code points. "
             f"Machine speed: {speed_before} before the runs, {machine_speed().split(' ')[-2]} s after.", "",
             f"Each row: best and median of {CUT_ROUNDS} interleaved rounds. The reference workload is pure Python "
             "with no input (a loop summing integers), run twice in one process and once in each of two: its "
             "speed-up is the most any code can show on this machine at that moment.", "",
             "| what | characters | seconds (best) | million chars/s (best) | million chars/s (median) |",
             "|:---|---:|---:|---:|---:|"]
    for r in cut:
        if r["chars"] is None:
            lines.append(f"| {r['what']} | | {r['seconds']:.2f} | | |")
        else:
            lines.append(f"| {r['what']} | {r['chars']:,} | {r['seconds']:.2f} | {r['chars'] / r['seconds'] / 1e6:.2f} | "
                         f"{r['chars'] / r['median'] / 1e6:.2f} |")
    lines += ["", "Two processes against one (best / median round):", ""]
    lines += [f"- {k}: {b:.2f}x / {m:.2f}x" for k, (b, m) in speed_ups(cut).items()]
    lines += ["", "Tokens stage (`build_tokens`, segmentation + filters + collocations + Parquet writing; "
              "seconds of the best run). The text repeats beyond about 16 MB: the vocabulary stops growing, "
              "but every repetition raises the pair counts, so more pairs pass `phrases_min_count` and the "
              "collocation model (held in memory while the phrases are joined) grows; the token lists are "
              "streamed and never held.", "",
              "| input MB | characters | workers | runs | seconds | million chars/s | speed-up | collocations | max RSS MB (main / worker) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in stage:
        one = next(x for x in stage if x["mb"] == r["mb"] and x["workers"] == 1)
        lines.append(f"| {r['mb']:g} | {r['chars']:,} | {r['workers']} | {r['runs']} | {r['seconds']:.1f} | "
                     f"{r['chars'] / r['seconds'] / 1e6:.2f} | {one['seconds'] / r['seconds']:.2f} | "
                     f"{r['collocations']:,} | {r['max_rss_mb']:.0f} / {r['worker_max_rss_mb']:.0f} |")
    from bench_results import publish
    publish(args.out, "### Tokenisation (issue 3)", "\n".join(lines))


if __name__ == "__main__":
    main()
