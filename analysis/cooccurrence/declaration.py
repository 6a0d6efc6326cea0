"""The cooccurrence stage, declared: which slogans appear in the same documents."""
from ..pipeline.registry import Stage

STAGE = Stage(
    "cooccurrence", "analysis.cooccurrence.stage",
    params=("slogans.top",),
    reads=("slogans/documents.parquet", "slogans/counts.parquet"),
    writes=("pairs.parquet",),
    run="analysis.cooccurrence.stage:build_cooccurrence",
    draw="analysis.publishing.draw:build_cooccurrence_outputs",
    summary="analysis.cooccurrence.summary:print_cooccurrence_summary",
    findings="analysis.cooccurrence.summary:findings",
    help="which slogans appear in the same documents (pairs of the most used slogans)",
    description="For the most used slogans of each language (slogans.top, by documents), every pair: the "
                "documents that use each, both, their Jaccard index, and how many more documents use both than "
                "if the two were used independently of each other. Descriptive: long documents hold more "
                "slogans, so a ratio above 1 is partly length. Writes <data>/cooccurrence/pairs.parquet.")
