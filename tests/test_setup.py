"""The installation: every module imports on this Python without pkg_resources, and a run that failed
is never cached as a result."""
import dataclasses
import importlib
import json
import pkgutil
import subprocess
import sys
import textwrap

import pytest

import analysis
from analysis.pipeline.config import load_config
from tests.conftest import ROOT, with_corpus

#: every module but __main__ (which runs the CLI when imported)
MODULES = sorted(m.name for m in pkgutil.walk_packages(analysis.__path__, "analysis.") if m.name != "analysis.__main__")


def test_the_package_has_the_modules_we_expect():
    assert {"analysis.cli", "analysis.corpus.stage", "analysis.topics.gibbs", "analysis.publishing.plots"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


@pytest.mark.slow  # a process of its own, or a whole corpus run
def test_nothing_imports_pkg_resources():
    """cpca (and old jieba) import pkg_resources, which virtual environments on Python 3.12+ lack: we
    read their data files without importing them. Every module, the gazetteer and both segmenters."""
    code = textwrap.dedent(f"""
        import importlib, sys
        for m in {MODULES!r}:
            importlib.import_module(m)
        from analysis.corpus.regions import load_gazetteer
        from analysis.text.segment import Segmenter
        load_gazetteer()
        Segmenter("rjieba").cut("稳中求进")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("pkg_resources", "cpca")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_pyproject_states_the_supported_pythons():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.10,<3.14"' in text
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in text
    assert (3, 10) <= sys.version_info[:2] <= (3, 13)


def test_the_lock_covers_every_supported_python():
    """One universal lock: versions chosen per Python by markers, the ones the tests run on pinned."""
    lock = (ROOT / "requirements-lock.txt").read_text(encoding="utf-8")
    assert "--universal" in lock
    from importlib.metadata import version

    for dist in ("numpy", "pandas", "pyarrow", "tomotopy", "rjieba", "opencc"):
        pins = [ln for ln in lock.splitlines() if ln.lower().startswith(f"{dist}==")]
        assert pins, dist
        installed = version(dist)
        assert any(p.split("==")[1].split(" ")[0] == installed for p in pins), (dist, installed, pins)


# ---- failures are never cached --------------------------------------------------------------------
def small_cfg(tmp_path, seeds):
    """Four seed files, corpus stage in this process (so that a test can patch it)."""
    corpus = tmp_path / "texts"
    corpus.mkdir()
    for name in sorted(p.name for p in seeds.glob("*.txt"))[:4]:
        (corpus / name).write_bytes((seeds / name).read_bytes())
    cfg = with_corpus(load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data", figures=tmp_path / "figures"),
                      corpus)
    return dataclasses.replace(cfg, corpus=dataclasses.replace(cfg.corpus, workers=1))


def test_a_corpus_run_with_internal_errors_is_not_recorded_and_the_rerun_repairs_it(tmp_path, seeds, monkeypatch):
    from analysis.corpus import ingest, stage
    from analysis.pipeline import fastpath

    cfg = small_cfg(tmp_path, seeds)
    real = ingest.documents_from_raw
    broken = sorted(p.name for p in cfg.paths.corpus.iterdir())[1]

    def buggy(raw, *args, **kwargs):
        if raw.source_file == broken:
            raise KeyError("a bug met on one text")
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(ingest, "documents_from_raw", buggy)
    first = stage.build_corpus(cfg, progress=False)
    assert first.internal_errors == 1 and first.documents["source_file"].nunique() == 3
    assert broken not in set(first.documents["source_file"])
    assert first.problems["problem"].str.contains("internal error while processing: KeyError").any()
    assert not (first.folder / "_stage.json").exists()
    assert fastpath.unfinished(cfg)[0] == "corpus" and not fastpath.record(cfg)

    monkeypatch.setattr(ingest, "documents_from_raw", real)  # the cause is removed: nothing deleted by hand
    second = stage.build_corpus(cfg, progress=False)
    assert second.rebuilt and second.internal_errors == 0 and second.documents["source_file"].nunique() == 4
    assert (second.folder / "_stage.json").exists()
    assert not stage.build_corpus(cfg, progress=False).rebuilt  # a good run is cached as usual


def test_an_interrupted_rewrite_is_not_fresh_for_the_key_it_last_completed(tmp_path, seeds, monkeypatch):
    """The stamp goes before the outputs are rewritten: if the run stops half way and the inputs go
    back to what they were, the half-rewritten outputs are not taken for the old ones."""
    from analysis.corpus import stage
    from analysis.pipeline import atomic

    cfg = small_cfg(tmp_path, seeds)
    assert stage.build_corpus(cfg, progress=False).rebuilt
    first = cfg.paths.corpus / sorted(p.name for p in cfg.paths.corpus.iterdir())[0]
    original = first.read_bytes()
    first.write_bytes(original + "\n另起一段。".encode())

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "write_text", stop)  # documents.parquet is written, duplicates.csv is not
    with pytest.raises(KeyboardInterrupt):
        stage.build_corpus(cfg, progress=False)
    monkeypatch.undo()
    first.write_bytes(original)
    assert stage.build_corpus(cfg, progress=False).rebuilt


def write_shadow(folder, module, body):
    folder.mkdir(exist_ok=True)
    (folder / f"{module}.py").write_text(body, encoding="utf-8")


@pytest.mark.slow
def test_a_broken_import_stops_with_one_line_and_the_repaired_rerun_works(tmp_path, seeds):
    """A dependency that fails to import (as cpca did without pkg_resources) stops the run with one
    line that says how to repair it; after the repair the same command works, nothing deleted by hand."""
    cfg = small_cfg(tmp_path, seeds)
    shadow = tmp_path / "shadow"
    write_shadow(shadow, "rjieba", "raise ModuleNotFoundError(\"No module named 'pkg_resources'\", name='pkg_resources')\n")
    args = [sys.executable, "-m", "analysis", "tokens", "--corpus", str(cfg.paths.corpus), "--data", str(cfg.paths.data),
            "--figures", str(cfg.paths.figures), "--quiet"]
    env = {**__import__("os").environ, "PYTHONPATH": str(shadow)}
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "installation is incomplete" in out.stderr and "pkg_resources" in out.stderr
    assert not (cfg.paths.data / "tokens" / "_stage.json").exists()

    env.pop("PYTHONPATH")
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    stamp = json.loads((cfg.paths.data / "tokens" / "_stage.json").read_text(encoding="utf-8"))
    assert stamp["outputs"] == ["tokens.parquet"]


def test_environment_yml_has_the_dependencies_of_pyproject():
    """The conda-forge file names every dependency of the package and its dev extra, with the same
    lower bounds, and the same supported Pythons."""
    import re

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [d for d in project["dependencies"] + project["optional-dependencies"]["dev"] if ";" not in d]
    listed = {}
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*- ([A-Za-z0-9_.-]+)([<>=!][^\s#]*)?", line)
        if m:
            listed[m[1].lower().replace("_", "-")] = m[2] or ""
    for dep in wanted:
        name, bound = re.match(r"([A-Za-z0-9_.-]+)(.*)", dep).groups()
        assert listed.get(name.lower().replace("_", "-")) == bound, dep
    assert listed["python"] == project["requires-python"]


def test_the_layering_contracts_hold(capsys):
    """`lint-imports` with the contracts in pyproject.toml: a layer imports only the layers below it
    (the listed exceptions aside) and no two modules of a package import each other."""
    from importlinter.cli import lint_imports

    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 kept, 0 broken" in out
