"""Each stage's outputs: its figures, tables and pages, drawn from its tables (the catalog says
what each one is; :mod:`analysis.publishing.writer` decides which are out of date)."""
from __future__ import annotations

import json
from pathlib import Path

from ..corpus import tables as corpus_tables
from ..corpus.documents_table import corpus_folder
from ..corpus.stage import CorpusResult
from ..pipeline import atomic, registry
from ..pipeline.runner import view
from ..pipeline.config import Config
from . import plots
from . import diffusion_plots, reuse_plots, targets_plots
from .catalog import (ADOPTION_OUTPUTS, CALIBRATION_OUTPUTS, COOCCURRENCE_OUTPUTS, CORPUS_OUTPUTS, KEYWORD_OUTPUTS,
                      REUSE_OUTPUTS, SLOGAN_OUTPUTS, TARGETS_OUTPUTS, TOPIC_OUTPUTS, for_groupings)
from .export import ParquetRows, write_csv
from .writer import Writer, draw_stage, output_step


def draws(stage: str, outputs):
    """Mark a function as the drawing step of ``stage`` (its declaration names the function): the
    step's outputs (from the catalog) and its declaration (``.step``: the figure settings, what
    the outputs read, and the researcher files the stage declares for drawing)."""
    def mark(function):
        function.outputs = outputs
        function.step = draw_stage(f"{stage}_outputs", __name__, outputs, files=registry.get(stage).draw_files)
        return function
    return mark


def tables_step(cfg: Config, function, result, draw, force: bool, outputs=None, extra=()) -> bool:
    """The drawing step ``function.step`` of a stage whose outputs are drawn from its own tables
    (the Parquet files of ``result.folder``, and the ``extra`` files): stamped in its ``outputs``
    folder; ``outputs``: the function's catalog entries unless given."""
    data = Path(result.folder)
    return output_step(cfg, function.step, function.outputs if outputs is None else outputs, data / "outputs",
                       sorted(data.glob("*.parquet")) + list(extra), draw, force)


#: the columns of ``corpus_tables.COLUMNS`` that only the unknown-metadata table reads: that table is
#: written a batch of documents at a time, the others are made from the rest (a title and the region
#: candidates of a million documents are some 300 MB)
UNKNOWN_ONLY = ("title", "region_candidates")


@draws("corpus", CORPUS_OUTPUTS)
def build_corpus_outputs(cfg: Config, corpus: CorpusResult, force: bool = False) -> bool:
    """Corpus figure and tables; returns True when they were (re)written."""
    cfg = view(cfg, build_corpus_outputs.step)

    def draw(w: Writer) -> None:
        docs, problems = corpus.columns([c for c in corpus_tables.COLUMNS if c not in UNKNOWN_ONLY]), corpus.problems
        by_pq = corpus_tables.corpus_by_province_quarter(docs)
        by_lang = corpus_tables.corpus_by_language(docs)
        w.figure(lambda: plots.corpus_overview(by_pq, by_lang), "corpus_overview")
        w.table(corpus_tables.corpus_summary(docs, problems), "corpus_summary")
        w.table(by_pq, "corpus_by_province_quarter")
        w.table(by_lang, "corpus_by_language")
        w.table(ParquetRows(Path(corpus.folder) / "documents.parquet", corpus_tables.COLUMNS,
                            corpus_tables.unknown_metadata), "corpus_unknown_metadata")

    folder = corpus_folder(cfg)
    return output_step(cfg, build_corpus_outputs.step, CORPUS_OUTPUTS, folder / "outputs",
                        [folder / "documents.parquet", folder / "problems.csv"], draw, force)


def design_groupings(cfg: Config, table, column: str = "grouping") -> list[str]:
    """The [design] groupings drawn under their own outputs (those ``table`` has rows for)."""
    from .catalog import STANDARD_GROUPINGS

    present = set(table[column].dropna().astype(str)) if column in table else set()
    return [g for g in dict.fromkeys(cfg.design.groupings) if g not in STANDARD_GROUPINGS and g in present]


def contrast_label(docs, spec: str) -> str | None:
    """The contrast named by the configuration (see tifa.toml, slogans.contrast)."""
    from ..slogans.statistics import previous_quarter

    if spec == "auto":
        known = docs[docs["province"].notna()]
        if known.empty:
            quarters = docs["quarter"].dropna()
            if quarters.empty:
                return None
            q = quarters.value_counts().sort_index().idxmax()
            return f"{q} vs {previous_quarter(q)}"
        top = known.groupby(["province"]).size().sort_values(ascending=False, kind="stable")
        return f"{top.index[0]} vs other provinces"
    kind, _, value = spec.partition(":")
    if kind in ("province", "prefecture"):
        return f"{value} vs other {kind}s"
    if kind == "quarter":
        return f"{value} vs {previous_quarter(value)}"
    raise ValueError(f"slogans.contrast: '{spec}' is not auto, province:NAME, prefecture:NAME or quarter:YYYYQn")


@draws("slogans", SLOGAN_OUTPUTS)
def build_slogan_outputs(cfg: Config, result, force: bool = False) -> bool:
    """Slogan figures, tables and the concordance page; returns True when they were (re)written.
    The per-document tables (counts, the concordance) are written from their files a batch of rows at
    a time; the page shows at most ``CONCORDANCE_PAGE_OCCURRENCES`` occurrences of each slogan."""
    import pandas as pd

    from .pages import CONCORDANCE_PAGE_OCCURRENCES, concordance_html, shown_occurrences
    from ..slogans.discovery import lexicon_rows
    from ..slogans.matcher import RULE_TEXT

    cfg = view(cfg, build_slogan_outputs.step)
    data = Path(result.folder)

    def draw(w: Writer) -> None:
        t = result.tables
        rates = read_without(data / "rates.parquet", ("method", "rule"))
        contrasts = read_without(data / "contrasts.parquet", ("method",))
        docs = contrast_documents(data)
        sp = cfg.slogans
        w.figure(lambda: plots.slogan_heatmap(rates, "province", sp.top), "slogan_rates_by_region")
        w.figure(lambda: plots.slogan_heatmap(rates, "quarter", sp.top), "slogan_rates_by_quarter")
        w.figure(lambda: plots.slogan_intervals(rates, "province", min(sp.top, 6)), "slogan_intervals_by_region")
        for g in design_groupings(cfg, rates):
            w.figure(lambda: plots.slogan_heatmap(rates, g, sp.top), f"slogan_rates_by_{g}")
            w.figure(lambda: plots.slogan_intervals(rates, g, min(sp.top, 6)), f"slogan_intervals_by_{g}")
        label = contrast_label(docs, sp.contrast)
        chosen = contrasts[contrasts["contrast"] == label]
        if len(chosen):  # the language with most documents in the contrast
            lang = chosen.groupby("lang")["documents_target"].max().sort_values(ascending=False).index[0]
            chosen = chosen[chosen["lang"] == lang]
        w.figure(lambda: plots.slogan_contrast(chosen, label or "no contrast available", sp.top), "slogan_contrast")
        pq = rates[rates["grouping"] == "province_quarter"]
        pq = pq[pq["count"] > 0].reindex(columns=[
            "province", "quarter", "lang", "slogan", "rendering", "count", "exposure", "exposure_unit", "rate",
            "rate_low", "rate_high", "interval_over", "documents", "documents_with", "share", "share_low",
            "share_high", "small", "rate_pooled", "rate_pooled_low", "rate_pooled_high"]
        ).fillna({"province": "unknown", "quarter": "unknown"})
        w.table(pq.reset_index(drop=True), "slogan_rates_by_region_quarter", f"Rule: {RULE_TEXT[sp.rule]}.")
        shown = contrasts[contrasts["status"] != "absent"].reindex(columns=[
            "kind", "contrast", "lang", "slogan", "rendering", "count_target", "count_reference", "rate_target", "rate_reference",
            "documents_with_target", "documents_with_reference", "log_ratio", "log_ratio_low", "log_ratio_high",
            "interval_method", "g2", "z", "p_value", "p_method", "q_value", "status"])
        w.table(shown.reset_index(drop=True), "slogan_contrasts", method_in(data / "contrasts.parquet"))
        nb = t["nb_effects"]
        w.table(nb.drop(columns=["method", "rule"]).reset_index(drop=True), "slogan_nb_effects", _method(nb))
        w.table(t["candidates"], "slogan_candidates")
        w.page("slogan_candidates_lexicon", lambda folder: atomic.write_text(
            folder / "slogan_candidates_lexicon.csv",
            lexicon_rows(t["candidates"], Path(cfg.paths.corpus).name).to_csv(index=False, lineterminator="\n")))
        w.table(ParquetRows(data / "counts.parquet", ("doc_id", "slogan", "n_all", "n_longest")), "slogan_counts",
                f"n_all: {RULE_TEXT['all']}; n_longest: {RULE_TEXT['longest']}.")

        def concordance_page(folder: Path) -> None:
            conc = ParquetRows(data / "concordance.parquet")
            write_csv(conc, folder / "slogan_concordance.csv")
            keys = pd.read_parquet(conc.path, columns=["slogan", "doc_id"])
            shown, total = conc.take(shown_occurrences(keys, CONCORDANCE_PAGE_OCCURRENCES)), len(keys)
            del keys
            note = f"every lexicon slogan ({RULE_TEXT[sp.rule]}), with {sp.context_chars} characters of context"
            note = f"Every occurrence of {note}." if len(shown) == total else (
                f"Occurrences of {note}. This page shows {len(shown):,} of the {total:,} occurrences, at most "
                f"{CONCORDANCE_PAGE_OCCURRENCES} of each slogan (those in the documents that come first in a fixed "
                "order of their ids, the same on every run); every occurrence is in slogan_concordance.csv.")
            atomic.write_text(folder / "slogan_concordance.html", concordance_html(shown, "Slogan concordance", note))
        w.page("slogan_concordance", concordance_page)

    return tables_step(cfg, build_slogan_outputs, result, draw, force,
                       outputs=for_groupings(SLOGAN_OUTPUTS, cfg.design.groupings))


def contrast_documents(data: Path):
    """The columns of the slogans stage's documents table that :func:`contrast_label` reads."""
    import pandas as pd

    return pd.read_parquet(Path(data) / "documents.parquet", columns=["province", "quarter"])


def _method(table) -> str:
    """The method text a statistics table carries in its ``method`` column ('' when empty)."""
    if "method" not in table or not len(table) or not table["method"].notna().any():
        return ""
    return str(table["method"].dropna().iloc[0])


def method_in(path: Path) -> str:
    """:func:`_method` of a stage's table, read from its file a batch at a time."""
    import pyarrow.parquet as pq

    if "method" not in pq.ParquetFile(path).schema_arrow.names:
        return ""
    for batch in ParquetRows(path, ("method",)).batches():
        if batch["method"].notna().any():
            return _method(batch)
    return ""


def read_without(path: Path, columns: tuple[str, ...]):
    """A stage's table without ``columns``: a statistics table's ``method`` repeats one long sentence
    on every row (370 MB of the slogan rates' 520,000 rows, a table that does not grow with the corpus)."""
    import pandas as pd
    import pyarrow.parquet as pq

    return pd.read_parquet(path, columns=[c for c in pq.ParquetFile(path).schema_arrow.names if c not in columns])


@draws("keywords", KEYWORD_OUTPUTS)
def build_keyword_outputs(cfg: Config, result, force: bool = False) -> bool:
    """Keyword figures and tables; returns True when they were (re)written."""
    from ..keywords.stage import top_trending

    cfg = view(cfg, build_keyword_outputs.step)

    def draw(w: Writer) -> None:
        t = result.tables
        kp = cfg.keywords
        top = top_trending(t["trends"], min(kp.top, 12))
        w.figure(lambda: plots.keyword_small_multiples(t["period_rates"], t["trends"], top), "keyword_trends")
        w.figure(lambda: plots.keyword_slope_chart(t["trends"], top), "keyword_slope_chart")
        w.figure(lambda: plots.keyness_bars(t["keyness"], "period", panels=kp.keyness_panels, chosen=kp.keyness_groups),
                 "keyword_keyness_by_quarter")
        w.figure(lambda: plots.keyness_bars(t["keyness"], "province", panels=kp.keyness_panels,
                                            chosen=kp.keyness_groups), "keyword_keyness_by_region")
        for g in design_groupings(cfg, t["keyness"]):
            w.figure(lambda: plots.keyness_bars(t["keyness"], g, panels=kp.keyness_panels), f"keyword_keyness_by_{g}")
        w.figure(lambda: plots.keyword_small_multiples(t["period_rates"], t["trends"], list(kp.terms)), "keyword_user_terms")
        tr, kn = t["trends"], t["keyness"]
        w.table(tr.drop(columns=[c for c in ("method",) if c in tr]), "keyword_trend_table", _method(tr))
        w.table(kn.drop(columns=["method"]), "keyword_keyness", _method(kn))
        w.table(t["tfidf"], "keyword_tfidf")
        w.table(t["collocates"], "keyword_collocates")
        w.table(t["contexts"], "keyword_contexts")

    return tables_step(cfg, build_keyword_outputs, result, draw, force,
                       outputs=for_groupings(KEYWORD_OUTPUTS, cfg.design.groupings))


@draws("topics", TOPIC_OUTPUTS)
def build_topic_outputs(cfg: Config, result, force: bool = False) -> bool:
    """Topic figures, tables, browser and suggested labels; returns True when they were (re)written.
    ``result``: the topics stage's, with labels applied (:func:`analysis.topics.labels.labelled`)."""
    from .pages import browser_html

    cfg = view(cfg, build_topic_outputs.step)

    def draw(w: Writer) -> None:
        t = result.tables
        topics = t["topics"]
        chosen = {r.lang: int(r.k) for r in topics.drop_duplicates("lang").itertuples()}
        w.figure(lambda: plots.topic_grid(t["grid"], chosen), "topic_k_grid")
        words = {}
        for (lang, topic), g in t["words"].groupby(["lang", "topic"]):
            g = g.sort_values("rank")
            words[(lang, int(topic))] = dict(zip(g["word"], g["probability"]))
        rel_words = {}
        for r in topics.itertuples():  # bars: the relevance-ranked words with their probability
            rel = str(r.top_relevance).split()
            rel_words[(r.lang, int(r.topic))] = (rel, [words[(r.lang, int(r.topic))].get(x, 0.0) for x in rel])
        w.figure(lambda: plots.topic_top_words(topics.assign(topic=topics["topic"].astype(int)), rel_words), "topic_top_words")
        w.figure(lambda: plots.topic_prevalence(t["prevalence"], topics, "quarter"), "topic_prevalence_by_quarter")
        w.figure(lambda: plots.topic_prevalence(t["prevalence"], topics, "province"), "topic_prevalence_by_region")
        for g in design_groupings(cfg, t["prevalence"]):
            w.figure(lambda: plots.topic_prevalence(t["prevalence"], topics, g), f"topic_prevalence_by_{g}")
        w.figure(lambda: plots.topic_nmf_match(t["nmf"]), "topic_nmf_match")
        w.table(topics, "topic_table")
        w.table(t["grid"].drop(columns=["top"], errors="ignore"), "topic_grid_table",
                "; ".join(f"{r.lang}: {r.note}" for r in t["notes"].itertuples()))
        prev = t["prevalence"]
        w.table(prev.drop(columns=["method"]), "topic_prevalence", _method(prev))
        w.table(t["over_time"], "topic_over_time")
        w.table(t["nmf"], "topic_nmf")
        w.table(t["stopwords"], "topic_stopwords")
        cov = t["prevalence_covariates"]
        grouping = "quarter" if "quarter" in set(cov.get("grouping", [])) else \
            (str(cov["grouping"].iloc[0]) if len(cov) else "quarter")
        w.figure(lambda: plots.topic_prevalence_models(t["prevalence"], cov, topics, grouping), "topic_prevalence_compared")
        w.table(cov.drop(columns=["method"]), "topic_prevalence_covariates", _method(cov))
        w.table(t["seeded"], "topic_seeded")
        browser = json.loads((data / "browser.json").read_text(encoding="utf-8"))
        w.page("topic_browser", lambda folder: atomic.write_text(folder / "topic_browser.html",
                                                                 browser_html(browser, topics)))
        suggested = topics[["lang", "topic", "suggested_label"]].rename(columns={"suggested_label": "label"})
        w.page("topic_labels_suggested", lambda folder: atomic.write_text(
            folder / "topic_labels_suggested.csv", suggested.to_csv(index=False, lineterminator="\n")))

    data = Path(result.folder)
    return tables_step(cfg, build_topic_outputs, result, draw, force,
                       outputs=for_groupings(TOPIC_OUTPUTS, cfg.design.groupings), extra=[data / "browser.json"])


@draws("calibrate", CALIBRATION_OUTPUTS)
def build_calibration_outputs(cfg: Config, result, force: bool = False) -> bool:
    """The calibration tables and figure; returns True when they were (re)written."""
    cfg = view(cfg, build_calibration_outputs.step)
    data = Path(result.folder)
    note = json.loads((data / "summary.json").read_text(encoding="utf-8"))["note"]

    def draw(w: Writer) -> None:
        summary, null = result.tables["summary"], result.tables["null"]
        w.table(null, "calibration_null", note)
        w.table(summary, "calibration_summary", note)
        w.figure(lambda: plots.calibration(summary, null), "calibration")

    return tables_step(cfg, build_calibration_outputs, result, draw, force)


@draws("cooccurrence", COOCCURRENCE_OUTPUTS)
def build_cooccurrence_outputs(cfg: Config, result, force: bool = False) -> bool:
    """The slogan pairs' figure and table; returns True when they were (re)written."""
    cfg = view(cfg, build_cooccurrence_outputs.step)

    def draw(w: Writer) -> None:
        pairs = result.tables["pairs"]
        w.figure(lambda: plots.slogan_cooccurrence(pairs, min(cfg.slogans.top, 12)), "slogan_cooccurrence")
        w.table(pairs, "slogan_pairs")

    return tables_step(cfg, build_cooccurrence_outputs, result, draw, force)


@draws("adoption", ADOPTION_OUTPUTS)
def build_adoption_outputs(cfg: Config, result, force: bool = False) -> bool:
    """The adoption figures and tables; returns True when they were (re)written."""
    cfg = view(cfg, build_adoption_outputs.step)

    def draw(w: Writer) -> None:
        t = result.tables
        w.figure(lambda: diffusion_plots.adoption_timeline(t["first_uses"], t["coverage"], t["slogans"],
                                                           min(cfg.adoption.top, 4)),
                 "adoption_timeline")
        w.figure(lambda: diffusion_plots.adoption_curves(t["curves"], t["slogans"], min(cfg.adoption.top, 8)),
                 "adoption_curves")
        w.figure(lambda: adoption_map(t["first_uses"], cfg.adoption.by), "adoption_lag_map")
        w.table(t["first_uses"], "adoption_first_uses")
        w.table(t["slogans"], "adoption_slogans")
        w.table(t["model"], "adoption_model")
        w.table(t["coverage"], "adoption_coverage")

    return tables_step(cfg, build_adoption_outputs, result, draw, force)


@draws("targets", TARGETS_OUTPUTS)
def build_targets_outputs(cfg: Config, result, force: bool = False) -> bool:
    """The targets' figures and tables; returns True when they were (re)written."""
    cfg = view(cfg, build_targets_outputs.step)

    def draw(w: Writer) -> None:
        t = result.tables
        w.figure(lambda: targets_plots.targets_by_unit(t["targets"], cfg.targets.top), "targets_by_unit")
        w.figure(lambda: targets_plots.targets_vs_outcome(t["targets"]), "targets_vs_outcome")
        w.table(t["targets"], "targets")
        w.table(ParquetRows(Path(result.folder) / "documents.parquet"), "targets_documents")

    return tables_step(cfg, build_targets_outputs, result, draw, force)


@draws("reuse", REUSE_OUTPUTS)
def build_reuse_outputs(cfg: Config, result, force: bool = False) -> bool:
    """The reuse figures, tables and page; returns True when they were (re)written. The documents and
    passages tables are written from their files a batch of rows at a time, and the page's documents
    chosen from them a batch at a time."""
    import pandas as pd

    from . import maps
    from .pages import reuse_html, reuse_page_documents

    cfg = view(cfg, build_reuse_outputs.step)
    data = Path(result.folder)

    def draw(w: Writer) -> None:
        t = result.tables
        overall = reuse_plots.overall(t["units"])
        w.figure(lambda: reuse_plots.reuse_by_unit(t["units"]), "reuse_by_unit")
        w.figure(lambda: maps.region_map(overall.set_index("unit")["share"] * 100, cfg.reuse.by,
                                         "% of characters repeating a central text"), "reuse_map")
        w.figure(lambda: reuse_plots.central_passages(t["central"], cfg.reuse.top), "reuse_central_passages")
        w.table(ParquetRows(data / "passages.parquet"), "reuse_passages")
        w.table(ParquetRows(data / "documents.parquet"), "reuse_documents")
        w.table(t["units"], "reuse_units")
        w.table(t["central"], "reuse_central")

        def page(folder: Path) -> None:
            docs = reuse_page_documents(pd.concat([reuse_page_documents(batch) for batch in
                                                   ParquetRows(data / "documents.parquet").batches()]))
            shown = set(docs["doc_id"])   # the texts and passages of the documents the page shows
            texts = _texts(data.parent / "corpus" / "documents.parquet", shown)
            passages = pd.read_parquet(data / "passages.parquet", filters=[("doc_id", "in", sorted(shown))]) if shown \
                else ParquetRows(data / "passages.parquet").take([])
            atomic.write_text(folder / "reuse_view.html", reuse_html(
                docs, passages, texts, "Passages that repeat the central texts",
                f"Each document's passages that repeat a passage of the reference ({len(t['reference'])} texts), "
                "verbatim or with small edits (docs/reuse.md); the documents with most reuse first, at most 100."))
        w.page("reuse_view", page)

    return tables_step(cfg, build_reuse_outputs, result, draw, force)


def _texts(documents: Path, doc_ids: set) -> dict:
    """doc_id → text of the documents table's rows ``doc_ids`` (the texts the reuse offsets are in)."""
    import pandas as pd

    if not doc_ids:
        return {}
    table = pd.read_parquet(documents, columns=["doc_id", "text"], filters=[("doc_id", "in", sorted(doc_ids))])
    return dict(zip(table["doc_id"], table["text"].fillna("")))


def adoption_map(first_uses, by: str):
    """The adoption map: each province's (or prefecture's) median lag after the centre (or, without a
    reference, how many slogans it used)."""
    from . import maps

    used = first_uses[~first_uses["censored"]]
    # lags of slogans the centre introduced inside the corpus's window (one of 1954 says nothing of adoption)
    timed = used[used["ref_date"] >= first_uses["window_start"].min()] if "ref_date" in used else used.iloc[:0]
    if timed["lag_days"].notna().any():
        values = timed.dropna(subset=["lag_days"]).groupby("unit")["lag_days"].median() / 365.25
        label = "median years after the centre introduced it"
    else:
        values = used.groupby("unit").size().astype(float)
        label = "slogans used (no reference corpus)"
    return maps.region_map(values, by, label)
