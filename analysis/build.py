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


def build_all(cfg: Config, progress: bool = True, force: bool = False) -> dict:
    """Run every stage that is out of date; return what each did."""
    from .token_table import build_tokens

    corpus = build_corpus(cfg, progress=progress, force=force)
    wrote = build_corpus_outputs(cfg, corpus, force=force)
    tokens = build_tokens(cfg, progress=progress, force=force)
    return {"corpus": corpus, "corpus_outputs": wrote, "tokens": tokens}
