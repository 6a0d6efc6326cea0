"""What the corpus stage reads from outside the data folder (a light module: the no-change check
imports it without loading any table library)."""
from __future__ import annotations

from pathlib import Path

from .readers import corpus_files


def raw_inputs(cfg, setting: str = "paths.corpus") -> tuple[list[Path], Path, dict]:
    """The corpus folder's files (keyed by their path inside it), the folder, and the name of the
    metadata override file (``setting``: always paths.corpus, which --corpus overrides)."""
    source = Path(cfg.paths.corpus)
    if source.is_file():
        raise FileNotFoundError(f"corpus folder: {source} is a file; give the folder that holds the corpus "
                                f"({source.parent}) with --corpus or paths.corpus in tifa.toml")
    if not source.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {source} (set paths.corpus in tifa.toml or pass --corpus)")
    return corpus_files(source, (cfg.paths.data, cfg.paths.figures))[0], source, {"overrides": cfg.paths.overrides}


def reference_folder(cfg, setting: str) -> Path | None:
    """The folder or table a reference setting names (``adoption.reference``, ``reuse.reference``),
    relative to tifa.toml's folder; None when it is not set."""
    section, key = setting.split(".")
    given = (getattr(getattr(cfg, section), key) or "").strip()
    if not given:
        return None
    path = Path(given).expanduser()
    if not path.is_absolute() and cfg.source is not None:
        path = Path(cfg.source).parent / path
    return path


def reference_inputs(cfg, setting: str) -> tuple[list[Path], Path | None, dict]:
    """The files of the reference ``setting`` names (keyed by their path inside it), its folder, and
    nothing else; a missing folder is an error that names the setting."""
    folder = reference_folder(cfg, setting)
    if folder is None:
        return [], None, {}
    if not folder.exists():
        raise FileNotFoundError(f"{setting}: {folder} not found (a folder or a table of central texts: "
                                "national Government Work Reports, central news)")
    if folder.is_file():
        return [folder], folder.parent, {}
    return corpus_files(folder, (cfg.paths.data, cfg.paths.figures))[0], folder, {}
