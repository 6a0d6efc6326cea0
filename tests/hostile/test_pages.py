"""The HTML pages (report, concordance, topic browser) with hostile text in a document: everything
escaped, no script of the text's own, and the pages the same bytes as before they were templates."""
import pandas as pd

from analysis.text.kwic import COLUMNS
from analysis.publishing.pages import concordance_html
from analysis.publishing.report import Block, render_html
from analysis.publishing.pages import browser_html

HOSTILE = "</script><script>alert('x')</script><img src=x onerror=alert(1)> & \"q\""


def _scripts(page: str) -> int:
    return page.count("<script")


def test_the_concordance_page_escapes_a_hostile_document():
    rows = [["稳中求进", "doc" + HOSTILE, HOSTILE, "2022Q3", "zh", HOSTILE, "稳中求进", HOSTILE]]
    page = concordance_html(pd.DataFrame(rows, columns=COLUMNS), "Concordance " + HOSTILE, HOSTILE)
    assert _scripts(page) == 1 and page.count("</script>") == 1       # only the page's own script
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_topic_browser_escapes_labels_and_passages():
    data = {"zh": {"labels": [], "shares": [1.0], "words": {"0.6": [[[HOSTILE, 0.1]]]},
                   "passages": [[["d1", 0.5, HOSTILE]]]}}
    page = browser_html(data, pd.DataFrame({"lang": ["zh"], "topic": [0], "label": [HOSTILE]}))
    assert _scripts(page) == 1 and page.count("</script>") == 1
    assert "\\u003c/script>" in page                                   # data cannot close the script


def test_the_report_escapes_every_block(tmp_path):
    frame = pd.DataFrame({HOSTILE: [HOSTILE]})
    page = render_html([Block("h1", HOSTILE), Block("contents", [HOSTILE]), Block("h2", HOSTILE), Block("p", HOSTILE),
                        Block("list", [HOSTILE]), Block("table", (frame, HOSTILE), HOSTILE)], tmp_path, HOSTILE)
    assert _scripts(page) == 0 and "<img" not in page
    # once in each of: the title, h1, the contents entry, h2, p, the list item, the table's caption,
    # header and cell, the full table's link and its text
    assert page.count("&lt;script&gt;") == 11 and page.count("&lt;img") == 11
    assert 'href="#' in page and "javascript:" not in page
