"""Benchmark: the tokens stage end to end, collocations learned on the whole corpus (as before issue 35)
against a sample (tokens.phrases_sample, then one pass that segments and joins), beside jieba on one
core, on the same texts in one run (issue 35).

usage: python bench/bench_tokens_pass.py [--mb 50] [--workers 2] [--repeat 2]

The documents are news items mixed from the CCTV items' and the provincial reports' paragraphs
(bench/bench_scale.py's pool: two to seven paragraphs each, fixed seed), written straight to a
documents table (the columns the tokens stage reads). Each configuration is run ``--repeat`` times
from nothing (force); the best and the median wall time are reported, in characters per second.
"""
from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import pool  # noqa: E402

from analysis.pipeline.config import load_config  # noqa: E402
from analysis.text.stage import build_tokens  # noqa: E402


def documents(folder: Path, mb: float, seed: int = 7) -> int:
    """A documents table of about ``mb`` million characters; returns its characters."""
    _, paragraphs = pool()
    rng = random.Random(seed)
    ids, texts, total, i = [], [], 0, 0
    while total < mb * 1e6:
        text = "\n\n".join(rng.sample(paragraphs, rng.randint(2, 7)))
        ids.append(f"item-{i:07d}")
        texts.append(text)
        total += len(text)
        i += 1
    n = len(ids)
    table = pa.table({"doc_id": ids, "source_file": ["items.jsonl"] * n, "part": pa.array([None] * n, pa.int64()),
                      "lang": ["zh"] * n, "text": texts,
                      "n_chars": pa.array([len("".join(t.split())) for t in texts], pa.int64())})
    (folder / "corpus").mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / "corpus" / "documents.parquet")
    return total


def jieba_speed(texts: list[str]) -> float:
    """Characters per second of jieba's cut on one core (the same dictionary and lexicon words as the stage)."""
    import jieba

    from analysis.text.lexicon import read_lexicon

    tok = jieba.Tokenizer()
    for w in read_lexicon(load_config(ROOT / "tifa.toml").tokens.lexicon).segmenter_words():
        tok.add_word(w)
    tok.initialize()
    start = time.perf_counter()
    chars = sum(len(t) for t in texts for _ in [list(tok.cut(t))])
    return chars / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        chars = documents(data, args.mb)
        base = load_config(ROOT / "tifa.toml").with_paths(data=data, figures=Path(tmp) / "fig")
        texts = pq.read_table(data / "corpus" / "documents.parquet", columns=["text"]).column("text").to_pylist()
        runs = {"whole corpus (as before)": chars + 1, f"sample of {base.tokens.phrases_sample:,} characters (now)":
                base.tokens.phrases_sample}
        times: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(args.repeat):   # alternated, so that the machine's drift falls on both
            for name, sample in runs.items():
                cfg = dataclasses.replace(base, tokens=dataclasses.replace(base.tokens, workers=args.workers,
                                                                           phrases_sample=sample))
                start = time.perf_counter()
                build_tokens(cfg, progress=False, force=True)
                times[name].append(time.perf_counter() - start)
        jieba_cps = jieba_speed(texts[: max(1, len(texts) // 10)])
    print(f"{len(texts):,} documents, {chars / 1e6:.1f} M characters; {args.workers} worker processes")
    print(f"jieba, one core: {jieba_cps / 1e6:.2f} M characters/s (a tenth of the documents)")
    print("| collocations learned on | best | median | M characters/s (best) | × jieba on one core |")
    print("|---|---|---|---|---|")
    for name, ts in times.items():
        best = min(ts)
        print(f"| {name} | {best:.1f} s | {statistics.median(ts):.1f} s | {chars / best / 1e6:.2f} | "
              f"{chars / best / jieba_cps:.1f} |")


if __name__ == "__main__":
    main()
