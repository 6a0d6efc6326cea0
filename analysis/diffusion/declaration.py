"""The adoption stage, declared: when each unit first uses each slogan, against the centre's clock."""
from pathlib import Path

from ..corpus.declaration import READING
from ..pipeline.registry import Option, Stage

STAGE = Stage(
    "adoption", "analysis.diffusion.stage",
    params=("adoption.by", "adoption.period", "adoption.slogans", "adoption.reference", "adoption.reference_columns",
            "adoption.min_docs", "adoption.covariates", "adoption.neighbours", "slogans.rule",
            "slogans.include_title", "slogans.context_chars", "corpus.min_confidence", "design.groups",
            *READING),   # the reference corpus is read as the corpus is
    files=("tokens.lexicon",),
    runtime=("corpus.workers",),
    reads=("corpus/documents.parquet", "slogans/counts.parquet", "slogans/concordance.parquet"),
    writes=tuple(f"{t}.parquet" for t in ("first_uses", "slogans", "coverage", "curves", "model", "reference",
                                          "reference_problems")),
    sources="analysis.corpus.sources:reference_inputs",
    sources_setting="adoption.reference",
    run="analysis.diffusion.stage:build_adoption",
    draw="analysis.publishing.draw:build_adoption_outputs",
    summary="analysis.diffusion.summary:print_adoption_summary",
    findings="analysis.diffusion.summary:findings",
    report="analysis.diffusion.summary:report",
    help="slogan adoption: each unit's first use of each slogan, censoring, the centre's clock, curves and a model",
    description="For every slogan × unit (adoption.by: province by default, or any grouping): the first use (date, "
                "document, passage), the documents seen before it, the interval in which the adoption happened "
                "(between the last document without and the first with), and censoring for units that never use "
                "it; the lag after the centre's first use when adoption.reference names a folder of central texts "
                "(first uses before the centre are flagged); Kaplan–Meier curves of the share of units adopting; "
                "a discrete-time hazard model of first use with the share of neighbouring provinces that adopted "
                "earlier, coverage and the researcher's unit covariates. Writes <data>/adoption/*.parquet.",
    options=(Option("--reference", "folder or table of central texts, the centre's clock (default: adoption.reference)",
                    type=Path, setting="adoption.reference"),))
