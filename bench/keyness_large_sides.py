"""Coverage of the keyness Log Ratio interval that sides above keywords.bootstrap_max_docs take (analytic,
from group sums): a target of n_t documents against a rest of 25,000, Gamma(shape 2) document-level
over-dispersion, lengths of 150-1,500 tokens; planted ratio 2 (log2 1) and random labels (ratio 1).
400 replicates each; usage: python bench/keyness_large_sides.py (about a minute)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np  # noqa: E402
from analysis.stats.inference import group_sums, log_ratio_interval, rate_test  # noqa: E402
rng = np.random.default_rng(35)
n_r = 25_000
for n_t in (60, 300, 2000):
    for ratio, label in ((2.0, "planted x2"), (1.0, "random labels")):
        cover = signif = 0
        R = 400
        for _ in range(R):
            n = n_t + n_r
            e = rng.integers(150, 1500, size=n).astype(float)
            lam = np.r_[np.full(n_t, 2e-3 * ratio), np.full(n_r, 2e-3)]
            y = rng.poisson(e * lam * rng.gamma(2.0, 0.5, size=n))[:, None].astype(float)
            g = np.r_[np.zeros(n_t, int), np.ones(n_r, int)]
            if ratio == 1.0:
                g = rng.permutation(g)
            S = group_sums(g, 2, y, e)
            lo, hi = log_ratio_interval(S.take([0]), S.take([1]))
            truth = np.log2(ratio)
            cover += lo[0] <= truth <= hi[0]
            signif += rate_test(S.take([0]), S.take([1]))["p"][0, 0] < 0.05
        print(f"target {n_t:>5} docs, {label:13s}: 95% interval covers {cover / R:.3f}; test p < 0.05 in {signif / R:.3f}")
