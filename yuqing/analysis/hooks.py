"""Work other capabilities do on each analysed batch, inside its transaction.

Rumour matching and alert rules need each item's analysis (tone, region, event) the moment it
exists; running them in the batch's transaction means an item is never analysed without having
been checked, and a crash re-runs both together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yuqing.analysis.pipeline import Batch

AfterAnalysis = Callable[["Batch"], None]

_after_analysis: list[AfterAnalysis] = []


def after_analysis(func: AfterAnalysis) -> AfterAnalysis:
    """Register ``func(batch)`` to run after every saved batch; idempotent."""
    if func not in _after_analysis:
        _after_analysis.append(func)
    return func


def run_after_analysis(batch: Batch) -> None:
    for func in _after_analysis:
        func(batch)
