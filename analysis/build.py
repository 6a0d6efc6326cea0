"""Build every figure and table from the corpus (what ``make figures`` runs)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import atomic, corpus_tables, plots, runner, stages
from .catalog import (CORPUS_OUTPUTS, FIGURES, KEYWORD_OUTPUTS, SLOGAN_OUTPUTS, TOPIC_OUTPUTS, Output,  # noqa: F401
                      manifest_entries, output_files, readme_table)
from .config import Config
from .corpus import CorpusResult, corpus_folder
from .export import save_figure, save_table


def _draw_stage(name: str, outputs, files: tuple[str, ...] = ()) -> runner.Stage:
    """A drawing step reads the figure settings and what its outputs declare."""
    reads = tuple(dict.fromkeys(p for o in outputs for p in o.reads if p not in files))
    return runner.Stage(name, __name__, FIGURES + reads, files=files)


DRAW_CORPUS = _draw_stage("corpus_outputs", CORPUS_OUTPUTS)
DRAW_SLOGANS = _draw_stage("slogan_outputs", SLOGAN_OUTPUTS)
DRAW_KEYWORDS = _draw_stage("keyword_outputs", KEYWORD_OUTPUTS)
DRAW_TOPICS = _draw_stage("topic_outputs", TOPIC_OUTPUTS, files=("topics.labels",))


class _Writer:
    """Where one step's outputs go. Each output has its own key (the step's inputs and code, the
    figure settings, and the values it reads): one that is up to date, byte for byte, is not made
    again, so a setting that one figure reads re-draws that figure only. ``make`` is called only
    for outputs that are out of date."""

    def __init__(self, folder: Path, cfg, outputs, base: str, saved: dict, force: bool):
        self.folder, self.cfg, self.force = folder, cfg, force
        self.formats, self.dpi = cfg.figures.formats, cfg.figures.dpi
        self.outputs = {o.name: o for o in outputs}
        self.base, self.saved, self.stamps, self.wrote = base, saved, {}, False

    def _key(self, name: str) -> str:
        reads = {p: runner.read(self.cfg, p) for p in self.outputs[name].reads}
        return hashlib.sha256(json.dumps([self.base, reads], sort_keys=True, default=str).encode()).hexdigest()

    def _todo(self, name: str) -> bool:
        files = output_files(self.outputs[name], self.formats)
        key = self._key(name)
        old = self.saved.get(name, {})
        fresh = not self.force and old.get("key") == key and all((self.folder / f).exists() for f in files) \
            and old.get("hashes") == {f: stages.file_digest(self.folder / f) for f in files}
        self.stamps[name] = old if fresh else {"key": key, "files": files}
        return not fresh

    def figure(self, make, name: str) -> None:
        if self._todo(name):
            save_figure(make(), name, self.folder, self.formats, self.dpi)
            self.wrote = True

    def table(self, frame, name: str, note: str = "") -> None:
        """A table with its caption; ``note`` (the method, a rule) is appended to the caption."""
        if self._todo(name):
            save_table(frame() if callable(frame) else frame, name, self.folder,
                       f"{self.outputs[name].caption} {note}".strip())
            self.wrote = True

    def page(self, name: str, write) -> None:
        """A page's files, written by ``write(folder)``."""
        if self._todo(name):
            write(self.folder)
            self.wrote = True

    def done(self) -> dict:
        """The stamps of every output (file hashes of those just written)."""
        for name, stamp in self.stamps.items():
            if "files" in stamp:
                self.stamps[name] = {"key": stamp["key"],
                                     "hashes": {f: stages.file_digest(self.folder / f) for f in stamp["files"]}}
        return self.stamps




def _output_step(cfg: Config, stage: runner.Stage, outputs, stamp_dir: Path, inputs: list, draw, force: bool = False) -> bool:
    """Run ``draw(writer)``: the writer makes the outputs that are out of date (see :class:`_Writer`);
    returns True when any was (re)written."""
    base = runner.key(runner.Stage(stage.name, stage.module, FIGURES), cfg, inputs)  # the outputs add their reads
    saved = stages.read_json(Path(stamp_dir) / "_outputs.json")
    writer = _Writer(Path(cfg.paths.figures), cfg, outputs, base, saved, force)
    draw(writer)
    atomic.write_text(Path(stamp_dir) / "_outputs.json", json.dumps(writer.done(), indent=1, sort_keys=True) + "\n")
    return writer.wrote


def build_corpus_outputs(cfg: Config, corpus: CorpusResult, force: bool = False) -> bool:
    """Corpus figure and tables; returns True when they were (re)written."""
    cfg = runner.view(cfg, DRAW_CORPUS)

    def draw(w: _Writer) -> None:
        docs, problems = corpus.documents, corpus.problems
        by_pq = corpus_tables.corpus_by_province_quarter(docs)
        by_lang = corpus_tables.corpus_by_language(docs)
        w.figure(lambda: plots.corpus_overview(by_pq, by_lang), "corpus_overview")
        w.table(corpus_tables.corpus_summary(docs, problems), "corpus_summary")
        w.table(by_pq, "corpus_by_province_quarter")
        w.table(by_lang, "corpus_by_language")
        w.table(corpus_tables.unknown_metadata(docs), "corpus_unknown_metadata")

    folder = corpus_folder(cfg)
    return _output_step(cfg, DRAW_CORPUS, CORPUS_OUTPUTS, folder / "outputs",
                        [folder / "documents.parquet", folder / "problems.csv"], draw, force)





def contrast_label(contrasts, docs, spec: str) -> str | None:
    """The contrast named by the configuration (see tifa.toml, slogans.contrast)."""
    from .slogan_stats import previous_quarter

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


def build_slogan_outputs(cfg: Config, result, force: bool = False) -> bool:
    """Slogan figures, tables and the concordance page; returns True when they were (re)written."""
    from .kwic import concordance_html
    from .matcher import RULE_TEXT

    cfg = runner.view(cfg, DRAW_SLOGANS)

    def draw(w: _Writer) -> None:
        t = result.tables
        rates, contrasts, docs = t["rates"], t["contrasts"], t["documents"]
        sp = cfg.slogans
        w.figure(lambda: plots.slogan_heatmap(rates, "province", sp.top), "slogan_rates_by_region")
        w.figure(lambda: plots.slogan_heatmap(rates, "quarter", sp.top), "slogan_rates_by_quarter")
        w.figure(lambda: plots.slogan_intervals(rates, "province", min(sp.top, 6)), "slogan_intervals_by_region")
        label = contrast_label(contrasts, docs, sp.contrast)
        chosen = contrasts[contrasts["contrast"] == label]
        if len(chosen):  # the language with most documents in the contrast
            lang = chosen.groupby("lang")["documents_target"].max().sort_values(ascending=False).index[0]
            chosen = chosen[chosen["lang"] == lang]
        w.figure(lambda: plots.slogan_contrast(chosen, label or "no contrast available", sp.top), "slogan_contrast")
        pq = rates[rates["grouping"] == "province_quarter"]
        pq = pq[pq["count"] > 0][["province", "quarter", "lang", "slogan", "count", "exposure", "exposure_unit", "rate",
                                  "rate_low", "rate_high", "documents", "documents_with", "share", "share_low",
                                  "share_high", "small", "rate_pooled", "rate_pooled_low", "rate_pooled_high"]
                ].fillna({"province": "unknown", "quarter": "unknown"})
        w.table(pq.reset_index(drop=True), "slogan_rates_by_region_quarter", f"Rule: {RULE_TEXT[sp.rule]}.")
        shown = contrasts[contrasts["status"] != "absent"].reindex(columns=[
            "kind", "contrast", "lang", "slogan", "count_target", "count_reference", "rate_target", "rate_reference",
            "documents_with_target", "documents_with_reference", "log_ratio", "log_ratio_low", "log_ratio_high", "g2",
            "z", "p_value", "p_method", "q_value", "status"])
        w.table(shown.reset_index(drop=True), "slogan_contrasts", _method(contrasts))
        nb = t["nb_effects"]
        w.table(nb.drop(columns=["method", "rule"]).reset_index(drop=True), "slogan_nb_effects", _method(nb))
        w.table(t["candidates"], "slogan_candidates")
        w.table(t["counts"][["doc_id", "slogan", "n_all", "n_longest"]], "slogan_counts",
                f"n_all: {RULE_TEXT['all']}; n_longest: {RULE_TEXT['longest']}.")
        conc = t["concordance"]

        def concordance_page(folder: Path) -> None:
            atomic.write_text(folder / "slogan_concordance.csv", conc.to_csv(index=False, lineterminator="\n"))
            atomic.write_text(folder / "slogan_concordance.html", concordance_html(
                conc, "Slogan concordance", f"Every occurrence of every lexicon slogan ({RULE_TEXT[sp.rule]}), "
                f"with {sp.context_chars} characters of context."))
        w.page("slogan_concordance", concordance_page)

    data = Path(result.folder)
    return _output_step(cfg, DRAW_SLOGANS, SLOGAN_OUTPUTS, data / "outputs", sorted(data.glob("*.parquet")),
                        draw, force)


def _method(table) -> str:
    """The method text a statistics table carries in its ``method`` column ('' when empty)."""
    if "method" not in table or not len(table) or not table["method"].notna().any():
        return ""
    return str(table["method"].dropna().iloc[0])





def build_keyword_outputs(cfg: Config, result, force: bool = False) -> bool:
    """Keyword figures and tables; returns True when they were (re)written."""
    from .keyword_table import top_trending

    cfg = runner.view(cfg, DRAW_KEYWORDS)

    def draw(w: _Writer) -> None:
        t = result.tables
        kp = cfg.keywords
        top = top_trending(t["trends"], min(kp.top, 12))
        w.figure(lambda: plots.keyword_small_multiples(t["period_rates"], t["trends"], top), "keyword_trends")
        w.figure(lambda: plots.keyword_slope_chart(t["trends"], top), "keyword_slope_chart")
        w.figure(lambda: plots.keyness_bars(t["keyness"], "period"), "keyword_keyness_by_quarter")
        w.figure(lambda: plots.keyness_bars(t["keyness"], "province"), "keyword_keyness_by_region")
        w.figure(lambda: plots.keyword_small_multiples(t["period_rates"], t["trends"], list(kp.terms)), "keyword_user_terms")
        tr, kn = t["trends"], t["keyness"]
        w.table(tr.drop(columns=[c for c in ("method",) if c in tr]), "keyword_trend_table", _method(tr))
        w.table(kn.drop(columns=["method"]), "keyword_keyness", _method(kn))
        w.table(t["tfidf"], "keyword_tfidf")
        w.table(t["collocates"], "keyword_collocates")
        w.table(t["contexts"], "keyword_contexts")

    data = Path(result.folder)
    return _output_step(cfg, DRAW_KEYWORDS, KEYWORD_OUTPUTS, data / "outputs", sorted(data.glob("*.parquet")),
                        draw, force)





def build_topic_outputs(cfg: Config, result, force: bool = False) -> bool:
    """Topic figures, tables, browser and suggested labels; returns True when they were (re)written.
    ``result``: the topics stage's, with labels applied (:func:`analysis.topic_labels.labelled`)."""
    from .topic_browser import browser_html

    cfg = runner.view(cfg, DRAW_TOPICS)

    def draw(w: _Writer) -> None:
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
        w.figure(lambda: plots.topic_nmf_match(t["nmf"]), "topic_nmf_match")
        w.table(topics, "topic_table")
        w.table(t["grid"].drop(columns=["top"], errors="ignore"), "topic_grid_table",
                "; ".join(f"{r.lang}: {r.note}" for r in t["notes"].itertuples()))
        prev = t["prevalence"]
        w.table(prev.drop(columns=["method"]), "topic_prevalence", _method(prev))
        w.table(t["over_time"], "topic_over_time")
        w.table(t["nmf"], "topic_nmf")
        browser = json.loads((data / "browser.json").read_text(encoding="utf-8"))
        w.page("topic_browser", lambda folder: atomic.write_text(folder / "topic_browser.html",
                                                                 browser_html(browser, topics)))
        suggested = topics[["lang", "topic", "suggested_label"]].rename(columns={"suggested_label": "label"})
        w.page("topic_labels_suggested", lambda folder: atomic.write_text(
            folder / "topic_labels_suggested.csv", suggested.to_csv(index=False, lineterminator="\n")))

    data = Path(result.folder)
    return _output_step(cfg, DRAW_TOPICS, TOPIC_OUTPUTS, data / "outputs",
                        sorted(data.glob("*.parquet")) + [data / "browser.json"], draw, force)


def build_all(cfg: Config, progress: bool = True, force: bool = False) -> dict:
    """Run every stage that is out of date, draw what changed, write the report; return what each did."""
    from .pipeline import run_stages

    done = run_stages(cfg, progress=progress, force=force)
    done["corpus_outputs"] = build_corpus_outputs(cfg, done["corpus"], force=force)
    done["slogan_outputs"] = build_slogan_outputs(cfg, done["slogans"], force=force)
    done["keyword_outputs"] = build_keyword_outputs(cfg, done["keywords"], force=force)
    done["topic_outputs"] = build_topic_outputs(cfg, done["topics"], force=force)
    build_report(cfg, done)
    return done


# ---- manifest and report -------------------------------------------------------------------------


def _table(folder: Path, name: str, rows: int | None = None, columns: list[str] | None = None):
    import pandas as pd

    try:
        frame = pd.read_csv(Path(folder) / f"{name}.csv", keep_default_na=False, low_memory=False)
    except pd.errors.EmptyDataError:  # a table without columns (no topic model was fitted)
        return pd.DataFrame()
    if columns:
        frame = frame[[c for c in columns if c in frame.columns]]
    return frame.head(rows) if rows else frame


def report_blocks(cfg: Config, done: dict, entries: list[dict]) -> list:

    from .lexicon import read_lexicon
    from .report import Block
    from .stages import read_json

    fig = Path(cfg.paths.figures)
    ext = "png"
    docs = done["corpus"].documents
    problems = done["corpus"].problems
    caption = {e["id"]: e["caption"] for e in entries}
    B = []
    n = len(docs)
    langs = docs["lang"].value_counts().sort_index()
    B.append(Block("h1", "Slogans, keywords and topics in local economic speech"))
    B.append(Block("p", f"This report is generated by `make figures` from the corpus in `{Path(cfg.paths.corpus).name}/` "
                        f"with the parameters in `{cfg.source.name if cfg.source else 'defaults'}`; every number below "
                        "comes from the outputs listed at the end."))
    # corpus
    B.append(Block("h2", "1. The corpus"))
    known_region = int(docs["adcode"].notna().sum())
    known_q = int(docs["quarter"].notna().sum())
    B.append(Block("p", f"The corpus holds {n} documents from {docs['source_file'].nunique()} files "
                        f"({', '.join(f'{v} in {k}' for k, v in langs.items())}), "
                        f"{int(docs['n_chars'].sum()):,} characters. The region of {known_region} documents and the "
                        f"quarter of {known_q} are stated in the texts; the others are reported as unknown, with the "
                        "reason, and left out of regional and quarterly comparisons rather than guessed."))
    B.append(Block("figure", f"corpus_overview.{ext}", caption["corpus_overview"]))
    B.append(Block("table", (_table(fig, "corpus_summary"), "corpus_summary.csv"), caption["corpus_summary"]))
    if len(problems):
        B.append(Block("p", "Files, rows or values that could not be used:"))
        B.append(Block("list", [f"`{r.source_file}`{(' (' + r.where + ')') if r.where else ''}: {r.problem} [{r.action}]"
                                for r in problems.itertuples()]))
    else:
        B.append(Block("p", "No file was skipped."))
    unknown = _table(fig, "corpus_unknown_metadata")
    if len(unknown):
        B.append(Block("table", (unknown, "corpus_unknown_metadata.csv"), caption["corpus_unknown_metadata"]))
    # slogans
    s = read_json(Path(done["slogans"].folder) / "summary.json")
    B.append(Block("h2", "2. Slogans (提法)"))
    top = ", ".join(f"{name} ({k} occurrences in {d} documents)" for name, k, d in s.get("top", [])[:5])
    B.append(Block("p", f"{s.get('slogans_found', 0)} of the lexicon's slogans occur, {s.get('occurrences', 0):,} times in all. "
                        f"The most used: {top}. Counting rule: {cfg.slogans.rule}. "
                        f"{s.get('contrasts_tested', 0)} slogan contrasts could be tested, "
                        f"{s.get('significant_q05', 0)} with a Benjamini–Hochberg q below 0.05; the others had too few "
                        "documents or occurrences and are reported as such."))
    for name in ("slogan_rates_by_region", "slogan_rates_by_quarter", "slogan_intervals_by_region", "slogan_contrast"):
        B.append(Block("figure", f"{name}.{ext}", caption[name]))
    B.append(Block("table", (_table(fig, "slogan_rates_by_region_quarter", 15, ["province", "quarter", "lang", "slogan",
                                                                                "count", "rate", "rate_low", "rate_high",
                                                                                "share"]),
                             "slogan_rates_by_region_quarter.csv"), caption["slogan_rates_by_region_quarter"]))
    B.append(Block("table", (_table(fig, "slogan_contrasts", 15, ["contrast", "lang", "slogan", "count_target",
                                                                  "count_reference", "log_ratio", "q_value", "status"]),
                             "slogan_contrasts.csv"), caption["slogan_contrasts"]))
    B.append(Block("table", (_table(fig, "slogan_nb_effects", 10), "slogan_nb_effects.csv"), caption["slogan_nb_effects"]))
    B.append(Block("table", (_table(fig, "slogan_candidates", 15, ["candidate", "kind", "lang", "documents",
                                                                   "occurrences", "regions", "quarters"]),
                             "slogan_candidates.csv"), caption["slogan_candidates"]))
    B.append(Block("table", (_table(fig, "slogan_counts", 10), "slogan_counts.csv"), caption["slogan_counts"]))
    B.append(Block("p", "Every occurrence in context: `slogan_concordance.html` (filterable) and `slogan_concordance.csv`."))
    # keywords
    k = read_json(Path(done["keywords"].folder) / "summary.json")
    B.append(Block("h2", "3. Keywords"))
    classes = ", ".join(f"{v} {c}" for c, v in sorted(k.get("classes", {}).items())) or "none"
    periods = k.get("periods", [])
    B.append(Block("p", f"Term trends over {len(periods)} {k.get('period_unit', 'quarter')}s with dated documents"
                        + (f" ({periods[0]} to {periods[-1]})" if periods else "") + f": {classes}. "
                        + (f"Rising: {', '.join(k['rising'])}. " if k.get("rising") else "")
                        + (f"Falling: {', '.join(k['falling'])}. " if k.get("falling") else "")
                        + " ".join(f"Note: {x}." for x in k.get("notes", []))
                        + f" Groups with distinctive terms: {k.get('distinctive_groups', 0)}."))
    for name in ("keyword_trends", "keyword_slope_chart", "keyword_keyness_by_quarter", "keyword_keyness_by_region",
                 "keyword_user_terms"):
        B.append(Block("figure", f"{name}.{ext}", caption[name]))
    B.append(Block("table", (_table(fig, "keyword_trend_table", 15, ["lang", "term", "count", "periods", "slope",
                                                                     "slope_low", "slope_high", "q_value", "class"]),
                             "keyword_trend_table.csv"), caption["keyword_trend_table"]))
    for name, cols in (("keyword_keyness", ["grouping", "group", "lang", "status", "term", "log_ratio", "q_value"]),
                       ("keyword_tfidf", None), ("keyword_collocates", None), ("keyword_contexts", None)):
        B.append(Block("table", (_table(fig, name, 12, cols), f"{name}.csv"), caption[name]))
    # topics
    t = done["topics"].tables
    B.append(Block("h2", "4. Topics"))
    notes = [f"{r.lang}: {r.note}" for r in t["notes"].itertuples()]
    B.append(Block("p", "Topic models per language. " + " ".join(f"{x}." for x in notes)))
    for name in ("topic_k_grid", "topic_top_words", "topic_prevalence_by_quarter", "topic_prevalence_by_region",
                 "topic_nmf_match"):
        B.append(Block("figure", f"{name}.{ext}", caption[name]))
    for name, cols, rows in (("topic_table", ["lang", "topic", "label", "share", "top_relevance"], None),
                             ("topic_grid_table", ["lang", "k", "seed", "c_v", "c_npmi", "perplexity", "stability"], 24),
                             ("topic_prevalence", None, 12), ("topic_over_time", None, 12), ("topic_nmf", None, None)):
        B.append(Block("table", (_table(fig, name, rows, cols), f"{name}.csv"), caption[name]))
    B.append(Block("p", "Browse the topics offline in `topic_browser.html`; edit labels from `topic_labels_suggested.csv`."))
    # calibration (written by `python -m analysis calibrate`)
    if (fig / "calibration_summary.csv").exists():
        from .calibrate import CALIBRATION_CAPTION

        B.append(Block("h2", "Calibration"))
        cal = _table(fig, "calibration_summary")
        null = cal[cal["check"] == "null: discoveries per permutation (all tests)"]
        if len(null):
            B.append(Block("p", f"With the province and period labels permuted across documents, the tests that "
                                f"decide a finding found {null['value'].iloc[0]} findings per permutation on average "
                                f"(at most {null['max'].iloc[0]}); about zero is what calibrated tests give."))
        B.append(Block("figure", f"calibration.{ext}", CALIBRATION_CAPTION))
        B.append(Block("table", (cal, "calibration_summary.csv"), "Calibration checks on this corpus."))
    # methods
    lex = read_lexicon(cfg.tokens.lexicon)
    B.append(Block("h2", "5. Methods and parameters"))
    tk, sp, kp, tp = cfg.tokens, cfg.slogans, cfg.keywords, cfg.topics
    B.append(Block("list", [
        f"Texts: decoded (UTF-8, UTF-16, GB18030), normalised, Traditional converted to Simplified at a Traditional share "
        f"of {cfg.corpus.traditional_share}, boilerplate removed, broken lines joined, compilations split (docs/documents.md).",
        f"Tokens: `{tk.backend}` segmentation with jieba's dictionary and the lexicon ({len(lex.entries)} entries, "
        f"{sum(e.slogan for e in lex.entries)} slogans, sha256 {lex.digest[:12]}); stop words {', '.join(Path(x).name for x in tk.stopwords_zh)} "
        f"(zh) and {', '.join(Path(x).name for x in tk.stopwords_en)} (en); tokens shorter than {tk.min_chars_zh} (zh) or "
        f"{tk.min_chars_en} (en) characters dropped; collocations with count ≥ {tk.phrases_min_count} and NPMI > {tk.phrases_threshold}.",
        f"Slogans: rule `{sp.rule}` (title included: {sp.include_title}); rates per 10,000 characters (zh) or words (en) "
        f"with 95% cluster-robust intervals over documents (cells under {sp.min_docs} documents flagged; partially pooled "
        f"rates beside the raw ones); contrasts need {sp.min_docs} documents per side and {sp.min_count} occurrences; "
        f"document-level rate test, Benjamini–Hochberg over every contrast of a kind; Log Ratio with {sp.bootstrap} "
        f"bootstrap resamples of documents (seed {cfg.random.seed}); negative binomial (NB2) models with a log-length "
        "offset, quasi-Poisson without over-dispersion (docs/slogans.md, docs/inference.md).",
        f"Keywords: periods by {kp.period}; keyness needs {kp.min_count} occurrences, document-level rate test with "
        f"Benjamini–Hochberg over every group and term, reports q < 0.05 and Log Ratio ≥ {kp.min_log_ratio} with "
        f"{kp.bootstrap} bootstrap resamples; trends for terms with ≥ {kp.floor} occurrences in ≥ {kp.trend_min_docs} "
        "documents: linear, peak and level-shift tests over documents, exact Mann–Kendall for short series "
        "(docs/keywords.md, docs/inference.md).",
        f"Topics: gensim LDA on {tp.unit}s ({tp.column}), K grid {list(tp.k_grid)} × seeds {list(tp.seeds)}, "
        f"{tp.passes} passes, {tp.iterations} iterations; K by the rule in docs/topics.md (min stability "
        f"{tp.min_stability}){'' if not tp.k else f', overridden to {tp.k}'}; relevance λ = {tp.relevance_lambda}; "
        f"prevalence by the method of composition with {tp.draws} draws (docs/topics.md).",
    ]))
    # outputs
    B.append(Block("h2", "6. Outputs"))
    B.append(Block("p", "Every figure and table, with the function that made it; hashes and inputs are in `MANIFEST.csv`."))
    B.append(Block("list", [f"`{e['id']}` ({e['kind']}: {', '.join(e['files'])}): {e['caption']} — `{e['made_by']}`"
                            for e in entries]))
    return B


def build_report(cfg: Config, done: dict) -> None:
    from .report import manifest, write_report

    folder = Path(cfg.paths.figures)
    entries = manifest_entries(cfg)
    blocks = report_blocks(cfg, done, entries)
    write_report(blocks, folder, "tifa report")
    man = manifest(entries, folder)
    atomic.write_text(folder / "MANIFEST.csv", man.to_csv(index=False, lineterminator="\n"))
