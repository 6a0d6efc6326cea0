import hashlib
import os
import time
from pathlib import Path

import pytest

from analysis.pipeline import cache as stages
from analysis.pipeline.config import load_config
from tests.conftest import ROOT


def test_file_digest_is_sha256_and_sees_every_change(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"first")
    old = time.time() - 60
    os.utime(path, (old, old))
    assert stages.file_digest(path) == hashlib.sha256(b"first").hexdigest()
    assert any(key[0] == str(path) for key in stages._DIGESTS)  # an old file is remembered
    # same size, rewritten in place: a new modification time means a new digest
    path.write_bytes(b"again")
    assert stages.file_digest(path) == hashlib.sha256(b"again").hexdigest()
    # two writes within one clock tick of the file system (same size, same time stamp): the
    # second is seen because a recently modified file is never taken from the cache
    tick = time.time() - 0.5
    path.write_bytes(b"third")
    os.utime(path, (tick, tick))
    assert stages.file_digest(path) == hashlib.sha256(b"third").hexdigest()
    path.write_bytes(b"forth")
    os.utime(path, (tick, tick))
    assert stages.file_digest(path) == hashlib.sha256(b"forth").hexdigest()

def test_read_json_is_empty_for_a_missing_or_broken_file(tmp_path):
    assert stages.read_json(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert stages.read_json(tmp_path / "bad.json") == {}
    (tmp_path / "ok.json").write_text('{"标签": 1}', encoding="utf-8")
    assert stages.read_json(tmp_path / "ok.json") == {"标签": 1}


def _declared_stages():
    """Every declared stage and the drawing step of each that draws, from the registry."""
    from analysis.pipeline import registry

    stages = registry.stages()
    return stages + tuple(registry.resolve(s.draw).step for s in stages if s.draw)


def _changed(value, tmp_path, name):
    """Another value of the same kind (validity does not matter for a key)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 2
    if isinstance(value, float):
        return value + 0.125
    if isinstance(value, Path):
        other = tmp_path / f"{name}.csv"
        other.write_text(value.read_text(encoding="utf-8") + "\n" if value.exists() else "lang,topic,label\n",
                         encoding="utf-8")
        return other
    if isinstance(value, tuple):
        if name.startswith("stopwords"):
            extra = tmp_path / f"{name}.txt"
            extra.write_text("额外\n", encoding="utf-8")
            return value + (str(extra),)
        return value + ((value[-1] + 5) if value and isinstance(value[-1], int) else ("额外",),)
    if isinstance(value, dict):
        return {"text": "content"}
    return f"{value}x"


def test_every_parameter_changes_exactly_the_keys_of_the_stages_that_read_it(tmp_path):
    """For every value in tifa.toml: the stages whose key changes are those that declare it; worker
    counts and figure-only settings change no computing stage."""
    import dataclasses

    from analysis.pipeline import runner
    from analysis.pipeline.config import _SECTIONS

    cfg = load_config(ROOT / "tifa.toml")
    declared = _declared_stages()
    base = {s.name: runner.key(s, cfg, []) for s in declared}
    checked = 0
    for section, cls in _SECTIONS.items():
        if section == "paths":
            continue
        for f in dataclasses.fields(cls):
            dotted = f"{section}.{f.name}"
            value = _changed(getattr(getattr(cfg, section), f.name), tmp_path, f.name)
            changed = dataclasses.replace(cfg, **{section: dataclasses.replace(getattr(cfg, section), **{f.name: value})})
            moved = {s.name for s in declared if runner.key(s, changed, []) != base[s.name]}
            readers = {s.name for s in declared if dotted in s.params or dotted in s.files}
            assert moved == readers, dotted
            checked += 1
    assert checked > 60
    from analysis.pipeline import registry

    computing = set(registry.names())
    for dotted in ("corpus.workers", "tokens.workers", "topics.workers", "slogans.contrast",
                   "topics.labels", "figures.dpi", "figures.formats", "run.engine", "run.scheduler", "run.workers"):
        assert not any(dotted in s.params or dotted in s.files for s in declared if s.name in computing), dotted
    # how many slogans the figures show chooses the pairs of the cooccurrence stage, never refits the slogans
    assert [s.name for s in declared if s.name in computing and "slogans.top" in s.params] == ["cooccurrence"]


def test_a_stage_cannot_read_what_it_does_not_declare():
    from analysis.pipeline import runner
    from analysis.slogans.stage import STAGE

    view = runner.view(load_config(ROOT / "tifa.toml"), STAGE)
    assert view.slogans.rule == "all"
    with pytest.raises(runner.UndeclaredParameter, match="slogans.top"):
        view.slogans.top
    with pytest.raises(runner.UndeclaredParameter, match="topics.k"):
        view.topics.k


def test_editing_a_module_changes_only_the_stages_that_import_it():
    from analysis.pipeline import runner

    from analysis.pipeline import registry

    for stage in registry.stages():
        if stage.draw:   # editing a plot redraws its figures
            assert "analysis.publishing.plots" in runner.closure(registry.resolve(stage.draw).step.module), stage.name
        assert "analysis.publishing.plots" not in runner.closure(stage.module), stage.name   # a figure's code never refits
    assert "analysis.stats.inference" in runner.closure("analysis.slogans.stage")


def test_editing_a_template_redraws_the_pages_and_the_report(tmp_path, monkeypatch):
    """Templates are code: the drawing steps' keys and the no-change fingerprint cover them (a
    reworded sentence of the report once left 'everything up to date')."""
    import shutil

    from analysis.pipeline import cache, runner

    copy = tmp_path / "analysis"
    shutil.copytree(ROOT / "analysis", copy, ignore=shutil.ignore_patterns("__pycache__"))

    def keys():
        runner._imports.cache_clear()
        runner.closure.cache_clear()
        runner.module_code.cache_clear()
        cache.code_version.cache_clear()
        cache._DIGESTS.clear()
        return runner.module_code("analysis.publishing.draw"), runner.module_code("analysis.topics.stage"), \
            cache.code_version()

    monkeypatch.setattr(runner, "_PACKAGE", copy)
    monkeypatch.setattr(cache, "_PACKAGE", copy)
    draw, topics, everything = keys()
    template = copy / "publishing" / "templates" / "concordance.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    import os
    import time
    os.utime(template, (time.time() - 10, time.time() - 10))
    draw2, topics2, everything2 = keys()
    assert draw2 != draw and everything2 != everything
    assert topics2 == topics                       # a page's template never refits a model
    monkeypatch.undo()
    keys()


def test_the_modules_that_read_package_files_are_declared():
    """Package files read at run time (the gazetteer's data, the templates) are keyed through
    runner._FILES_READ; a new reader must be added there."""
    from analysis.pipeline import runner

    readers = {".".join(("analysis",) + p.relative_to(ROOT / "analysis").with_suffix("").parts)
               for p in (ROOT / "analysis").rglob("*.py")
               if "__pycache__" not in p.parts and p.name != "runner.py"
               and any(marker in p.read_text(encoding="utf-8") for marker in ('"analysis.data"', "PackageLoader("))}
    assert readers == set(runner._FILES_READ)


def test_the_no_change_fingerprint_covers_every_declared_file(tmp_path):
    """Editing any researcher file a stage declares (seed words included: once left out, so an
    edited seed_words.csv left the build "up to date") changes the whole-build fingerprint."""
    import dataclasses

    from analysis.pipeline import fastpath, runner

    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "data", figures=tmp_path / "figures")
    for dotted in sorted(runner.file_keys()):
        section, key = dotted.split(".")
        value = runner.value(cfg, dotted)
        paths = [v for v in value if not str(v).startswith("iso:")] if isinstance(value, (list, tuple)) else [value]
        copy = tmp_path / f"{dotted}{Path(paths[0]).suffix}"
        copy.write_bytes(Path(paths[0]).read_bytes() if Path(paths[0]).exists() else b"")
        new = tuple(str(copy) if v == paths[0] else v for v in value) if isinstance(value, (list, tuple)) else copy
        moved = dataclasses.replace(cfg, **{section: dataclasses.replace(getattr(cfg, section), **{key: new})})
        before = fastpath.fingerprint(moved)
        copy.write_bytes(copy.read_bytes() + "\nzzword\n".encode())  # a new line of content
        time.sleep(0.01)
        assert fastpath.fingerprint(moved) != before, dotted
