"""Coverage of the partially pooled (empirical-Bayes) rate intervals (issue 30): cells with true rates
drawn around a common mean with a known spread (gamma shape a; a = 10^4: the cells hardly differ), counts
Poisson in exposures like the provincial reports' (18,000 characters) or ten times smaller; how often the
95% interval covers each cell's true rate; beside it, the interval with μ and a plugged in (unpenalised
maximum likelihood, the method before issue 30). Usage: python bench/pooled_intervals.py REPLICATES"""
import sys

import numpy as np
from scipy import optimize, special, stats
from analysis.stats.inference import shrink_rates


def plugged_in(y, E):
    """The 95% posterior interval with μ and a at their unpenalised maximum likelihood."""
    mu0 = y.sum() / E.sum()

    def nll(x):
        mu, a = np.exp(x)
        b = a / mu
        return -(special.gammaln(a + y) - special.gammaln(a) + a * np.log(b / (b + E)) + y * np.log(E / (b + E))).sum()

    x = optimize.minimize(nll, [np.log(mu0), 0.0], method="L-BFGS-B",
                          bounds=[(np.log(mu0) - 10, np.log(mu0) + 10), (-8, 12)]).x
    mu, a = np.exp(x)
    return stats.gamma.ppf(0.025, a + y) / (a / mu + E), stats.gamma.ppf(0.975, a + y) / (a / mu + E)

R = int(sys.argv[1])
rng = np.random.default_rng(30)
print("| cells | expected count per cell | spread (gamma shape a) | coverage | median width / mean rate | coverage, μ and a plugged in |")
print("|---:|---:|---:|---:|---:|---:|")
for cells in (4, 31):
    for expected in (3, 20):
        for a in (2.0, 20.0, 1e4):
            hits, widths, plug = [], [], []
            for _ in range(R):
                E = rng.uniform(0.5, 1.5, cells) * 18_000
                mu = expected / 18_000
                theta = rng.gamma(a, mu / a, cells)
                y = rng.poisson(theta * E)
                if not y.sum():
                    continue
                out = shrink_rates(y, E)
                hits += list((out["low"] <= theta) & (theta <= out["high"]))
                widths += list((out["high"] - out["low"]) / mu)
                lo, hi = plugged_in(y.astype(float), E)
                plug += list((lo <= theta) & (theta <= hi))
            print(f"| {cells} | {expected} | {a:g} | {np.mean(hits):.3f} | {np.median(widths):.2f} | {np.mean(plug):.3f} |")
