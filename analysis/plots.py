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


# ---- slogans -------------------------------------------------------------------------------------
_LANG_NAME = {"zh": "Chinese texts, per 10,000 characters", "en": "English texts, per 10,000 words"}


def top_slogans(rates: pd.DataFrame, lang: str, n: int) -> list[str]:
    """The n slogans used by most documents of a language (then by count, then name)."""
    overall = rates[(rates["grouping"] == "language") & (rates["lang"] == lang) & (rates["count"] > 0)]
    overall = overall.sort_values(["documents_with", "count", "slogan"], ascending=[False, False, True])
    return overall["slogan"].head(n).tolist()


def slogan_heatmap(rates: pd.DataFrame, column: str, top: int = 20, title: str = ""):
    """Rates of the top slogans by ``column`` (province or quarter), one panel per language."""
    langs = [l for l in ("zh", "en") if ((rates["lang"] == l) & (rates["count"] > 0)).any()]
    data = rates[rates["grouping"] == column]
    if not langs:
        return _message_figure("No slogan occurs in the corpus.")
    panels = []
    for lang in langs:
        names = top_slogans(rates, lang, top)
        sub = data[(data["lang"] == lang) & data["slogan"].isin(names)]
        grid = (sub.assign(**{column: sub[column].astype("string").fillna(UNKNOWN)})
                .pivot_table(index="slogan", columns=column, values="rate", aggfunc="first")
                .reindex(index=names))
        grid = grid.reindex(columns=_ordered(grid.columns))
        panels.append((lang, grid))
    height = max(2.6, 0.9 + 0.24 * max(len(g) for _, g in panels))
    widths = [max(1.2, 0.55 * g.shape[1]) + 1.0 for _, g in panels]
    fig, axes = figure("double", height, ncols=len(panels), gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, (lang, grid) in zip(axes[0], panels):
        _heatmap(ax, grid.fillna(0), _LANG_NAME[lang], lambda v: f"{v:.1f}" if v < 100 else f"{v:.0f}")
        ax.set_xlabel(column)
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def slogan_intervals(rates: pd.DataFrame, column: str = "province", top: int = 8):
    """Dot-and-interval plot: rate of each top slogan with its 95% bootstrap interval, by group."""
    langs = [l for l in ("zh", "en") if ((rates["lang"] == l) & (rates["count"] > 0)).any()]
    if not langs:
        return _message_figure("No slogan occurs in the corpus.")
    data = rates[rates["grouping"] == column].copy()
    data[column] = data[column].astype("string").fillna(UNKNOWN)
    height = max(2.6, 1.0 + 0.32 * top)
    fig, axes = figure("double", height, ncols=len(langs), squeeze=False)
    for ax, lang in zip(axes[0], langs):
        names = top_slogans(rates, lang, top)
        sub = data[(data["lang"] == lang) & data["slogan"].isin(names)]
        groups = _ordered(sub[column].unique())
        step = 0.8 / max(1, len(groups))
        for k, g in enumerate(groups):
            rows = sub[sub[column] == g].set_index("slogan").reindex(names)
            y = np.arange(len(names)) - 0.4 + step * (k + 0.5)
            x = rows["rate"].to_numpy(dtype=float)
            lo = x - rows["rate_low"].to_numpy(dtype=float)
            hi = rows["rate_high"].to_numpy(dtype=float) - x
            color = PALETTE[k % len(PALETTE)] if g != UNKNOWN else "#999999"
            ax.errorbar(x, y, xerr=[np.nan_to_num(lo), np.nan_to_num(hi)], fmt="o", ms=3.5, lw=1, capsize=0,
                        color=color, label=f"{g} ({int(rows['documents'].max())} docs)")
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xlabel("rate (95% bootstrap interval over documents)")
        ax.set_title(_LANG_NAME[lang])
        ax.set_xlim(left=0)
        ax.legend(loc="lower right", frameon=False, fontsize=6)
        ax.grid(axis="x", color="#eeeeee", lw=0.6)
    fig.tight_layout()
    return fig


def slogan_contrast(contrasts: pd.DataFrame, label: str, top: int = 20):
    """Log Ratio of the slogans in one contrast: filled with a 95% interval when tested, hollow
    (descriptive only) when the contrast is too small to test."""
    rows = contrasts[(contrasts["contrast"] == label) & (contrasts["status"] != "absent")].copy()
    if rows.empty or rows["count_target"].isna().all():
        return _message_figure(f"{label}: no slogan occurs on either side.")
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
        ax.errorbar(x[t], y[t], xerr=[lo, hi], fmt="none", ecolor=PALETTE[0], lw=1)
        ax.scatter(x[t][sig], y[t][sig], color=PALETTE[3], s=14, zorder=3, label="q < 0.05 (BH)")
        ax.scatter(x[t][~sig], y[t][~sig], color=PALETTE[0], s=14, zorder=3, label="tested, q ≥ 0.05")
    if (~tested).any():
        nt = ~tested.to_numpy()
        ax.scatter(x[nt], y[nt], facecolors="none", edgecolors="#777777", s=14, zorder=3,
                   label="not tested (too small): descriptive")
    ax.axvline(0, color="#444444", lw=0.7)
    ax.set_yticks(y, rows["slogan"])
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
