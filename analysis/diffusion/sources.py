"""What the adoption stage reads from outside the data folder: the reference corpus's files (a light
module: the no-change check imports it without loading any table library)."""
from __future__ import annotations

from pathlib import Path


def reference_folder(cfg) -> Path | None:
    """``adoption.reference`` as a path (relative to tifa.toml's folder), or None when not set."""
    given = cfg.adoption.reference.strip()
    if not given:
        return None
    path = Path(given).expanduser()
    if not path.is_absolute() and cfg.source is not None:
        path = Path(cfg.source).parent / path
    return path


def reference_inputs(cfg) -> tuple[list[Path], Path | None, dict]:
    """The reference corpus's files (keyed by their path inside it), its folder, and nothing else."""
    from ..corpus.readers import corpus_files

    folder = reference_folder(cfg)
    if folder is None:
        return [], None, {}
    if not folder.exists():
        raise FileNotFoundError(f"adoption.reference: {folder} not found (a folder or a table of central texts: "
                                "national Government Work Reports, central news)")
    if folder.is_file():
        return [folder], folder.parent, {}
    return corpus_files(folder, (cfg.paths.data, cfg.paths.figures))[0], folder, {}
