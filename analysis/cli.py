"""Command line: ``python -m analysis <command>`` (or ``tifa <command>``).

Every command reads ``tifa.toml`` (or ``--config FILE``); ``--corpus DIR``, ``--data DIR`` and
``--figures DIR`` override its paths, so the pipeline runs on another corpus without editing files.
"""
from __future__ import annotations

import argparse
import os
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
from .slogans.query import QueryError

def epilog() -> str:
    """The examples of ``--help``: one line per declared stage, then the other commands."""
    lines = ["examples:"]
    for stage in registry.stages():
        lines.append(f"  {'python -m analysis ' + stage.name:<47}{stage.help}")
    lines += [
        "  python -m analysis corpus --corpus ~/texts --data /tmp/tifa-data",
        "  python -m analysis count 稳 就业 --corpus DIR   count any strings, per document and in total",
        "  python -m analysis count '稳*' 're:稳(增长|就业)' '双过半 NEAR/20 项目'   wildcards, patterns, proximity",
        "  python -m analysis concordance '稳*' --html kwic.html   every match in its context",
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
    p.add_argument("--memory", type=float, default=None, metavar="GB",
                   help="the memory this run may plan for, in GB (overrides run.memory_gb, 4 by default): the "
                        "statistics stages read the documents × terms counts and the texts in partitions sized "
                        "from it; a smaller budget makes more, smaller partitions, with the same results")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--debug", action="store_true", help="show the full traceback of an error")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m analysis",
        description="tifa: slogans (提法), keywords and topics in Chinese local-government economic speech.",
        epilog=epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="command")
    for stage in registry.stages():
        # argparse formats help with %: a help that says 5%左右 must not break --help
        command = sub.add_parser(stage.name, help=stage.help.replace("%", "%%"), description=stage.description)
        _common(command)
        for option in stage.options:
            command.add_argument(option.flag, type=option.type, default=option.default,
                                 help=option.help.replace("%", "%%"), metavar="N" if option.type is int else "PATH")
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


#: the query syntax, for the --help of the commands that take queries
QUERY_SYNTAX = (
    ("双过半", "an exact string (Chinese: as a substring; English: whole words, any case)"),
    ("稳*  稳?长  stabili*", "wildcards: in Chinese * is 0-4 Chinese characters and ? one;"),
    ("", "in English, letters inside one word"),
    ("'re:稳(增长|就业)'", "a regular expression (Python's syntax; quote it in the shell)"),
    ("'双过半 NEAR/20 项目'", "the first query with the second at most 20 characters away"),
)


def query_help() -> str:
    """The query syntax in columns (Chinese characters take two columns of a terminal)."""
    lines = ["queries:"] + [f"  {q}{' ' * (24 - _width(q))}{what}" for q, what in QUERY_SYNTAX]
    return "\n".join(lines + ["Queries are normalised as the texts are (Traditional to Simplified, full-width forms); "
                              "docs/slogans.md."]) + "\n"


def _query_command(sub, name: str, help: str, description: str, example: str) -> argparse.ArgumentParser:
    """A command that takes queries: the queries, --no-title, the common options, and the query
    syntax in its --help."""
    command = sub.add_parser(name, help=help, description=description, epilog=f"{query_help()}\nexample: {example}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    command.add_argument("queries", nargs="+", metavar="query", help="the queries (see below)")
    command.add_argument("--no-title", action="store_true", help="search the text only, not the title")
    _common(command)
    return command


def _count_command(sub) -> None:
    c2 = _query_command(sub, "count", "count any strings or patterns in every document (no segmentation)",
                        "Count queries in the cleaned text of every document (title included unless --no-title) "
                        "and print a table per document and the total.",
                        "python -m analysis count 稳 就业 '稳*' --csv counts.csv")
    c2.add_argument("--rule", choices=("all", "longest", "presence"), default="all",
                    help="all: every occurrence, nested included (default); longest: longest match only (exact "
                         "strings only); presence: 1 per document that contains it")
    c2.add_argument("--csv", type=Path, default=None,
                    help="also write the per-document table, with each document's metadata and variables, to this CSV")
    kw = _query_command(sub, "concordance", "every match of any query in its context (keyword in context)",
                        "Every match of each query with its left and right context, in document order. Prints the "
                        "first matches of each query; --csv and --html write them all.",
                        "python -m analysis concordance '稳*' --html 稳.html --csv 稳.csv")
    kw.add_argument("--context", type=int, default=30, metavar="N", help="characters on each side (default 30)")
    kw.add_argument("--show", type=int, default=10, metavar="N", help="matches printed per query (default 10)")
    kw.add_argument("--csv", type=Path, default=None, help="write every match, with the document variables, to this CSV")
    kw.add_argument("--html", type=Path, default=None, help="write every match to this page (filter by query or text)")


def _config(args):
    cfg = load_config(args.config)
    cfg = cfg.with_paths(corpus=args.corpus, data=args.data, figures=args.figures)
    if args.workers is not None:
        import dataclasses
        cfg = dataclasses.replace(cfg, corpus=dataclasses.replace(cfg.corpus, workers=args.workers))
    if args.command in registry.names():
        # a path given on the command line is relative to where the command runs, not to tifa.toml
        settings = {o.setting: (str(v.expanduser().resolve()) if isinstance(v, Path) else v)
                    for o in registry.get(args.command).options
                    if o.setting and (v := getattr(args, o.dest)) is not None}
        sections: dict = {}
        for dotted, value in settings.items():
            sections.setdefault(dotted.split(".")[0], {})[dotted.split(".")[1]] = value
        cfg = cfg.replace(**sections) if sections else cfg
    if args.engine or args.scheduler:
        cfg = cfg.replace(run={"engine": args.engine or "dask", **({"scheduler": args.scheduler} if args.scheduler else {})})
    if args.memory is not None:
        cfg = cfg.replace(run={"memory_gb": args.memory})
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
               PermissionError, EngineError, registry.UnknownStage, QueryError)


def environment_message(exc: OSError) -> str:
    """One line for an operating-system error: what happened to which path, and what to do."""
    import errno

    where = exc.filename or "a file of the data or figures folder"
    remedy = {
        errno.ENOSPC: "no space left on the device: free some space (or point --data at another disk) and run "
                      "again; the tables already written are kept and the rerun makes the rest",
        errno.EROFS: "a read-only file system: point --data and --figures at a folder you can write to",
        errno.ENOTDIR: "a file stands where a folder is needed: point --data, --figures or --corpus at a folder",
        errno.EEXIST: "a file stands where a folder is needed: point --data, --figures or --corpus at a folder",
        errno.EISDIR: "a folder stands where a file is needed: check --config and the files named in tifa.toml",
        errno.EDQUOT: "the disk quota is exceeded: free some space and run again",
    }.get(exc.errno, f"{exc.strerror or exc}")
    return f"{where}: {remedy}"


#: commands that write no figure (their outputs go where the user names them)
NO_FIGURES = ("count", "concordance", "status")


def figures_lock(cfg, command: str):
    """The figures folder's lock for a command that writes figures: two runs with different --data
    and one --figures would overwrite each other's figures (the data folder's lock is separate)."""
    import contextlib

    if command in NO_FIGURES or Path(cfg.paths.figures).resolve() == Path(cfg.paths.data).resolve():
        return contextlib.nullcontext()
    return data_lock(cfg.paths.figures, command, flag="--figures")


def _dash_query(argv: list[str]) -> str | None:
    """A query that begins with a dash (count -稳): argparse would take it for an option."""
    if len(argv) < 2 or argv[0] not in ("count", "concordance") or "--" in argv:
        return None
    return next((a for a in argv[1:] if len(a) > 1 and a[0] == "-" and not a[1].isascii()), None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    dash = _dash_query(argv)
    if dash is not None:
        rest = [a for a in argv[1:] if a != dash]
        print(f"error: '{dash}' begins with a dash, which marks an option: give the options first, then -- and the "
              f"queries (python -m analysis {argv[0]} {' '.join(rest)} -- {dash})", file=sys.stderr)
        return 2
    args = parser().parse_args(argv)
    try:
        cfg = _config(args)
        if args.command in registry.names() or args.command == "figures":
            from .pipeline.run import check_files
            check_files(cfg, [args.command] if args.command in registry.names() else
                        [st.name for st in registry.in_figures()])
        with data_lock(cfg.paths.data, args.command), figures_lock(cfg, args.command), \
                engine(cfg.run.engine, cfg.run.scheduler, cfg.run.workers, worker_memory_gb=cfg.run.worker_memory_gb):
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
    except BrokenPipeError:   # the reader of our output stopped (| head): nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:    # the machine, not the researcher's files: the path and the remedy
        if args.debug:
            raise
        print(f"error: {environment_message(exc)}", file=sys.stderr)
        return 2
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
    elif args.command == "concordance":
        concordance(args, cfg, progress, force)
    elif args.command == "status":
        status(cfg)
    elif args.command == "figures":
        return figures(args, cfg, progress, force)
    return 0


def summarise(stage, result, out=None, **options) -> None:
    if stage.summary:
        registry.resolve(stage.summary)(result, out=out, **options)


def _query_documents(args, cfg, progress: bool, force: bool):
    """The analysable documents, for a query command (the corpus stage runs when out of date)."""
    from .corpus.stage import analysable, build_corpus

    return analysable(build_corpus(cfg, progress=progress, force=force).documents).reset_index(drop=True)


def count(args, cfg, progress: bool, force: bool) -> None:
    from .slogans.query import count_strings, is_pattern, normalized_query

    docs = _query_documents(args, cfg, progress, force)
    table = count_strings(args.queries, docs, args.rule, include_title=not args.no_title)
    for query in args.queries:
        forms = dict.fromkeys(f for f in normalized_query(query) if f != query)
        if forms and not is_pattern(query):
            print(f"note: '{query}' is counted as {' and '.join(repr(f) for f in forms)}, "
                  "normalised as the texts are (quotes, widths, Traditional to Simplified)")
    print_counts(table, args.queries, args.rule)
    if args.csv:
        from .pipeline import atomic
        atomic.write_text(args.csv, with_variables(table, docs, cfg.design.groups).to_csv(index=False, lineterminator="\n"))
        print(f"per-document table with the document variables: {args.csv}")


#: the documents table's metadata written beside counts and concordances (then the document variables)
METADATA = ["title", "source_file", "outlet", "pub_date", "meeting_date", "year", "quarter", "period", "region",
            "province", "prefecture", "county"]


def with_variables(table, docs, groups: dict):
    """``table`` (one or more rows per doc_id) with each document's metadata, variables and groupings
    (built in, and [design.groups] of tifa.toml)."""
    from .corpus.groupings import described

    meta = docs[["doc_id", "doc_vars", *[c for c in METADATA if c in docs]]]
    variables = described(meta, groups).drop(columns="doc_vars")
    variables = variables.rename(columns={c: f"var_{c}" for c in variables.columns if c in table and c != "doc_id"})
    return table.merge(variables, on="doc_id", how="left", validate="many_to_one")


def concordance(args, cfg, progress: bool, force: bool) -> None:
    from .slogans.query import kwic

    docs = _query_documents(args, cfg, progress, force)
    table = kwic(args.queries, docs, args.context, include_title=not args.no_title)
    print_concordance(table, args.queries, args.show)
    if args.csv:
        from .pipeline import atomic
        atomic.write_text(args.csv, with_variables(table, docs, cfg.design.groups).to_csv(index=False, lineterminator="\n"))
        print(f"every match, with the document variables: {args.csv}")
    if args.html:
        from .pipeline import atomic
        from .publishing.pages import concordance_html
        atomic.write_text(args.html, concordance_html(
            table.rename(columns={"query": "slogan"}), "Concordance", f"Every match of {', '.join(args.queries)}, "
            f"with {args.context} characters of context.", item="query"))
        print(f"concordance page: {args.html}")


def print_concordance(table, queries, show: int = 10, out=None) -> None:
    """Per query: its number of matches and documents, and its first ``show`` matches in columns
    (left context aligned on the match)."""
    out = out or sys.stdout
    for query in queries:
        rows = table[table["query"] == query]
        print(f"{query}: {len(rows):,} matches in {rows['doc_id'].nunique():,} documents", file=out)
        for r in rows.head(show).itertuples():
            print(f"  {_pad_left(r.left, 40)} [{r.match}] {_clip(r.right, 40)}   {r.doc_id}", file=out)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    """The first characters of ``text`` that fit in ``width`` terminal columns."""
    out = ""
    for c in text:
        if _width(out + c) > width:
            break
        out += c
    return out


def _pad_left(text: str, width: int) -> str:
    """The last characters of ``text`` that fit in ``width`` columns, right-aligned."""
    tail = _clip(text[::-1], width)[::-1]
    return " " * (width - _width(tail)) + tail


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
