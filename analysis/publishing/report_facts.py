"""The facts the report states: numbers from the stage results, their summaries and the outputs.

The prose around them is templates/report.md.j2; this module only gathers values, so that a
sentence can be reworded without touching code and a number cannot be typed by hand.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..pipeline.cache import read_json
from ..pipeline.config import Config
from ..text.lexicon import read_lexicon
from .pages import CONCORDANCE_PAGE_OCCURRENCES


def read_output_table(folder: Path, name: str, rows: int | None = None, columns: list[str] | None = None,
                      sort: str | None = None, where: str | None = None):
    """An output table as written, its first ``rows`` and ``columns``; ``sort``: a column to order
    by first ("-column": largest first; empty cells last), so trimmed tables show their strongest
    rows; ``where``: "column=value" keeps the rows with that value ("column!=value": without it;
    "column^=text": starting with it). Columns of decimal numbers (with empty cells) are read as
    numbers, the rest as written. Only the columns shown, sorted by and filtered on are read (a
    table of a million documents' rows is hundreds of MB whole); each is read as when the whole
    table is."""
    path = Path(folder) / f"{name}.csv"
    wanted = None
    if columns:
        wanted = {*columns, *([sort.lstrip("-")] if sort else []),
                  *([re.match(WHERE, where).group(1)] if where else [])}
    try:
        frame = pd.read_csv(path, keep_default_na=False, low_memory=False,
                            usecols=None if wanted is None else lambda c: c in wanted)
    except pd.errors.EmptyDataError:  # a table without columns (no topic model was fitted)
        return pd.DataFrame()
    for c in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]):
            continue
        filled = frame[c][frame[c] != ""].astype(str)
        decimal = pd.to_numeric(filled, errors="coerce")
        if len(filled) and decimal.notna().all() and filled.str.contains(r"[.eE]").any():
            frame[c] = pd.to_numeric(frame[c].replace("", None), errors="coerce")
    if where:
        frame = frame[kept_rows(frame, where)]
    if sort and sort.lstrip("-") in frame.columns:
        frame = frame.sort_values(sort.lstrip("-"), ascending=not sort.startswith("-"), kind="stable",
                                  na_position="last")
    if columns:
        frame = frame[[c for c in columns if c in frame.columns]]
    total = len(frame)
    frame = frame.head(rows) if rows else frame
    frame.attrs["total_rows"] = total  # the report says when it shows only the first rows
    return frame


#: a report table's ``where``: column, operator, value
WHERE = r"([^!^=]+)(!=|\^=|=)(.*)"


def kept_rows(frame, where: str):
    """The rows a report table keeps (see :func:`read_output_table`'s ``where``)."""
    column, op, value = re.match(WHERE, where).groups()
    cells = frame[column].astype(str) if column in frame.columns else pd.Series("", index=frame.index)
    return {"=": cells == value, "!=": cells != value, "^=": cells.str.startswith(value)}[op]


def reasons(statuses, kept=("tested", "distinctive", "estimated")) -> str:
    """Rows by status in words, the results first: "12 tested; not tested: 15 too small (fewer
    than 2 documents on a side), 10 not estimable (…)". A status's detail after the first ":" and
    its bracketed numbers are dropped so that rows of one reason count together."""
    import re

    s = pd.Series(statuses, dtype="string").dropna()
    results = [f"{int((s == k).sum()):,} {k}" for k in kept if (s == k).any()]
    rest = s[~s.isin(kept)].map(lambda x: re.sub(r"\s*\([^)]*\d[^)]*\)", "", x).split(": the most")[0].strip())
    counted = rest.value_counts()
    others = ", ".join(f"{n:,} {why}" for why, n in counted.items())
    return "; ".join(results + ([f"not a result: {others}"] if others else [])) or "no rows"


def grouping_sections(cfg: Config, folder: Path) -> list[dict]:
    """Each [design] grouping drawn under its own outputs: its name and the figures drawn for it."""
    from .catalog import STANDARD_GROUPINGS, drawn_stages, for_groupings

    out = []
    for g in dict.fromkeys(cfg.design.groupings):
        if g in STANDARD_GROUPINGS:
            continue
        figures = [o.name for _, outputs in drawn_stages() for o in for_groupings(
            [x for x in outputs if x.per_grouping], [g]) if o.kind == "figure" and (Path(folder) / f"{o.name}.png").exists()]
        out.append({"name": g, "figures": figures})
    return out


SHOWN_PROBLEMS = 12  # the report lists the first problems; all are in the corpus stage's problems.csv


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _summary(folder, defaults: dict) -> dict:
    return {**defaults, **read_json(Path(folder) / "summary.json")}


#: the documents table's columns the report reads
REPORT_COLUMNS = ("lang", "source_file", "n_chars", "adcode", "quarter", "region_source", "region_conf",
                  "quarter_source", "quarter_conf")


def report_facts(cfg: Config, done: dict, entries: list[dict]) -> dict:
    """Everything templates/report.md.j2 prints: the run's results (``done``), the configuration
    and the catalog ``entries``."""
    fig = Path(cfg.paths.figures)
    docs, problems = done["corpus"].columns(list(REPORT_COLUMNS)), done["corpus"].problems
    langs = docs["lang"].value_counts().sort_index()
    slogans = _summary(done["slogans"].folder, {"top": [], "slogans_found": 0, "occurrences": 0,
                                               "contrasts_tested": 0, "significant_q05": 0})
    keywords = _summary(done["keywords"].folder, {"classes": {}, "periods": [], "period_unit": "quarter",
                                                 "rising": [], "falling": [], "notes": [], "distinctive_groups": 0})
    lex = read_lexicon(cfg.tokens.lexicon)
    return {
        "cfg": cfg, "outputs": entries,
        "corpus_folder": Path(cfg.paths.corpus).name, "config_file": cfg.source.name if cfg.source else "defaults",
        "n": len(docs), "files": docs["source_file"].nunique(), "chars": int(docs["n_chars"].sum()),
        "languages": ", ".join(f"{v:,} in {k}" for k, v in langs.items()),
        "known_region": int(docs["adcode"].notna().sum()), "known_quarter": int(docs["quarter"].notna().sum()),
        "region_how": how_known(docs, "region", docs["adcode"].notna()),
        "quarter_how": how_known(docs, "quarter", docs["quarter"].notna()),
        "problems": [_one_line(f"`{r.source_file}`{(' (' + r.where + ')') if r.where else ''}: {r.problem} [{r.action}]")
                     for r in problems.head(SHOWN_PROBLEMS).itertuples()],
        "problems_total": len(problems),
        "problems_by_action": ", ".join(f"{n:,} {a}" for a, n in problems["action"].value_counts().items()),
        "problems_file": _relative(Path(done["corpus"].folder) / "problems.csv"),
        "unknown_metadata": bool((docs["adcode"].isna() | docs["quarter"].isna()).any()),
        "s": slogans,
        "top_slogans": ", ".join(f"{name} ({k} occurrences in {d} documents)" for name, k, d in slogans["top"][:5]),
        "k": keywords,
        "classes": ", ".join(f"{v} {c}" for c, v in sorted(keywords["classes"].items())) or "none",
        "topic_notes": [f"{r.lang}: {r.note}" for r in done["topics"].tables["notes"].itertuples()],
        "calibration": _calibration(fig),
        "lexicon": {"entries": len(lex.entries), "slogans": sum(e.slogan for e in lex.entries), "digest": lex.digest[:12]},
        "stopwords_zh": ", ".join(Path(x).name for x in cfg.tokens.stopwords_zh),
        "stopwords_en": ", ".join(Path(x).name for x in cfg.tokens.stopwords_en),
        "summary": summary(done),
        "groupings": grouping_sections(cfg, fig),
        "misses": _misses(done["slogans"].tables["candidates"]),
        "tested": {name: reasons(read_output_table(fig, name, columns=["status"]).get("status", []))
                   if (fig / f"{name}.csv").exists() else ""
                   for name in ("slogan_contrasts", "slogan_nb_effects", "keyword_keyness")},
        "contrast_figure": (fig / "slogan_contrast.png").exists() and _contrast_tested(done, cfg),
        "concordance_page": CONCORDANCE_PAGE_OCCURRENCES,
        **stage_sections(done, cfg),
    }


def stage_sections(done: dict, cfg: Config) -> dict:
    """What each stage's section of the report says, keyed by the stage's name (its declaration's
    ``report``; None when the stage did not run or has nothing to say)."""
    from ..pipeline import registry

    return {stage.name: registry.resolve(stage.report)(done[stage.name], cfg) if stage.name in done else None
            for stage in registry.stages() if stage.report}


def _misses(candidates) -> dict:
    """How many formulations the lexicon misses (quoted or numbered, two documents or more) and the
    five most widespread."""
    from ..slogans.discovery import LEXICON_ROWS_MIN_DOCS

    marked = candidates[(candidates["documents"] >= LEXICON_ROWS_MIN_DOCS)
                        & candidates["kind"].str.contains("quoted|numbered", regex=True)]
    top = marked.sort_values(["documents", "score"], ascending=False, kind="stable").head(5)
    return {"n": len(marked), "top": ", ".join(f"{r.candidate} ({r.documents} documents)" for r in top.itertuples())}


def _contrast_tested(done: dict, cfg: Config) -> bool:
    """Whether the contrast figure holds a tested estimate (else the report leaves it out)."""
    from .draw import contrast_documents, contrast_label

    folder = done["slogans"].folder
    label = contrast_label(contrast_documents(folder), cfg.slogans.contrast)
    c = pd.read_parquet(folder / "contrasts.parquet", columns=["contrast", "status"])   # not its method column
    return bool(((c["contrast"] == label) & (c["status"] == "tested")).any())


def how_known(docs, field: str, known) -> str:
    """How the known values of ``field`` were found, counted: stated in the text (high or medium
    confidence), inferred from clues (low confidence), given in metadata.csv (an override)."""
    source, conf = docs.loc[known, f"{field}_source"].astype("string"), docs.loc[known, f"{field}_conf"].astype("string")
    given = source.eq("override").fillna(False)
    inferred = conf.eq("low").fillna(False) & ~given
    counts = {"stated in the text": int((~given & ~inferred).sum()),
              "inferred from clues at low confidence": int(inferred.sum()), "given in metadata.csv": int(given.sum())}
    return ", ".join(f"{n:,} {how}" for how, n in counts.items() if n) or "none"


def _calibration(fig: Path) -> dict | None:
    """What ``python -m analysis calibrate`` wrote into the figures folder, if it ran."""
    if not (fig / "calibration_summary.csv").exists():
        return None
    from .catalog import CALIBRATION_CAPTION

    cal = read_output_table(fig, "calibration_summary")
    null = cal[cal["check"] == "null: discoveries per permutation (all tests)"]
    return {"caption": CALIBRATION_CAPTION,
            "null": {"value": null["value"].iloc[0], "max": null["max"].iloc[0]} if len(null) else None}


def _one_line(text: str) -> str:
    """A value from the corpus on one line of the report script."""
    return " ".join(str(text).splitlines())


def summary(done: dict) -> list[str]:
    """The strongest findings of each analysis, one line each, with the table that holds the
    evidence: what a reader of a large corpus looks for before the details. Each stage says its own
    (its declaration's ``findings``), in run order."""
    from ..pipeline import registry

    lines = []
    for stage in registry.stages():
        if stage.findings and stage.name in done:
            lines += registry.resolve(stage.findings)(done[stage.name])
    return [_one_line(x) for x in lines]
