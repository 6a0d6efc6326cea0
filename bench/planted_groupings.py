"""Power of keyness by a grouping of one's own (issue 30), beside the null check of
bench/null_groupings.py: a term planted into the real western provinces' reports (12 of 31) at a known
ratio to the other 19, over-dispersed between documents (gamma shape 2), about 5 occurrences per report
outside the west; how often keyness by macro_region finds it distinctive of 西部 (q < 0.05 after
Benjamini–Hochberg over every group and term), and how often its 95% Log Ratio interval covers the
planted log2 ratio. Usage: python bench/planted_groupings.py DATA_FOLDER CORPUS_FOLDER REPLICATES
(the tokens stage built in DATA_FOLDER on the corpus)."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from analysis.corpus.groupings import with_groupings
from analysis.keywords.stage import keyword_inputs
from analysis.keywords.statistics import keyness
from analysis.pipeline import runner
from analysis.pipeline.config import load_config
from analysis.pipeline.registry import get

data, corpus, R = sys.argv[1], sys.argv[2], int(sys.argv[3])
cfg = load_config(Path(__file__).resolve().parent.parent / "tifa.toml").with_paths(data=data, corpus=corpus)
docs, dtm, vocab, _, _ = keyword_inputs(runner.view(cfg, get("keywords")))
docs = with_groupings(docs.reset_index(drop=True), cfg.design.groups)
west = (docs["macro_region"] == "西部").to_numpy()
length = docs["length"].to_numpy(dtype=float)
base = 5 / np.median(length)                    # about 5 occurrences in a report of median length
rng = np.random.default_rng(30)
print(f"{len(docs)} reports, {int(west.sum())} western; {R} replicates per ratio; B = 200 bootstrap resamples")
print("| planted ratio (西部 / rest) | found distinctive of 西部 | its 95% interval covers the ratio | other distinctive rows per run |")
print("|---:|---:|---:|---:|")
for ratio in (1, 2, 4, 8, 16):
    found, covered, others = 0, [], []
    for r in range(R):
        mu = base * length * np.where(west, ratio, 1.0) * rng.gamma(2.0, 0.5, len(docs))
        y = rng.poisson(mu)
        X = sparse.hstack([dtm, sparse.csr_matrix(y[:, None])]).tocsr()
        k = keyness(docs, X, [*vocab, "PLANTED"], "macro_region", B=200, seed=r).rename(columns={"macro_region": "group"})
        hit = k[(k["group"] == "西部") & (k["term"] == "PLANTED")]
        found += int((hit["status"] == "distinctive").any())
        if len(hit) and hit["log_ratio_low"].notna().any():
            covered.append(bool((hit["log_ratio_low"] <= np.log2(ratio)).iloc[0] & (np.log2(ratio) <= hit["log_ratio_high"]).iloc[0]))
        others.append(int(((k["status"] == "distinctive") & (k["term"] != "PLANTED")).sum()))
    cover = f"{np.mean(covered):.2f} (of {len(covered)} ranked)" if covered else "not ranked"
    print(f"| {ratio} | {found}/{R} | {cover} | {np.mean(others):.2f} |")
