"""Ordered parallel map over a stream, with bounded memory.

``multiprocessing.Pool.imap`` reads its whole input ahead into the task queue, so a generator over
a corpus is pulled into memory at once. :func:`ordered_map` keeps at most ``window`` tasks in flight:
the input is read only as results are taken, and results come back in input order. Nothing is
passed through module globals set before a fork: state goes through an initializer, so the same
code runs under fork, spawn (macOS, Windows) and forkserver.

Two engines run the tasks (``[run] engine`` in tifa.toml, ``--engine`` on the command line): the
local process pool, and Dask (:func:`engine`), a LocalCluster of worker processes or a cluster
whose scheduler address is given. Every stage's per-partition work goes through
:func:`ordered_map`, so both engines run the same functions on the same partitions and give the
same outputs, byte for byte.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections import deque
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def start_method() -> str:
    """How worker processes start: ``TIFA_START_METHOD`` (fork, spawn, forkserver) when set; else
    forkserver where the platform has it (Linux; Python 3.14's default there), else the platform's
    default (spawn on macOS and Windows). Not fork: a forked worker starts with a copy of everything
    the main process holds (a stage's tables, a corpus's documents), and each copy counts in the
    machine's memory as the worker writes to it; a worker from the fork server holds only the
    modules it imports and what its tasks give it."""
    chosen = os.environ.get("TIFA_START_METHOD")
    if chosen:
        return chosen
    return "forkserver" if "forkserver" in mp.get_all_start_methods() else mp.get_start_method()


#: modules the fork server imports once, so that each worker forked from it starts with them
_PRELOAD = ["numpy", "pandas", "pyarrow", "scipy.sparse", "analysis.pipeline.parallel"]


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int = 1, window: int | None = None,
                initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[R]:
    """``map(fn, items)`` in ``workers`` processes (in this process when ``workers`` is 1).

    What ``fn`` needs besides its item is set up in each worker by ``initializer(*initargs)`` (and in
    this process first), so it works whatever the start method: under fork the workers inherit what
    the initializer built here, under spawn or forkserver they build it themselves. At most
    ``window`` tasks (default: 4 per worker) are in flight. Inside an :func:`engine` block of Dask the
    tasks run on its workers (whatever ``workers`` is) and this process runs no initializer.
    """
    if _ENGINE["client"] is not None:  # the workers set themselves up; this process runs no task
        yield from _dask_map(_ENGINE["client"], fn, items, window, initializer, initargs)
        return
    if initializer is not None:
        initializer(*initargs)
    if workers <= 1:
        yield from map(fn, items)
        return
    window = window or 4 * workers
    with process_pool(workers, initializer, initargs) as pool:
        yield from _in_order(lambda item: pool.submit(fn, item), items, window)


class WorkerPool(ProcessPoolExecutor):
    """A process pool that a Ctrl-C stops at once: its workers ignore the interrupt (only this process
    hears it, so no worker prints a traceback), and leaving its block on an interrupt cancels what is
    queued and ends the workers instead of waiting for them."""

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self.stop()
            return False
        return super().__exit__(exc_type, exc, tb)

    def stop(self) -> None:
        """Cancel the queued tasks and end the workers now."""
        processes = list((getattr(self, "_processes", None) or {}).values())
        self.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


def _start_worker(initializer: Callable[..., None] | None, *initargs) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> WorkerPool:
    """A pool of ``workers`` processes started the way :func:`start_method` says, each set up by
    ``initializer(*initargs)``; see :class:`WorkerPool` for Ctrl-C."""
    method = start_method()
    context = mp.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(_PRELOAD)
    return WorkerPool(workers, mp_context=context, initializer=_start_worker,
                      initargs=(initializer, *initargs))


def on_dask() -> bool:
    """True inside an :func:`engine` block of Dask (tasks then go to its workers)."""
    return _ENGINE["client"] is not None


def _in_order(submit: Callable, items: Iterable, window: int) -> Iterator:
    """The results of ``submit(item)`` futures in input order, with at most ``window`` in flight;
    futures not yet collected are cancelled when the caller stops early."""
    pending: deque = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def chunks_by_size(items: Iterable[T], size: Callable[[T], int], limit: int,
                   max_items: int | None = None) -> Iterator[list[T]]:
    """Consecutive items in lists of about ``limit`` in total ``size`` (and at most ``max_items``):
    tasks big enough that sending them to a worker process costs little beside the work."""
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += size(item)
        if total >= limit or (max_items is not None and len(chunk) >= max_items):
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


# ---- Dask ------------------------------------------------------------------------------------------
class EngineError(RuntimeError):
    """The Dask engine cannot start: its packages are missing or the scheduler cannot be reached."""


_ENGINE: dict = {"client": None}
_READY: dict = {"key": None}  # in a Dask worker: the initializer it has run


@contextmanager
def engine(kind: str = "local", scheduler: str = "", workers: int = 0, timeout: str = "10s",
           worker_memory_gb: float = 0):
    """Run :func:`ordered_map`'s tasks on ``kind`` ("local": this machine's process pool; "dask":
    a Dask cluster) inside the block: ``scheduler`` is a running cluster's address
    (``tcp://host:8786``); without one, a LocalCluster of ``workers`` processes (0: one per core),
    one thread each, each limited to ``worker_memory_gb`` (0: Dask's default, the machine's memory
    shared out), is started and closed with the block; ``timeout``: how long to try to reach the
    scheduler. Yields the Dask client (or None)."""
    if kind == "local":
        yield None
        return
    if kind != "dask":
        raise ValueError(f"run.engine: '{kind}' is not one of local, dask")
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # the dependency is in pyproject.toml; a partial install lacks it
        raise EngineError("run.engine = \"dask\" needs the packages dask and distributed "
                           "(pip install 'dask[distributed]')") from exc
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise EngineError(f"run.scheduler: no Dask scheduler answers at '{scheduler}' ({exc})") from exc
    else:
        environ = dict(os.environ)  # distributed sets OMP_NUM_THREADS=1 and the like here for its workers
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None,
                               memory_limit=f"{worker_memory_gb}GiB" if worker_memory_gb else "auto")
        client = Client(cluster)
        os.environ.clear()
        os.environ.update(environ)  # ... this process keeps its own settings
    previous = _ENGINE["client"]
    _ENGINE["client"] = client
    try:
        yield client
    finally:
        _ENGINE["client"] = previous
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_task(fn, item, setup, key):
    """One task on a Dask worker: the stage's initializer first, once per worker process and
    setup, then ``fn(item)``."""
    if _READY["key"] != key:
        initializer, initargs = setup
        if initializer is not None:
            initializer(*initargs)
        _READY["key"] = key
    return fn(item)


def _dask_map(client, fn, items, window, initializer, initargs):
    """:func:`ordered_map` on Dask: the initializer and its arguments go to every worker once
    (scattered), at most ``window`` tasks (default: 4 per worker thread) are in flight, results
    come back in input order."""
    import uuid

    threads = sum(client.nthreads().values()) or 1
    window = window or 4 * threads
    setup = client.scatter((initializer, initargs), broadcast=True, hash=False)
    key = uuid.uuid4().hex
    yield from _in_order(lambda item: client.submit(_dask_task, fn, item, setup, key, pure=False), items, window)
