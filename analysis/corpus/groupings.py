"""Groupings derived from a document variable's values: the National Bureau of Statistics' four
macro-regions and coastal/inland provinces (built in), and the researcher's own (tifa.toml,
``[design.groups.NAME]``), each a document variable like a metadata.csv column.

A listed value matches a document's value when it is the same or its beginning (浙江 matches
浙江省); a document whose value is not listed, or unknown, has no value in that grouping.
"""
from __future__ import annotations

import pandas as pd

from ..pipeline.config import ConfigError

#: the NBS's four macro-regions (东部, 中部, 西部, 东北); Hong Kong, Macao and Taiwan are in none
MACRO_REGIONS = {
    "东部": ("北京", "天津", "河北", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"),
    "中部": ("山西", "安徽", "江西", "河南", "湖北", "湖南"),
    "西部": ("内蒙古", "广西", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"),
    "东北": ("辽宁", "吉林", "黑龙江"),
}
#: provinces on the coast (the NBS's list of coastal provinces); the other mainland provinces are inland
_COASTAL = ("天津", "河北", "辽宁", "上海", "江苏", "浙江", "福建", "山东", "广东", "广西", "海南")
COASTAL = {"沿海": _COASTAL,
           "内陆": tuple(p for region in MACRO_REGIONS.values() for p in region if p not in _COASTAL)}
BUILT_IN = {"macro_region": ("province", MACRO_REGIONS), "coastal": ("province", COASTAL)}


def groupings(groups: dict) -> dict[str, tuple[str, dict]]:
    """Every grouping, built in and the researcher's: name → (the variable it is made from, label → values)."""
    clash = sorted(set(groups) & set(BUILT_IN))
    if clash:
        raise ConfigError(f"[design.groups.{clash[0]}]: '{clash[0]}' is built in ({', '.join(BUILT_IN)}); "
                          "give yours another name")
    mine = {name: (spec["from"], {k: tuple(v) for k, v in spec.items() if k != "from"}) for name, spec in groups.items()}
    return {**BUILT_IN, **mine}


def derived_variables(variables: pd.DataFrame, groups: dict) -> pd.DataFrame:
    """A column per grouping, indexed like ``variables`` (the documents' metadata and variables):
    each document's label, or missing. A grouping made from a variable the documents do not have
    is a :class:`ConfigError` that lists the ones they have."""
    out = {}
    for name, (source, labels) in groupings(groups).items():
        if source not in variables:
            raise ConfigError(f"[design.groups.{name}] from = \"{source}\": the documents have no such variable "
                              f"(they have: {', '.join(map(str, variables.columns))})")
        out[name] = variables[source].map(lambda value, labels=labels: _label(value, labels)).astype("string")
    return pd.DataFrame(out, index=variables.index)


def _label(value, labels: dict) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    for label, values in labels.items():
        if any(text == v or text.startswith(v) for v in values):
            return label
    return None


def described(docs: pd.DataFrame, groups: dict) -> pd.DataFrame:
    """``docs`` (rows of the documents table) with their variables (``doc_vars`` as columns; one
    named like a column of ``docs`` is prefixed var_) and a column per grouping: what the API's
    corpus holds, what the query commands write beside their counts, what a stage can group by."""
    variables = document_variables(docs)
    variables = variables.rename(columns={c: f"var_{c}" for c in variables.columns if c in docs})
    return with_groupings(pd.concat([docs, variables], axis=1), groups)


def with_groupings(frame: pd.DataFrame, groups: dict) -> pd.DataFrame:
    """``frame`` (documents with their metadata and variables) with a column per grouping; a column
    the documents already have (a metadata.csv column named macro_region) is kept as it is."""
    derived = derived_variables(frame, groups)
    return pd.concat([frame, derived[[c for c in derived.columns if c not in frame]]], axis=1)


#: groupings every comparative output has already: not added again
STANDARD = ("province", "prefecture", "county", "quarter", "lang")


def grouping_variables(docs: pd.DataFrame, design, names=None, where: str = "[design] groupings") -> pd.DataFrame:
    """The groupings ``names`` (default: ``design.groupings``) that ``docs`` does not have as
    columns, as columns indexed like ``docs``: document variables (metadata.csv columns, a tabular
    corpus's columns) and derived groupings (``design.groups`` and the built-in ones). A name the
    documents do not have is a :class:`ConfigError` (``where`` names the setting) that lists the
    ones they have."""
    groups = design.groups  # read whether or not a grouping needs it: it is part of the stages' keys
    names = design.groupings if names is None else names
    wanted = [g for g in dict.fromkeys(names) if g not in STANDARD and g not in docs]
    if not wanted:
        return pd.DataFrame(index=docs.index)
    available = described(docs.drop(columns=["text"], errors="ignore"), groups)
    missing = [g for g in wanted if g not in available]
    if missing:
        names = [c for c in available.columns if not c.endswith(("_source", "_conf")) and c not in ("doc_vars",)]
        raise ConfigError(f"{where}: the documents have no variable {', '.join(missing)} "
                          f"(they have: {', '.join(names)})")
    return available[wanted].astype("string")


def document_variables(docs: pd.DataFrame) -> pd.DataFrame:
    """The ``doc_vars`` of each document as columns (one per variable, text values), indexed like
    ``docs``: join them to group by any column of a tabular corpus (none when ``docs`` was read
    without its doc_vars: :func:`analysis.corpus.documents_table.analysis_documents` given the names a
    stage uses)."""
    import json

    if "doc_vars" not in docs:
        return pd.DataFrame(index=docs.index)
    rows = [json.loads(v) if isinstance(v, str) and v else {} for v in docs["doc_vars"]]
    return pd.DataFrame(rows, index=docs.index).astype("string")
