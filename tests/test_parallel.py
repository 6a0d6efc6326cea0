"""The ordered map that the corpus and tokens stages run their workers through."""
import pytest

from analysis.pipeline.parallel import chunks_by_size, ordered_map


def _square(x: int) -> int:
    return x * x


def test_results_come_back_in_input_order_from_worker_processes():
    assert list(ordered_map(_square, range(50), workers=2, window=3)) == [x * x for x in range(50)]
    assert list(ordered_map(_square, range(5), workers=1)) == [0, 1, 4, 9, 16]
    assert list(ordered_map(_square, [], workers=2)) == []


def test_the_input_is_read_only_a_window_ahead():
    """Pool.imap would read a whole corpus into its task queue; this reads `window` items ahead."""
    pulled = []

    def items():
        for i in range(100):
            pulled.append(i)
            yield i

    results = ordered_map(_square, items(), workers=2, window=4)
    assert next(results) == 0
    assert len(pulled) == 4
    assert next(results) == 1 and len(pulled) == 5
    assert list(results) == [x * x for x in range(2, 100)] and len(pulled) == 100


def test_chunks_hold_about_the_size_asked_for_and_keep_the_order():
    texts = ["a" * n for n in (3, 4, 10, 1, 1, 1, 1, 2)]
    chunks = list(chunks_by_size(texts, len, 6))
    assert chunks == [["aaa", "aaaa"], ["a" * 10], ["a", "a", "a", "a", "aa"]]
    assert [len(c) for c in chunks_by_size(["", "", "", "", ""], len, 6, max_items=2)] == [2, 2, 1]
    assert list(chunks_by_size([], len, 6)) == []


@pytest.mark.slow
@pytest.mark.parametrize("method", ["spawn"])  # spawn is the strictest; forkserver passed as well
def test_tokens_and_the_topic_grid_run_under_spawn_and_forkserver(tmp_path, monkeypatch, method):
    """macOS and Windows start workers by spawn: nothing may come through globals set before a fork."""
    import dataclasses

    import pandas as pd

    from analysis.pipeline.config import TopicParams, load_config
    from analysis.corpus.stage import build_corpus
    from analysis.text.stage import build_tokens
    from analysis.topics.models import topic_dictionary
    from analysis.topics.stage import run_grid
    from tests.conftest import ROOT

    cfg = load_config(ROOT / "tifa.toml").with_paths(data=tmp_path / "one")
    build_corpus(cfg, progress=False)
    one = pd.read_parquet(build_tokens(dataclasses.replace(cfg, tokens=dataclasses.replace(cfg.tokens, workers=1)),
                                       progress=False).path)
    monkeypatch.setenv("TIFA_START_METHOD", method)
    two_cfg = cfg.with_paths(data=tmp_path / "two")
    build_corpus(two_cfg, progress=False)
    two = pd.read_parquet(build_tokens(dataclasses.replace(two_cfg, tokens=dataclasses.replace(cfg.tokens, workers=2)),
                                       progress=False).path)
    pd.testing.assert_frame_equal(one, two)
    texts = [t for t in one[one["lang"] == "zh"]["tokens"].map(list) if t][:60]
    per_lang = {"zh": (texts, texts[:5], topic_dictionary(texts, 1, 1.0, 1000))}
    tp = TopicParams(k_grid=(2, 3), seeds=(1,), passes=1, iterations=5)
    serial = run_grid(per_lang, dataclasses.replace(tp, workers=1), progress=False)
    parallel = run_grid(per_lang, dataclasses.replace(tp, workers=2), progress=False)
    pd.testing.assert_frame_equal(serial, parallel)


def _pid(_) -> int:
    import os

    return os.getpid()


@pytest.mark.slow
def test_the_dask_engine_gives_byte_identical_tables(tmp_path, monkeypatch):
    """Issue 18: the corpus and tokens stages, the topic grid, the chosen K's fits with the inference
    of the units outside the sample, and the count models on a LocalCluster of 2 worker processes
    give the same files, byte for byte, as the local engine; the tasks ran in the cluster's
    processes, not here."""
    import os

    import pandas as pd

    pytest.importorskip("distributed")
    import numpy as np

    from analysis.calibrate.checks import planted_counts
    from analysis.corpus.stage import build_corpus
    from analysis.pipeline.config import TopicParams, load_config
    from analysis.pipeline.parallel import engine
    from analysis.slogans.statistics import nb_effects
    from analysis.text.stage import build_tokens
    import analysis.topics.stage as topic_stage
    from analysis.topics.models import topic_dictionary
    from analysis.topics.stage import final_fits, run_grid, units_in_memory
    from tests.conftest import ROOT

    cfg = load_config(ROOT / "tifa.toml")
    monkeypatch.setattr(topic_stage, "INFER_CHUNK", 7)  # the inferred units in several tasks
    outputs, grids, effects, inferred = {}, {}, {}, {}
    for kind in ("local", "dask"):
        run = cfg.with_paths(data=tmp_path / kind)
        with engine(kind, workers=2, worker_memory_gb=1.5) as client:
            corpus = build_corpus(run, progress=False)
            tokens = build_tokens(run, progress=False)
            texts = [list(t) for t in pd.read_parquet(tokens.path).query("lang == 'zh'")["tokens"] if len(t)][:60]
            per_lang = {"zh": (texts, texts[:5], topic_dictionary(texts, 1, 1.0, 1000))}
            tp = TopicParams(k_grid=(2, 3), seeds=(1,), gibbs_iterations=20, grid_iterations=20, workers=2)
            grids[kind] = run_grid(per_lang, tp, progress=False)
            fits = final_fits({"zh": {**units_in_memory(texts, list(range(0, len(texts), 3))), "dictionary": per_lang["zh"][2],
                                      "k": 3, "k_seeded": 3, "covariates": [], "seeds": {}}}, tp, 1, progress=False)
            inferred[kind] = fits[("zh", "plain")].gamma_
            docs, y, _ = planted_counts(np.random.default_rng(1), np.full(50, 800.0), 600, 4, 4)
            effects[kind] = nb_effects(docs, np.hstack([y, y[::-1]]), ["a", "b"], workers=2)
            if client is not None:
                pids = set(ordered_map(_pid, range(8)))
                assert os.getpid() not in pids and len(pids) == 2
                limits = {w["memory_limit"] for w in client.scheduler_info()["workers"].values()}
                assert limits == {int(1.5 * 2 ** 30)}   # run.worker_memory_gb
        outputs[kind] = {p.name: p.read_bytes() for p in (corpus.folder / "documents.parquet", tokens.path)}
    assert outputs["local"] == outputs["dask"]
    pd.testing.assert_frame_equal(grids["local"], grids["dask"])
    pd.testing.assert_frame_equal(effects["local"], effects["dask"], check_exact=True)
    assert inferred["local"].shape == (len(texts), 3) and len(texts) > 20 and np.array_equal(inferred["local"], inferred["dask"])


@pytest.mark.slow  # a process of its own, or a whole corpus run
def test_an_unreachable_scheduler_is_one_clear_error():
    pytest.importorskip("distributed")
    from analysis.pipeline.parallel import EngineError, engine

    with pytest.raises(EngineError, match="no Dask scheduler answers at 'tcp://127.0.0.1:1'"):
        with engine("dask", scheduler="tcp://127.0.0.1:1", timeout="1s"):
            pass
