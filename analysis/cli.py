"""Command line: ``python -m analysis <command>`` (or ``tifa <command>``).

Every command reads ``tifa.toml`` (or ``--config FILE``); ``--corpus DIR``, ``--data DIR`` and
``--figures DIR`` override its paths, so the pipeline runs on another corpus without editing files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pipeline import registry
from .pipeline.config import ConfigError, load_config
from .pipeline.problems import EmptyCorpusError
from .text.lexicon import LexiconError
from .pipeline.lock import LockedError, data_lock
from .pipeline.parallel import EngineError, engine
from .topics.labels import LabelsError
from .topics.seeds import SeedWordsError

def epilog() -> str:
    """The examples of ``--help``: one line per declared stage, then the other commands."""
    lines = ["examples:"]
    for stage in registry.stages():
        lines.append(f"  {'python -m analysis ' + stage.name:<47}{stage.help}")
    lines += [
        "  python -m analysis corpus --corpus ~/texts --data /tmp/tifa-data",
        "  python -m analysis count 稳 就业 --corpus DIR   count any strings, per document and in total",
        "  python -m analysis figures                     every figure and table (stages rerun only when their inputs change)",
        "  python -m analysis figures --force             rebuild everything",
        "  python -m analysis status                      which stages are out of date, and why nothing else is",
        "",
        "outputs:",
        "  <data>/<stage>/                   each stage's tables (documents.parquet: docs/documents.md; tokens: docs/tokens.md)",
        "  <data>/corpus/problems.csv        every file, row or value that could not be used, and why",
        "  <figures>/                        figures, tables, report.html, report.md and MANIFEST.csv",
        "  the stages and what each reads and writes: docs/architecture.md",
    ]
    return "\n".join(lines) + "\n"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, default=None, help="TOML configuration (default: ./tifa.toml)")
    p.add_argument("--corpus", type=Path, default=None, help="folder of raw texts (overrides paths.corpus)")
    p.add_argument("--data", type=Path, default=None, help="folder for derived data (overrides paths.data)")
    p.add_argument("--figures", type=Path, default=None, help="folder for figures and tables (overrides paths.figures)")
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--workers", type=int, default=None, help="processes for ingestion (0 = one per core)")
    p.add_argument("--engine", choices=("local", "dask"), default=None,
                   help="where the per-partition work runs: this machine's process pool (local, the default) or "
                        "Dask (overrides run.engine); the outputs are the same")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a running Dask cluster's scheduler (tcp://host:8786); without it --engine dask starts "
                        "a local cluster of run.workers processes")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an error")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m analysis",
        description="tifa: slogans (提法), keywords and topics in Chinese local-government economic speech.",
        epilog=epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="command")
    for stage in registry.stages():
        command = sub.add_parser(stage.name, help=stage.help, description=stage.description)
        _common(command)
        for option in stage.options:
            command.add_argument(option.flag, type=option.type, default=option.default, help=option.help, metavar="N")
    _count_command(sub)
    f = sub.add_parser("figures", help="build every figure and table (runs the stages that are out of date)",
                       description="Run every stage that is out of date (" + ", ".join(
                           s.name for s in registry.in_figures()) + "), draw the outputs that changed, and write "
                       "report.html, report.md and MANIFEST.csv. With nothing changed since the last build it "
                       "returns at once.")
    _common(f)
    st = sub.add_parser("status", help="which stages are out of date (nothing is run)",
                        description="List every stage, whether its outputs are up to date with its declared inputs "
                                    "(tables of other stages, settings, researcher files, code), and which would "
                                    "rerun.")
    _common(st)
    return p


def _count_command(sub) -> None:
    c2 = sub.add_parser("count", help="count any strings in every document (exact, no segmentation)",
                        description="Count strings in the cleaned text of every document (title included unless "
                                    "--no-title) and print a table per document and the total. Chinese strings match "
                                    "as substrings, English ones at word boundaries, case-insensitively.",
                        epilog="example: python -m analysis count 稳 就业 --corpus ../shared/corpora/gwr_national/texts")
    c2.add_argument("strings", nargs="+", help="the strings to count")
    c2.add_argument("--rule", choices=("all", "longest", "presence"), default="all",
                    help="all: every occurrence, nested included (default); longest: longest match only; "
                         "presence: 1 per document that contains it")
    c2.add_argument("--no-title", action="store_true", help="count in the text only, not the title")
    c2.add_argument("--csv", type=Path, default=None, help="also write the per-document table to this CSV file")
    _common(c2)


def _config(args):
    cfg = load_config(args.config)
    cfg = cfg.with_paths(corpus=args.corpus, data=args.data, figures=args.figures)
    if args.workers is not None:
        import dataclasses
        cfg = dataclasses.replace(cfg, corpus=dataclasses.replace(cfg.corpus, workers=args.workers))
    if args.command in registry.names():
        settings = {o.setting: getattr(args, o.dest) for o in registry.get(args.command).options
                    if o.setting and getattr(args, o.dest) is not None}
        sections: dict = {}
        for dotted, value in settings.items():
            sections.setdefault(dotted.split(".")[0], {})[dotted.split(".")[1]] = value
        cfg = cfg.replace(**sections) if sections else cfg
    if args.engine or args.scheduler:
        cfg = cfg.replace(run={"engine": args.engine or "dask", **({"scheduler": args.scheduler} if args.scheduler else {})})
    return cfg


def print_counts(table, strings, rule: str, out=None) -> None:
    out = out or sys.stdout
    from .slogans.matcher import RULE_TEXT

    width = max(len("document"), *(len(d) for d in table["doc_id"])) if len(table) else 8
    print(f"rule: {RULE_TEXT[rule]}", file=out)
    print(f"{'document':<{width}}  lang  " + "  ".join(f"{s:>6}" for s in strings), file=out)
    for row in table.itertuples(index=False):
        print(f"{row[0]:<{width}}  {row[1]:<4}  " + "  ".join(f"{v:>6}" for v in row[2:]), file=out)
    print(f"{'total':<{width}}        " + "  ".join(f"{int(table[s].sum()):>6}" for s in strings), file=out)


#: Errors that are the user's to fix: one line, exit status 2.
USER_ERRORS = (ConfigError, FileNotFoundError, LexiconError, EmptyCorpusError, LabelsError, SeedWordsError, LockedError,
               PermissionError, EngineError, registry.UnknownStage)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        cfg = _config(args)
        if args.command in registry.names() or args.command == "figures":
            from .pipeline.run import check_files
            check_files(cfg, [args.command] if args.command in registry.names() else
                        [st.name for st in registry.in_figures()])
        with data_lock(cfg.paths.data, args.command), engine(cfg.run.engine, cfg.run.scheduler, cfg.run.workers):
            return run(args, cfg)
    except USER_ERRORS as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:  # the installation, not the researcher's files: say how to repair it
        if args.debug:
            raise
        print(f"error: the installation is incomplete ({type(exc).__name__}: {exc}); run `make setup`, or "
              "`make distclean setup` to rebuild .venv. Nothing unfinished was recorded as done: the rerun "
              "picks up from there", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: finished outputs are kept; rerun to continue", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, the traceback with --debug
        if args.debug:
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for the traceback "
              "and please report it", file=sys.stderr)
        return 1


def run(args, cfg) -> int:
    """Run one command (the configuration read and checked, the data folder locked)."""
    from .pipeline.run import run_stages

    progress, force = not args.quiet, args.force
    if args.command in registry.names():
        stage = registry.get(args.command)
        result = run_stages(cfg, [stage.name], progress, force)[stage.name]
        if stage.draw and not stage.in_figures:  # outputs that `figures` does not make: drawn by their command
            registry.resolve(stage.draw)(cfg, result, force=force)
            print(f"{stage.name} tables and figure in {cfg.paths.figures}; rerun `figures` to add them to the report")
        summarise(stage, result, **{o.dest: getattr(args, o.dest) for o in stage.options if not o.setting})
    elif args.command == "count":
        count(args, cfg, progress, force)
    elif args.command == "status":
        status(cfg)
    elif args.command == "figures":
        return figures(args, cfg, progress, force)
    return 0


def summarise(stage, result, out=None, **options) -> None:
    if stage.summary:
        registry.resolve(stage.summary)(result, out=out, **options)


def count(args, cfg, progress: bool, force: bool) -> None:
    from .corpus.stage import analysable, build_corpus
    from .slogans.stage import count_strings, normalized_query

    docs = analysable(build_corpus(cfg, progress=progress, force=force).documents)
    table = count_strings(args.strings, docs, args.rule, include_title=not args.no_title)
    for query in args.strings:
        forms = dict.fromkeys(f for f in normalized_query(query) if f != query)
        if forms:
            print(f"note: '{query}' is counted as {' and '.join(repr(f) for f in forms)}, "
                  "normalised as the texts are (quotes, widths, Traditional to Simplified)")
    print_counts(table, args.strings, args.rule)
    if args.csv:
        from .pipeline import atomic
        atomic.write_text(args.csv, table.to_csv(index=False, lineterminator="\n"))


def status(cfg, out=None) -> None:
    """Each stage: up to date, or would rerun (its own inputs changed, or a stage before it reruns)."""
    from .pipeline.run import stale

    out = out or sys.stdout
    rerun = stale(cfg, registry.names())
    for stage in registry.stages():
        state = "up to date" if stage.name not in rerun else \
            ("would rerun (after " + ", ".join(s for s in stage.after if s in rerun) + ")"
             if any(s in rerun for s in stage.after) else "would rerun (its inputs, settings or code changed)")
        print(f"  {stage.name:<{max(map(len, registry.names()))}}  {state}{'' if stage.in_figures else ' [not run by figures]'}", file=out)


def figures(args, cfg, progress: bool, force: bool) -> int:
    from .pipeline import fastpath
    if not force and fastpath.up_to_date(cfg):
        print(f"everything up to date: nothing changed since the last build ({cfg.paths.figures})")
        return 0
    from .publishing.build import build_all
    done = build_all(cfg, progress=progress, force=force)
    for stage in registry.in_figures():
        summarise(stage, done[stage.name], **{o.dest: o.default for o in stage.options if not o.setting})
    print(f"corpus figure and tables: {'written' if done['corpus_outputs'] else 'up to date'} in {cfg.paths.figures}")
    print(f"report: {cfg.paths.figures / 'report.html'} and report.md; manifest: MANIFEST.csv")
    if not fastpath.record(cfg):
        print(f"note: not recorded as up to date (unfinished: {', '.join(fastpath.unfinished(cfg))}); "
              "the next run retries", file=sys.stderr)
    return 0
