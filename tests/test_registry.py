"""The stage registry: one declaration per stage, and everything that lists stages derived from it."""
import ast
import argparse

import pytest

from analysis.pipeline import registry, stage_map
from tests.conftest import ROOT


def test_every_stage_comes_after_the_stages_it_reads_and_its_functions_exist():
    order = registry.names()
    assert order[0] == "corpus" and len(set(order)) == len(order)
    for stage in registry.stages():
        assert all(order.index(up) < order.index(stage.name) for up in stage.after), stage.name
        assert stage.after or stage.sources, f"{stage.name} reads nothing"
        for dotted in (stage.run, stage.draw, stage.summary, stage.findings, stage.check, stage.gate, stage.sources):
            if dotted:
                assert callable(registry.resolve(dotted)), dotted
        if stage.draw:
            drawn = registry.resolve(stage.draw)
            assert drawn.step.name == f"{stage.name}_outputs" and drawn.outputs
        assert registry.needed([stage.name])[-1] == stage.name
    assert registry.needed(["slogans"]) == ["corpus", "tokens", "slogans"]
    assert registry.downstream("tokens") >= {"slogans", "keywords", "topics"} and not registry.downstream("topics")
    with pytest.raises(registry.UnknownStage, match="known: corpus, reuse, targets, tokens"):
        registry.get("slogan")


def test_every_stage_is_a_command_with_its_help():
    from analysis.cli import parser

    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {*registry.names(), "count", "concordance", "figures", "status"}
    for stage in registry.stages():
        assert sub.choices[stage.name].description == stage.description
        assert all(o.flag in sub.choices[stage.name].format_help() for o in stage.options)


def test_the_architecture_page_and_the_readme_are_generated_from_the_registry():
    page = stage_map.PAGE.read_text(encoding="utf-8")
    assert page == stage_map.render(page), "run `make docs`"
    readme = stage_map.README.read_text(encoding="utf-8")
    assert readme == stage_map.render_readme(readme), "run `make docs`"
    for name in registry.names():
        assert f"| **{name}**" in page and f"`python -m analysis {name}`" in readme


def _string_lists(path):
    """Every tuple, list, set and dict literal of a source file, as the strings it holds."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None) \
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else None
        if items:
            yield node.lineno, {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def test_no_list_of_stages_exists_besides_the_registry():
    """Stage names never appear together in the code: a list of stages kept by hand drifts."""
    names = set(registry.names())
    found = []
    for folder in ("analysis", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "analysis" / "pipeline" / "config.py":  # the settings' sections, named like stages
                continue
            if path == ROOT / "analysis" / "__init__.py":   # the API's names: tf.adoption, tf.targets run their stages
                continue
            for line, strings in _string_lists(path):
                if len(strings & names) >= 2:
                    found.append(f"{path.relative_to(ROOT)}:{line}: {sorted(strings & names)}")
    assert not found, found


def test_a_stage_names_no_other_stage_s_folder_than_those_it_declares():
    """A stage finds another stage's files by that stage's name (corpus_folder, Path(data) / "slogans"):
    the code a stage runs names no stage whose files it does not declare it reads, so its key
    cannot miss an input (the pipeline's own modules and the declarations are left out)."""
    from analysis.pipeline import runner

    names = set(registry.names())
    for stage in registry.stages():
        named = {}
        for module in runner.closure(stage.module):
            if module.startswith("analysis.pipeline.") or module.endswith(".declaration"):
                continue
            for node in ast.walk(ast.parse(runner._module_path(module).read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value in names:
                    named.setdefault(node.value, set()).add(module)
        undeclared = {k: sorted(v) for k, v in named.items() if k != stage.name and k not in stage.after}
        assert not undeclared, (stage.name, undeclared)
