import hashlib
import os
import time

from analysis import stages


def test_file_digest_is_sha256_and_sees_every_change(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"first")
    old = time.time() - 60
    os.utime(path, (old, old))
    assert stages.file_digest(path) == hashlib.sha256(b"first").hexdigest()
    assert any(key[0] == str(path) for key in stages._DIGESTS)  # an old file is remembered
    # same size, rewritten in place: a new modification time means a new digest
    path.write_bytes(b"again")
    assert stages.file_digest(path) == hashlib.sha256(b"again").hexdigest()
    # two writes within one clock tick of the file system (same size, same time stamp): the
    # second is seen because a recently modified file is never taken from the cache
    tick = time.time() - 0.5
    path.write_bytes(b"third")
    os.utime(path, (tick, tick))
    assert stages.file_digest(path) == hashlib.sha256(b"third").hexdigest()
    path.write_bytes(b"forth")
    os.utime(path, (tick, tick))
    assert stages.file_digest(path) == hashlib.sha256(b"forth").hexdigest()

def test_read_json_is_empty_for_a_missing_or_broken_file(tmp_path):
    assert stages.read_json(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert stages.read_json(tmp_path / "bad.json") == {}
    (tmp_path / "ok.json").write_text('{"标签": 1}', encoding="utf-8")
    assert stages.read_json(tmp_path / "ok.json") == {"标签": 1}
