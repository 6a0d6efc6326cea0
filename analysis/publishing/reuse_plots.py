"""Figures of text reuse: each unit's share of characters repeating the central texts, and the central
sentences most units repeat. A table in, a matplotlib figure out (no file I/O)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from .maps import short_name
from .plots import PAGE_HEIGHT, _message_figure
from .style import PALETTE, figure


def overall(units: pd.DataFrame) -> pd.DataFrame:
    """Each unit's share over the whole corpus: its rows of period "all" (a corpus of several
    periods), else of its one period."""
    known = units[units["period"] != "unknown"]
    return known[known["period"] == "all"] if (known["period"] == "all").any() else known


def reuse_by_unit(units: pd.DataFrame):
    """Each unit's share of characters that repeat a central text over the whole corpus, with its 95%
    interval over documents (an open circle: fewer than 10 documents, a thin unit); units sorted by share."""
    table = overall(units).sort_values(["share", "unit"], kind="stable")
    if not len(table):
        return _message_figure("No document repeats a central text (or no reference is set: [reuse] reference).")
    n = len(table)
    fig, ax = figure("single", min(PAGE_HEIGHT, 0.7 + 0.13 * n))
    y = np.arange(n)
    share, low, high = (100 * table[c].to_numpy(dtype=float) for c in ("share", "low", "high"))
    ok = ~np.isnan(low)
    ax.hlines(y[ok], low[ok], high[ok], color=PALETTE[0], lw=1.0, alpha=0.6)
    thin = table["thin"].to_numpy(dtype=bool)
    ax.scatter(share[~thin], y[~thin], s=12, color=PALETTE[0], zorder=3)
    ax.scatter(share[thin], y[thin], s=12, facecolor="white", edgecolor=PALETTE[0], zorder=3)
    ax.set_yticks(y, [f"{short_name(u)} ({d})" for u, d in zip(table["unit"], table["documents"])], fontsize=6)
    ax.set_ylim(-0.7, n - 0.3)
    period = "all periods" if table["period"].iloc[0] == "all" else table["period"].iloc[0]
    ax.set_xlabel(f"characters repeating a central text, % ({period}; 95% interval over documents;"
                  " open: under 10 documents)", fontsize=6)
    ax.set_xlim(left=0)
    ax.tick_params(axis="x", labelsize=6)
    ax.grid(axis="x", lw=0.3, alpha=0.5)
    fig.tight_layout()
    return fig


def central_passages(central: pd.DataFrame, top: int = 20, width: int = 34):
    """The central sentences repeated by most units: a bar per sentence (its first ``width``
    characters), the number of units, the documents in the label."""
    table = central.head(top)
    if not len(table):
        return _message_figure("No central sentence is repeated by any document.")
    n = len(table)
    fig, ax = figure("double", min(PAGE_HEIGHT, 0.8 + 0.2 * n))
    y = np.arange(n)[::-1]
    ax.barh(y, table["units"], color=PALETTE[0], height=0.65)
    labels = [(t[:width] + "…" if len(t) > width else t) for t in table["text"].str.replace(r"\s+", "", regex=True)]
    ax.set_yticks(y, labels, fontsize=6)
    for yy, u, d in zip(y, table["units"], table["documents"]):
        ax.text(u, yy, f" {u} ({d} docs)", va="center", fontsize=5.5, color="0.3")
    ax.set_xlabel("units repeating the sentence (documents in brackets)", fontsize=6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # units are counted
    ax.set_xlim(0, table["units"].max() * 1.18)
    ax.tick_params(axis="x", labelsize=6)
    fig.tight_layout()
    return fig
