"""One publication style for every figure: sizes, a colour-blind-safe palette, a CJK font.

The font is Noto Sans CJK SC as shipped inside the ``mplfonts`` package, registered with
matplotlib at run time, so Chinese labels render without any system font install.
"""
from __future__ import annotations

import functools
from importlib import resources

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
#: Figure widths in inches: one journal column (89 mm) and the full page width (183 mm).
SINGLE_COLUMN = 3.5
DOUBLE_COLUMN = 7.2
CJK_FONT = "Noto Sans CJK SC"


@functools.lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Register the bundled Noto Sans CJK SC with matplotlib; return its family name."""
    font = resources.files("mplfonts").joinpath("fonts", "NotoSansCJKsc-Regular.otf")
    with resources.as_file(font) as path:
        font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_style() -> None:
    """Apply the house style to matplotlib's global settings."""
    family = register_cjk_font()
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "legend.fontsize": 7,
        "axes.prop_cycle": plt.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.05,
        "pdf.fonttype": 42,
        "svg.hashsalt": "tifa",
        "svg.fonttype": "none",
        "image.cmap": "viridis",
    })


def figure(width: str = "double", height: float | None = None, **kwargs):
    """A new figure at a journal width ('single' or 'double'); returns (fig, axes)."""
    use_style()
    w = SINGLE_COLUMN if width == "single" else DOUBLE_COLUMN
    h = height if height is not None else w * 0.5
    return plt.subplots(figsize=(w, h), **kwargs)
