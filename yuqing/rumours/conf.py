"""The rumour matcher's settings, read from the environment when they are used.

Read at call time (not in ``settings.py``) so that this app owns its settings; each one is a
``YUQING_RUMOUR_*`` variable documented in docs/settings.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from yuqing.env import env_int
from yuqing.rumours.matching.index import Config


@dataclass(frozen=True)
class RumourSettings:
    matcher: Config
    #: Recent items whose n-grams give the rarity weights; 0: the entries alone.
    background_items: int
    #: How far back a new entry is checked against items already analysed; 0: not at all.
    backfill_days: int


def current() -> RumourSettings:
    threshold = env_int("YUQING_RUMOUR_THRESHOLD", 70, minimum=1, maximum=100)
    evidence = env_int("YUQING_RUMOUR_MIN_EVIDENCE", 4, minimum=0, maximum=100)
    per_item = env_int("YUQING_RUMOUR_MAX_PER_ITEM", 3, minimum=1, maximum=50)
    return RumourSettings(
        matcher=Config(threshold=threshold / 100, min_evidence=float(evidence),
                       max_per_text=per_item,
                       lead_days=env_int("YUQING_RUMOUR_LEAD_DAYS", 60, minimum=0)),
        background_items=env_int("YUQING_RUMOUR_BACKGROUND_ITEMS", 20_000, minimum=0,
                                 maximum=1_000_000),
        backfill_days=env_int("YUQING_RUMOUR_BACKFILL_DAYS", 7, minimum=0, maximum=365),
    )
