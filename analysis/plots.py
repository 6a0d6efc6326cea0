"""Figures: a table in, a matplotlib figure out. No file I/O here (see :mod:`analysis.export`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .corpus_tables import UNKNOWN
from .style import PALETTE, figure


def _ordered(values, unknown_last: bool = True) -> list[str]:
    known = sorted(v for v in set(values) if v != UNKNOWN)
    return known + ([UNKNOWN] if UNKNOWN in set(values) else [])


def _heatmap(ax, grid: pd.DataFrame, title: str, fmt) -> None:
    data = grid.to_numpy(dtype=float)
    shown = np.where(data > 0, data, np.nan)
    im = ax.imshow(shown, cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=45, ha="right")
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_title(title)
    top = np.nanmax(shown) if np.isfinite(shown).any() else 1
    for (i, j), v in np.ndenumerate(data):
        if v > 0:
            ax.text(j, i, fmt(v), ha="center", va="center", fontsize=6,
                    color="white" if v > 0.6 * top else "black")
    ax.set_xticks(np.arange(-0.5, grid.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, grid.shape[0]), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="both", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return im


def corpus_overview(by_pq: pd.DataFrame, by_lang: pd.DataFrame):
    """Documents and characters by province × quarter, and documents by language.

    ``by_pq`` is :func:`~analysis.corpus_tables.corpus_by_province_quarter`; ``by_lang`` is
    :func:`~analysis.corpus_tables.corpus_by_language`.
    """
    provinces = _ordered(by_pq["province"])
    quarters = _ordered(by_pq["quarter"])
    height = max(2.4, 0.9 + 0.28 * len(provinces))
    fig, axes = figure("double", height, ncols=3, gridspec_kw={"width_ratios": [1, 1, 0.7]})
    for ax, column, title, fmt in (
            (axes[0], "documents", "Documents", lambda v: f"{v:.0f}"),
            (axes[1], "characters", "Characters (thousands)", lambda v: f"{v / 1000:.1f}")):
        grid = (by_pq.pivot(index="province", columns="quarter", values=column)
                .reindex(index=provinces, columns=quarters).fillna(0))
        _heatmap(ax, grid, title, fmt)
        ax.set_xlabel("quarter of the meeting")
    axes[1].set_yticklabels([])
    ax = axes[2]
    langs = by_lang.sort_values("lang")
    y = np.arange(len(langs))
    ax.barh(y, langs["documents"], color=PALETTE[0])
    ax.set_yticks(y, langs["lang"])
    ax.invert_yaxis()
    ax.set_title("Documents by language")
    ax.set_xlabel("documents")
    for yi, (d, c) in enumerate(zip(langs["documents"], langs["characters"])):
        ax.text(d, yi, f" {d} ({c / 1000:.1f}k chars)", va="center", fontsize=6)
    ax.set_xlim(0, max(1, langs["documents"].max()) * 1.9)
    fig.tight_layout()
    return fig
