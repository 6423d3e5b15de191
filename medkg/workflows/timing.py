"""Per-stage wall and CPU seconds for the workflows (what ``medkg build`` prints as its stage table).

Examples
--------
>>> timed = TimedRecords(iter(range(3)))
>>> sum(timed), timed.count
(3, 3)
>>> clock = StageClock()
>>> with clock("sum"):
...     _ = sum(range(1000))
>>> list(clock.seconds), list(clock.cpu)
(['sum'], ['sum'])
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager


def cpu_now() -> float:
    """CPU seconds used so far by this process and its finished (waited-for) child processes."""
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


class TimedRecords:
    """Wraps a record iterator and adds up the wall and CPU seconds spent inside it (reading),
    so a streamed build can still report reading apart from extraction."""

    def __init__(self, records: Iterable) -> None:
        self._it = iter(records)
        self.wall = self.cpu = 0.0
        self.count = 0

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        t, c = time.perf_counter(), time.process_time()
        try:
            item = next(self._it)
        finally:
            self.wall += time.perf_counter() - t
            self.cpu += time.process_time() - c
        self.count += 1
        return item


class StageClock:
    """Wall and CPU seconds per named stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t, c = time.perf_counter(), cpu_now()
        try:
            yield
        finally:
            self.record(stage, time.perf_counter() - t, cpu_now() - c)

    def record(self, stage: str, wall: float, cpu: float) -> None:
        self.seconds[stage] = wall
        self.cpu[stage] = cpu
