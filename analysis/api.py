"""The public API for notebooks, in the grammar of quanteda and pandas.

A corpus (documents with their variables) → tokens → a document-feature matrix; verbs return new
objects; ``textstat_*`` functions and ``slogan_rates`` return DataFrames, grouped ``by=`` any
document variable (a metadata column, or a column of a tabular corpus kept as a document variable)::

    import analysis as tf
    corp = tf.load_corpus("tifa.toml")                        # builds what is out of date
    corp.subset(corp.documents["lang"] == "zh")          # a new Corpus
    tf.slogan_rates(corp, by="outlet",                   # lexicon slogans and one of your own
                    add={"一线工作法": ["一线工作法", "一线工作"]})
    dfm = corp.tokens().dfm()
    tf.textstat_keyness(dfm, by="province")
    tf.textstat_trends(dfm, period="quarter")
    tf.fit_topics(corp, k=8)                             # the topic stage with K fixed

Every function runs on the same tables, tests and intervals as ``make figures`` (docs/api.md).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .pipeline.config import Config, ConfigError, load_config


def _queries(strings, what: str = "queries") -> list[str]:
    """A list of non-empty strings from ``strings`` (one string is one query, not its characters)."""
    if isinstance(strings, (dict, bytes)) or not isinstance(strings, (str, Iterable)):
        raise ConfigError(f"{what}: expected a string or a list of strings, got {type(strings).__name__} {strings!r}")
    items = [strings] if isinstance(strings, str) else list(strings)
    bad = [x for x in items if not isinstance(x, str) or not x.strip()]
    if bad or not items:
        raise ConfigError(f"{what}: expected strings that are not empty, got {bad[0] if bad else 'none'!r}")
    return items


def _rule(rule: str | None) -> str | None:
    from .slogans.matcher import RULES

    if rule is not None and rule not in RULES:
        raise ConfigError(f"rule: '{rule}' is not a counting rule (choose from {', '.join(RULES)})")
    return rule

#: columns of the documents table that are not document variables
_TEXT_COLUMNS = ("text", "doc_vars")


def _config(config: Config | str | Path | None, **sections) -> Config:
    cfg = config if isinstance(config, Config) else load_config(config)
    return cfg.replace(**sections) if sections else cfg


# ---- corpus ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Corpus:
    """Documents in a supported language (one per duplicate cluster unless asked otherwise), with
    their metadata and the document variables of tabular corpora as columns."""

    documents: pd.DataFrame
    config: Config

    def __len__(self) -> int:
        return len(self.documents)

    def __repr__(self) -> str:
        langs = ", ".join(f"{k} {v}" for k, v in self.documents["lang"].value_counts().sort_index().items())
        return f"Corpus of {len(self)} documents ({langs}); variables: {', '.join(self.variables)}"

    @property
    def variables(self) -> list[str]:
        """The columns one can group by (everything but the text)."""
        return [c for c in self.documents.columns if c not in _TEXT_COLUMNS and not c.endswith(("_source", "_conf"))]

    @property
    def docvars(self) -> pd.DataFrame:
        return self.documents[["doc_id", *[v for v in self.variables if v != "doc_id"]]]

    def subset(self, rows) -> "Corpus":
        """A corpus of some documents: a boolean mask, a pandas query string or a list of doc_ids."""
        docs = self.documents
        if isinstance(rows, str):
            chosen = docs.query(rows)
        elif isinstance(rows, (list, tuple, set)):
            chosen = docs[docs["doc_id"].isin(list(rows))]
        else:
            chosen = docs[np.asarray(rows, dtype=bool)]
        return Corpus(chosen.reset_index(drop=True), self.config)

    def tokens(self, progress: bool = False) -> "Tokens":
        """The tokens of these documents (the tokens stage runs if it is out of date)."""
        from .text.stage import build_tokens
        from .text.token_table import load_tokens

        build_tokens(self.config, progress=progress)
        return Tokens(load_tokens(self.config, None, self.documents), self)

    def count(self, strings: list[str], rule: str = "all", include_title: bool = True) -> pd.DataFrame:
        """Queries counted in every document: exact strings, wildcards (``稳*``), regular expressions
        (``re:稳(增长|就业)``) and proximity (``双过半 NEAR/20 项目``); see ``python -m analysis count -h``."""
        from .slogans.query import count_strings

        return count_strings(_queries(strings), self.documents, _rule(rule), include_title)


def load_corpus(config: Config | str | Path | None = None, *, folder: str | Path | None = None,
           data: str | Path | None = None, duplicates: bool = False, min_confidence: str | None = None,
           progress: bool = False, **sections) -> Corpus:
    """The corpus of a configuration (tifa.toml by default; ``folder`` and ``data`` replace its
    paths; ``sections`` replace settings, as ``corpus={"inference": "strict"}``). The corpus stage
    runs when it is out of date."""
    from .corpus.groupings import described
    from .corpus.stage import analysable, build_corpus, require_documents

    cfg = _config(config, **sections).with_paths(corpus=folder, data=data)
    result = require_documents(build_corpus(cfg, progress=progress), cfg)
    docs = analysable(result.documents, min_confidence or cfg.corpus.min_confidence, duplicates=duplicates)
    return Corpus(described(docs, cfg.design.groups).reset_index(drop=True), cfg)


# ---- tokens and the document-feature matrix ---------------------------------------------------------
@dataclass(frozen=True)
class Tokens:
    """The token table of a corpus's documents: one row per paragraph (docs/tokens.md)."""

    table: pd.DataFrame
    corpus: Corpus

    def __repr__(self) -> str:
        return f"Tokens of {self.table['doc_id'].nunique()} documents, {len(self.table)} paragraphs"

    def dfm(self, column: str = "tokens") -> "DFM":
        """Documents × features counts (``column``: tokens, or phrased with collocations joined);
        English renderings of lexicon terms count as the term."""
        from .keywords.stage import document_term_matrix
        from .text.lexicon import read_lexicon

        if column not in ("tokens", "phrased"):
            raise ConfigError(f"column: '{column}' is not a token column (choose tokens, or phrased with collocations joined)")
        lexicon = read_lexicon(self.corpus.config.tokens.lexicon)
        mapping = {"_".join(words): term for words, term in lexicon.english_phrases().items()}
        docs = self.corpus.documents
        matrix, features = document_term_matrix(self.table, docs["doc_id"].tolist(), column, mapping)
        docvars = self.corpus.docvars.assign(length=np.asarray(matrix.sum(axis=1)).ravel())
        return DFM(matrix, features, docvars.reset_index(drop=True), self.corpus.config)


@dataclass(frozen=True)
class DFM:
    """A document-feature matrix: ``matrix`` (scipy sparse, documents × features), ``features``,
    and ``docvars`` (one row per document, with ``length`` in tokens)."""

    matrix: object
    features: list
    docvars: pd.DataFrame
    config: Config

    def __repr__(self) -> str:
        return f"Document-feature matrix: {self.matrix.shape[0]} documents × {self.matrix.shape[1]} features"

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def subset(self, rows) -> "DFM":
        """Some documents (a boolean mask over ``docvars``)."""
        keep = np.flatnonzero(np.asarray(rows, dtype=bool))
        return DFM(self.matrix[keep], self.features, self.docvars.iloc[keep].reset_index(drop=True), self.config)


def _grouped(dfm: DFM, by: str | None) -> tuple[pd.DataFrame, str]:
    docs = dfm.docvars
    if by is None or by == "lang":  # every table is per language already
        return docs.assign(_all="all"), "_all"
    if by not in docs:
        raise KeyError(f"no document variable '{by}' (variables: {', '.join(docs.columns)})")
    return docs, by


def textstat_frequency(dfm: DFM, by: str | None = None, n: int | None = None) -> pd.DataFrame:
    """Count, rate per 10,000 tokens and documents of every feature, per group of ``by`` and language,
    most frequent first (the top ``n`` of each group)."""
    from .keywords.statistics import frequencies

    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ConfigError(f"n: expected a whole number of at least 1 (or None for every feature), got {n!r}")
    docs, col = _grouped(dfm, by)
    out = frequencies(docs, dfm.matrix, dfm.features, col).sort_values(
        [col, "lang", "count"], ascending=[True, True, False], kind="stable")
    if n:
        out = out.groupby([col, "lang"], sort=False).head(n)
    return out.drop(columns=["_all"], errors="ignore").reset_index(drop=True)


def textstat_keyness(dfm: DFM, by: str, **settings) -> pd.DataFrame:
    """Distinctive features of each group of ``by`` against the rest: the document-level test with
    Benjamini–Hochberg over the grouping, Log Ratio with bootstrap interval (docs/keywords.md).
    ``settings``: min_count, min_log_ratio, top, B, min_docs (default: the configuration's)."""
    from .keywords.statistics import keyness

    kp = dfm.config.keywords
    kw = dict(min_count=kp.min_count, min_log_ratio=kp.min_log_ratio, top=kp.top, B=kp.bootstrap,
              min_docs=kp.min_docs, seed=dfm.config.random.seed)
    docs, col = _grouped(dfm, by)
    return keyness(docs, dfm.matrix, dfm.features, col, **{**kw, **settings})


def textstat_trends(dfm: DFM, period: str = "quarter", **settings) -> pd.DataFrame:
    """Trend of every frequent feature over ``period`` (quarter, month or year): linear, peak and
    level-shift tests over documents, a class and its evidence (docs/keywords.md)."""
    from .keywords.stage import keyword_documents
    from .keywords.statistics import trends

    kp = dfm.config.keywords
    docs = dfm.docvars.assign(period=keyword_documents(dfm.docvars, period))
    kw = dict(floor=kp.floor, min_docs=kp.min_docs, min_term_docs=kp.trend_min_docs,
              min_term_periods=kp.trend_min_periods)
    return trends(docs, dfm.matrix, dfm.features, "period", period, **{**kw, **settings})


# ---- slogans --------------------------------------------------------------------------------------
def slogans_of(add: dict | None = None, lexicon: bool = True, config: Config | None = None) -> dict:
    """Slogan → (Chinese forms, English renderings): the lexicon's slogans and those in ``add``, given
    as ``{"腾笼换鸟": ["腾笼换鸟"]}`` (Chinese forms) or ``{"腾笼换鸟": {"zh": [...], "en": [...]}}``."""
    from .text.lexicon import read_lexicon
    from .slogans.stage import slogan_concepts

    cfg = config or load_config()
    out = slogan_concepts(read_lexicon(cfg.tokens.lexicon)) if lexicon else {}
    for term, forms in (add or {}).items():
        if isinstance(forms, dict):
            zh, en = _queries(forms.get("zh", [term]), f"add[{term!r}]['zh']"), list(forms.get("en", []))
        else:   # a string is one form, not its characters
            zh, en = _queries(forms, f"add[{term!r}]"), []
        out[term] = (list(dict.fromkeys([*zh, *out.get(term, ([], []))[0]])),
                     list(dict.fromkeys([*en, *out.get(term, ([], []))[1]])))
    return out


def slogan_counts(corp: Corpus, add: dict | None = None, lexicon: bool = True, rule: str | None = None) -> pd.DataFrame:
    """Documents × slogans counts (a column per slogan) under the counting rule (slogans.rule)."""
    return _counted(corp, add, lexicon, rule)[0]


def _slogan_matcher(concepts: dict, lexicon: bool, cfg: Config):
    """A matcher of ``concepts`` that counts the lexicon's era-bound slogans in their years only."""
    from .slogans.matcher import Matcher
    from .slogans.stage import slogan_eras
    from .text.lexicon import read_lexicon

    eras = slogan_eras(read_lexicon(cfg.tokens.lexicon)) if lexicon else {}
    return Matcher(concepts, {c: f for c, f in eras.items() if c in concepts})


def _counted(corp: Corpus, add, lexicon: bool, rule) -> tuple[pd.DataFrame, dict]:
    """The counts table and the counted texts (title and text) it was made from."""
    from .slogans.stage import count_documents, count_matrix, counted_texts

    cfg = corp.config
    rule = _rule(rule)
    concepts = slogans_of(add, lexicon, cfg)
    texts = counted_texts(corp.documents, cfg.slogans.include_title)
    counts = count_documents(corp.documents, texts, _slogan_matcher(concepts, lexicon, cfg))
    names = sorted(concepts)
    matrix = count_matrix(counts, corp.documents["doc_id"].tolist(), names, rule or cfg.slogans.rule)
    table = pd.DataFrame(matrix.toarray().astype(int), columns=names).assign(doc_id=corp.documents["doc_id"].to_numpy())
    return table[["doc_id", *names]], texts


def slogan_rates(corp: Corpus, by: str | list[str] | None = None, add: dict | None = None, lexicon: bool = True,
                 rule: str | None = None, min_docs: int | None = None) -> pd.DataFrame:
    """Count, rate per 10,000 characters (words in English), share of documents with it, and their
    intervals over documents, per slogan × group of ``by`` (any document variable) × language; the
    lexicon's slogans and those in ``add`` (see :func:`slogans_of`)."""
    from .slogans.statistics import group_rates
    from .slogans.stage import exposures, lone_documents, paragraph_counts

    cfg = corp.config
    by = [by] if isinstance(by, str) else list(by or [])
    missing = [b for b in by if b not in corp.documents]
    if missing:
        raise KeyError(f"no document variable {', '.join(missing)} (variables: {', '.join(corp.variables)})")
    table, texts = _counted(corp, add, lexicon, rule)
    # the slogans found (as the slogans stage reports them) and every slogan added, found or not
    names = [c for c in table.columns if c != "doc_id" and (table[c].any() or c in (add or {}))]
    docs = corp.documents[list(dict.fromkeys(["doc_id", "lang", "year", *by]))].copy()
    docs["exposure"] = exposures(corp.documents, texts)
    rule = rule or cfg.slogans.rule
    lone = lone_documents(docs, [by]) if rule != "presence" else set()   # their intervals: over paragraphs
    paragraphs = paragraph_counts(docs, texts, _slogan_matcher(slogans_of(add, lexicon, cfg), lexicon, cfg), rule, lone)
    return group_rates(docs, table[names].to_numpy(dtype=float), names, by,
                       min_docs=min_docs or cfg.slogans.min_docs, pooled=cfg.slogans.pooled, paragraphs=paragraphs)


def kwic(corp: "Corpus", queries: str | list[str], context: int = 30, include_title: bool = True) -> pd.DataFrame:
    """Every match of each query (as in :meth:`Corpus.count`) with ``context`` characters on each
    side, and each document's variables: one row per match, in document order."""
    from .slogans.query import kwic as matches

    queries = _queries(queries)
    table = matches(queries, corp.documents, context, include_title)
    return table.merge(corp.docvars.drop(columns=["lang", "region", "quarter"], errors="ignore"), on="doc_id",
                       how="left")


# ---- any stage, on any corpus ----------------------------------------------------------------------
def run(stage: str, corp: "Corpus | Config | str | Path | None" = None, progress: bool = False, force: bool = False,
        **sections):
    """Run any declared stage (``python -m analysis --help`` lists them; docs/architecture.md says what
    each reads and writes) and what it needs, each only when out of date; its result (``.tables``:
    the stage's tables, read when used). ``sections`` replace settings, as ``topics={"k": 8}``.

    On a subset of the corpus (``corp.subset(...)``), the stages after the corpus stage run on
    those documents only, in a data folder of their own (``<data>/subsets/<id>``, named by the
    documents' ids and the documents table), cached like the whole corpus's::

        zj = corp.subset("province == '浙江省'")
        tf.run("slogans", zj).tables["rates"]
    """
    from .pipeline import registry
    from .pipeline.run import run_stages

    cfg = corp.config if isinstance(corp, Corpus) else _config(corp)
    cfg = cfg.replace(**sections) if sections else cfg
    given: tuple = ()
    if isinstance(corp, Corpus):
        cfg, given = _subset_data(corp, cfg)
    return run_stages(cfg, [registry.get(stage).name], progress, force, given)[stage]


def _subset_data(corp: "Corpus", cfg: Config) -> tuple[Config, tuple]:
    """(cfg, ()) when ``corp`` holds every analysable document; else a configuration whose data
    folder holds only ``corp``'s rows of the documents table, and the stages given by it."""
    import hashlib

    from .corpus.documents_table import documents_path
    from .corpus.stage import analysable, build_corpus, require_documents
    from .pipeline import atomic, registry
    from .pipeline.cache import file_digest

    whole = analysable(require_documents(build_corpus(cfg, progress=False), cfg).documents, cfg.corpus.min_confidence)
    ids = sorted(corp.documents["doc_id"])
    if ids == sorted(whole["doc_id"]):
        return cfg, ()
    if not ids:
        raise ValueError("the subset has no documents")
    source = documents_path(cfg)
    digest = hashlib.sha256("\x1f".join([file_digest(source), *ids]).encode()).hexdigest()[:16]
    folder = Path(cfg.paths.data) / "subsets" / digest
    target = folder / source.parent.name / source.name
    if not target.exists():
        table = pd.read_parquet(source)
        atomic.write_parquet(target, table[table["doc_id"].isin(set(ids))].reset_index(drop=True))
    # the stages whose only inputs are raw sources (the corpus) are given by the subset's folder
    return cfg.with_paths(data=folder), tuple(s.name for s in registry.stages() if s.sources and not s.reads)


# ---- adoption -------------------------------------------------------------------------------------
def adoption(corp: "Corpus", slogans: "list[str] | None" = None, by: str = "province",
             reference: "str | Path | None" = None, progress: bool = False) -> pd.DataFrame:
    """When each unit (``by``: province, prefecture, county or any grouping) first used each slogan
    (``slogans``: default, every slogan some unit uses): a row per slogan × unit with first_date,
    first_doc_id, the passage, the interval in which it happened (last_without … first_date), the
    documents seen before it, and ``censored`` for units that never used it; with ``reference`` (a
    folder or table of central texts) the centre's first use and each unit's lag after it. The
    stage's other tables (curves, model, coverage): ``tf.run("adoption", corp, adoption={...})``;
    the rules: docs/adoption.md."""
    settings: dict = {"by": by}
    if slogans is not None:
        settings["slogans"] = _queries(slogans, "slogans")
    if reference is not None:
        if not isinstance(reference, (str, Path)):
            raise ConfigError(f"reference: expected a folder or file of central texts, got {type(reference).__name__}")
        settings["reference"] = str(Path(reference).expanduser().resolve())
    return run("adoption", corp, progress, adoption=settings).tables["first_uses"]



def targets(corp: "Corpus", by: str = "province", progress: bool = False) -> pd.DataFrame:
    """The quantitative targets of the corpus's work reports (主要预期目标): a row per target with
    doc_id, place (the document's ``by``), indicator, year, low, high, qualifier (about, at_least,
    at_most, range, point, as_assigned, in_step), unit, direction, stretch, the sentence and its
    offsets, and last year's outcome as the report states it. Documents without a targets passage
    have none (``tf.run("targets", corp).tables["documents"]`` says which); the rules and their
    accuracy: docs/targets.md."""
    return run("targets", corp, progress, targets={"by": by}).tables["targets"]


def text_reuse(corp: "Corpus", reference: "Corpus | str | Path", by: str = "province",
               progress: bool = False) -> pd.DataFrame:
    """The passages of the corpus's documents that repeat, verbatim or with small edits, a passage of
    ``reference`` (a folder or table of central texts, or a Corpus: its folder): a row per passage with
    doc_id, ref_id, start, end (offsets in the document's text as stored in the documents table),
    ref_start, ref_end, similarity, chars, the unit (``by``) and both texts. The stage's other tables
    (share per document and per unit, the central sentences most repeated):
    ``tf.run("reuse", corp, reuse={...})``; the rules: docs/reuse.md."""
    if isinstance(reference, Corpus):
        reference = reference.config.paths.corpus   # its folder: all of it, not a subset
    if not isinstance(reference, (str, Path)):
        raise ConfigError(f"reference: expected a Corpus or a folder or file of central texts, got "
                          f"{type(reference).__name__}")
    settings = {"by": by, "reference": str(Path(reference).expanduser().resolve())}
    return run("reuse", corp, progress, reuse=settings).tables["passages"]

# ---- topics ---------------------------------------------------------------------------------------
def fit_topics(corp: Corpus | Config | str | Path | None = None, progress: bool = False, **settings):
    """The topic stage on a corpus (a subset of one included: :func:`run`), with ``settings`` of
    [topics] replaced (``k=8``, ``k_grid=(6, 10)``, ``unit="document"`` …): its tables, with your
    labels applied."""
    return run("topics", corp, progress, **({"topics": settings} if settings else {}))
