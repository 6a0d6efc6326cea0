"""Benchmark: keyword statistics over at least 20,000 documents.

usage: python bench/bench_keywords.py [--docs 20000] [--out bench/RESULTS.md]

Documents: CCTV news items from ../shared/corpora (dated 2012–2026, so about 50 quarters), tokenised
with the project's tokenizer (not timed), repeated to --docs documents; each document gets a
province drawn at random (seeded) so that the region statistics run on 31 groups. Timed: the
document–term matrix and every statistic of the keywords stage (frequencies, keyness with bootstrap
intervals, TF-IDF, trends, period rates, collocates).
"""
from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    import numpy as np
    import pandas as pd

    from analysis.pipeline.config import load_config
    from analysis.keywords.stage import collocates, document_term_matrix, top_trending
    from analysis.keywords.statistics import frequencies, keyness, period_rates, tfidf_top, trends
    from analysis.text.stage import make_tokenizer

    from bench_results import cctv_bench

    args, items = cctv_bench(__doc__.splitlines()[0], 20000)
    cfg = load_config(ROOT / "tifa.toml")
    tok = make_tokenizer(cfg.tokens)
    base = [(i["broadcast_date"], tok.tokens(i["content"], "zh")) for i in items]
    rng = np.random.default_rng(0)
    provinces = [f"省{k:02d}" for k in range(31)]
    rows, toks = [], []
    for n in range(args.docs):
        date, t = base[n % len(base)]
        doc_id = f"d{n:06d}"
        rows.append({"doc_id": doc_id, "lang": "zh", "period": f"{date[:4]}Q{(int(date[5:7]) - 1) // 3 + 1}",
                     "province": provinces[rng.integers(31)]})
        toks.append({"doc_id": doc_id, "lang": "zh", "tokens": t})
    docs, tokens = pd.DataFrame(rows), pd.DataFrame(toks)
    kp = cfg.keywords
    timings = {}
    start = time.perf_counter()
    dtm, vocab = document_term_matrix(tokens, docs["doc_id"].tolist())
    docs["length"] = np.asarray(dtm.sum(1)).ravel()
    timings["document-term matrix"] = time.perf_counter() - start
    steps = [
        ("frequencies (period, province)", lambda: [frequencies(docs, dtm, vocab, by) for by in ("period", "province")]),
        ("keyness (period, province; bootstrap 200)",
         lambda: [keyness(docs, dtm, vocab, by, kp.min_count, kp.min_log_ratio, kp.top, kp.bootstrap, 0)
                  for by in ("period", "province")]),
        ("TF-IDF (period, province)", lambda: [tfidf_top(docs, dtm, vocab, by, kp.top) for by in ("period", "province")]),
    ]
    for name, fn in steps:
        s = time.perf_counter()
        fn()
        timings[name] = time.perf_counter() - s
    s = time.perf_counter()
    tr = trends(docs, dtm, vocab, "period", "quarter", kp.floor)
    timings["trends (linear, peak and level-shift tests over documents; Mann–Kendall)"] = time.perf_counter() - s
    top = top_trending(tr, kp.top)
    s = time.perf_counter()
    period_rates(docs, dtm, vocab, top, "period", kp.bootstrap, 0)
    collocates(tokens, docs, top, kp.window, "tokens", {})
    timings["period rates and collocates of the top terms"] = time.perf_counter() - s
    total = time.perf_counter() - start
    lines = [f"### Keyword statistics (issue 5), {time.strftime('%Y-%m-%d')}", "",
             f"{len(docs):,} documents ({len(items):,} CCTV news items repeated), {docs['period'].nunique()} quarters, "
             f"31 random provinces, {len(vocab):,} terms, {int(docs['length'].sum()):,} tokens; {len(tr):,} terms above "
             f"the trend floor. {platform.machine()}, Python {platform.python_version()}, 2 cores (numpy/scipy "
             f"threads as set by the machine); command `python bench/bench_keywords.py --docs {args.docs}`.", "",
             "| step | seconds |", "|:---|---:|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in timings.items()]
    lines += [f"| **total** | **{total:.1f}** |", "", f"Target: under 60 s. Result: {total:.1f} s."]
    from bench_results import publish
    publish(args.out, "### Keyword statistics (issue 5)", "\n".join(lines))


if __name__ == "__main__":
    main()
