"""Tables that describe the corpus: a documents table in, a summary table out (no I/O)."""
from __future__ import annotations

import pandas as pd

UNKNOWN = "unknown"
#: the documents table's columns these tables read (a million documents' metadata is gigabytes whole)
COLUMNS = ("doc_id", "title", "source_file", "lang", "province", "quarter", "n_chars", "n_cjk", "n_words", "part",
           "partial", "meeting_date", "pub_date", "adcode", "region_source", "quarter_source", "region_candidates",
           "year", "year_conf", "period", "converted_t2s", "duplicate_of")


def _label(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna(UNKNOWN)


def corpus_by_province_quarter(docs: pd.DataFrame) -> pd.DataFrame:
    """Documents and characters per province × quarter (long form). Unknown values are a group
    named 'unknown', never dropped."""
    frame = pd.DataFrame({"province": _label(docs["province"]), "quarter": _label(docs["quarter"]),
                          "n_chars": docs["n_chars"].astype("int64")})
    out = (frame.groupby(["province", "quarter"], sort=True)
           .agg(documents=("n_chars", "size"), characters=("n_chars", "sum")).reset_index())
    return out.astype({"documents": "int64", "characters": "int64"})


def corpus_by_language(docs: pd.DataFrame) -> pd.DataFrame:
    frame = docs.assign(lang=_label(docs["lang"]))
    out = frame.groupby("lang", sort=True).agg(
        documents=("doc_id", "size"),
        compilation_parts=("part", lambda s: int(s.notna().sum())),
        partial=("partial", lambda s: int(s.fillna(False).sum())),
        characters=("n_chars", "sum"),
        words=("n_words", "sum"),
    ).reset_index()
    return out.astype({c: "int64" for c in out.columns if c != "lang"})


def corpus_summary(docs: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
    """One row per measure: how big the corpus is and how much of its metadata is known."""
    n = len(docs)

    def share(mask) -> str:
        k = int(mask.sum())
        return f"{k} of {n} ({100 * k / n:.0f}%)" if n else "0 of 0"

    dates = pd.to_datetime(docs["meeting_date"].where(docs["meeting_date"].notna(), docs["pub_date"]))
    rows = [
        ("documents", str(n)),
        ("source files", str(docs["source_file"].nunique())),
        ("compilation parts", str(int(docs["part"].notna().sum()))),
        ("partial parts (cut by a page boundary)", str(int(docs["partial"].fillna(False).sum()))),
        ("languages", ", ".join(f"{k}: {v}" for k, v in _label(docs["lang"]).value_counts().sort_index().items())),
        ("characters (no whitespace)", f"{int(docs['n_chars'].sum()):,}"),
        ("Chinese characters", f"{int(docs['n_cjk'].sum()):,}"),
        ("words (Latin script)", f"{int(docs['n_words'].sum()):,}"),
        ("date range (meeting, else publication)",
         f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if dates.notna().any() else UNKNOWN),
        ("region known", share(docs["adcode"].notna())),
        ("region from the title / self-reference / override",
         " / ".join(str(int(docs["region_source"].fillna("").str.startswith(p).sum()))
                    for p in ("title", "self_reference", "override"))),
        ("meeting date known", share(docs["meeting_date"].notna())),
        ("quarter known", share(docs["quarter"].notna())),
        ("year known (low confidence: content anchors)",
         f"{share(docs['year'].notna())}; low: {int((docs['year_conf'] == 'low').sum())}"),
        ("reference period known", share(docs["period"].notna())),
        ("converted from Traditional", str(int(docs["converted_t2s"].fillna(False).sum()))),
        ("near-duplicates left out of analyses (duplicates.csv)", str(int(docs["duplicate_of"].notna().sum()))),
        ("files or rows skipped", str(int((problems["action"] == "skipped").sum())) if len(problems) else "0"),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def unknown_metadata(docs: pd.DataFrame) -> pd.DataFrame:
    """Documents whose region or quarter is unknown, with the reasons and candidates."""
    mask = docs["adcode"].isna() | docs["quarter"].isna()
    out = docs.loc[mask, ["doc_id", "title", "region_source", "quarter_source", "region_candidates"]].copy()
    out["region_candidates"] = out["region_candidates"].apply(lambda v: "; ".join(v) if len(v) else "")
    return out.reset_index(drop=True)
