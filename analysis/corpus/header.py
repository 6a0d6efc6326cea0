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


def read_header(text: str) -> Header:
    lines = []
    for line in text[:5000].split("\n"):
        line = line.strip()
        if line:
            lines.append(line)
            if len(lines) == HEADER_LINES:
                break
    title = _title(lines) if len(lines) > 1 else Found.unknown("a one-paragraph text has no title line")
    consumed = [ln for ln in lines if _DATE_ONLY.match(ln)
                or (_BYLINE.match(ln) and len(ln) <= 120 and not re.search(r"[。！？!?]$", ln))]
    if title.known:
        consumed += [ln for ln in lines if _DATE_PREFIX.sub("", ln).strip() == title.value]
    short = [ln[:HEADER_CHARS] for ln in lines]  # a dateline or byline sits at the start of a line
    return Header(title, _outlet(text, short), short, tuple(consumed))


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


def _is_banner(line: str) -> bool:
    return boilerplate_rule(line) is not None or (len(line) <= 60 and _BANNER_MARK.search(line) is not None)


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
