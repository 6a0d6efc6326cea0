"""The topics stage, declared: LDA over a grid of K, readable topics, prevalence by quarter and province."""
from ..pipeline.registry import Stage

#: The labels file is read when the outputs are drawn, and the worker count changes nothing but speed:
#: editing either never refits.
STAGE = Stage(
    "topics", "analysis.topics.stage",
    params=("topics.unit", "topics.column", "topics.k_grid", "topics.seeds", "topics.k", "topics.min_stability",
            "topics.engine", "topics.passes", "topics.iterations", "topics.gibbs_iterations", "topics.grid_iterations",
            "topics.grid_max_units", "topics.max_train_units", "topics.nmf_prior", "topics.no_below",
            "topics.no_above", "topics.keep_n", "topics.max_doc_share",
            "topics.min_units", "topics.heldout", "topics.top_words", "topics.relevance_lambda", "topics.draws",
            "topics.covariates", "topics.seed_topics", "random.seed", "corpus.min_confidence", "design.groupings",
            "design.groups"),
    files=("tokens.lexicon", "topics.seed_file"),
    runtime=("topics.workers", "run.memory_gb"),
    reads=("corpus/documents.parquet", "tokens/tokens.parquet"),
    writes=tuple(f"{t}.parquet" for t in ("grid", "topics", "passages", "doc_topics", "prevalence", "over_time", "nmf",
                                          "notes", "words", "stopwords", "prevalence_covariates", "seeded"))
    + ("browser.json",),
    run="analysis.topics.labels:labelled_topics",
    check="analysis.topics.labels:check_files",
    draw="analysis.publishing.draw:build_topic_outputs",
    draw_files=("topics.labels",),
    summary="analysis.topics.summary:print_topic_summary",
    findings="analysis.topics.summary:findings",
    help="LDA topic models: K chosen by evidence, readable topics, prevalence",
    description="Fit LDA per language (topics.engine: tomotopy's Gibbs sampler, or gensim) on paragraphs or "
                "documents (topics.unit) over a grid of K and seeds (coherence, exclusivity, held-out perplexity by "
                "document completion, stability across seeds), choose K by the documented rule (or fix it with "
                "topics.k: no grid), and report top words by relevance and FREX, representative passages, "
                "prevalence by quarter and province (method of composition, and a covariate DMR model: "
                "topics.covariates), seeded topics (topics.seed_topics), topics over time and an NMF cross-check. "
                "Writes <data>/topics/ and prints the chosen K and the topic labels.")
