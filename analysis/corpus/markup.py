"""Texts saved with markup: HTML pages (saved as .html, .htm or .txt), Markdown files and RTF files.

Their markup would otherwise be counted as words (tags, ``&nbsp;``, scripts, ``**``, link syntax,
RTF control words). HTML is read with the standard library's HTML parser: the text of the page
without scripts, styles, navigation, headers, footers and forms, block elements on lines of their
own. Markdown keeps its text without heading marks, emphasis, link and image syntax and code fences.
RTF is refused with the remedy (save it as plain text): its control words cannot be read reliably
without an RTF reader.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

#: elements whose content is not the page's text
_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "form", "button", "select",
         "iframe", "svg", "head"}
#: elements that begin a line of their own
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
          "blockquote", "pre", "hr", "ul", "ol", "dd", "dt", "title", "td", "th", "main"}
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html\b|<head\b|<body\b|<meta\b|<div\b|<p\b|<table\b)", re.I)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


class _PageText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """A page saved as text: it opens with HTML, or tags are a large part of its first 5,000 characters."""
    head = text[:5000]
    if _HTML_START.search(head):
        return True
    tags = _TAG.findall(head)
    return len(tags) >= 10 and sum(map(len, tags)) >= 0.2 * len(head)


def html_text(text: str) -> str:
    """The text of an HTML page (see the module's docstring), one paragraph per line."""
    parser = _PageText()
    parser.feed(text)
    parser.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


_MD = [
    (re.compile(r"^```.*?$", re.M), ""),                         # code fences (their text is kept)
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),               # images: the alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),                # links: the link text
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),                 # heading marks
    (re.compile(r"^\s{0,3}>\s?", re.M), ""),                      # block quotes
    (re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.M), ""),            # list marks
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M), ""),             # rules
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),                     # strong
    (re.compile(r"(?<!\*)\*(?![\s*])([^*\n]+?)(?<!\s)\*(?!\*)"), r"\1"),   # emphasis
    (re.compile(r"`([^`]+)`"), r"\1"),                            # inline code
]


def markdown_text(text: str) -> str:
    """The text of a Markdown file without its markup (see the module's docstring)."""
    for pattern, repl in _MD:
        text = pattern.sub(repl, text)
    return html.unescape(text)


def is_rtf(text: str) -> bool:
    return text.lstrip().startswith("{\\rtf")
