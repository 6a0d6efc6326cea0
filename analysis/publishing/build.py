"""Build every figure and table from the corpus, and the report (what ``make figures`` runs)."""
from __future__ import annotations

from pathlib import Path

from ..pipeline import atomic
from ..pipeline.config import Config
from ..pipeline import registry
from .catalog import manifest_entries
from .export import saving_in_background
from .report import manifest, parse_blocks, write_report
from .report_facts import read_output_table, report_facts
from .templating import render_text


def build_all(cfg: Config, progress: bool = True, force: bool = False, redraw: bool = False) -> dict:
    """Run every stage that is out of date, draw what changed, write the report; return what each did.
    ``force``: rerun and redraw everything; ``redraw``: redraw every output, reuse the stages."""
    from ..pipeline.run import iter_stages

    draw = force or redraw
    done = {}
    # each stage's figures are drawn as soon as it is done and rendered in two other processes
    # while the next stages run
    with saving_in_background():
        for name, result in iter_stages(cfg, progress=progress, force=force):
            done[name] = result
            stage = registry.get(name)
            if stage.draw:
                done[f"{name}_outputs"] = registry.resolve(stage.draw)(cfg, result, force=draw)
    build_report(cfg, done)
    return done


def report_blocks(cfg: Config, done: dict, entries: list[dict]) -> list:
    """The report's blocks: templates/report.md.j2 filled with :func:`report_facts`."""
    folder = Path(cfg.paths.figures)
    script = render_text("report.md.j2", **report_facts(cfg, done, entries))
    return parse_blocks(script, {e["id"]: e["caption"] for e in entries},
                        lambda name, rows, cols, sort, where: read_output_table(folder, name, rows, cols, sort, where))


def build_report(cfg: Config, done: dict) -> None:
    """report.md, report.html and MANIFEST.csv in the figures folder."""
    folder = Path(cfg.paths.figures)
    entries = manifest_entries(cfg)
    write_report(report_blocks(cfg, done, entries), folder, "tifa report")
    atomic.write_text(folder / "MANIFEST.csv", manifest(entries, folder).to_csv(index=False, lineterminator="\n"))
