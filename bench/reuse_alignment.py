"""Passage alignment (analysis.reuse.align): planted passages, unrelated reports, speed on the 31 provincial reports.

usage: python bench/reuse_alignment.py [--out /tmp/reuse_results.md] [--seed 1] [--per-doc 10]

Planted: passages of 20–400 characters (log-uniform) cut at random positions from four national reports
(1998, 2003, 2008, 2013) and put at random places into the 31 provincial reports of 2025, after edits a
provincial office would make: 全国→全省, 我国→我省, 国务院→省政府, 国家→我省 (each occurrence with
probability 0.7), each number changed with probability 0.5, and insertions or deletions of 1–3 characters
(on average 2 per 100 characters, Poisson). The reference corpus is the four reports. Recovered: the
planted passage's compared characters (not punctuation or whitespace) inside an aligned passage of the
right report whose reference span overlaps the truth. Unrelated: reports of distant years against each
other. Speed: the 31 provincial reports against the national reports of 2024 and 2025, 1 and 2 processes.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOURCES = ("1998", "2003", "2008", "2013")
LOCALISED = {"全国": "全省", "我国": "我省", "国务院": "省政府", "国家": "我省"}
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


def corpora_folder() -> Path:
    """../shared/corpora beside the repository, else $TIFA_SHARED (the shared folder or its corpora)."""
    import os

    here = ROOT.parent / "shared" / "corpora"
    shared = Path(os.environ.get("TIFA_SHARED", "/nonexistent"))
    return next((f for f in (here, shared / "corpora", shared) if (f / "gwr_national").is_dir()), here)


def national(corpora: Path, years) -> pd.DataFrame:
    return pd.DataFrame([{"ref_id": y, "text": (corpora / "gwr_national" / "texts" / f"{y}.txt").read_text(
        encoding="utf-8")} for y in years])


def provincial(corpora: Path) -> pd.DataFrame:
    meta = pd.read_csv(corpora / "gwr_provincial_2025" / "metadata.csv")
    return pd.DataFrame([{"doc_id": r.province, "text": (corpora / "gwr_provincial_2025" / r.file).read_text(
        encoding="utf-8")} for r in meta.sort_values("province").itertuples()])


def localise(passage: str, rng, indel_rate: float, pool: str) -> str:
    """A national passage as a province would edit it (see the module docstring)."""
    for national_word, local in LOCALISED.items():
        parts = passage.split(national_word)
        passage = parts[0] + "".join((local if rng.random() < 0.7 else national_word) + p for p in parts[1:])
    passage = _NUMBER.sub(lambda m: str(int(rng.integers(1, 1000))) if rng.random() < 0.5 else m.group(), passage)
    chars = list(passage)
    for _ in range(rng.poisson(indel_rate * len(chars) / 100)):
        at, size = int(rng.integers(0, len(chars) + 1)), int(rng.integers(1, 4))
        if rng.random() < 0.5:
            chars[at:at] = [pool[int(i)] for i in rng.integers(0, len(pool), size)]
        else:
            del chars[at:at + size]
    return "".join(chars)


def plant(hosts: pd.DataFrame, refs: pd.DataFrame, per_doc: int, seed: int, indel_rate: float = 2.0):
    """Documents with planted passages and the truth: one row per planted passage (doc_id, start, end,
    ref_id, ref_start, ref_end, chars) in the new documents' offsets."""
    rng = np.random.default_rng(seed)
    ref_text = dict(zip(refs["ref_id"], refs["text"]))
    docs, truth = [], []
    for host in hosts.itertuples():
        pool = re.sub(r"[^\u4e00-\u9fff]", "", host.text)
        cuts = np.sort(rng.choice(len(host.text), per_doc, replace=False))
        pieces, last, length = [], 0, 0
        for cut in cuts:
            pieces.append(host.text[last:cut])
            length += cut - last
            last = cut
            ref_id = SOURCES[int(rng.integers(len(SOURCES)))]
            size = int(np.exp(rng.uniform(np.log(20), np.log(400))))
            r0 = int(rng.integers(0, len(ref_text[ref_id]) - size))
            planted = localise(ref_text[ref_id][r0:r0 + size], rng, indel_rate, pool)
            truth.append((host.doc_id, length, length + len(planted), ref_id, r0, r0 + size, size))
            pieces.append(planted)
            length += len(planted)
        pieces.append(host.text[last:])
        docs.append((host.doc_id, "".join(pieces)))
    docs = pd.DataFrame(docs, columns=["doc_id", "text"])
    truth = pd.DataFrame(truth, columns=["doc_id", "start", "end", "ref_id", "ref_start", "ref_end", "size"])
    return docs, truth


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A span without its leading and trailing whitespace and punctuation (a passage never has them)."""
    from analysis.reuse.align import matchable

    where = matchable(text[start:end]).where
    return (start + int(where[0]), start + int(where[-1]) + 1) if len(where) else (start, start)


def score_planted(found: pd.DataFrame, docs: pd.DataFrame, truth: pd.DataFrame, refs: pd.DataFrame,
                  baseline: pd.DataFrame) -> dict:
    """Recovery of planted characters, edge errors of the best passage of each planted one (and whether
    the planted passage's first and last 5 compared characters were left unedited), and the passages
    outside every planted one, each marked when the host without its planted passages already has it
    (``baseline``: the hosts aligned before planting)."""
    from analysis.reuse.align import matchable

    text = dict(zip(docs["doc_id"], docs["text"]))
    ref_text = dict(zip(refs["ref_id"], refs["text"]))
    by_doc = {k: g for k, g in found.groupby("doc_id")}
    rows = []
    for t in truth.itertuples():
        doc = text[t.doc_id]
        counted = np.zeros(t.end - t.start, dtype=bool)
        counted[matchable(doc[t.start:t.end]).where] = True
        g = by_doc.get(t.doc_id, found.iloc[:0])
        right = g[(g["ref_id"] == t.ref_id) & (g["start"] < t.end) & (g["end"] > t.start)
                  & (g["ref_start"] < t.ref_end) & (g["ref_end"] > t.ref_start)]
        covered = np.zeros(t.end - t.start, dtype=bool)
        for p in right.itertuples():
            covered[max(p.start, t.start) - t.start:min(p.end, t.end) - t.start] = True
        planted = matchable(doc[t.start:t.end]).text
        source = matchable(ref_text[t.ref_id][t.ref_start:t.ref_end]).text
        intact = planted[:5] == source[:5] and planted[-5:] == source[-5:]
        s, e = _trimmed(doc, t.start, t.end)
        rs, re_ = _trimmed(ref_text[t.ref_id], t.ref_start, t.ref_end)
        if len(right):
            best = right.assign(o=np.minimum(right["end"], t.end) - np.maximum(right["start"], t.start)).sort_values(
                ["o", "start"], ascending=[False, True]).iloc[0]
            edges = (abs(best.start - s), abs(best.end - e), abs(best.ref_start - rs), abs(best.ref_end - re_), len(right))
        else:
            edges = (np.nan,) * 4 + (0,)
        rows.append((t.size, int(counted.sum()), int((counted & covered).sum()), intact, *edges))
    per = pd.DataFrame(rows, columns=["size", "chars", "recovered", "intact", "d_start", "d_end", "d_ref_start",
                                      "d_ref_end", "pieces"])
    outside = []
    for p in found.itertuples():
        planted = truth[truth["doc_id"] == p.doc_id]
        if not ((planted["start"] < p.end) & (planted["end"] > p.start)).any():
            before = planted[planted["end"] <= p.start]
            shift = int((before["end"] - before["start"]).sum())       # back to the host's own offsets
            was = baseline[(baseline["doc_id"] == p.doc_id) & (baseline["ref_id"] == p.ref_id)
                           & (baseline["start"] < p.end - shift) & (baseline["end"] > p.start - shift)]
            outside.append((p.doc_id, p.ref_id, p.chars, p.similarity, len(was) > 0, text[p.doc_id][p.start:p.end]))
    outside = pd.DataFrame(outside, columns=["doc_id", "ref_id", "chars", "similarity", "in_host", "passage"])
    return {"per": per, "outside": outside}


def planted_summary(per: pd.DataFrame) -> dict:
    found = per["pieces"] > 0
    near = lambda col, k: float((per[col] <= k).mean())                      # noqa: E731 (a missed one counts as far)
    return {"passages": len(per), "recovered": per["recovered"].sum() / per["chars"].sum(),
            "found": float(found.mean()), "split": int((per["pieces"] > 1).sum()),
            "start3": near("d_start", 3), "end3": near("d_end", 3), "ref3": float(((per["d_ref_start"] <= 3)
                                                                                 & (per["d_ref_end"] <= 3)).mean()),
            "both3": float(((per["d_start"] <= 3) & (per["d_end"] <= 3)).mean()),
            "both10": float(((per["d_start"] <= 10) & (per["d_end"] <= 10)).mean()),
            "ref10": float(((per["d_ref_start"] <= 10) & (per["d_ref_end"] <= 10)).mean()),
            "intact": int(per["intact"].sum()),
            "intact3": float(((per["d_start"] <= 3) & (per["d_end"] <= 3))[per["intact"]].mean())}


def edit_rate(docs, truth, refs) -> float:
    """Levenshtein edits per 100 compared characters between planted passages and their sources."""
    from rapidfuzz.distance import Levenshtein

    from analysis.reuse.align import matchable

    text, ref_text = dict(zip(docs["doc_id"], docs["text"])), dict(zip(refs["ref_id"], refs["text"]))
    edits = chars = 0
    for t in truth.itertuples():
        a = matchable(text[t.doc_id][t.start:t.end]).text
        b = matchable(ref_text[t.ref_id][t.ref_start:t.ref_end]).text
        edits += Levenshtein.distance(a, b)
        chars += len(b)
    return 100 * edits / chars


def planted_section(corpora: Path, args) -> list[str]:
    from analysis.reuse.align import AlignParams, align_corpus

    refs = national(corpora, SOURCES)
    hosts = provincial(corpora)
    baseline = align_corpus(hosts, refs, workers=2)
    lines = ["#### Planted passages", ""]
    results = {}
    for rate in (2.0, 5.0):
        docs, truth = plant(hosts, refs, args.per_doc, args.seed, indel_rate=rate)
        found = align_corpus(docs, refs, workers=2)
        results[rate] = (docs, truth, found, score_planted(found, docs, truth, refs, baseline))
    docs, truth, found, scored = results[2.0]
    per = scored["per"]
    lines += [f"{len(truth)} passages planted into the 31 provincial reports ({args.per_doc} each, seed {args.seed}), "
              f"{truth['size'].sum():,} characters cut from the national reports of {', '.join(SOURCES)}; "
              f"default parameters ({AlignParams()}). Edges: distance in characters between the aligned "
              "passage that covers most of a planted one and the planted span without its leading and trailing "
              "punctuation; \"edges unedited\": planted passages whose first and last 5 compared characters "
              "escaped the edits.", "",
              "| indels per 100 chars | edits per 100 compared chars (measured) | planted chars recovered | "
              "passages found | split in 2+ | start and end within 3 chars | within 10 | ref start and end within 3 "
              "| within 10 | edges unedited: within 3 | passages outside planted (chars) | of them already in the "
              "host |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for rate, (d, t, f, s) in results.items():
        m, out = planted_summary(s["per"]), s["outside"]
        n = m["passages"]
        lines.append(f"| {rate:g} | {edit_rate(d, t, refs):.1f} | {m['recovered']:.3f} | {m['found']:.3f} | "
                     f"{m['split']} | {m['both3'] * n:.0f} of {n} ({m['both3']:.3f}) | {m['both10']:.3f} | "
                     f"{m['ref3'] * n:.0f} ({m['ref3']:.3f}) | {m['ref10']:.3f} | {m['intact3']:.3f} of "
                     f"{m['intact']} | {len(out)} ({out['chars'].sum()}) | {int(out['in_host'].sum())} |")
    lines += ["", "By planted length (2 indels per 100 characters):", "",
              "| planted length | passages | chars recovered | found | start and end within 3 | ref span within 3 |",
              "|---|---:|---:|---:|---:|---:|"]
    bins = pd.cut(per["size"], [19, 30, 50, 100, 200, 400], labels=["20–30", "31–50", "51–100", "101–200", "201–400"])
    for label, g in per.groupby(bins, observed=True):
        m = planted_summary(g)
        lines.append(f"| {label} | {len(g)} | {m['recovered']:.3f} | {m['found']:.3f} | {m['both3']:.3f} | {m['ref3']:.3f} |")
    misses = per[per["recovered"] < per["chars"] * 0.9].sort_values("size")
    lines += ["", f"Planted passages with under 90% of their characters recovered: {len(misses)} "
              f"(lengths {', '.join(map(str, misses['size'].tolist()[:15]))}{'…' if len(misses) > 15 else ''})."]
    outside = scored["outside"]
    new = outside[~outside["in_host"]]
    lines += ["", f"Passages outside the planted ones: {len(outside)}, of which {len(outside) - len(new)} are found "
                  f"in the same place when the hosts are aligned before planting ({len(baseline)} passages: "
                  "the 2025 provincial reports do repeat older national wording); the other "
                  f"{len(new)} are listed first:", "",
              "| province | report | chars | similarity | in the host before planting | passage |",
              "|---|---|---:|---:|---|---|"]
    shown = pd.concat([new.sort_values(["chars", "doc_id"], ascending=[False, True]),
                       outside[outside["in_host"]].sort_values(["chars", "doc_id"], ascending=[False, True])])
    for r in shown.head(max(12, len(new))).itertuples():
        lines.append(f"| {r.doc_id} | {r.ref_id} | {r.chars} | {r.similarity:.2f} | {'yes' if r.in_host else 'no'} | "
                     f"{_cell(r.passage)} |")
    recovered = []
    for seed in range(2, 11):
        d, t = plant(hosts, refs, args.per_doc, seed)
        recovered.append(planted_summary(score_planted(align_corpus(d, refs, workers=2), d, t, refs, baseline)["per"]))
    lines += ["", f"Nine more plantings (seeds 2–10, 2 indels per 100 characters): planted characters recovered "
                  f"{min(m['recovered'] for m in recovered):.3f}–{max(m['recovered'] for m in recovered):.3f}, "
                  f"start and end within 3 characters {min(m['both3'] for m in recovered):.3f}–"
                  f"{max(m['both3'] for m in recovered):.3f}.", ""]
    lines += parameter_grid(results[2.0][:2], refs, hosts)
    return lines


def parameter_grid(planted, refs, hosts) -> list[str]:
    """Recovery and passages outside the planted ones for other n-gram lengths, minimum lengths and gaps
    (the hosts before planting aligned with the same parameters)."""
    from analysis.reuse.align import align_corpus

    docs, truth = planted
    lines = ["Other parameters (2 indels per 100 characters; the default row in bold):", "",
             "| ngram | min_chars | gap | min_similarity | chars recovered | found | found, 20–30 chars | "
             "start and end within 3 | outside planted | their chars | not in the host before planting |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    grid = [(8, 16, 12, 0.8), (6, 16, 12, 0.8), (10, 16, 12, 0.8), (12, 16, 12, 0.8), (8, 12, 12, 0.8),
            (8, 20, 12, 0.8), (8, 30, 12, 0.8), (8, 16, 4, 0.8), (8, 16, 24, 0.8), (8, 16, 12, 0.7),
            (8, 16, 12, 0.9)]
    for n, mc, gap, sim in grid:
        rules = dict(ngram=n, min_chars=mc, gap=gap, min_similarity=sim)
        found = align_corpus(docs, refs, workers=2, **rules)
        s = score_planted(found, docs, truth, refs, align_corpus(hosts, refs, workers=2, **rules))
        short = s["per"][s["per"]["size"] <= 30]
        m = planted_summary(s["per"])
        cells = [str(n), str(mc), str(gap), f"{sim:g}", f"{m['recovered']:.3f}", f"{m['found']:.3f}",
                 f"{(short['pieces'] > 0).mean():.3f}", f"{m['both3']:.3f}", str(len(s["outside"])), str(s["outside"]["chars"].sum()),
                 str(int((~s["outside"]["in_host"]).sum()))]
        if (n, mc, gap, sim) == grid[0]:
            cells = [f"**{c}**" for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _cell(text: str, width: int = 60) -> str:
    text = text.replace("\n", "⏎").replace("|", "｜")
    return text if len(text) <= width else text[:width] + "…"


def unrelated_section(corpora: Path) -> list[str]:
    """Reports of distant years against each other: what is shared is the genre's fixed wording."""
    from analysis.reuse.align import align_corpus, reused_share

    lines = ["#### Unrelated texts of the same genre", "",
             "| documents | reference | passages | reused share (mean) | max | longest passage (chars) |",
             "|---|---|---:|---:|---:|---:|"]
    shown = []
    nat = national(corpora, ["1980", "1990", "2000", "2010", "2024", "2025"]).rename(columns={"ref_id": "doc_id"})
    prov = provincial(corpora)
    designs = [("national 1990", nat[nat.doc_id == "1990"], "2025"), ("national 2025", nat[nat.doc_id == "2025"], "1990"),
               ("national 1980", nat[nat.doc_id == "1980"], "2025"), ("national 2000", nat[nat.doc_id == "2000"], "2025"),
               ("national 2010", nat[nat.doc_id == "2010"], "2025"), ("31 provincial 2025", prov, "1990"),
               ("31 provincial 2025", prov, "2000"), ("national 2024 (adjacent year, for contrast)",
                                                     nat[nat.doc_id == "2024"], "2025")]
    for name, docs, ref in designs:
        refs = nat[nat.doc_id == ref]
        found = align_corpus(docs, refs, workers=2)
        share = reused_share(found, docs)
        longest = int(found["chars"].max()) if len(found) else 0
        lines.append(f"| {name} | national {ref} | {len(found)} | {share['share'].mean():.4f} | "
                     f"{share['share'].max():.4f} | {longest} |")
        if (name, ref) in (("national 1990", "2025"), ("national 2010", "2025"), ("31 provincial 2025", "1990"),
                           ("31 provincial 2025", "2000")):
            text = dict(zip(docs["doc_id"], docs["text"]))
            shown.append((name, ref, [text[r.doc_id][r.start:r.end] for r in found.itertuples()]))
    for name, ref, passages in shown:
        counts = pd.Series(passages, dtype=object).str.replace("\n", "⏎").value_counts()
        lines += ["", f"{name} against national {ref}: the {min(len(counts), 12)} most frequent of "
                      f"{len(passages)} aligned passages ({counts.size} distinct):", ""]
        lines += [f"- {_cell(p, 80)} ({n}×)" for p, n in counts.sort_index().sort_values(
            ascending=False, kind="stable").head(12).items()]
    return lines


def speed_section(corpora: Path) -> list[str]:
    """The natural design: the 31 provincial reports against the national reports of 2024 and 2025."""
    from analysis.reuse.align import align_corpus, reused_share

    prov, refs = provincial(corpora), national(corpora, ["2024", "2025"])
    times, outputs = {}, {}
    for workers in (1, 2, 1, 2, 1, 2):
        t0 = time.perf_counter()
        outputs[workers] = align_corpus(prov, refs, workers=workers)
        times.setdefault(workers, []).append(time.perf_counter() - t0)
    same = outputs[1].equals(outputs[2])
    found = outputs[2]
    chars = sum(len(t) for t in prov["text"])
    lines = ["#### Speed and the provincial reports of 2025", "",
             f"31 provincial reports ({chars:,} characters) against the national reports of 2024 and 2025: "
             f"{len(found)} passages; wall time (best of 3, pool start included) "
             f"{min(times[1]):.2f} s on 1 process, {min(times[2]):.2f} s on 2 (target: under 60 s); "
             f"output identical on 1 and 2 processes: {same}.", ""]
    for year in ("2025", "2024"):
        share = reused_share(found[found["ref_id"] == year], prov).sort_values(["share", "doc_id"],
                                                                               ascending=[False, True])
        longest = found[found["ref_id"] == year].groupby("doc_id")["chars"].max()
        lines += [f"Share of each provincial report in passages aligned with the national report of {year}: "
                  f"median {share['share'].median():.3f}, range {share['share'].min():.3f}–{share['share'].max():.3f}.",
                  "", "| rank | province | share | chars reused | chars | longest passage |", "|---|---|---:|---:|---:|---:|"]
        picks = pd.concat([share.head(5).assign(rank=[f"top {i}" for i in range(1, 6)]),
                           share.tail(5).assign(rank=[f"bottom {i}" for i in range(5, 0, -1)])])
        for r in picks.itertuples():
            lines.append(f"| {r.rank} | {r.doc_id} | {r.share:.3f} | {r.chars_reused} | {r.chars} | "
                         f"{int(longest.get(r.doc_id, 0))} |")
        lines.append("")
    both = reused_share(found, prov)
    lines.append(f"Against both reports together: median share {both['share'].median():.3f}; the 2025 report "
                 f"covers more than the 2024 one in {int((both['ref_id'] == '2025').sum())} of 31 provinces.")
    lines += ["", *shared_stretches(found[found["ref_id"] == "2025"], refs.set_index("ref_id").at["2025", "text"])]
    every = national(corpora, sorted(p.stem for p in (corpora / "gwr_national" / "texts").glob("*.txt")))
    times = {}
    for workers in (1, 2, 1, 2):
        t0 = time.perf_counter()
        all_found = align_corpus(prov, every, workers=workers)
        times.setdefault(workers, []).append(time.perf_counter() - t0)
    closest = reused_share(all_found, prov)["ref_id"].value_counts()
    lines += ["", f"A larger design for scale: the 31 provincial reports against all {len(every)} national reports "
                  f"({sum(len(t) for t in every['text']):,} characters): {len(all_found):,} passages in "
                  f"{min(times[1]):.2f} s on 1 process, {min(times[2]):.2f} s on 2 (best of 2). The report that covers "
                  f"most of each province: " + ", ".join(f"{y} ({n})" for y, n in closest.items()) + "."]
    return lines


def shared_stretches(found: pd.DataFrame, ref: str, top: int = 6) -> list[str]:
    """The stretches of the national report that the most provinces repeat: per reference character,
    the number of provinces with a passage over it; stretches where at least 10 do."""
    count = np.zeros(len(ref) + 1, dtype=np.int64)
    for _, g in found.groupby("doc_id"):
        covered = np.zeros(len(ref) + 1, dtype=np.int64)
        np.add.at(covered, g["ref_start"].to_numpy(), 1)
        np.add.at(covered, g["ref_end"].to_numpy(), -1)
        count += np.cumsum(covered) > 0
    many = np.r_[False, count[:-1] >= 10, False]
    edges = np.flatnonzero(many[1:] != many[:-1])
    spans = sorted(((int(count[a:b].max()), b - a, a, b) for a, b in zip(edges[::2], edges[1::2])), reverse=True)
    lines = ["Stretches of the 2025 national report repeated by at least 10 provinces (most provinces first):", "",
             "| provinces (max) | chars | stretch of the national report |", "|---:|---:|---|"]
    for most, size, a, b in spans[:top]:
        lines.append(f"| {most} | {size} | {_cell(ref[a:b], 90)} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/reuse_results.md"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-doc", type=int, default=10)
    args = ap.parse_args()
    corpora = corpora_folder()
    if not (corpora / "gwr_national").is_dir():
        sys.exit("../shared/corpora is absent: nothing to benchmark")
    t0 = time.perf_counter()
    lines = [f"### Passage alignment (text reuse), {time.strftime('%Y-%m-%d')}", "",
             "Command `python bench/reuse_alignment.py`; 2 cores.", ""]
    lines += planted_section(corpora, args) + [""] + unrelated_section(corpora) + [""] + speed_section(corpora)
    lines += ["", f"(whole benchmark {time.perf_counter() - t0:.0f} s)"]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
