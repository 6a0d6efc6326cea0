"""A reference corpus (central texts: national Government Work Reports, central news, Party documents)
read as the corpus is, for the stages that compare the corpus with the centre (adoption, reuse).

The reference is any folder or table the corpus stage reads, named by a setting of tifa.toml
(``adoption.reference``, ``reuse.reference``), relative to tifa.toml's folder. Its documents are read
with the corpus stage's own folder reading (:class:`~analysis.corpus.stage.FolderReading`: the same
cleaning, furniture and duplicate removal), one per duplicate cluster."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

_YEAR_NAME = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")


def read_reference(folder: Path, reading, overrides: str, columns: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reference's documents (one per duplicate cluster), each with ``file_year`` (the year its
    file's name is, see :func:`year_in_name`), and the problems of reading it."""
    docs, problems, _ = reading.read(Path(folder), overrides, columns)
    docs = docs[docs["duplicate_of"].isna()]
    docs = docs.assign(file_year=docs["source_file"].map(lambda f: year_in_name(str(f))).astype("Int64"))
    return docs, problems


def year_in_name(name: str) -> int | None:
    """The one year a file's name holds (texts/2013.txt, gwr_2013_zh.txt: reports are saved by year),
    else None (no year, or two: 2013-2017.txt)."""
    found = _YEAR_NAME.findall(Path(name).stem)
    return int(found[0]) if len(found) == 1 else None
