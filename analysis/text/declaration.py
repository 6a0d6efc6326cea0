"""The tokens stage, declared: documents → one row of tokens per paragraph."""
from ..pipeline.registry import Option, Stage

#: The lexicon's and stop-word lists' content is read, not their paths; the worker count changes nothing but speed.
STAGE = Stage(
    "tokens", "analysis.text.stage",
    params=("tokens.backend", "tokens.hmm", "tokens.min_chars_zh", "tokens.min_chars_en", "tokens.canonical",
            "tokens.phrases_min_count", "tokens.phrases_threshold", "tokens.phrases_sample"),
    files=("tokens.lexicon", "tokens.stopwords_zh", "tokens.stopwords_en"),
    runtime=("tokens.workers",),
    reads=("corpus/documents.parquet",),
    writes=("tokens.parquet",),
    run="analysis.text.stage:build_tokens",
    check="analysis.text.lexicon:check_files",
    summary="analysis.text.summary:print_token_summary",
    help="segment and filter the documents into the token table",
    description="Segment Chinese with jieba/rjieba and the domain lexicon, tokenize English (lexicon phrases "
                "joined), drop numbers, punctuation and stop words, learn collocations, and write one row per "
                "paragraph to <data>/tokens/tokens.parquet (schema: docs/tokens.md). Builds the documents table "
                "first if needed. Prints the vocabulary size, tokens per language and the most frequent terms.",
    options=(Option("--top", "how many frequent terms to print per language", int, 15),))
