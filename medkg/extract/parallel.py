"""Run an extractor over many reports in worker processes, preserving input order.

Workers are forked once with the compiled extractor (no rebuild per worker); batches are sent
lazily, at most ``2 * n_process`` in flight, so memory stays constant for any input size.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

_WORKER_FN: Callable | None = None


def _init(fn: Callable) -> None:
    global _WORKER_FN
    _WORKER_FN = fn


def _run(batch):
    return [_WORKER_FN(item) for item in batch]


def batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ordered_map(fn: Callable, items: Iterable, *, n_process: int, batch_size: int = 256) -> Iterator:
    """``map(fn, items)`` over ``n_process`` forked workers, results in input order, bounded memory.

    ``fn`` must be picklable by reference or available at fork time; it is handed to workers
    through the fork, not pickled.
    """
    ctx = mp.get_context("fork")
    with ctx.Pool(n_process, initializer=_init, initargs=(fn,)) as pool:
        for batch in pool.imap(_run, batched(items, batch_size), chunksize=1):
            yield from batch


def parallel_map(extractor, reports: Iterable, *, n_process: int, batch_size: int = 256) -> Iterator:
    """:meth:`Extractor.extract_many` with worker processes."""

    def one(item):
        rid, report = item
        return extractor.extract(report, rid)

    yield from ordered_map(one, reports, n_process=n_process, batch_size=batch_size)
