"""The manifest of outputs and the report (Markdown and a self-contained HTML page).

Both are made from the outputs themselves (figures, tables, stage summaries) and the configuration
actually used: nothing in them is typed by hand.
"""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import atomic
from .stages import file_digest

MANIFEST_COLUMNS = ["id", "kind", "file", "caption", "made_by", "inputs", "parameters", "sha256"]


def manifest(entries: list[dict], folder: Path) -> pd.DataFrame:
    """One row per output file: id, kind, file, caption, the function that made it, the input files
    and parameter hash it was made from, and its own hash."""
    rows = []
    for e in entries:
        for f in e["files"]:
            path = Path(folder) / f
            if path.exists():
                rows.append({"id": e["id"], "kind": e["kind"], "file": f, "caption": e["caption"],
                             "made_by": e["made_by"], "inputs": "; ".join(e["inputs"]), "parameters": e["parameters"],
                             "sha256": file_digest(path)})
    return pd.DataFrame(rows, columns=MANIFEST_COLUMNS).sort_values(["id", "file"], kind="stable").reset_index(drop=True)


# ---- a report is a list of blocks, rendered to Markdown and HTML -----------------------------------
@dataclass(frozen=True)
class Block:
    kind: str          # h1, h2, h3, p, figure, table, list
    content: object
    caption: str = ""


def render_markdown(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append("#" * int(b.kind[1]) + " " + str(b.content))
        elif b.kind == "p":
            out.append(str(b.content))
        elif b.kind == "list":
            out.append("\n".join(f"- {x}" for x in b.content))
        elif b.kind == "figure":
            out.append(f"![{b.caption}]({b.content})\n\n*{b.caption}*")
        elif b.kind == "table":
            frame, name = b.content
            out.append(f"*{b.caption}*\n\n" + _md_table(frame) + (f"\n\nFull table: `{name}`" if name else ""))
        out.append("")
    return "\n".join(out)


def _md_table(frame: pd.DataFrame) -> str:
    from .export import to_markdown

    return to_markdown(frame).rstrip("\n")


def render_html(blocks: list[Block], folder: Path, title: str) -> str:
    parts = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            parts.append(f"<{b.kind}>{html.escape(str(b.content))}</{b.kind}>")
        elif b.kind == "p":
            parts.append(f"<p>{_inline(str(b.content))}</p>")
        elif b.kind == "list":
            parts.append("<ul>" + "".join(f"<li>{_inline(str(x))}</li>" for x in b.content) + "</ul>")
        elif b.kind == "figure":
            data = base64.b64encode((Path(folder) / str(b.content)).read_bytes()).decode()
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b.caption)}">'
                         f"<figcaption>{html.escape(b.caption)}</figcaption></figure>")
        elif b.kind == "table":
            frame, name = b.content
            parts.append(f"<p class='cap'>{html.escape(b.caption)}</p>" + _html_table(frame)
                         + (f"<p class='note'>Full table: <code>{html.escape(name)}</code></p>" if name else ""))
    style = ("body{font-family:'Noto Sans CJK SC','PingFang SC',Georgia,serif;max-width:60em;margin:2em auto;"
             "padding:0 1em;color:#222;line-height:1.5}img{max-width:100%}figure{margin:1.5em 0}"
             "figcaption,.cap{font-size:0.9em;color:#444;font-style:italic}table{border-collapse:collapse;"
             "font-size:0.85em;margin:0.5em 0}td,th{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}"
             "th{border-bottom:2px solid #444}.note{font-size:0.8em;color:#666}code{font-size:0.9em}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")


def _inline(text: str) -> str:
    out = html.escape(text)
    while "`" in out and out.count("`") >= 2:
        out = out.replace("`", "<code>", 1).replace("`", "</code>", 1)
    return out


def _html_table(frame: pd.DataFrame) -> str:
    from .export import _cell

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v, 3))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(blocks: list[Block], folder: Path, title: str) -> list[Path]:
    folder = Path(folder)
    return [atomic.write_text(folder / "report.md", render_markdown(blocks)),
            atomic.write_text(folder / "report.html", render_html(blocks, folder, title))]
