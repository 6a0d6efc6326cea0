"""The keywords stage: term frequencies, keyness, TF-IDF, trends, collocates and contexts.

Reads the documents and token tables; writes ``<data>/keywords/*.parquet``: ``documents`` (doc_id,
lang, length, period, province), ``frequencies`` (by period and by province), ``keyness`` (by
period and by province), ``tfidf``, ``trends``, ``period_rates`` (the plotted and the user's
terms), ``collocates`` and ``contexts``. English tokens that are lexicon phrases are counted under
the lexicon's Chinese term (business_environment → 营商环境), so concepts compare across languages.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..pipeline import runner
from ..pipeline.budget import statistics_cells
from ..stats.blocks import partitions
from .declaration import STAGE
from ..pipeline.config import Config
from ..corpus.documents_table import analysis_documents, document_texts
from ..corpus.groupings import grouping_variables
from .statistics import (frequency_parts, keyness, period_of, period_rates, tfidf_top, trends)
from ..text.lexicon import read_lexicon
from ..stats.measures import corpus_stopword
from ..stats.blocks import BlockWriter, DocTerms, documents_with, group_totals
from ..stats.measures import g2
from ..text.token_table import token_rows

TABLES = tuple(w.removesuffix(".parquet") for w in STAGE.writes if w.endswith(".parquet"))


def paragraph_rows(tokens, column: str = "tokens"):
    """(doc_id, tokens) of each paragraph: from a token table (DataFrame), or as given when
    ``tokens`` already yields such pairs (:func:`analysis.text.token_table.token_rows`, streamed)."""
    if isinstance(tokens, pd.DataFrame):
        return zip(tokens["doc_id"], tokens[column])
    return tokens


def document_term_matrix(tokens, doc_ids: list[str], column: str = "tokens",
                         mapping: dict | None = None, batch: int = 500_000) -> tuple[sparse.csr_matrix, list[str]]:
    """Documents × terms counts (rows in ``doc_ids`` order, terms sorted) as one sparse matrix:
    :func:`document_terms` in memory."""
    dt, vocab = document_terms(tokens, doc_ids, column, mapping, batch)
    return dt.to_csr(), vocab


def document_terms(tokens, doc_ids: list[str], column: str = "tokens", mapping: dict | None = None,
                   batch: int = 500_000, block_cells: int | None = None, folder: Path | None = None
                   ) -> tuple[DocTerms, list[str]]:
    """Documents × terms counts (rows in ``doc_ids`` order, terms sorted) from the token table or a
    stream of (doc_id, tokens) pairs. Tokens become term ids as they come and are handed on every
    ``batch`` tokens, at a document's end: memory grows with the counts, not with the tokens. With a
    ``folder``, blocks of about ``block_cells`` counts go to disk as they fill (the budget's
    :func:`analysis.pipeline.budget.block_cells`), so that a corpus of any size holds one block."""
    mapping = mapping or {}
    row_of = {d: i for i, d in enumerate(doc_ids)}
    index: dict[str, int] = {}
    writer = BlockWriter(len(doc_ids), block_cells or 0, folder)
    rows, cols = [], []
    current = -1
    for doc_id, toks in paragraph_rows(tokens, column):
        i = row_of.get(doc_id)
        if i is None:
            continue
        if i != current:
            if len(rows) >= batch:
                writer.add(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
                rows.clear()
                cols.clear()
                writer.boundary(i)
            current = i
        for t in toks:
            t = mapping.get(t, t)
            j = index.get(t)
            if j is None:
                j = index[t] = len(index)
            rows.append(i)
            cols.append(j)
    writer.add(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
    del rows, cols
    vocab = sorted(index)
    rank = np.empty(len(index), dtype=np.int64)  # term id → its column in sorted term order
    rank[[index[t] for t in vocab]] = np.arange(len(vocab))
    return writer.finish(rank), vocab


def keyword_documents(docs: pd.DataFrame, unit: str) -> pd.Series:
    """The period of each document: its quarter column, or the month/year of the meeting (else publication)."""
    if unit == "quarter":
        return docs["quarter"].astype("string")
    date = docs["meeting_date"].where(docs["meeting_date"].notna(), docs["pub_date"])
    return period_of(date, unit)


def collocates(tokens, docs: pd.DataFrame, terms: list[str], window: int, column: str,
               mapping: dict, top: int = 5, dtm=None, vocab: list[str] | None = None) -> pd.DataFrame:
    """Strongest collocates of each term within ±``window`` tokens, per language and period, scored
    by G² against the collocate's frequency in the period (at least 2 co-occurrences). ``tokens``:
    the token table or a stream of (doc_id, tokens) pairs. With the documents × terms counts of
    ``docs`` (``dtm``, ``vocab``) the collocates' frequencies in each period are summed from them
    (one pass over their blocks, the collocates' columns only); without, counted from the tokens."""
    period = dict(zip(docs["doc_id"], docs["period"]))
    lang_of = dict(zip(docs["doc_id"], docs["lang"]))
    wanted = set(terms)
    near: dict[tuple, Counter] = {}
    freq: dict[tuple, Counter] = {}
    for doc_id, toks in paragraph_rows(tokens, column):
        p = period.get(doc_id)
        if p is None or pd.isna(p):
            continue
        key = (lang_of[doc_id], p)
        toks = [mapping.get(t, t) for t in toks]
        if dtm is None:
            freq.setdefault(key, Counter()).update(toks)
        for i, tok in enumerate(toks):
            if tok in wanted:
                ctx = toks[max(0, i - window):i] + toks[i + 1:i + 1 + window]
                near.setdefault(key + (tok,), Counter()).update(c for c in ctx if c != tok)
    if dtm is not None:
        freq = _period_frequencies(docs, dtm, vocab, near)
    rows = []
    for (lang, p, term), c in sorted(near.items()):
        f = freq[(lang, p)]
        N, W = sum(f.values()) if dtm is None else f.total, sum(c.values())
        words = [w for w, n in c.items() if n >= 2]
        if not words:
            continue
        a = np.array([c[w] for w in words], float)
        fw = np.array([f[w] for w in words], float)
        score = g2(a, fw - a, W, N - W)
        over = a / W > fw / N
        order = [k for k in np.argsort(-score, kind="stable") if over[k]][:top]
        for rank, k in enumerate(order, 1):
            rows.append((lang, p, term, rank, words[k], int(a[k]), float(score[k])))
    return pd.DataFrame(rows, columns=["lang", "period", "term", "rank", "collocate", "cooccurrences", "g2"])


class _Frequencies(Counter):
    """A period's counts of the collocates (word → count), and ``total``: its tokens."""
    total: float = 0.0


def _period_frequencies(docs: pd.DataFrame, dtm, vocab: list[str], near: dict) -> dict:
    """(lang, period) → the counts of the words that co-occur at least twice with a term there, and
    the period's tokens, from the documents × terms counts (what counting every token did)."""
    keys = sorted({k[:2] for k in near})
    words = sorted({w for c in near.values() for w, n in c.items() if n >= 2})
    index = {w: j for j, w in enumerate(vocab)}
    cols = [index[w] for w in words if w in index]
    code_of = {k: g for g, k in enumerate(keys)}
    codes = np.array([code_of.get((lang, p), -1) if not pd.isna(p) else -1
                      for lang, p in zip(docs["lang"], docs["period"])], dtype=np.int64)
    Y = group_totals(codes, len(keys), dtm[:, cols], with_docs=False)[0] if cols else np.zeros((len(keys), 0))
    lengths = docs["length"].to_numpy(dtype=float)
    out = {}
    for g, key in enumerate(keys):
        f = _Frequencies(dict(zip([vocab[j] for j in cols], Y[g])))
        f.total = float(lengths[codes == g].sum())
        out[key] = f
    return out


def contexts(parts, terms: list[str], english: dict, per_period: int = 3, width: int = 30) -> pd.DataFrame:
    """A keyword-in-context sample: up to ``per_period`` lines per term, language and period.
    ``parts``: the documents with their texts, in slices (:func:`analysis.corpus.documents_table.document_texts`)."""
    from ..text.kwic import combined, concordance
    from ..slogans.matcher import Matcher

    surfaces = {t: ([t], english.get(t, [])) for t in terms}
    matcher = Matcher(surfaces)
    lines = []
    for part in parts:
        dated = part[part["period"].notna()]
        found = concordance(dated.assign(region=dated["province"], quarter=dated["period"]),
                            dict(zip(dated["doc_id"], dated["text"])), matcher, "all", width)
        # a document is in one slice: the sample's lines of a slice are among its first ones
        lines.append(found.groupby(["slogan", "lang", "quarter"], sort=False).head(per_period))
    conc = combined(lines).rename(columns={"slogan": "term", "quarter": "period"})
    return conc.groupby(["term", "lang", "period"], sort=True).head(per_period).reset_index(drop=True)


def keyword_inputs(cfg: Config, folder: Path | None = None, groupings: list[str] | None = None):
    """The keywords stage's inputs: analysable documents with their period and token count (documents
    without tokens left out: they have no rate to give), the document–term counts (one matrix in
    memory, or with ``folder`` row blocks there, as the memory budget sizes them), its vocabulary,
    the token rows (a function that streams (doc_id, tokens) pairs from the token table: it is never
    held whole) and the English-phrase mapping. With ``groupings`` (the [design] groupings), the
    documents' columns the statistics use and those groupings' sources only; without, every column
    (a stage that does not declare the design, such as calibrate)."""
    from ..pipeline.budget import block_cells

    kp = cfg.keywords
    lexicon = read_lexicon(cfg.tokens.lexicon)
    wanted = None if groupings is None else ["doc_id", "lang", "quarter", "meeting_date", "pub_date", "province",
                                             *groupings]
    docs = analysis_documents(cfg, wanted).reset_index(drop=True)
    ids = docs[["doc_id"]]   # all the token rows need: the metadata is not kept alive for them

    def tokens():
        return token_rows(cfg, ids, kp.column)

    mapping = {"_".join(words): term for words, term in lexicon.english_phrases().items()}
    cells = block_cells(cfg)
    dtm, vocab = document_terms(tokens(), docs["doc_id"].tolist(), kp.column, mapping, batch=min(500_000, cells),
                                block_cells=cells, folder=folder)
    docs = docs.assign(period=keyword_documents(docs, kp.period), length=dtm.row_sums())
    has_tokens = (docs["length"] > 0).to_numpy()
    return docs[has_tokens].reset_index(drop=True), dtm[np.flatnonzero(has_tokens)], vocab, tokens, mapping


def build_keywords(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the keywords stage unless it is up to date."""
    with partitions(statistics_cells(cfg)):   # the statistics' partitions follow run.memory_gb
        return runner.run_tables(STAGE, cfg, TABLES, compute_keywords, force, lambda tables: summary(tables, cfg.keywords))


def compute_keywords(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    """The keywords stage's tables (``cfg``: the stage's view of the configuration)."""
    import shutil

    kp = cfg.keywords
    lexicon = read_lexicon(cfg.tokens.lexicon)
    blocks = out / "doc_terms.tmp"   # the counts' blocks, when the corpus is larger than one
    shutil.rmtree(blocks, ignore_errors=True)
    try:
        return _keyword_tables(cfg, out, kp, lexicon, *keyword_inputs(cfg, blocks, cfg.design.groupings))
    finally:
        shutil.rmtree(blocks, ignore_errors=True)


def _keyword_tables(cfg: Config, out: Path, kp, lexicon, docs, dtm, vocab, tokens, mapping) -> dict:
    extra = grouping_variables(docs, cfg.design)
    # the variables the statistics use: the rest of the documents' metadata is let go (0.5 GB at a
    # million documents)
    docs = pd.concat([docs, extra], axis=1)[["doc_id", "lang", "length", "period", "province", *extra.columns]]
    seed = cfg.random.seed
    kw = dict(min_count=kp.min_count, min_log_ratio=kp.min_log_ratio, top=kp.top, B=kp.bootstrap, seed=seed,
              min_docs=kp.min_docs, min_term_docs=kp.min_term_docs, bootstrap_max_docs=kp.bootstrap_max_docs)
    tables = {"documents": docs}
    groupings = ["period", "province", *extra.columns]
    # a row per group and term used there (6 million rows at a million documents): written in parts
    tables["frequencies"] = runner.write_table(out, "frequencies", (
        part.rename(columns={g: "group"}).assign(grouping=g)
        for g in groupings for part in frequency_parts(docs, dtm, vocab, g)))
    tables["keyness"] = _by_grouping(lambda g: keyness(docs, dtm, vocab, g, **kw), groupings)
    tables["tfidf"] = _by_grouping(lambda g: tfidf_top(docs, dtm, vocab, g, kp.top), groupings)
    tr = trends(docs, dtm, vocab, "period", kp.period, kp.floor, min_docs=kp.min_docs, min_term_docs=kp.trend_min_docs,
                min_term_periods=kp.trend_min_periods)
    tables["trends"] = mark_corpus_stopwords(tr, docs, dtm, vocab, kp.max_doc_share, {e.term for e in lexicon.entries})
    tr = tables["trends"]
    top_terms = top_trending(tr, kp.top)
    plotted = sorted(set(top_terms) | set(kp.terms))
    tables["period_rates"] = period_rates(docs, dtm, vocab, plotted, "period", kp.bootstrap, seed)
    tables["collocates"] = collocates(tokens(), docs, top_terms, kp.window, kp.column, mapping, dtm=dtm, vocab=vocab)
    english = {}
    for e in lexicon.entries:
        english[e.term] = list(e.english)
    tables["contexts"] = contexts(document_texts(cfg, docs), plotted, english)
    return tables


def _by_grouping(table, groupings: list[str]) -> pd.DataFrame:
    """``table(grouping)`` for each grouping, its group column renamed ``group``, with a ``grouping`` column."""
    return pd.concat([table(g).rename(columns={g: "group"}).assign(grouping=g) for g in groupings], ignore_index=True)


def mark_corpus_stopwords(tr: pd.DataFrame, docs: pd.DataFrame, dtm, vocab: list[str], share: float,
                          keep: set) -> pd.DataFrame:
    """The trend table with each term's share of its language's documents (``doc_share``) and
    ``corpus_stopword``: in more than ``share`` of them and not a lexicon term. Such words (the
    genre's 进行, 开展, 已经) trend with the genre, not with policy: the figures and the summary leave
    them out; the table keeps them. A language with fewer than STOPWORD_MIN_DOCS documents has none."""
    if "term" not in tr or tr.empty:
        return tr.assign(doc_share=pd.Series(dtype=float), corpus_stopword=pd.Series(dtype=bool))
    index = {w: j for j, w in enumerate(vocab)}
    shares, flagged = {}, {}
    for lang in tr["lang"].dropna().unique():
        rows = (docs["lang"] == lang).to_numpy()
        n = int(rows.sum())
        terms = [t for t in tr.loc[tr["lang"] == lang, "term"] if t in index]
        with_term = pd.Series(documents_with(dtm[rows][:, [index[t] for t in terms]]), index=terms)
        for term, used, common in zip(terms, with_term, corpus_stopword(with_term, n, share, keep)):
            shares[(lang, term)], flagged[(lang, term)] = used / max(n, 1), bool(common)
    out = tr.assign(doc_share=[shares.get(k, float("nan")) for k in zip(tr["lang"], tr["term"])])
    return out.assign(corpus_stopword=[flagged.get(k, False) for k in zip(tr["lang"], tr["term"])])


def top_trending(tr: pd.DataFrame, n: int) -> list[str]:
    """Terms to show: the most frequent rising and falling terms, alternately (frequent terms have
    the most trustworthy trends); when none is rising or falling, the largest slopes. Corpus stop
    words (:func:`mark_corpus_stopwords`) are not shown."""
    if "slope" not in tr or tr["slope"].isna().all():
        return []
    if "corpus_stopword" in tr:
        tr = tr[~tr["corpus_stopword"].fillna(False).astype(bool)]
    rising, falling = _strongest(tr, "rising", n), _strongest(tr, "falling", n)
    out = [t for pair in zip(rising + [None] * n, falling + [None] * n) for t in pair if t][:n]
    if out:
        return out
    est = tr[tr["slope"].notna()]
    return est.assign(a=est["slope"].abs()).sort_values(["a", "count", "term"], ascending=[False, False, True])[
        "term"].head(n).tolist()


def _strongest(tr: pd.DataFrame, cls: str, n: int = 5) -> list[str]:
    """The n most frequent terms of a class."""
    if not {"class", "count", "term"} <= set(tr.columns):  # no trend was tested (no dated documents)
        return []
    if "corpus_stopword" in tr:
        tr = tr[~tr["corpus_stopword"].fillna(False).astype(bool)]
    return tr[tr["class"] == cls].sort_values(["count", "term"], ascending=[False, True])["term"].head(n).tolist()


def summary(tables: dict, kp) -> dict:
    tr = tables["trends"]
    classes = tr["class"].value_counts().to_dict() if "class" in tr else {}
    key = tables["keyness"]
    return {
        "documents": int(len(tables["documents"])),
        "periods": sorted(tables["documents"]["period"].dropna().unique().tolist()),
        "trend_terms": int(tr["term"].notna().sum()) if "term" in tr else 0,
        "classes": {k: int(v) for k, v in classes.items()},
        "rising": _strongest(tr, "rising"),
        "falling": _strongest(tr, "falling"),
        "notes": sorted(set(tr["status"].dropna()) - {"estimated"}) if "status" in tr else [],
        "distinctive_groups": int(key.loc[key["status"] == "distinctive", "group"].nunique()) if len(key) else 0,
        "period_unit": kp.period,
    }
