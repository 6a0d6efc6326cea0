"""Line-level cleaning: web boilerplate out, lines broken by PDF or web extraction joined.

Both functions work on normalised text (see :mod:`analysis.corpus.normalize`) and return what they did,
so that the documents table can record how much was removed and why.
"""
from __future__ import annotations

import re
from collections import Counter

# Each rule is (name, pattern, longest line it may remove). Keyword rules only remove short lines,
# so that a paragraph of real text that mentions a QR code is never lost.
BOILERPLATE_RULES: list[tuple[str, re.Pattern, int]] = [
    ("share_qr", re.compile(r"扫码|二维码|扫一扫|在手机(?:上)?打开|分享到|点击(?:阅读原文|关注|查看|图片进入)|进入专题"
                            r"|长按(?:识别|关注)|关注(?:我们|公众号)"
                            r"|领取福利|^分享$|scan (?:the )?qr|share (?:this|to)", re.I), 40),
    ("site_header", re.compile(r"记住我|加入收藏|设为首页|网站首页|返回首页|^(?:首页|登录|注册)(?:\s|$)"
                               r"|当前位置[:：]|您的位置[:：]", re.I), 80),
    ("reading_banner", re.compile(r"共计\s*\d+\s*个?字|预计阅读时长|阅读时长|阅读量|阅读数|字数[:：]?\s*\d+"
                                  r"|\d+\s*min(?:ute)?s? read|reading time", re.I), 80),
    ("page_marker", re.compile(r"^(?:[-—–]\s*)?\d{1,8}(?:\s*[-—–])?$|^第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?$"
                               r"|^page \d+(?: of \d+)?$|^\d+\s*/\s*\d+$", re.I), 30),
    ("editor_line", re.compile(r"^[（(]?(?:责任编辑|编辑|校对|审核|审校|初审|终审|编审|文字编辑|视频编辑|来源)[:：]"), 40),
    # page toolbars: 下载 打印 全屏 收藏 【字号：加大 还原 减小】, 【打印】【关闭】, 字体：大 中 小
    ("toolbar", re.compile(r"【?字号[:：]|字体[:：]\s*[大中小]|【(?:打印|关闭|返回顶部|收藏|纠错)】"
                           r"|^(?:(?:下载|打印|全屏|收藏|关闭|分享|纠错|返回顶部|打印本页|关闭窗口)\s*){2,}"
                           r"|\[(?:打印|关闭)\]"), 80),
]
# one pattern for all rules, run case-sensitively on the lower-cased line (a case-insensitive
# alternation is much slower on Chinese text); so the rules' letters must be lower case
_ANY_BOILERPLATE = re.compile("|".join(f"(?P<{name}>{pat.pattern})" for name, pat, _ in BOILERPLATE_RULES))
if re.search(r"(?<![\\?])[A-Z]", _ANY_BOILERPLATE.pattern):
    raise AssertionError("boilerplate rules: write their letters in lower case")
_LONGEST = {name: longest for name, _, longest in BOILERPLATE_RULES}
_MAX_LONGEST = max(_LONGEST.values())
# A line after which everything is unrelated to the article (teasers, recommendations).
END_RULES: list[tuple[str, re.Pattern]] = [
    ("end_marker", re.compile(r"^[-—–_=\s]*(?:END|End|完|全文完)[-—–_=\s]*$")),
    ("teaser_heading", re.compile(r"^(?:相关阅读|推荐阅读|相关新闻|相关链接|相关文章|相关信息|相关稿件|相关报道|专题链接"
                                  r"|更多(?:新闻|阅读|资讯)|延伸阅读|往期回顾|往期推荐|猜你喜欢|热门推荐"
                                  r"|related (?:articles|news|reading)|recommended(?: reading)?)[:：]?$", re.I)),
]

def remove_boilerplate(text: str, lines: list | None = None) -> tuple[str, Counter]:
    """Remove boilerplate lines; cut everything after an end marker in the second half of a text.

    Returns the cleaned text and a Counter of the rules applied (line counts; for an end rule, the
    number of lines cut off after it); ``lines``, when given, receives each removed line as
    (rule, line), for the researcher's audit.
    """
    audit = lines if lines is not None else []
    removed: Counter = Counter()
    text_lines = text.split("\n")
    total = len(text)
    kept: list[str] = []
    seen = 0
    for i, line in enumerate(text_lines):
        stripped = line.strip()
        seen += len(line) + 1
        if not stripped:
            kept.append(line)
            continue
        end_rule = None if len(stripped) > 30 else next(
            (name for name, pat in END_RULES if pat.search(stripped)), None)
        if end_rule is not None:
            if seen >= total / 2:
                tail = [x.strip() for x in text_lines[i + 1:] if x.strip()]
                removed[end_rule] += 1 + len(tail)
                audit += [(end_rule, x) for x in (stripped, *tail)]
                break
            removed[end_rule] += 1
            audit.append((end_rule, stripped))
            continue
        rule = boilerplate_rule(stripped)
        if rule is not None:
            removed[rule] += 1
            audit.append((rule, stripped))
            continue
        kept.append(line)
    return "\n".join(kept).strip(), removed


def boilerplate_rule(line: str) -> str | None:
    """The first boilerplate rule that removes ``line`` (one combined regex, then the length cap)."""
    if len(line) > _MAX_LONGEST:
        return None
    lower = line.lower()
    m = _ANY_BOILERPLATE.search(lower if len(lower) == len(line) else line)
    if m is None:
        return None
    if len(line) <= _LONGEST[m.lastgroup]:
        return m.lastgroup
    # the first rule that matched allows shorter lines only: try the others one by one
    return next((name for name, pat, longest in BOILERPLATE_RULES if len(line) <= longest and pat.search(line)), None)


_CJK = r"\u4e00-\u9fff"
_SENTENCE_END = set("。！？!?；;…:：")
_ENUMERATOR = re.compile(r"^(?:第[一二三四五六七八九十百]+[,，、:：\s是要]|[一二三四五六七八九十]+[、.．]"
                         r"|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、．]|[①-⑳])")
_HAS_PUNCT = re.compile(r"[，。；：！？,;:!?]")
_CONTINUES = re.compile(rf"[{_CJK}、，,（(《\"]")
_STARTS = re.compile(rf"^[{_CJK}\d\"'（(《]")


def _heading_like(line: str) -> bool:
    if len(line) <= 30 and _ENUMERATOR.match(line) and not re.search("[。；;]", line):
        return True
    return len(line) <= 15 and not _HAS_PUNCT.search(line)


def _should_join(prev: str, nxt: str) -> bool:
    """True when ``prev`` and ``nxt`` are one sentence broken across lines."""
    if _heading_like(prev) or _ENUMERATOR.match(nxt):
        return False
    last = prev[-1]
    if last == '"' and len(prev) > 1 and prev[-2] in _SENTENCE_END:
        return False
    if _CONTINUES.match(prev[-1]):
        return bool(_STARTS.match(nxt))
    if last.isdigit():  # "… 达到" / "90%" is joined; a short "…讲话4" heading is not
        return len(prev) > 40 and bool(_STARTS.match(nxt))
    if last.islower() or last in ",;":  # English broken mid-sentence
        return nxt[:1].islower()
    return False


def join_broken_lines(text: str) -> tuple[str, int]:
    """Join lines that continue the same sentence; keep real paragraph breaks.

    Every non-empty line is a candidate paragraph (extracted text often separates broken lines by
    blank lines too). A line is joined to the previous one when the previous one stops mid-sentence
    (a Chinese character, 、 or an opening mark at its end, or a lowercase word in English) and is
    not a heading. Chinese joins without a space, English with one. Returns the text with paragraphs
    separated by a blank line, and the number of joins made.
    """
    paragraphs: list[str] = []
    joins = 0
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if paragraphs and _should_join(paragraphs[-1], line):
            prev = paragraphs[-1]
            sep = " " if prev[-1].isascii() and line[0].isascii() and prev[-1].isalpha() else ""
            paragraphs[-1] = prev + sep + line
            joins += 1
        else:
            paragraphs.append(line)
    return "\n\n".join(paragraphs), joins
