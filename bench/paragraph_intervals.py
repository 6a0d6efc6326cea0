"""Coverage of the interval a one-document group gets (over its paragraphs, issue 30): a slogan planted
into each of the 31 provincial reports' real paragraphs at a known document rate, over-dispersed
between paragraphs (gamma intensities), and how often the 95% interval covers that rate.
Usage: python bench/paragraph_intervals.py CORPUS_TEXTS_FOLDER REPLICATES"""
import sys
from pathlib import Path

import numpy as np
from analysis.slogans.statistics import PER, paragraph_matrix
from analysis.stats.inference import rate_interval

folder, R = Path(sys.argv[1]), int(sys.argv[2])
docs = [[len("".join(p.split())) for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
        for f in sorted(folder.glob("*.txt"))]
rng = np.random.default_rng(30)
print(f"{len(docs)} documents, {np.median([len(d) for d in docs]):.0f} paragraphs each (median); {R} replicates per cell")
print("| expected count per document | paragraph dispersion (gamma shape) | coverage | median width / rate |")
print("|---:|---:|---:|---:|")
for expected in (3, 10, 30, 100):
    for shape in (0.3, 1.0, 5.0):
        hits, widths = [], []
        for sizes in docs:
            e = np.asarray(sizes, float)
            mu = expected / e.sum()
            lam = mu * rng.gamma(shape, 1 / shape, size=(R, len(e)))
            y = rng.poisson(lam * e)
            for r in range(R):
                per = [{"x": int(v)} for v in y[r]]
                m, pe = paragraph_matrix((per, e), ["x"])
                rate, lo, hi = rate_interval(m, pe)
                if y[r].sum() == 0:
                    continue   # a zero count gets [0, upper]: not a two-sided interval of a rate
                hits.append(lo[0] <= mu <= hi[0])
                widths.append((hi[0] - lo[0]) / mu)
        print(f"| {expected} | {shape:g} | {np.mean(hits):.3f} | {np.median(widths):.2f} |")
