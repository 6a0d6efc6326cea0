import pytest

from analysis.corpus.regions import load_gazetteer, locate, short_name


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
    text = "全州各级各部门要围绕落实省委\"三高四新\"战略。全州上下要凝心聚力。"
    r = locate("", text, "zh", gaz, clues=False)
    assert not r.jurisdiction.known
    assert "全州" in r.jurisdiction.source
    assert any("湖南省" in c and "三高四新" in c for c in r.candidates)
    # with clues: Hunan's one 州 (湘西土家族苗族自治州), at low confidence; never 全州县 (Guangxi)
    r = locate("", text, "zh", gaz)
    assert gaz.divisions[r.jurisdiction.value].name == "湘西土家族苗族自治州"
    assert (r.jurisdiction.source, r.jurisdiction.confidence) == ("clues(三高四新)+self_reference(州)", "low")


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


# ---- news conventions: headline heads, datelines, ledes, multi-region items -----------------------
def _region(title, body, dateline=None):
    from analysis.corpus.regions import load_gazetteer, locate

    gaz = load_gazetteer()
    r = locate(title, body, "zh", gaz, dateline=dateline)
    code = r.jurisdiction.value
    return (gaz.full_name(code) if code else None), r.jurisdiction.source, [gaz.full_name(c) for c in r.covered]


@pytest.mark.parametrize("title, expected", [
    ("[视频]江苏：政策“大礼包” 稳生产", "江苏省"),          # was 浙江省 (the body's most-mentioned province)
    ("广东：粤港澳大湾区重点项目陆续复工复产", "广东省"),
    ("新疆：让1.5亿亩草原生态重现生机", "新疆维吾尔自治区"),
    ("河南渑池：小山村的大变化", "河南省三门峡市渑池县"),
    ("【杭州】西湖边的夜经济", "浙江省杭州市"),
    ("[视频]【真抓实干】内蒙古：加大治沙力度", "内蒙古自治区"),
])
def test_a_headline_head_is_the_region(title, expected):
    name, source, _ = _region(title, "浙江省某企业负责人介绍，江苏省内外客商……")
    assert (name, source) == (expected, "headline_prefix")


@pytest.mark.parametrize("title", ["[视频]央视快评：携手构建命运共同体", "财政部：推进改革试点", "普京：北约东扩",
                                   "[视频]香港各界：支持", "北京时间今天凌晨"])
def test_a_head_that_is_not_a_place_is_no_region(title):
    assert _region(title, "会议指出……")[1] != "headline_prefix"


def test_an_item_on_several_regions_is_marked_not_assigned_to_the_first():
    name, source, covered = _region("河南：谱写中原更加出彩篇章 天津：奋力绘就新画卷", "……")
    assert name is None and source.startswith("unknown: multi-region") and covered == ["河南省", "天津市"]
    body = "陕西石泉：厚植生态优势\n石泉县地处秦巴山区……\n湖南桂阳：做强产业\n桂阳县……"
    name, source, covered = _region("", body)
    assert name is None and len(covered) == 2


def test_dateline_and_lede_name_the_region():
    assert _region("国务院常务会议", "国务院总理主持……", dateline="北京")[:2] == ("北京市", "news_dateline")
    assert _region("生活加快回归", "上海市在统筹做好疫情防控的同时……")[:2] == ("上海市", "lede_place")
    name, source, _ = _region("", "革命老区赣州，集中了八个国家级贫困县，是江西国家级贫困县最多的地市。")
    assert (name, source) == ("江西省", "lede_first_place")


@pytest.mark.corpora
def test_cctv_regional_items_body_only(corpora):
    """The lede alone names the province of most regional items (bench/eval_metadata.py has all)."""
    import json

    from analysis.corpus.documents import documents_from_raw
    from analysis.corpus.readers import RawText

    items = [json.loads(line) for path in sorted((corpora / "xwlb_cctv_news" / "sample_full_text").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    heads = {"广东": "广东省", "山东": "山东省", "四川": "四川省", "河北": "河北省", "浙江": "浙江省", "江西": "江西省",
             "天津": "天津市", "上海": "上海市", "陕西": "陕西省", "甘肃": "甘肃省", "吉林": "吉林省", "辽宁": "辽宁省"}
    gold = [(i, heads[i["title"][4:6]]) for i in items if i.get("content") and i["title"][4:6] in heads
            and i["title"][6:7] == "："]
    assert len(gold) >= 40
    hits = sum(documents_from_raw(RawText("x.txt", None, i["content"], "utf-8"))[0][0]["province"] == p for i, p in gold)
    assert hits >= 0.85 * len(gold)


def test_the_national_formula_with_the_corps_names_the_country_not_xinjiang(gaz):
    """31个省（区、市）和新疆生产建设兵团 is how national statistics and notices name every
    provincial-level unit; national epidemic bulletins were assigned to Xinjiang from it (the first
    place of their opening). The Corps named on its own is still in Xinjiang."""
    for body in ("截至5月14日24时，31个省（区、市）和新疆生产建设兵团报告现有确诊病例91例，其中境外输入确诊病例46例。",
                 "各省、自治区、直辖市和新疆生产建设兵团：现将有关事项通知如下。",
                 "全国31个省区市和新疆生产建设兵团累计报告确诊病例。"):
        r = locate("全国疫情通报", body, "zh", gaz)
        assert not r.jurisdiction.known and "650000000000" not in r.mentioned, body
    r = locate("", "新疆生产建设兵团召开经济形势分析会，兵团党委书记出席。", "zh", gaz)
    assert gaz.divisions[r.jurisdiction.value].name == "新疆维吾尔自治区"
    r = locate("", "31个省（区、市）和新疆生产建设兵团报告新增确诊病例，其中广东省报告5例。", "zh", gaz)
    assert "650000000000" not in r.mentioned
