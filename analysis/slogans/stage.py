"""The slogans stage: exact counts of every lexicon slogan in every document, rates with
intervals by region and quarter, contrasts, a count model, candidates and the concordance.

Outputs in ``<data>/slogans/`` (Parquet): ``counts`` (doc_id, slogan, n_all, n_longest; only
non-zero rows), ``documents`` (doc_id, lang, exposure, region columns, quarter), ``rates``,
``contrasts``, ``nb_effects``, ``candidates``, ``concordance``. Every table carries the counting
rule and the method that made it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import sparse
import pandas as pd

from ..pipeline import runner
from ..pipeline.budget import statistics_cells
from ..stats.blocks import partitions
from .declaration import STAGE
from ..pipeline.config import Config
from ..corpus.documents_table import analysis_documents, document_texts
from ..corpus.groupings import grouping_variables
from .discovery import Candidates
from ..pipeline.sorted_runs import SortedRuns
from ..text.kwic import COLUMNS as KWIC_COLUMNS, concordance
from ..text.lexicon import Lexicon, read_lexicon
from .concepts import counted_texts, slogan_concepts, slogan_eras  # noqa: F401 (importable from here too)
from .matcher import RULE_TEXT, Matcher
from .statistics import (RATE_METHOD, SHARE_METHOD, WITHIN_METHOD, group_rates, nb_effects, quarter_vs_previous,
                           region_vs_rest)

TABLES = tuple(w.removesuffix(".parquet") for w in STAGE.writes if w.endswith(".parquet"))
#: Groupings of the rates table: name → columns (language is always added).
GROUPINGS = {"province": ["province"], "prefecture": ["province", "prefecture"], "quarter": ["quarter"],
             "province_quarter": ["province", "quarter"], "language": []}


#: the documents' variables of the stage's documents table (and its statistics' groupings)
STAGE_VARIABLES = ["region", "province", "prefecture", "county", "quarter", "period", "year"]


def _years(docs: pd.DataFrame) -> list:
    """Each document's year (None when undated), for the matcher's eras."""
    if "year" not in docs:
        return [None] * len(docs)
    return [None if pd.isna(y) else int(y) for y in docs["year"]]


def exposures(docs: pd.DataFrame, texts: dict[str, str]) -> np.ndarray:
    """Length of each counted text: characters without whitespace (zh), words (en)."""
    from ..corpus.documents import text_sizes

    out = []
    for doc_id, lang in zip(docs["doc_id"], docs["lang"]):
        sizes = text_sizes(texts[doc_id])
        out.append(sizes["n_words"] if lang == "en" else sizes["n_chars"])
    return np.asarray(out, dtype=float)


def count_documents(docs: pd.DataFrame, texts: dict[str, str], matcher: Matcher) -> pd.DataFrame:
    """Long table of non-zero counts: doc_id, slogan, n_all, n_longest."""
    rows = []
    for doc_id, lang, year in zip(docs["doc_id"], docs["lang"], _years(docs)):
        text = texts[doc_id]
        every = matcher.count(text, lang, "all", year)
        longest = matcher.count(text, lang, "longest", year)
        for slogan in sorted(every):
            rows.append((doc_id, slogan, every[slogan], longest.get(slogan, 0)))
    return pd.DataFrame(rows, columns=["doc_id", "slogan", "n_all", "n_longest"]).astype(
        {"n_all": "int64", "n_longest": "int64"})


def count_matrix(counts: pd.DataFrame, doc_ids: list[str], slogans: list[str], rule: str) -> sparse.csr_matrix:
    """Documents × slogans counts under a rule (all, longest or presence), sparse: most documents
    use few of the slogans (a dense one was 1.7 GB at 1,000,000 documents)."""
    col = "n_longest" if rule == "longest" else "n_all"
    shape = (len(doc_ids), len(slogans))
    if not len(counts):
        return sparse.csr_matrix(shape)
    r = pd.Index(doc_ids).get_indexer(counts["doc_id"])
    c = pd.Index(slogans).get_indexer(counts["slogan"])
    ok = (r >= 0) & (c >= 0)
    values = counts[col].to_numpy(dtype=float)[ok]
    if rule == "presence":
        values = (values > 0).astype(float)
    m = sparse.csr_matrix((values, (r[ok], c[ok])), shape=shape)
    m.eliminate_zeros()
    return m


def lone_documents(frame: pd.DataFrame, groupings) -> set[str]:
    """The documents of ``frame`` that are alone (of their language) in a group of some grouping
    (``groupings``: lists of columns): their rates get intervals over their paragraphs."""
    lone: set[str] = set()
    for cols in groupings:
        keys = frame[cols].astype("string").fillna("unknown") if cols else pd.DataFrame(index=frame.index)
        keys["lang"] = frame["lang"].to_numpy()
        sizes = keys.groupby(list(keys.columns), sort=False)["lang"].transform("size")
        lone |= set(frame.loc[sizes.to_numpy() == 1, "doc_id"])
    return lone


def paragraph_counts(docs: pd.DataFrame, texts: dict[str, str], matcher: Matcher, rule: str,
                     wanted: set[str]) -> dict[str, tuple[list, list]]:
    """doc_id → (slogan counts of each paragraph, paragraph lengths) for the documents in ``wanted``
    (paragraphs: the counted text's non-blank lines; lengths measured as the exposure is)."""
    from ..corpus.documents import text_sizes

    out = {}
    for doc_id, lang, year in zip(docs["doc_id"], docs["lang"], _years(docs)):
        if doc_id in wanted:
            paras = [p for p in texts[doc_id].split("\n") if p.strip()]
            unit = "n_words" if lang == "en" else "n_chars"
            out[doc_id] = ([matcher.count(p, lang, rule, year) for p in paras], [text_sizes(p)[unit] for p in paras])
    return out


def stage_documents(docs: pd.DataFrame, texts: dict[str, str], groupings: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per document: its metadata, the groupings of [design] (``groupings``, indexed like
    ``docs``), its exposure (characters, or words in English)."""
    out = docs[["doc_id", "lang", *STAGE_VARIABLES]].copy()
    if groupings is not None and len(groupings.columns):  # indexed by doc_id
        out = pd.concat([out, groupings.loc[docs["doc_id"].to_numpy()].set_axis(out.index)], axis=1)
    out["exposure"] = exposures(docs, texts)
    out["exposure_unit"] = np.where(out["lang"] == "en", "words", "characters")
    return out.reset_index(drop=True)


def build_slogans(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the slogans stage unless it is up to date."""
    with partitions(statistics_cells(cfg)):   # the statistics' partitions follow run.memory_gb
        return runner.run_tables(STAGE, cfg, TABLES, compute_slogans, force, summary)


def compute_slogans(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    """The slogans stage's tables (``cfg``: the stage's view of the configuration)."""
    from ..text.token_table import long_tokens

    lexicon = read_lexicon(cfg.tokens.lexicon)
    sp = cfg.slogans
    docs = analysis_documents(cfg, ["doc_id", "lang", "title", *STAGE_VARIABLES, *cfg.design.groupings]
                              ).reset_index(drop=True)
    extra = grouping_variables(docs, cfg.design).set_axis(docs["doc_id"].to_numpy())
    matcher = Matcher(slogan_concepts(lexicon), slogan_eras(lexicon))
    known = {s for e in lexicon.entries for s in e.surfaces} | {r for e in lexicon.entries for r in e.english}
    candidates = Candidates(known)
    counts, stage_docs = [], []
    lone = lone_documents(pd.concat([docs, extra.reset_index(drop=True)], axis=1),
                          [*GROUPINGS.values(), *([g] for g in extra.columns)]) if sp.rule != "presence" else set()
    docs = docs[["doc_id", "lang", "title", *STAGE_VARIABLES]]   # what the batches and the statistics use
    paragraphs: dict = {}
    # the concordance (1.9 million passages at a million documents) waits on disk, a batch at a time
    quotes = SortedRuns(out / "concordance.parquet", ["slogan", "doc_id"], pd.DataFrame(columns=KWIC_COLUMNS))
    try:
        for part in document_texts(cfg, docs):  # the texts a batch at a time: counted, measured, quoted
            texts = counted_texts(part, sp.include_title)
            counts.append(count_documents(part, texts, matcher))
            stage_docs.append(stage_documents(part, texts, extra))
            candidates.add(part, texts)
            paragraphs.update(paragraph_counts(part, texts, matcher, sp.rule, lone))
            quotes.add(concordance(stage_docs[-1], texts, matcher, sp.rule, sp.context_chars))
        quotes.write()
    finally:
        quotes.discard()
    counts = pd.concat(counts, ignore_index=True) if counts else count_documents(docs, {}, matcher)
    stage_docs = pd.concat(stage_docs, ignore_index=True) if stage_docs else stage_documents(docs, {}, extra)
    slogans = sorted(counts["slogan"].unique())
    matrix = count_matrix(counts, stage_docs["doc_id"].tolist(), slogans, sp.rule)
    # each table written when it is made, and let go (at a million documents they were 0.5 GB together)
    tables = {"counts": runner.write_table(out, "counts", counts.assign(rule_all=RULE_TEXT["all"],
                                                                          rule_longest=RULE_TEXT["longest"]))}
    del counts
    tables["documents"] = runner.write_table(out, "documents", stage_docs)
    tables["rates"] = runner.write_table(out, "rates", with_renderings(
        rate_table(stage_docs, matrix, slogans, sp, list(extra.columns), paragraphs), lexicon))
    tables["contrasts"] = runner.write_table(out, "contrasts", with_renderings(
        contrast_table(stage_docs, matrix, slogans, sp, cfg.random.seed, list(extra.columns)), lexicon))
    tables["nb_effects"] = runner.write_table(out, "nb_effects", nb_effects(
        stage_docs, matrix, slogans, min_count=sp.min_count).assign(rule=RULE_TEXT[sp.rule]))
    del matrix, paragraphs
    tables["candidates"] = candidates.table(stage_docs, long_tokens(cfg, docs), sp.candidate_min_docs,
                                            lambda ids: example_texts(cfg, docs, ids, sp.include_title))
    return tables   # and concordance.parquet, written above


def with_renderings(table: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """``table`` with a ``rendering`` column: for English rows, the lexicon's first English rendering
    of the slogan (what the English panels are labelled with), else empty."""
    english = {term: (renderings[0] if renderings else "") for term, (_, renderings) in slogan_concepts(lexicon).items()}
    return table.assign(rendering=np.where(table["lang"] == "en", table["slogan"].map(english).fillna(""), ""))


def rate_table(stage_docs: pd.DataFrame, matrix, slogans: list[str], sp, extra: list[str],
               paragraphs: dict | None = None) -> pd.DataFrame:
    """Rates of every slogan per group of each grouping (the standard ones and ``extra``, those of
    [design] groupings), with the counting rule and the method; a group of one document has its
    interval over its paragraphs (``paragraphs``, from :func:`paragraph_counts`)."""
    frames = []
    for name, cols in {**GROUPINGS, **{g: [g] for g in extra}}.items():
        r = group_rates(stage_docs, matrix, slogans, cols, min_docs=sp.min_docs, pooled=sp.pooled,
                        paragraphs=paragraphs)
        r.insert(0, "grouping", name)
        frames.append(r)
    rates = pd.concat(frames, ignore_index=True)
    for col in ("province", "prefecture", "quarter", *extra):
        if col not in rates:
            rates[col] = pd.NA
    rates["rule"] = RULE_TEXT[sp.rule]
    rates["method"] = RATE_METHOD.format(min_docs=sp.min_docs) + "; " + WITHIN_METHOD + "; " + SHARE_METHOD
    return rates


def contrast_table(stage_docs: pd.DataFrame, matrix, slogans: list[str], sp, seed: int, extra: list[str]) -> pd.DataFrame:
    """Each province, prefecture and group of the [design] groupings (``extra``) against the rest,
    and each quarter against the one before, at the document level."""
    kw = dict(B=sp.bootstrap, seed=seed, min_docs=sp.min_docs, min_count=sp.min_count,
              bootstrap_max_docs=sp.bootstrap_max_docs)
    contrasts = pd.concat([
        region_vs_rest(stage_docs, matrix, slogans, "province", **kw).assign(kind="province vs rest"),
        region_vs_rest(stage_docs, matrix, slogans, "prefecture", **kw).assign(kind="prefecture vs rest"),
        quarter_vs_previous(stage_docs, matrix, slogans, **kw).assign(kind="quarter vs previous"),
        *(region_vs_rest(stage_docs, matrix, slogans, g, **kw).assign(kind=f"{g} vs rest") for g in extra),
    ], ignore_index=True)
    contrasts["rule"] = RULE_TEXT[sp.rule]
    return contrasts


def example_texts(cfg: Config, docs: pd.DataFrame, doc_ids: list[str], include_title: bool) -> dict[str, str]:
    """The counted texts of a few documents (``doc_ids``, rows of ``docs``)."""
    few = docs[docs["doc_id"].isin(set(doc_ids))]
    return {d: t for part in document_texts(cfg, few) for d, t in counted_texts(part, include_title).items()}



def summary(tables: dict) -> dict:
    """summary.json's facts (``tables``: the stage's tables, or the paths of those written)."""
    def read(name, columns):   # those of the columns the table has (a table without rows may lack some)
        table = tables[name]
        if isinstance(table, Path):
            import pyarrow.parquet as pq

            names = pq.read_schema(table).names
            return pd.read_parquet(table, columns=[c for c in columns if c in names])
        return table[[c for c in columns if c in table]]
    counts, contrasts = read("counts", ["doc_id", "slogan", "n_all"]), read("contrasts", ["status", "q_value"])
    docs = read("documents", ["doc_id"])
    totals = counts.groupby("slogan")["n_all"].sum().sort_values(ascending=False)
    per_doc = counts.groupby("slogan")["doc_id"].nunique()
    tested = contrasts[contrasts["status"] == "tested"]
    return {
        "documents": int(len(docs)),
        "slogans_found": int(counts["slogan"].nunique()),
        "occurrences": int(counts["n_all"].sum()),
        "top": [(s, int(n), int(per_doc[s])) for s, n in totals.head(10).items()],
        "contrasts_tested": int(len(tested)),
        "significant_q05": int((tested["q_value"] < 0.05).sum()) if len(tested) else 0,
        "candidates": int(len(read("candidates", ["candidate"]))),
    }
