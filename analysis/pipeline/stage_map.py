"""The generated parts of docs/architecture.md: the data flow and the stages' table, drawn from the
stage registry, and the rooms of the code, read from the import contracts in pyproject.toml.

``python -m analysis.pipeline.stage_map`` rewrites them in place (``make docs``); a test checks that
the page is current, so it cannot go stale.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from . import registry

_PACKAGE = Path(__file__).resolve().parent.parent
PAGE = _PACKAGE.parent / "docs" / "architecture.md"
MARKERS = {"flow": ("<!-- flow: generated -->", "<!-- /flow -->"),
           "stages": ("<!-- stages: generated -->", "<!-- /stages -->"),
           "rooms": ("<!-- rooms: generated -->", "<!-- /rooms -->")}


def flow() -> str:
    """A Mermaid diagram: the raw folder, each stage, and which stage's files each reads."""
    lines = ["```mermaid", "flowchart LR"]
    for stage in registry.stages():
        shape = f'{stage.name}["{stage.name}"]' if stage.in_figures else f'{stage.name}(["{stage.name}"])'
        lines.append(f"  {shape}")
        if stage.sources:
            lines.append(f"  raw[(raw texts)] --> {stage.name}")
        for upstream in stage.after:
            lines.append(f"  {upstream} --> {stage.name}")
        if stage.draw:
            lines.append(f"  {stage.name} -.-> outputs[[figures, tables, report]]")
    lines.append("```")
    return "\n".join(lines)


def _code(items) -> str:
    return ", ".join(f"`{i}`" for i in items) or "–"


def table() -> str:
    """One row per stage: what it reads and writes, its settings and files, and its command."""
    rows = ["| stage | reads | writes (in `<data>/<stage>/`) | settings | researcher files | computed in |",
            "|---|---|---|---|---|---|"]
    for s in registry.stages():
        reads = [*([f"raw texts (`{s.sources_setting}`)"] if s.sources else []), *(f"`{r}`" for r in s.reads)]
        settings = sorted(s.params)
        rows.append(f"| **{s.name}**{'' if s.in_figures else ' (on request)'} | {', '.join(reads)} | "
                    f"{_code(s.writes)} | {_code(settings)} | {_code((*s.files, *s.draw_files))} | `{s.module}` |")
    return "\n".join(rows)


def rooms(pyproject: Path | None = None) -> str:
    """The layers of the import contract, top to bottom, each package with its docstring's summary:
    a module imports only from the rooms below its own (a test runs the contract)."""
    from .config import tomllib

    contract = tomllib.loads((pyproject or _PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c["layers"] for c in contract["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    rows = ["| room (top: may import every room below) | what it holds |", "|---|---|"]
    for layer in layers:
        for module in (m.strip() for m in layer.split("|")):
            rows.append(f"| `{module}` | {_summary(module)} |")
    return "\n".join(rows)


def _summary(module: str) -> str:
    """The first line of a package's or module's docstring."""
    path = _PACKAGE.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split())


def commands() -> str:
    """The README's table of stage commands."""
    rows = ["| stage | command | what it does | writes |", "|---|---|---|---|"]
    for s in registry.stages():
        run = "on request" if not s.in_figures else "in `figures`"
        tables = [w for w in s.writes if w.endswith(".parquet")]
        shown = (tables if len(tables) <= 2 else [f"*.parquet ({len(tables)} tables)"]) + \
            [w for w in s.writes if not w.endswith(".parquet") and w != "summary.json"]
        rows.append(f"| {s.name} ({run}) | `python -m analysis {s.name}` | {s.help} | "
                    f"{', '.join(f'`data/{s.name}/{w}`' for w in shown)} |")
    return "\n".join(rows)


def excerpt(spec: str) -> str:
    """A file of the package (``analysis/x/y.py``), or one function of it (``analysis/x/y.py:name``,
    with its decorators), as it is now."""
    path, _, name = spec.partition(":")
    source = (_PACKAGE.parent / path).read_text(encoding="utf-8")
    if not name:
        return source.rstrip("\n")
    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return "\n".join(source.splitlines()[first - 1:node.end_lineno])


def _replace(page: str, start: str, end: str, text: str) -> str:
    before, rest = page.split(start + "\n", 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}\n{text}\n{end}{after}"


def render(page: str, parts: dict | None = None) -> str:
    """``page`` with every generated part (``parts``: marker name → text; by default the flow, the
    stages and the rooms) and every included file (``<!-- include: path[:function] -->``) replaced
    by its current text."""
    for name, text in (parts if parts is not None else {"flow": flow(), "stages": table(), "rooms": rooms()}).items():
        page = _replace(page, *MARKERS[name], text)
    for spec in re.findall(r"<!-- include: (\S+) -->", page):
        page = _replace(page, f"<!-- include: {spec} -->", "<!-- /include -->", f"```python\n{excerpt(spec)}\n```")
    return page


def render_readme(readme: str) -> str:
    return _replace(readme, "<!-- commands: generated -->", "<!-- /commands -->", commands())


README = _PACKAGE.parent / "README.md"

if __name__ == "__main__":
    PAGE.write_text(render(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    README.write_text(render_readme(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{PAGE} and the README's stage table regenerated from the stage registry")
