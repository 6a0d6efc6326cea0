"""Reading the token table (the tokens stage writes it: :mod:`analysis.text.stage`): whole, or
streamed in batches for the stages that read it. Apart from the stage's code, so that a change here
reruns the stages that read the table, not the segmentation."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..pipeline.config import Config
from ..pipeline.parquet_files import parquet_batches
from .declaration import STAGE


def table_path(cfg: Config) -> Path:
    """The token table of ``cfg``'s data folder; FileNotFoundError naming the command that makes it."""
    path = Path(cfg.paths.data) / STAGE.name / STAGE.writes[0]
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `python -m analysis tokens` first")
    return path


def load_tokens(cfg: Config | None = None, columns: list[str] | None = None, docs=None):
    """The token table as a DataFrame (one row per paragraph); with ``docs``, only the rows of those
    documents (the analysable ones, near-duplicates left out), read with a filter."""
    if cfg is None:
        from ..pipeline.config import load_config
        cfg = load_config()
    filters = [("doc_id", "in", docs["doc_id"].tolist())] if docs is not None else None
    return pd.read_parquet(table_path(cfg), columns=columns, filters=filters)


#: paragraphs per batch when the token table is streamed
TOKEN_BATCH = 20_000


def token_batches(cfg: Config, docs, columns: list[str]):
    """Batches of the token table's ``columns`` (doc_id first) for the paragraphs of ``docs`` (the
    analysable documents), in table order, each batch filtered by a lookup of its ids in the wanted
    ones (hashed once): the table is never held whole."""
    path = table_path(cfg)
    wanted = pd.Index(docs["doc_id"].astype(str).to_numpy(dtype=object))   # hashed once, not once a batch
    for batch in parquet_batches(path, batch_size=TOKEN_BATCH, columns=columns):
        ids = batch.column(0).to_pandas().astype(str).to_numpy(dtype=object)
        yield batch.filter(pa.array(wanted.get_indexer(ids) >= 0))


def token_rows(cfg: Config, docs, column: str = "tokens"):
    """(doc_id, tokens) of every paragraph of ``docs``, streamed: the token table as the keyword
    statistics read it."""
    for batch in token_batches(cfg, docs, ["doc_id", column]):
        yield from zip(batch.column(0).to_pylist(), batch.column(1).to_pylist())


def long_tokens(cfg: Config, docs, lang: str = "zh", min_chars: int = 4):
    """Batches of (doc_ids, tokens), a document's id for each token of at least ``min_chars``
    characters in the paragraphs of ``lang`` of ``docs``, streamed and filtered in Arrow: what slogan
    discovery needs, without holding the token table as Python strings (1.5 GB at 100,000 news items)."""
    for batch in token_batches(cfg, docs, ["doc_id", "lang", "tokens"]):
        batch = batch.filter(pc.equal(batch.column(1), lang))
        lists = batch.column(2)
        flat, parent = pc.list_flatten(lists), pc.list_parent_indices(lists)
        keep = pc.greater_equal(pc.utf8_length(flat), min_chars)
        yield pc.take(batch.column(0), parent.filter(keep)).to_pylist(), flat.filter(keep).to_pylist()
