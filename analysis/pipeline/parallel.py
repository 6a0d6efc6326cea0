"""Ordered parallel map over a stream, with bounded memory.

``multiprocessing.Pool.imap`` reads its whole input ahead into the task queue, so a generator over
a corpus is pulled into memory at once. :func:`ordered_map` keeps at most ``window`` tasks in flight:
the input is read only as results are taken, and results come back in input order. Nothing is
passed through module globals set before a fork: state goes through an initializer, so the same
code runs under fork, spawn (macOS, Windows) and forkserver.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def start_method() -> str:
    """How worker processes start: the platform's default (fork on Linux, spawn on macOS and
    Windows), or ``TIFA_START_METHOD`` (fork, spawn, forkserver)."""
    return os.environ.get("TIFA_START_METHOD") or mp.get_start_method()


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int = 1, window: int | None = None,
                initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[R]:
    """``map(fn, items)`` in ``workers`` processes (in this process when ``workers`` is 1).

    What ``fn`` needs besides its item is set up in each worker by ``initializer(*initargs)`` (and in
    this process first), so it works whatever the start method: under fork the workers inherit what
    the initializer built here, under spawn or forkserver they build it themselves. At most
    ``window`` tasks (default: 4 per worker) are in flight.
    """
    if initializer is not None:
        initializer(*initargs)
    if workers <= 1:
        yield from map(fn, items)
        return
    window = window or 4 * workers
    context = mp.get_context(start_method())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


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
