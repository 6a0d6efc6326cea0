"""The stage registry: every stage declared once, in its own package, and found here.

A stage package holds a module ``declaration.py`` whose ``STAGE`` (a :class:`Stage`)
says what the stage reads (tables of other stages, configuration values, researcher files), what it
writes, which function runs it, draws its outputs and prints its summary, and how its command is
described. Everything that needs the list of stages (the run order, freshness, the no-change fast
path, the command line and its ``--help``, ``figures``, the manifest, the architecture page, the
tests) asks this module; no other list of stages exists. The pipeline imports no stage: the
declarations name functions as ``"module:function"`` strings, resolved when they are called.

Adding a stage is adding a package with a declaration, and its outputs to ``publishing``
(docs/architecture.md walks through one).
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Option:
    """A command-line option of a stage's command: ``setting`` ("calibrate.permutations") when it
    overrides a configuration value, else it is passed to the stage's summary as a keyword."""
    flag: str
    help: str
    type: type = int
    default: object = None
    setting: str = ""

    @property
    def dest(self) -> str:
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Stage:
    """A stage's declaration (see :mod:`analysis.pipeline.registry`). Functions are named as
    ``"module:function"`` and imported only when called."""
    name: str
    module: str                  # "analysis.slogans.stage": where it is computed (its code key)
    params: tuple[str, ...] = ()  # configuration values it reads, "section.key"
    files: tuple[str, ...] = ()  # configuration keys naming files whose content it reads
    runtime: tuple[str, ...] = ()  # values it reads that never change its outputs (worker counts): not in the key
    reads: tuple[str, ...] = ()  # other stages' files it reads, "corpus/documents.parquet"
    writes: tuple[str, ...] = ()  # its own files, in <data>/<name>/
    sources: str = ""            # (cfg, setting) → (files, base, extra): raw inputs from outside the data folder
    sources_setting: str = "paths.corpus"   # the setting that names those raw inputs (passed to ``sources``)
    run: str = ""                # (cfg, progress, force) → its result, the stage rerun only when out of date
    gate: str = ""               # (result, cfg) → result, or an error when the stages after it have nothing to read
    check: str = ""              # (cfg) → None: reads its researcher files so that mistakes show before any work
    draw: str = ""               # (cfg, result, force) → bool: its figures, tables and pages
    draw_files: tuple[str, ...] = ()  # researcher files its drawing step reads (topic labels)
    summary: str = ""            # (result, out=None, **options): what its command prints
    findings: str = ""           # (result) → lines: its strongest findings, for the report's summary
    report: str = ""             # (result, cfg) → dict or None: what its section of the report says
    help: str = ""               # one line in `python -m analysis --help`
    description: str = ""        # its command's --help
    options: tuple[Option, ...] = ()
    in_figures: bool = True      # run by `figures` (calibrate runs only when asked for)

    def raw_inputs(self, cfg) -> tuple[list, object, dict]:
        """Its raw inputs from outside the data folder (``sources`` with ``sources_setting``)."""
        return resolve(self.sources)(cfg, self.sources_setting)

    @property
    def after(self) -> tuple[str, ...]:
        """The stages whose tables it reads."""
        return tuple(dict.fromkeys(r.split("/")[0] for r in self.reads))


class UnknownStage(ValueError):
    """A stage name that no declaration has."""


@functools.lru_cache(maxsize=1)
def stages() -> tuple[Stage, ...]:
    """Every declared stage, in run order: by depth in the graph of what reads what (a stage comes
    after every stage it reads), then by name (a stable order, whatever the file system's)."""
    found = {}
    for info in sorted(pkgutil.iter_modules([str(_PACKAGE)]), key=lambda i: i.name):
        if info.ispkg and (_PACKAGE / info.name / "declaration.py").is_file():
            stage = importlib.import_module(f"analysis.{info.name}.declaration").STAGE
            if stage.name in found:
                raise ValueError(f"stage '{stage.name}' is declared twice ({found[stage.name].module}, {stage.module})")
            found[stage.name] = stage
    for stage in found.values():
        missing = [r for r in stage.reads if r.split("/")[0] not in found or r.split("/", 1)[1] not in
                   found[r.split("/")[0]].writes]
        if missing:
            raise ValueError(f"stage '{stage.name}' reads {', '.join(missing)}, which no stage declares it writes")
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: tuple = ()) -> int:
        if name in seen:
            raise ValueError(f"stages read each other in a cycle: {' → '.join((*seen, name))}")
        if name not in depth:
            depth[name] = 1 + max((depth_of(s, (*seen, name)) for s in found[name].after), default=-1)
        return depth[name]

    return tuple(sorted(found.values(), key=lambda s: (depth_of(s.name), s.name)))


def names() -> tuple[str, ...]:
    return tuple(s.name for s in stages())


def get(name: str) -> Stage:
    for s in stages():
        if s.name == name:
            return s
    raise UnknownStage(f"unknown stage '{name}' (known: {', '.join(names())})")


def in_figures() -> tuple[Stage, ...]:
    """The stages that ``figures`` runs (a stage such as calibrate runs only when asked for)."""
    return tuple(s for s in stages() if s.in_figures)


def needed(wanted) -> list[str]:
    """The stages to run for ``wanted``, prerequisites first, in run order."""
    chosen, todo = set(), [get(w).name for w in wanted]
    while todo:
        name = todo.pop()
        if name not in chosen:
            chosen.add(name)
            todo += get(name).after
    return [s for s in names() if s in chosen]


def downstream(name: str) -> set[str]:
    """The stages that read ``name``'s tables, directly or not."""
    out, todo = set(), [name]
    while todo:
        current = todo.pop()
        for s in stages():
            if current in s.after and s.name not in out:
                out.add(s.name)
                todo.append(s.name)
    return out


def file_keys() -> frozenset[str]:
    """Every researcher file a stage or its drawing step declares ("tokens.lexicon", …)."""
    return frozenset(f for s in stages() for f in (*s.files, *s.draw_files))


def resolve(dotted: str):
    """The function a declaration names as ``"analysis.module:function"`` (looked up at each call,
    so that a test may replace it)."""
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)
