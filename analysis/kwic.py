"""Keyword in context: every occurrence with its left and right context, as a table and a page."""
from __future__ import annotations

import html
import json

import pandas as pd

COLUMNS = ["slogan", "doc_id", "region", "quarter", "lang", "left", "match", "right"]


def concordance(docs: pd.DataFrame, texts: dict[str, str], matcher, rule: str = "all",
                context: int = 30) -> pd.DataFrame:
    """One row per occurrence: slogan, document, region, quarter, left context, match, right context."""
    meta = docs.set_index("doc_id")
    rows = []
    for doc_id in sorted(texts):
        text = texts[doc_id]
        lang = meta.at[doc_id, "lang"]
        region = meta.at[doc_id, "region"]
        quarter = meta.at[doc_id, "quarter"]
        for o in matcher.occurrences(text, lang, rule):
            rows.append((o.concept, doc_id, "unknown" if pd.isna(region) else region,
                         "unknown" if pd.isna(quarter) else quarter, lang,
                         _flat(text[max(0, o.start - context):o.start]), text[o.start:o.end],
                         _flat(text[o.end:o.end + context])))
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["slogan", "doc_id"], kind="stable").reset_index(drop=True)


def _flat(s: str) -> str:
    return s.replace("\n", " ")


def concordance_html(table: pd.DataFrame, title: str, note: str) -> str:
    """A self-contained page: the concordance with a filter box (no network, no external files)."""
    data = json.dumps(table[COLUMNS].values.tolist(), ensure_ascii=False).replace("</", "<\\/")
    slogans = sorted(table["slogan"].unique())
    options = "".join(f'<option value="{html.escape(s)}">{html.escape(s)}</option>' for s in slogans)
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body{{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}}
table{{border-collapse:collapse;width:100%;font-size:14px}} td,th{{padding:3px 6px;border-bottom:1px solid #ddd;vertical-align:top}}
th{{text-align:left;background:#f4f4f4;position:sticky;top:0}} td.l{{text-align:right;color:#555}} td.r{{color:#555}}
td.m{{font-weight:bold;color:#0072B2;white-space:nowrap}} .meta{{color:#777;font-size:12px;white-space:nowrap}}
input,select{{font-size:14px;padding:3px;margin-right:8px}}
</style></head><body>
<h1>{html.escape(title)}</h1><p>{html.escape(note)}</p>
<p><select id="s"><option value="">all slogans ({len(slogans)})</option>{options}</select>
<input id="q" placeholder="filter: document, region, quarter or text" size="40"> <span id="n"></span></p>
<table><thead><tr><th>slogan</th><th>document</th><th>region</th><th>quarter</th><th class="l">left</th><th>match</th><th>right</th></tr></thead>
<tbody id="b"></tbody></table>
<script>
const rows = {data};
const esc = s => String(s).replace(/[&<>"]/g, c => ({{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}})[c]);
function draw() {{
  const s = document.getElementById("s").value, q = document.getElementById("q").value.toLowerCase();
  const keep = rows.filter(r => (!s || r[0] === s) && (!q || r.join(" ").toLowerCase().includes(q)));
  document.getElementById("n").textContent = keep.length + " of " + rows.length + " occurrences";
  document.getElementById("b").innerHTML = keep.slice(0, 5000).map(r =>
    `<tr><td>${{esc(r[0])}}</td><td class="meta">${{esc(r[1])}}</td><td class="meta">${{esc(r[2])}}</td><td class="meta">${{esc(r[3])}}</td>` +
    `<td class="l">${{esc(r[5])}}</td><td class="m">${{esc(r[6])}}</td><td class="r">${{esc(r[7])}}</td></tr>`).join("");
}}
document.getElementById("s").onchange = draw; document.getElementById("q").oninput = draw; draw();
</script></body></html>
"""
