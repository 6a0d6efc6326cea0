"""What the reuse stage reads from outside the data folder: the reference's files (a light module:
the no-change check imports it without loading any table library)."""
from __future__ import annotations

from pathlib import Path

from ..corpus.sources import reference_files
from ..corpus.sources import reference_folder as _folder


def reference_folder(cfg) -> Path | None:
    """``reuse.reference`` as a path (relative to tifa.toml's folder), or None when not set."""
    return _folder(cfg.reuse.reference, cfg.source)


def reference_inputs(cfg) -> tuple[list[Path], Path | None, dict]:
    """The reference's files (keyed by their path inside it), its folder, and nothing else."""
    return reference_files("reuse.reference", reference_folder(cfg), cfg)
