"""Figures of slogan adoption: the timeline of first uses beside each unit's coverage, and the
Kaplan–Meier curves. A table in, a matplotlib figure out (no file I/O)."""
from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd

from .maps import short_name
from .plots import PAGE_HEIGHT, _message_figure
from .style import PALETTE, figure

#: panels of the timeline (the slogans with most adopters)
TIMELINE_PANELS = 4


def followed(slogans: pd.DataFrame, top: int) -> list[str]:
    """The slogans drawn: most adopters first (then name), at most ``top``, each adopted by some unit."""
    used = slogans[slogans["adopters"] > 0].sort_values(["adopters", "slogan"], ascending=[False, True], kind="stable")
    return used["slogan"].head(top).tolist()


def adoption_timeline(first_uses: pd.DataFrame, coverage: pd.DataFrame, slogans: pd.DataFrame,
                      top: int = TIMELINE_PANELS):
    """For each of the slogans with most adopters (at most four), a panel with a row per unit (earliest
    first use at the top): grey marks where the unit has documents (darker: more), a filled point at
    its first use, a line back to its last document without the slogan (the interval in which the
    adoption happened), an open triangle at the last document of a unit that never uses it
    (censored), and a dashed line at the centre's first use where a reference dates it."""
    names = followed(slogans, min(top, TIMELINE_PANELS))
    if not names:
        return _message_figure("No unit uses any followed slogan: no adoption to show.")
    units = sorted(first_uses["unit"].unique())
    n = len(units)
    cov = coverage.assign(start=pd.PeriodIndex(coverage["period"], freq="Q" if "Q" in str(coverage["period"].iloc[0])
                                                 else "Y").start_time)
    span = (cov["start"].min() - pd.Timedelta(days=30),
            max(cov["start"].max(), first_uses["window_end"].max()) + pd.Timedelta(days=92))
    ncols = min(2, len(names))
    nrows = int(np.ceil(len(names) / ncols))
    row_h = max(1.6, 0.5 + 0.11 * n)
    fig, axes = figure("double", min(PAGE_HEIGHT, row_h * nrows + 0.4), nrows=nrows, ncols=ncols, squeeze=False)
    shade = cov["documents"].clip(upper=cov["documents"].quantile(0.95) or 1)
    shade = 0.15 + 0.6 * shade / (shade.max() or 1)
    for ax, slogan in zip(axes.flat, names):
        g = first_uses[first_uses["slogan"] == slogan]
        order = g.assign(key=g["first_date"].fillna(pd.Timestamp.max)).sort_values(["key", "unit"], kind="stable")
        y = {u: i for i, u in enumerate(order["unit"])}
        for (unit, start), alpha in zip(cov[["unit", "start"]].itertuples(index=False), shade):
            if unit in y:
                ax.barh(y[unit], 80, left=start, height=0.7, color="0.5", alpha=float(alpha), linewidth=0)
        used = order[~order["censored"]]
        for r in used.itertuples():
            if pd.notna(r.last_without):
                ax.plot([r.last_without, r.first_date], [y[r.unit]] * 2, color=PALETTE[0], lw=0.8)
        ax.scatter(used["first_date"], [y[u] for u in used["unit"]], s=10, color=PALETTE[0], zorder=3,
                   label="first use")
        cens = order[order["censored"]]
        ax.scatter(cens["window_end"], [y[u] for u in cens["unit"]], s=10, marker=">", facecolor="none",
                   edgecolor=PALETTE[3], lw=0.7, zorder=3, label="never used (censored at last document)")
        ref = g["ref_date"].dropna() if "ref_date" in g else pd.Series(dtype="datetime64[ns]")
        centre = ""
        if len(ref):
            centre = f"; centre {ref.iloc[0]:%Y-%m-%d}"
            if span[0] <= ref.iloc[0] <= span[1]:
                ax.axvline(ref.iloc[0], color="0.2", lw=0.8, ls="--", label="centre's first use")
        ax.set_yticks(range(len(order)), [short_name(u) for u in order["unit"]], fontsize=5 if n > 20 else 6)
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.set_xlim(*span)
        ax.xaxis.set_major_locator(mdates.AutoDateLocator())
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        ax.tick_params(axis="x", labelsize=6)
        adopters = int((~g["censored"]).sum())
        ax.set_title(f"{slogan} ({adopters} of {len(g)} units{centre})", fontsize=8)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    found = {}
    for ax in axes.flat:
        for h, label in zip(*ax.get_legend_handles_labels()):
            found.setdefault(label, h)
    handles, labels = list(found.values()), list(found)
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=6, frameon=False, bbox_to_anchor=(0.5, 0))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def adoption_curves(curves: pd.DataFrame, slogans: pd.DataFrame, top: int = 8):
    """Kaplan–Meier curves: the share of units that have used each slogan (most adopters first, at
    most ``top``) by date, from the first document of the corpus, with pointwise 95% intervals as
    bands; the legend gives each slogan's origin (the centre's first use, where a reference dates it)."""
    names = [s for s in followed(slogans, top) if (curves["slogan"] == s).any()]
    if not names:
        return _message_figure("No unit uses any followed slogan: no adoption curve to show.")
    fig, ax = figure("double", 3.4)
    for i, slogan in enumerate(names):
        c = curves[curves["slogan"] == slogan]
        colour = PALETTE[i % len(PALETTE)]
        origin = (f"centre {pd.Timestamp(c['origin'].iloc[0]):%Y-%m-%d}" if "reference" in c["origin_rule"].iloc[0]
                  else "no reference")
        ax.step(c["date"], c["adopted_share"], where="post", color=colour, lw=1.1, label=f"{slogan} ({origin})")
        ax.fill_between(c["date"], c["low"], c["high"], step="post", color=colour, alpha=0.08, linewidth=0)
    ax.set_ylim(0, 1)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylabel("share of units that have used it")
    ax.legend(fontsize=6, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    fig.tight_layout()
    return fig
