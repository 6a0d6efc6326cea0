"""Ordered parallel map over a stream, with bounded memory.

``multiprocessing.Pool.imap`` reads its whole input ahead into the task queue, so a generator over
a corpus is pulled into memory at once. :func:`ordered_map` keeps at most ``window`` tasks in flight:
the input is read only as results are taken, and results come back in input order.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int = 1, window: int | None = None,
                initializer: Callable[[], None] | None = None) -> Iterator[R]:
    """``map(fn, items)`` in ``workers`` forked processes (in this process when ``workers`` is 1).

    ``fn`` and whatever it reads from module globals are inherited by the workers at the fork, so
    set such globals before calling. At most ``window`` tasks (default: 4 per worker) are in flight.
    """
    if workers <= 1:
        yield from map(fn, items)
        return
    window = window or 4 * workers
    with mp.get_context("fork").Pool(workers, initializer=initializer) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(fn, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


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
