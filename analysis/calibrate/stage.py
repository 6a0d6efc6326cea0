"""The calibrate stage: both checks of :mod:`analysis.calibrate.checks` on the corpus's own documents
(the keywords stage's document–term matrix, the slogans stage's counts)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..pipeline import runner
from ..pipeline.budget import statistics_cells
from ..stats.blocks import partitions
from ..pipeline.config import Config
from .checks import null_check, planted_check, summarise
from .declaration import STAGE

TABLES = tuple(w.removesuffix(".parquet") for w in STAGE.writes if w.endswith(".parquet"))


def build_calibration(cfg: Config, progress: bool = True, force: bool = False) -> runner.TableResult:
    """Run the calibrate stage unless it is up to date."""
    with partitions(statistics_cells(cfg)):   # the statistics' partitions follow run.memory_gb
        return runner.run_tables(STAGE, cfg, TABLES, lambda view, out: compute_calibration(view, progress), force,
                                 lambda tables: {"note": tables["summary"].attrs["note"]})


def compute_calibration(cfg: Config, progress: bool = True) -> dict[str, pd.DataFrame]:
    """The null and planted checks' tables and their summary (``cfg``: the stage's view)."""
    from ..keywords.stage import keyword_inputs
    from ..slogans.stage import count_matrix

    permutations, replicates = cfg.calibrate.permutations, cfg.calibrate.replicates
    kdocs, dtm, vocab, _, _ = keyword_inputs(cfg)
    sfolder = Path(cfg.paths.data) / "slogans"
    sdocs = pd.read_parquet(sfolder / "documents.parquet")
    counts = pd.read_parquet(sfolder / "counts.parquet")
    slogans = sorted(counts["slogan"].unique())
    matrix = count_matrix(counts, sdocs["doc_id"].tolist(), slogans, cfg.slogans.rule)
    bar = tqdm(total=permutations, desc="calibrate: permutations", unit="perm", disable=not progress, leave=False)
    null = null_check(kdocs, dtm, vocab, sdocs, matrix, slogans, cfg.keywords, cfg.slogans, cfg.keywords.period,
                      R=permutations, seed=cfg.random.seed, progress=lambda *_: bar.update(1))
    bar.close()
    main_lang = sdocs["lang"].value_counts().idxmax() if len(sdocs) else "zh"
    exposure = sdocs.loc[sdocs["lang"] == main_lang, "exposure"].to_numpy(dtype=float)
    sizes = tuple(s for s in (12, 48) if s < len(exposure) - 1)
    planted = planted_check(exposure, R=replicates, sizes=sizes, seed=cfg.random.seed)
    summary = summarise(null, planted)
    if not sizes:
        summary = pd.concat([summary, pd.DataFrame([{
            "check": "planted: skipped", "group": f"{len(exposure)} {main_lang} documents", "value": np.nan,
            "max": np.nan, "target": "needs at least 14 documents of one language"}])], ignore_index=True)
    summary.attrs["note"] = (f"{permutations} permutations, {replicates} planted replicates per group size, "
                             f"{len(exposure)} {main_lang} documents, seed {cfg.random.seed}.")
    return {"null": null, "planted": planted, "summary": summary}
