"""What the calibrate command prints."""
from __future__ import annotations

import sys


def print_calibration(result, out=None) -> None:
    out = out or sys.stdout
    print("calibration:", file=out)
    for r in result.tables["summary"].itertuples():
        extra = f" (max {r.max:g})" if r.max == r.max else ""
        print(f"  {r.check} [{r.group}]: {r.value:.3g}{extra}; target {r.target}", file=out)
