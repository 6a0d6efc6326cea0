"""Metadata accuracy (issue 13): provinces and dates against gold made from ../shared/corpora.

usage: python bench/eval_metadata.py [--out bench/RESULTS.md]

Gold, made here without the project's rules:
- CCTV regional news items: items whose headline (after "[视频]") opens with the name of one
  province followed by "：" (广东：…, 内蒙古：…; a county may follow the province, 河南渑池：…), the
  gold province being that one; items with two such heads are multi-region. Broadcast dates are the
  gold dates. Evaluated twice: as published (title and text) and body only (the text, without
  its title).
- Provincial Government Work Reports 2025: province and delivery date from the corpus's
  metadata.csv, the texts as published.
Precision = correct / values given; recall = correct / gold items.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPORA = ROOT.parent / "shared" / "corpora"

PROVINCES = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "河北": "河北省", "山西": "山西省",
    "辽宁": "辽宁省", "吉林": "吉林省", "黑龙江": "黑龙江省", "江苏": "江苏省", "浙江": "浙江省", "安徽": "安徽省",
    "福建": "福建省", "江西": "江西省", "山东": "山东省", "河南": "河南省", "湖北": "湖北省", "湖南": "湖南省",
    "广东": "广东省", "海南": "海南省", "四川": "四川省", "贵州": "贵州省", "云南": "云南省", "陕西": "陕西省",
    "甘肃": "甘肃省", "青海": "青海省", "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
    "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
}
_HEAD = re.compile(r"(?:^|(?<=[\s】]))([\u4e00-\u9fff]{2,8})[：:]")


def gold_province(title: str) -> list[str]:
    """Provinces heading a CCTV headline: the head is a province name, or a province name followed by
    at most four characters of a place below it."""
    title = re.sub(r"^\[视频\]", "", title).strip()
    out = []
    for m in _HEAD.finditer(title):
        head = m.group(1)
        for short, full in PROVINCES.items():
            if head in (short, full) or (head.startswith((short, full)) and len(head) - len(short) <= 4
                                         and not head.endswith(("各界", "各地", "多地", "人士", "网友"))):
                out.append(full)
                break
    return list(dict.fromkeys(out))


def _listed(value) -> list:
    return [] if value is None else list(value)


def score(pairs: list[tuple[str | None, str]]) -> tuple[float, float, int, int]:
    given = [(p, g) for p, g in pairs if p]
    correct = sum(p == g for p, g in given)
    return (correct / len(given) if given else float("nan"), correct / len(pairs) if pairs else float("nan"),
            len(given), len(pairs))


def main() -> None:
    import pandas as pd

    from analysis.pipeline.config import load_config
    from analysis.corpus.stage import build_corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = ap.parse_args()
    if not CORPORA.is_dir():
        sys.exit("../shared/corpora is absent: nothing to evaluate")
    work = Path(tempfile.mkdtemp(prefix="tifa-meta-"))
    from bench_results import cctv_items

    items = cctv_items(CORPORA)
    regional = [(i, gold_province(i["title"])) for i in items]
    single = [(i, g[0]) for i, g in regional if len(g) == 1]
    multi = [(i, g) for i, g in regional if len(g) > 1]
    cfg0 = load_config(ROOT / "tifa.toml")
    rows = []
    for mode in ("as published", "body only"):
        folder = work / mode.replace(" ", "_")
        (folder / "corpus").mkdir(parents=True)
        with open(folder / "corpus" / "items.jsonl", "w", encoding="utf-8") as fh:
            for n, (i, _) in enumerate(single + [(i, None) for i, _ in multi]):
                row = {"content": i["content"], "broadcast_date": i["broadcast_date"], "n": n}
                if mode == "as published":
                    row["title"] = i["title"]
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        cfg = cfg0.with_paths(corpus=folder / "corpus", data=folder / "data")
        start = time.perf_counter()
        docs = build_corpus(cfg, progress=False).documents
        seconds = time.perf_counter() - start
        docs = docs.assign(n=docs["doc_vars"].map(lambda v: int(json.loads(v)["n"]))).set_index("n").sort_index()
        pairs = [(docs.loc[n, "province"] if n in docs.index and pd.notna(docs.loc[n, "province"]) else None, g)
                 for n, (_, g) in enumerate(single)]
        p, r, k, total = score(pairs)
        rows.append(("CCTV regional items", mode, "province", p, r, k, total))
        base = len(single)
        marked = sum(1 for j, (_, g) in enumerate(multi)
                     if base + j in docs.index and pd.isna(docs.loc[base + j, "province"])
                     and all(any(c.startswith(p) for c in _listed(docs.loc[base + j, "covered_regions"])) for p in g))
        wrong_first = sum(1 for j, (_, g) in enumerate(multi) if base + j in docs.index
                          and pd.notna(docs.loc[base + j, "province"]) and docs.loc[base + j, "province"] == g[0])
        if mode == "as published":
            multi_line = (f"multi-region items ({len(multi)}): {marked} marked with all their provinces, "
                          f"{wrong_first} assigned to the first one")
        dates = [(str(docs.loc[n, "pub_date"]) if n in docs.index and pd.notna(docs.loc[n, "pub_date"]) else None,
                  i["broadcast_date"]) for n, (i, _) in enumerate(single)]
        p, r, k, total = score(dates)
        rows.append(("CCTV regional items", mode, "date (broadcast)", p, r, k, total))
        rows.append(("CCTV regional items", mode, f"seconds for {len(docs)} items", seconds, float("nan"), 0, 0))
    meta = pd.read_csv(CORPORA / "gwr_provincial_2025" / "metadata.csv")
    cfg = cfg0.with_paths(corpus=CORPORA / "gwr_provincial_2025" / "texts", data=work / "gwr" / "data")
    docs = build_corpus(cfg, progress=False).documents
    docs["file"] = "texts/" + docs["source_file"]
    merged = meta.merge(docs, left_on="file", right_on="file", how="left", suffixes=("_gold", ""))
    rows.append(("Provincial GWR 2025", "as published", "province",
                 *score([(p if pd.notna(p) else None, g) for p, g in zip(merged["province"], merged["province_gold"])])))
    dates = [(str(d) if pd.notna(d) else None, g) for d, g in zip(merged["meeting_date"], merged["delivery_date"])]
    rows.append(("Provincial GWR 2025", "as published", "date (delivery = meeting date)", *score(dates)))
    lines = [f"### Metadata accuracy (issue 13), {time.strftime('%Y-%m-%d')}", "",
             f"Command `python bench/eval_metadata.py`. Gold made from ../shared/corpora without the project's rules "
             f"(see the script): {len(single)} CCTV items whose headline opens with one province (of {len(items)} "
             f"items with text), and the 31 provincial Government Work Reports of 2025 with their metadata.csv. "
             f"{multi_line}.", "",
             "| corpus | input | field | precision | recall | values given | gold items |",
             "|:---|:---|:---|---:|---:|---:|---:|"]
    for corpus, mode, field, p, r, k, total in rows:
        if field.startswith("seconds"):
            lines.append(f"| {corpus} | {mode} | {field} | {p:.1f} s | | | |")
        else:
            lines.append(f"| {corpus} | {mode} | {field} | {p:.3f} | {r:.3f} | {k} | {total} |")
    from bench_results import publish
    publish(args.out, "### Metadata accuracy (issue 13)", "\n".join(lines))


if __name__ == "__main__":
    main()
