"""Cached stages: a stage reruns only when its inputs, parameters or the code changed.

A stage's key is a content hash of its parameters, the bytes of its input files and the package's
own source. A stage removes its stamp (``_stage.json``) before it writes anything and stores the
key there after its outputs are all written, and only when its run ended without an internal
error: an interrupted or failed run leaves no stamp, so the stage reruns next time.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Iterable

from . import atomic

_PACKAGE = Path(__file__).resolve().parent.parent


_DIGESTS: dict[tuple, str] = {}  # (path, size, mtime, inode) → SHA-256, for this process's life
_RACY_SECONDS = 2.0


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes. A file is read once per process: a run checks the same corpus for
    several stage keys and the fast path. The cache is keyed by size, modification time and inode,
    and a file modified in the last two seconds is always read again (its time stamp may not yet
    tell one write from the next, as in git's racy-clean rule)."""
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key in _DIGESTS:
        return _DIGESTS[key]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    if time.time() - st.st_mtime > _RACY_SECONDS:
        _DIGESTS[key] = digest
    return digest


def content_state(path: Path) -> str:
    """A file's digest, or "absent", or "unreadable: <why>" (a file a stage reports and skips)."""
    try:
        return file_digest(path)
    except FileNotFoundError:
        return "absent"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the package's source and data files."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".txt", ".toml", ".json", ".mplstyle", ".j2"} \
                and "__pycache__" not in path.parts:
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(file_digest(path).encode())
    return h.hexdigest()


def stage_key(name: str, params: dict, inputs: Iterable[Path], base: Path | None = None,
              unreadable_ok: bool = False, code: str | None = None) -> str:
    """``code``: the hash of the code the stage runs (default: the whole package's).
    ``unreadable_ok``: an input that cannot be read (a raw file without read permission, which the
    stage reports and skips) enters the key as unreadable, so that it is read once it can be."""
    h = hashlib.sha256()
    h.update(name.encode())
    h.update(json.dumps(params, sort_keys=True, ensure_ascii=False, default=str).encode())
    h.update((code or code_version()).encode())
    for path in sorted(Path(p) for p in inputs):
        # names, not absolute paths: a copied project folder keeps its keys
        rel = path.relative_to(base).as_posix() if base else f"{path.parent.name}/{path.name}"
        h.update(rel.encode())
        state = content_state(path)
        if state.startswith("unreadable") and not unreadable_ok:
            file_digest(path)  # raises the error
        h.update(state.encode())
    return h.hexdigest()


def read_json(path: Path) -> dict:
    """A stamp's or summary's content, or {} when it is missing or unreadable (then the work is redone)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def is_fresh(folder: Path, key: str, outputs: Iterable[str] | None = None) -> bool:
    """Whether ``folder`` is stamped with ``key`` and its ``outputs`` (default: those the stamp lists) exist."""
    saved = read_json(Path(folder) / "_stage.json")
    outputs = saved.get("outputs", ()) if outputs is None else outputs
    return bool(saved) and saved.get("key") == key and all((Path(folder) / o).exists() for o in outputs)


def invalidate(folder: Path) -> None:
    """Forget that ``folder``'s outputs are done: called before a stage writes any of them, so that
    outputs half rewritten (an interrupted run) or written by a failed run are never taken as fresh,
    not even for the key they were last complete for."""
    Path(folder, "_stage.json").unlink(missing_ok=True)


def mark_done(folder: Path, key: str, outputs: Iterable[str]) -> None:
    atomic.write_text(Path(folder) / "_stage.json",
                      json.dumps({"key": key, "outputs": sorted(outputs)}, indent=1) + "\n")
