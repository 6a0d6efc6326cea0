"""Real public texts from ../shared/corpora (skipped when absent)."""
import shutil

import pandas as pd
import pytest

from analysis.corpus.stage import build_corpus
from tests.conftest import with_corpus


@pytest.mark.corpora
def test_provincial_work_reports_province_and_date(cfg, corpora, tmp_path):
    src = corpora / "gwr_provincial_2025"
    meta = pd.read_csv(src / "metadata.csv")
    folder = tmp_path / "gwr"
    shutil.copytree(src / "texts", folder)
    docs = build_corpus(with_corpus(cfg, folder), progress=False).documents
    docs = docs.assign(file="texts/" + docs["source_file"]).merge(meta, on="file", suffixes=("", "_gold"))
    assert len(docs) == 31
    assert (docs["province"] == docs["province_gold"]).all(), docs.loc[docs["province"] != docs["province_gold"], ["file", "province"]]
    assert (docs["region_level"] == "province").all()
    gold = pd.to_datetime(docs["delivery_date"]).dt.date
    agree = (docs["meeting_date"] == gold).mean()
    assert agree >= 0.9, docs.loc[docs["meeting_date"] != gold, ["file", "meeting_date", "delivery_date"]]
    assert (docs["year"] == 2025).all() and (docs["lang"] == "zh").all()
