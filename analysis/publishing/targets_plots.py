"""Figures of work-report targets: each unit's target per indicator (dot and range), and the target
beside last year's outcome. A table in, a matplotlib figure out (no file I/O)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..target_setting.indicators import in_common_units
from .maps import short_name
from .plots import PAGE_HEIGHT, _message_figure
from .style import PALETTE, figure

#: how each qualifier is drawn: marker and its meaning in the legend
MARKERS = {"about": ("o", "about (左右)"), "at_least": (">", "at least (以上)"), "at_most": ("<", "at most (以内)"),
           "point": ("D", "exactly"), "range": ("|", "range (low–high)")}


def latest(targets: pd.DataFrame) -> pd.DataFrame:
    """The numeric targets of the latest year with any, one per place and indicator (the first
    document by id when a place has several); ``value``: the low end, or the high end of an at-most."""
    numeric = in_common_units(targets)      # grain in 亿斤 and in 万吨: one unit per panel
    numeric = numeric.assign(value=numeric["low"].fillna(numeric["high"]))
    numeric = numeric[numeric["value"].notna() & numeric["place"].notna()]
    if not len(numeric):
        return numeric
    year = numeric["year"].dropna().max() if numeric["year"].notna().any() else None
    if year is not None:
        numeric = numeric[numeric["year"] == year]
    return numeric.sort_values(["doc_id", "start"], kind="stable").drop_duplicates(["place", "indicator"])


def chosen(table: pd.DataFrame, top: int) -> list[str]:
    """The indicators with targets in most units (GDP first when it has any), at most ``top``."""
    units = table.groupby("indicator")["place"].nunique().sort_values(ascending=False, kind="stable")
    names = sorted(units.index, key=lambda k: (k != "gdp", -units[k], k))
    return names[:top]


def targets_by_unit(targets: pd.DataFrame, top: int = 6):
    """A panel per indicator (those set by most units): each unit's target for the latest year, its
    marker showing the qualifier (about, at least, at most, exactly) and a bar for a range; units
    sorted by their target; a stretch goal (力争) as an open circle."""
    table = latest(targets)
    names = chosen(table, top)
    if not names:
        return _message_figure("No document states a numeric target (a 预期目标 passage): nothing to show.")
    ncols = min(3, len(names))
    nrows = int(np.ceil(len(names) / ncols))
    most = max(table[table["indicator"] == k]["place"].nunique() for k in names)
    fig, axes = figure("double", min(PAGE_HEIGHT, nrows * max(1.3, 0.7 + 0.125 * most) + 0.5), nrows=nrows,
                       ncols=ncols, squeeze=False)
    shown = set()
    for ax, kind in zip(axes.flat, names):
        g = table[table["indicator"] == kind].sort_values(["value", "place"], kind="stable")
        y = np.arange(len(g))
        for q, (marker, label) in MARKERS.items():
            part = g["qualifier"].to_numpy() == q
            if not part.any():
                continue
            if q == "range":
                ax.hlines(y[part], g["low"][part], g["high"][part], color=PALETTE[1], lw=1.6,
                          label=label if q not in shown else None)
            else:
                ax.scatter(g["value"][part], y[part], marker=marker, s=16, color=PALETTE[0 if q == "about" else 2],
                           zorder=3, label=label if q not in shown else None)
            shown.add(q)
        stretch = g["stretch"].notna().to_numpy()
        if stretch.any():
            ax.scatter(g["stretch"][stretch], y[stretch], marker="o", s=16, facecolor="none", edgecolor=PALETTE[3],
                       zorder=3, label="stretch (力争)" if "stretch" not in shown else None)
            shown.add("stretch")
        ax.set_yticks(y, [short_name(u) for u in g["place"]], fontsize=6)
        ax.set_ylim(-0.7, len(g) - 0.3)
        unit = g["unit"].iloc[0]
        ax.set_title(f"{g['indicator_name'].iloc[0]}" + (f" ({unit})" if unit else ""), fontsize=7, loc="left")
        ax.grid(axis="x", lw=0.3, alpha=0.5)
        ax.tick_params(axis="x", labelsize=6)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    year = table["year"].dropna().max() if table["year"].notna().any() else None
    fig.legend(loc="lower center", ncol=6, fontsize=6, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(f"Targets set for {year}" if year is not None else "Targets", fontsize=8, x=0.01, ha="left")
    height = fig.get_size_inches()[1]
    fig.tight_layout(rect=(0, min(0.2, 0.3 / height), 1, 1 - min(0.1, 0.25 / height)))   # room for legend and title
    return fig


def targets_vs_outcome(targets: pd.DataFrame, top: int = 3):
    """For the indicators whose last outcome most reports state (GDP first): a row per unit, last
    year's outcome (open circle) joined to this year's target (filled; a bar for a range), units
    sorted by how far the target is above the outcome."""
    table = latest(targets)
    table = table[table["outcome_low"].notna() & (table["outcome_unit"] == table["unit"])]
    names = chosen(table, top)
    if not names:
        return _message_figure("No report states both a target and last year's outcome of one indicator.")
    most = max(table[table["indicator"] == k]["place"].nunique() for k in names)
    fig, axes = figure("double", min(PAGE_HEIGHT, max(1.8, 0.8 + 0.13 * most)), ncols=len(names), squeeze=False)
    for ax, kind in zip(axes.flat, names):
        g = table[table["indicator"] == kind]
        g = g.assign(gap=g["value"] - g["outcome_low"]).sort_values(["gap", "place"], kind="stable")
        y = np.arange(len(g))
        ax.hlines(y, g["outcome_low"], g["value"], color="0.6", lw=0.8)
        ax.scatter(g["outcome_low"], y, s=14, facecolor="white", edgecolor="0.3", zorder=3,
                   label="last year's outcome")
        ax.scatter(g["value"], y, s=14, color=PALETTE[0], zorder=3, label="this year's target")
        ranged = g["qualifier"].to_numpy() == "range"
        if ranged.any():
            ax.hlines(y[ranged], g["low"][ranged], g["high"][ranged], color=PALETTE[1], lw=1.6, label="target range")
        ax.set_yticks(y, [short_name(u) for u in g["place"]], fontsize=6)
        ax.set_ylim(-0.7, len(g) - 0.3)
        ax.set_title(f"{g['indicator_name'].iloc[0]} ({g['unit'].iloc[0]})", fontsize=7, loc="left")
        ax.grid(axis="x", lw=0.3, alpha=0.5)
        ax.tick_params(axis="x", labelsize=6)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=6, frameon=False)
    fig.tight_layout(rect=(0, min(0.2, 0.3 / fig.get_size_inches()[1]), 1, 1))
    return fig
