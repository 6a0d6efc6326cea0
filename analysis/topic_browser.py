"""A standalone HTML topic browser (no network): topics, top words re-ranked by relevance as λ moves,
and the most representative passages."""
from __future__ import annotations

import html
import json

import numpy as np


def browser_data(models: dict, topics, passages, lambdas=np.linspace(0, 1, 11), n: int = 15) -> dict:
    """What the browser shows, per language: ``models``: lang → fitted LdaTopics; ``topics`` and
    ``passages``: the stage's tables."""
    from .topics import relevance

    data = {}
    for lang, m in models.items():
        vocab = m.vocabulary_
        tf = np.maximum(m.term_frequency_, 1e-12)
        by_lambda = {}
        for lam in lambdas:
            rel = relevance(m.topic_term_, tf, float(lam))
            by_lambda[f"{lam:.1f}"] = [[[vocab[j], float(m.topic_term_[t, j])] for j in np.argsort(-rel[t], kind="stable")[:n]]
                                       for t in range(m.k)]
        sub = topics[topics["lang"] == lang]
        data[lang] = {"labels": [str(x) for x in sub.sort_values("topic")["label"]],
                      "shares": [float(x) for x in sub.sort_values("topic")["share"]],
                      "words": by_lambda,
                      "passages": [[[str(r.doc_id), float(r.proportion), str(r.text)] for r in
                                    passages[(passages["lang"] == lang) & (passages["topic"] == t)].itertuples()]
                                   for t in range(m.k)]}
    return data


def browser_html(data: dict, topics) -> str:
    """The offline page for :func:`browser_data`, with the labels of ``topics`` (the researcher's)."""
    data = {lang: {**d, "labels": [str(x) for x in topics[topics["lang"] == lang].sort_values("topic")["label"]]}
            for lang, d in data.items()}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>Topic browser</title>
<style>body{{font-family:"Noto Sans CJK SC","PingFang SC",sans-serif;margin:1.5em;color:#222}}
.t{{display:inline-block;margin:2px;padding:3px 8px;border:1px solid #ccc;border-radius:3px;cursor:pointer;font-size:13px}}
.t.on{{background:#0072B2;color:#fff}} .bar{{background:#0072B2;height:11px;display:inline-block;vertical-align:middle}}
td{{padding:2px 6px;font-size:13px}} .p{{font-size:13px;color:#444;border-left:3px solid #E69F00;padding-left:8px;margin:6px 0}}</style>
</head><body><h1>{html.escape("Topic browser")}</h1>
<p>Language <select id="lang"></select> &nbsp; relevance λ <input id="lam" type="range" min="0" max="1" step="0.1" value="0.6">
<span id="lv">0.6</span> (λ = 1: most probable words; λ = 0: most exclusive; Sievert & Shirley 2014)</p>
<div id="topics"></div><h2 id="title"></h2><table id="words"></table><h3>Most representative passages</h3><div id="pass"></div>
<script>
const D = {payload}; let lang = Object.keys(D)[0], topic = 0;
const esc = s => String(s).replace(/[&<>"]/g, c => ({{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}})[c]);
function draw() {{
  const d = D[lang], lam = (+document.getElementById("lam").value).toFixed(1);
  document.getElementById("lv").textContent = lam;
  document.getElementById("topics").innerHTML = d.labels.map((l, i) =>
    `<span class="t ${{i === topic ? "on" : ""}}" onclick="topic=${{i}};draw()">${{i}}: ${{esc(l)}} (${{(100 * d.shares[i]).toFixed(0)}}%)</span>`).join("");
  document.getElementById("title").textContent = `Topic ${{topic}}: ${{d.labels[topic]}}`;
  const w = d.words[lam][topic], top = Math.max(...w.map(x => x[1]));
  document.getElementById("words").innerHTML = w.map(x =>
    `<tr><td>${{esc(x[0])}}</td><td><span class="bar" style="width:${{(200 * x[1] / top).toFixed(0)}}px"></span> ${{x[1].toFixed(4)}}</td></tr>`).join("");
  document.getElementById("pass").innerHTML = d.passages[topic].map(p =>
    `<div class="p"><b>${{esc(p[0])}}</b> (${{(100 * p[1]).toFixed(0)}}%): ${{esc(p[2])}}</div>`).join("");
}}
const sel = document.getElementById("lang");
sel.innerHTML = Object.keys(D).map(l => `<option>${{l}}</option>`).join("");
sel.onchange = () => {{ lang = sel.value; topic = 0; draw(); }};
document.getElementById("lam").oninput = draw; if (Object.keys(D).length) draw();
</script></body></html>
"""
