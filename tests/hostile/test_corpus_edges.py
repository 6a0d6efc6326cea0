"""Corpus folders as they come: doubled, oversized, unreadable, empty, tiny. Nothing is silently
dropped or doubled, and every command completes or stops with one clear line."""
import pytest
import json
import os

import pandas as pd

from analysis.corpus.stage import analysable
from tests.hostile.conftest import IS_ROOT, ZH, corpus_of, toml_for


def test_the_same_document_as_a_file_and_a_table_row_is_counted_once(tmp_path, seeds):
    text = (seeds / "004_572e12cd4d6fb709.txt").read_text(encoding="utf-8")
    body = text.split("\n", 1)[1]
    table = pd.DataFrame([{"title": text.split("\n", 1)[0], "content": body}])
    docs, problems, _ = corpus_of(tmp_path, {"speech.txt": text, "speeches.csv": table.to_csv(index=False)},
                                  corpus={"near_duplicates": 0.0})    # exact duplicates even with MinHash off
    assert len(docs) == 2 and docs["duplicate_of"].notna().sum() == 1
    assert len(analysable(docs)) == 1
    row = problems[problems["action"] == "counted once"].iloc[0]
    assert "the same text as" in row["problem"]


@pytest.mark.slow  # a process of its own, or a whole corpus run
def test_a_huge_single_line_document_is_capped_and_reported(tmp_path):
    line = ("全市坚持稳中求进工作总基调，经济运行总体平稳。" * 400).replace("\n", "")  # one line, 9,200 characters
    docs, problems, _ = corpus_of(tmp_path, {"dump.txt": "标题\n" + line, "ok.txt": ZH},
                                  corpus={"max_doc_chars": 2000})
    doc = docs.set_index("source_file").loc["dump.txt"]
    assert doc["n_chars"] <= 2000 and doc["text"].endswith("。")    # cut at a sentence end
    row = problems[problems["source_file"] == "dump.txt"].iloc[0]
    assert row["action"] == "capped" and "over corpus.max_doc_chars (2,000)" in row["problem"]
    docs, problems, _ = corpus_of(tmp_path / "skip", {"dump.txt": "标题\n" + line, "ok.txt": ZH},
                                  corpus={"max_doc_chars": 2000, "long_docs": "skip"})
    assert list(docs["source_file"]) == ["ok.txt"]


def _unreadable(monkeypatch, path):
    """Make ``path`` unreadable: chmod for a normal user; root reads anything, so the read is made to fail."""
    if not IS_ROOT:
        os.chmod(path, 0)
        return
    from analysis.corpus import readers
    from analysis.pipeline import cache as stages

    real_read, real_digest = readers.read_file, stages.file_digest

    def read_file(p):
        if os.path.samefile(p, path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_read(p)

    def file_digest(p):
        if os.path.samefile(p, path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_digest(p)
    monkeypatch.setattr(readers, "read_file", read_file)
    monkeypatch.setattr(stages, "file_digest", file_digest)


def _unlistable(monkeypatch, folder):
    if not IS_ROOT:
        os.chmod(folder, 0)
        return
    real = os.scandir

    def scandir(p="."):
        if not isinstance(p, int) and os.path.abspath(p) == os.path.abspath(folder):  # shutil.rmtree passes fds
            raise PermissionError(13, "Permission denied", str(p))
        return real(p)
    monkeypatch.setattr(os, "scandir", scandir)


def test_unreadable_files_and_folders_are_reported_by_name(tmp_path, monkeypatch, run_cli):
    corpus = tmp_path / "c"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "ok.txt").write_text(ZH, encoding="utf-8")
    (corpus / "secret.txt").write_text(ZH.replace("全市", "全县"), encoding="utf-8")
    (corpus / "locked" / "inside.txt").write_text(ZH, encoding="utf-8")
    _unreadable(monkeypatch, corpus / "secret.txt")
    _unlistable(monkeypatch, corpus / "locked")
    try:
        status, out, err = run_cli("corpus", "--config", toml_for(tmp_path), "--corpus", corpus,
                                   "--data", tmp_path / "d", "--quiet")
    finally:
        os.chmod(corpus / "locked", 0o755)
        os.chmod(corpus / "secret.txt", 0o644)
    assert status == 0, err
    problems = pd.read_csv(tmp_path / "d" / "corpus" / "problems.csv", keep_default_na=False)
    by_file = dict(zip(problems["source_file"], problems["problem"]))
    assert by_file["secret.txt"] == "cannot be read: Permission denied"
    assert by_file["locked/"].startswith("folder cannot be read: Permission denied")
    assert "no files skipped" not in out and "secret.txt" in out and "locked/" in out


def test_many_empty_rows_are_one_problem_and_the_console_groups_problems(tmp_path, run_cli):
    rows = [{"content": ZH if i % 10 == 0 else "", "title": f"t{i}"} for i in range(200)]
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "items.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    for i in range(12):
        (corpus / f"empty{i:02d}.txt").write_bytes(b"")
    status, out, err = run_cli("corpus", "--config", toml_for(tmp_path), "--corpus", corpus, "--data", tmp_path / "d",
                               "--quiet")
    assert status == 0, err
    problems = pd.read_csv(tmp_path / "d" / "corpus" / "problems.csv", keep_default_na=False)
    assert (problems["problem"].str.startswith("empty or missing text")).sum() == 1
    assert "180 row(s)" in set(problems["where"])
    assert "12 × [skipped] empty file" in out
    assert len(out.splitlines()) < 40                          # a summary, not a line per row or file


@pytest.mark.slow
def test_a_one_document_undated_corpus_makes_every_output_and_the_report(tmp_path, run_cli):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "only.txt").write_text("全市经济运行分析会讲话\n" + ZH * 3, encoding="utf-8")
    status, out, err = run_cli("figures", "--config", toml_for(tmp_path), "--corpus", corpus, "--data", tmp_path / "d",
                               "--figures", tmp_path / "f", "--quiet")
    assert status == 0, err
    assert (tmp_path / "f" / "report.html").exists() and (tmp_path / "f" / "MANIFEST.csv").exists()
    manifest = pd.read_csv(tmp_path / "f" / "MANIFEST.csv")
    assert len(manifest) > 40 and all((tmp_path / "f" / f).exists() for f in manifest["file"])
    assert "fewer than topics.min_units" in out                # what could not be made, and why


def test_a_corpus_with_no_documents_stops_with_one_line(tmp_path, run_cli):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    status, out, err = run_cli("figures", "--config", toml_for(tmp_path), "--corpus", corpus, "--data", tmp_path / "d",
                               "--figures", tmp_path / "f", "--quiet")
    assert status == 2 and len(err.strip().splitlines()) == 1 and "no Chinese or English document" in err


def test_linked_folders_are_read_once_and_a_loop_is_reported(tmp_path):
    from analysis.corpus.readers import corpus_files

    real = tmp_path / "elsewhere" / "texts"
    real.mkdir(parents=True)
    (real / "a.txt").write_text(ZH, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "texts").symlink_to(real)           # a folder linked into the corpus is read
    (corpus / "again").symlink_to(real)           # a second link to it: read once, reported
    (real / "loop").symlink_to(real)              # a loop: reported, not followed
    files, problems = corpus_files(corpus)
    names = [f.relative_to(corpus).as_posix() for f in files]
    assert names == ["again/a.txt"]    # folders in sorted order: the first link wins
    assert len(problems) == 2 and all("already read" in p.problem for p in problems)
