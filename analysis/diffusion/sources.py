"""What the adoption stage reads from outside the data folder: the reference corpus's files (a light
module: the no-change check imports it without loading any table library)."""
from __future__ import annotations

from pathlib import Path

from ..corpus.sources import reference_files
from ..corpus.sources import reference_folder as _folder


def reference_folder(cfg) -> Path | None:
    """``adoption.reference`` as a path (relative to tifa.toml's folder), or None when not set."""
    return _folder(cfg.adoption.reference, cfg.source)


def reference_inputs(cfg) -> tuple[list[Path], Path | None, dict]:
    """The reference corpus's files (keyed by their path inside it), its folder, and nothing else."""
    return reference_files("adoption.reference", reference_folder(cfg), cfg)
