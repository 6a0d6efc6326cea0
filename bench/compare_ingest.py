"""Ingestion speed of this tree against an earlier commit, side by side in one run.

usage: python bench/compare_ingest.py [--against 5027bdc] [--rounds 4] [--out bench/RESULTS.md]

This machine's speed varies from minute to minute, so numbers from different runs cannot be
compared: here the earlier commit is checked out in a temporary git worktree and both trees ingest
the same corpora (bench_ingest.py's news items and reports) in alternating child processes, round
after round; each child reports the best of 3 runs. The ratio of the best rounds is what the issue's
target ("within 10% of before") is read against.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import make_corpus  # noqa: E402
from bench_results import machine_speed, publish  # noqa: E402

CORPORA = [("news", 10), ("news", 20), ("reports", 10)]


def child_speed(tree: Path, folder: Path) -> float:
    """MB/s of the best of 3 runs of ``tree``'s ingestion on ``folder`` (a fresh process)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(tree / "bench" / "bench_ingest.py"), "--child", str(folder),
                          "--repeats", "3"], capture_output=True, text=True, cwd=tree, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["bytes"] / 1e6 / result["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="5027bdc", help="the earlier commit (default: the one before issue 13)")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    speed = machine_speed()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.against],
                       check=True, capture_output=True)
        try:
            (Path(tmp) / "shared").symlink_to(ROOT.parent / "shared")  # the old tree's ../shared
            folders = {}
            for kind, mb in CORPORA:
                folders[(kind, mb)] = Path(tmp) / f"{kind}{mb}"
                make_corpus(folders[(kind, mb)], mb, kind)
            speeds: dict[tuple, list[float]] = {}
            for r in range(args.rounds):
                for key, folder in folders.items():
                    for name, tree in (("before", old), ("now", ROOT)):
                        speeds.setdefault((key, name), []).append(child_speed(tree, folder))
                print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
            subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)
    lines = [f"### Ingestion against an earlier commit (issue 13), {time.strftime('%Y-%m-%d')}", "",
             f"Command `python bench/compare_ingest.py --against {args.against} --rounds {args.rounds}`: the "
             "commit in a git worktree and this tree ingest the same corpora in alternating child processes "
             "(each the best of 3 runs, one core); MB/s of every round, and the ratio of the best rounds. "
             f"Machine speed: {speed} before the runs.", "",
             f"| corpus | MB | {args.against} MB/s | now MB/s | now / before (best) |", "|:---|---:|---:|---:|---:|"]
    for kind, mb in CORPORA:
        before, now = speeds[((kind, mb), "before")], speeds[((kind, mb), "now")]
        lines.append(f"| {kind} | {mb} | {' '.join(f'{x:.2f}' for x in before)} | {' '.join(f'{x:.2f}' for x in now)} "
                     f"| {max(now) / max(before):.3f} |")
    publish(args.out, "### Ingestion against an earlier commit", lines)


if __name__ == "__main__":
    main()
