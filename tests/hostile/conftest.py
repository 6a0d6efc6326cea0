"""Helpers for the hostile-input suite: a corpus folder written by the test, run through the CLI or
the corpus stage, with the outcome read back."""
from __future__ import annotations

import os

import pytest

from analysis.pipeline.config import load_config
from analysis.corpus.stage import build_corpus
from tests.conftest import ROOT

#: a paragraph of a real speech (seed 002), in Simplified characters
ZH = ("今年以来，面对复杂严峻的外部环境和超预期因素冲击，全市上下坚持稳中求进工作总基调，"
      "统筹疫情防控和经济社会发展，全力以赴冲刺双过半，经济运行总体平稳、稳中有进。\n"
      "上半年，全市地区生产总值同比增长百分之五点二，固定资产投资增长百分之八点六。\n")
ZH_TRADITIONAL = ("今年以來，面對複雜嚴峻的外部環境和超預期因素衝擊，全市上下堅持穩中求進工作總基調，"
                  "統籌疫情防控和經濟社會發展，全力以赴衝刺雙過半，經濟運行總體平穩、穩中有進。\n"
                  "上半年，全市地區生產總值同比增長百分之五點二，固定資產投資增長百分之八點六。\n")
EN = ("The region’s economy grew steadily in the first half, and the “double over half” targets were met. "
      "Officials called for steady progress — and for café owners’ confidence to return.\n")

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def corpus_of(tmp_path, files: dict, **config) -> tuple:
    """Write ``files`` (name → bytes or str) into a corpus folder and build the corpus."""
    folder = tmp_path / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    cfg = project_config(tmp_path, folder, **config)
    result = build_corpus(cfg, progress=False)
    return result.documents, result.problems, cfg


def project_config(tmp_path, folder, **sections):
    import dataclasses

    cfg = load_config(ROOT / "tifa.toml").with_paths(corpus=folder, data=tmp_path / "data", figures=tmp_path / "figures")
    for section, values in sections.items():
        cfg = dataclasses.replace(cfg, **{section: dataclasses.replace(getattr(cfg, section), **values)})
    return cfg


def toml_for(tmp_path, text: str = "", corpus=None) -> str:
    """A tifa.toml in ``tmp_path`` whose lexicon and stop words are the project's (absolute paths)."""
    path = tmp_path / "tifa.toml"
    lexicon = ROOT / "lexicon"
    head = (f'[tokens]\nlexicon = "{lexicon / "lexicon.csv"}"\n'
            f'stopwords_zh = ["iso:zh", "{lexicon / "stopwords_gov_zh.txt"}"]\n'
            f'stopwords_en = ["iso:en", "{lexicon / "stopwords_gov_en.txt"}"]\n')
    path.write_text(head + text, encoding="utf-8")
    return str(path)


@pytest.fixture
def run_cli(capsys):
    """``main(argv)`` → (exit status, stdout, stderr)."""
    from analysis.cli import main

    from tests.test_cli import own_figures

    def run(*argv):
        status = main(own_figures(argv))
        out = capsys.readouterr()
        return status, out.out, out.err
    return run
