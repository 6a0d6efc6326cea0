"""Validation of the topic engines on planted structure (issue 16).

usage: python bench/bench_topic_validation.py [--out bench/RESULTS.md] [--replicates 40]

1. Recovery: K = 10 topics drawn over a real vocabulary (the 3,000 most frequent tokens of the CCTV
   news items, Dirichlet(0.05) weights over them), 3,000 documents of paragraph length (Poisson(40)
   tokens, proportions Dirichlet(0.2)); each engine fits K = 10 with the stage's settings; the mean
   cosine of fitted and true topics after matching (target: at least 0.9), 3 corpora each.
2. Covariate effect: ``--replicates`` corpora (K = 5, 600 documents of 60 tokens) in which group B
   puts more prior weight on topic 0; the 95% interval of the B − A difference in topic 0's mean
   prevalence, from the DMR covariate model and from plain LDA with the method of composition, and
   how often each covers the true difference of the drawn proportions (target for DMR: at least 90%);
   also for plain LDA fitted on a random half of the documents, the others' proportions inferred with
   the topics fixed (the stage's path past ``topics.max_train_units``).
3. Permuted labels: ``--replicates`` / 2 corpora without an effect, documents in 6 random groups; the
   share of effect intervals that exclude 0 (nominal 5%).
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_results import machine_speed, publish  # noqa: E402


def real_vocabulary(n: int) -> list[str]:
    from collections import Counter

    from bench_topics import texts

    counts = Counter(t for doc in texts(4000, paragraphs=False) for t in doc)
    return [w for w, _ in counts.most_common(n)]


def planted(rng, vocab: list[str], K: int, D: int, mean_len: float, topic_conc: float, doc_conc: float,
            effect: float = 0.0):
    """Documents from K known topics; group B adds ``effect`` to topic 0's Dirichlet weight."""
    V = len(vocab)
    beta = rng.dirichlet(np.full(V, topic_conc), size=K)
    group = np.where(np.arange(D) % 2 == 0, "A", "B")
    alpha = np.full((D, K), doc_conc)
    alpha[group == "B", 0] += effect
    theta = np.vstack([rng.dirichlet(a) for a in alpha])
    texts = []
    for d in range(D):
        n = max(5, rng.poisson(mean_len))
        z = rng.choice(K, size=n, p=theta[d])
        texts.append([vocab[rng.choice(V, p=beta[k])] for k in z])
    return texts, beta, theta, group


def matched_cosine(model, beta, vocab) -> float:
    from analysis.topics.models import match_topics

    idx = [vocab.index(w) for w in model.vocabulary_]
    order, cos = match_topics(beta[:, idx], model.topic_term_)
    return float(cos.mean())


def recovery(vocab) -> list[str]:
    from gensim.corpora import Dictionary

    from analysis.pipeline.config import load_config
    from analysis.topics.engines import make_model

    tp = load_config(ROOT / "tifa.toml").topics
    rows = []
    for engine in ("tomotopy", "gensim"):
        scores, seconds = [], []
        for r in range(3):
            rng = np.random.default_rng(100 + r)
            texts, beta, _, _ = planted(rng, vocab, 10, 3000, 40, 0.05, 0.2)
            start = time.perf_counter()
            m = make_model(engine, 10, r + 1, tp).fit(texts, Dictionary(texts))
            seconds.append(time.perf_counter() - start)
            scores.append(matched_cosine(m, beta, vocab))
        rows.append(f"| {engine} | {np.mean(scores):.3f} ({', '.join(f'{s:.3f}' for s in scores)}) | "
                    f"{np.mean(seconds):.1f} |")
        print(rows[-1], flush=True)
    return rows


SAMPLED = "LDA (tomotopy) fitted on half the documents, the others inferred"


def half(n: int, seed: int) -> list[int]:
    """A random half of ``n`` positions, sorted: the training sample of a sampled fit (what the stage
    does past ``topics.max_train_units``)."""
    return sorted(np.random.default_rng(seed).choice(n, n // 2, replace=False).tolist())


def coverage(vocab, replicates: int) -> list[str]:
    from gensim.corpora import Dictionary

    from analysis.pipeline.config import load_config
    from analysis.topics.gibbs import CovariateLda, GibbsLda
    from analysis.topics.models import match_topics, prevalence_effects

    hits = {"DMR covariate model": [], "LDA (tomotopy), method of composition": [], SAMPLED: []}
    widths = {k: [] for k in hits}
    for r in range(replicates):
        rng = np.random.default_rng(1000 + r)
        texts, beta, theta, group = planted(rng, vocab[:800], 5, 600, 60, 0.05, 0.3, effect=0.6)
        truth = theta[group == "B", 0].mean() - theta[group == "A", 0].mean()
        d = Dictionary(texts)
        idx = [vocab.index(w) for w in [d[i] for i in range(len(d))]]
        nmf = load_config(ROOT / "tifa.toml").topics.nmf_prior      # the stage's settings
        for name, model in (("DMR covariate model",
                             CovariateLda(5, r + 1, nmf_prior=nmf).fit(texts, d, [[f"g={g}"] for g in group])),
                            ("LDA (tomotopy), method of composition", GibbsLda(5, r + 1, nmf_prior=nmf).fit(texts, d)),
                            (SAMPLED, GibbsLda(5, r + 1, nmf_prior=nmf).fit_sample(texts, d, half(len(texts), r)))):
            order, _ = match_topics(beta[:, idx], model.topic_term_)
            prev = prevalence_effects(model.gamma_[:, order], np.arange(len(texts)),
                                      np.array([len(t) for t in texts], float), pd.Series(group), S=100, seed=r)
            effect = prev[(prev["topic"] == 0) & (prev["kind"] == "effect")].iloc[0]
            hits[name].append(effect["low"] <= truth <= effect["high"])
            widths[name].append(effect["high"] - effect["low"])
    rows = []
    for name in hits:
        rows.append(f"| {name} | {np.mean(hits[name]):.2f} ({sum(hits[name])} of {replicates}) | "
                    f"{np.mean(widths[name]):.3f} |")
        print(rows[-1], flush=True)
    return rows


def null_rate(vocab, replicates: int) -> list[str]:
    """Permuted labels: corpora without an effect (K = 5, 600 documents of 60 tokens), each document
    given one of 6 groups at random; how many of the 5 topics × 6 groups effect intervals exclude 0
    (nominal 5%), for the model fitted on every document and for the sampled fit."""
    from gensim.corpora import Dictionary

    from analysis.pipeline.config import load_config
    from analysis.topics.gibbs import GibbsLda
    from analysis.topics.models import prevalence_effects

    nmf = load_config(ROOT / "tifa.toml").topics.nmf_prior
    found = {"LDA (tomotopy), method of composition": [], SAMPLED: []}
    for r in range(replicates):
        rng = np.random.default_rng(5000 + r)
        texts, _, _, _ = planted(rng, vocab[:800], 5, 600, 60, 0.05, 0.3)
        groups = pd.Series(rng.integers(0, 6, len(texts)).astype(str))
        d = Dictionary(texts)
        for name, model in (("LDA (tomotopy), method of composition", GibbsLda(5, r + 1, nmf_prior=nmf).fit(texts, d)),
                            (SAMPLED, GibbsLda(5, r + 1, nmf_prior=nmf).fit_sample(texts, d, half(len(texts), r)))):
            prev = prevalence_effects(model.gamma_, np.arange(len(texts)), np.array([len(t) for t in texts], float),
                                      groups, S=100, seed=r)
            effect = prev[prev["kind"] == "effect"]
            found[name] += ((effect["low"] > 0) | (effect["high"] < 0)).tolist()
    rows = []
    for name, hits in found.items():
        rows.append(f"| {name} | {np.mean(hits):.3f} ({sum(hits)} of {len(hits)}) |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    ap.add_argument("--replicates", type=int, default=40)
    args = ap.parse_args()
    warnings.simplefilter("ignore", RuntimeWarning)
    vocab = real_vocabulary(3000)
    lines = [f"### Topic validation (issue 16), {time.strftime('%Y-%m-%d')}", "",
             f"`python bench/bench_topic_validation.py --replicates {args.replicates}`; machine speed {machine_speed()}.",
             "", "Recovery of 10 planted topics over the 3,000 most frequent real tokens of the CCTV items, 3,000 "
             "documents of paragraph length (about 40 tokens); mean matched cosine of fitted and true topics "
             "(target ≥ 0.9), 3 corpora:", "", "| engine | matched cosine | seconds per fit |", "|:---|---:|---:|",
             *recovery(vocab), "",
             f"A planted covariate effect (group B: +0.6 Dirichlet weight on topic 0; 600 documents of 60 tokens, "
             f"K = 5), {args.replicates} corpora: how often the 95% interval of the B − A difference in topic 0's "
             "mean prevalence covers the true difference of the drawn proportions (target for DMR ≥ 0.9):", "",
             "| estimate | coverage | mean interval width |", "|:---|---:|---:|", *coverage(vocab, args.replicates), "",
             f"Permuted labels: {args.replicates // 2} corpora without an effect (K = 5, 600 documents of 60 "
             "tokens), each document given one of 6 groups at random; the share of the effect intervals (5 "
             "topics × 6 groups a corpus) that exclude 0 (nominal 0.05; intervals of one corpus are correlated):",
             "", "| estimate | intervals excluding 0 |", "|:---|---:|", *null_rate(vocab, args.replicates // 2)]
    publish(args.out, "### Topic validation (issue 16)", lines)


if __name__ == "__main__":
    main()
