"""When each unit first uses each slogan: the first-use table, with its interval and its censoring.

A unit (a province, a city, a group of a grouping) is observed only through its documents, so:

- a document's date is its meeting date, else its publication date, else the first day of its
  quarter, else of its year; the rule is kept beside the date (``date_rule``);
- the first use is the earliest dated document of the unit that uses the slogan (under the counting
  rule); ties on a day are broken by document id. The adoption happened between the last document
  of the unit without it (``last_without``) and the first with it (``first_date``): an interval, as
  thin coverage widens it;
- a unit that never uses the slogan is **censored** at its last document (``window_end``): it had
  not adopted by then, as far as its documents show;
- ``exposure`` is the unit's documents before its first use (or in all, when censored), and
  ``thin`` marks a unit with fewer documents than ``min_docs``, or none in more than half the
  periods of its window: such a unit looks late because it is seldom seen.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DATE_RULES = ("meeting_date", "pub_date", "quarter", "year")

FIRST_USE_COLUMNS = ["slogan", "unit", "first_date", "first_period", "first_doc_id", "uses_first_doc", "passage",
                     "last_without", "exposure", "censored", "window_start", "window_end", "documents", "thin",
                     "date_rule"]


def document_dates(docs: pd.DataFrame, rules: tuple[str, ...] = DATE_RULES) -> pd.DataFrame:
    """``doc_id``, ``date`` (a Timestamp) and ``date_rule`` of each document that has one: the first
    of ``rules`` (columns of ``docs``) with a value. A column whose name ends in ``year`` holds a
    year (its 1 January is taken), any other a date or a quarter (2022Q3: its first day).
    Documents with no date at all are left out."""
    date = pd.Series(pd.NaT, index=docs.index, dtype="datetime64[ns]")
    rule = pd.Series(pd.NA, index=docs.index, dtype="string")
    for name in rules:
        if name not in docs:
            continue
        text = docs[name].astype("Int64").astype("string") + "-01-01" if name.endswith("year") else \
            docs[name].astype("string").str.replace(r"^(\d{4})Q([1-4])$", _quarter_start, regex=True)
        value = pd.to_datetime(text, errors="coerce", format="ISO8601").astype("datetime64[ns]")
        take = date.isna() & value.notna()
        date[take] = value[take]
        rule[take] = name
    out = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy(), "date": date.to_numpy(), "date_rule": rule.to_numpy()})
    return out[out["date"].notna()].reset_index(drop=True)


def _quarter_start(m) -> str:
    return f"{m[1]}-{3 * int(m[2]) - 2:02d}-01"


def period_of(dates: pd.Series, period: str) -> pd.Series:
    """``2022Q3`` (period "quarter") or ``2022`` (period "year") of each date."""
    if period == "year":
        return dates.dt.year.astype("string")
    return dates.dt.to_period("Q").astype("string")


def period_numbers(dates: pd.Series, period: str) -> np.ndarray:
    """Each date's period as a number (year·4 + quarter − 1, or the year): ordered as the periods
    are, and no text per document (:func:`period_labels` names them)."""
    year = dates.dt.year.to_numpy(dtype=np.int64)
    return year if period == "year" else year * 4 + dates.dt.quarter.to_numpy(dtype=np.int64) - 1


def period_labels(numbers: np.ndarray, period: str) -> list[str]:
    """The :func:`period_of` labels of :func:`period_numbers`."""
    if period == "year":
        return [str(int(n)) for n in numbers]
    return [f"{int(n) // 4}Q{int(n) % 4 + 1}" for n in numbers]


def first_uses(dated: pd.DataFrame, uses: pd.DataFrame, passages: pd.DataFrame, slogans: list[str],
               period: str = "quarter", min_docs: int = 3, doc_ids=None) -> pd.DataFrame:
    """The first-use table: a row per slogan × unit (see the module's docstring).

    ``dated``: doc_id, unit, date, date_rule of every dated document with a unit (a document once);
    ``uses``: doc_id, slogan, n (occurrences under the counting rule, rows with n > 0); ``passages``:
    slogan, doc_id, passage (the first passage of each document that uses it), or a function giving
    those of the documents it is given (the first uses' documents: a large corpus's passages are not
    read whole). ``doc_ids``: when the documents are numbered in the order of their ids (``doc_id``
    holds the numbers: a million ids are not held as text), a function giving the ids of some
    numbers. The uses are matched to the documents by number, not by a merge of the two tables (at
    a million documents, 1.6 million uses)."""
    dated = dated.sort_values(["unit", "date", "doc_id"], kind="stable").reset_index(drop=True)
    number = period_numbers(dated["date"], period)
    unit_code, units = pd.factorize(dated["unit"])       # in sorted order: the rows are sorted by unit
    bounds = np.searchsorted(unit_code, np.arange(len(units) + 1))
    first_row, last_row = bounds[:-1], bounds[1:] - 1
    new_period = np.r_[True, (number[1:] != number[:-1]) | (unit_code[1:] != unit_code[:-1])] if len(number) else \
        np.zeros(0, bool)
    date = dated["date"].to_numpy()
    windows = pd.DataFrame({"window_start": date[first_row], "window_end": date[last_row],
                            "documents": np.diff(bounds), "periods": np.add.reduceat(new_period, first_row)
                            if len(units) else np.zeros(0, np.int64)}, index=pd.Index(units, name="unit"))
    span = {u: _periods_between(r.window_start, r.window_end, period) for u, r in windows.iterrows()}
    windows["thin"] = (windows["documents"] < min_docs) | (windows["periods"] < 0.5 * pd.Series(span))
    first = _first_rows(dated, uses, list(dict.fromkeys(slogans)), unit_code, len(units))
    row = first.pop("row").to_numpy()
    first = first.assign(unit=np.asarray(units, dtype=object)[first["unit"].to_numpy()],
                         first_date=date[row], first_period=period_labels(number[row], period),
                         first_doc_id=dated["doc_id"].to_numpy()[row], date_rule=dated["date_rule"].to_numpy()[row])
    if doc_ids is not None:
        first["first_doc_id"] = doc_ids(first["first_doc_id"].to_numpy())
    if callable(passages):
        passages = passages(first["first_doc_id"].unique().tolist())
    first = first.merge(passages.drop_duplicates(["slogan", "doc_id"]).rename(columns={"doc_id": "first_doc_id"}),
                        on=["slogan", "first_doc_id"], how="left")
    grid = pd.MultiIndex.from_product([slogans, windows.index], names=["slogan", "unit"]).to_frame(index=False)
    table = grid.merge(first[["slogan", "unit", "first_date", "first_period", "first_doc_id", "uses_first_doc",
                              "passage", "date_rule"]], on=["slogan", "unit"], how="left")
    table = table.merge(windows.drop(columns="periods").reset_index(), on="unit")
    table["censored"] = table["first_date"].isna()
    # the unit's documents before its first use (all of them when censored), and the last of them
    start = dict(zip(units, first_row))
    stop = dict(zip(units, bounds[1:]))
    before = [stop[u] - start[u] if pd.isna(d) else
              int(np.searchsorted(date[start[u]:stop[u]], np.datetime64(d), side="left"))
              for u, d in zip(table["unit"], table["first_date"])]
    table["exposure"] = before
    table["last_without"] = [date[start[u] + k - 1] if k else pd.NaT for u, k in zip(table["unit"], before)]
    table = table.fillna({"uses_first_doc": 0, "passage": ""})[FIRST_USE_COLUMNS]
    for col in ("first_date", "last_without", "window_start", "window_end"):
        table[col] = pd.to_datetime(table[col])
    return table.astype({"first_period": "string", "first_doc_id": "string", "date_rule": "string", "slogan": "string",
                         "unit": "string", "passage": "string", "censored": bool, "thin": bool, "exposure": "int64",
                         "documents": "int64", "uses_first_doc": "int64"})


def _first_rows(dated: pd.DataFrame, uses: pd.DataFrame, slogans: list[str], unit_code: np.ndarray,
                n_units: int) -> pd.DataFrame:
    """slogan, unit (its code), row (of ``dated``, sorted by unit, date and id: the first is the
    earliest) and uses_first_doc of each slogan's first use in each unit; of a document's rows for
    a slogan, the first."""
    n = uses["n"].to_numpy()
    code = _codes(uses["slogan"], slogans)
    row = _rows_of(dated["doc_id"], uses["doc_id"])
    keep = np.flatnonzero((n > 0) & (code >= 0) & (row >= 0))
    # each pair's earliest row, then the first use at it: no sort of the uses (1.6 million at a
    # million documents), an array of slogans × units
    earliest = np.full(len(slogans) * n_units, len(dated), dtype=np.int64)
    np.minimum.at(earliest, code[keep] * n_units + unit_code[row[keep]], row[keep])
    at = keep[row[keep] == earliest[code[keep] * n_units + unit_code[row[keep]]]]
    key = code[at] * n_units + unit_code[row[at]]
    key, first = np.unique(key, return_index=True)     # of a document's rows for the pair, the first
    first = at[first]
    return pd.DataFrame({"slogan": np.asarray(slogans, dtype=object)[key // n_units] if len(key) else
                         np.zeros(0, object), "unit": key % n_units, "row": row[first], "uses_first_doc": n[first]})


def _rows_of(documents: pd.Series, wanted: pd.Series) -> np.ndarray:
    """The row in ``documents`` (unique ids) of each of ``wanted`` (−1: none). Numbers (the stage's
    documents are numbered 0, 1, …) by an array of them, not a hash table."""
    ids, asked = documents.to_numpy(), wanted.to_numpy()
    if ids.dtype.kind in "iu" and asked.dtype.kind in "iu" and len(ids) and ids.min() >= 0 and \
            ids.max() < 4 * len(ids) + 1_000:
        place = np.full(int(ids.max()) + 1, -1, dtype=np.int64)
        place[ids] = np.arange(len(ids))
        inside = (asked >= 0) & (asked < len(place))
        return np.where(inside, place[np.where(inside, asked, 0)], -1)
    return pd.Index(documents).get_indexer(wanted).astype(np.int64)


def _codes(values: pd.Series, names: list[str]) -> np.ndarray:
    """Each value's position in ``names`` (−1: not there); a categorical's by its categories."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        at = pd.Index(names).get_indexer(values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, at[codes], -1).astype(np.int64)
    return pd.Index(names).get_indexer(values).astype(np.int64)


def coverage(dated: pd.DataFrame, period: str = "quarter") -> pd.DataFrame:
    """Documents per unit and period (long form): what every adoption figure shows beside it."""
    counts = dated.groupby([dated["unit"].to_numpy(), period_numbers(dated["date"], period)]).size()
    return pd.DataFrame({"unit": counts.index.get_level_values(0),
                         "period": pd.array(period_labels(counts.index.get_level_values(1), period), dtype="string"),
                         "documents": counts.to_numpy()})


def _periods_between(start, end, period: str) -> int:
    if period == "year":
        return int(end.year - start.year + 1)
    return int((end.year - start.year) * 4 + (end.quarter - start.quarter) + 1)


def with_reference(table: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the centre's first use of each slogan (``reference``: slogan, ref_date, ref_doc_id,
    ref_passage), each unit's lag after it in days, and ``before_centre`` for a first use earlier than
    the centre's (a local origin, or a gap in the reference)."""
    out = table.merge(reference, on="slogan", how="left")
    out["lag_days"] = (out["first_date"] - out["ref_date"]).dt.days.astype("Int64")
    out["before_centre"] = (out["lag_days"] < 0).fillna(False).astype(bool)
    return out


def adopted_share(table: pd.DataFrame) -> pd.DataFrame:
    """Per slogan: units, adopters, censored units, thin units, the first and median first use."""
    g = table.assign(adopted=~table["censored"]).groupby("slogan")
    out = pd.DataFrame({"units": g.size(), "adopters": g["adopted"].sum(), "thin_units": g["thin"].sum(),
                        "first_use": g["first_date"].min(), "median_first_use": g["first_date"].median()})
    out = out.astype({"units": "int64", "adopters": "int64", "thin_units": "int64"})
    out["censored"] = out["units"] - out["adopters"]
    return out.reset_index().sort_values(["adopters", "slogan"], ascending=[False, True], kind="stable")


def days_since(dates: pd.Series, origin) -> np.ndarray:
    return (pd.to_datetime(dates) - pd.Timestamp(origin)).dt.days.to_numpy(dtype=float)
