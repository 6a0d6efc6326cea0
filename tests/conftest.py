"""Shared fixtures: the seeds, the real corpora in ../shared/corpora (skipped when absent), and a
documents table built once per test session from the seeds."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analysis.pipeline.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPORA = ROOT.parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is absent")
    return CORPORA


@pytest.fixture
def cfg(tmp_path):
    """The project configuration with derived data and figures in a temporary folder."""
    base = load_config(ROOT / "tifa.toml")
    return base.with_paths(data=tmp_path / "data", figures=tmp_path / "figures")


@pytest.fixture(scope="session")
def seed_docs(tmp_path_factory):
    from analysis.corpus.stage import build_corpus

    tmp = tmp_path_factory.mktemp("seedcorpus")
    base = load_config(ROOT / "tifa.toml").with_paths(data=tmp / "data", figures=tmp / "figures")
    return build_corpus(base, progress=False).documents.set_index("doc_id", drop=False)


def with_corpus(cfg, folder: Path):
    return dataclasses.replace(cfg, paths=dataclasses.replace(cfg.paths, corpus=folder))
