"""The adoption stage: first uses, the centre's clock, curves and the adoption model (see timing.py,
reference.py and models.py for the rules)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..corpus.documents_table import analysis_documents
from ..pipeline.budget import release_memory
from ..corpus.groupings import described
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
    docs = described(analysis_documents(cfg, [ap.by, "doc_id", *DATE_RULES, *ap.covariates]), cfg.design.groups)
    if ap.by not in docs:
        raise ConfigError(f"[adoption] by = \"{ap.by}\": the documents have no such variable or grouping "
                          f"(province, prefecture, county, a [design.groups] name or a metadata.csv column)")
    unit_vars = _unit_covariates(docs, ap.by, list(ap.covariates))   # a row per unit: the documents are let go
    dated = document_dates(docs).merge(docs[["doc_id", ap.by]].rename(columns={ap.by: "unit"}), on="doc_id")
    dated = dated[dated["unit"].notna()].astype({"unit": str})
    del docs
    release_memory()
    folder = Path(cfg.paths.data) / "slogans"
    counts = pd.read_parquet(folder / "counts.parquet", columns=["doc_id", "slogan", "n_all", "n_longest"])
    uses = counts.assign(n=counts["n_longest" if cfg.slogans.rule == "longest" else "n_all"])

    def passages(doc_ids: list[str]) -> pd.DataFrame:
        """The concordance's passages of these documents, in its order."""
        quotes = pd.read_parquet(folder / "concordance.parquet", columns=["slogan", "doc_id", "left", "match", "right"],
                                 filters=[("doc_id", "in", doc_ids)] if doc_ids else [("doc_id", "in", [""])])
        return quotes.assign(passage=quotes["left"] + "【" + quotes["match"] + "】" + quotes["right"])
    followed = list(ap.slogans) or sorted(uses.loc[uses["doc_id"].isin(set(dated["doc_id"])) & (uses["n"] > 0),
                                                   "slogan"].unique())
    table = first_uses(dated, uses, passages, followed, ap.period, ap.min_docs)
    reference, ref_problems = _reference(cfg)
    table = with_reference(table, reference)
    cov = coverage(dated, ap.period)
    near = adjacency() if ap.by == "province" and ap.neighbours else None
    rows = person_periods(table, cov, near, unit_vars)
    model = hazard_model(rows, list(ap.covariates), near, sorted(cov["unit"].unique()))
    return {"first_uses": table, "slogans": adopted_share(table), "coverage": cov, "curves": km_curves(table),
            "model": model, "reference": reference, "reference_problems": ref_problems}


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


def _unit_covariates(docs: pd.DataFrame, by: str, names: list[str]) -> pd.DataFrame:
    """Each unit's value of each covariate: its documents' first value, as a number."""
    missing = [n for n in names if n not in docs]
    if missing:
        raise ConfigError(f"[adoption] covariates: {', '.join(missing)} not a document variable "
                          f"(they have: {', '.join(c for c in docs.columns if c not in ('text',))})")
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
