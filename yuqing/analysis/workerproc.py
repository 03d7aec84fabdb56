"""The code that runs inside a text-stage worker process (see :mod:`.workers`).

Kept apart, with no Django imports at module level: a spawned worker imports this module
before Django is set up, and only the functions below set it up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yuqing.analysis.context import Context
    from yuqing.analysis.pipeline import Record

_context: Context | None = None


def start() -> None:
    """Pool initializer: set Django up (settings come from the inherited environment)."""
    import django

    django.setup()


def text_stages(records: list[Record],
                models: tuple[str, str]) -> tuple[list[Record], dict[str, float]]:
    """Run the text stages on ``records``; returns them and the CPU seconds per stage.

    ``models`` names the classifiers the pipeline's process uses; a worker still holding
    others (a model was trained since it started) loads the current ones first.
    """
    global _context
    from yuqing.analysis import context
    from yuqing.analysis.pipeline import TEXT_STAGES, Batch, run

    if _context is None or _context.model_names() != models:
        _context = context.build(-1, with_state=False)
    cpu: dict[str, float] = {}
    batch = run(Batch(records=records, context=_context), TEXT_STAGES, cpu)
    for rec in batch.records:
        # The later stages read ``vector``, not the words; sending words back costs more.
        rec.tokens, rec.terms = [], []
    return batch.records, cpu

