"""Benchmark: the topic engines (issue 16).

usage: python bench/bench_engines.py [--out bench/RESULTS.md] [--part fit|grid|infer|all] [--rounds 2]
       (all: fit and grid; infer writes a section of its own)

1. fit: one fit, K = 20, on 50,000 paragraphs (CCTV news, government work reports, Five-Year
   Plans; tokenised by the tokens stage's tokenizer), the same dictionary for all: the stage's
   engine (GibbsLda, topics.gibbs_iterations sweeps and the topics.nmf_prior, one thread) beside
   tomotopy's LDAModel called directly with the same sweeps and a plain start, gensim's best setting from a random start (the batch updates
   of bench_topics.py) and the gensim engine as the stage runs it (LdaTopics, NMF start). Each run in its own process, alternating, ``--rounds`` times; seconds of the
   fit, peak memory and c_npmi of the top 10 words per topic over the same paragraphs.
2. grid: the topics stage's K grid with the default settings of tifa.toml (8 K × 3 seeds,
   coherence and document-completion perplexity included, 2 worker processes) on 10,000 CCTV
   documents.
3. infer (issue 18): the stage's model (K = 20, the NMF prior) fitted on 20,000 of the paragraphs,
   the next 20,000 inferred with the topics fixed, by tomotopy's ``infer`` (100 sweeps, one
   thread; what GibbsLda.posterior did before) and by the variational E-step the engine uses now
   (``fixed_topic_posterior``), alternating, ``--rounds`` times in one process: seconds, and how
   far the two disagree (mean total variation distance of a unit's proportions; largest difference
   of a topic's mean share).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_results import run_child, machine_speed, peak_rss_mb, publish  # noqa: E402
from bench_topics import CORPORA, part_gensim, texts, write_fit_inputs  # noqa: E402


def _settings():
    from analysis.pipeline.config import load_config

    return load_config(ROOT / "tifa.toml").topics


def part_stage(folder: str) -> dict:
    from gensim.corpora import Dictionary

    from analysis.topics.gibbs import GibbsLda

    tp = _settings()
    docs = json.loads(Path(f"{folder}/texts.json").read_text(encoding="utf-8"))
    d = Dictionary.load(f"{folder}/dict")
    start = time.perf_counter()
    m = GibbsLda(20, 1, tp.gibbs_iterations, nmf_prior=tp.nmf_prior).fit(docs, d)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "max_rss_mb": peak_rss_mb(), "top": m.top_words(10)}


def part_direct(folder: str) -> dict:
    import warnings

    import tomotopy as tp

    warnings.simplefilter("ignore", RuntimeWarning)
    iterations = _settings().gibbs_iterations
    docs = json.loads(Path(f"{folder}/texts.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    m = tp.LDAModel(k=20, alpha=1.0, eta=0.01, seed=1)
    for t in docs:
        if t:
            m.add_doc(t)
    m.train(iterations, workers=1)
    seconds = time.perf_counter() - start
    top = [[w for w, _ in m.get_topic_words(k, top_n=10)] for k in range(20)]
    return {"seconds": seconds, "max_rss_mb": peak_rss_mb(), "top": top}


def part_gensim_stage(folder: str) -> dict:
    from gensim.corpora import Dictionary

    from analysis.topics.models import LdaTopics

    tp = _settings()
    docs = json.loads(Path(f"{folder}/texts.json").read_text(encoding="utf-8"))
    d = Dictionary.load(f"{folder}/dict")
    start = time.perf_counter()
    m = LdaTopics(20, 1, tp.passes, tp.iterations).fit(docs, d)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "max_rss_mb": peak_rss_mb(), "top": m.top_words(10)}


def part_grid() -> dict:
    import dataclasses

    from analysis.topics.models import topic_dictionary
    import pandas as pd

    from analysis.topics.stage import grid_sample, run_grid

    tp = dataclasses.replace(_settings(), workers=2)
    docs = texts(10000, paragraphs=False)
    held = docs[:1000]
    train = docs[1000:]
    d = topic_dictionary(train, tp.no_below, tp.no_above, tp.keep_n)
    keep = grid_sample(pd.DataFrame({"doc_id": [str(i) for i in range(len(train))], "para": 0}), tp.grid_max_units)
    train = [train[i] for i in keep]
    start = time.perf_counter()
    grid = run_grid({"zh": (train, held, d)}, tp, progress=False)
    return {"seconds": time.perf_counter() - start, "fits": len(grid), "ks": sorted(set(grid["k"])),
            "tokens": sum(map(len, docs)), "iterations": tp.grid_iterations, "units": len(train),
            "c_npmi": {int(k): round(float(v), 3) for k, v in grid.groupby("k")["c_npmi"].mean().items()}}


PARTS = {"stage": part_stage, "direct": part_direct, "gensim": lambda f: part_gensim(f, GENSIM),
         "gensim_stage": part_gensim_stage}
GENSIM = "gensim, stage settings (batch, 5 passes)"
NAMES = {"stage": "the stage's engine (GibbsLda with its NMF prior, 1 thread)", "direct": "tomotopy LDAModel called directly (1 thread)",
         "gensim": "gensim LdaModel, random start (batch, 5 passes)",
         "gensim_stage": "the gensim engine (LdaTopics: NMF start, then batch passes)"}


def part_infer(rounds: int) -> list[str]:
    import warnings

    import numpy as np
    from analysis.topics.gibbs import GibbsLda
    from analysis.topics.models import topic_dictionary

    warnings.simplefilter("ignore", RuntimeWarning)
    tp = _settings()
    paras = [p for p in texts(50000, paragraphs=True) if p]
    train, new = paras[:20000], paras[20000:40000]
    d = topic_dictionary(train, tp.no_below, tp.no_above, tp.keep_n)
    m = GibbsLda(20, 1, tp.gibbs_iterations, nmf_prior=tp.nmf_prior).fit(train, d)
    new = [t for t in new if any(w in m.used_ for w in t)]  # tomotopy takes no unit without a known word
    seconds: dict[str, list] = {"tomotopy": [], "E-step": []}
    for _ in range(rounds):
        start = time.perf_counter()
        docs = [m.model_.make_doc([w for w in t if w in m.used_]) for t in new]
        m.model_.infer(docs, iterations=m.infer_iterations, workers=1)
        seconds["tomotopy"].append(time.perf_counter() - start)
        counts = np.array([np.bincount(np.asarray(x.topics, dtype=np.int64), minlength=20) for x in docs])
        start = time.perf_counter()
        gamma = m.posterior(new)
        seconds["E-step"].append(time.perf_counter() - start)
    a = (m.alpha_ + counts) / (m.alpha_ + counts).sum(1, keepdims=True)
    b = gamma / gamma.sum(1, keepdims=True)
    tv = float(np.abs(a - b).sum(1).mean() / 2)
    share = float(np.abs(a.mean(0) - b.mean(0)).max())
    rows = [f"| {name} | {min(v):.1f} ({', '.join(f'{x:.1f}' for x in v)}) |" for name, v in seconds.items()]
    return [f"Inference of {len(new):,} new paragraphs with the topics fixed, K = 20, the stage's model (NMF prior "
            f"{tp.nmf_prior}) fitted on 20,000 others ({len(d):,} words), one thread, {rounds} alternating rounds "
            "(best, then every round):", "", "| inference | seconds |", "|:---|---:|", *rows, "",
            f"E-step {min(seconds['tomotopy']) / min(seconds['E-step']):.0f} times as fast; the two disagree by "
            f"a mean total variation of {tv:.3f} per unit (one Gibbs sample of ~{np.mean([len(t) for t in new]):.0f} "
            f"tokens against expected counts) and at most {share:.4f} in a topic's mean share.", ""]


def child(part: str, folder: str) -> dict:
    return run_child(__file__, part, folder)



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--part", default="all", choices=("fit", "grid", "infer", "all"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        part, folder = args.child
        print(json.dumps(part_grid() if part == "grid" else PARTS[part](folder), ensure_ascii=False))
        return
    if not CORPORA.is_dir():
        sys.exit("../shared/corpora is absent: nothing to benchmark")
    tp = _settings()
    lines = [f"### Topic engines (issue 16), {time.strftime('%Y-%m-%d')}", "",
             f"{platform.machine()}, Python {platform.python_version()}, 2 cores; machine speed "
             f"{machine_speed()}; command `python bench/bench_engines.py --part {args.part}`.", ""]
    if args.part in ("fit", "all"):
        from gensim.models import CoherenceModel


        paras = texts(50000, paragraphs=True)
        runs: dict[str, list] = {p: [] for p in PARTS}
        with tempfile.TemporaryDirectory() as tmp:
            d = write_fit_inputs(tmp, paras, tp)
            for _ in range(args.rounds):
                for part in PARTS:
                    runs[part].append(child(part, tmp))
        rows, best = [], {}
        for part, results in runs.items():
            ok = [r for r in results if "error" not in r]
            if not ok:
                rows.append(f"| {NAMES[part]} | – | – | – | {results[0]['error']} |")
                continue
            top = [[w for w in t if w in d.token2id] for t in ok[0]["top"]]
            npmi = CoherenceModel(topics=top, texts=paras, dictionary=d, coherence="c_npmi", topn=10).get_coherence()
            best[part] = min(r["seconds"] for r in ok)
            every = ", ".join(f"{r['seconds']:.1f}" for r in ok)
            rows.append(f"| {NAMES[part]} | {best[part]:.1f} ({every}) | "
                        f"{max(r['max_rss_mb'] for r in ok):.0f} | {npmi:.3f} |")
            print(rows[-1], flush=True)
        ratio = best.get("stage", float("nan")) / best.get("direct", float("nan"))
        lines += [f"One fit, K = 20, {tp.gibbs_iterations} Gibbs sweeps, on {len(paras):,} paragraphs "
                  f"({sum(map(len, paras)):,} tokens, {len(d):,} words), the same dictionary for all; each run "
                  f"in its own process, {args.rounds} alternating rounds (best, then every run). The stage's engine "
                  f"takes {ratio:.2f} times tomotopy called directly (target: within 1.2).", "",
                  "| engine | seconds | max RSS MB | c_npmi |", "|:---|---:|---:|---:|", *rows, ""]
    if args.part in ("grid", "all"):
        g = child("grid", "-")
        lines += [f"Default K grid (tifa.toml: K = {g.get('ks')}, {len(tp.seeds)} seeds, {g.get('iterations')} "
                  f"Gibbs sweeps, c_v, c_npmi and document-completion perplexity per fit, on a sample of {g.get('units')} of the "
                  f"9,000 training units: topics.grid_max_units) on 10,000 CCTV documents "
                  f"({g.get('tokens', 0):,} tokens), 2 worker processes: **{g.get('seconds', float('nan')):.0f} s** "
                  f"for {g.get('fits')} fits (target: under 120 s). Mean c_npmi by K: {g.get('c_npmi')}.", ""]
    if args.part == "infer":  # a section of its own
        lines = [f"### Topic inference (issue 18), {time.strftime('%Y-%m-%d')}", "", lines[2], "",
                 *part_infer(args.rounds)]
        publish(args.out, "### Topic inference (issue 18)", "\n".join(lines))
        return
    publish(args.out, "### Topic engines (issue 16)", "\n".join(lines))


if __name__ == "__main__":
    main()
