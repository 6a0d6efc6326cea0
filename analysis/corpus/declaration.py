"""The corpus stage, declared: a folder of raw texts → the documents table, its problems and duplicates."""
from ..pipeline.registry import Stage

#: the settings that decide how a folder of texts becomes documents: the corpus stage's, and those of
#: any other folder read the same way (the adoption stage's reference corpus; :class:`~.stage.FolderReading`)
READING = ("corpus.traditional_share", "corpus.cjk_share", "corpus.latin_share", "corpus.inference",
           "corpus.max_doc_chars", "corpus.long_docs", "corpus.max_file_mb", "corpus.near_duplicates")

#: corpus.min_confidence is read by the analyses, not here; the worker count changes nothing but speed.
STAGE = Stage(
    "corpus", "analysis.corpus.stage",
    params=(*READING, "corpus.columns"),
    runtime=("corpus.workers",),
    writes=("documents.parquet", "problems.csv", "duplicates.csv"),
    sources="analysis.corpus.sources:raw_inputs",
    run="analysis.corpus.stage:build_corpus",
    gate="analysis.corpus.stage:require_documents",
    draw="analysis.publishing.draw:build_corpus_outputs",
    summary="analysis.corpus.summary:print_corpus_summary",
    findings="analysis.corpus.summary:findings",
    help="read, clean and annotate the corpus into the documents table",
    description="Read every text of the corpus folder (txt, csv, jsonl, parquet), clean it, split compilations, "
                "extract dates, periods and regions, apply metadata.csv overrides, and write the documents table "
                "(<data>/corpus/documents.parquet; schema: docs/documents.md). Prints a summary and every skipped "
                "file (all of them in <data>/corpus/problems.csv).")
