"""The quantitative targets of a work report, and last year's outcomes it states.

The rules (conventions of the genre, docs/targets.md):

- **The targets passage.** A work report states the year's main expected targets in one passage that
  opens with 预期目标 or 主要目标 followed by 是/为/建议为 and a colon (今年经济社会发展的主要预期目标是：…).
  When the opening ends its line, the list is the next paragraph. (是/为 and a comma opens it too: 今年的
  预期目标是，新增城镇就业900万人.) The passage runs to the end of its paragraph, and on through the next paragraphs while each of them
  goes on with the list: it opens with an indicator's name (after a list marker such as （一） or 一是),
  states a target, and has no 目标 in its opening words (经济增长目标设定为6%左右，是一个积极进取的目标…
  opens the justification that follows the list). A document without such a passage has no targets
  (news items, speeches).
- **Clauses.** The passage is cut at ，；。 (not at 、, which joins parts of one target) and each clause
  at every indicator's name (indicators.py), so that 城镇新增就业47万人左右、城镇调查失业率5.5%左右 is
  two targets. A name preceded by 与/同/于/比/占 is a comparison or a denominator (居民收入增长与经济增长
  同步, 高于城镇居民收入增速, 占国内生产总值比重), not a target's subject, nor is one followed by 比重/之比
  or preceded by 世界/全球 (世界经济增长); nor is growth after 和 (居民收入增长和经济增长同步).
- **Values.** The first number after the name, with its unit (%, 万人, 万吨, 亿斤 …); a second number
  after —/–/-/~/至/到 makes a range. The qualifier: 左右 → about; 以上, or 不低于/不少于/超过/高于 before it
  → at_least; 以内/以下, or 不超过/不高于/低于 before it, or 控制在 without 左右 → at_most; two numbers →
  range; a bare number → point. A number after 力争/争取 is the stretch goal. 下降/降低/减少 before the
  number make the direction a decrease (the number is kept positive), 增长/提高/增加 a growth, else a
  level. Without a number: 完成/按/达到/执行 … 下达/考核/要求/安排/目标/任务 (完成国家下达目标, 完成“十四五”考核目标)
  → as_assigned, also for names joined before one such verdict (粮食产量和…、能耗降低…完成国家下达目标任务)
  or after it (确保完成国家下达的“十四五”能耗强度下降目标); 同步 → in_step.
- **分别 lists.** 城镇、农村居民人均可支配收入分别增长5%、6.5%左右 and 城镇调查失业率、居民消费价格涨幅
  分别控制在5%和3%以内: the names before 分别 take the numbers after it in order; a qualifier written
  once after the last number applies to every number that has none of its own.
- **Bounds.** low and high are the target's bounds: about and exactly give both (the same number),
  at least the low end, at most the high end, a range both ends.
- **Outcomes.** Last year's stated outcome of an indicator is the first statement of it before the
  targets passage, in the review: the indicator's name followed, within its clause, by a number in
  the target's unit (31534亿元、增长3.3% gives 3.3 for a target in %); a fall (下降0.3%) of an indicator
  that is meant to grow is negative. A clause with 年均 or 累计 (several years) or with 力争/目标/预期
  (a goal, not a result) states no outcome, nor does a number after 占 (a share of something else), after
  分别 (a list) or after a base year (较2020年下降11.7%), or one followed by 以内 (a bound). When the name and the number are in different clauses of
  one sentence (全省地区生产总值连跨4个千亿台阶，2024年达到1.3万亿元、增长5.8%), the first number in the
  target's unit after the name in that sentence, with no other indicator named between (for grain,
  after 粮食: 粮食、油料、蔬菜产量分别达118.3万吨).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .indicators import BY_ID, indicator_pattern

COLUMNS = ["doc_id", "indicator", "indicator_name", "year", "low", "high", "qualifier", "unit", "direction",
           "stretch", "sentence", "start", "end", "outcome_low", "outcome_high", "outcome_unit", "outcome_sentence",
           "rule", "year_rule"]

OPENING = re.compile(r"(?:预期目标|主要目标|发展目标)(?:(?:是|为|建议为|确定为|安排为)?\s*[:：]|(?:是|为)[，,])")
LIST_MARKER = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）.、．]|[一二三四五六七八九十]是)\s*")
CLAUSE_END = re.compile(r"[，,；;。：:！!？?\n]")
SENTENCE_END = re.compile(r"[。；;！!？?\n]")
NUMBER = r"(\d+(?:\.\d+)?)"
UNITS = r"个百分点|百分点|万人次|万人|万亿斤|万亿元|亿斤|亿公斤|万吨|亿吨|万亩|亿元|亿美元|万元/人|万元|千克|%|％"
VALUE = re.compile(rf"{NUMBER}\s*({UNITS})?(?:\s*[—–\-~～至到]+\s*{NUMBER}\s*({UNITS})?)?")
AT_LEAST_BEFORE = re.compile(r"(?:不低于|不少于|超过|高于)\s*$")
AT_MOST_BEFORE = re.compile(r"(?:不超过|不高于|低于)\s*$")
CEILING = re.compile(r"控制在\s*$")
STRETCH = re.compile(rf"(?:力争|争取)(?:达到|实现|增长)?\s*{NUMBER}")
DECREASE = re.compile(r"下降|降低|减少|回落")
FELL = re.compile(r"(?:下降|降低|减少|回落|下跌)\s*$")    # 下降0.3% is a fall of 0.3; 回落到2.6% is a level
GROWTH = re.compile(r"增长|提高|增加|增速|提升")
CHANGE = re.compile(r"增产|减产|增加|减少|增长|下降")   # before an amount (亿斤, 万人): a change, not the level
AS_ASSIGNED = re.compile(r"(?:完成|按照?|达到|执行|控制在)[^，。；\d]{0,24}(?:下达|考核|要求|安排|目标|任务)")
IN_STEP = re.compile(r"同步")
COMPARISON = re.compile(r"(?:与|同|于|比|占|世界|全球)\s*$")
DENOMINATOR = re.compile(r"中?的?(?:比重|之比|比例|比值)")   # 研发经费与国内生产总值之比: a ratio's denominator
COMPARED_GROWTH = re.compile(r"和\s*$")    # 居民收入增长和经济增长同步: 和 before GDP only
SPLIT = "分别"


class Target(NamedTuple):
    indicator: str
    low: float | None
    high: float | None
    qualifier: str
    unit: str
    direction: str
    stretch: float | None
    start: int
    end: int
    rule: str


def targets_passage(text: str) -> tuple[int, int] | None:
    """Where the targets passage is: (start, end) offsets in ``text``, or None."""
    m = OPENING.search(text)
    while m is not None:
        begin = m.end()
        end = _paragraph_end(text, begin)
        if not text[begin:end].strip():       # 主要预期目标是：⏎ the list on the next line
            begin = _next_paragraph(text, end) or end
            end = _paragraph_end(text, begin)
        if _states_targets(text[begin:end]):
            while True:
                nxt_start = _next_paragraph(text, end)
                if nxt_start is None:
                    break
                nxt_end = _paragraph_end(text, nxt_start)
                para = text[nxt_start:nxt_end]
                if not _continues_list(para):
                    break
                end = nxt_end
            return begin, end
        m = OPENING.search(text, m.end())
    return None


def _paragraph_end(text: str, at: int) -> int:
    nl = text.find("\n", at)
    return len(text) if nl < 0 else nl


def _next_paragraph(text: str, end: int) -> int | None:
    i = end
    while i < len(text) and text[i] in "\n \t\u3000":
        i += 1
    return i if i < len(text) else None


def _continues_list(para: str) -> bool:
    """A paragraph that goes on with the list: it opens with an indicator's name (after a list marker)
    and is not the justification (no 目标 in its opening words), and it states a target."""
    head = LIST_MARKER.sub("", para.strip(), count=1)
    m = indicator_pattern().match(head)
    return bool(m) and "目标" not in head[:20] and not OPENING.search(para) and _states_targets(head)


def _states_targets(text: str) -> bool:
    return any(t.low is not None or t.high is not None or t.qualifier in ("as_assigned", "in_step")
               for t in parse_targets(text[:600]))


def parse_targets(passage: str, offset: int = 0) -> list[Target]:
    """Every target stated in ``passage`` (offsets shifted by ``offset``), in order."""
    out: list[Target] = []
    pos = 0
    for m in CLAUSE_END.finditer(passage + "。"):
        clause = passage[pos:m.start()]
        out += _clause_targets(clause, offset + pos)
        pos = m.end()
    return out


def _mentions(clause: str) -> list[tuple[str, int, int]]:
    """(indicator, start, end) of each subject name in the clause (comparisons left out)."""
    out = []
    for m in indicator_pattern().finditer(clause):
        if not _is_subject(clause, m):
            continue
        out.append((m.lastgroup, m.start(), m.end()))
    # 城镇、农村居民人均可支配收入 / 城镇和农村居民… : the bare 城镇 before 、 names the urban income too
    if any(k == "rural_income" for k, _, _ in out):
        bare = re.search(r"城镇(?:[、和与及])(?=农村)", clause)
        if bare and not any(k == "urban_income" for k, _, _ in out):
            out.append(("urban_income", bare.start(), bare.end() - 1))
    if any(k == "income" for k, _, _ in out) and SPLIT in clause and re.search(r"城乡(?:常住)?居民", clause):
        out = [(k, s, e) for k, s, e in out if k != "income"]
        i = clause.find("城乡")
        out += [("urban_income", i, i + 1), ("rural_income", i + 1, i + 2)]
    return sorted(out, key=lambda x: x[1])


def _is_subject(text: str, m: re.Match) -> bool:
    """The name ``m`` is what its clause states a value of (not a comparison or a denominator)."""
    before = text[max(0, m.start() - 2):m.start()]
    return not (COMPARISON.search(before) or (m.lastgroup == "gdp" and COMPARED_GROWTH.search(before))
                or DENOMINATOR.match(text, m.end()))


def _clause_targets(clause: str, offset: int) -> list[Target]:
    mentions = _mentions(clause)
    if not mentions:
        return []
    split_at = clause.find(SPLIT)
    if split_at >= 0 and sum(1 for _, s, _ in mentions if s < split_at) > 1:
        return _split_targets(clause, offset, [m for m in mentions if m[1] < split_at], split_at)
    out = []
    for kind, s, e, stop in _segments(clause, mentions):
        t = _target(kind, clause[e:stop], offset + s, offset + stop, clause[:s])
        if t is None and not VALUE.search(clause, e) and AS_ASSIGNED.search(clause[s:]):
            # 粮食产量和…、能耗降低…完成国家下达目标任务: names joined before one verdict share it
            t = Target(kind, None, None, "as_assigned", "", BY_ID[kind].direction, None, offset + s, offset + len(clause),
                       "no number: as assigned (one verdict for several names)")
        if t is None and AS_ASSIGNED.search(clause[:s]) and not VALUE.search(clause, e, stop):
            # 确保完成国家下达的"十四五"能耗强度下降目标: the verdict written before the name
            t = Target(kind, None, None, "as_assigned", "", BY_ID[kind].direction, None, offset, offset + stop,
                       "no number: as assigned (verdict before the name)")
        if t is not None:
            out.append(t)
    return out


def _segments(clause: str, mentions: list[tuple[str, int, int]]):
    """(indicator, name start, name end, segment end): a name's segment runs to the next name."""
    for n, (kind, s, e) in enumerate(mentions):
        yield kind, s, e, mentions[n + 1][1] if n + 1 < len(mentions) else len(clause)


def _target(kind: str, after: str, start: int, end: int, before: str = "") -> Target | None:
    """The target of the indicator ``kind`` stated in ``after`` (the text up to the next name)."""
    m = VALUE.search(after)
    stretch_m = STRETCH.search(after)
    if m is not None and stretch_m is not None and stretch_m.start() <= m.start() <= stretch_m.end():
        m = VALUE.search(after[:stretch_m.start()]) if stretch_m.start() > 0 else None
    lead = after[:m.start()] if m else after
    direction = "decrease" if DECREASE.search(lead) else "growth" if GROWTH.search(lead) else BY_ID[kind].direction
    if m is None:
        if AS_ASSIGNED.search(after):
            return Target(kind, None, None, "as_assigned", "", direction, None, start, end,
                      "no number: as assigned by the state")
        if IN_STEP.search(after) or (kind.endswith("income") and IN_STEP.search(before + after)):
            return Target(kind, None, None, "in_step", "", "growth", None, start, end, "no number: in step with GDP")
        return None
    if _is_year(m, after):
        return None
    low, unit = float(m.group(1)), _unit(m.group(2) or m.group(4))
    high = float(m.group(3)) if m.group(3) is not None else None
    tail = after[m.end():m.end() + 6]
    qualifier, rule = _qualifier(lead, tail, high is not None)
    stretch = float(stretch_m.group(1)) if stretch_m else None
    low, high = _bounds(low, high, qualifier)
    return Target(kind, low, high, qualifier, unit, direction, stretch, start, end, rule)


def _bounds(value: float, second: float | None, qualifier: str) -> tuple[float | None, float | None]:
    """(low, high): about and exactly give both, at least the low end, at most the high end."""
    if qualifier == "range":
        return value, second
    return (None if qualifier == "at_most" else value), (None if qualifier == "at_least" else value)


def _unit(written: str | None) -> str:
    return "%" if written == "％" else written or ""


def _is_year(m: re.Match, after: str) -> bool:
    """A number that is a year (2025年) or a plan's ordinal (十四五) is not a value."""
    return after[m.end(1):m.end(1) + 1] == "年" and len(m.group(1)) == 4


def _qualifier(lead: str, tail: str, ranged: bool) -> tuple[str, str]:
    if ranged:
        return "range", "two numbers"
    if tail.startswith("左右"):
        return "about", "左右"
    if tail.startswith(("以上", "及以上")) or AT_LEAST_BEFORE.search(lead):
        return "at_least", "以上 / 不低于 / 超过"
    if tail.startswith(("以内", "以下")) or AT_MOST_BEFORE.search(lead):
        return "at_most", "以内 / 以下 / 不超过"
    if CEILING.search(lead):
        return "at_most", "控制在 without 左右"
    return "point", "a number without qualifier"


def _split_targets(clause: str, offset: int, names: list[tuple[str, int, int]], split_at: int) -> list[Target]:
    """分别: the names before it take the numbers after it, in order."""
    after = clause[split_at + len(SPLIT):]
    values = list(re.finditer(rf"{NUMBER}\s*({UNITS})?\s*(左右|以上|以内|以下)?", after))
    values = [v for v in values if not (after[v.end(1):v.end(1) + 1] == "年" and len(v.group(1)) == 4)]
    if len(values) < len(names):
        return []
    lead = after[:values[0].start()]
    direction = "decrease" if DECREASE.search(lead) else "growth" if GROWTH.search(lead) else "level"
    shared_q = values[len(names) - 1].group(3)
    shared_unit = next((v.group(2) for v in reversed(values[:len(names)]) if v.group(2)), "")
    out = []
    for (kind, s, _), v in zip(names, values):
        q = v.group(3) or shared_q
        qualifier, rule = _qualifier(lead if v is values[0] else "", q or "", False)
        low, high = _bounds(float(v.group(1)), None, qualifier)
        out.append(Target(kind, low, high, qualifier,
                          _unit(v.group(2) or shared_unit), direction, None, offset + s, offset + len(clause),
                          "分别: names and numbers in order" + (" (qualifier written once)" if not v.group(3) and q
                                                                else "")))
    return out


def outcomes(text: str, before: int, units: dict[str, str]) -> dict[str, tuple[float, float | None, str, int, int]]:
    """Per indicator of ``units`` (indicator → the unit of its target), its first stated value in
    that unit in ``text[:before]`` (the review of last year): (low, high, unit, start, end). The
    review is read sentence by sentence: in each, the clauses first, then the sentence as a whole."""
    out: dict[str, tuple] = {}
    review = text[:before]
    start = 0
    for end in [m.end() for m in SENTENCE_END.finditer(review)] + [len(review)]:
        if len(out) == len(units):
            break
        missing = {k: u for k, u in units.items() if k not in out}
        found = _clause_outcomes(review, start, end, missing)
        out.update(found)
        rest = {k: u for k, u in missing.items() if k not in found}
        if rest:
            out.update(_sentence_outcomes(review, start, end, rest))
        start = end
    return out


def _clause_outcomes(review: str, start: int, end: int, units: dict[str, str]) -> dict[str, tuple]:
    """Outcomes stated within one clause of the sentence ``review[start:end]``: the indicator's name
    followed by a number in the target's unit."""
    out: dict[str, tuple] = {}
    pos = start
    for m in CLAUSE_END.finditer(review[:end] + "。", start):
        if m.start() > end:
            break
        clause = review[pos:m.start()]
        if "年均" not in clause and "累计" not in clause and not _is_plan(clause):
            mentions = _mentions(clause)
            split_at = clause.find(SPLIT)
            if split_at >= 0 and sum(1 for _, s, _ in mentions if s < split_at) > 1:
                for t in _split_targets(clause, pos, [m for m in mentions if m[1] < split_at], split_at):
                    if (t.indicator in units and t.indicator not in out and t.unit == units[t.indicator]
                            and t.qualifier != "at_most"):
                        out[t.indicator] = (t.low if t.low is not None else t.high, None, t.unit, t.start, t.end)
                mentions = [m for m in mentions if m[1] > split_at]
            for kind, s, e, stop in _segments(clause, mentions):
                if kind not in units or kind in out:
                    continue
                for v in VALUE.finditer(clause, e, stop):
                    if _not_an_outcome(clause[e:v.start()], clause[v.end():]):
                        break
                    if units[kind] != "%" and CHANGE.search(clause[max(0, v.start() - 3):v.start()]):
                        continue
                    if _unit(v.group(2) or v.group(4)) == units[kind] and not _is_year(v, clause):
                        fell = BY_ID[kind].direction != "decrease" and FELL.search(clause[e:v.start()])
                        sign = -1.0 if fell and units[kind] == "%" else 1.0
                        high = sign * float(v.group(3)) if v.group(3) is not None else None
                        out[kind] = (sign * float(v.group(1)), high, units[kind], pos + s, pos + stop)
                        break
        pos = m.end()
    return out


def _sentence_outcomes(review: str, start: int, end: int, units: dict[str, str]) -> dict[str, tuple]:
    """Outcomes whose name and number are in different clauses of one sentence (全省地区生产总值连跨4个千亿
    台阶，2024年达到1.3万亿元、增长5.8%; 粮食、油料、蔬菜产量分别达118.3万吨): the first number in the
    target's unit after the name (for grain: after 粮食) in the same sentence, with no other
    indicator's name between, in a clause that states a result."""
    out: dict[str, tuple] = {}
    names = indicator_pattern()
    sentence = review[start:end]
    for kind, unit in units.items():
        if kind in OUTCOME_ANCHORS:
            anchor = re.search(OUTCOME_ANCHORS[kind], sentence)
        else:   # the name as the whole table reads it (农村居民人均可支配收入 is not 居民…收入)
            anchor = next((m for m in names.finditer(sentence) if m.lastgroup == kind and _is_subject(sentence, m)),
                          None)
        if anchor is None:
            continue
        for v in VALUE.finditer(sentence, anchor.end()):
            between = sentence[anchor.end():v.start()]
            listed = kind in OUTCOME_ANCHORS    # the anchor heads its list (粮食、油料…分别达118.3万吨)
            if (names.search(between) and not listed) or _not_an_outcome(
                    between.replace(SPLIT, "") if listed else between, sentence[v.end():]):
                break
            if unit != "%" and CHANGE.search(sentence[max(0, v.start() - 3):v.start()]):
                continue   # 粮食增产42.2亿斤，总产466亿斤: the first is a change, the second the output
            clause_start = max(sentence.rfind(c, 0, v.start()) for c in "，,")
            clause = sentence[clause_start + 1:v.end()]
            if _unit(v.group(2) or v.group(4)) == unit and not _is_year(v, sentence):
                if not ("年均" in clause or "累计" in clause or _is_plan(clause)):
                    fell = BY_ID[kind].direction != "decrease" and FELL.search(sentence[:v.start()])
                    sign = -1.0 if fell and unit == "%" else 1.0
                    out[kind] = (sign * float(v.group(1)), None, unit, start + anchor.start(), start + v.end())
                break
    return out


#: where a sentence-level outcome may be anchored when the indicator's full name is not written
OUTCOME_ANCHORS = {"grain_output": r"粮食"}


def _is_plan(clause: str) -> bool:
    """A clause that states a goal, not a result (力争, 目标, 预期): not an outcome."""
    return bool(re.search(r"力争|目标|预期|计划|确保", clause))


def _not_an_outcome(between: str, after: str) -> bool:
    """Between an indicator's name and a number: 占 (a share of something else: 研发投入占全社会比重),
    分别 (a list, read as one), a base year (较2020年下降11.7%: several years); after the number:
    以内/以下 (a bound kept, 控制在5.5%以内, not a value reached)."""
    return bool(re.search(r"占|分别|[较比]\d{4}年", between)) or after.startswith(("以内", "以下"))


def report_targets(text: str, year: int | None, year_rule: str = "the document's year"
                   ) -> tuple[list[dict], tuple[int, int] | None]:
    """The target rows of one report (see ``COLUMNS``, without doc_id) and its targets passage.
    ``year``: the report's year; a passage that names its year (2025年…主要预期目标) is taken at its word
    (``year_rule`` says which gave it)."""
    span = targets_passage(text)
    if span is None:
        return [], None
    named = re.search(r"(20\d\d|19\d\d)年[^。，]{0,16}$", text[max(0, span[0] - 40):span[0]])
    year_rule = "named in the passage" if named else year_rule if year is not None else "unknown"
    year = int(named.group(1)) if named else year
    found = parse_targets(text[span[0]:span[1]], span[0])
    units = {}
    for t in found:   # a target without a number (in step with GDP) is compared with a growth rate
        units.setdefault(t.indicator, t.unit or ("%" if BY_ID[t.indicator].direction != "level" else ""))
    before = outcomes(text, span[0], {k: u for k, u in units.items() if u})
    rows = []
    for t in found:
        o = before.get(t.indicator)
        rows.append({"indicator": t.indicator, "indicator_name": BY_ID[t.indicator].name, "year": year,
                     "low": t.low, "high": t.high, "qualifier": t.qualifier, "unit": t.unit, "direction": t.direction,
                     "stretch": t.stretch, "sentence": text[t.start:t.end], "start": t.start, "end": t.end,
                     "outcome_low": o[0] if o else None, "outcome_high": o[1] if o else None,
                     "outcome_unit": o[2] if o else "", "outcome_sentence": text[o[3]:o[4]] if o else "",
                     "rule": t.rule, "year_rule": year_rule})
    return rows, span
