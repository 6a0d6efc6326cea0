"""Writing a stage's outputs: each output is made again only when its own key changed.

An output's key is its step's inputs and code, the figure settings, and the values the output
itself reads (its ``reads`` in the catalog): a setting one figure reads re-draws that figure only,
and an output that is up to date, byte for byte, is not made again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..pipeline import atomic, cache, runner
from ..pipeline.config import Config
from .catalog import FIGURES, output_files
from .export import save_figures, save_table


def draw_stage(name: str, module: str, outputs, files: tuple[str, ...] = ()) -> runner.Stage:
    """A drawing step reads the figure settings and what its outputs declare; ``module`` draws them
    (its code, and that of every module it imports, such as the plots, is in the outputs' keys)."""
    reads = tuple(dict.fromkeys(p for o in outputs for p in o.reads if p not in files))
    return runner.Stage(name, module, FIGURES + reads, files=files)


class Writer:
    """Where one step's outputs go. Each output has its own key (the step's inputs and code, the
    figure settings, and the values it reads): one that is up to date, byte for byte, is not made
    again, so a setting that one figure reads re-draws that figure only. ``make`` is called only
    for outputs that are out of date."""

    def __init__(self, folder: Path, cfg, outputs, base: str, saved: dict, force: bool):
        self.folder, self.cfg, self.force = folder, cfg, force
        self.formats, self.dpi = cfg.figures.formats, cfg.figures.dpi
        self.outputs = {o.name: o for o in outputs}
        self.base, self.saved, self.stamps, self.wrote = base, saved, {}, False
        self.pending: list = []   # figures made, saved together by done()

    def _key(self, name: str) -> str:
        reads = {p: runner.read(self.cfg, p) for p in self.outputs[name].reads}
        return hashlib.sha256(json.dumps([self.base, reads], sort_keys=True, default=str).encode()).hexdigest()

    def _todo(self, name: str) -> bool:
        files = output_files(self.outputs[name], self.formats)
        key = self._key(name)
        old = self.saved.get(name, {})
        fresh = not self.force and old.get("key") == key and all((self.folder / f).exists() for f in files) \
            and old.get("hashes") == {f: cache.file_digest(self.folder / f) for f in files}
        self.stamps[name] = old if fresh else {"key": key, "files": files}
        return not fresh

    def figure(self, make, name: str) -> None:
        if self._todo(name):
            self.pending.append((name, make()))
            self.wrote = True

    def table(self, frame, name: str, note: str = "") -> None:
        """A table with its caption; ``note`` (the method, a rule) is appended to the caption.
        ``frame``: a DataFrame, a function that makes one, or an
        :class:`~analysis.publishing.export.ParquetRows` (a stage's table written from its file a
        batch of rows at a time)."""
        if self._todo(name):
            save_table(frame() if callable(frame) else frame, name, self.folder,
                       f"{self.outputs[name].caption} {note}".strip())
            self.wrote = True

    def page(self, name: str, write) -> None:
        """A page's files, written by ``write(folder)``."""
        if self._todo(name):
            write(self.folder)
            self.wrote = True

    def done(self, then) -> None:
        """Save the figures made (see :func:`~analysis.publishing.export.save_figures`: at once, or in
        the background during a build), then call ``then(stamps)`` with the stamps of every output
        (file hashes of those just written)."""
        def stamp() -> None:
            for name, saved in self.stamps.items():
                if "files" in saved:
                    self.stamps[name] = {"key": saved["key"],
                                         "hashes": {f: cache.file_digest(self.folder / f) for f in saved["files"]}}
            then(self.stamps)

        save_figures(self.pending, self.folder, self.formats, self.dpi, then=stamp)
        self.pending = []


def output_step(cfg: Config, stage: runner.Stage, outputs, stamp_dir: Path, inputs: list, draw, force: bool = False) -> bool:
    """Run ``draw(writer)``: the writer makes the outputs that are out of date (see :class:`Writer`);
    returns True when any was (re)written."""
    base = runner.key(runner.Stage(stage.name, stage.module, FIGURES), cfg, inputs)  # the outputs add their reads
    saved = cache.read_json(Path(stamp_dir) / "_outputs.json")
    writer = Writer(Path(cfg.paths.figures), cfg, outputs, base, saved, force)
    draw(writer)
    writer.done(lambda stamps: atomic.write_text(Path(stamp_dir) / "_outputs.json",
                                                 json.dumps(stamps, indent=1, sort_keys=True) + "\n"))
    return writer.wrote
