"""The concordance page in a real browser (issue 30): headless Chromium (Debian's chromium package,
which `make test` installs where it can) lays the page out at 1,024 and 1,280 px, and a script in the
page measures it: the usual KWIC layout (left context right-aligned against the match, the match
centred and wrapped when long, the right context visible) and nothing wider than the window."""
import json
import re
import shutil
import subprocess

import pandas as pd
import pytest

from analysis.publishing.pages import concordance_html
from analysis.text.kwic import COLUMNS

pytestmark = pytest.mark.slow  # starts a browser

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")

MEASURE = """<script>
const out = [], W = window.innerWidth;
for (const tr of document.querySelectorAll("#b tr")) {
  const [l, m, r] = ["td.l", "td.m", "td.r"].map(c => tr.querySelector(c).getBoundingClientRect());
  const range = document.createRange();                 // where the left context's text ends
  range.selectNodeContents(tr.querySelector("td.l"));
  const span = range.getBoundingClientRect();
  out.push({left_gap: l.right - span.right, match_width: m.width, match_height: m.height,
            right_visible: Math.min(r.right, W) - r.left, right_start: r.left, page: W,
            table: document.querySelector("table").scrollWidth});
}
document.body.insertAdjacentHTML("beforeend", "<pre id='layout'>" + JSON.stringify(out) + "</pre>");
</script></body>"""


def layout(html: str, width: int, tmp_path) -> list[dict]:
    page = tmp_path / f"page{width}.html"
    page.write_text(html.replace("</body>", MEASURE), encoding="utf-8")
    dom = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / f'profile{width}'}", f"--window-size={width},900",
         "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120).stdout
    found = re.search(r"<pre id=\"layout\">(.*?)</pre>", dom, re.S)
    assert found, f"the page did not lay out: {dom[:300]}"
    return json.loads(found.group(1).replace("&quot;", '"'))


@pytest.mark.skipif(BROWSER is None, reason="no Chromium: `make test` installs Debian's chromium package where it can")
@pytest.mark.parametrize("width", [1024, 1280])
def test_the_concordance_page_keeps_the_kwic_layout_at_any_width(width, tmp_path):
    row = dict.fromkeys(COLUMNS, "")
    long = {**row, "slogan": "供给侧结构性改革", "doc_id": "001_report", "region": "浙江省", "quarter": "2022Q3",
            "lang": "en", "left": "In the first half of the year the city worked hard on " * 4,
            "match": "supply-side structural reform of the real economy and the high-quality development "
                     "of the manufacturing sector",
            "right": " and on stabilising growth, employment and prices across the region " * 4}
    short = {**row, "slogan": "稳中求进", "doc_id": "002_speech", "region": "湖南省", "quarter": "2021Q2", "lang": "zh",
             "left": "全市上下坚持" * 10, "match": "稳中求进", "right": "工作总基调" * 10}
    html = concordance_html(pd.DataFrame([long, short])[COLUMNS], "Slogan concordance", "test")
    rows = layout(html, width, tmp_path)
    assert len(rows) == 2
    for r in rows:
        assert r["table"] <= r["page"], "the table is wider than the window"
        assert r["right_visible"] >= 0.2 * r["page"], "the right context is pushed off the screen"
        assert r["match_width"] <= 0.2 * r["page"], "the match column takes the width of its longest match"
        assert abs(r["left_gap"]) <= 8, "the left context is not right-aligned against the match"
    assert rows[0]["match_height"] > 2 * rows[1]["match_height"], "a long match wraps onto several lines"
