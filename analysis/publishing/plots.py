"""Figures: a table in, a matplotlib figure out. No file I/O here (see :mod:`analysis.publishing.export`)."""
from __future__ import annotations


import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..corpus.tables import UNKNOWN
from .style import PALETTE, figure

#: the tallest figure a journal page takes (247 mm), in inches
PAGE_HEIGHT = 247 / 25.4


def _ordered(values, unknown_last: bool = True) -> list[str]:
    known = sorted(v for v in set(values) if v != UNKNOWN)
    return known + ([UNKNOWN] if UNKNOWN in set(values) else [])


def _heatmap(ax, grid: pd.DataFrame, title: str, fmt, small: pd.DataFrame | None = None, colorbar_label: str = "",
             cell_unit: str = ""):
    """Cells coloured by value. Cells flagged in ``small`` (too few documents) are hatched grey and
    kept out of the colour scale; the 'unknown' row is drawn apart (grey, its own scale), so that
    the documents whose region the text does not state do not wash out the others. Values are
    printed in the cells only when they fit (``cell_unit`` then follows the title: what ``fmt``
    prints); otherwise a colour bar reads them. Time labels on the x axis are thinned so that none
    overlaps."""
    data = grid.to_numpy(dtype=float)
    flagged = small.reindex(index=grid.index, columns=grid.columns).eq(True).to_numpy(dtype=bool) \
        if small is not None else np.zeros(data.shape, bool)
    apart = np.array([str(i) == UNKNOWN for i in grid.index])[:, None] | np.array([str(c) == UNKNOWN for c in grid.columns])[None, :]
    shown = np.where((data > 0) & ~flagged & ~apart, data, np.nan)
    im = ax.imshow(shown, cmap="Blues", aspect="auto", vmin=0)
    if apart.any():
        ax.imshow(np.where(apart & (data > 0), data, np.nan), cmap="Greys", aspect="auto", vmin=0,
                  vmax=np.nanmax(np.where(apart, data, np.nan)) * 2.5 or 1)
    for i, j in zip(*np.nonzero(flagged)):
        ax.add_patch(_hatched_cell(j, i))
    ax.set_yticks(range(grid.shape[0]), grid.index)
    top = np.nanmax(shown) if np.isfinite(shown).any() else 1
    labels = [fmt(v) for v in data.ravel() if v > 0]
    if _cells_fit(ax, grid.shape, max((len(x) for x in labels), default=1), 6):
        ax.set_title(title + cell_unit)
        for (i, j), v in np.ndenumerate(data):
            if v > 0:
                color = "#777777" if flagged[i, j] else ("white" if v > 0.6 * top and not apart[i, j] else "black")
                ax.text(j, i, fmt(v), ha="center", va="center", fontsize=6, color=color)
    else:
        ax.set_title(title)
        bar = ax.figure.colorbar(im, ax=ax, shrink=0.5, aspect=25, pad=0.02)
        bar.ax.tick_params(labelsize=6)
        if colorbar_label:
            bar.set_label(colorbar_label, fontsize=6)
    _column_ticks(ax, [str(c) for c in grid.columns])
    ax.set_xticks(np.arange(-0.5, grid.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, grid.shape[0]), minor=True)
    ax.grid(which="minor", color="white", linewidth=1 if grid.shape[1] <= 30 else 0.3)
    ax.tick_params(which="both", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return im


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, a Chinese character counting two (textwrap counts one)."""
    import unicodedata

    lines, line, used = [], "", 0
    for part in text.replace("·", "· ").split(" "):
        w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in part) + 1
        if used and used + w > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line += part + ("" if part.endswith("·") else " ")
        used += w
    return lines + ([line.rstrip()] if line.strip() else [])


def _clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns (a Chinese character counts two), with "…" when cut."""
    import unicodedata

    used, out = 0, []
    for c in str(text):
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > width:
            return "".join(out) + "…"
        out.append(c)
        used += w
    return "".join(out)


def _time_ticks(ax, x: np.ndarray, periods: list[str], max_labels: int = 4, fontsize: float = 6) -> None:
    """Horizontal time labels on a line panel, at most ``max_labels``: years (at their first
    quarter) when the periods are quarters over more than two years, else evenly spaced periods."""
    x, periods = np.asarray(x), list(periods)
    if not len(x):
        return
    quarters = all(len(p) == 6 and p[4] == "Q" for p in periods)
    if quarters and len({p[:4] for p in periods}) > 2:
        years = sorted({int(p[:4]) for p in periods})
        step = int(np.ceil(len(years) / max_labels))
        first = {int(p[:4]): xi for xi, p in sorted(zip(x, periods), key=lambda t: t[0]) if p.endswith("Q1")}
        keep = [(first[y], str(y)) for y in years if y in first and (y - years[0]) % step == 0]
        ax.set_xticks([k for k, _ in keep], [lab for _, lab in keep], fontsize=fontsize)
        return
    step = int(np.ceil(len(x) / max_labels))
    ax.set_xticks(x[::step], periods[::step], fontsize=fontsize)


def _cells_fit(ax, shape: tuple[int, int], chars: int, fontsize: float) -> bool:
    """Whether a label of ``chars`` characters fits in a cell of ``ax`` (in its current size)."""
    fig = ax.figure
    box = ax.get_position()
    width_pt = box.width * fig.get_figwidth() * 72 / max(shape[1], 1)
    height_pt = box.height * fig.get_figheight() * 72 / max(shape[0], 1)
    return width_pt >= 0.62 * fontsize * chars + 2 and height_pt >= 1.2 * fontsize


def _column_ticks(ax, labels: list[str], fontsize: float = 6) -> None:
    """Column labels under a grid: all of them, rotated, when they fit; else every k-th, so that no
    two overlap (a year's first quarter when the columns are quarters)."""
    n = len(labels)
    box = ax.get_position()
    width_pt = box.width * ax.figure.get_figwidth() * 72
    per = width_pt / max(n, 1)
    if per >= 1.5 * fontsize * 1.2:   # rotated 45°: labels a line height apart need √2 × that of width
        ax.set_xticks(range(n), labels, rotation=45, ha="right")   # the style's size: as small grids always had
        return
    if per >= 1.15 * fontsize and n <= 40:   # vertical: a line height each (31 provinces on a page's width)
        ax.set_xticks(range(n), labels, rotation=90, fontsize=fontsize)
        return
    longest = max((len(x) for x in labels), default=1)
    step = int(np.ceil((0.62 * fontsize * longest + 4) / per))
    quarters = all(len(x) == 6 and x[4] == "Q" for x in labels if x != UNKNOWN)
    if quarters:   # years at their first quarter
        step = 4 * int(np.ceil((0.62 * fontsize * 4 + 4) / (4 * per)))
        keep = [i for i, x in enumerate(labels) if x.endswith("Q1") and (int(x[:4]) % (step // 4) == 0)]
        ax.set_xticks(keep, [labels[i][:4] for i in keep], fontsize=fontsize)
    else:
        keep = list(range(0, n, step))
        ax.set_xticks(keep, [labels[i] for i in keep], fontsize=fontsize)


def _hatched_cell(x: float, y: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor="#f2f2f2", edgecolor="#bbbbbb", hatch="////", lw=0)


def corpus_overview(by_pq: pd.DataFrame, by_lang: pd.DataFrame):
    """Documents and characters by province × quarter, and documents by language.

    ``by_pq`` is :func:`~analysis.corpus.tables.corpus_by_province_quarter`; ``by_lang`` is
    :func:`~analysis.corpus.tables.corpus_by_language`.
    """
    provinces = _ordered(by_pq["province"])
    quarters = _ordered(by_pq["quarter"])
    height = max(2.4, 0.9 + min(0.28, (PAGE_HEIGHT - 1.2) / max(len(provinces), 1)) * len(provinces))
    fig, axes = figure("double", height, ncols=3, gridspec_kw={"width_ratios": [1, 1, 0.7]})
    outer = axes[0].get_gridspec()  # a colour bar splits an axes' own cell: the outer grid is kept here
    for ax, column, title, fmt, unit in (
            (axes[0], "documents", "Documents", lambda v: f"{v:.0f}", ""),
            (axes[1], "characters", "Characters", lambda v: f"{v / 1000:.1f}", " (thousands)")):
        grid = (by_pq.pivot(index="province", columns="quarter", values=column)
                .reindex(index=provinces, columns=quarters).fillna(0))
        _heatmap(ax, grid, title, fmt, colorbar_label=column, cell_unit=unit)
        ax.set_xlabel("quarter of the meeting")
    axes[1].set_yticklabels([])
    # the language panel keeps a fixed height at the top, however many provinces there are
    langs = by_lang.sort_values("lang")
    bar_height = min(1.0, (0.8 + 0.3 * len(langs)) / height)
    axes[2].remove()
    ax = fig.add_subplot(outer[0, 2].subgridspec(2, 1, height_ratios=[bar_height, 1 - bar_height + 1e-9],
                                                                        hspace=0)[0])
    y = np.arange(len(langs))
    ax.barh(y, langs["documents"], color=PALETTE[0], height=0.6)
    ax.set_yticks(y, langs["lang"])
    ax.invert_yaxis()
    ax.set_title("Documents by language")
    ax.set_xlabel("documents")
    for yi, (d, c) in enumerate(zip(langs["documents"], langs["characters"])):
        ax.text(d, yi, f" {d} ({c / 1000:.1f}k chars)", va="center", fontsize=6)
    ax.set_xlim(0, max(1, langs["documents"].max()) * 1.9)
    fig.tight_layout()
    return fig


# ---- slogans -------------------------------------------------------------------------------------
_LANG_NAME = {"zh": "Chinese texts, per 10,000 characters", "en": "English texts, per 10,000 words"}


def _panel_grid(n: int, ncols: int, row_height: float, extra: float):
    """A double-column figure of ``n`` panels in rows of at most ``ncols``, ``row_height`` inches per
    row plus ``extra``; the cells of the last row that hold no panel are removed. Returns (fig,
    the n axes in reading order)."""
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = figure("double", extra + row_height * nrows, nrows=nrows, ncols=ncols, squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.remove()
    return fig, list(axes.ravel()[:n])


def stage_form(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """A rates or keyness table as the stages write it (a ``grouping`` column; keyness: the groups in
    ``group``), from one the API returns for one grouping (``tf.slogan_rates(corp, by=column)``,
    ``tf.textstat_keyness(dfm, by=column)``); rates gain the per-language totals that rank the
    slogans shown. A stage's table is returned as it is."""
    if "grouping" in table:
        return table
    table = table.assign(grouping=column)
    if "slogan" in table:
        totals = table.groupby(["lang", "slogan"], as_index=False)[["count", "documents_with"]].sum()
        return pd.concat([table, totals.assign(grouping="language")], ignore_index=True)
    return table.rename(columns={column: "group"})


def slogan_label(table: pd.DataFrame, slogan: str, lang: str, width: int = 30) -> str:
    """How a slogan is named in a panel: in English panels, its English rendering (the table's
    ``rendering`` column, when it has one), cut to ``width`` characters; the tables name both."""
    if lang != "en" or "rendering" not in table:
        return slogan
    found = table.loc[(table["slogan"] == slogan) & (table["lang"] == "en"), "rendering"].dropna()
    found = found[found.astype(str) != ""]
    if not len(found):
        return slogan
    text = str(found.iloc[0])
    return text if len(text) <= width else text[:width - 1].rstrip(" ,;") + "…"


def unmeasured(rates: pd.DataFrame) -> pd.Series:
    """Cells too small to read: fewer documents than slogans.min_docs (``small``) and no interval
    over the paragraphs of a one-document cell (``interval_over``), which the rates table gives
    every one-document cell it can: a cross-section of one report per province is measured."""
    small = rates["small"].eq(True) if "small" in rates else pd.Series(False, index=rates.index)
    if "interval_over" in rates:
        small &= rates["interval_over"].ne("paragraphs")
    return small


def top_slogans(rates: pd.DataFrame, lang: str, n: int) -> list[str]:
    """The n slogans used by most documents of a language (then by count, then name)."""
    overall = rates[(rates["grouping"] == "language") & (rates["lang"] == lang) & (rates["count"] > 0)]
    overall = overall.sort_values(["documents_with", "count", "slogan"], ascending=[False, False, True])
    return overall["slogan"].head(n).tolist()


def slogan_heatmap(rates: pd.DataFrame, column: str, top: int = 20, title: str = ""):
    """Rates of the top slogans by ``column`` (province or quarter), one panel per language."""
    rates = stage_form(rates, column)
    langs = [l for l in ("zh", "en") if ((rates["lang"] == l) & (rates["count"] > 0)).any()]
    data = rates[rates["grouping"] == column]
    if not langs:
        return _message_figure("No slogan occurs in the corpus.")
    panels = []
    for lang in langs:
        names = top_slogans(rates, lang, top)
        sub = data[(data["lang"] == lang) & data["slogan"].isin(names)]
        cells = sub.assign(**{column: sub[column].astype("string").fillna(UNKNOWN)})
        grid = cells.pivot_table(index="slogan", columns=column, values="rate", aggfunc="first").reindex(index=names)
        grid = grid.reindex(columns=_ordered(grid.columns))
        cells = cells.assign(small=unmeasured(cells)) if "small" in cells else cells
        small = (cells.pivot_table(index="slogan", columns=column, values="small", aggfunc="first")
                 if "small" in cells else None)
        labels = {x: slogan_label(rates, x, lang) for x in names}
        panels.append((lang, grid.rename(index=labels), small.rename(index=labels) if small is not None else None))
    height = max(2.6, 0.9 + 0.24 * max(len(g) for _, g, _ in panels))
    widths = [max(1.2, 0.55 * g.shape[1]) + 1.0 for _, g, _ in panels]
    fig, axes = figure("double", height, ncols=len(panels), gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, (lang, grid, small) in zip(axes[0], panels):
        _heatmap(ax, grid.fillna(0), _LANG_NAME[lang], lambda v: f"{v:.1f}" if v < 100 else f"{v:.0f}", small)
        ax.set_xlabel(column + ("; hatched: too few documents" if small is not None and small.any().any() else ""))
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def dot_interval_panels(panels: list[tuple[str, pd.DataFrame]], xlabel: str, ncols: int = 3):
    """One panel per item (a slogan, a topic): a row per group with its estimate and 95% interval.

    ``panels``: (title, frame with columns group, value, low, high, documents, and optionally
    ``small`` (hollow marker: too few documents) and ``pooled`` (a partially pooled estimate, drawn
    as an orange tick beside the raw one)). Rows scale with the number of groups, so 30 provinces
    stay readable; 'unknown' is grey and last.
    """
    if not panels:
        return _message_figure("Nothing to show.")
    ncols = min(ncols, len(panels))
    n_groups = max(len(f) for _, f in panels)
    nrows = int(np.ceil(len(panels) / ncols))
    per_group = min(0.16, max(0.085, (PAGE_HEIGHT - 0.5 - 0.9 * nrows) / max(n_groups * nrows, 1)))
    fig, axes = _panel_grid(len(panels), ncols, 0.9 + per_group * n_groups, 0.3)
    fontsize = 5.5 if per_group >= 0.1 else 4.5
    width = {1: 90, 2: 50, 3: 32}.get(ncols, 24)  # title characters per line for the panel width
    for ax, (title, frame) in zip(axes, panels):
        title = "\n".join(_wrap(title, width)[:2])   # a Chinese character is two columns wide
        f = frame.assign(group=frame["group"].astype(str))
        # Cleveland dot plot: rows by the estimate, largest first; 'unknown' last
        f = pd.concat([f[f["group"] != UNKNOWN].sort_values(["value", "group"], ascending=[False, True],
                                                             na_position="last", kind="stable"),
                       f[f["group"] == UNKNOWN]]).set_index("group")
        groups = list(f.index)
        y = np.arange(len(groups))
        x = f["value"].to_numpy(dtype=float)
        lo = np.nan_to_num(np.maximum(x - f["low"].to_numpy(dtype=float), 0))
        hi = np.nan_to_num(np.maximum(f["high"].to_numpy(dtype=float) - x, 0))
        colors = ["#999999" if g == UNKNOWN else PALETTE[0] for g in groups]
        small = f["small"].eq(True).to_numpy(dtype=bool) if "small" in f else np.zeros(len(groups), bool)
        ax.errorbar(x, y, xerr=np.vstack([lo, hi]), fmt="none", ecolor=colors, lw=0.9)
        ax.scatter(x[~small], y[~small], c=[c for c, s_ in zip(colors, small) if not s_], s=10, zorder=3)
        ax.scatter(x[small], y[small], facecolors="white", edgecolors=[c for c, s_ in zip(colors, small) if s_],
                   s=10, zorder=3, linewidths=0.8)
        if "pooled" in f and f["pooled"].notna().any():
            ax.scatter(f["pooled"].to_numpy(dtype=float), y + 0.3, marker="|", color=PALETTE[1], s=18, zorder=4)
        ax.set_yticks(y, [f"{g} ({int(n)})" for g, n in zip(groups, f["documents"].fillna(0))], fontsize=fontsize)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=7)
        ax.set_xlim(left=min(0, np.nanmin(x - lo)) if np.isfinite(x).any() else 0)
        right = _right_edge(x, x + hi, small)
        if right is not None:  # an interval of a few documents would stretch the axis past every estimate
            ax.set_xlim(right=right)
            beyond = (x + hi) > right
            ax.scatter(np.full(int(beyond.sum()), right), y[beyond], marker=">", s=9, color="#555555", zorder=4,
                       clip_on=False)
        ax.grid(axis="x", color="#eeeeee", lw=0.6)
        ax.tick_params(axis="x", labelsize=6)
    fig.supxlabel(xlabel, fontsize=7)
    fig.tight_layout()
    return fig


#: a dot plot's axis reaches at most this many times its largest estimate; a longer interval is cut there
AXIS_REACH = 3.0


def _right_edge(values: np.ndarray, highs: np.ndarray, small: np.ndarray) -> float | None:
    """Where a dot plot's axis ends: the largest upper bound of the groups with enough documents, but
    not past AXIS_REACH times the largest estimate; None to leave it to matplotlib."""
    top = np.nanmax(values) if np.isfinite(values).any() else np.nan
    if not np.isfinite(top) or top <= 0:
        return None
    sure = highs[~small & np.isfinite(highs)]
    reach = max(np.nanmax(sure) if len(sure) else top, top)
    return float(min(reach, AXIS_REACH * top) * 1.05)


def slogan_intervals(rates: pd.DataFrame, column: str = "province", top: int = 6):
    """The top slogans of each language across groups (rows: groups with their number of documents),
    rate with its 95% bootstrap interval over documents."""
    rates = stage_form(rates, column)
    langs = [l for l in ("zh", "en") if ((rates["lang"] == l) & (rates["count"] > 0)).any()]
    if not langs:
        return _message_figure("No slogan occurs in the corpus.")
    data = rates[rates["grouping"] == column].copy()
    data[column] = data[column].astype("string").fillna(UNKNOWN)
    per_lang = max(1, top // len(langs))
    panels = []
    for lang in langs:
        for slogan in top_slogans(rates, lang, per_lang):
            sub = data[(data["lang"] == lang) & (data["slogan"] == slogan)]
            panels.append((f"{slogan_label(rates, slogan, lang)} ({lang})", pd.DataFrame({
                "group": sub[column], "value": sub["rate"], "low": sub["rate_low"], "high": sub["rate_high"],
                "documents": sub["documents"], "small": unmeasured(sub), "pooled": sub.get("rate_pooled")})))
    return dot_interval_panels(panels, "rate per 10,000 characters (zh) or words (en), 95% interval over documents "
                                       "(one document: over its paragraphs); in brackets: documents; hollow: too few; "
                                       "orange tick: pooled rate")


def slogan_contrast(contrasts: pd.DataFrame, label: str, top: int = 20):
    """Log Ratio of the slogans in one contrast: filled with a 95% interval when tested, hollow
    (descriptive only) when the contrast is too small to test."""
    rows = contrasts[(contrasts["contrast"] == label) & (contrasts["status"] != "absent")].copy()
    if rows.empty or rows["count_target"].isna().all():
        return _message_figure(f"{label}: no slogan occurs on either side.")
    rows = rows[(rows["exposure_target"].astype(float) > 0) & (rows["exposure_reference"].astype(float) > 0)]
    if rows.empty:
        return _message_figure(f"{label}: one side has no text to compare.")
    a = rows["count_target"].astype(float).replace(0, 0.5)
    b = rows["count_reference"].astype(float).replace(0, 0.5)
    rows["lr"] = np.log2((a / rows["exposure_target"].astype(float)) / (b / rows["exposure_reference"].astype(float)))
    rows = rows.sort_values(["count_target", "count_reference"], ascending=False).head(top)
    rows = rows.sort_values("lr")
    tested = rows["status"] == "tested"
    height = max(2.4, 0.9 + 0.22 * len(rows))
    fig, ax = figure("single", height)
    y = np.arange(len(rows))
    x = rows["lr"].to_numpy()
    if tested.any():
        t = tested.to_numpy()
        lo = x[t] - rows.loc[tested, "log_ratio_low"].to_numpy(dtype=float)
        hi = rows.loc[tested, "log_ratio_high"].to_numpy(dtype=float) - x[t]
        sig = (rows.loc[tested, "q_value"] < 0.05).to_numpy()
        ax.errorbar(x[t], y[t], xerr=np.vstack([lo, hi]), fmt="none", ecolor=PALETTE[0], lw=1)
        if sig.any():   # the legend names only the kinds of point that are drawn
            ax.scatter(x[t][sig], y[t][sig], color=PALETTE[3], s=14, zorder=3, label="q < 0.05 (BH)")
        if (~sig).any():
            ax.scatter(x[t][~sig], y[t][~sig], color=PALETTE[0], s=14, zorder=3, label="tested, q ≥ 0.05")
    if (~tested).any():
        nt = ~tested.to_numpy()
        ax.scatter(x[nt], y[nt], facecolors="none", edgecolors="#777777", s=14, zorder=3,
                   label="not tested (too small): descriptive")
    ax.axvline(0, color="#444444", lw=0.7)
    ax.set_yticks(y, [slogan_label(rows, x, lang) for x, lang in zip(rows["slogan"], rows["lang"])])
    ax.set_xlabel("Log Ratio (log2 of rate ratio)")
    lang = rows["lang"].iloc[0] if "lang" in rows else ""
    note = ""
    if not tested.any():
        reasons = rows["status"].str.replace("too small: ", "", regex=False).value_counts()
        note = f"\nnot tested: {reasons.index[0]}"
    ax.set_title(f"{label} ({_LANG_NAME.get(lang, lang).split(',')[0]}){note}", fontsize=7)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.9 / height), frameon=False, fontsize=6, ncol=1)
    fig.tight_layout()
    return fig


def _message_figure(message: str):
    fig, ax = figure("single", 1.2)
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=8, wrap=True)
    return fig


# ---- keywords ------------------------------------------------------------------------------------
def keyword_small_multiples(rates: pd.DataFrame, trends: pd.DataFrame, terms: list[str], title: str = ""):
    """One panel per term: rate per 10,000 tokens in each period with its bootstrap interval.
    Periods without documents are gaps: the line breaks there."""
    from ..keywords.statistics import period_index

    data = rates[rates["term"].isin(terms)]
    if data.empty:
        return _message_figure("No dated documents: no keyword trend to show.")
    # a term gets a panel in each language where it occurs (an English word among Chinese texts
    # would be an empty panel)
    used = data.groupby(["term", "lang"])["count"].sum()
    panels = [(t, l) for t in terms for l in ("zh", "en") if used.get((t, l), 0) > 0][:12]
    if not panels:
        return _message_figure("None of these terms occurs in the dated documents: " + ", ".join(terms))
    absent = [t for t in terms if not any(used.get((t, l), 0) > 0 for l in ("zh", "en"))]
    if absent and not title:
        title = "Not in the dated documents: " + ", ".join(absent)
    fig, axes = _panel_grid(len(panels), 4, 1.5, 1.0)
    cls = dict(zip(zip(trends.get("term", []), trends.get("lang", [])), trends.get("class", [])))
    all_periods = sorted(data["period"].unique(), key=lambda p: (len(p), p))
    for ax, (term, lang) in zip(axes, panels):
        sub = data[(data["term"] == term) & (data["lang"] == lang)].copy()
        unit = "quarter" if "Q" in all_periods[0] else ("month" if "-" in all_periods[0] else "year")
        sub["x"] = [period_index(p, unit) for p in sub["period"]]
        sub = sub.sort_values("x")
        x, y = sub["x"].to_numpy(), sub["rate"].to_numpy()
        breaks = np.r_[0, np.flatnonzero(np.diff(x) > 1) + 1, len(x)]
        for a, b in zip(breaks[:-1], breaks[1:]):  # a gap in the periods breaks the line
            ax.plot(x[a:b], y[a:b], "-", lw=1, color=PALETTE[0])
        bare = sub["rate_low"].isna().to_numpy()   # a period of one document has no interval: a hollow point
        ax.plot(x[~bare], y[~bare], "o", ms=3, color=PALETTE[0])
        ax.plot(x[bare], y[bare], "o", ms=3, mfc="white", mec=PALETTE[0])
        ax.fill_between(x, sub["rate_low"], sub["rate_high"], color=PALETTE[0], alpha=0.2, lw=0)
        _time_ticks(ax, x, list(sub["period"]))
        ax.set_title(f"{term} ({lang}, {cls.get((term, lang), 'not tested')}, n = {int(sub['count'].sum())})", fontsize=7)
        ax.set_ylim(bottom=0)
    fig.supylabel("per 10,000 tokens", fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def keyword_slope_chart(trends: pd.DataFrame, terms: list[str]):
    """Rate in the first and the last period of each term, joined by a line."""
    rows = trends[trends["term"].isin(terms) & trends["rate_first"].notna()] if "rate_first" in trends else trends.iloc[0:0]
    if rows.empty:
        return _message_figure("No term has a first and a last period: no slope chart.")
    langs = [l for l in ("zh", "en") if (rows["lang"] == l).any()]
    fig, axes = figure("double", 3.2, ncols=len(langs), squeeze=False)
    for ax, lang in zip(axes[0], langs):
        sub = rows[rows["lang"] == lang].sort_values("rate_last")
        top = float(max(sub["rate_first"].max(), sub["rate_last"].max()))
        label_y = _spread(sub["rate_last"].to_numpy(dtype=float), gap=0.045 * top)
        for r, ly in zip(sub.itertuples(), label_y):
            color = PALETTE[3] if r.rate_last > r.rate_first else PALETTE[0]
            ax.plot([0, 1], [r.rate_first, r.rate_last], "-o", ms=3, lw=1, color=color)
            ax.plot([1.0, 1.03], [r.rate_last, ly], lw=0.4, color=color)
            ax.text(1.04, ly, r.term, va="center", fontsize=6, color=color)
        first, last = sub["first_period"].iloc[0], sub["last_period"].iloc[0]
        ax.set_xticks([0, 1], [first, last])
        ax.set_xlim(-0.1, 1.6)
        ax.set_ylabel("per 10,000 tokens")
        ax.set_title({"zh": "Chinese texts", "en": "English texts"}[lang])
    fig.tight_layout()
    return fig


def _spread(values, gap: float):
    """Label positions near sorted ``values`` but at least ``gap`` apart (labels never overlap)."""
    out = []
    for v in values:
        out.append(max(v, out[-1] + gap) if out else v)
    return out


def keyness_groups(data: pd.DataFrame, grouping: str, panels: str = "latest", chosen=(), n: int = 8) -> tuple[list, str]:
    """Which groups (lang, group) a keyness figure shows, and a sentence saying so: the groups named
    in ``chosen``; else the ``n`` latest periods (provinces: those with most documents) or, with
    ``panels = "distinctive"``, the ``n`` whose best term has the highest LRC."""
    have = data.groupby(["lang", "group"]).agg(documents=("documents", "max"), best=("lrc", "max")).reset_index()
    total = len(have)
    noun = {"period": "periods", "province": "provinces", "quarter": "quarters"}.get(grouping, f"groups of {grouping}")
    if chosen:
        picked = have[have["group"].astype(str).isin([str(c) for c in chosen])]
        missing = sorted(set(map(str, chosen)) - set(picked["group"].astype(str)))
        why = f"the {noun} named in keywords.keyness_groups" + (f" (none distinctive: {', '.join(missing)})" if missing else "")
    elif panels == "distinctive":
        picked = have.sort_values(["best", "group"], ascending=[False, True], kind="stable").head(n)
        why = f"the {min(n, total)} {noun} with the most distinctive terms (highest LRC)"
    elif grouping == "period":
        picked = have.sort_values("group", kind="stable").tail(n)
        why = f"the latest {min(n, total)} {noun}"
    else:
        picked = have.sort_values(["documents", "group"], ascending=[False, True], kind="stable").head(n)
        why = f"the {min(n, total)} {noun} with most documents"
    groups = sorted(zip(picked["lang"], picked["group"]), key=lambda lg: (lg[0], str(lg[1])))
    return groups, f"{why}, of {total} with distinctive terms (all in the keyness table)"


def keyness_bars(keyness: pd.DataFrame, grouping: str, top: int = 10, panels: str = "latest", chosen=()):
    """Log Ratio (with bootstrap interval) of each group's most distinctive terms, ranked by LRC (the
    lower bound of the Log Ratio's interval), a panel per group; which groups are shown, and of
    how many, is said above the panels."""
    keyness = stage_form(keyness, grouping)
    rows = keyness[keyness["grouping"] == grouping]
    data = rows[rows["status"] == "distinctive"]
    descriptive = data.empty
    if descriptive:   # no distinctive term: the most over-used terms, drawn grey, are what can be said
        data = rows[rows["term"].notna() & rows["rank"].notna()] if "term" in rows else rows.iloc[:0]
    if data.empty:
        reasons = rows["status"].dropna().unique()
        why = "; ".join(sorted(set(reasons)))[:140] or "no dated or located documents"
        return _message_figure(f"No distinctive terms by {grouping}: {why}")
    if "lrc" not in data:
        data = data.assign(lrc=data["log_ratio_low"])
    groups, shown = keyness_groups(data, grouping, panels, chosen)
    if not groups:
        return _message_figure(f"No distinctive terms in the chosen {grouping}s: {shown}")
    if descriptive:
        tested = data["q_value"].notna().any() if "q_value" in data else False
        shown = shown.replace("with distinctive terms", "without distinctive terms") + \
            ("; none distinctive after Benjamini–Hochberg: grey bars are the most over-used terms, descriptive"
             if tested else "; too few documents to test: grey bars are the most over-used terms, descriptive")
    fig, axes = _panel_grid(len(groups), 4, 0.18 * top + 0.6, 0.8)
    for ax, (lang, g) in zip(axes, groups):
        sub = data[(data["lang"] == lang) & (data["group"] == g)].sort_values("rank").head(top)[::-1]
        y = np.arange(len(sub))
        ax.barh(y, sub["log_ratio"], color="#bbbbbb" if descriptive else PALETTE[0], height=0.6)
        err = [sub["log_ratio"] - sub["log_ratio_low"], sub["log_ratio_high"] - sub["log_ratio"]]
        ax.errorbar(sub["log_ratio"].to_numpy(dtype=float), y,
                    xerr=np.nan_to_num(np.maximum(np.asarray(err, float), 0)), fmt="none", ecolor="#333333", lw=0.7)
        ax.set_yticks(y, sub["term"], fontsize=6)
        ax.set_title(f"{g} ({lang})", fontsize=7)
        ax.set_xlabel("Log Ratio vs rest", fontsize=6)
    fig.suptitle("\n".join(_wrap(f"Shown: {shown}; terms ranked by LRC", 110)), fontsize=7)
    fig.tight_layout()
    return fig


# ---- topics ---------------------------------------------------------------------------------------
def topic_grid(grid: pd.DataFrame, chosen: dict):
    """Model selection: c_npmi, c_v, held-out perplexity and stability against K (mean and range over
    seeds), one row of panels per language; the chosen K is marked."""
    langs = sorted(grid["lang"].unique()) if len(grid) else []
    if not langs:
        if chosen:
            return _message_figure("K was set in tifa.toml (topics.k = "
                                   f"{', '.join(f'{k} for {lang}' for lang, k in sorted(chosen.items()))}): "
                                   "no K grid was fitted.")
        return _message_figure("No language had enough units for a topic model.")
    metrics = [("c_npmi", "coherence c_npmi"), ("exclusivity", "exclusivity"),
               ("perplexity", "held-out perplexity"), ("stability", "stability across seeds")]
    fig, axes = figure("double", 1.9 * len(langs) + 0.4, nrows=len(langs), ncols=4, squeeze=False)
    for r, lang in enumerate(langs):
        g = grid[grid["lang"] == lang]
        for c, (m, title) in enumerate(metrics):
            ax = axes[r, c]
            s = g.groupby("k")[m].agg(["mean", "min", "max"]) if m in g else \
                pd.DataFrame({"mean": np.nan, "min": np.nan, "max": np.nan}, index=sorted(g["k"].unique()))
            if s["mean"].isna().all():
                ax.text(0.5, 0.5, "not computed\n(no held-out documents)", ha="center", va="center",
                        transform=ax.transAxes, fontsize=7, color="#777777")
                ax.set_xticks(s.index)
            else:
                ax.fill_between(s.index, s["min"], s["max"], color=PALETTE[0], alpha=0.2, lw=0)
                ax.plot(s.index, s["mean"], "-o", ms=3, color=PALETTE[0])
                ax.set_xticks(s.index)
            if lang in chosen:
                ax.axvline(chosen[lang], color=PALETTE[3], lw=0.8, ls="--")
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))   # few ticks: none reaches the title
            ax.tick_params(axis="y", labelsize=6)
            ax.set_title(f"{title} ({lang})", fontsize=7)
            ax.set_xlabel("K", fontsize=7)
    fig.tight_layout()
    return fig


def topic_top_words(topics: pd.DataFrame, model_words: dict, n: int = 8):
    """Top words (chosen by relevance) of each topic with their probability, a small panel per topic,
    the most probable at the top."""
    if topics.empty:
        return _message_figure("No topic model was fitted.")
    rows = list(topics.itertuples())
    ncols = 4 if len(rows) <= 16 else 5
    nrows = int(np.ceil(len(rows) / ncols))
    fig, axes = _panel_grid(len(rows), ncols, min(1.45, (PAGE_HEIGHT - 0.5) / nrows), 0.4)
    for ax, t in zip(axes, rows):
        words, probs = model_words[(t.lang, t.topic)]
        order = sorted(range(min(n, len(words))), key=lambda i: (probs[i], -i))   # bars by length, ties as ranked
        words, probs = [words[i] for i in order], [probs[i] for i in order]
        ax.barh(range(len(words)), probs, color=PALETTE[(t.topic) % len(PALETTE)], height=0.7)
        ax.set_yticks(range(len(words)), [_clip(w, 14) for w in words], fontsize=6)   # the table has them whole
        # wrapped: a long label must not reach the next panel; the share comes first so it is never cut
        title = _wrap(f"{t.lang} {t.topic} ({100 * t.share:.0f}%): {t.label}", 28 if ncols == 4 else 22)
        ax.set_title("\n".join(title[:2]) + ("…" if len(title) > 2 else ""), fontsize=6.5)
        ax.tick_params(axis="x", labelsize=5)
    fig.tight_layout()
    return fig


def topic_prevalence(prev: pd.DataFrame, topics: pd.DataFrame, grouping: str, min_docs: int = 2):
    """Prevalence of each topic by group (quarter or province) with 95% intervals (method of
    composition). Its form follows the data: over more than 12 periods, a line with its interval
    ribbon per topic, time across; over more than 12 regions, one heat map of topics × regions
    (regions by their number of documents); otherwise a dot and interval per group, a panel per
    topic (hollow: fewer than ``min_docs`` documents)."""
    data = prev[prev["grouping"] == grouping]
    if "kind" in data:
        data = data[data["kind"] == "mean"]
    if data.empty:
        return _message_figure(f"No document has a known {grouping}: no prevalence by {grouping}.")
    label = {(r.lang, int(r.topic)): r.label for r in topics.itertuples()}
    data = data.assign(topic=data["topic"].astype(int), group=data["group"].astype(str))
    n_groups = data["group"].nunique()
    timelike = grouping in ("quarter", "year", "month", "period")
    if timelike and n_groups > 12:
        return _prevalence_lines(data, label, grouping, min_docs)
    if n_groups > 12:
        return _prevalence_heatmap(data, label, grouping, min_docs)
    panels = []
    for (lang, topic), sub in sorted(data.groupby(["lang", "topic"])):
        panels.append((f"{lang} {topic}: {label.get((lang, topic), topic)}", pd.DataFrame({
            "group": sub["group"], "value": sub["prevalence"], "low": sub["low"], "high": sub["high"],
            "documents": sub["documents"], "small": sub["documents"] < min_docs})))
    return dot_interval_panels(panels, f"topic prevalence by {grouping}, 95% interval (method of composition); "
                                       f"in brackets: documents; hollow: fewer than {min_docs}",
                               ncols=3 if len(panels) <= 12 else (4 if len(panels) <= 20 else 5))   # one page


def _prevalence_lines(data: pd.DataFrame, label: dict, grouping: str, min_docs: int):
    """A panel per topic: prevalence over time with its 95% interval ribbon; periods with fewer than
    ``min_docs`` documents are hollow points off the line."""
    keys = sorted(set(zip(data["lang"], data["topic"])))
    ncols = 4 if len(keys) <= 16 else 5
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = _panel_grid(len(keys), ncols, min(1.35, (PAGE_HEIGHT - 0.6) / nrows), 0.5)
    periods = sorted(g for g in data["group"].unique() if g != UNKNOWN)
    x_of = {g: i for i, g in enumerate(periods)}
    for ax, (lang, topic) in zip(axes, keys):
        sub = data[(data["lang"] == lang) & (data["topic"] == topic) & (data["group"] != UNKNOWN)]
        sub = sub.assign(x=sub["group"].map(x_of)).sort_values("x")
        ok = sub["documents"] >= min_docs
        ax.fill_between(sub.loc[ok, "x"], sub.loc[ok, "low"], sub.loc[ok, "high"], color=PALETTE[0], alpha=0.2, lw=0)
        ax.plot(sub.loc[ok, "x"], sub.loc[ok, "prevalence"], "-", lw=0.9, color=PALETTE[0])
        ax.scatter(sub.loc[~ok, "x"], sub.loc[~ok, "prevalence"], s=6, facecolors="white", edgecolors=PALETTE[0],
                   linewidths=0.6, zorder=3)
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="y", labelsize=5)
        _time_ticks(ax, np.arange(len(periods)), periods, max_labels=3, fontsize=5)
        ax.set_title("\n".join(_wrap(f"{lang} {topic}: {label.get((lang, topic), topic)}", 26 if ncols == 4 else 20)[:2]),
                     fontsize=6)
    fig.supylabel("topic prevalence", fontsize=7)
    fig.supxlabel(f"{grouping}; ribbon: 95% interval (method of composition); hollow: fewer than {min_docs} documents",
                  fontsize=6)
    fig.tight_layout()
    return fig


def _prevalence_heatmap(data: pd.DataFrame, label: dict, grouping: str, min_docs: int):
    """Groups (regions) × topics, mean prevalence: a row per group, in order of their documents
    ('unknown' last and apart), a column per topic; rows of groups with fewer than ``min_docs``
    documents hatched."""
    data = data.assign(col=[f"{lang} {t}: {'·'.join(str(label.get((lang, t), t)).split('·')[:2])}"
                            for lang, t in zip(data["lang"], data["topic"])])
    docs = data.groupby("group")["documents"].max()
    order = [g for g in docs.sort_values(ascending=False, kind="stable").index if g != UNKNOWN]
    order += [UNKNOWN] if UNKNOWN in docs.index else []
    cols = [c for _, c in sorted({(lt, c) for lt, c in zip(zip(data["lang"], data["topic"]), data["col"])})]
    grid = data.pivot_table(index="group", columns="col", values="prevalence", aggfunc="first").reindex(
        index=order, columns=cols)
    grid.index = [f"{g} ({int(docs[g])})" if g != UNKNOWN else g for g in grid.index]
    few = (docs.reindex(order) < min_docs).to_numpy()
    # a cross-section (every group a document or so: one report per province) is measured, each
    # document by its paragraphs; where other groups have more, the few-document rows are hatched
    mixed = few.any() and not few.all()
    small = pd.DataFrame(np.broadcast_to((few & mixed)[:, None], grid.shape), index=grid.index, columns=grid.columns)
    fig, ax = figure("double", min(PAGE_HEIGHT, 2.2 + 0.16 * len(order)))
    _heatmap(ax, grid, f"topic prevalence by {grouping} (mean over documents)", lambda v: f"{v:.2f}", small,
             colorbar_label="prevalence")
    how = f"hatched: fewer than {min_docs}" if mixed else ("each the mean over its document's paragraphs"
                                                           if few.all() else "")
    ax.set_ylabel(f"{grouping} (documents), by number of documents" + (f"; {how}" if how else ""), fontsize=6)
    ax.tick_params(axis="y", labelsize=5.5)
    fig.tight_layout()
    return fig


def topic_prevalence_models(prev: pd.DataFrame, covariate: pd.DataFrame, topics: pd.DataFrame, grouping: str):
    """Prevalence of each topic by ``grouping`` from the two estimates side by side: the plain
    model's method of composition and the covariate (DMR) model's, each with its 95% interval; one
    panel per topic. Time-like groups (quarters) are lines with ribbons, others dodged points."""
    def means(table):
        t = table[(table["grouping"] == grouping)] if len(table) else table
        return t[t["kind"] == "mean"] if "kind" in t and len(t) else t

    a, b = means(prev), means(covariate)
    if b is None or not len(b):
        return _message_figure(f"No covariate model with {grouping} was fitted (topics.covariates; engine tomotopy).")
    label = {(r.lang, int(r.topic)): r.label for r in topics.itertuples()}
    keys = sorted({(r.lang, int(r.topic)) for r in b.itertuples()})
    ncols = 3 if len(keys) <= 12 else 5
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = _panel_grid(len(keys), ncols, min(1.6, (PAGE_HEIGHT - 0.9) / nrows), 0.9)
    timelike = grouping in ("quarter", "year", "month", "period")
    for ax, (lang, topic) in zip(axes, keys):
        groups = _ordered(set(a.loc[a["lang"] == lang, "group"]) | set(b.loc[b["lang"] == lang, "group"]))
        x = {g: i for i, g in enumerate(groups)}
        for j, (table, name) in enumerate(((a, "LDA, method of composition"), (b, "DMR covariate model"))):
            sub = table[(table["lang"] == lang) & (table["topic"].astype(int) == topic)]
            sub = sub.assign(x=sub["group"].map(x)).sort_values("x")
            if timelike and len(sub) > 1:
                ax.plot(sub["x"], sub["prevalence"], "-o", ms=2.5, lw=1, color=PALETTE[j], label=name)
                ax.fill_between(sub["x"], sub["low"], sub["high"], color=PALETTE[j], alpha=0.2, lw=0)
            else:
                mid, low, high = (sub[c].to_numpy(dtype=float) for c in ("prevalence", "low", "high"))
                ax.errorbar(sub["x"].to_numpy(dtype=float) + (j - 0.5) * 0.3, mid,
                            yerr=np.vstack([mid - low, high - mid]), fmt="o", ms=2.5, lw=0.8, color=PALETTE[j],
                            label=name)
        known = [g for g in groups if g != UNKNOWN]
        if timelike:
            _time_ticks(ax, np.array([x[g] for g in known]), known, max_labels=4 if ncols == 3 else 3,
                        fontsize=6 if ncols == 3 else 5)
        else:
            _column_ticks(ax, groups)
        ax.set_ylim(bottom=0)
        ax.set_title("\n".join(_wrap(f"{lang} {topic}: {label.get((lang, topic), topic)}", 34 if ncols == 3 else 20)[:2]),
                     fontsize=7 if ncols == 3 else 6)
        ax.tick_params(axis="y", labelsize=6 if ncols == 3 else 5)
    handles, names = axes[0].get_legend_handles_labels()   # one legend above the panels, clear of their ticks
    fig.legend(handles, names, loc="upper center", ncol=2, fontsize=6, frameon=False)
    fig.supylabel("topic prevalence", fontsize=7)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.25 / fig.get_figheight()))
    return fig


def topic_nmf_match(nmf: pd.DataFrame):
    """Cosine similarity of each LDA topic with its matched NMF topic."""
    if nmf.empty:
        return _message_figure("No topic model was fitted: no NMF cross-check.")
    langs = sorted(nmf["lang"].unique())
    fig, axes = figure("double", max(2.2, 0.8 + 0.25 * nmf.groupby("lang").size().max()), ncols=len(langs),
                       squeeze=False)
    for ax, lang in zip(axes[0], langs):
        sub = nmf[nmf["lang"] == lang].sort_values("lda_topic")
        y = np.arange(len(sub))
        ax.barh(y, sub["cosine"], color=PALETTE[2], height=0.6)
        ax.set_yticks(y, [f"LDA {a} ↔ NMF {b}" for a, b in zip(sub["lda_topic"], sub["nmf_topic"])], fontsize=6)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("cosine of word weights")
        ax.set_title(_LANG_NAME.get(lang, lang).split(",")[0])
    fig.tight_layout()
    return fig


# ---- calibration ---------------------------------------------------------------------------------
def calibration(summary: pd.DataFrame, null: pd.DataFrame):
    """Three panels: discoveries per permutation of the labels by check (should be about zero),
    95% interval coverage of a planted rate by group size (target band 0.93-0.97), and power of the
    contrast test by rate ratio."""
    fig, axes = figure("double", 2.6, ncols=3, squeeze=False, gridspec_kw={"width_ratios": [1.1, 0.9, 1.0]})
    a, b, c = axes[0]
    if len(null):
        checks = list(dict.fromkeys(null["check"]))
        perms = sorted(null["permutation"].unique())
        bottom = np.zeros(len(perms))
        for k, name in enumerate(checks):
            v = null[null["check"] == name].set_index("permutation")["discoveries"].reindex(perms).fillna(0).to_numpy()
            a.bar(range(len(perms)), v, bottom=bottom, color=PALETTE[k % len(PALETTE)], label=name, width=0.7)
            bottom += v
        a.set_xticks(range(len(perms)), [str(p) for p in perms])
        a.set_ylim(0, max(3.5, bottom.max() + 0.5))
        a.axhline(1, color="#999999", lw=0.6, ls="--")
        a.legend(fontsize=5, frameon=False, loc="upper left")
    a.set_xlabel("permutation of the labels")
    a.set_ylabel("findings (should be about 0)")
    a.set_title("Null: random labels", fontsize=8)
    cov = summary[summary["check"] == "planted: 95% rate interval coverage"]
    if len(cov):
        y = np.arange(len(cov))
        b.axvspan(0.93, 0.97, color="#e8f2e8")
        b.axvline(0.95, color="#999999", lw=0.6, ls="--")
        b.scatter(cov["value"], y, color=PALETTE[0], s=12, zorder=3)
        b.set_yticks(y, cov["group"].str.replace(" documents", " docs").str.replace(" per document", "/doc"),
                     fontsize=6)
        b.set_xlim(min(0.85, cov["value"].min() - 0.01), 1.0)
        b.invert_yaxis()
    b.set_xlabel("coverage of the true rate")
    b.set_title("Planted: 95% intervals", fontsize=8)
    power = summary[summary["check"] == "planted: power (q < 0.05)"]
    if len(power):
        parts = power["group"].str.extract(r"(?P<size>\d+) documents, (?P<rate>[\d.]+) per document, "
                                           r"ratio (?P<ratio>[\d.]+)")
        pw = pd.concat([parts.astype(float), power["value"].reset_index(drop=True).set_axis(parts.index)], axis=1)
        for k, ((size, rate), g) in enumerate(pw.groupby(["size", "rate"])):
            c.plot(g["ratio"], g["value"], marker="o", ms=3, lw=1, color=PALETTE[k % len(PALETTE)],
                   label=f"{int(size)} docs, {rate:g} per doc")
        c.set_ylim(0, 1.02)
        c.legend(fontsize=5, frameon=False)
    c.set_xlabel("planted rate ratio")
    c.set_ylabel("power")
    c.set_title("Planted: power", fontsize=8)
    fig.tight_layout()
    return fig


def slogan_cooccurrence(pairs: pd.DataFrame, top: int = 12):
    """Jaccard index of the most used slogans' documents (documents with both / with either), one
    panel per language; the diagonal is left empty."""
    langs = [l for l in ("zh", "en") if (pairs["lang"] == l).any()]
    if not langs:
        return _message_figure("Fewer than two slogans occur in the corpus: no pair to show.")
    panels = []
    for lang in langs:
        sub = pairs[pairs["lang"] == lang]
        used = pd.concat([sub[["slogan_a", "documents_a"]].set_axis(["slogan", "n"], axis=1),
                          sub[["slogan_b", "documents_b"]].set_axis(["slogan", "n"], axis=1)]).drop_duplicates("slogan")
        names = used.sort_values(["n", "slogan"], ascending=[False, True], kind="stable")["slogan"].head(top).tolist()
        both = pd.concat([sub, sub.rename(columns={"slogan_a": "slogan_b", "slogan_b": "slogan_a"})])
        grid = both.pivot_table(index="slogan_a", columns="slogan_b", values="jaccard", aggfunc="first")
        panels.append((lang, grid.reindex(index=names, columns=names)))
    side = max(2.6, 1.2 + 0.28 * max(len(g) for _, g in panels))
    fig, axes = figure("double", side, ncols=len(panels), squeeze=False)
    for ax, (lang, grid) in zip(axes[0], panels):
        _heatmap(ax, grid.fillna(0), {"zh": "Chinese texts", "en": "English texts"}[lang], lambda v: f"{v:.2f}",
                 colorbar_label="Jaccard", cell_unit=" (Jaccard)")
    fig.tight_layout()
    return fig
