"""Declared stages: what each stage reads, and one key made of exactly that.

A stage declares the configuration values it reads (``slogans.rule``), the researcher files whose
content it reads (``tokens.lexicon``: the content, not the path), and the module that computes it.
Its key hashes those values, the content of its input files, and the source of its module and of
every module of the package that module imports (found by reading the imports, so a new import is
covered without a list to keep). A figure-only setting, a worker count or a docstring in plots.py
is in no computing stage's key: changing it re-draws or does nothing, it never refits.

While a stage computes, it sees the configuration through :func:`view`, which refuses any value the
stage has not declared: a key cannot silently miss a parameter.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from . import cache
from .config import Config, _plain
from .registry import Stage, file_keys as _declared_file_keys, resolve

_PACKAGE = Path(__file__).resolve().parent.parent


#: stage name → the declared values its views gave out in this process (a test checks that a stage
#: declares nothing it does not read)
READ: dict[str, set] = {}


class UndeclaredParameter(AttributeError):
    """A stage read a configuration value that it does not declare (a bug: its key would miss it)."""


def value(cfg: Config, dotted: str):
    section, key = dotted.split(".")
    return getattr(getattr(cfg, section), key)


def file_keys() -> frozenset[str]:
    """Configuration keys that name files (the stages' declared ``files``): what counts is their content."""
    return _declared_file_keys()


def read(cfg: Config, dotted: str):
    """A configuration value as a key sees it: a file's content, any other value as it is."""
    if isinstance(cfg, ConfigView):
        getattr(getattr(cfg, dotted.split(".")[0]), dotted.split(".")[1])  # refused when undeclared; recorded
        cfg = cfg._cfg
    return file_content(cfg, dotted) if dotted in file_keys() else _plain(value(cfg, dotted))


def file_content(cfg: Config, dotted: str) -> str:
    """The content key of a researcher file named by the configuration (a setting whose field names
    its own digest, as the lists of stop-word specs do, is keyed by that function)."""
    import dataclasses

    section, name = dotted.split(".")
    target = value(cfg, dotted)
    digest = next(f.metadata.get("content") for f in dataclasses.fields(getattr(cfg, section)) if f.name == name)
    return resolve(digest)(target) if digest else cache.content_state(Path(target))


def key(stage: Stage, cfg: Config, inputs: Iterable[Path], base: Path | None = None, unreadable_ok: bool = False,
        extra: dict | None = None) -> str:
    """The stage's key: its declared values, the content of its declared files and of ``inputs``, its code."""
    cfg = cfg._cfg if isinstance(cfg, ConfigView) else cfg
    payload = {"params": {p: _plain(value(cfg, p)) for p in stage.params},
               "files": {f: file_content(cfg, f) for f in stage.files}, **(extra or {})}
    return cache.stage_key(stage.name, payload, inputs, base=base, unreadable_ok=unreadable_ok,
                            code=module_code(stage.module))


def input_paths(stage: Stage, cfg: Config) -> list[Path]:
    """The other stages' files that ``stage`` declares it reads."""
    return [Path(cfg.paths.data) / r for r in stage.reads]


def stage_key(stage: Stage, cfg: Config) -> str:
    """A declared stage's key, from its declaration alone: what it reads (other stages' files, or
    its raw sources), its parameters and files, its code. The stage's run and the freshness plan
    both use it, so they cannot disagree."""
    cfg = cfg._cfg if isinstance(cfg, ConfigView) else cfg
    if stage.sources:
        files, base, extra = stage.raw_inputs(cfg)
        if stage.reads:   # raw sources and other stages' files (the adoption stage's reference corpus)
            extra = {**extra, "reads": cache.stage_key("reads", {}, input_paths(stage, cfg), code="reads")}
        return key(stage, cfg, files, base=base, unreadable_ok=True, extra=extra)
    return key(stage, cfg, input_paths(stage, cfg))


def require_inputs(stage: Stage, cfg: Config) -> None:
    """FileNotFoundError naming the command to run when a file ``stage`` reads is missing."""
    for path in input_paths(stage, cfg):
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: run `python -m analysis {path.parent.name}` first")


# ---- code keys ------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _imports(module: str) -> frozenset[str]:
    """The package modules that ``module`` imports anywhere in its source (top level or in functions);
    each module is parsed once per process (the stages' closures share most of them)."""
    path = _module_path(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        # packages (their __init__: a docstring, or names re-exported for users; no computation) are left out
        found |= {c for c in candidates if c.startswith("analysis.") and _exists(c) and _module_path(c).name != "__init__.py"}
    return frozenset(found)


def _module_path(module: str) -> Path:
    rel = Path(*module.split(".")[1:])
    path = _PACKAGE / rel
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _exists(module: str) -> bool:
    return _module_path(module).is_file()


@functools.lru_cache(maxsize=None)
def closure(module: str) -> tuple[str, ...]:
    """``module`` and every package module it imports, directly or not, sorted."""
    seen, todo = set(), [module]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo += sorted(_imports(m) - seen)
    return tuple(sorted(seen))


#: modules that read package files other than code: the files are part of their code key (a test
#: checks that no other module names analysis.data or a template loader)
_FILES_READ = {"analysis.corpus.regions": ("data",), "analysis.diffusion.neighbours": ("data",),
               "analysis.publishing.templating": ("publishing/templates",)}


@functools.lru_cache(maxsize=None)
def module_code(module: str) -> str:
    """Hash of the source of ``module``'s closure (and of the package's data files and templates when a
    module of it reads or renders them)."""
    h = hashlib.sha256()
    for m in closure(module):
        path = _module_path(m)
        source = path.read_bytes()
        h.update(m.encode())
        h.update(hashlib.sha256(source).digest())
        for name in _FILES_READ.get(m, ()):
            for data in sorted((_PACKAGE / name).glob("*")):
                if data.is_file():
                    h.update(data.name.encode())
                    h.update(cache.file_digest(data).encode())
    return h.hexdigest()


# ---- what a stage may read ------------------------------------------------------------------------
class _Section:
    """One configuration section as a stage sees it: only the declared keys."""

    def __init__(self, section, name: str, allowed: frozenset, stage: str, seen: set):
        object.__setattr__(self, "_section", section)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_allowed", allowed)
        object.__setattr__(self, "_stage", stage)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, key: str):
        if key.startswith("__"):
            raise AttributeError(key)
        if key not in self._allowed:
            raise UndeclaredParameter(f"stage '{self._stage}' reads {self._name}.{key}, which it does not declare "
                                      f"(add it to the STAGE declaration in its module)")
        self._seen.add(f"{self._name}.{key}")
        return getattr(self._section, key)

    def __reduce__(self):  # a worker process gets the plain section
        return (_identity, (self._section,))


def _identity(x):
    return x


class ConfigView:
    """A configuration that gives a stage only what it declares (paths always; see :class:`Stage`)."""

    def __init__(self, cfg: Config, stage: Stage, seen: set | None = None):
        self._cfg = cfg
        self._stage = stage
        self.seen = READ.setdefault(stage.name, set()) if seen is None else seen
        allowed: dict[str, set] = {}
        for dotted in (*stage.params, *stage.files, *stage.runtime):
            section, k = dotted.split(".")
            allowed.setdefault(section, set()).add(k)
        self._allowed = {s: frozenset(v) for s, v in allowed.items()}

    def __getattr__(self, section: str):
        if section.startswith("__"):
            raise AttributeError(section)
        if section in ("paths", "source"):
            return getattr(self._cfg, section)
        return _Section(getattr(self._cfg, section), section, self._allowed.get(section, frozenset()),
                        self._stage.name, self.seen)

    def __reduce__(self):
        return (_identity, (self._cfg,))


def plain(section):
    """A section as the plain (picklable, hashable) dataclass, whatever view it comes in."""
    return section._section if isinstance(section, _Section) else section


def view(cfg: Config, stage: Stage) -> ConfigView:
    return cfg if isinstance(cfg, ConfigView) else ConfigView(cfg, stage)


# ---- running a stage that makes tables ------------------------------------------------------------
@dataclass(frozen=True)
class TableResult:
    """What a table-making stage gives: its folder, whether it was rebuilt, its tables (read lazily)."""
    folder: Path
    rebuilt: bool
    tables: Mapping


def run_tables(stage: Stage, cfg: Config, tables: tuple[str, ...], compute, force: bool = False,
               summary=None) -> TableResult:
    """The one way a table-making stage runs: the files it reads must exist; when its key is
    unchanged and its tables are there, they are read back; else ``compute(view, folder)`` makes them
    (it may write other files into ``folder``), each is written atomically as ``<name>.parquet``
    (with ``summary(tables)`` as summary.json), and the key is stamped last. A table too large to
    hold is written by ``compute`` itself (:func:`write_table` as soon as it is made, or
    :class:`analysis.pipeline.sorted_runs.SortedRuns`), which gives its path instead of a frame."""
    from . import atomic

    out = Path(cfg.paths.data) / stage.name
    require_inputs(stage, cfg)
    stage_key_ = stage_key(stage, cfg)
    files = [f"{t}.parquet" for t in tables]
    if not force and cache.is_fresh(out, stage_key_, files):
        return TableResult(out, False, StageTables(out, tables))
    out.mkdir(parents=True, exist_ok=True)
    cache.invalidate(out)
    made = compute(view(cfg, stage), out)
    for name, table in made.items():
        if not isinstance(table, Path):   # else written already
            write_table(out, name, table)
    if summary is not None:
        atomic.write_text(out / "summary.json", json.dumps(summary(made), ensure_ascii=False, indent=1))
    cache.mark_done(out, stage_key_, files)
    return TableResult(out, True, StageTables(out, tables))


def is_fresh(stage: Stage, cfg: Config) -> bool:
    """Whether ``stage``'s outputs are stamped with the key its declared inputs give now (the files it
    reads may be missing: then it is not)."""
    try:
        return cache.is_fresh(Path(cfg.paths.data) / stage.name, stage_key(stage, cfg))
    except OSError:
        return False


def write_table(out: Path, name: str, table) -> Path:
    """A stage's table ``<out>/<name>.parquet``, written atomically as :func:`run_tables` writes it;
    ``table`` a DataFrame, or successive DataFrames (an iterator: its rows in parts, never whole)."""
    from . import atomic

    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        return atomic.write_parquet_parts(Path(out) / f"{name}.parquet", table)
    return atomic.write_parquet(Path(out) / f"{name}.parquet", atomic.stable_strings(table))


class StageTables(Mapping):
    """A stage's tables, each read from its Parquet file the first time it is used (a run that only
    re-draws one figure reads only the tables that figure needs). ``replace(name=frame)`` gives a
    copy with some tables replaced."""

    def __init__(self, folder: Path, names, given: dict | None = None):
        self._folder, self._names, self._frames = Path(folder), tuple(names), dict(given or {})

    def __getitem__(self, name: str):
        if name not in self._frames:
            if name not in self._names:
                raise KeyError(name)
            import pandas as pd

            self._frames[name] = pd.read_parquet(self._folder / f"{name}.parquet")
        return self._frames[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def columns(self, name: str, columns: list[str]):
        """Some columns of a table (read for them alone, not kept: a per-document table is large)."""
        if name in self._frames:
            return self._frames[name][columns]
        if name not in self._names:
            raise KeyError(name)
        import pandas as pd

        return pd.read_parquet(self._folder / f"{name}.parquet", columns=columns)

    def rows(self, name: str) -> int:
        """How many rows a table has (from its file's metadata when it is not read)."""
        if name in self._frames:
            return len(self._frames[name])
        if name not in self._names:
            raise KeyError(name)
        import pyarrow.parquet as pq

        return pq.ParquetFile(self._folder / f"{name}.parquet").metadata.num_rows

    def replace(self, **frames) -> "StageTables":
        return StageTables(self._folder, tuple(dict.fromkeys((*self._names, *frames))), {**self._frames, **frames})
