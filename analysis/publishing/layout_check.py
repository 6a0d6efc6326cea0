"""Checks that a figure reads on a journal page: no two text labels overlap and the figure fits the
page (183 × 247 mm, a double column of Nature's or Science's, the largest a journal prints)."""
from __future__ import annotations

PAGE_MM = (183.0, 247.0)


def overlapping_labels(fig, tolerance_px: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty texts (tick labels, titles, annotations, legends) whose drawn
    boxes overlap by more than ``tolerance_px`` pixels each way. Rotated labels are compared as the
    rotated rectangles they are (the axis-aligned extents of two 45° tick labels overlap although
    the words do not)."""
    import numpy as np
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes, seen = [], set()
    for text in fig.findobj(Text):
        if id(text) in seen or not text.get_visible() or not str(text.get_text()).strip() or not _shown(text):
            continue
        seen.add(id(text))
        box = text.get_window_extent(renderer)
        if box.width <= 0 or box.height <= 0:
            continue
        angle = float(text.get_rotation()) % 180
        if angle:
            text.set_rotation(0)
            flat = text.get_window_extent(renderer)
            text.set_rotation(angle)
            w, h = flat.width, flat.height
        else:
            w, h = box.width, box.height
        boxes.append((str(text.get_text()), box, angle, ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2), w, h))
    found = []
    for i in range(len(boxes)):
        a_text, a, a_angle, a_c, a_w, a_h = boxes[i]
        for b_text, b, b_angle, b_c, b_w, b_h in boxes[i + 1:]:
            if a_angle and a_angle == b_angle:   # same rotation: compare in the labels' own frame
                t = np.deg2rad(a_angle)
                dx, dy = b_c[0] - a_c[0], b_c[1] - a_c[1]
                u, v = dx * np.cos(t) + dy * np.sin(t), -dx * np.sin(t) + dy * np.cos(t)
                over_x, over_y = (a_w + b_w) / 2 - abs(u), (a_h + b_h) / 2 - abs(v)
            else:
                over_x = min(a.x1, b.x1) - max(a.x0, b.x0)
                over_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            if over_x > tolerance_px and over_y > tolerance_px:
                found.append((a_text, b_text))
    return found


def _shown(text) -> bool:
    """A tick label counts only when its tick is on the axis (matplotlib keeps hidden ones)."""
    axes = getattr(text, "axes", None)
    if axes is None:
        return True
    for axis in (axes.xaxis, axes.yaxis):
        lo, hi = sorted(axis.get_view_interval())
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            if text in (tick.label1, tick.label2):
                return lo - 1e-9 <= tick.get_loc() <= hi + 1e-9 and tick.get_visible()
    return True


def too_large(fig) -> str | None:
    """What is wrong with the figure's size for a journal page, or None."""
    w, h = (x * 25.4 for x in fig.get_size_inches())
    if w > PAGE_MM[0] + 0.5 or h > PAGE_MM[1] + 0.5:
        return f"{w:.0f} × {h:.0f} mm is larger than a page ({PAGE_MM[0]:.0f} × {PAGE_MM[1]:.0f} mm)"
    return None


def check_every_figure(cfg) -> dict[str, tuple[list, str | None]]:
    """Build everything for ``cfg`` (what ``make figures`` does; stages that are up to date are
    reused, every figure is redrawn) and check each figure as it is drawn: name → (overlapping
    label pairs, size problem or None)."""
    from . import writer
    from .build import build_all

    found = {}
    original = writer.save_figures

    def check(figures, folder, formats, dpi, **kwargs):
        for name, fig in figures:  # before they are saved (and closed)
            found[name] = (overlapping_labels(fig), too_large(fig))
        original(figures, folder, formats, dpi, **kwargs)

    writer.save_figures = check
    try:
        build_all(cfg, progress=False, redraw=True)
    finally:
        writer.save_figures = original
    return found
