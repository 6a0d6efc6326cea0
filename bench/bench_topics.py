"""Benchmark: topic models.

usage: python bench/bench_topics.py [--out bench/RESULTS.md] [--part grid|compare|all]

1. The K-selection grid of the topics stage (the 8 values of topics.k_grid × the 3 seeds, coherence
   c_v and c_npmi for each fit) on 10,000 documents (CCTV news items, tokenised), 2 worker processes.
2. One LDA fit with K = 20 on 50,000 paragraphs: gensim LdaModel (as the stage uses it, one process,
   the corpus streamed from a Matrix Market file on disk) beside tomotopy LDAModel with 2 workers,
   at comparable settings; time, peak memory (max RSS of the fitting process) and c_npmi coherence
   of each model's top words. tomotopy is installed for this benchmark only (pip install tomotopy).
"""
from __future__ import annotations

import argparse
import json
import platform
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


def texts(n: int, paragraphs: bool) -> list[list[str]]:
    from analysis.config import load_config
    from analysis.token_table import make_tokenizer

    tok = make_tokenizer(load_config(ROOT / "tifa.toml").tokens)
    raw = []
    for path in sorted((CORPORA / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl")):
        raw += [json.loads(line)["content"] for line in path.read_text(encoding="utf-8").splitlines()]
    if paragraphs:
        for sub in ("gwr_national/texts", "gwr_provincial_2025/texts", "five_year_plans/texts"):
            raw += [p.read_text(encoding="utf-8") for p in sorted((CORPORA / sub).glob("*.txt"))]
        raw = [p for t in raw for p in t.split("\n") if len(p) > 20]
    out = [t for t in (tok.tokens(r, "zh") for r in raw if r) if len(t) >= 3]
    return [out[i % len(out)] for i in range(n)]


def part_grid() -> dict:
    import dataclasses

    from gensim.corpora import Dictionary

    from analysis.config import load_config
    from analysis.topic_table import run_grid

    tp = load_config(ROOT / "tifa.toml").topics
    docs = texts(10000, paragraphs=False)
    d = Dictionary(docs)
    d.filter_extremes(no_below=tp.no_below, no_above=tp.no_above, keep_n=tp.keep_n)
    tp = dataclasses.replace(tp, workers=2)
    start = time.perf_counter()
    grid = run_grid({"zh": (docs, [], d)}, tp, progress=False)
    return {"seconds": time.perf_counter() - start, "fits": len(grid), "ks": sorted(set(grid["k"])),
            "tokens": sum(map(len, docs)), "passes": tp.passes, "iterations": tp.iterations}


def part_gensim(folder: str) -> dict:
    import logging

    from gensim.corpora import Dictionary, MmCorpus
    from gensim.models import LdaModel

    logging.getLogger("gensim").setLevel(logging.WARNING)
    d = Dictionary.load(f"{folder}/dict")
    corpus = MmCorpus(f"{folder}/corpus.mm")  # streamed from disk
    start = time.perf_counter()
    m = LdaModel(corpus=corpus, id2word=d, num_topics=20, random_state=1, passes=5, iterations=50, alpha="auto",
                 eta="auto", eval_every=None, chunksize=4000)
    seconds = time.perf_counter() - start
    top = [[d[i] for i, _ in m.get_topic_terms(k, 10)] for k in range(20)]
    return {"seconds": seconds, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "top": top}


def part_tomotopy(folder: str) -> dict:
    import tomotopy as tp

    docs = json.loads(Path(f"{folder}/texts.json").read_text(encoding="utf-8"))
    m = tp.LDAModel(k=20, seed=1, min_df=2, rm_top=0)
    for t in docs:
        m.add_doc(t)
    start = time.perf_counter()
    m.train(0, workers=2)
    for _ in range(10):
        m.train(50, workers=2)  # 500 Gibbs iterations
    seconds = time.perf_counter() - start
    top = [[w for w, _ in m.get_topic_words(k, top_n=10)] for k in range(20)]
    return {"seconds": seconds, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "top": top}


def child(name: str, folder: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", name, folder], capture_output=True, text=True)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--part", default="all", choices=("grid", "compare", "all"))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps({"gensim": part_gensim, "tomotopy": part_tomotopy, "grid": lambda f: part_grid()}[
            args.child[0]](args.child[1]), ensure_ascii=False))
        return
    if not CORPORA.is_dir():
        sys.exit("../shared/corpora is absent: nothing to benchmark")
    lines = [f"### Topic models (issue 6), {time.strftime('%Y-%m-%d')}", "",
             f"{platform.machine()}, Python {platform.python_version()}, 2 cores; command "
             f"`python bench/bench_topics.py --part {args.part}`.", ""]
    if args.part in ("grid", "all"):
        g = child("grid", "-")
        lines += [f"K-selection grid: {g.get('fits')} fits (K = {g.get('ks')}, 3 seeds, passes {g.get('passes')}, "
                  f"iterations {g.get('iterations')}; c_v and c_npmi per fit) on 10,000 documents "
                  f"({g.get('tokens', 0):,} tokens), 2 processes: **{g.get('seconds', float('nan')):.0f} s** "
                  "(target: under 300 s).", ""]
    if args.part in ("compare", "all"):
        from gensim.corpora import Dictionary, MmCorpus

        from analysis.topics import LdaTopics  # noqa: F401  (same settings as the stage)
        paras = texts(50000, paragraphs=True)
        with tempfile.TemporaryDirectory() as tmp:
            d = Dictionary(paras)
            d.filter_extremes(no_below=2, no_above=0.5, keep_n=20000)
            d.save(f"{tmp}/dict")
            MmCorpus.serialize(f"{tmp}/corpus.mm", (d.doc2bow(t) for t in paras))
            Path(f"{tmp}/texts.json").write_text(json.dumps([[w for w in t if w in d.token2id] for t in paras],
                                                            ensure_ascii=False), encoding="utf-8")
            res = {name: child(name, tmp) for name in ("gensim", "tomotopy")}
        from gensim.models import CoherenceModel
        rows = []
        for name, r in res.items():
            if "error" in r:
                rows.append(f"| {name} | – | – | – | {r['error']} |")
                continue
            top = [[w for w in t if w in d.token2id] for t in r["top"]]
            c = CoherenceModel(topics=top, texts=paras, dictionary=d, coherence="c_npmi", topn=10).get_coherence()
            rows.append(f"| {name} | {r['seconds']:.1f} | {r['max_rss_mb']:.0f} | {c:.3f} | |")
        ratio = ""
        if all("error" not in r for r in res.values()):
            ratio = f" gensim / tomotopy time: {res['gensim']['seconds'] / res['tomotopy']['seconds']:.2f} (target ≤ 1.5)."
        lines += [f"K = 20 on {len(paras):,} paragraphs ({sum(map(len, paras)):,} tokens, {len(d):,} words): gensim "
                  "LdaModel (5 passes, 50 iterations, corpus streamed from disk, 1 process) and tomotopy LDAModel "
                  f"(500 Gibbs iterations, 2 workers).{ratio}", "",
                  "| model | seconds | max RSS MB | c_npmi | note |", "|:---|---:|---:|---:|:---|", *rows]
    text = "\n".join(lines)
    print(text)
    from bench_results import replace_section
    replace_section(args.out, "### Topic models (issue 6)", text)


if __name__ == "__main__":
    main()
