"""The keywords stage, declared: frequencies, keyness, trends, collocates and contexts from the tokens."""
from ..pipeline.registry import Stage

STAGE = Stage(
    "keywords", "analysis.keywords.stage",
    params=("keywords.period", "keywords.column", "keywords.min_count", "keywords.min_log_ratio", "keywords.min_docs",
            "keywords.min_term_docs", "keywords.max_doc_share",
            "keywords.top", "keywords.floor", "keywords.trend_min_docs", "keywords.trend_min_periods",
            "keywords.bootstrap", "keywords.bootstrap_max_docs", "keywords.window", "keywords.terms", "random.seed", "corpus.min_confidence",
            "design.groupings", "design.groups"),
    files=("tokens.lexicon",),
    runtime=("run.memory_gb",),
    reads=("corpus/documents.parquet", "tokens/tokens.parquet"),
    writes=tuple(f"{t}.parquet" for t in ("documents", "frequencies", "keyness", "tfidf", "trends", "period_rates",
                                          "collocates", "contexts")) + ("summary.json",),
    run="analysis.keywords.stage:build_keywords",
    check="analysis.text.lexicon:check_files",
    draw="analysis.publishing.draw:build_keyword_outputs",
    summary="analysis.keywords.summary:print_keyword_summary",
    findings="analysis.keywords.summary:findings",
    help="keyword frequencies, keyness, trends, collocates and contexts",
    description="From the token table: term frequencies per period (keywords.period) and province, distinctive "
                "terms (document-level test, Benjamini–Hochberg over the grouping, Log Ratio with bootstrap "
                "interval) beside TF-IDF, trends (linear, peak and level-shift tests over documents; exact "
                "Mann–Kendall with Sen's slope) classified as rising, falling, peak, level shift, emerging, "
                "vanishing or stable, collocates and keyword-in-context samples. Writes <data>/keywords/*.parquet.")
