"""Write one section of bench/RESULTS.md, replacing an older version of the same section."""
from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, marker: str, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if marker in old:
        head, _, rest = old.partition(marker)
        tail = rest.split("\n### ", 1)
        old = head + ("### " + tail[1] if len(tail) > 1 else "")
    path.write_text(old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n", encoding="utf-8")


def publish(path: Path, marker: str, lines: list[str] | str) -> str:
    """Print a benchmark's section and write it into RESULTS.md in place of the older one."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    print(text)
    replace_section(path, marker, text)
    return text


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB: VmHWM from /proc (Linux), which starts afresh at
    exec. getrusage's ru_maxrss does not: a child started by a large parent reports the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine_speed() -> str:
    """A fixed pure-Python workload (summing 10 million integers), best of 3, to read the other
    timings of a run against: this machine's speed varies up to 2x from minute to minute (seen
    here: 0.24 to 1.1 s), so a slow benchmark row next to a slow reference is the machine, not the code."""
    import time

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return f"reference workload (sum of 10 million integers in a Python loop) {best:.2f} s"


def cctv_items(corpora: Path) -> list[dict]:
    """The CCTV news items of ../shared/corpora (xwlb_cctv_news) that have a text, in file order."""
    import json

    items = []
    for path in sorted((corpora / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl")):
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [i for i in items if i.get("content")]


def cctv_bench(description: str, docs: int):
    """The command line of a benchmark on the CCTV items (--docs, --out) and the items; exits with
    a message when ../shared/corpora is absent."""
    import argparse
    import sys

    root = Path(__file__).resolve().parent.parent
    corpora = root.parent / "shared" / "corpora"
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--docs", type=int, default=docs)
    ap.add_argument("--out", type=Path, default=root / "bench" / "RESULTS.md")
    args = ap.parse_args()
    if not corpora.is_dir():
        sys.exit("../shared/corpora is absent: nothing to benchmark")
    return args, cctv_items(corpora)


def run_child(script: str, *args: str) -> dict:
    """Run ``script --child args…`` in a fresh process and read the JSON of its last line, or
    {"error": its last line of stderr} (a benchmark part measured in its own process)."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, script, "--child", *args], capture_output=True, text=True)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])
