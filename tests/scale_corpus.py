"""A synthetic corpus at real-corpus scale for the figure checks (issue 17): every province-level
region × 56 quarters (2012Q3–2026Q2), one short news item each, with slogans and themes that come
and go, so that every figure has the shape a researcher's archive gives it."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

PROVINCES = ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
             "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
             "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区", "台湾省"]
SLOGANS = ["高质量发展", "稳中求进", "放管服", "腾笼换鸟", "乡村振兴", "营商环境", "双过半", "开门红", "新发展理念",
           "六稳六保", "招商引资", "一带一路"]
THEMES = [["项目", "投资", "开工", "建设", "重大工程"], ["企业", "产业", "制造业", "创新", "园区"],
          ["农业", "粮食", "农村", "农民", "种植"], ["消费", "市场", "零售", "旅游", "假日"],
          ["财政", "税收", "债券", "预算", "金融"], ["生态", "环境", "治理", "绿色", "河湖"],
          ["就业", "民生", "教育", "医疗", "养老"], ["外贸", "出口", "口岸", "开放", "跨境"]]


def quarters(start=(2012, 3), n=56) -> list[tuple[int, int]]:
    y, q = start
    out = []
    for _ in range(n):
        out.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def write_corpus(folder: Path, seed: int = 0, unknown_share: float = 0.3) -> Path:
    """One CSV of items (title, text, pub_date, region); ``unknown_share`` of them have no region
    (as most national news items do)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "items.csv"
    rows = []
    qs = quarters()
    for i, province in enumerate(PROVINCES):
        for j, (year, q) in enumerate(qs):
            theme = THEMES[(i + j // 8) % len(THEMES)]
            slogans = [SLOGANS[(i + k) % len(SLOGANS)] for k in range(2)] + [SLOGANS[j % len(SLOGANS)]]
            words = list(rng.choice(theme, 12)) + list(rng.choice(sum(THEMES, []), 6))
            sentences = [f"会议强调，要坚持{slogans[0]}，推动{words[0]}和{words[1]}工作。",
                         f"今年以来，全省{words[2]}{words[3]}持续向好，{slogans[1]}成效明显。",
                         f"下一步，要围绕{slogans[2]}，抓好{words[4]}、{words[5]}和{words[6]}。",
                         "".join(f"加快{w}建设，" for w in words[7:12]) + "确保完成全年目标任务。",
                         f"会议要求，各地各部门要把{words[12]}作为重点，统筹{words[13]}与{words[14]}。"]
            day = dt.date(year, 3 * q - 2, 1) + dt.timedelta(days=int(rng.integers(0, 80)))
            known = rng.random() >= unknown_share
            rows.append({"title": f"{province if known else '全省'}召开经济运行分析会", "text": "\n".join(sentences),
                         "pub_date": day.isoformat(), "region": province if known else ""})
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["title", "text", "pub_date", "region"])
        w.writeheader()
        w.writerows(rows)
    return path
