"""The per-unit share of reused characters and its 95% interval over documents (the reuse stage's
``units`` table), on units of documents with a known share (analysis/reuse/simulate.py): how often
the interval covers the truth, by documents per unit, mean share and over-dispersion.

    python bench/reuse_calibration.py [replicates]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.reuse.simulate import coverage  # noqa: E402


def main(replicates: int = 2000) -> None:
    rng = np.random.default_rng(20261206)
    print("| documents per unit | mean share | phi (concentration) | 95% interval covers |")
    print("|---|---|---|---|")
    for documents in (3, 5, 10, 30, 100):
        for mean in (0.02, 0.05, 0.2):
            for phi in (2.0, 10.0, 50.0):
                print(f"| {documents} | {mean} | {phi:g} | {coverage(rng, documents, mean, phi, replicates):.3f} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
