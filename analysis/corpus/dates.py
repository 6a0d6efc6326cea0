"""Dates, years, quarters and reference periods of speeches and news reports.

Publication dates come from the header lines (``date 2022-07-23``, ``2022-04-27 0 By``,
``Time:2022.07.28``, ``2022年7月28日``). Meeting dates come from the first sentence of the body
that has both a date expression and a meeting cue (held, presided, 会议, 召开 …): a full date,
a month and day whose year comes from the publication date (``On March 23``, ``7月28日``), or a
relative day (``Yesterday afternoon``, ``今天``) counted from the publication date. When no date
is written, content anchors give the year, with low confidence.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from .provenance import Found

MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# ---- Chinese-numeral dates -------------------------------------------------------------------
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_NUM = "〇零○Ｏ一二三四五六七八九十"
_CN_DATE = re.compile(rf"(?P<y>[〇零○Ｏ一二三四五六七八九]{{4}})年(?P<m>[{_CN_NUM}]{{1,2}})月(?:(?P<d>[{_CN_NUM}]{{1,3}})日)?")


#: a Chinese-numeral year has a zero (二〇二六, 二零二一) or is of the 1900s (一九九八)
_CN_YEAR_HINT = re.compile(r"[〇零○Ｏ]|一九")


def _cn_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十七 → 27, 三十一 → 31; None for anything else."""
    if "十" in text:
        tens, _, units = text.partition("十")
        t = _CN_DIGIT.get(tens, None) if tens else 1
        u = _CN_DIGIT.get(units, None) if units else 0
        return None if t is None or u is None else 10 * t + u
    return _CN_DIGIT.get(text) if len(text) == 1 else None


def arabic_dates(text: str) -> str:
    """Chinese-numeral dates written with Arabic digits: 二〇二六年一月二十七日 → 2026年1月27日
    (the length changes; use it on the text that the date rules read)."""
    if "年" not in text or not _CN_YEAR_HINT.search(text):
        return text

    def repl(m: re.Match) -> str:
        year = "".join(str(_CN_DIGIT[c]) for c in m["y"])
        month = _cn_number(m["m"])
        day = _cn_number(m["d"]) if m["d"] else None
        if month is None or (m["d"] and day is None):
            return m.group(0)
        return f"{year}年{month}月" + (f"{day}日" if day is not None else "")

    return _CN_DATE.sub(repl, text)


# ---- publication date: header lines ---------------------------------------------------------
_PUB_RULES: list[tuple[str, re.Pattern, str]] = [
    ("header_date_label", re.compile(r"^\s*date[:：]?\s*(\d{4})-(\d{1,2})-(\d{1,2})\b", re.I), "high"),
    ("header_time_label", re.compile(r"(?:Time|Date|时间|发布时间|发布日期|日期)\s*[:：]\s*(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})", re.I), "high"),
    ("header_iso_line", re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:\s|$)"), "high"),
    ("header_cn_date", re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), "medium"),
]


#: characters one of which a line needs for an unanchored rule to match (a cheap test first)
_PUB_NEEDS = {"header_time_label": ":：", "header_cn_date": "年"}


#: a dated line that says when and where a speech or report was delivered (——2025年1月15日在上海市
#:第十六届人民代表大会第三次会议上): the meeting's date, not the page's
_DELIVERY = re.compile(r"\d{1,2}日\s*(?:在|于)[^，。]{2,60}(?:会议|大会|会|论坛|典礼)|^[-—–]{1,4}\s*\d{4}年")


def labelled_date(fields: dict | None) -> Found:
    """The date of a page's labelled date field (发布时间：2026-02-03 10:20), from its value."""
    value, label = (fields or {}).get("date", (None, None))
    if value:
        m = re.search(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})", arabic_dates(value))
        if m and (d := _date(int(m[1]), int(m[2]), int(m[3]))):
            return Found(d, f"label:{label}", "high")
    return Found.unknown("no labelled date")


def publication_date(header_lines: list[str], fields: dict | None = None) -> Found:
    """The publication date written in the first lines of a text: a labelled date field first; a
    line that dates a speech's delivery is the meeting's date, not the page's."""
    found = labelled_date(fields)
    if found.known:
        return found
    if _CN_YEAR_HINT.search("".join(header_lines)):
        header_lines = [arabic_dates(line) for line in header_lines]
    for name, pattern, conf in _PUB_RULES:
        needs = _PUB_NEEDS.get(name)
        for line in header_lines:
            if name == "header_cn_date" and (len(line) > 80 or _DELIVERY.search(line)):
                continue  # a date inside a paragraph is not a dateline, nor a delivery line
            if needs and needs[0] not in line and needs[-1] not in line:
                continue
            m = pattern.search(line)
            if m and (d := _date(int(m[1]), int(m[2]), int(m[3]))):
                return Found(d, name, conf)
    return Found.unknown("no date in the header lines")


# ---- meeting date: first dated sentence with a meeting cue ------------------------------------
_MEETING_CUE = re.compile(r"meeting|held|presided|convened|conference|会议|召开|主持|举行|座谈会|推进会|调度会")
_MEETING_CUE_ANY_CASE = re.compile(_MEETING_CUE.pattern, re.I)
_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?])|(?<=\.)\s+|\n+")
_MEETING_RULES: list[tuple[str, re.Pattern]] = [
    ("cn_full_date", re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")),
    ("en_full_date", re.compile(rf"\b(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,\s*(?P<y>\d{{4}})", re.I)),
    ("cn_month_day", re.compile(r"(?<![\d年])(?P<m>\d{1,2})月(?P<d>\d{1,2})日")),
    ("en_month_day", re.compile(rf"\b(?:on\s+)?(?:the\s+(?:morning|afternoon|evening)\s+of\s+)?(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,\s*\d{{4}})", re.I)),
    ("relative_day", re.compile(r"\b(?P<rel>yesterday|today|this (?:morning|afternoon|evening)|tonight)\b|(?P<relzh>昨天|昨日|今天|今日|日前)", re.I)),
]
_REL_OFFSET = {"yesterday": -1, "today": 0, "this morning": 0, "this afternoon": 0,
               "this evening": 0, "tonight": 0, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0}


#: A report is published shortly after the meeting it reports: a date in the text more than this
#: many days before publication (or after it) is history or plans, not the meeting.
MAX_REPORT_DELAY_DAYS = 92


# every rule at once, each a named group of its own (the rules' inner groups made unnamed: a name
# may appear only once in a pattern); the rule that matched is read again for its groups
_ANY_DATE = re.compile("|".join(f"(?P<{name}>{re.sub(r'[(][?]P<[a-z]+>', '(?:', pattern.pattern)})"
                                for name, pattern in _MEETING_RULES), re.I)
_RULE_BY_NAME = dict(_MEETING_RULES)
_SENTENCE_ENDS = "。！？!?\n"


def meeting_date(body: str, pub: dt.date | None, max_chars: int = 3000) -> Found:
    """The date of the meeting the text reports, from the first dated sentence with a meeting cue.

    Sentences end at 。！？!? , a full stop followed by a space, or a line break; within a sentence
    the earliest date expression (the longest, where two start together) is tried first. With a
    publication date, a date more than ``MAX_REPORT_DELAY_DAYS`` before it, or after it, is passed
    over (成立于1923年…会议 is history, not the meeting).

    The meeting cues are searched first (a cheap scan); the date expressions only in the sentences
    around them, with one combined pattern.
    """
    head = arabic_dates(body[:max_chars])
    # the cues are found in the lower-cased text with a case-sensitive pattern: on Chinese text a
    # case-insensitive alternation is several times slower (lower() keeps positions unless it
    # changes a length, as for 'İ')
    lower = head.lower()
    cues, where = (_MEETING_CUE, lower) if len(lower) == len(head) else (_MEETING_CUE_ANY_CASE, head)
    pos = 0
    while (cue := cues.search(where, pos)) is not None:
        start = _sentence_start(head, cue.start())
        end = _sentence_end(head, cue.end())
        for hit in _ANY_DATE.finditer(head, start, end):
            name = hit.lastgroup
            m = _RULE_BY_NAME[name].match(head, hit.start(), end)  # the rule's own groups
            found = _resolve_meeting(name, m, pub) if m else None
            if found is not None and _plausible(found.value, pub):
                return found
        pos = end
    return Found.unknown("no dated sentence about a meeting")


def _sentence_start(text: str, pos: int) -> int:
    start = max(text.rfind(c, 0, pos) for c in _SENTENCE_ENDS) + 1
    dot = text.rfind(".", start, pos)
    while dot >= 0:  # an English full stop ends a sentence only before a space
        if dot + 1 < pos and text[dot + 1].isspace():
            return dot + 1
        dot = text.rfind(".", start, dot)
    return start


def _sentence_end(text: str, pos: int) -> int:
    ends = [i for i in (text.find(c, pos) for c in _SENTENCE_ENDS) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    dot = text.find(". ", pos, end)
    return dot + 1 if dot >= 0 else end


def _plausible(meeting: dt.date, pub: dt.date | None) -> bool:
    if pub is None:
        return True
    return pub - dt.timedelta(days=MAX_REPORT_DELAY_DAYS) <= meeting <= pub + dt.timedelta(days=1)


def _resolve_meeting(name: str, m: re.Match, pub: dt.date | None) -> Found | None:
    groups = m.groupdict()
    if name == "relative_day":
        if groups.get("relzh") == "日前":
            return None  # "a few days ago": not a date
        if pub is None:
            return None
        key = (groups.get("rel") or groups.get("relzh")).lower()
        return Found(pub + dt.timedelta(days=_REL_OFFSET[key]), f"relative_day({key})+pub_date", "medium")
    month = int(groups["m"]) if groups.get("m") else MONTHS[groups["mon"].lower().rstrip(".")]
    day = int(groups["d"])
    if groups.get("y"):
        d = _date(int(groups["y"]), month, day)
        return Found(d, name, "high") if d else None
    if pub is None:
        return None
    d = _date(pub.year, month, day)
    if d and d > pub + dt.timedelta(days=1):  # a month later than publication: last year
        d = _date(pub.year - 1, month, day)
    return Found(d, f"{name}+pub_year", "medium") if d else None


# ---- content anchors for the year ---------------------------------------------------------------
#: (pattern, year, what it refers to, literal keys). Only events that pin one calendar year. The
#: pattern runs only when one of its keys is in the text (a fast C-level substring test).
YEAR_ANCHORS: list[tuple[re.Pattern, int, str, tuple[str, ...]]] = [
    (re.compile(r"建党\s*100\s*周年|建党一百周年|(?:中国)?共产党成立\s*100\s*周年|党的百年华诞|百年华诞|party'?s 100th anniversary", re.I),
     2021, "centenary of the CPC", ("建党", "共产党成立", "百年华诞", "100th")),
    (re.compile(r'"?十四五"?\s*(?:开好局|开局之年|起好步)|十四五开局|first year of the 14th five-year plan', re.I),
     2021, "first year of the 14th Five-Year Plan", ("十四五", "14th")),
    (re.compile(r"党史学习教育"), 2021, "Party history study campaign", ("党史学习教育",)),
    (re.compile(r"迎接党的二十大|喜迎二十大|迎接二十大|以优异成绩迎接党的二十大|20th (?:national )?(?:party )?congress", re.I),
     2022, "run-up to the 20th Party Congress", ("二十大", "20th")),
    (re.compile(r'"?十三五"?\s*(?:收官|圆满收官)|决胜全面建成小康社会'), 2020, "last year of the 13th Five-Year Plan",
     ("十三五", "决胜全面建成小康社会")),
    (re.compile(r'"?十五五"?\s*(?:开好局|开局之年)'), 2026, "first year of the 15th Five-Year Plan", ("十五五",)),
]


def year_from_anchors(text: str) -> Found:
    """The year pinned by content anchors, when all the anchors found agree."""
    hits = Counter()
    names = {}
    for pattern, year, what, keys in YEAR_ANCHORS:
        if any(k in text for k in keys) and pattern.search(text):
            hits[year] += 1
            names.setdefault(year, what)
    if not hits:
        return Found.unknown("no date written and no year anchor in the content")
    if len(hits) > 1:
        return Found.unknown(f"year anchors disagree ({', '.join(map(str, sorted(hits)))})")
    year = next(iter(hits))
    return Found(year, f"content_anchor({names[year]})", "low")


# ---- quarter and reference period ---------------------------------------------------------------
# ---- the meeting's own name ---------------------------------------------------------------------
#: Campaign phrases that say in which quarter a meeting is held: 冲刺"双过半" happens before 30 June
#: (half the year gone, half the targets done), 开门红 at the start of the year, 决战四季度 at its end.
_CAMPAIGN_QUARTER: list[tuple[re.Pattern, int, str]] = [
    (re.compile(r"双过半|时间过半[、，,]?\s*任务过半"), 2, "双过半"),
    (re.compile(r"(?:首季|一季度)?开门红"), 1, "开门红"),
    (re.compile(r"(?:决战|冲刺|攻坚)(?:第?四季度|全年)|全年目标冲刺"), 4, "决战四季度"),
]
_QUARTER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
#: "二季度经济运行分析", "第一季度经济形势分析会", "上半年经济运行分析": the period a meeting reviews
_REVIEW = re.compile(r"(?:第?(?P<q>[一二三四1-4])季度|(?P<h>上半年|前三季度))(?:全市|全县|全区|全省)?经济(?:运行|形势)"
                     r"(?:分析|调度|研判)")


#: substrings one of which every rule above needs (a cheap test before the patterns)
_NAME_CUE = re.compile("过半|开门红|季度|全年|上半年")


_NO_QUARTER = Found.unknown("no campaign phrase in the meeting's name")
_NO_PERIOD = Found.unknown("no reviewed period in the meeting's name")


def from_meeting_name(names: list[str], year: int | None) -> tuple[Found, Found]:
    """The quarter in which a meeting is held and the period it reviews, from its name (the title,
    a compilation's title, the opening sentence): 冲刺"双过半" → the second quarter, a campaign;
    "二季度经济运行分析" → reviews the second quarter; "上半年经济运行分析" → reviews H1. Low
    confidence, with the phrase as rule; unknown without a year."""
    text = " ".join(n for n in names if n)
    if not _NAME_CUE.search(text):
        return _NO_QUARTER, _NO_PERIOD
    quarter, period = _NO_QUARTER, _NO_PERIOD
    if year is None:
        return Found.unknown("no year to place the meeting's name in"), period
    for pattern, q, label in _CAMPAIGN_QUARTER:
        if pattern.search(text):
            quarter = Found(f"{year}Q{q}", f"meeting_name({label})", "low")
            break
    m = _REVIEW.search(text)
    if m:
        label = f"{year}Q{_QUARTER_WORDS[m['q']]}" if m["q"] else f"{year}{'H1' if m['h'] == '上半年' else 'Q1-Q3'}"
        period = Found(label, f"meeting_name({m.group(0)})", "low")
    return quarter, period


def quarter_of(d: dt.date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


#: Chinese period expressions (label → expressions, and expressions they must not be part of).
_ZH_PERIODS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Q1-Q3": (("前三季度",), ()),
    "Q1": (("一季度", "首季"), ()),
    "Q2": (("二季度",), ()),
    "Q3": (("三季度",), ("前三季度",)),
    "Q4": (("四季度",), ()),
    "H1": (("上半年", "双过半"), ()),
    "H2": (("下半年",), ()),
    "Y": (("全年",), ()),
}
#: (label, expression, +1 or -1): overlaps are subtracted, so 前三季度 is not also 三季度.
_ZH_COUNTS = [(label, w, sign) for label, (plus, minus) in _ZH_PERIODS.items()
              for sign, words in ((1, plus), (-1, minus)) for w in words]
#: English period expressions (on lower-cased text).
_EN_PERIODS: list[tuple[str, str]] = [
    (r"first three quarters", "Q1-Q3"),
    (r"first quarter|\bq1\b", "Q1"),
    (r"second quarter|\bq2\b", "Q2"),
    (r"third quarter|\bq3\b", "Q3"),
    (r"fourth quarter|\bq4\b", "Q4"),
    (r"semi-annual|semiannual|first half(?: of the year)?|half a year|six months", "H1"),
    (r"second half(?: of the year)?", "H2"),
    (r"annual targets", "Y"),
]
_EN_ANY = re.compile("|".join(f"(?P<p{i}>{p})" for i, (p, _) in enumerate(_EN_PERIODS)))
#: Forward-looking periods: used only when nothing else is named.
_FORWARD = {"H2": True, "Y": True}


def periods_mentioned(text: str, lang: str | None = None) -> Counter:
    """Count the period expressions of a text (Chinese always; English when ``lang`` is 'en' or None)."""
    counts: Counter = Counter()
    for label, word, sign in _ZH_COUNTS:  # str.count runs in C: faster than any pattern here
        n = text.count(word)
        if n:
            counts[label] += sign * n
    counts = +counts  # drop labels whose count is not positive
    if lang != "zh":
        for m in _EN_ANY.finditer(text.lower()):
            counts[_EN_PERIODS[int(m.lastgroup[1:])][1]] += 1
    return counts


def reference_period(text: str, year: int | None, lang: str | None = None) -> tuple[Found, list[str]]:
    """The period the text reviews or plans: the most-mentioned period expression (forward-looking
    ones such as 下半年 only when nothing else is named; ties go to the earliest period).

    Returns the period (``2022H1``, ``2022Q1``, ``2022Q1-Q3``; without a year, unknown) and every
    period label mentioned, most frequent first.
    """
    counts = periods_mentioned(text, lang)
    mentioned = [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], _ORDER[kv[0]]))]
    if not counts:
        return Found.unknown("no period expression (季度, 上半年, first half …)"), mentioned
    backward = {p: n for p, n in counts.items() if not _FORWARD.get(p)}
    pool = backward or counts
    label = min(pool, key=lambda p: (-pool[p], _ORDER[p]))
    if year is None:
        return Found.unknown(f"names the period {label} but the year is unknown"), mentioned
    value = f"{year}" if label == "Y" else f"{year}{label}"
    return Found(value, f"most_mentioned_period({pool[label]}x)", "medium"), mentioned


_ORDER = {"Q1": 0, "Q2": 1, "H1": 2, "Q3": 3, "Q1-Q3": 4, "Q4": 5, "H2": 6, "Y": 7}
