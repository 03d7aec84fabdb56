"""Text stages in worker processes, overlapped with the saving of the previous batch.

The text stages (normalise, dedup text, segment, keywords, tone, region) read only the item
and static resources, so with ``YUQING_ANALYSIS_WORKERS`` > 0 they run in separate processes
— the other cores — while the pipeline's own process runs the stateful stages and writes the
batch before.
Workers are started with *spawn* (not fork: the web process that runs the pipeline has
threads), set up Django themselves and never touch the database.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from yuqing.analysis.pipeline import Record
from yuqing.analysis.workerproc import start, text_stages


class TextWorkers:
    """A pool of ``count`` worker processes; chunks of a batch go to all of them."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool = ProcessPoolExecutor(
            count, mp_context=multiprocessing.get_context("spawn"), initializer=start)

    def submit(self, records: list[Record], models: tuple[str, str]
               ) -> list[Future[tuple[list[Record], dict[str, float]]]]:
        size = max(1, -(-len(records) // self.count))
        return [self._pool.submit(text_stages, records[i:i + size], models)
                for i in range(0, len(records), size)]

    def warm(self, models: tuple[str, str]) -> None:
        """Start the workers and load their models now rather than on the first batch."""
        for future in [self._pool.submit(text_stages, [], models) for _ in range(self.count)]:
            future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
