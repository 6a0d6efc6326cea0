"""The whole pipeline: outputs, manifest, report, incremental reruns, interruptions, notebooks."""
import dataclasses
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from analysis.publishing.build import build_all
from analysis.publishing.catalog import manifest_entries
from analysis.pipeline import registry
from analysis.pipeline.config import load_config
from tests.conftest import ROOT


pytestmark = pytest.mark.slow  # whole builds, notebooks, other start methods and engines


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The seeds built once with tifa.toml as it is (the notebooks' configuration too): the tests
    that change something work on a copy."""
    tmp = tmp_path_factory.mktemp("pipeline")
    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp / "data", figures=tmp / "figures")
    done = build_all(cfg, progress=False)
    return cfg, done, tmp


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and "_stage.json" not in p.name}


def test_every_output_exists_and_is_in_the_manifest(built):
    cfg, _, _ = built
    man = pd.read_csv(cfg.paths.figures / "MANIFEST.csv")
    expected = {f for e in manifest_entries(cfg) for f in e["files"]}
    assert set(man["file"]) == expected
    assert man["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert man["made_by"].str.startswith("analysis.").all() and man["caption"].str.len().gt(10).all()


def test_report_mentions_every_manifest_entry(built):
    cfg, _, _ = built
    md = (cfg.paths.figures / "report.md").read_text(encoding="utf-8")
    page = (cfg.paths.figures / "report.html").read_text(encoding="utf-8")
    for entry in manifest_entries(cfg):
        assert f"`{entry['id']}`" in md and entry["id"] in page
    assert "## 5. Methods and parameters" in md and f"{cfg.slogans.bootstrap} bootstrap resamples" in md
    assert "data:image/png;base64," in page and not re.search(r'(src|href)="https?://', page)
    assert "empty file" not in md  # the seeds have no bad file …
    assert "unknown" in md          # … but documents with unknown region, listed with reasons


def test_second_run_changes_nothing(built):
    cfg, _, tmp = built
    before = snapshot(tmp)
    again = build_all(cfg, progress=False)
    assert not any(getattr(r, "rebuilt", r) for k, r in again.items())
    assert snapshot(tmp) == before


def test_a_parameter_reruns_only_what_depends_on_it(built, tmp_path):
    cfg, _, tmp = built
    shutil.copytree(tmp, tmp_path / "copy")
    moved = cfg.with_paths(data=tmp_path / "copy" / "data", figures=tmp_path / "copy" / "figures")
    changed = dataclasses.replace(moved, keywords=dataclasses.replace(moved.keywords, top=5))
    done = build_all(changed, progress=False)
    flags = {k: getattr(r, "rebuilt", r) for k, r in done.items()}
    assert {k for k, v in flags.items() if v} == {"keywords", "keywords_outputs"}
    assert set(flags) == {*(s.name for s in registry.in_figures()),
                          *(f"{s.name}_outputs" for s in registry.in_figures() if s.draw)}


def test_an_interrupted_run_leaves_the_previous_outputs(built, tmp_path, monkeypatch):
    cfg, _, tmp = built
    shutil.copytree(tmp, tmp_path / "copy")
    moved = cfg.with_paths(data=tmp_path / "copy" / "data", figures=tmp_path / "copy" / "figures")
    changed = dataclasses.replace(moved, slogans=dataclasses.replace(moved.slogans, top=7))
    before = snapshot(tmp_path / "copy" / "figures")
    from analysis.publishing import plots

    def broken(*a, **k):
        raise KeyboardInterrupt("interrupted while drawing")

    monkeypatch.setattr(plots, "slogan_contrast", broken)
    with pytest.raises(KeyboardInterrupt):
        build_all(changed, progress=False)
    after = snapshot(tmp_path / "copy" / "figures")
    assert set(after) == set(before)  # no half-written or temporary file
    assert after["slogan_contrast.png"] == before["slogan_contrast.png"]
    monkeypatch.undo()
    done = build_all(changed, progress=False)  # the next run finishes the work
    assert done["slogans_outputs"] is True


#: notebooks that build a corpus of their own, run by their own tests (tests/test_own_design_notebook.py;
#: tests/test_adoption.py runs 06 on two years of the CCTV items, with assertions on what it finds)
OWN_CORPUS = {"05_your_own_design.ipynb", "06_slogan_adoption.ipynb"}


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb") if p.name not in OWN_CORPUS))
def test_notebook_runs_top_to_bottom(name, tmp_path, built):
    """Each notebook starts from a copy of the seeds built with tifa.toml, as a reader who has run
    `make figures` does."""
    run_notebook(name, tmp_path, built[2])


def run_notebook(name: str, tmp_path, built_folder=None) -> None:
    """Run ``notebooks/<name>`` top to bottom with its data and figures in ``tmp_path`` (a copy of
    ``built_folder``'s when given); no cell may end in an error."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be stripped in git"
    for folder in ("data", "figures") if built_folder else ():
        shutil.copytree(built_folder / folder, tmp_path / folder)
    os.environ["TIFA_DATA"] = str(tmp_path / "data")
    os.environ["TIFA_FIGURES"] = str(tmp_path / "figures")
    try:
        client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                         resources={"metadata": {"path": str(ROOT / "notebooks")}})
        client.execute()
    finally:
        os.environ.pop("TIFA_DATA", None)
        os.environ.pop("TIFA_FIGURES", None)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def test_cli_second_run_takes_the_fast_path(built, tmp_path, capsys):
    """The first run in a process of its own (the command as a user runs it), the next two in this one."""
    cfg, _, tmp = built
    from analysis.cli import main
    from analysis.pipeline import fastpath

    shutil.copytree(tmp, tmp_path / "copy")  # the CLI rebuilds: not in the shared folder
    cfg = cfg.with_paths(data=tmp_path / "copy" / "data", figures=tmp_path / "copy" / "figures")
    # the fixture's settings but one figure setting: the CLI must re-draw, not skip (and not refit)
    lexicon = ROOT / "lexicon"
    config = tmp_path / "tifa.toml"
    config.write_text(f'[paths]\ncorpus = "{ROOT / "seeds"}"\n[tokens]\nlexicon = "{lexicon / "lexicon.csv"}"\n'
                      f'stopwords_zh = ["iso:zh", "{lexicon / "stopwords_gov_zh.txt"}"]\n'
                      f'stopwords_en = ["iso:en", "{lexicon / "stopwords_gov_en.txt"}"]\n'
                      f'[topics]\nlabels = "{ROOT / "topic_labels.csv"}"\nseed_file = "{ROOT / "seed_words.csv"}"\n'
                      '[slogans]\ntop = 7\n', encoding="utf-8")
    cli = [sys.executable, "-m", "analysis", "figures", "--quiet", "--config", str(config), "--data", str(cfg.paths.data),
           "--figures", str(cfg.paths.figures)]

    fastpath.record(cfg)
    assert fastpath.up_to_date(cfg)
    out = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "everything up to date" not in out.stdout
    assert main(cli[3:]) == 0
    assert "everything up to date" in capsys.readouterr().out
    (cfg.paths.figures / "slogan_counts.csv").write_text("tampered")  # an output changed by hand
    assert main(cli[3:]) == 0
    assert "everything up to date" not in capsys.readouterr().out
    assert (cfg.paths.figures / "slogan_counts.csv").read_text() != "tampered"


def _rerun_flags(built, tmp_path, change):
    cfg, _, tmp = built
    shutil.copytree(tmp, tmp_path / "copy")
    moved = cfg.with_paths(data=tmp_path / "copy" / "data", figures=tmp_path / "copy" / "figures")
    done = build_all(change(moved), progress=False)
    return {k for k, r in done.items() if getattr(r, "rebuilt", r)}, done


def _written(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()}


def test_figure_settings_labels_and_workers_never_refit(built, tmp_path):
    cfg, _, tmp = built
    before = _written(tmp / "figures")
    rerun, _ = _rerun_flags(built, tmp_path / "a", lambda c: dataclasses.replace(
        c, slogans=dataclasses.replace(c.slogans, top=7, contrast="quarter:2022Q3")))
    assert rerun == {"slogans_outputs", "cooccurrence", "cooccurrence_outputs"}  # the pairs are of the top slogans
    after = _written(tmp_path / "a" / "copy" / "figures")
    redrawn = {name.rsplit(".", 1)[0] for name in after if after[name] != before.get(name)}
    # only the outputs that read slogans.top or slogans.contrast, and the report that shows them
    assert redrawn == {"slogan_rates_by_region", "slogan_rates_by_quarter", "slogan_intervals_by_region",
                       "slogan_contrast", "slogan_cooccurrence", "slogan_pairs", "report", "MANIFEST"}
    rerun, _ = _rerun_flags(built, tmp_path / "b", lambda c: dataclasses.replace(
        c, topics=dataclasses.replace(c.topics, workers=3), tokens=dataclasses.replace(c.tokens, workers=3),
        corpus=dataclasses.replace(c.corpus, workers=3)))
    assert rerun == set()
    labels = tmp_path / "labels.csv"
    labels.write_text("lang,topic,label\nzh,0,我的标签\n", encoding="utf-8")
    rerun, done = _rerun_flags(built, tmp_path / "c", lambda c: dataclasses.replace(
        c, topics=dataclasses.replace(c.topics, labels=labels)))
    assert rerun == {"topics_outputs"}
    table = pd.read_csv(tmp_path / "c" / "copy" / "figures" / "topic_table.csv")
    assert table.loc[(table["lang"] == "zh") & (table["topic"] == 0), "label"].item() == "我的标签"
    assert "我的标签" in (tmp_path / "c" / "copy" / "figures" / "topic_browser.html").read_text(encoding="utf-8")


def test_every_stage_reads_what_it_declares_and_nothing_else(built):
    from analysis.pipeline import registry, runner

    for stage in registry.in_figures():
        steps = [stage] + ([registry.resolve(stage.draw).step] if stage.draw else [])
        for step in steps:
            declared = set(step.params) | set(step.files) | set(step.runtime)
            assert runner.READ.get(step.name, set()) == declared, step.name


def test_the_readme_lists_the_outputs_of_the_catalog():
    from analysis.publishing.catalog import readme_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- catalog -->\n", 1)[1].split("\n<!-- /catalog -->", 1)[0]
    assert listed == readme_table(), "regenerate the README's table: python -c 'from analysis.publishing.catalog import readme_table; print(readme_table())'"


def test_changing_any_declared_input_reruns_exactly_its_stage_and_those_after_it(built, tmp_path):
    """Freshness is derived from the declarations: for every stage in the registry and every
    parameter and file it declares, another value makes that stage and the stages that read it (and
    nothing else) out of date; an edited corpus file makes every stage out of date."""
    from analysis.pipeline import registry
    from analysis.pipeline.run import stale
    from tests.test_stages import _changed

    cfg, _, _ = built
    names = [s.name for s in registry.in_figures()]
    assert stale(cfg, names) == []
    checked = 0
    for dotted in sorted({d for s in registry.in_figures() for d in (*s.params, *s.files)}):
        section, key = dotted.split(".")
        value = _changed(getattr(getattr(cfg, section), key), tmp_path, key)
        changed = dataclasses.replace(cfg, **{section: dataclasses.replace(getattr(cfg, section), **{key: value})})
        readers = {s.name for s in registry.in_figures() if dotted in s.params or dotted in s.files}
        expected = readers.union(*(registry.downstream(r) for r in readers)) & set(names)
        assert set(stale(changed, names)) == expected, dotted
        checked += 1
    assert checked > 60
    corpus = tmp_path / "corpus"
    shutil.copytree(cfg.paths.corpus, corpus)
    assert stale(cfg.with_paths(corpus=corpus), names) == []          # the same files elsewhere: fresh
    first = sorted(p for p in corpus.rglob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n稳中求进。\n", encoding="utf-8")
    assert stale(cfg.with_paths(corpus=corpus), names) == names


def test_editing_the_seed_words_refits_the_topics_and_nothing_else(built, tmp_path):
    """The stale build of issue 29: an edited seed_words.csv once left `figures` "up to date"."""
    from analysis.pipeline.run import run_stages

    cfg, _, tmp = built
    shutil.copytree(tmp / "data", tmp_path / "data")
    seeds = tmp_path / "seed_words.csv"
    seeds.write_text("topic,word\n增长,招商引资\n增长,营商环境\n就业,就业\n", encoding="utf-8")  # lexicon terms: never stop words
    moved = cfg.with_paths(data=tmp_path / "data")
    moved = dataclasses.replace(moved, topics=dataclasses.replace(moved.topics, seed_topics="file", seed_file=seeds,
                                                                  k=4))  # one K: no grid to fit
    assert run_stages(moved, progress=False)["topics"].rebuilt
    seeds.write_text(seeds.read_text(encoding="utf-8").replace("增长,", "投资,"), encoding="utf-8")
    os.utime(seeds, (os.path.getmtime(seeds) - 10,) * 2)
    again = run_stages(moved, progress=False)
    assert again["topics"].rebuilt
    assert not any(getattr(again[s], "rebuilt", False) for s in again if s != "topics")
    assert "投资" in set(again["topics"].tables["seeded"]["seeded_with"])


def test_the_report_says_how_the_metadata_was_found(built):
    """Issue 30: the report once said the quarter of 9 of 9 seed documents was stated, when 5 were
    inferred from the meeting's name at low confidence."""
    cfg, _, _ = built
    report = (cfg.paths.figures / "report.md").read_text(encoding="utf-8")
    assert "the quarter of 9 (4 stated in the text, 5 inferred from clues at low confidence)" in report
