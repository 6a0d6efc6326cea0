import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run(*args, cwd=ROOT):
    """``python -m analysis *args``; a command's figures go to a folder of its own unless ``--figures``
    is given (tests in parallel must not write, and lock, the repository's figures folder)."""
    return subprocess.run([sys.executable, "-m", "analysis", *own_figures(args)], cwd=cwd, capture_output=True,
                          text=True)


def own_figures(args) -> list[str]:
    from analysis.cli import NO_FIGURES

    args = [str(a) for a in args]
    if not args or args[0].startswith("-") or args[0] in NO_FIGURES or "--figures" in args or "--help" in args:
        return args
    import tempfile
    return [args[0], "--figures", tempfile.mkdtemp(prefix="tifa-figures-"), *args[1:]]


def test_help_teaches():
    out = run("--help")
    assert out.returncode == 0
    assert "corpus" in out.stdout and "figures" in out.stdout and "examples" in out.stdout
    assert "--corpus" in run("corpus", "--help").stdout


@pytest.mark.slow  # a process of its own, or a whole corpus run
def test_corpus_command_on_another_folder(tmp_path, seeds):
    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "a.txt").write_text((seeds / "002_5367abb05a89029a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    out = run("corpus", "--corpus", str(corpus), "--data", str(tmp_path / "d"), "--quiet")
    assert out.returncode == 0, out.stderr
    assert "1 documents from 1 files" in out.stdout
    assert "empty.txt: empty file [skipped]" in out.stdout
    assert (tmp_path / "d" / "corpus" / "documents.parquet").exists()


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    out = run("corpus", "--corpus", str(tmp_path / "nope"), "--data", str(tmp_path / "d"))
    assert out.returncode == 2
    assert "corpus folder not found" in out.stderr and "nope" in out.stderr


def test_bad_config_names_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[corpus]\ncjk_shar = 0.3\n")
    out = run("corpus", "--config", str(bad))
    assert out.returncode == 2 and "unknown key 'cjk_shar'" in out.stderr and "bad.toml" in out.stderr


def test_every_command_has_a_help_that_teaches(capsys):
    """(In this process: the whole program's --help is run as a process by test_help_teaches.)"""
    from analysis.cli import parser

    for command, words in (("tokens", "lexicon"), ("slogans", "concordance"), ("keywords", "Mann"),
                           ("topics", "coherence"), ("count", "example"), ("figures", "--force")):
        with pytest.raises(SystemExit) as stop:
            parser().parse_args([command, "--help"])
        assert stop.value.code == 0 and words in capsys.readouterr().out, command


@pytest.mark.slow
def test_count_command_with_a_rule(tmp_path, seeds):
    out = run("count", "双过半", "营商环境", "--rule", "presence", "--data", str(tmp_path / "d"), "--quiet",
              "--csv", str(tmp_path / "counts.csv"))
    assert out.returncode == 0, out.stderr
    assert "per-document presence" in out.stdout
    total = next(line.split() for line in out.stdout.splitlines() if line.startswith("total"))
    assert total[1:] == ["5", "3"]  # documents using each (literal strings: no English renderings here)
    assert (tmp_path / "counts.csv").read_text(encoding="utf-8").startswith("doc_id,lang,双过半,营商环境")


@pytest.mark.slow
def test_calibrate_on_the_seeds(tmp_path):
    """`calibrate` in CI: the seeds are too small for the planted check (said), and random labels
    give no finding."""
    import pandas as pd

    res = subprocess.run([sys.executable, "-m", "analysis", "calibrate", "--quiet", "--permutations", "3",
                          "--data", str(tmp_path / "data"), "--figures", str(tmp_path / "fig")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    summary = pd.read_csv(tmp_path / "fig" / "calibration_summary.csv")
    null = summary.set_index("check").loc["null: discoveries per permutation (all tests)"]
    assert null["value"] <= 1 and null["max"] <= 3
    assert "planted: skipped" in set(summary["check"])
    assert (tmp_path / "fig" / "calibration.png").exists() and "null: keyness by period" in res.stdout


@pytest.mark.slow
def test_a_corpus_with_nothing_to_analyse_stops_with_one_line(tmp_path, capsys):
    """Every file skipped (a JSON-lines corpus whose rows have no text): one clear line, exit 2, no
    traceback, and no half-built figures folder (the first command as a process, the others in this one)."""
    from analysis.cli import main

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text('{"content": ""}\n{"content": "  "}\n', encoding="utf-8")
    for command in ("figures", "slogans", "keywords", "topics", "calibrate"):
        args = [command, "--corpus", str(corpus), "--data", str(tmp_path / "d"), "--figures", str(tmp_path / "f"),
                "--quiet"]
        if command == "figures":
            out = run(*args)
            code, err = out.returncode, out.stderr
        else:
            code, err = main(args), capsys.readouterr().err
        assert code == 2, (command, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert "no Chinese or English document" in err and "empty or missing text (rows 1, 2)" in err
    assert not (tmp_path / "f" / "report.html").exists()


@pytest.mark.slow  # a process of its own, or a whole corpus run
def test_a_news_corpus_with_a_content_column(tmp_path, seeds):
    """CCTV-style JSON lines (content, title, broadcast_date) are read without configuration."""
    import json

    corpus = tmp_path / "c"
    corpus.mkdir()
    text = (seeds / "002_5367abb05a89029a.txt").read_text(encoding="utf-8")
    rows = [{"content": text, "title": "经济运行分析会", "broadcast_date": "2022-04-08", "url": "http://x"}]
    (corpus / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = run("corpus", "--corpus", str(corpus), "--data", str(tmp_path / "d"), "--quiet")
    assert out.returncode == 0, out.stderr
    assert "columns used: text ← content, title ← title, pub_date ← broadcast_date; kept as document " \
           "variables: url" in out.stdout
    import pandas as pd

    docs = pd.read_parquet(tmp_path / "d" / "corpus" / "documents.parquet")
    assert str(docs["pub_date"].iloc[0]) == "2022-04-08" and json.loads(docs["doc_vars"].iloc[0]) == {"url": "http://x"}


def test_memory_budget_sets_the_partitions_and_a_bad_one_is_one_line(tmp_path):
    from analysis.cli import _config, parser
    from analysis.pipeline import budget

    cfg = _config(parser().parse_args(["keywords", "--memory", "2", "--data", str(tmp_path)]))
    assert cfg.run.memory_gb == 2
    default = _config(parser().parse_args(["keywords", "--data", str(tmp_path)]))
    assert budget.block_cells(default) == 2 * budget.block_cells(cfg)
    assert budget.text_batch(default) == 20_000 and budget.text_batch(cfg) == 10_000
    from analysis.stats.blocks import CELLS
    assert budget.statistics_cells(default) == CELLS    # the statistics' partitions at 4 GB
    assert {k: 2 * v for k, v in budget.statistics_cells(cfg).items()} == CELLS
    out = run("keywords", "--memory", "0.1", "--data", str(tmp_path / "d"))
    assert out.returncode == 2 and "memory_gb" in out.stderr and "between 0.5" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
