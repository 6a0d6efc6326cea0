"""The head of a text: title, source outlet, and the lines that hold the publication date.

Web pages and news-app copies put a site banner, a title, a byline and a date before the body,
in varying order. The rules here look only at the first few non-empty lines, and say which rule
matched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cleaning import boilerplate_rule
from .provenance import Found

HEADER_LINES = 6
HEADER_CHARS = 160
_DATE_PREFIX = re.compile(r"^\s*date[:：]?\s*\d{4}-\d{1,2}-\d{1,2}\s*", re.I)
_DATE_ONLY = re.compile(r"^\s*(?:\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?)(?:\s+\S{0,3}\s*(?:By)?)?\s*$", re.I)
_BANNER_MARK = re.compile(r"[◆|｜]")
_BYLINE = re.compile(r"^(?:Author|作者|来源|Source|Time|时间|发布时间|记者|reporter)\b|^.{0,40}(?:记者|reporter)\s", re.I)

_OUTLET_RULES: list[tuple[str, re.Pattern]] = [
    ("author_label", re.compile(r"(?:Author|来源|Source)\s*[:：]\s*(?P<o>[^:：\n]{2,40}?)\s*(?:Time|时间|作者|$|\))", re.I)),
    ("source_attribution", re.compile(r"\((?:Source|来源)\s*[:：]\s*(?P<o>[^)]{2,80})\)", re.I)),
    ("site_banner", re.compile(r"(?P<o>[\u4e00-\u9fff]{2,10}(?:文库|网|日报|晚报|新闻|客户端|融媒))\s*[◆|｜]")),
    ("dateline_outlet", re.compile(r"^(?P<o>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*? ?(?:DailyNews|Daily|News|Times|Post|Client))\s+(?=[A-Z])")),
]


@dataclass(frozen=True)
class Header:
    title: Found
    outlet: Found
    lines: list[str]  # the first non-empty lines, for date rules
    consumed: tuple[str, ...]  # header lines that are not body text (title, date, byline)
    fields: dict | None = None  # the page's labelled fields: kind → (value, label)
    removed: tuple = ()         # (rule, line) of the page furniture taken out with the header


# ---- a web page's labelled fields: 来源：湖南日报  发布时间：2026-02-03 10:20  作者：张三 【字号：大 中 小】 --------
#: the labels of a page's header fields, by what their value is (a value follows "：" on the same
#: line, or is the next line when the label stands alone)
FIELD_LABELS = {
    "outlet": ("信息来源", "文章来源", "稿件来源", "新闻来源", "来源", "稿源", "出处"),
    "date": ("发布时间", "发布日期", "发表时间", "更新时间", "成文日期", "时间", "日期"),
    "person": ("责任编辑", "编辑", "作者", "记者", "通讯员", "审核", "校对", "供稿", "撰稿"),
    "tool": ("字号", "字体", "浏览次数", "点击数", "阅读次数", "访问量", "浏览量"),
}
_KIND = {label: kind for kind, labels in FIELD_LABELS.items() for label in labels}
_LABELS = "|".join(sorted(_KIND, key=len, reverse=True))
#: a label at the start of a line or after a space or bracket, then its colon
_FIELD = re.compile(rf"(?:^|(?<=[\s【\[(（|｜]))(?P<label>{_LABELS})\s*[:：]\s*")
_LABEL_ALONE = re.compile(rf"^【?(?P<label>{_LABELS})\s*[:：]?】?$")
FIELD_LINES = 12    # the labelled fields are looked for in the first lines of a page
FIELD_LINE_CHARS = 160


def labelled_fields(lines: list[str]) -> tuple[dict, list[str]]:
    """The labelled fields of a page's first lines, kind → (value, label) (the first of each kind),
    and the lines that hold them (header, not text). Layouts: several fields on one line
    (发布时间：2026-02-03 10:20 来源：湖南日报 【字号：大 中 小】), one per line, or the label on a line
    of its own and its value on the next."""
    fields: dict = {}
    used: list[str] = []
    for i, line in enumerate(lines[:FIELD_LINES]):
        if len(line) > FIELD_LINE_CHARS:
            continue
        alone = _LABEL_ALONE.match(line)
        if alone and i + 1 < len(lines) and len(lines[i + 1]) <= 60 and not _FIELD.search(lines[i + 1]):
            fields.setdefault(_KIND[alone["label"]], (lines[i + 1].strip(), alone["label"]))
            used += [line, lines[i + 1].strip()]
            continue
        found = list(_FIELD.finditer(line))
        if not found or (found[0].start() > 0 and not _field_line(line, found[0].start())):
            continue
        for m, nxt in zip(found, [*found[1:], None]):
            value = line[m.end():nxt.start() if nxt else len(line)].strip(" 　|｜【】[]()（）")
            if value:
                fields.setdefault(_KIND[m["label"]], (value, m["label"]))
        used.append(line)
    return fields, used


def _field_line(line: str, start: int) -> bool:
    """A line whose first field comes after other text is a field line when that text is short
    (a date, a site name: 2026-02-03 来源：…), not a sentence."""
    return start <= 24 and not re.search(r"[。！？，,]", line[:start])


def read_header(text: str) -> Header:
    lines = []
    for line in text[:5000].split("\n"):
        line = line.strip()
        if line:
            lines.append(line)
            if len(lines) == FIELD_LINES:
                break
    fields, field_lines = labelled_fields(lines)
    head = [ln for ln in lines[:HEADER_LINES + len(field_lines)] if ln not in field_lines][:HEADER_LINES]
    title = _title(head) if len(lines) > 1 else Found.unknown("a one-paragraph text has no title line")
    consumed = [ln for ln in head if _DATE_ONLY.match(ln)
                or (_BYLINE.match(ln) and len(ln) <= 120 and not re.search(r"[。！？!?]$", ln))] + field_lines
    removed = [("page_fields", ln) for ln in field_lines]
    if title.known:
        at = next((i for i, ln in enumerate(head) if _DATE_PREFIX.sub("", ln).strip() == title.value), 0)
        consumed += [ln for ln in head if _DATE_PREFIX.sub("", ln).strip() == title.value]
        removed += [("navigation", ln) for ln in head[:at] if _is_navigation(ln)]   # above the title
        consumed += [ln for _, ln in removed]
    short = [ln[:HEADER_CHARS] for ln in lines[:HEADER_LINES + len(field_lines)]]  # datelines and bylines
    outlet = _outlet(text, short)
    if "outlet" in fields and not outlet.known or outlet.source == "author_label":
        value, label = fields.get("outlet", (None, None))
        if value and 2 <= len(value) <= 40 and not re.search(r"\d{4}[-./年]", value):
            outlet = Found(value, f"label:{label}", "high")
    return Header(title, outlet, short, tuple(dict.fromkeys(consumed)), fields, tuple(removed))


def strip_header(text: str, header: Header) -> str:
    """The text without the header lines used as title, date or byline (first occurrence each)."""
    lines = text.split("\n")
    todo = list(header.consumed)
    out = []
    for i, line in enumerate(lines):
        if todo and line.strip() in todo:
            todo.remove(line.strip())
            continue
        out.append(line)
    return "\n".join(out)


#: navigation a saved page keeps above its title: breadcrumbs (首页 > 政务公开 > 政务信息), a section's
#: name (政务信息, 云南要闻, 图片新闻), a site's name (XX省人民政府门户网站, 湖南日报)
_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|您现在的位置|所在位置)"
                         r"|^[^。，,:：\d]{1,12}(?:(?:\s*(?:>>?|»|＞|→|›)\s*|\s+/\s+)[^。，,:：\d]{1,16}){1,6}$")
_SECTION = re.compile(r"^[\u4e00-\u9fff·]{0,8}(?:要闻|新闻|动态|信息|公开|公告|专题|首页|频道|栏目|聚焦|头条|播报|快讯|"
                      r"视点|时政|政务|图片|视频|原创|发布|资讯|热点|推荐)$")
_SITE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:人民政府|人民政府网|政府网|门户网站|网站|网|日报|晚报|报社|客户端|新闻网|融媒体中心)$")


def _is_navigation(line: str) -> bool:
    return bool(_BREADCRUMB.search(line) or _SECTION.match(line) or _SITE_NAME.match(line))


def _is_banner(line: str) -> bool:
    return boilerplate_rule(line) is not None or (len(line) <= 60 and _BANNER_MARK.search(line) is not None) \
        or _is_navigation(line)


def _title(lines: list[str]) -> Found:
    for line in lines:
        if _is_banner(line) or _DATE_ONLY.match(line) or _BYLINE.match(line):
            continue
        title = _DATE_PREFIX.sub("", line).strip()
        if len(title) < 4:
            continue
        source = "first_line_after_date_label" if _DATE_PREFIX.match(line) else "first_content_line"
        if len(title) > 400 or re.search(r"[。！？]|[a-z]\. [A-Z]", title.rstrip("。.")):
            return Found.unknown("the first line is a paragraph, not a title")
        return Found(title, source, "medium")
    return Found.unknown("no title line in the header")


def _outlet(text: str, lines: list[str]) -> Found:
    head = "\n".join(lines)
    tail = text[-400:]
    gates = {"author_label": ":" in head or "：" in head,
             "source_attribution": "(" in head or "(" in tail,
             "site_banner": any(c in head for c in "◆|｜"),
             "dateline_outlet": any(ln[:1].isupper() for ln in lines)}
    for name, pattern in _OUTLET_RULES:
        if not gates[name]:
            continue
        for zone in (head, tail) if name == "source_attribution" else (head,):
            m = pattern.search(zone) if name != "dateline_outlet" else _search_lines(pattern, lines)
            if m:
                return Found(m.group("o").strip(), name, "medium")
    return Found.unknown("no outlet stated")


def _search_lines(pattern: re.Pattern, lines: list[str]):
    for line in lines:
        m = pattern.search(line)
        if m:
            return m
    return None


# ---- news ledes ----------------------------------------------------------------------------------
#: "央视网消息（新闻联播）：", "中国网络电视台消息(新闻联播)：", "本报讯（记者 张三）"
_LEDE_NEWS = re.compile(r"^(?P<outlet>本报|本台|本刊|[\u4e00-\u9fffA-Za-z]{1,10}(?:网|社|台|报|新闻|客户端|融媒|发布|电视|广播))"
                        r"(?:消息|讯)"
                        r"(?:\s*[（(](?P<paren>[^）)\n]{1,40})[）)]\s*[：:]?|\s*[：:])\s*")
#: "新华社北京7月23日电（记者 张三）", "人民网杭州7月23日电"
_LEDE_DATELINE = re.compile(r"^(?P<outlet>新华社|中新社|中国新闻社|[\u4e00-\u9fff]{2,8}?(?:日报|晚报|报|网|台|社))"
                            r"(?P<place>[\u4e00-\u9fff]{2,6}?)(?P<date>\d{1,2}月\d{1,2}日)电"
                            r"(?:\s*[（(][^）)\n]{0,40}[）)])?\s*")
#: "BEIJING, July 23 (Xinhua) -- "
_LEDE_EN = re.compile(r"^(?P<place>[A-Z][A-Z .'-]{2,24}), (?P<date>[A-Z][a-z]{2,8}\.? \d{1,2})"
                      r"(?:, \d{4})? \((?P<outlet>[A-Za-z .]{2,30})\) ?[-—–]+ ?")


@dataclass(frozen=True)
class Lede:
    outlet: Found     # the agency or site (央视网（新闻联播）, 新华社)
    place: str | None  # the place of a dateline (北京, 杭州), as written
    length: int       # characters of the text that the lede takes up


_NO_LEDE = Lede(Found.unknown("no news lede"), None, 0)
_LEDE_CUES = re.compile(r"消息|讯|电")


def read_lede(text: str) -> Lede:
    """The agency lede that opens a news item, read as header, not as text to count."""
    head = text[:120]
    if not (_LEDE_CUES.search(head[:40]) or head[:1].isupper()):
        return _NO_LEDE
    m = _LEDE_DATELINE.match(head)
    if m:
        return Lede(Found(m["outlet"], "news_dateline", "high"), m["place"], m.end())
    m = _LEDE_NEWS.match(head)
    if m:
        outlet = m["outlet"]
        paren = (m["paren"] or "").strip()
        if paren and not re.search(r"记者|通讯员|实习生|编辑|摄", paren):
            outlet = f"{outlet}（{paren}）"
        found = Found(outlet, "news_lede", "high") if outlet not in ("本报", "本台", "本刊") else \
            Found.unknown("the lede says only 本报/本台")
        return Lede(found, None, m.end())
    m = _LEDE_EN.match(head)
    if m:
        return Lede(Found(m["outlet"].strip(), "news_dateline", "high"), m["place"].strip().title(), m.end())
    return _NO_LEDE
