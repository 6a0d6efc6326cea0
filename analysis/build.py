"""Build every figure and table from the corpus (what ``make figures`` runs)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import corpus_tables, plots, stages
from .config import Config
from .corpus import CorpusResult, build_corpus, corpus_folder
from .export import save_figure, save_table


@dataclass(frozen=True)
class Output:
    name: str
    kind: str  # figure or table
    caption: str


CORPUS_OUTPUTS = (
    Output("corpus_overview", "figure",
           "The corpus at a glance: documents and characters by province and quarter of the meeting, "
           "and documents by language. 'unknown' collects documents whose region or quarter the text does not state."),
    Output("corpus_summary", "table", "Corpus summary: size and how much metadata is known."),
    Output("corpus_by_province_quarter", "table", "Documents and characters by province and quarter."),
    Output("corpus_by_language", "table", "Documents, compilation parts and length by language."),
    Output("corpus_unknown_metadata", "table", "Documents with unknown region or quarter, with the reason and candidates."),
)


def _files(outputs, formats) -> list[str]:
    names = []
    for out in outputs:
        exts = formats if out.kind == "figure" else ("csv", "tex", "md")
        names += [f"{out.name}.{e}" for e in exts]
    return names


def build_corpus_outputs(cfg: Config, corpus: CorpusResult, force: bool = False) -> bool:
    """Corpus figure and tables; returns True when they were (re)written."""
    folder = Path(cfg.paths.figures)
    key = stages.stage_key("corpus_outputs", {"figures": cfg.section_hash("figures")},
                           [corpus_folder(cfg) / "documents.parquet", corpus_folder(cfg) / "problems.csv"])
    files = _files(CORPUS_OUTPUTS, cfg.figures.formats)
    stamp_dir = corpus_folder(cfg) / "outputs"
    if not force and stages.is_fresh(stamp_dir, key, []) and all((folder / f).exists() for f in files):
        return False
    docs, problems = corpus.documents, corpus.problems
    by_pq = corpus_tables.corpus_by_province_quarter(docs)
    by_lang = corpus_tables.corpus_by_language(docs)
    captions = {o.name: o.caption for o in CORPUS_OUTPUTS}
    save_figure(plots.corpus_overview(by_pq, by_lang), "corpus_overview", folder,
                cfg.figures.formats, cfg.figures.dpi)
    save_table(corpus_tables.corpus_summary(docs, problems), "corpus_summary", folder, captions["corpus_summary"])
    save_table(by_pq, "corpus_by_province_quarter", folder, captions["corpus_by_province_quarter"])
    save_table(by_lang, "corpus_by_language", folder, captions["corpus_by_language"])
    save_table(corpus_tables.unknown_metadata(docs), "corpus_unknown_metadata", folder,
               captions["corpus_unknown_metadata"])
    stages.mark_done(stamp_dir, key, [])
    return True


SLOGAN_OUTPUTS = (
    Output("slogan_rates_by_region", "figure",
           "Slogan rates by province: the most widely used slogans, per 10,000 characters (Chinese) or words "
           "(English); 'unknown' collects documents whose region the text does not state."),
    Output("slogan_rates_by_quarter", "figure", "Slogan rates by quarter of the meeting."),
    Output("slogan_intervals_by_region", "figure",
           "Rates of the top slogans by province with 95% intervals from a bootstrap over documents."),
    Output("slogan_contrast", "figure",
           "Log Ratio of slogan rates for the chosen contrast, with 95% bootstrap intervals; hollow points are "
           "descriptive only (too few documents or occurrences to test)."),
    Output("slogan_rates_by_region_quarter", "table",
           "Slogan counts, rates and shares of documents by province and quarter, with 95% bootstrap intervals."),
    Output("slogan_contrasts", "table",
           "Each province against the rest and each quarter against the previous one: Log Ratio with interval, "
           "G² or Fisher's exact test, Benjamini–Hochberg q-values."),
    Output("slogan_nb_effects", "table",
           "Adjusted rate ratios of province and quarter from negative binomial models with a length offset."),
    Output("slogan_candidates", "table", "Slogan candidates not in the lexicon, for review."),
    Output("slogan_counts", "table", "Counts of every slogan in every document, under both counting rules."),
)


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

    folder = Path(cfg.paths.figures)
    data = Path(result.folder)
    key = stages.stage_key("slogan_outputs", {"figures": cfg.section_hash("figures"),
                                              "slogans": cfg.section_hash("slogans")},
                           sorted(data.glob("*.parquet")))
    files = _files(SLOGAN_OUTPUTS, cfg.figures.formats) + ["slogan_concordance.csv", "slogan_concordance.html"]
    if not force and stages.is_fresh(data / "outputs", key, []) and all((folder / f).exists() for f in files):
        return False
    t = result.tables
    rates, contrasts, docs = t["rates"], t["contrasts"], t["documents"]
    sp = cfg.slogans
    captions = {o.name: o.caption for o in SLOGAN_OUTPUTS}
    fmt, dpi = cfg.figures.formats, cfg.figures.dpi
    save_figure(plots.slogan_heatmap(rates, "province", sp.top), "slogan_rates_by_region", folder, fmt, dpi)
    save_figure(plots.slogan_heatmap(rates, "quarter", sp.top), "slogan_rates_by_quarter", folder, fmt, dpi)
    save_figure(plots.slogan_intervals(rates, "province", min(sp.top, 8)), "slogan_intervals_by_region", folder,
                fmt, dpi)
    label = contrast_label(contrasts, docs, sp.contrast)
    chosen = contrasts[contrasts["contrast"] == label]
    if len(chosen):  # the language with most documents in the contrast
        lang = chosen.groupby("lang")["documents_target"].max().sort_values(ascending=False).index[0]
        chosen = chosen[chosen["lang"] == lang]
    save_figure(plots.slogan_contrast(chosen, label or "no contrast available", sp.top), "slogan_contrast",
                folder, fmt, dpi)
    pq = rates[rates["grouping"] == "province_quarter"]
    pq = pq[pq["count"] > 0][["province", "quarter", "lang", "slogan", "count", "exposure", "exposure_unit", "rate",
                              "rate_low", "rate_high", "documents", "documents_with", "share", "share_low",
                              "share_high"]].fillna({"province": "unknown", "quarter": "unknown"})
    save_table(pq.reset_index(drop=True), "slogan_rates_by_region_quarter", folder,
               captions["slogan_rates_by_region_quarter"] + f" Rule: {RULE_TEXT[sp.rule]}.")
    shown = contrasts[contrasts["status"] != "absent"][
        ["kind", "contrast", "lang", "slogan", "count_target", "count_reference", "rate_target", "rate_reference",
         "log_ratio", "log_ratio_low", "log_ratio_high", "g2", "p_value", "p_method", "q_value", "status"]]
    save_table(shown.reset_index(drop=True), "slogan_contrasts", folder,
               captions["slogan_contrasts"] + " " + contrasts["method"].iloc[0] if len(contrasts) else "")
    nb = t["nb_effects"]
    save_table(nb.drop(columns=["method", "rule"]).reset_index(drop=True), "slogan_nb_effects", folder,
               captions["slogan_nb_effects"] + (" " + nb["method"].iloc[0] if len(nb) else ""))
    save_table(t["candidates"], "slogan_candidates", folder, captions["slogan_candidates"])
    save_table(t["counts"][["doc_id", "slogan", "n_all", "n_longest"]], "slogan_counts", folder,
               captions["slogan_counts"] + f" n_all: {RULE_TEXT['all']}; n_longest: {RULE_TEXT['longest']}.")
    conc = t["concordance"]
    with_csv = conc.to_csv(index=False, lineterminator="\n")
    from . import atomic
    atomic.write_text(folder / "slogan_concordance.csv", with_csv)
    atomic.write_text(folder / "slogan_concordance.html", concordance_html(
        conc, "Slogan concordance", f"Every occurrence of every lexicon slogan ({RULE_TEXT[sp.rule]}), "
        f"with {sp.context_chars} characters of context."))
    stages.mark_done(data / "outputs", key, [])
    return True


KEYWORD_OUTPUTS = (
    Output("keyword_trends", "figure", "Rates of the most clearly rising and falling terms per period, with 95% "
           "bootstrap intervals over documents; a gap in the line is a period without documents."),
    Output("keyword_slope_chart", "figure", "Rates of the top trending terms in the first and the last period."),
    Output("keyword_keyness_by_quarter", "figure", "Most distinctive terms of each period against the rest: Log Ratio "
           "with 95% bootstrap interval."),
    Output("keyword_keyness_by_region", "figure", "Most distinctive terms of each province against the rest."),
    Output("keyword_user_terms", "figure", "The terms chosen in tifa.toml (keywords.terms): rates per period with "
           "95% bootstrap intervals."),
    Output("keyword_trend_table", "table", "Trend of every frequent term: Poisson slope with robust interval, "
           "Mann–Kendall and Sen's slope, class and evidence."),
    Output("keyword_keyness", "table", "Distinctive terms per period and per province: G², Log Ratio with interval, "
           "Benjamini–Hochberg q-values."),
    Output("keyword_tfidf", "table", "Top TF-IDF terms per period and per province, for comparison with keyness."),
    Output("keyword_collocates", "table", "Strongest collocates of the top trending terms per period (G²)."),
    Output("keyword_contexts", "table", "Keyword-in-context sample of the top trending and chosen terms."),
)


def build_keyword_outputs(cfg: Config, result, force: bool = False) -> bool:
    from .keyword_table import top_trending

    folder = Path(cfg.paths.figures)
    data = Path(result.folder)
    key = stages.stage_key("keyword_outputs", {"figures": cfg.section_hash("figures"),
                                               "keywords": cfg.section_hash("keywords")},
                           sorted(data.glob("*.parquet")))
    files = _files(KEYWORD_OUTPUTS, cfg.figures.formats)
    if not force and stages.is_fresh(data / "outputs", key, []) and all((folder / f).exists() for f in files):
        return False
    t = result.tables
    kp = cfg.keywords
    fmt, dpi = cfg.figures.formats, cfg.figures.dpi
    caps = {o.name: o.caption for o in KEYWORD_OUTPUTS}
    top = top_trending(t["trends"], min(kp.top, 12))
    save_figure(plots.keyword_small_multiples(t["period_rates"], t["trends"], top), "keyword_trends", folder, fmt, dpi)
    save_figure(plots.keyword_slope_chart(t["trends"], top), "keyword_slope_chart", folder, fmt, dpi)
    save_figure(plots.keyness_bars(t["keyness"], "period"), "keyword_keyness_by_quarter", folder, fmt, dpi)
    save_figure(plots.keyness_bars(t["keyness"], "province"), "keyword_keyness_by_region", folder, fmt, dpi)
    save_figure(plots.keyword_small_multiples(t["period_rates"], t["trends"], list(kp.terms)), "keyword_user_terms",
                folder, fmt, dpi)
    tr = t["trends"]
    method = tr["method"].iloc[0] if "method" in tr and len(tr) and tr["method"].notna().any() else ""
    save_table(tr.drop(columns=[c for c in ("method",) if c in tr]), "keyword_trend_table", folder,
               f"{caps['keyword_trend_table']} {method}")
    kn = t["keyness"]
    save_table(kn.drop(columns=["method"]), "keyword_keyness", folder,
               f"{caps['keyword_keyness']} {kn['method'].iloc[0] if len(kn) else ''}")
    save_table(t["tfidf"], "keyword_tfidf", folder, caps["keyword_tfidf"])
    save_table(t["collocates"], "keyword_collocates", folder, caps["keyword_collocates"])
    save_table(t["contexts"], "keyword_contexts", folder, caps["keyword_contexts"])
    stages.mark_done(data / "outputs", key, [])
    return True


def build_all(cfg: Config, progress: bool = True, force: bool = False) -> dict:
    """Run every stage that is out of date; return what each did."""
    from .slogan_table import build_slogans
    from .token_table import build_tokens

    corpus = build_corpus(cfg, progress=progress, force=force)
    wrote = build_corpus_outputs(cfg, corpus, force=force)
    tokens = build_tokens(cfg, progress=progress, force=force)
    slogans = build_slogans(cfg, progress=progress, force=force)
    slogan_wrote = build_slogan_outputs(cfg, slogans, force=force)
    from .keyword_table import build_keywords

    keywords = build_keywords(cfg, progress=progress, force=force)
    keyword_wrote = build_keyword_outputs(cfg, keywords, force=force)
    return {"corpus": corpus, "corpus_outputs": wrote, "tokens": tokens, "slogans": slogans,
            "slogan_outputs": slogan_wrote, "keywords": keywords, "keyword_outputs": keyword_wrote}
