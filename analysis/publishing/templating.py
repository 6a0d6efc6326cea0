"""Pages and prose from jinja2 templates (``analysis/publishing/templates``); HTML escaped by default.

Every value a template prints is HTML-escaped (``html.escape``: ``& < > " '``) unless it is marked
safe; data handed to a page's script goes through ``|script_json``, which writes every ``<`` as
``\u003c`` so that no text of a document can close the script. Templates are strict: a missing value is an error.
"""
from __future__ import annotations

import functools
import html
import json

from markupsafe import Markup


def _escaped(value):
    """Every printed value, escaped as the standard library does (so pages stay byte for byte)."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value)))


def _script_json(value) -> Markup:
    """JSON for a page's script: every ``<`` written ``\\u003c``, so no text can close the script or
    open a comment or another script inside it."""
    return Markup(json.dumps(value, ensure_ascii=False).replace("<", "\\u003c"))


def _inline_code(text) -> Markup:
    """Escaped text whose `backticks` become <code>."""
    out = html.escape(str(text))
    while out.count("`") >= 2:
        out = out.replace("`", "<code>", 1).replace("`", "</code>", 1)
    return Markup(out)


@functools.lru_cache(maxsize=1)
def environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("analysis.publishing", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, finalize=_escaped, keep_trailing_newline=True)
    env.filters["script_json"] = _script_json
    env.filters["inline_code"] = _inline_code
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


@functools.lru_cache(maxsize=1)
def text_environment():
    """Plain-text templates (the report's prose): nothing escaped here, block tags take their line."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("analysis.publishing", "templates"), autoescape=False,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def render_text(template: str, **context) -> str:
    return text_environment().get_template(template).render(**context)
