"""Runs as they happen on shared servers: two at once, killed half-way, read by other users."""
import os
import stat

import pandas as pd
import pytest

from analysis.pipeline import atomic
from analysis.pipeline.config import TopicParams
from analysis.pipeline.lock import LockedError, data_lock
from tests.hostile.conftest import ZH, toml_for


def test_outputs_get_the_usual_permissions_not_owner_only(tmp_path):
    modes = {}
    for umask in (0o022, 0o077):
        old = os.umask(umask)
        try:
            atomic.write_text(tmp_path / f"figure{umask:o}.csv", "a,b\n")
        finally:
            os.umask(old)
        modes[umask] = stat.S_IMODE((tmp_path / f"figure{umask:o}.csv").stat().st_mode)
    assert modes == {0o022: 0o644, 0o077: 0o600}     # readable by others unless the umask says otherwise


def test_a_second_run_on_the_same_data_folder_stops_with_a_message(tmp_path, run_cli):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ZH, encoding="utf-8")
    with data_lock(tmp_path / "d", "figures"):
        with pytest.raises(LockedError):
            with data_lock(tmp_path / "d"):
                pass
        status, out, err = run_cli("corpus", "--config", toml_for(tmp_path), "--corpus", corpus,
                                   "--data", tmp_path / "d", "--quiet")
    assert status == 2 and f"another run is using {tmp_path / 'd'} (pid {os.getpid()}, `figures`" in err
    status, out, err = run_cli("corpus", "--config", toml_for(tmp_path), "--corpus", corpus, "--data", tmp_path / "d",
                               "--quiet")
    assert status == 0, err                                                   # released with the first run


def test_a_killed_k_grid_resumes_from_the_fits_that_finished(tmp_path, monkeypatch):
    from analysis.topics import stage as topic_table
    from analysis.topics.models import topic_dictionary

    texts = [[w for w in para.split("，") if w] for para in (ZH * 8).replace("。", "，").split("\n") if para]
    train = [t * 3 for t in texts]
    per_lang = {"zh": (train, train[:2], topic_dictionary(train, 1, 1.0, 1000))}
    tp = TopicParams(k_grid=(2, 3), seeds=(1, 2), passes=1, iterations=5, workers=1)
    calls = []
    real = topic_table._grid_job
    monkeypatch.setattr(topic_table, "_grid_job", lambda job: calls.append(job[1:3]) or real(job))
    first = topic_table.run_grid(per_lang, tp, progress=False, fits=tmp_path / "grid")
    assert len(calls) == 4 and len(list((tmp_path / "grid").glob("*.json"))) == 4
    (tmp_path / "grid" / sorted(os.listdir(tmp_path / "grid"))[0]).unlink()   # as if killed before the last fit
    calls.clear()
    again = topic_table.run_grid(per_lang, tp, progress=False, fits=tmp_path / "grid")
    assert len(calls) == 1                                                     # only the missing fit ran
    pd.testing.assert_frame_equal(first, again)
    calls.clear()
    topic_table.run_grid(per_lang, TopicParams(k_grid=(2, 3), seeds=(1, 2), passes=2, iterations=5, workers=1),
                         progress=False, fits=tmp_path / "grid")
    assert len(calls) == 4 and len(list((tmp_path / "grid").glob("*.json"))) == 4   # other settings: refit, old pruned


def test_an_internal_error_is_one_line_and_debug_shows_the_traceback(tmp_path, run_cli, monkeypatch):
    from analysis.corpus import stage as corpus

    def broken(*a, **k):
        raise RuntimeError("boom")
    monkeypatch.setattr(corpus, "build_corpus", broken)
    status, out, err = run_cli("corpus", "--config", toml_for(tmp_path), "--data", tmp_path / "d")
    assert status == 1 and err.count("\n") == 1 and "internal error (RuntimeError: boom)" in err and "--debug" in err
    with pytest.raises(RuntimeError):
        run_cli("corpus", "--config", toml_for(tmp_path), "--data", tmp_path / "d", "--debug")
