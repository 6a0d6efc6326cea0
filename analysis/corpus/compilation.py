"""Split compilation documents (材料合集, 讲话摘编) into their speeches or excerpts.

A compilation is recognised by at least two numbered item headings, a short paragraph that ends
in a speech word and a number: ``在第二季度经济运行分析暨冲刺"双过半"工作会议上的讲话4``,
``冲刺"双过半" 工作会议讲话摘编1``. A label line right under a heading (``讲话``, ``讲话摘编``) is
dropped. Text before the first heading becomes a part of its own. When the title says which page
of how many this is (``第2/4页``), the first part is marked partial on pages after the first
(it began on the previous page) and the last part on pages before the last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(?P<title>.{4,80}?(?:讲话|发言|摘编|报告|材料|致辞|主持词|汇报))\s*(?P<num>\d{1,3})$")
_PAGE = re.compile(r"第\s*(\d+)\s*/\s*(\d+)\s*页|page (\d+) of (\d+)", re.I)


@dataclass(frozen=True)
class Part:
    number: int            # 1-based position in this file
    heading: str | None    # None for text before the first heading
    item: int | None       # the item number printed in the heading
    text: str
    partial: bool
    partial_reason: str | None


def page_of(title: str | None) -> tuple[int, int] | None:
    if not title:
        return None
    m = _PAGE.search(title)
    if not m:
        return None
    a, b = (m[1], m[2]) if m[1] else (m[3], m[4])
    return int(a), int(b)


def split_compilation(paragraphs: list[str], title: str | None) -> list[Part] | None:
    """Parts of a compilation, or None when the text is not one (fewer than two item headings)."""
    heads = [i for i, p in enumerate(paragraphs) if len(p) <= 90 and _HEADING.match(p)]
    if len(heads) < 2:
        return None
    page = page_of(title)
    bounds = ([(0, None)] if heads[0] > 0 else []) + [(i, i) for i in heads]
    parts: list[Part] = []
    for k, (start, head) in enumerate(bounds):
        end = bounds[k + 1][0] if k + 1 < len(bounds) else len(paragraphs)
        body = paragraphs[start + (1 if head is not None else 0):end]
        heading = paragraphs[head] if head is not None else None
        if heading and body and len(body[0]) <= 6 and body[0] in heading:
            body = body[1:]  # the label line under a heading: 讲话, 讲话摘编
        m = _HEADING.match(heading) if heading else None
        parts.append(Part(len(parts) + 1, heading, int(m["num"]) if m else None,
                          "\n\n".join(body), False, None))
    if page:
        number, total = page
        if number > 1 and parts[0].heading is None:
            parts[0] = _mark(parts[0], f"begins on the previous page (page {number} of {total})")
        if number < total:
            parts[-1] = _mark(parts[-1], f"continues on the next page (page {number} of {total})")
    return [p for p in parts if p.text.strip()]


def _mark(part: Part, reason: str) -> Part:
    return Part(part.number, part.heading, part.item, part.text, True, reason)
