"""The indicators a work report sets targets for: their ids, English names, the names reports give them,
and the units their values are stated in.

A name is a regular expression matched on the report's text. Where one name contains another
(城镇居民人均可支配收入 contains 居民人均可支配收入), the longer is tried first: the alternatives are
tried in this table's order at each position, and the whole table is one expression.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple


class Indicator(NamedTuple):
    id: str
    name: str        # English
    pattern: str     # the names reports give it (a regular expression)
    direction: str   # growth, decrease or level: what its number usually states


# most specific first: a name here is never a later name's prefix or part
INDICATORS = (
    Indicator("urban_income", "urban residents' per-capita disposable income",
              r"城镇(?:常住)?居民(?:人均)?可支配收入|城镇居民收入", "growth"),
    Indicator("rural_income", "rural residents' per-capita disposable income",
              r"农村(?:常住)?居民(?:人均)?可支配收入|农村居民收入|农民(?:人均)?(?:可支配)?收入", "growth"),
    Indicator("income", "residents' per-capita disposable income",
              r"(?:全体|全省|全市|全区|城乡)?(?:常住)?居民(?:人均)?(?:可支配)?收入", "growth"),
    Indicator("energy_intensity", "energy use per unit of GDP",
              r"单位(?:地区|国内)?(?:生产总值|GDP)能耗|能耗强度", "decrease"),
    Indicator("carbon_intensity", "CO2 emissions per unit of GDP",
              r"单位(?:地区|国内)?(?:生产总值|GDP)二氧化碳排放(?:量)?|(?:二氧化碳|碳)排放强度", "decrease"),
    Indicator("rd_intensity", "R&D spending (share of GDP or growth)",
              r"(?:全社会)?(?:研究与试验发展|研发|R&D)(?:经费)?(?:投入|支出)(?:强度)?|(?:全社会)?研发经费", "level"),
    Indicator("gdp", "GDP growth",
              r"(?:地区|全省|全市|全区|本省|全自治区)?生产总值|GDP|经济增长|经济增速", "growth"),
    Indicator("industry_value_added", "value added of industry above designated size",
              r"规模以上工业增加值|规上工业增加值|规模工业增加值|工业增加值", "growth"),
    Indicator("fixed_asset_investment", "fixed-asset investment",
              r"(?:全社会)?固定资产投资", "growth"),
    Indicator("retail_sales", "retail sales of consumer goods",
              r"社会消费品零售总额|社零总额", "growth"),
    Indicator("foreign_trade", "imports and exports",
              r"(?:外贸)?进出口(?:贸易)?(?:总额|总值)?|外贸(?:总额|总值)?(?=增长|下降|保持|实现|突破)", "growth"),
    Indicator("exports", "exports", r"出口(?:总额|总值)?", "growth"),
    Indicator("foreign_investment", "foreign direct investment used",
              r"实际(?:使用|利用)外资(?:金额)?", "growth"),
    Indicator("budget_revenue", "general public budget revenue",
              r"(?:地方)?一般公共预算收入|地方财政收入|财政收入", "growth"),
    Indicator("unemployment_surveyed", "surveyed urban unemployment rate", r"城镇调查失业率|调查失业率", "level"),
    Indicator("unemployment_registered", "registered urban unemployment rate", r"城镇登记失业率", "level"),
    Indicator("new_urban_jobs", "new urban jobs", r"城镇新增就业(?:人数)?|新增城镇就业", "level"),
    Indicator("cpi", "consumer prices", r"居民消费价格(?:指数)?(?:涨幅|上涨)?|CPI", "level"),
    Indicator("grain_output", "grain output", r"粮食(?:总)?产量|粮食生产", "level"),
)

BY_ID = {i.id: i for i in INDICATORS}


@functools.lru_cache(maxsize=1)
def indicator_pattern() -> re.Pattern:
    """One expression with a named group per indicator, in the table's order."""
    return re.compile("|".join(f"(?P<{i.id}>{i.pattern})" for i in INDICATORS))



#: units of mass that convert to one another (to 万吨, the statistical yearbooks' unit for grain)
MASS = {"万吨": 1.0, "亿斤": 5.0, "亿公斤": 10.0, "万亿斤": 50000.0, "亿吨": 10000.0}


def in_common_units(targets):
    """A copy of a targets table where an indicator stated in several units of mass (grain in 亿斤 by
    some reports, 万吨 by others) is in 万吨 throughout, outcomes too; other rows as they are."""
    out = targets.copy()
    for kind, g in out.groupby("indicator"):
        g = g[g["unit"] != ""]                 # targets without a number have no unit
        if g["unit"].nunique() < 2 or not g["unit"].isin(list(MASS)).all():
            continue
        factor = [MASS[u] for u in g["unit"]]   # plain floats: a string column's map stays a string column
        for col in ("low", "high", "stretch", *(["value"] if "value" in g else [])):
            out.loc[g.index, col] = g[col].astype(float) * factor
        out.loc[g.index, "unit"] = "万吨"
        mass = g["outcome_unit"].isin(list(MASS)).to_numpy(dtype=bool)
        if mass.any():
            outcome = g.loc[mass, "outcome_low"].astype(float) * [MASS[u] for u in g.loc[mass, "outcome_unit"]]
            out.loc[g.index[mass], "outcome_low"] = outcome
            out.loc[g.index[mass], "outcome_unit"] = "万吨"
    return out
