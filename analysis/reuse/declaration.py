"""The reuse stage, declared: the passages of the documents that repeat central texts."""
from pathlib import Path

from ..corpus.declaration import READING
from ..pipeline.registry import Option, Stage

STAGE = Stage(
    "reuse", "analysis.reuse.stage",
    params=("reuse.reference", "reuse.reference_columns", "reuse.by", "reuse.period", "reuse.years_before",
            "reuse.min_chars",
            "reuse.min_similarity", "corpus.min_confidence", "design.groups",
            *READING),   # the reference is read as the corpus is
    runtime=("corpus.workers", "run.memory_gb"),
    reads=("corpus/documents.parquet",),
    writes=tuple(f"{t}.parquet" for t in ("passages", "documents", "units", "central", "reference",
                                          "reference_problems")),
    sources="analysis.corpus.sources:reference_inputs",
    sources_setting="reuse.reference",
    run="analysis.reuse.stage:build_reuse",
    draw="analysis.publishing.draw:build_reuse_outputs",
    summary="analysis.reuse.summary:print_reuse_summary",
    findings="analysis.reuse.summary:findings",
    report="analysis.reuse.summary:report",
    help="text reuse: the passages of each document that repeat a central text (reuse.reference), and how much",
    description="Every passage of every document that repeats, verbatim or with small edits, a passage of a "
                "reference corpus of central texts (reuse.reference: national Government Work Reports, central "
                "documents; any folder or table), with both sides' character offsets and similarity: candidates "
                "from shared character 8-grams, then a Levenshtein alignment (docs/reuse.md). Per document the "
                "share of its characters reused and from which reference; per unit (reuse.by) and period the "
                "pooled share with a 95% interval over documents; the central passages ranked by how many units "
                "repeat them. Writes <data>/reuse/*.parquet. Example: python -m analysis reuse --reference "
                "../shared/corpora/gwr_national/texts",
    options=(Option("--reference", "folder or table of central texts (default: reuse.reference)", type=Path,
                    setting="reuse.reference"),))
