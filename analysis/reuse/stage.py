"""The reuse stage: the passages of each document that repeat a central text, each document's share
reused, the share per unit and period, and the central passages most units repeat (the rules:
align.py and docs/reuse.md)."""
from __future__ import annotations

import multiprocessing as mp
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus.documents_table import analysable_batches, checked_columns
from ..corpus.reference import read_reference
from ..corpus.sources import reference_folder
from ..corpus.stage import FolderReading
from ..pipeline import runner
from ..pipeline.budget import text_batch
from ..pipeline.config import Config
from ..stats.inference import rate_interval
from .align import PASSAGE_COLUMNS, align_corpus, reused_share
from .declaration import STAGE

TABLES = ("passages", "documents", "units", "central", "reference", "reference_problems")
PASSAGES = [*PASSAGE_COLUMNS, "unit", "text", "ref_text"]
DOCUMENTS = ["doc_id", "unit", "period", "title", "chars", "chars_reused", "share", "ref_id", "passages"]
UNITS = ["unit", "period", "documents", "documents_reusing", "chars", "chars_reused", "share", "low", "high", "thin"]
#: a unit with fewer documents in a period is thinly covered: its interval undercovers when reuse is
#: concentrated in a few documents (bench/RESULTS.md, "Reuse")
MIN_DOCS = 10
CENTRAL = ["ref_id", "ref_start", "ref_end", "text", "units", "documents", "unit_list"]
REFERENCE = ["ref_id", "source_file", "title", "year", "chars"]
#: a central sentence counts as repeated by a document whose passages cover at least this share of it
SENTENCE_COVER = 0.5
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")


def build_reuse(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the reuse stage unless it is up to date."""
    return runner.run_tables(STAGE, cfg, TABLES, compute_reuse, force)


def compute_reuse(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    rp = cfg.reuse
    folder = reference_folder(cfg, "reuse.reference")
    uses = [rp.by, "doc_id", "title", "year", "quarter"]
    docs = checked_columns(cfg, uses, rp.by, "[reuse] by")
    reading, columns = FolderReading.of(cfg.corpus), rp.reference_columns
    rules = dict(by=rp.by, period=rp.period, years_before=rp.years_before,
                 workers=cfg.corpus.workers or mp.cpu_count(), min_chars=rp.min_chars, min_similarity=rp.min_similarity)
    batch = text_batch(cfg)
    if folder is None:   # nothing to align with: empty tables, and no text read
        refs = pd.DataFrame(columns=["doc_id", "text", "source_file", "title", "year", "file_year"])
        problems = pd.DataFrame(columns=["source_file", "where", "problem", "action"])
        return {**reuse_tables(docs.assign(text="").iloc[:0], refs, **rules),
                "reference_problems": problems.astype("string")}
    refs, problems = read_reference(folder, reading, cfg.paths.overrides, columns)
    refs = dated(refs)
    # the documents a slice at a time: memory bounded by the slice, the reference and the tables
    parts = [slice_tables(part, refs, **rules) for part in analysable_batches(cfg, uses, batch)]
    return {**finished(parts, refs), "reference_problems": problems.astype("string")}


def reuse_tables(docs: pd.DataFrame, refs: pd.DataFrame, by: str = "province", period: str = "year",
                 years_before: int = -1, workers: int = 1, **params) -> dict[str, pd.DataFrame]:
    """The stage's tables from the documents (doc_id, text, title, ``by``, year, quarter) and the
    reference's (doc_id, text, source_file, title, year, file_year); ``years_before``: align a
    document only with the references of its year and that many years before (-1: all; a document
    or reference without a year is aligned with all); ``params``: the alignment's."""
    refs = dated(refs)
    return finished([slice_tables(docs, refs, by, period, years_before, workers, **params)], refs)


def dated(refs: pd.DataFrame) -> pd.DataFrame:
    """The reference's documents in doc_id order, each with ``year``: its documents-table year, else
    the year its file's name is."""
    refs = refs.sort_values("doc_id", kind="stable").reset_index(drop=True)
    return refs.assign(year=refs["year"].fillna(refs["file_year"]).astype("Int64"))


def _reference(refs: pd.DataFrame) -> pd.DataFrame:
    """The reference table of :func:`dated` documents."""
    return pd.DataFrame({"ref_id": refs["doc_id"].astype(str), "source_file": refs["source_file"].astype(str),
                         "title": refs["title"], "year": refs["year"],
                         "chars": refs["text"].fillna("").str.len().astype("int64")}, columns=REFERENCE)


def slice_tables(docs: pd.DataFrame, refs: pd.DataFrame, by: str, period: str, years_before: int, workers: int,
                 **params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The passages and the per-document shares of some documents (with their texts), against the
    :func:`dated` reference documents."""
    docs = docs.sort_values("doc_id", kind="stable").reset_index(drop=True)
    unit = docs.set_index("doc_id")[by].astype("string")
    passages = aligned(docs, refs, years_before, workers, **params)
    texts = docs.set_index("doc_id")["text"].fillna("")
    ref_texts = refs.set_index("doc_id")["text"].fillna("")
    passages = passages.assign(
        unit=passages["doc_id"].map(unit),
        text=[texts[d][s:e] for d, s, e in zip(passages["doc_id"], passages["start"], passages["end"])],
        ref_text=[ref_texts[r][s:e] for r, s, e in zip(passages["ref_id"], passages["ref_start"], passages["ref_end"])])
    shares = reused_share(passages, docs[["doc_id", "text"]])
    per_doc = docs[["doc_id", "title"]].assign(unit=docs[by].astype("string"), period=periods(docs, period))
    documents = per_doc.merge(shares, on="doc_id").merge(
        passages.groupby("doc_id").size().rename("passages"), left_on="doc_id", right_index=True, how="left")
    documents["passages"] = documents["passages"].fillna(0).astype("int64")
    return passages[PASSAGES], documents[DOCUMENTS]


def finished(parts: list[tuple[pd.DataFrame, pd.DataFrame]], refs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The stage's tables from the slices' passages and shares."""
    frames = [p for p, _ in parts if len(p)]
    passages = (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PASSAGES)).sort_values(
        ["doc_id", "start", "ref_id", "ref_start", "end"], kind="stable").reset_index(drop=True)
    documents = pd.concat([d for _, d in parts], ignore_index=True) if parts else pd.DataFrame(columns=DOCUMENTS)
    documents = documents.sort_values("doc_id", kind="stable").reset_index(drop=True)
    return {"passages": passages, "documents": documents, "units": unit_shares(documents),
            "central": central_passages(passages, refs), "reference": _reference(refs)}


def aligned(docs: pd.DataFrame, refs: pd.DataFrame, years_before: int, workers: int, **params) -> pd.DataFrame:
    """The passages of ``docs`` against ``refs`` (each with doc_id, text, year), every document against
    every reference or, with ``years_before`` ≥ 0, each against those of its year and the years before."""
    if not len(refs) or not len(docs):
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    if years_before < 0:
        return align_corpus(docs[["doc_id", "text"]], refs[["doc_id", "text"]], workers=workers, **params)
    frames = []
    doc_year = docs["year"].astype("Int64")
    ref_year = refs["year"].astype("Int64")
    for year in sorted(doc_year.dropna().unique()) + [None]:
        these = docs[doc_year.isna()] if year is None else docs[doc_year == year]
        near = refs if year is None else refs[ref_year.isna() | ref_year.between(year - years_before, year)]
        if len(these) and len(near):
            frames.append(align_corpus(these[["doc_id", "text"]], near[["doc_id", "text"]], workers=workers,
                                       **params))
    if not frames:
        return pd.DataFrame(columns=PASSAGE_COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(["doc_id", "start", "ref_id", "ref_start", "end"],
                                                            kind="stable").reset_index(drop=True)


def periods(docs: pd.DataFrame, period: str) -> pd.Series:
    """Each document's period: its year, its quarter (2024Q3), or "all"; "unknown" without one."""
    if period == "all":
        return pd.Series("all", index=docs.index, dtype="string")
    column = docs["year"].astype("Int64").astype("string") if period == "year" else docs["quarter"].astype("string")
    return column.fillna("unknown")


def unit_shares(documents: pd.DataFrame) -> pd.DataFrame:
    """Per unit and period (and "all", every period together, when there are several): documents,
    those with any reuse, characters, characters reused, the pooled share (Σ reused / Σ characters) and its 95% interval over documents (the document is the unit of
    inference: :func:`analysis.stats.inference.rate_interval`, whose variance is clustered by
    document; the high end capped at 1); ``thin`` below ``MIN_DOCS`` documents."""
    rows = []
    known = documents[documents["unit"].notna()]
    if known["period"].nunique() > 1:   # and each unit over the whole corpus
        known = pd.concat([known, known.assign(period="all")], ignore_index=True)
    for (u, p), g in known.groupby(["unit", "period"], sort=True):
        y, e = g["chars_reused"].to_numpy(float), g["chars"].to_numpy(float)
        if e.sum() <= 0:
            continue
        share, lo, hi = (float(v[0]) for v in rate_interval(y, e))
        rows.append((u, p, len(g), int((y > 0).sum()), int(e.sum()), int(y.sum()), share, lo, min(hi, 1.0)
                     if hi == hi else hi, len(g) < MIN_DOCS))
    return pd.DataFrame(rows, columns=UNITS).astype(
        {"unit": "string", "period": "string", "documents": "int64", "documents_reusing": "int64", "chars": "int64",
         "chars_reused": "int64", "share": "float64", "low": "float64", "high": "float64", "thin": "bool"})


def central_passages(passages: pd.DataFrame, refs: pd.DataFrame) -> pd.DataFrame:
    """The reference's sentences (cut at 。！？； and line ends) that documents repeat: a sentence is
    repeated by a document whose passages cover at least half of it; per sentence the units and
    documents that repeat it (most units first)."""
    if not len(passages):
        return pd.DataFrame(columns=CENTRAL)
    rows = []
    text_of = refs.set_index("doc_id")["text"].fillna("")
    for ref_id, g in passages.groupby("ref_id", sort=True):
        text = text_of[ref_id]
        bounds = [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]
        if not bounds:
            continue
        starts = np.array([b[0] for b in bounds])
        ends = np.array([b[1] for b in bounds])
        covered: dict[int, dict[str, int]] = {}
        for doc_id, dg in g.groupby("doc_id", sort=True):
            depth = np.zeros(len(text) + 1, dtype=np.int64)
            np.add.at(depth, dg["ref_start"].to_numpy(), 1)
            np.add.at(depth, dg["ref_end"].to_numpy(), -1)
            cum = np.r_[0, np.cumsum(np.cumsum(depth)[:-1] > 0)]
            inside = cum[ends] - cum[starts]
            for k in np.flatnonzero(inside >= SENTENCE_COVER * (ends - starts)):
                covered.setdefault(int(k), {})[doc_id] = 1
        unit_of = g.drop_duplicates("doc_id").set_index("doc_id")["unit"]
        for k, by_doc in covered.items():
            units = sorted({str(unit_of[d]) for d in by_doc if pd.notna(unit_of[d])})
            s, e = bounds[k]
            rows.append((ref_id, s, e, text[s:e].strip(), len(units), len(by_doc), "、".join(units[:40])))
    out = pd.DataFrame(rows, columns=CENTRAL)
    return out.sort_values(["units", "documents", "ref_id", "ref_start"], ascending=[False, False, True, True],
                           kind="stable").reset_index(drop=True)
