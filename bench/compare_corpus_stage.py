"""The corpus stage of this tree against another checkout (an earlier commit): the same outputs, and
the time and memory of each.

usage: python bench/compare_corpus_stage.py BASE_TREE CORPUS [CORPUS ...] [--work /tmp/corpus-compare]

BASE_TREE is a checkout of the earlier code (``git worktree add /tmp/base <commit>``). For each corpus
folder, the corpus stage runs in a process of its own, first with BASE_TREE's code, then with this
tree's (``bench_scale.py --child``: wall seconds, peak RSS of the largest process, peak of the whole
process tree), each with its tree's tifa.toml; then documents.parquet, duplicates.csv and
problems.csv are compared byte for byte, and the documents tables as DataFrames.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("documents.parquet", "duplicates.csv", "problems.csv")


def run(tree: Path, corpus: Path, work: Path) -> dict:
    """The corpus stage of ``corpus`` with ``tree``'s code, into ``work``: bench_scale's measures."""
    shutil.rmtree(work, ignore_errors=True)
    out = subprocess.run([sys.executable, str(tree / "bench" / "bench_scale.py"), "--child", "corpus", str(corpus),
                          str(work / "data"), str(work / "figures")], cwd=tree, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def same_outputs(a: Path, b: Path) -> dict:
    """Which outputs are byte-identical, and whether the documents tables are equal as DataFrames."""
    found = {name: (a / name).read_bytes() == (b / name).read_bytes() for name in OUTPUTS}
    try:
        pd.testing.assert_frame_equal(pd.read_parquet(a / "documents.parquet"), pd.read_parquet(b / "documents.parquet"))
        found["frames equal"] = True
    except AssertionError:
        found["frames equal"] = False
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base", type=Path)
    ap.add_argument("corpora", type=Path, nargs="+")
    ap.add_argument("--work", type=Path, default=Path("/tmp/corpus-compare"))
    args = ap.parse_args()
    for i, corpus in enumerate(args.corpora):
        base = run(args.base.resolve(), corpus.resolve(), args.work / f"{i}-base")
        new = run(ROOT, corpus.resolve(), args.work / f"{i}-new")
        same = same_outputs(args.work / f"{i}-base" / "data" / "corpus", args.work / f"{i}-new" / "data" / "corpus")
        print(f"{corpus}:")
        for name, m in (("base", base), ("this tree", new)):
            print(f"  {name:>9}: {m['seconds']:7.1f} s, largest process {m['rss_mb']:6.0f} MB, "
                  f"process tree {m['tree_mb']:6.0f} MB {m['error']}")
        print("  " + ", ".join(f"{k}: {'same' if v else 'DIFFERENT'}" for k, v in same.items()))


if __name__ == "__main__":
    main()
