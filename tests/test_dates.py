import datetime as dt

import pytest

from analysis.corpus import dates

D = dt.date


@pytest.mark.parametrize("lines, expected, rule", [
    ([" date 2022-07-23 Wang Min emphasized"], D(2022, 7, 23), "header_date_label"),
    (["Huiji district held a meeting", "2022-04-27 0 By"], D(2022, 4, 27), "header_iso_line"),
    (["Author:Zhejiang Daily Time:2022.07.28"], D(2022, 7, 28), "header_time_label"),
    (["某县召开经济运行分析会", "发布时间：2021-06-30"], D(2021, 6, 30), "header_time_label"),
    (["某县召开经济运行分析会", "2021年6月30日 来源：某县融媒体中心"], D(2021, 6, 30), "header_cn_date"),
])
def test_publication_date_forms(lines, expected, rule):
    found = dates.publication_date(lines)
    assert (found.value, found.source) == (expected, rule)


@pytest.mark.parametrize("body, pub, expected, rule", [
    ("Yesterday afternoon, our district held a semi-annual meeting.", D(2022, 7, 23), D(2022, 7, 22), "relative_day(yesterday)+pub_date"),
    ("On March 23, Wei Dong presided over the economic operation analysis meeting.", D(2022, 4, 27), D(2022, 3, 23), "en_month_day+pub_year"),
    ("On the afternoon of July 28, the work exchange meeting was held in Hangzhou.", D(2022, 7, 28), D(2022, 7, 28), "en_month_day+pub_year"),
    ("2022年7月28日，全市经济运行分析会召开。", None, D(2022, 7, 28), "cn_full_date"),
    ("3月23日，区委书记主持召开经济运行分析会。", D(2022, 4, 27), D(2022, 3, 23), "cn_month_day+pub_year"),
    ("12月28日，全县经济工作会议召开。", D(2023, 1, 3), D(2022, 12, 28), "cn_month_day+pub_year"),
    ("今天上午，全县冲刺双过半推进会召开。", D(2021, 6, 10), D(2021, 6, 10), "relative_day(今天)+pub_date"),
])
def test_meeting_date_forms(body, pub, expected, rule):
    found = dates.meeting_date(body, pub)
    assert (found.value, found.source) == (expected, rule)


def test_earliest_date_in_the_sentence_wins():
    body = ("Yesterday, Jiaxing held the monthly analysis meeting, to implement the spirit of the "
            "enlarged meeting of the Provincial Party Committee on July 25, analyze the situation.")
    assert dates.meeting_date(body, D(2022, 7, 28)).value == D(2022, 7, 27)


def test_a_date_without_a_meeting_cue_is_not_a_meeting_date():
    assert not dates.meeting_date("5月上旬，将举办签约活动。今年以来经济平稳。", D(2021, 4, 1)).known
    assert not dates.meeting_date("Yesterday afternoon, our district held a meeting.", None).known


def test_year_from_content_anchors():
    found = dates.year_from_anchors("今年是中国共产党成立100周年，为\"十四五\"开好局起好步")
    assert (found.value, found.confidence) == (2021, "low")
    assert not dates.year_from_anchors("今年以来经济平稳").known
    assert "disagree" in dates.year_from_anchors("建党100周年 喜迎二十大").source


def test_quarter():
    assert dates.quarter_of(D(2022, 7, 1)) == "2022Q3"
    assert dates.quarter_of(D(2022, 3, 31)) == "2022Q1"


@pytest.mark.parametrize("text, expected", [
    ("确保一季度开门红，一季度主要指标", "2022Q1"),
    ("冲刺双过半，上半年目标任务", "2022H1"),
    ("前三季度经济运行分析，前三季度主要指标，三季度", "2022Q1-Q3"),
    ("the semi-annual economic situation analysis meeting reviewed the first half of the year", "2022H1"),
    ("下半年要重点抓好", "2022H2"),  # forward-looking only when nothing else is named
    ("上半年成绩单，下半年下半年下半年", "2022H1"),
])
def test_reference_period(text, expected):
    found, _ = dates.reference_period(text, 2022)
    assert found.value == expected


def test_reference_period_without_year_is_unknown():
    found, mentioned = dates.reference_period("冲刺双过半", None)
    assert not found.known and mentioned == ["H1"] and "year is unknown" in found.source


def test_a_date_far_from_publication_is_history_not_the_meeting():
    body = "会议回顾了1923年2月7日举行的京汉铁路工人大会。3月2日，全区经济运行分析会召开。"
    found = dates.meeting_date(body, D(2022, 3, 5))
    assert found.value == D(2022, 3, 2)
    assert dates.meeting_date("1923年2月7日，工人大会召开。", None).value == D(1923, 2, 7)  # no publication date: kept


def test_chinese_numeral_dates_and_header_labels():
    """The 2026 provincial report whose page toolbar became its title and whose dates were not read."""
    from analysis.corpus.dates import arabic_dates
    from analysis.corpus.documents import documents_from_raw
    from analysis.corpus.readers import RawText

    assert arabic_dates("二〇二六年一月二十七日") == "2026年1月27日"
    assert arabic_dates("二零二一年十二月三十一日 二〇二〇年十月") == "2021年12月31日 2020年10月"
    assert arabic_dates("十四届人民代表大会") == "十四届人民代表大会"
    text = ("2026年甘肃省政府工作报告\n下载 打印 全屏 收藏 【字号：加大 还原 减小】\n时间：2026-02-10\n"
            "——二〇二六年一月二十七日在甘肃省十四届人民代表大会第四次会议上\n省长 任振鹤\n各位代表：\n"
            "现在，我代表省人民政府，向大会报告工作，请予审议。")
    rec = documents_from_raw(RawText("gansu.txt", None, text, "utf-8"))[0][0]
    assert rec["title"] == "2026年甘肃省政府工作报告"
    assert str(rec["pub_date"]) == "2026-02-10" and str(rec["meeting_date"]) == "2026-01-27"
    assert rec["quarter"] == "2026Q1" and rec["province"] == "甘肃省"
