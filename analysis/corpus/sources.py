"""What the corpus stage reads from outside the data folder (a light module: the no-change check
imports it without loading any table library)."""
from __future__ import annotations

from pathlib import Path

from .readers import corpus_files


def raw_inputs(cfg) -> tuple[list[Path], Path, dict]:
    """The corpus folder's files (keyed by their path inside it), the folder, and the name of the
    metadata override file."""
    source = Path(cfg.paths.corpus)
    if source.is_file():
        raise FileNotFoundError(f"corpus folder: {source} is a file; give the folder that holds the corpus "
                                f"({source.parent}) with --corpus or paths.corpus in tifa.toml")
    if not source.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {source} (set paths.corpus in tifa.toml or pass --corpus)")
    return corpus_files(source, (cfg.paths.data, cfg.paths.figures))[0], source, {"overrides": cfg.paths.overrides}
