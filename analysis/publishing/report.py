"""The manifest of outputs and the report (Markdown and a self-contained HTML page).

Both are made from the outputs themselves (figures, tables, stage summaries) and the configuration
actually used: nothing in them is typed by hand.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..pipeline import atomic
from ..pipeline.cache import file_digest

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


def parse_blocks(script: str, caption: dict, table) -> list[Block]:
    """The blocks of a report script (what templates/report.md.j2 renders): "# "/"## " headings,
    paragraphs (lines joined by a space), "- " list items (indented lines continue them), and
    "@figure NAME" / "@table NAME [rows=N] [cols=a,b] [sort=-column] [where=column=value]" with the
    catalog's ``caption`` (or the text after "|"); ``table(name, rows, cols, sort, where)`` reads a table."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush():
        if para:
            blocks.append(Block("p", " ".join(para)))
            para.clear()
        if items:
            blocks.append(Block("list", list(items)))
            items.clear()

    for line in script.splitlines():
        if line.startswith("  ") and items and line.strip():
            items[-1] += " " + line.strip()
            continue
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            level, _, text = line.partition(" ")
            blocks.append(Block(f"h{len(level)}", text))
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:])
        elif line == "@contents":
            flush()
            blocks.append(Block("contents", []))
        elif line.startswith("@"):
            flush()
            directive, _, own_caption = (x.strip() for x in line.partition("|"))
            kind, name, *options = directive[1:].split()
            opts = dict(o.split("=", 1) for o in options)
            text = own_caption or caption[name]
            if kind == "figure":
                blocks.append(Block("figure", f"{name}.png", text))
            else:
                frame = table(name, int(opts["rows"]) if "rows" in opts else None,
                              opts["cols"].split(",") if "cols" in opts else None, opts.get("sort"), opts.get("where"))
                blocks.append(Block("table", (frame, f"{name}.csv"), text))
        else:
            if items:
                flush()
            para.append(line)
    flush()
    headings = [b.content for b in blocks if b.kind == "h2"]
    return [Block("contents", headings) if b.kind == "contents" else b for b in blocks]


def anchor(heading: str) -> str:
    """The anchor GitHub and the HTML page give a heading: lower case, spaces to '-', other
    punctuation dropped (Chinese characters kept)."""
    import re

    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def render_markdown(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append("#" * int(b.kind[1]) + " " + str(b.content))
        elif b.kind == "p":
            out.append(str(b.content))
        elif b.kind == "list":
            out.append("\n".join(f"- {x}" for x in b.content))
        elif b.kind == "contents":
            out.append("\n".join(f"- [{h}](#{anchor(h)})" for h in b.content))
        elif b.kind == "figure":
            out.append(f"![{b.caption}]({b.content})\n\n*{b.caption}*")
        elif b.kind == "table":
            frame, name = b.content
            out.append(f"*{b.caption}*\n\n" + _md_table(frame) + (_full(frame, name) if name else ""))
        out.append("")
    return "\n".join(out)


def _full(frame: pd.DataFrame, name: str) -> str:
    total = frame.attrs.get("total_rows", len(frame))
    if total > len(frame):
        return f"\n\nThe first {len(frame)} of {total:,} rows; the full table: [{name}]({name})"
    return f"\n\nAs a table: [{name}]({name})"


def _md_table(frame: pd.DataFrame) -> str:
    from .export import to_markdown

    return to_markdown(frame).rstrip("\n")


def render_html(blocks: list[Block], folder: Path, title: str) -> str:
    """The report as one self-contained page (templates/report.html.j2; figures embedded)."""
    from .export import _cell
    from .templating import render

    shown = []
    for b in blocks:
        if b.kind == "figure":
            data = base64.b64encode((Path(folder) / str(b.content)).read_bytes()).decode()
            shown.append({"kind": "figure", "data": data, "caption": b.caption})
        elif b.kind == "table":
            frame, name = b.content
            shown.append({"kind": "table", "caption": b.caption, "name": name, "head": [str(c) for c in frame.columns],
                          "total": int(frame.attrs.get("total_rows", len(frame))),
                          "rows": [[_cell(v, 3) for v in row] for row in frame.itertuples(index=False)]})
        elif b.kind == "contents":
            shown.append({"kind": "contents", "content": [(h, anchor(h)) for h in b.content]})
        elif b.kind == "h2":
            shown.append({"kind": "h2", "content": b.content, "id": anchor(b.content)})
        else:
            shown.append({"kind": b.kind, "content": b.content})
    return render("report.html.j2", title=title, blocks=shown)


def write_report(blocks: list[Block], folder: Path, title: str) -> list[Path]:
    folder = Path(folder)
    return [atomic.write_text(folder / "report.md", render_markdown(blocks)),
            atomic.write_text(folder / "report.html", render_html(blocks, folder, title))]
