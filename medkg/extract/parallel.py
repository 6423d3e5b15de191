"""Run an extractor over many reports in worker processes, preserving input order.

Workers are forked once with the compiled extractor (no rebuild per worker, no pickling of it);
batches are submitted lazily with at most ``2 * n_process`` in flight, so memory stays constant
for any input size (``Pool.imap`` would read the whole input ahead). Send plain tuples and get
compact results back: pickling is the main cost of the parent process.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

_WORKER_FN: Callable | None = None


def _init(fn: Callable) -> None:
    global _WORKER_FN
    _WORKER_FN = fn


def _run_batch(batch):
    return _WORKER_FN(batch)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter).

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def map_batches(fn: Callable, items: Iterable, *, n_process: int, batch_size: int = 512) -> Iterator:
    """``fn(batch)`` for consecutive batches of ``items``, in order, over ``n_process`` forked workers.

    ``fn`` reaches the workers through the fork (never pickled); only batches and results are.
    With ``n_process <= 1`` it runs in this process.

    Examples
    --------
    >>> list(map_batches(sum, range(10), n_process=1, batch_size=4))
    [6, 22, 17]
    """
    if n_process <= 1:
        yield from map(fn, batched(items, batch_size))
        return
    ctx = mp.get_context("fork")
    with ctx.Pool(n_process, initializer=_init, initargs=(fn,)) as pool:
        pending: deque = deque()
        for batch in batched(items, batch_size):
            pending.append(pool.apply_async(_run_batch, (batch,)))
            if len(pending) >= 2 * n_process:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def ordered_map(fn: Callable, items: Iterable, *, n_process: int, batch_size: int = 256) -> Iterator:
    """``map(fn, items)`` over ``n_process`` forked workers, results in input order, bounded memory."""
    for results in map_batches(_Each(fn), items, n_process=n_process, batch_size=batch_size):
        yield from results


class _Each:
    """``fn`` applied to every item of a batch (a picklable-by-fork closure)."""

    def __init__(self, fn: Callable) -> None:
        self.fn = fn

    def __call__(self, batch: list) -> list:
        return [self.fn(item) for item in batch]


def parallel_map(extractor, reports: Iterable, *, n_process: int, batch_size: int = 256) -> Iterator:
    """:meth:`Extractor.extract_many` with worker processes."""

    def one(item):
        rid, report = item
        return extractor.extract(report, rid)

    yield from ordered_map(one, reports, n_process=n_process, batch_size=batch_size)
