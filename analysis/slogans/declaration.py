"""The slogans stage, declared: every lexicon slogan (提法) counted; rates, contrasts, candidates, concordance."""
from ..pipeline.registry import Stage

#: slogans.top and slogans.contrast choose what the figures show: read by the drawing step, not here.
STAGE = Stage(
    "slogans", "analysis.slogans.stage",
    params=("slogans.rule", "slogans.include_title", "slogans.bootstrap", "slogans.bootstrap_max_docs",
            "slogans.min_docs", "slogans.min_count", "slogans.context_chars", "slogans.candidate_min_docs",
            "slogans.pooled", "random.seed", "corpus.min_confidence", "design.groupings", "design.groups"),
    files=("tokens.lexicon",),
    runtime=("run.memory_gb",),
    reads=("corpus/documents.parquet", "tokens/tokens.parquet"),
    writes=tuple(f"{t}.parquet" for t in ("counts", "documents", "rates", "contrasts", "nb_effects", "candidates",
                                          "concordance")) + ("summary.json",),
    run="analysis.slogans.stage:build_slogans",
    check="analysis.text.lexicon:check_files",
    draw="analysis.publishing.draw:build_slogan_outputs",
    summary="analysis.slogans.summary:print_slogan_summary",
    findings="analysis.slogans.summary:findings",
    help="count every lexicon slogan; rates, contrasts, candidates, concordance",
    description="Count the lexicon's slogans (提法) in every document, Chinese forms and English renderings alike, "
                "under the rule set in tifa.toml (slogans.rule); compute rates with intervals over documents by "
                "province, prefecture, quarter and language; test each province against the rest and each quarter "
                "against the previous one at the document level; fit negative binomial models; list slogan "
                "candidates; build the concordance. Writes <data>/slogans/*.parquet and prints a summary.")
