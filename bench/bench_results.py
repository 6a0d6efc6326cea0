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
