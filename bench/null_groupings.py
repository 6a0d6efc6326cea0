"""Random 4-group labels (the sizes of the NBS macro-regions, 10/6/12/3) on a built corpus: keyness
and slogan group-vs-rest contrasts by them should find about nothing. Usage: python bench/null_groupings.py
DATA_FOLDER CORPUS_FOLDER PERMUTATIONS (the slogans and tokens stages built in DATA_FOLDER)."""
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from analysis.pipeline.config import load_config
from analysis.pipeline import runner
from analysis.pipeline.registry import get
from analysis.keywords.stage import keyword_inputs
from analysis.keywords.statistics import keyness
from analysis.slogans.stage import count_matrix
from analysis.slogans.statistics import region_vs_rest
data, corpus, R = sys.argv[1], sys.argv[2], int(sys.argv[3])
cfg = load_config(Path(__file__).resolve().parent.parent / "tifa.toml").with_paths(data=data, corpus=corpus)
docs, dtm, vocab, _, _ = keyword_inputs(runner.view(cfg, get("keywords")))
sdocs = pd.read_parquet(f"{data}/slogans/documents.parquet"); counts = pd.read_parquet(f"{data}/slogans/counts.parquet")
slogans = sorted(counts["slogan"].unique()); M = count_matrix(counts, sdocs["doc_id"].tolist(), slogans, "all")
rng = np.random.default_rng(7)
labels = np.array(["东部"] * 10 + ["中部"] * 6 + ["西部"] * 12 + ["东北"] * 3)
out = []
for r in range(R):
    lab_k = rng.choice(labels, len(docs)); lab_s = rng.choice(labels, len(sdocs))
    k = keyness(docs.assign(g=lab_k), dtm, vocab, "g", B=0, seed=r)
    c = region_vs_rest(sdocs.assign(g=lab_s), M, slogans, "g", B=0, min_docs=2, min_count=5)
    out.append((int((k["status"] == "distinctive").sum()), int((c.get("q_value", pd.Series(dtype=float)) < 0.05).sum()),
                int(k["status"].str.startswith("not distinctive").sum())))
o = np.array(out)
print(f"{len(docs)} docs, {R} random 4-group labelings: keyness distinctive rows per run mean {o[:,0].mean():.2f} max {o[:,0].max()}; "
      f"slogan contrasts q<0.05 per run mean {o[:,1].mean():.2f} max {o[:,1].max()}; ranked non-findings rows per run {o[:,2].mean():.0f}")
