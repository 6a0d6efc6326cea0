"""Regions: the administrative hierarchy, place-name mentions, and a document's own jurisdiction.

The gazetteer is the division table shipped by the ``cpca`` package (3,500 divisions of mainland
China with their official 12-digit codes). Province, prefecture and county are read off the code:
``33 01 09 000000`` is 浙江省 › 杭州市 › 萧山区.

Mentions are found with an Aho-Corasick automaton over full names (萧山区), short names (萧山; in
Chinese only when the same document also names a higher level or the full name, because many
short names are common words: 大方, 会同, 平安), and romanised names in English (Xiaoshan, a
word after it such as District or City narrowing the level; a romanised word right after a pinyin
surname is a person's name, not a place). A name that exists in several places is resolved by the
higher-level names the document also mentions, and otherwise left ambiguous.

A document's own jurisdiction (the region whose meeting or speech it is) is kept apart from the
places it merely mentions. Rules, in order: a region named in the title; a self-reference
(我区, 全县, our district, the whole city) together with the most-mentioned region of that kind.
Otherwise the jurisdiction is ``unknown`` with the reason, and candidates from content clues are
listed, never chosen.
"""
from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

from ..pipeline.installed import package_file
from .provenance import Found

LEVELS = ("province", "prefecture", "county")
_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
             "自治旗", "省", "市", "地区", "盟", "林区", "特区", "区", "县", "旗")
_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}?族)+自治[州县旗]$")
#: Short names never used because they are also a self-reference (全州 = "the whole prefecture").
_SHORT_STOP = {"全州"}
#: English names of provinces where pinyin is not what English texts use or is ambiguous.
_PROVINCE_EN = {"陕西省": ["shaanxi"], "山西省": ["shanxi"], "内蒙古自治区": ["inner mongolia", "neimenggu"],
                "西藏自治区": ["tibet", "xizang"], "广西壮族自治区": ["guangxi"], "宁夏回族自治区": ["ningxia"],
                "新疆维吾尔自治区": ["xinjiang"]}
_SURNAMES = set("""wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo
zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai du ye
cheng wei su lu ding ren shen yao cui zhong tan lou mo xia hou fu shi qin jin lei long kong bai
mao qiu qian fan fang dai zou xiong meng hao gu duan wan yin xi""".split())
_EN_LEVEL_WORDS = {"district": "county", "county": "county", "city": None, "municipal": "prefecture",
                   "municipality": "prefecture", "prefecture": "prefecture", "province": "province",
                   "provincial": "province"}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    province: str | None
    prefecture: str | None

    @property
    def ancestors(self) -> tuple[str, ...]:
        return tuple(c for c in (self.province, self.prefecture) if c and c != self.code)


@dataclass(frozen=True)
class Mention:
    surface: str
    start: int
    codes: tuple[str, ...]
    strong: bool  # full name, or romanised name; False for a Chinese short name


class Gazetteer:
    """Divisions by code, and automata for finding their names in Chinese and English text."""

    def __init__(self, rows: Iterable[tuple[str, str]]):
        import ahocorasick_rs
        from pypinyin import lazy_pinyin

        self.divisions: dict[str, Division] = {}
        names = dict(rows)
        for code, name in sorted(names.items()):
            if name in _PLACEHOLDERS:
                continue
            level = "province" if code[2:] == "0" * 10 else "prefecture" if code[4:] == "0" * 8 else "county"
            prov = code[:2] + "0" * 10
            pref = code[:4] + "0" * 8
            pref = pref if names.get(pref) not in _PLACEHOLDERS and pref in names and level != "province" else None
            self.divisions[code] = Division(code, name, level, prov, pref)
        zh: dict[str, tuple[set, bool]] = {}
        en: dict[str, set] = {}
        for code, div in self.divisions.items():
            # a two-character full name (范县, 沛县) hides inside words (示范县): weak, like short names
            zh.setdefault(div.name, (set(), len(div.name) > 2))[0].add(code)
            short = short_name(div.name)
            if short and short not in _SHORT_STOP:
                zh.setdefault(short, (set(), False))[0].add(code)
            romanised = _PROVINCE_EN.get(div.name) or ([ "".join(lazy_pinyin(short))] if short else [])
            for surface in romanised:
                en.setdefault(surface, set()).add(code)
        longest = ahocorasick_rs.MatchKind.LeftmostLongest
        self.zh_patterns = [(surface, tuple(sorted(codes)), strong) for surface, (codes, strong) in sorted(zh.items())]
        self.en_patterns = [(surface, tuple(sorted(codes)), True) for surface, codes in sorted(en.items())]
        self.zh = ahocorasick_rs.AhoCorasick([p[0] for p in self.zh_patterns], matchkind=longest)
        self.zh_openings = frozenset(p[0][:2] for p in self.zh_patterns)  # a cheap test: can a name start here?
        self.en = ahocorasick_rs.AhoCorasick([p[0] for p in self.en_patterns], matchkind=longest)
        self.by_name: dict[str, list[str]] = {}
        for code, div in self.divisions.items():
            self.by_name.setdefault(div.name, []).append(code)

    # -- lookups ---------------------------------------------------------------------------
    def full_name(self, code: str) -> str:
        div = self.divisions[code]
        parts = [self.divisions[c].name for c in (div.province, div.prefecture) if c and c != code]
        return "".join(parts + [div.name])

    def hierarchy(self, code: str) -> dict:
        """Province, prefecture and county names, level and code of a division."""
        div = self.divisions[code]
        out = {"province": None, "prefecture": None, "county": None, "adcode": code, "region_level": div.level}
        out["province"] = self.divisions[div.province].name if div.province in self.divisions else None
        if div.level in ("prefecture", "county") and div.prefecture in self.divisions:
            out["prefecture"] = self.divisions[div.prefecture].name
        if div.level == "county":
            out["county"] = div.name
        return out

    def lookup(self, value: str) -> list[str]:
        """Codes for a value given by a researcher: a 6- or 12-digit code, a name, or a chain of
        names (浙江省杭州市萧山区); the deepest name is resolved under the higher ones."""
        value = value.strip()
        if re.fullmatch(r"\d{6}|\d{12}", value):
            code = value.ljust(12, "0")
            return [code] if code in self.divisions else []
        if value in self.by_name:
            return sorted(self.by_name[value])
        mentions = self.find_mentions(value, "zh")
        codes = resolve_mentions(mentions, self)
        chain = [c for c in codes if c]
        if not chain:
            return []
        deepest = chain[-1]
        if all(c == deepest or c in self.divisions[deepest].ancestors for c in chain):
            return [deepest]
        return []

    # -- mentions --------------------------------------------------------------------------
    def find_mentions(self, text: str, lang: str) -> list[Mention]:
        if lang == "en":
            return self._find_en(text)
        pats = self.zh_patterns
        return [Mention(pats[i][0], start, pats[i][1], pats[i][2])
                for i, start, _ in self.zh.find_matches_as_indexes(text)]

    def tally(self, text: str, lang: str) -> list[tuple[Mention, int]]:
        """Distinct mentions in order of first occurrence, each with how often it occurs."""
        if lang == "en":
            counts = Counter(m.surface for m in self._find_en(text))
            first: dict[str, Mention] = {}
            for m in self._find_en(text) if counts else ():
                first.setdefault(m.surface, m)
            return [(m, counts[s]) for s, m in first.items()]
        counts: dict[int, int] = {}
        starts: dict[int, int] = {}  # matches come in text order: insertion order is first occurrence
        for i, start, _ in self.zh.find_matches_as_indexes(text):
            if i in counts:
                counts[i] += 1
            else:
                counts[i] = 1
                starts[i] = start
        pats = self.zh_patterns
        return [(Mention(pats[i][0], start, pats[i][1], pats[i][2]), counts[i]) for i, start in starts.items()]

    def _find_en(self, text: str) -> list[Mention]:
        lower = text.lower()
        out = []
        for i, start, stop in self.en.find_matches_as_indexes(lower):
            surface, codes, strong = self.en_patterns[i]
            end = stop - 1
            if (start > 0 and lower[start - 1].isalnum()) or (end + 1 < len(lower) and lower[end + 1].isalnum()):
                continue
            after = lower[end + 1:end + 16].split()
            level_word = after[0].strip(".,;:'’s") if after else ""
            if not text[start].isupper() and level_word not in _EN_LEVEL_WORDS:
                continue  # lower-case "guide", "yuan": English words, not 贵德, 裕安
            before = lower[max(0, start - 12):start].split()
            if before and before[-1] in _SURNAMES and text[start].isupper():
                continue  # "Zhang Dengfeng": a person, not 登封
            level = _EN_LEVEL_WORDS.get(level_word)
            if level:
                narrowed = tuple(c for c in codes if self.divisions[c].level == level)
                codes = narrowed or codes
            if after and after[0].startswith("city"):
                narrowed = tuple(c for c in codes if self.divisions[c].name.endswith("市"))
                codes = narrowed or codes
            out.append(Mention(text[start:end + 1], start, codes, strong))
        return out


def short_name(name: str) -> str | None:
    """浙江省 → 浙江, 萧山区 → 萧山, 湘西土家族苗族自治州 → 湘西; None when under two characters."""
    m = _ETHNIC.match(name)
    if m:
        short = m[1]
    else:
        short = name
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                short = name[: -len(suffix)]
                break
    return short if len(short) >= 2 and short != name else None


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    with package_file("cpca", "resources", "adcodes.csv").open(encoding="utf-8") as fh:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(fh)]
    return Gazetteer(rows)


@functools.lru_cache(maxsize=1)
def load_clues() -> list[tuple[str, str, str, bool]]:
    """(clue, province, a more specific region or '', used for inference): provincial strategy
    slogans and distinctive places below the county level (villages, towns, scenic areas), as full
    name chains. Phrases that other provinces use too (plans to join the Greater Bay Area, lessons
    from Zhejiang's 千万工程, 对标找差 as a common word) are candidates only (``use = candidate``)."""
    with resources.files("analysis.data").joinpath("region_clues.csv").open(encoding="utf-8") as fh:
        return [(r["clue"], r["province"], r.get("region") or "", r.get("use", "infer") == "infer")
                for r in csv.DictReader(fh)]


def resolve_mentions(mentions: list[Mention], gaz: Gazetteer) -> list[str | None]:
    """One code per mention, or None where the name stays ambiguous or is a weak short name
    with no support. Context is the set of places named unambiguously (by a strong mention)."""
    explicit = {m.codes[0] for m in mentions if len(m.codes) == 1 and m.strong}
    siblings = {a for c in explicit for a in gaz.divisions[c].ancestors} | explicit
    memo: dict[tuple, str | None] = {}
    out: list[str | None] = []
    for m in mentions:
        key = (m.codes, m.strong)
        if key not in memo:
            memo[key] = _resolve_one(m, explicit, siblings, gaz)
        out.append(memo[key])
    return out


def _resolve_one(m: Mention, explicit: set, siblings: set, gaz: Gazetteer) -> str | None:
    if m.strong and len(m.codes) == 1:
        return m.codes[0]
    if not explicit:  # no context: nothing can resolve an ambiguous or weak name
        return None
    for context in (explicit, siblings):
        # the nearest level first: a co-mentioned prefecture beats a co-mentioned province
        for level in ("self", "prefecture", "province"):
            fits = [c for c in m.codes if _anchor(gaz.divisions[c], level) in context]
            if len(fits) == 1:
                return fits[0]
            if len(fits) > 1:
                break
    return None


def _anchor(div: Division, level: str) -> str | None:
    return div.code if level == "self" else div.prefecture if level == "prefecture" else div.province


_SELF_ZH = re.compile(r"(?:我|全|本)(区|县|市|州|省)")
_FIRST_PERSON = re.compile(r"我(?:区|县|市|州|省)")
_SELF_EN = re.compile(r"\b(?:our|the whole|this|the entire) (district|county|city|prefecture|province)\b", re.I)
_UNIT_ORDER = ("县", "区", "市", "州", "省")
_UNIT_EN = {"district": "区", "county": "县", "city": "市", "prefecture": "州", "province": "省"}


#: the national formula "every province (region, municipality) and the Xinjiang Production and
#: Construction Corps" (31个省（区、市）和新疆生产建设兵团报告…, 各省、自治区、直辖市和新疆生产建设兵团):
#: the Corps stands beside the provinces as a provincial-level unit of national statistics and
#: addresses, so the text names the whole country, not Xinjiang
_NATIONAL_CORPS = re.compile(r"(?<=省)[（(、，,]?\s*(?:自治)?区[、，,]?\s*(?:直辖)?市[）)]?\s*(?:和|及|以及|、)\s*(新疆生产建设兵团)")


def national_formulas_masked(text: str) -> str:
    """``text`` with the Corps of the national formula (:data:`_NATIONAL_CORPS`) blanked out, same
    length (the positions of the other mentions stay), so it is not taken for a place."""
    return _NATIONAL_CORPS.sub(lambda m: m.group(0)[:m.start(1) - m.start(0)] + "＊" * len(m.group(1)), text)


@dataclass(frozen=True)
class RegionResult:
    jurisdiction: Found               # value: adcode
    mentioned: tuple[str, ...]        # adcodes, in order of first mention
    ambiguous: tuple[str, ...]        # surfaces that stayed ambiguous
    candidates: tuple[str, ...]       # "name (why)" when the jurisdiction is unknown
    covered: tuple[str, ...] = ()     # adcodes of the regions a multi-region item reports on


def locate(title: str, body: str, lang: str, gaz: Gazetteer | None = None,
           dateline: str | None = None, clues: bool = True) -> RegionResult:
    """Find the places a document mentions and its own jurisdiction.

    Rules, in order: a place that heads the title as news headlines do ("广东：…", "河南渑池：…",
    "【杭州】…"; several such places make a multi-region item, whose own region stays unknown);
    a region named in the title; the place of a news dateline (新华社杭州7月23日电); a place that
    opens the text ("上海市在统筹做好…"); a self-reference (我区, 全县) with the most-mentioned
    region of that kind. With ``clues`` (``corpus.inference = "clues"``), then at low confidence:
    the first place a news item's opening names, and the region content clues point to.
    """
    gaz = gaz or load_gazetteer()
    lang = "en" if lang == "en" else "zh"
    if lang == "zh":
        title, body = national_formulas_masked(title or ""), national_formulas_masked(body)
    title_t = gaz.tally(title, lang) if title else []
    body_t = gaz.tally(body, lang)
    title_codes, counts, mentioned, ambiguous = _mention_summary(title_t + body_t, len(title_t), gaz)
    context = set(mentioned)
    opening_mentions = [m for m, _ in body_t if m.start < 150] if lang == "zh" else []
    juris, covered = _stated_jurisdiction(title, body, lang, dateline, title_codes, opening_mentions, context, gaz)
    if juris is None:
        juris = _from_self_reference(body, lang, counts, gaz)
    hits = None                                                      # the clues found, when looked for
    if not juris.known and lang == "zh" and not covered and clues:
        juris, hits = _inferred_jurisdiction(body, lang, opening_mentions, context, gaz, juris)
    candidates: tuple[str, ...] = ()
    if not juris.known:
        candidates = _candidates(hits if hits is not None else clue_hits(body), counts, gaz)
    return RegionResult(juris, mentioned, ambiguous, candidates, covered)


def _mention_summary(tallied: list[tuple[Mention, int]], n_title: int, gaz: Gazetteer
                     ) -> tuple[list[str], Counter, tuple[str, ...], tuple[str, ...]]:
    """From the tallied mentions of a title (the first ``n_title``) and a body: the places the title
    names, how often each place is named, the places in order of first mention, and the strong names
    that stay ambiguous."""
    resolved = resolve_mentions([m for m, _ in tallied], gaz)
    title_codes = [c for c in resolved[:n_title] if c]
    counts: Counter = Counter()
    for (m, n), code in zip(tallied, resolved):
        if code:
            counts[code] += n
    mentioned = tuple(dict.fromkeys(c for c in resolved if c))
    ambiguous = tuple(dict.fromkeys(m.surface for (m, _), c in zip(tallied, resolved) if c is None and m.strong))
    return title_codes, counts, mentioned, ambiguous


def _stated_jurisdiction(title: str | None, body: str, lang: str, dateline: str | None, title_codes: list[str],
                         opening_mentions: list[Mention], context: set, gaz: Gazetteer
                         ) -> tuple[Found | None, tuple[str, ...]]:
    """The jurisdiction the form of a document states, by the first rule that finds one: a headline's
    head, the title, paragraph heads, a dateline, the place that opens the text (None when none
    does); and the regions a multi-region item covers."""
    juris, covered = _headline_jurisdiction(title, lang, context, gaz)
    if juris is None:
        juris = _from_title(title_codes, gaz)
    if juris is None and lang == "zh" and ("：" in body or ":" in body):
        heads = _paragraph_heads(body, context, gaz)
        if len(heads) > 1:
            covered = tuple(heads)
            names = "、".join(gaz.divisions[c].name for c in heads)
            juris = Found.unknown(f"multi-region item ({names} head its paragraphs)")
    if juris is None and dateline:
        code = _place(dateline, lang, context, gaz)
        juris = Found(code, "news_dateline", "medium") if code else None
    if juris is None and opening_mentions and min(m.start for m in opening_mentions) <= len(body) - len(body.lstrip()):
        code = _place(_opening(body), lang, context, gaz, prefix_only=True)
        juris = Found(code, "lede_place", "medium") if code else None
    return juris, covered


def _headline_jurisdiction(title: str | None, lang: str, context: set, gaz: Gazetteer
                           ) -> tuple[Found | None, tuple[str, ...]]:
    """The place that heads a headline (None when no place does), or, when several do, an unknown
    jurisdiction and the places the multi-region item covers."""
    heads = _headline_places(title, lang, context, gaz) if title and _HEAD_MARKS.search(title) else []
    if len(heads) == 1:
        return Found(heads[0], "headline_prefix", "high"), ()
    if len(heads) > 1:
        names = "、".join(gaz.divisions[c].name for c in heads)
        return Found.unknown(f"multi-region item ({names}): its own region is not one of them"), tuple(heads)
    return None, ()


def _inferred_jurisdiction(body: str, lang: str, opening_mentions: list[Mention], context: set, gaz: Gazetteer,
                           juris: Found) -> tuple[Found, list | None]:
    """At low confidence, the first place a news item's opening names, else the region content clues
    point to (``juris`` when they point to none); and the clues found (None when not looked for)."""
    # a news item's first place; a speech (which speaks of its place as 我区, 我县) goes to the clues
    code = None if _FIRST_PERSON.search(body) else _first_place(body, opening_mentions, context, gaz)
    if code:
        return Found(code, "lede_first_place", "low"), None
    hits = clue_hits(body)
    return _from_clues(body, hits, lang, gaz) or juris, hits


_HEAD_MARKS = re.compile(r"[：:【]")
_BRACKET_TAG = re.compile(r"^\s*(?:\[[^\]]{1,8}\]|【(?:视频|图文|组图|专题|直播|快讯|独家)】)\s*")
_HEAD_ZH = re.compile(r"(?:^|(?<=[\s，,；;。！!】\]]))(?:【(?P<b>[\u4e00-\u9fff]{2,12})】|(?P<p>[\u4e00-\u9fff]{2,12})\s*[：:])")


def _headline_places(title: str, lang: str, context: set, gaz: Gazetteer) -> list[str]:
    """Places that head a headline or its segments: 广东：…, 河南渑池：…, 【杭州】…; several for a
    multi-region item (河南：… 天津：…). A head that is not wholly a place name (央视快评：,
    财政部：, 普京：) is no place."""
    if lang != "zh":
        return []
    title = _BRACKET_TAG.sub("", title)
    out: list[str] = []
    for m in _HEAD_ZH.finditer(title):
        code = _place(m["b"] or m["p"], lang, context, gaz, whole=True)
        if code and not any(code == c or code in gaz.divisions[c].ancestors or c in gaz.divisions[code].ancestors
                            for c in out):
            out.append(code)
    return out


# a line break as literal start (not ``^`` with re.M, which is tried at every position)
_PARA_HEAD = re.compile(r"\n[ \t]*([\u4e00-\u9fff]{2,12})[ \t]*[：:]")


def _paragraph_heads(body: str, context: set, gaz: Gazetteer) -> list[str]:
    """Places that head paragraphs as "陕西石泉：…" (a bulletin that visits several places)."""
    out: list[str] = []
    for m in _PARA_HEAD.finditer("\n" + body):
        if m.group(1)[:2] not in gaz.zh_openings:
            continue
        code = _place(m.group(1), "zh", context, gaz, whole=True)
        if code and code not in out:
            out.append(code)
    return out


def _first_place(body: str, mentions: list, context: set, gaz: Gazetteer) -> str | None:
    """The first place the opening of a news item names (``mentions``: the body's place-name
    mentions in its first 150 characters): a full name, or a province's short name (广东, 内蒙古:
    never common words), with the names right after it (江西赣州 → 赣州市)."""
    for m in sorted(mentions, key=lambda m: m.start):
        if m.strong or any(gaz.divisions[c].level == "province" for c in m.codes):
            code = _place(body[m.start:m.start + 12], "zh", context, gaz, prefix_only=True)
            if code:
                return code
    return None


def _opening(body: str) -> str:
    """The first sentence of a text, up to 40 characters."""
    first = re.split(r"[，,。；;：:！!？?\n]", body.lstrip(), maxsplit=1)[0]
    return first[:40]


def _place(text: str, lang: str, context: set, gaz: Gazetteer, whole: bool = False,
           prefix_only: bool = False) -> str | None:
    """The place named by a short piece of text (a headline head, a dateline, a lede's opening):
    its names resolved together, short names counting as full ones here (the position says it is a
    place), the deepest of one chain. ``whole``: the text must be nothing but place names;
    ``prefix_only``: the names must open the text."""
    if not text:
        return None
    mentions = gaz.find_mentions(text, lang)
    if not mentions:
        return None
    if prefix_only:
        chain, pos = [], 0
        for m in sorted(mentions, key=lambda m: m.start):
            if m.start != pos:
                break
            chain.append(m)
            pos = m.start + len(m.surface)
        mentions = chain
        if not mentions:
            return None
    if whole and sum(len(m.surface) for m in mentions) != len(text.strip()):
        return None
    strong = [Mention(m.surface, m.start, m.codes, True) for m in mentions]
    explicit = {m.codes[0] for m in strong if len(m.codes) == 1} | context
    siblings = {a for c in explicit for a in gaz.divisions[c].ancestors} | explicit
    codes = []
    for m in strong:
        code = _resolve_one(m, explicit, siblings, gaz)
        if code is None:
            # no context decides: a headline's 河南 is the province, not 河南县 (the most prominent
            # level, when only one candidate is at it)
            top = min(LEVELS.index(gaz.divisions[c].level) for c in m.codes)
            at_top = [c for c in m.codes if LEVELS.index(gaz.divisions[c].level) == top]
            if len(at_top) != 1 or top == LEVELS.index("county"):
                return None
            code = at_top[0]
        codes.append(code)
    deepest = max(codes, key=lambda c: LEVELS.index(gaz.divisions[c].level))
    if all(c == deepest or c in gaz.divisions[deepest].ancestors for c in codes):
        return deepest
    return None


def _from_title(codes: list[str], gaz: Gazetteer) -> Found | None:
    if not codes:
        return None
    deepest = max(codes, key=lambda c: LEVELS.index(gaz.divisions[c].level))
    if all(c == deepest or c in gaz.divisions[deepest].ancestors for c in codes):
        return Found(deepest, "title", "high")
    return None


def _self_units(body: str, lang: str) -> Counter:
    if lang == "en":
        return Counter(_UNIT_EN[m.group(1).lower()] for m in _SELF_EN.finditer(body))
    return Counter(m.group(1) for m in _SELF_ZH.finditer(body))


def _from_self_reference(body: str, lang: str, counts: Counter, gaz: Gazetteer) -> Found:
    units = _self_units(body, lang)
    if not units:
        return Found.unknown("no region in the title and no self-reference (我区, 全县, our district …)")
    unit, _ = max(units.items(), key=lambda kv: (kv[1], -_UNIT_ORDER.index(kv[0])))  # ties: most local
    fitting = {c: n for c, n in counts.items() if gaz.divisions[c].name.endswith(unit)
               or (unit == "州" and gaz.divisions[c].name.endswith(("州", "地区", "盟")))}
    word = f"{'我' if lang == 'zh' else 'our '}{unit}"
    if not fitting:
        return Found.unknown(f"the text names its place only as {_self_example(unit, lang)}; no {unit}-level name is mentioned")
    ranked = sorted(fitting.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        names = "、".join(gaz.divisions[c].name for c, _ in ranked[:3])
        return Found.unknown(f"self-reference {word} fits several equally mentioned places ({names})")
    return Found(ranked[0][0], f"self_reference({unit})+most_mentioned", "medium")


def _self_example(unit: str, lang: str) -> str:
    return f"全{unit}/我{unit}" if lang == "zh" else f"'our {[k for k, v in _UNIT_EN.items() if v == unit][0]}'"


@functools.lru_cache(maxsize=1)
def _clue_automaton():
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick([c for c, _, _, _ in load_clues()])


def clue_hits(body: str) -> list[tuple[str, str, str, bool]]:
    """The clues of ``region_clues.csv`` found in a text, in table order (one scan for all)."""
    found = {i for i, _, _ in _clue_automaton().find_matches_as_indexes(body, overlapping=True)}
    return [clue for i, clue in enumerate(load_clues()) if i in found]


def _candidates(hits: list, counts: Counter, gaz: Gazetteer) -> tuple[str, ...]:
    # Unsupported short names (振兴, 合作, 资源 …) are common words: never candidates.
    out = [f"{gaz.full_name(c)} (mentioned {n}x)" for c, n in counts.most_common(5)]
    for clue, province, region, _ in hits:
        out.append(f"{region or province} (clue: {clue})")
    return tuple(out)


def _from_clues(body: str, found: list, lang: str, gaz: Gazetteer) -> Found | None:
    """The region that content clues point to, at low confidence, when nothing stronger exists: the
    provincial slogans and distinctive places of ``region_clues.csv`` (三高四新 → 湖南省; 矮寨 →
    吉首市), narrowed by the text's self-reference (全州: the 州 above those places; 全县: the 县).
    Clues that point to different provinces give nothing."""
    hits = [(clue, province, region) for clue, province, region, infer in found if infer]
    if not hits:
        return None
    provinces = {p for _, p, _ in hits}
    if len(provinces) != 1:
        return None
    province = gaz.lookup(provinces.pop())
    places = [c for _, _, r in hits if r for c in gaz.lookup(r)[:1]]
    units = _self_units(body, lang)
    names = "、".join(dict.fromkeys(c for c, _, _ in hits))
    if units and province:
        unit = max(units.items(), key=lambda kv: (kv[1], -_UNIT_ORDER.index(kv[0])))[0]
        pool = {a for c in places for a in (c, *gaz.divisions[c].ancestors)} or set(gaz.divisions)
        fitting = [c for c in pool if _fits_unit(gaz.divisions[c], unit) and gaz.divisions[c].province == province[0]]
        if len(fitting) == 1:
            return Found(fitting[0], f"clues({names})+self_reference({unit})", "low")
    if province:
        return Found(province[0], f"clues({names})", "low")
    return None


def _fits_unit(div: Division, unit: str) -> bool:
    if unit == "州":
        return div.level == "prefecture" and div.name.endswith(("州", "地区", "盟"))
    if unit == "省":
        return div.level == "province"
    if unit == "市":
        return div.name.endswith("市") and div.level in ("prefecture", "county")
    return div.level == "county" and div.name.endswith(unit)
