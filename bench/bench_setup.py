"""Set-up from nothing on every supported Python: a fresh clone, `make figures`, then `make test`.

    python bench/bench_setup.py                 # 3.10 to 3.13, figures only
    python bench/bench_setup.py --test          # and the whole test suite on each
    python bench/bench_setup.py --before REV    # the same on commit REV, side by side (its own Makefile)
    python bench/bench_setup.py --cold 3.12     # also once with an empty uv cache (every wheel downloaded)

Each run is a new clone in a temporary folder (shared/ linked beside it, as in CI), with the
environment a newcomer's shell has: no uv on PATH and PYTHONDONTWRITEBYTECODE unset (so the first
run compiles and writes the bytecode it imports, as it does for a new user). Writes its section of
bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_results import machine_speed, publish  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MARKER = "### Set-up and first build on every supported Python"


def find_python(version: str) -> str | None:
    """The newest installed python<version> that runs (pyenv's versions first), or None."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(root.glob(f"{version}.*/bin/python{version}"), key=lambda p: [int(x) for x in
                   re.findall(r"\d+", p.parent.parent.name)], reverse=True)
    candidates = [str(p) for p in found] + [shutil.which(f"python{version}") or ""]
    for c in candidates:
        if c and subprocess.run([c, "-c", "pass"], capture_output=True).returncode == 0:
            return c
    return None


def newcomer_env(cache: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "UV_CACHE_DIR")}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if not (Path(p) / "uv").exists()]
    env["PATH"] = os.pathsep.join(path)
    if cache is not None:
        env["UV_CACHE_DIR"] = str(cache)
    return env


def timed(args: list[str], cwd: Path, env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    out = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, out


def last_line(out: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in (out.stdout + out.stderr).splitlines() if ln.strip()]
    summary = [ln for ln in lines if re.search(r"\d+ (passed|failed)", ln) or ln.startswith("error:")]
    return (summary or lines or [""])[-1].strip("= ")


def one_run(label: str, python: str, rev: str, test: bool, cold: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="tifa-setup-") as tmp:
        tmp = Path(tmp)
        subprocess.run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(tmp / "tifa")], check=True)
        subprocess.run(["git", "checkout", "--quiet", rev], cwd=tmp / "tifa", check=True)
        if (ROOT.parent / "shared").is_dir():
            (tmp / "shared").symlink_to(ROOT.parent / "shared")
        env = newcomer_env(tmp / "uv-cache" if cold else None)
        row = {"run": label, "python": subprocess.run([python, "-V"], capture_output=True, text=True).stdout.split()[-1]}
        row["setup_s"], out = timed(["make", "setup", f"PYTHON={python}"], tmp / "tifa", env)
        if out.returncode:
            row["result"] = f"set-up failed: {last_line(out)}"
            return row
        row["figures_s"], out = timed(["make", "figures", f"PYTHON={python}"], tmp / "tifa", env)
        figures = sorted(p.name for p in (tmp / "tifa" / "figures").glob("*.png"))
        row["pngs"] = len(figures)
        row["result"] = "figures built" if out.returncode == 0 else f"figures failed: {last_line(out)}"
        if test and out.returncode == 0:
            row["test_s"], out = timed(["make", "test", f"PYTHON={python}"], tmp / "tifa", env)
            row["result"] = last_line(out)
        return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pythons", nargs="*", default=["3.10", "3.11", "3.12", "3.13"])
    ap.add_argument("--test", action="store_true", help="also run `make test` after `make figures`")
    ap.add_argument("--before", help="a commit to measure beside HEAD (on the first Python found)")
    ap.add_argument("--cold", nargs="*", default=[], help="Pythons to measure once more with an empty uv cache")
    args = ap.parse_args()
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    rows = []
    for version in args.pythons:
        python = find_python(version)
        if python is None:
            rows.append({"run": f"HEAD {rev}", "python": version, "result": "not on this machine"})
            continue
        if args.before:
            rows.append(one_run(f"before ({args.before})", python, args.before, False, False))
            print(rows[-1], flush=True)
        rows.append(one_run(f"HEAD {rev}", python, "HEAD", args.test, False))
        print(rows[-1], flush=True)
        if version in args.cold:
            rows.append(one_run(f"HEAD {rev}, empty uv cache", python, "HEAD", False, True))
            print(rows[-1], flush=True)

    def sec(r, k):
        return f"{r[k]:.1f}" if k in r else ""

    lines = [MARKER, "",
             f"`python bench/bench_setup.py {' '.join(sys.argv[1:])}`: a fresh clone each time, a newcomer's environment "
             "(no uv on PATH; bytecode written on first import); set-up = `make setup` (venv, uv, the locked "
             "dependencies), figures = `make figures` on the seeds from nothing, 2 cores. "
             f"{machine_speed()}.", "",
             "| run | Python | set-up (s) | make figures (s) | set-up + figures (s) | PNG figures | make test (s) | result |",
             "|:--|:--|--:|--:|--:|--:|--:|:--|"]
    for r in rows:
        total = f"{r['setup_s'] + r['figures_s']:.1f}" if "figures_s" in r else ""
        lines.append(f"| {r['run']} | {r['python']} | {sec(r, 'setup_s')} | {sec(r, 'figures_s')} | {total} | "
                     f"{r.get('pngs', '')} | {sec(r, 'test_s')} | {r['result']} |")
    publish(ROOT / "bench" / "RESULTS.md", MARKER, lines)


if __name__ == "__main__":
    main()
