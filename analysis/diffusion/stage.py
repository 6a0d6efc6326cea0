"""The adoption stage: first uses, the centre's clock, curves and the adoption model (see timing.py,
reference.py and models.py for the rules)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus.documents_table import analysable_batches, checked_columns
from ..pipeline.parquet_files import rows_where
from ..slogans.uses import slogan_uses
from ..corpus.sources import reference_folder
from ..corpus.stage import FolderReading
from ..pipeline import runner
from ..pipeline.config import Config, ConfigError
from .declaration import STAGE
from .models import hazard_model, km_curves, person_periods
from .neighbours import adjacency
from .reference import REFERENCE_COLUMNS, reference_documents, reference_first_uses
from .timing import DATE_RULES, adopted_share, coverage, document_dates, first_uses, with_reference

TABLES = ("first_uses", "slogans", "coverage", "curves", "model", "reference", "reference_problems")


def build_adoption(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the adoption stage unless it is up to date."""
    return runner.run_tables(STAGE, cfg, TABLES, compute_adoption, force, summary=summary)


def compute_adoption(cfg: Config, out: Path) -> dict[str, pd.DataFrame]:
    ap = cfg.adoption
    wanted = [ap.by, "doc_id", *DATE_RULES, *ap.covariates]
    _covariates_known(checked_columns(cfg, wanted, ap.by, "[adoption] by"), list(ap.covariates))
    dated, ids, firsts = documents_dated(cfg, wanted, ap.by, list(ap.covariates))
    unit_vars = _unit_covariates(firsts, ap.by, list(ap.covariates))
    folder = Path(cfg.paths.data) / "slogans"
    # the counts as numbers: each use's document numbered in the order of the ids, as ``dated``'s
    names, codes, at, n = slogan_uses(folder / "counts.parquet", lambda: [ids.documents],
                                      "n_longest" if cfg.slogans.rule == "longest" else "n_all")
    known = at >= 0
    uses = pd.DataFrame({"doc_id": ids.rank[at[known]], "slogan": pd.Categorical.from_codes(codes[known], names),
                         "n": n[known]})
    del codes, at, n, known

    def passages(doc_ids: list[str]) -> pd.DataFrame:
        """The concordance's passages of these documents, in its order (read a row group at a time:
        at a million documents it holds 1.9 million passages)."""
        quotes = rows_where(folder / "concordance.parquet", "doc_id", doc_ids,
                            ["slogan", "doc_id", "left", "match", "right"])
        return quotes.assign(passage=quotes["left"] + "【" + quotes["match"] + "】" + quotes["right"])
    if ap.slogans:
        followed = list(ap.slogans)
    else:   # the slogans of the dated documents
        is_dated = np.zeros(len(ids.rank), bool)
        is_dated[dated["doc_id"].to_numpy()] = True
        followed = sorted(np.asarray(names, dtype=object)[np.unique(uses["slogan"].cat.codes.to_numpy()[
            is_dated[uses["doc_id"].to_numpy()]])].tolist())
    del names
    table = first_uses(dated, uses, passages, followed, ap.period, ap.min_docs, ids.of)
    del uses
    reference, ref_problems = _reference(cfg)
    table = with_reference(table, reference)
    cov = coverage(dated, ap.period)
    near = adjacency() if ap.by == "province" and ap.neighbours else None
    rows = person_periods(table, cov, near, unit_vars)
    model = hazard_model(rows, list(ap.covariates), near, sorted(cov["unit"].unique()))
    return {"first_uses": table, "slogans": adopted_share(table), "coverage": cov, "curves": km_curves(table),
            "model": model, "reference": reference, "reference_problems": ref_problems}


class Numbered:
    """The analysable documents' ids (``documents``, an Arrow array in the table's order), each
    document's number in the order of the ids (``rank``: sorting by number sorts by id) and the ids
    of numbers (``of``)."""

    def __init__(self, documents):
        import pyarrow.compute as pc

        self.documents = documents
        order = pc.sort_indices(documents).to_numpy()
        self.rank = np.empty(len(order), np.int64)
        self.rank[order] = np.arange(len(order))
        self._sorted = documents.take(order)

    def of(self, numbers: np.ndarray) -> np.ndarray:
        return np.array(self._sorted.take(np.asarray(numbers, np.int64)).to_pylist(), dtype=object)


def documents_dated(cfg: Config, wanted: list[str], by: str, covariates: list[str]
                    ) -> tuple[pd.DataFrame, Numbered, pd.DataFrame]:
    """The dated documents with a ``by`` (:func:`units_dated`, numbered: ``doc_id`` is the document's
    :class:`Numbered` rank), the documents' :class:`Numbered` ids, and each unit's first value of
    each covariate; read a slice at a time (the dates' parsing copies every column it reads)."""
    import pyarrow as pa

    frames, ids, firsts, start = [], [], [], 0
    for part in analysable_batches(cfg, wanted, SLICE, texts=False):
        ids.append(pa.array(part["doc_id"].astype(str).tolist(), pa.large_string()))
        firsts.append(part.loc[part[by].notna(), [by, *covariates]].groupby(by).first().reset_index())
        frames.append(units_dated(part.assign(doc_id=np.arange(start, start + len(part))), by))   # rows, not ids
        start += len(part)
    documents = Numbered(pa.concat_arrays(ids) if ids else pa.array([], pa.large_string()))
    dated = pd.concat(frames, ignore_index=True) if frames else units_dated(
        pd.DataFrame(columns=["doc_id", by, *DATE_RULES]), by)
    dated["doc_id"] = documents.rank[dated["doc_id"].to_numpy(np.int64)]
    firsts = pd.concat(firsts, ignore_index=True) if firsts else pd.DataFrame(columns=[by, *covariates])
    return dated, documents, firsts


#: documents dated at a time
SLICE = 100_000


def units_dated(docs: pd.DataFrame, by: str) -> pd.DataFrame:
    """The :func:`document_dates` of the documents with a ``by`` (their ``unit``, as text)."""
    dated = document_dates(docs).merge(docs[["doc_id", by]].rename(columns={by: "unit"}), on="doc_id")
    return dated[dated["unit"].notna()].astype({"unit": str})


def _reference(cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The centre's first use of each slogan (empty without adoption.reference), and the problems of
    reading the reference corpus: read as the corpus is, counted as the corpus is."""
    from ..slogans.matcher import Matcher
    from ..slogans.concepts import slogan_concepts, slogan_eras
    from ..text.lexicon import read_lexicon

    reading, columns = FolderReading.of(cfg.corpus), cfg.adoption.reference_columns
    sp, lexicon_file = cfg.slogans, cfg.tokens.lexicon
    counting = (sp.rule, sp.include_title, sp.context_chars)
    folder = reference_folder(cfg, "adoption.reference")
    if folder is None:
        empty = pd.DataFrame(columns=["source_file", "where", "problem", "action"])
        return pd.DataFrame(columns=REFERENCE_COLUMNS).astype({"ref_date": "datetime64[ns]"}), empty
    docs, problems = reference_documents(folder, reading, cfg.paths.overrides, columns)
    lexicon = read_lexicon(lexicon_file)
    firsts = reference_first_uses(docs, Matcher(slogan_concepts(lexicon), slogan_eras(lexicon)), *counting)
    return firsts, problems.astype("string")


def _covariates_known(docs: pd.DataFrame, names: list[str]) -> None:
    missing = [n for n in names if n not in docs]
    if missing:
        raise ConfigError(f"[adoption] covariates: {', '.join(missing)} not a document variable "
                          f"(they have: {', '.join(c for c in docs.columns if c not in ('text',))})")


def _unit_covariates(docs: pd.DataFrame, by: str, names: list[str]) -> pd.DataFrame:
    """Each unit's value of each covariate (``names``, known: :func:`_covariates_known`): its
    documents' first value, as a number."""
    if not names:
        return pd.DataFrame(index=pd.Index([], name="unit"))
    first = docs[docs[by].notna()].groupby(by)[names].first()
    out = first.apply(pd.to_numeric, errors="coerce")
    bad = [n for n in names if out[n].isna().all() and first[n].notna().any()]
    if bad:
        raise ConfigError(f"[adoption] covariates: {', '.join(bad)} are not numbers (code a category as 0/1 "
                          "columns in metadata.csv)")
    out.index = out.index.astype(str)
    return out


def summary(tables: dict) -> dict:
    table, model = tables["first_uses"], tables["model"]
    fitted = model[model["status"] == "fitted"]
    return {
        "slogans": int(table["slogan"].nunique()),
        "units": int(table["unit"].nunique()),
        "first_uses": int((~table["censored"]).sum()),
        "censored": int(table["censored"].sum()),
        "thin_units": sorted(table.loc[table["thin"], "unit"].unique().tolist()),
        "before_centre": int(table["before_centre"].sum()),
        "reference_slogans": int(tables["reference"]["slogan"].nunique()),
        "model": "fitted" if len(fitted) else str(model["status"].iloc[0]),
    }
