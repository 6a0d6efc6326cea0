"""One run at a time on a data folder.

Two runs writing the same derived tables (say, ``figures`` in a terminal and a notebook rebuilding
with other settings) would each write outputs keyed to their own settings over the other's. A run
takes an exclusive lock on ``<data>/.lock`` for its whole life; a second run stops at once with a
message naming the first. The lock is the operating system's (``flock``): it is released when the
process ends, however it ends, so a killed run never leaves a stale lock. On systems without
``fcntl`` (Windows) runs are not locked.
"""
from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class LockedError(RuntimeError):
    """Another run holds the data folder."""


@contextmanager
def data_lock(folder: str | Path, what: str = "", flag: str = "--data") -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    fh = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            try:
                holder = json.loads(fh.read() or "{}")
            except json.JSONDecodeError:
                holder = {}
            since = time.strftime("%H:%M:%S", time.localtime(holder["since"])) if "since" in holder else "?"
            raise LockedError(f"another run is using {folder} (pid {holder.get('pid', '?')}, "
                              f"`{holder.get('what', '?')}`, since {since}); wait for it to finish, or give this "
                              f"run another folder with {flag}") from None
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "what": what or " ".join(sys.argv[1:2]), "since": time.time()}))
        fh.flush()
        yield
    finally:
        fh.close()  # releases the lock
