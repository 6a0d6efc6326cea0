"""A whole-pipeline fingerprint, so that `make figures` with nothing changed returns at once.

The fingerprint hashes everything the outputs depend on: the configuration (every value but the
run's engine and workers), the raw inputs that stages declare (``sources``: the corpus folder's
files), every researcher file that a stage declares (lexicon, stop words, topic labels, seed
words) and the package's code, all found through the stage registry. After
a successful build it is stored with the hash of every output file. When both still match, nothing
has to be imported or rebuilt: the check reads files and the stop-word lists (stopwordsiso), no
table library (0.14 s for the seeds).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import registry
from .config import RUNTIME_SECTIONS, Config, _plain
from .cache import code_version, content_state, file_digest, read_json
from .runner import file_content

STAMP = ".build_stamp.json"


def fingerprint(cfg: Config) -> str:
    h = hashlib.sha256()
    settings = {k: v for k, v in _plain(cfg).items() if k not in RUNTIME_SECTIONS}
    h.update(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode())
    h.update(code_version().encode())
    for stage in registry.in_figures():
        if stage.sources:  # a light import: pandas is loaded only when tables are read
            for f in stage.raw_inputs(cfg)[0]:
                h.update(str(f).encode())
                h.update(content_state(f).encode())
    # every researcher file a stage declares, from the same declarations the stages' keys use
    for dotted in sorted(registry.file_keys()):
        h.update(dotted.encode())
        h.update(file_content(cfg, dotted).encode())
    return h.hexdigest()


def _outputs(cfg: Config) -> dict:
    folder = Path(cfg.paths.figures)
    # hidden files are not outputs: the folder's .lock (rewritten by every run), atomic writes' temporaries
    return {p.name: file_digest(p) for p in sorted(folder.iterdir())
            if p.is_file() and p.name != STAMP and not p.name.startswith(".")} if folder.is_dir() else {}


def up_to_date(cfg: Config) -> bool:
    saved = read_json(Path(cfg.paths.figures) / STAMP)
    return bool(saved.get("outputs")) and saved.get("fingerprint") == fingerprint(cfg) and saved["outputs"] == _outputs(cfg)


def unfinished(cfg: Config) -> list[str]:
    """The stages whose outputs are not recorded as done (a run that ended in internal errors leaves
    no stamp): while there is one, the whole build is not recorded either, so the next run retries."""
    return [s.name for s in registry.in_figures() if not (Path(cfg.paths.data) / s.name / "_stage.json").is_file()]


def record(cfg: Config) -> bool:
    """Record the build as complete, unless a stage is unfinished; True when recorded."""
    from . import atomic

    if unfinished(cfg):
        Path(cfg.paths.figures, STAMP).unlink(missing_ok=True)
        return False
    atomic.write_text(Path(cfg.paths.figures) / STAMP,
                      json.dumps({"fingerprint": fingerprint(cfg), "outputs": _outputs(cfg)}, indent=1) + "\n")
    return True
