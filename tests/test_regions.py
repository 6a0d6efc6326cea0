import pytest

from analysis.regions import load_gazetteer, locate, short_name


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def names(gaz, codes):
    return [gaz.divisions[c].name for c in codes]


def test_hierarchy_and_codes(gaz):
    assert gaz.hierarchy("330109000000") == {"province": "浙江省", "prefecture": "杭州市", "county": "萧山区",
                                              "adcode": "330109000000", "region_level": "county"}
    assert gaz.hierarchy("330000000000")["region_level"] == "province"
    assert gaz.hierarchy("110101000000")["prefecture"] is None  # 东城区 under the municipality 北京市


def test_short_names():
    assert short_name("湘西土家族苗族自治州") == "湘西"
    assert short_name("萧山区") == "萧山"
    assert short_name("内蒙古自治区") == "内蒙古"
    assert short_name("沛县") is None


def test_lookup_by_name_chain_and_code(gaz):
    assert gaz.lookup("萧山区") == ["330109000000"]
    assert gaz.lookup("浙江省杭州市萧山区") == ["330109000000"]
    assert gaz.lookup("330109") == ["330109000000"]
    assert len(gaz.lookup("鼓楼区")) > 1  # in several provinces
    assert gaz.lookup("江苏省南京市鼓楼区") == ["320106000000"]
    assert gaz.lookup("不存在的地方") == []


def test_romanised_names_in_english(gaz):
    r = locate("Huiji district held economic operation analysis meeting",
               "the modernization of national center of zhengzhou city, HuiJi area", "en", gaz)
    assert r.jurisdiction.value == "410108000000" and r.jurisdiction.source == "title"
    assert names(gaz, r.mentioned) == ["惠济区", "郑州市"]


def test_same_name_in_several_provinces_is_resolved_by_higher_level_mentions(gaz):
    r = locate("", "南京市召开会议，鼓楼区、玄武区作交流发言。", "zh", gaz)
    assert "320106000000" in r.mentioned  # 南京 鼓楼区, not 福州 or 徐州 or 开封
    alone = locate("", "鼓楼区作交流发言。", "zh", gaz)
    assert "鼓楼区" in alone.ambiguous and not alone.mentioned


def test_short_name_that_is_a_common_word_needs_support(gaz):
    r = locate("", "要坚持端庄大方，会同有关部门，确保平安。", "zh", gaz)
    assert r.mentioned == ()  # 大方县, 会同县, 平安区 are not mentioned
    r = locate("", "国家级电商进农村示范县建设。", "zh", gaz)
    assert r.mentioned == ()  # 范县 inside 示范县


def test_whole_prefecture_self_reference_is_not_quanzhou_county(gaz):
    r = locate("", "全州各级各部门要围绕落实省委\"三高四新\"战略。全州上下要凝心聚力。", "zh", gaz)
    assert not r.jurisdiction.known
    assert "全州" in r.jurisdiction.source
    assert any("湖南省" in c and "三高四新" in c for c in r.candidates)


def test_person_names_are_not_places(gaz):
    r = locate("", "Zhang Dengfeng, Secretary of the Binjiang District Committee of Hangzhou City, spoke.", "en", gaz)
    assert "登封市" not in names(gaz, r.mentioned)
    assert "滨江区" in names(gaz, r.mentioned)


def test_self_reference_with_most_mentioned_region(gaz):
    body = ("Xiaoshan DailyNews Yesterday afternoon, our district held a meeting. "
            "Xiaoshan is a large region, and the region must make great achievements.")
    r = locate("Wang Min emphasized firm confidence", body, "en", gaz)
    assert r.jurisdiction.value == "330109000000"
    assert r.jurisdiction.source.startswith("self_reference")


def test_self_reference_without_a_fitting_name_is_unknown(gaz):
    r = locate("", "全县上下要抓项目、稳投资。", "zh", gaz)
    assert not r.jurisdiction.known and "全县" in r.jurisdiction.source
