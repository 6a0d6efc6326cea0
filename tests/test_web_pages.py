"""Texts as researchers save them from web pages (issue 31): the labelled fields of a page's head in
each layout, navigation above the title, and each kind of page furniture, read or taken out and
listed; and the 31 provincial reports of 2025 as saved from the web (来源 lines)."""
import json

import pytest

from analysis.corpus.documents import documents_from_raw
from analysis.corpus.readers import RawText

BODY = ("2月2日，全省经济运行调度会在长沙召开。会议强调，要坚定信心，奋力实现一季度开门红。\n"
        "会议要求，各地各部门要抓项目、稳投资、促消费，确保完成全年目标任务。")


def record(text: str) -> dict:
    return documents_from_raw(RawText("page.txt", None, text, "utf-8"))[0][0]


def cut(rec: dict) -> list[list[str]]:
    return json.loads(rec["removed_lines"] or "[]")


@pytest.mark.parametrize("head", [
    # a provincial government site: breadcrumbs, title, one line of fields, a font-size bar
    "首页 > 政务公开 > 政务信息\n湖南召开全省经济运行调度会\n发布时间：2026-02-03 10:20  来源：湖南日报  作者：张三  【字号：大 中 小】",
    # a newspaper site: section name, title, fields one per line
    "湖南要闻\n湖南召开全省经济运行调度会\n来源：湖南日报\n发布时间：2026-02-03\n责任编辑：李四",
    # label and value on separate lines (copied from a two-column page layout)
    "当前位置：首页>>政务要闻\n湖南召开全省经济运行调度会\n来源\n湖南日报\n时间\n2026-02-03",
    # a timestamp line with the source after it, the site's name above the title
    "湖南省人民政府门户网站\n湖南召开全省经济运行调度会\n2026-02-03 10:20:15 来源：湖南日报\n【字体：大 中 小】",
])
def test_each_header_layout_gives_title_outlet_and_date_and_leaves_the_text_clean(head):
    rec = record(f"{head}\n{BODY}")
    assert rec["title"] == "湖南召开全省经济运行调度会"
    assert rec["outlet"] == "湖南日报" and rec["outlet_conf"] == "high"
    assert str(rec["pub_date"]) == "2026-02-03"
    assert rec["text"].startswith("2月2日") and "来源" not in rec["text"] and "首页" not in rec["text"]
    assert {rule for rule, _ in cut(rec)} <= {"page_fields", "navigation"} and cut(rec)


@pytest.mark.parametrize("furniture, rule", [
    ("扫一扫在手机打开当前页", "share_qr"),
    ("【字体：大 中 小】【打印】【关闭】", "toolbar"),
    ("下载 打印 全屏 收藏", "toolbar"),
    ("分享", "share_qr"),
    ("点击图片进入专题", "share_qr"),
])
def test_each_kind_of_page_furniture_is_removed_counted_and_listed(furniture, rule):
    body = "\n".join(f"第{i}项工作：会议要求各地各部门抓项目、稳投资、促消费，确保完成全年目标任务。" for i in range(1, 13))
    rec = record(f"湖南召开全省经济运行调度会\n{BODY}\n{body}\n{furniture}\n会议还研究了其他事项，部署了下一阶段重点工作。")
    assert furniture not in rec["text"] and f"{rule}:" in rec["boilerplate_removed"]
    assert [rule, furniture] in cut(rec)


def test_a_related_links_tail_and_a_repeated_opening_paragraph_are_removed_and_listed():
    first = BODY.split("\n")[0]
    rec = record(f"湖南召开全省经济运行调度会\n{first}\n{BODY}\n相关链接\n省政府召开常务会议\n长沙市召开经济形势分析会")
    assert rec["text"].count("2月2日") == 1 and "相关链接" not in rec["text"] and "常务会议" not in rec["text"]
    assert ["repeated_paragraph", first] in cut(rec)
    assert ["teaser_heading", "相关链接"] in cut(rec) and ["teaser_heading", "长沙市召开经济形势分析会"] in cut(rec)


def test_a_delivery_line_dates_the_meeting_not_the_page():
    rec = record("2026年湖南省政府工作报告\n来源：湖南日报\n——2026年1月20日在湖南省第十四届人民代表大会第五次会议上\n"
                 "各位代表：\n现在，我代表省人民政府，向大会报告工作，请予审议。今年一季度要实现开门红。")
    assert rec["pub_date"] is None and str(rec["meeting_date"]) == "2026-01-20"
    assert rec["period"] == "2026" and rec["period_source"].startswith("annual_report")


@pytest.mark.slow
def test_the_provincial_reports_of_2025_as_saved_from_the_web(corpora):
    from analysis.corpus.normalize import normalize_chars

    texts = sorted((corpora / "gwr_provincial_2025" / "texts").glob("*.txt"))
    stated = 0
    for path in texts:
        raw = path.read_text(encoding="utf-8")
        rec = record(raw)
        assert rec["title"] == path.stem
        assert rec["period"] == "2025" and rec["pub_date"] is None and rec["meeting_date"].year == 2025
        line = next((ln for ln in normalize_chars(raw).split("\n")[:6] if ln.replace(" ", "").startswith("来源")), None)
        if line:
            stated += 1
            assert rec["outlet"] and rec["outlet"] in line and "来源" not in rec["text"], path.name
    assert stated >= 28
