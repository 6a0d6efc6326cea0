"""Command line: ``python -m analysis <command>`` (or ``tifa <command>``).

Every command reads ``tifa.toml`` (or ``--config FILE``); ``--corpus DIR``, ``--data DIR`` and
``--figures DIR`` override its paths, so the pipeline runs on another corpus without editing files.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .pipeline.config import ConfigError, load_config
from .pipeline.problems import EmptyCorpusError
from .text.lexicon import LexiconError
from .pipeline.lock import LockedError, data_lock
from .pipeline.parallel import EngineError, engine
from .topics.labels import LabelsError
from .topics.seeds import SeedWordsError

EPILOG = """\
examples:
  python -m analysis corpus                      build the documents table from seeds/
  python -m analysis corpus --corpus ~/texts --data /tmp/tifa-data
  python -m analysis tokens                      the token table (one row per paragraph)
  python -m analysis slogans                     slogan counts, rates, contrasts, candidates, concordance
  python -m analysis keywords                    keyword frequencies, keyness, trends
  python -m analysis topics                      topic models: K grid, topics, prevalence
  python -m analysis count 稳 就业 --corpus DIR   count any strings, per document and in total
  python -m analysis figures                     every figure and table (stages rerun only when their inputs change)
  python -m analysis calibrate                   are the tests calibrated on this corpus? (random labels, planted signals)
  python -m analysis figures --force             rebuild everything

outputs:
  <data>/corpus/documents.parquet   one row per document or compilation part (schema: docs/documents.md)
  <data>/corpus/problems.csv        every file, row or value that could not be used, and why
  <data>/tokens/tokens.parquet      tokens per paragraph (schema: docs/tokens.md)
  <figures>/corpus_*.{pdf,png,csv,tex,md}
"""


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
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="command")
    c = sub.add_parser("corpus", help="read, clean and annotate the corpus into the documents table",
                       description="Read every text of the corpus folder (txt, csv, jsonl, parquet), clean it, "
                                   "split compilations, extract dates, periods and regions, apply metadata.csv "
                                   "overrides, and write the documents table. Prints a summary and every skipped file.")
    _common(c)
    t = sub.add_parser("tokens", help="segment and filter the documents into the token table",
                       description="Segment Chinese with jieba/rjieba and the domain lexicon, tokenize English "
                                   "(lexicon phrases joined), drop numbers, punctuation and stop words, learn "
                                   "collocations, and write one row per paragraph to <data>/tokens/tokens.parquet. "
                                   "Builds the documents table first if needed. Prints the vocabulary size, "
                                   "tokens per language and the most frequent terms.")
    _common(t)
    t.add_argument("--top", type=int, default=15, help="how many frequent terms to print per language")
    sl = sub.add_parser("slogans", help="count every lexicon slogan; rates, contrasts, candidates, concordance",
                        description="Count the lexicon's slogans (提法) in every document, Chinese forms and English "
                                    "renderings alike, under the rule set in tifa.toml (slogans.rule); compute rates "
                                    "with intervals over documents by province, prefecture, quarter and language; "
                                    "test each province against the rest and each quarter against the previous one "
                                    "at the document level; "
                                    "fit negative binomial models; list slogan candidates; build the concordance. "
                                    "Writes <data>/slogans/*.parquet and prints a summary.")
    _common(sl)
    kw = sub.add_parser("keywords", help="keyword frequencies, keyness, trends, collocates and contexts",
                        description="From the token table: term frequencies per period (keywords.period) and province, "
                                    "distinctive terms (document-level test, Benjamini–Hochberg over the grouping, Log "
                                    "Ratio with bootstrap interval) beside TF-IDF, trends (linear, peak and level-shift "
                                    "tests over documents; exact Mann–Kendall with Sen's slope) classified as rising, "
                                    "falling, peak, level shift, emerging, vanishing or stable, "
                                    "collocates and keyword-in-context samples. Writes <data>/keywords/*.parquet.")
    _common(kw)
    tpc = sub.add_parser("topics", help="LDA topic models: K chosen by evidence, readable topics, prevalence",
                         description="Fit LDA per language (topics.engine: tomotopy's Gibbs sampler, or gensim) on paragraphs or "
                                     "documents (topics.unit) over a grid of K and seeds (coherence, exclusivity, held-out "
                                     "perplexity by document completion, stability across seeds), choose K by the "
                                     "documented rule (or fix it with topics.k: no grid), and report top words by relevance "
                                     "and FREX, representative passages, prevalence by quarter and province (method of "
                                     "composition, and a covariate DMR model: topics.covariates), seeded topics "
                                     "(topics.seed_topics), topics over time and an NMF cross-check. Writes "
                                     "<data>/topics/ and prints the chosen K and the topic labels.")
    _common(tpc)
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
    cal = sub.add_parser("calibrate", help="check the statistics on this corpus: random labels and planted signals",
                         description="Check that the tests and intervals are calibrated on YOUR corpus. null: the "
                                     "province and period labels are permuted across documents and every test that "
                                     "decides a finding (keyness, slogan contrasts, trend classes) is rerun; about "
                                     "zero findings per permutation is right. planted: a synthetic token is planted "
                                     "into the corpus's documents at known rate ratios with document-level "
                                     "over-dispersion; the 95% intervals should cover the truth about 95% of the "
                                     "time and the false discovery rate stay under 5%. Writes calibration_summary, "
                                     "calibration_null (csv, tex, md) and the calibration figure to the figures "
                                     "folder; the report gains a Calibration section.",
                         epilog="example: python -m analysis calibrate --permutations 10 --corpus DIR")
    cal.add_argument("--permutations", type=int, default=5, help="random relabellings (default 5)")
    cal.add_argument("--replicates", type=int, default=200,
                     help="planted-signal replicates per group size (default 200)")
    _common(cal)
    f = sub.add_parser("figures", help="build every figure and table (runs the stages that are out of date)")
    _common(f)
    return p


def _config(args):
    cfg = load_config(args.config)
    cfg = cfg.with_paths(corpus=args.corpus, data=args.data, figures=args.figures)
    if args.workers is not None:
        import dataclasses
        cfg = dataclasses.replace(cfg, corpus=dataclasses.replace(cfg.corpus, workers=args.workers))
    if args.engine or args.scheduler:
        cfg = cfg.replace(run={"engine": args.engine or "dask", **({"scheduler": args.scheduler} if args.scheduler else {})})
    return cfg


def print_corpus_summary(result, out=None) -> None:
    out = out or sys.stdout
    docs, problems = result.documents, result.problems
    state = "built" if result.rebuilt else "up to date"
    print(f"documents table {state}: {result.folder / 'documents.parquet'}", file=out)
    print(f"  {len(docs)} documents from {docs['source_file'].nunique()} files, "
          f"{int(docs['n_chars'].sum()):,} characters", file=out)
    for column, label in (("lang", "language"), ("province", "province"), ("quarter", "quarter")):
        counts = docs[column].astype("string").fillna("unknown").value_counts().sort_index()
        print(f"  by {label}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=out)
    dupes = int(docs["duplicate_of"].notna().sum())
    if dupes:
        print(f"  duplicates: {dupes} documents left out of analyses (exact copies and near-duplicates; "
              f"one kept per cluster; {result.folder / 'duplicates.csv'})", file=out)
    unknown = docs[docs["adcode"].isna()]
    if len(unknown):
        print(f"  region unknown for {len(unknown)} documents (reasons in region_source)", file=out)
    print_problems(problems, result.folder / "problems.csv", out)
    if result.internal_errors:
        print(f"  {result.internal_errors} text(s) hit an internal error (a bug, not your files): the corpus stage "
              "is not recorded as done, so the next run retries them", file=out)


def print_problems(problems, path, out=None, show: int = 10, examples: int = 3) -> None:
    """Every problem when there are at most ``show``; else a count per kind of problem with a few
    examples (the full list is in ``path``)."""
    out = out or sys.stdout
    if not len(problems):
        print("  no files skipped", file=out)
        return
    lines = [f"{r.source_file}{f' ({r.where})' if r.where else ''}: {r.problem} [{r.action}]"
             for r in problems.itertuples(index=False)]
    if len(lines) <= show:
        print(f"problems ({len(lines)}; also in {path}):", file=out)
        for line in lines:
            print(f"  {line}", file=out)
        return
    kinds = problems.assign(_kind=problems["problem"].map(problem_kind), _line=lines)
    print(f"problems ({len(lines)}, by kind; every one in {path}):", file=out)
    for (action, kind), group in kinds.groupby(["action", "_kind"], sort=False):
        print(f"  {len(group)} × [{action}] {kind}", file=out)
        for line in group["_line"].head(examples):
            print(f"      e.g. {line}", file=out)


def problem_kind(problem: str) -> str:
    """A problem's text without its particulars (numbers, quoted values, file names, document ids)."""
    kind = re.sub(r"'[^']*'|\"[^\"]*\"|[^\s()]+\.(?:csv|txt|text|md|jsonl|parquet)\b|[^\s()]+-r\d{5}[^\s()]*", "…",
                  problem)
    kind = re.sub(r"\d[\d,.]*", "N", kind)
    return kind.split(";")[0].strip()


def print_token_summary(result, top: int = 15, out=None) -> None:
    out = out or sys.stdout
    from .text.stage import token_summary

    state = "built" if result.rebuilt else "up to date"
    extra = f" ({result.segmented_docs} documents segmented, {result.reused_docs} reused)" if result.rebuilt else ""
    print(f"token table {state}: {result.path}{extra}", file=out)
    for lang, s in token_summary(result.path, top).items():
        print(f"  {lang}: {s['documents']} documents, {s['tokens']:,} tokens, vocabulary {s['vocabulary']:,}", file=out)
        print("    top: " + ", ".join(f"{w} {n}" for w, n in s["top"]), file=out)
    for p in result.problems:
        print(f"  {p}", file=out)


def print_slogan_summary(result, out=None) -> None:
    out = out or sys.stdout
    import json

    s = json.loads((result.folder / "summary.json").read_text(encoding="utf-8"))
    state = "built" if result.rebuilt else "up to date"
    print(f"slogan tables {state}: {result.folder}", file=out)
    print(f"  {s['slogans_found']} slogans found, {s['occurrences']:,} occurrences in {s['documents']} documents", file=out)
    print("  most used: " + ", ".join(f"{name} {n} ({d} docs)" for name, n, d in s["top"]), file=out)
    print(f"  contrasts tested: {s['contrasts_tested']} slogan rows, {s['significant_q05']} with BH q < 0.05; "
          f"{s['candidates']} candidates not in the lexicon", file=out)


def print_keyword_summary(result, out=None) -> None:
    out = out or sys.stdout
    import json

    s = json.loads((result.folder / "summary.json").read_text(encoding="utf-8"))
    state = "built" if result.rebuilt else "up to date"
    print(f"keyword tables {state}: {result.folder}", file=out)
    periods = s["periods"]
    print(f"  {s['documents']} documents; {len(periods)} {s['period_unit']}s with dated documents"
          + (f" ({periods[0]} to {periods[-1]})" if periods else ""), file=out)
    classes = ", ".join(f"{k} {v}" for k, v in sorted(s["classes"].items())) or "none"
    print(f"  {s['trend_terms']} terms with a trend: {classes}", file=out)
    if s["rising"] or s["falling"]:
        print(f"  rising: {', '.join(s['rising']) or '-'}; falling: {', '.join(s['falling']) or '-'}", file=out)
    for note in s["notes"]:
        print(f"  note: {note}", file=out)
    print(f"  groups with distinctive terms: {s['distinctive_groups']}", file=out)


def print_topic_summary(result, out=None) -> None:
    out = out or sys.stdout
    t = result.tables
    state = "built" if result.rebuilt else "up to date"
    print(f"topic models {state}: {result.folder}", file=out)
    for r in t["notes"].itertuples():
        print(f"  {r.lang}: {r.note}", file=out)
    for r in t["topics"].itertuples():
        print(f"  {r.lang} topic {r.topic} ({100 * r.share:.0f}%): {r.label}", file=out)


def print_calibration(summary, out=None) -> None:
    out = out or sys.stdout
    print("calibration:", file=out)
    for r in summary.itertuples():
        extra = f" (max {r.max:g})" if r.max == r.max else ""
        print(f"  {r.check} [{r.group}]: {r.value:.3g}{extra}; target {r.target}", file=out)


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
               PermissionError, EngineError)


def check_inputs(cfg, command: str) -> None:
    """Read the researcher's files a command will need before any work starts, so that every mistake
    in them is reported at once, not after an hour of fitting."""
    from .text.lexicon import read_lexicon, read_stopwords
    from .topics.labels import read_labels

    if command in ("corpus", "count"):
        return
    read_lexicon(cfg.tokens.lexicon)
    read_stopwords(cfg.tokens.stopwords_zh)
    read_stopwords(cfg.tokens.stopwords_en)
    if command in ("topics", "figures"):
        read_labels(cfg.topics.labels)
        if cfg.topics.seed_topics == "file":
            from .topics.seeds import read_seed_file

            read_seed_file(cfg.topics.seed_file)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        cfg = _config(args)
        check_inputs(cfg, args.command)
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
    if args.command == "corpus":
        from .corpus.stage import build_corpus
        print_corpus_summary(build_corpus(cfg, progress=progress, force=force))
    elif args.command in ("tokens", "slogans", "keywords", "topics"):
        result = run_stages(cfg, [args.command], progress, force)[args.command]
        if args.command == "tokens":
            print_token_summary(result, args.top)
        else:
            {"slogans": print_slogan_summary, "keywords": print_keyword_summary,
             "topics": print_topic_summary}[args.command](result)
    elif args.command == "count":
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
    elif args.command == "calibrate":
        from .calibrate import build_calibration
        if args.permutations < 1 or args.replicates < 1:
            raise ConfigError("--permutations and --replicates must be at least 1")
        run_stages(cfg, ["slogans", "keywords"], progress, force)
        res = build_calibration(cfg, args.permutations, args.replicates, progress=progress)
        print_calibration(res["summary"])
        print(f"calibration tables and figure in {cfg.paths.figures}; rerun `figures` to add them to the report")
    elif args.command == "figures":
        from .pipeline import fastpath
        if not args.force and fastpath.up_to_date(cfg):
            print(f"everything up to date: nothing changed since the last build ({cfg.paths.figures})")
            return 0
        from .publishing.build import build_all
        done = build_all(cfg, progress=progress, force=force)
        print_corpus_summary(done["corpus"])
        print_token_summary(done["tokens"], 10)
        print_slogan_summary(done["slogans"])
        print_keyword_summary(done["keywords"])
        print_topic_summary(done["topics"])
        print(f"corpus figure and tables: {'written' if done['corpus_outputs'] else 'up to date'} in {cfg.paths.figures}")
        print(f"report: {cfg.paths.figures / 'report.html'} and report.md; manifest: MANIFEST.csv")
        if not fastpath.record(cfg):
            print(f"note: not recorded as up to date (unfinished: {', '.join(fastpath.unfinished(cfg))}); "
                  "the next run retries", file=sys.stderr)
    return 0
